// Package password makes initial passwords for new users and keeps the one
// file they are handed out from.
//
// A generated password exists in exactly two places: the Add Users request
// and the passwords file. It is written to the file (and synced) before the
// request that uses it, so a run that dies after the server created the
// user still has the password on disk, and a resume reuses it instead of
// inventing a second one that the user would never receive.
package password

import (
	"crypto/rand"
	"errors"
	"math/big"
)

// Length is the length of a generated password: 16 characters from 66
// symbols is about 96 bits, far beyond guessing, and within the 64
// characters every cybozu.com domain accepts.
const Length = 16

// The character classes. Letters and digits that look alike in print (0/O,
// 1/l/I) are left out because these passwords are read off a sheet and
// typed. The symbols are those cybozu.com allows that no spreadsheet or CSV
// reader treats specially: no quote, comma, space or backslash.
const (
	upper   = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	lower   = "abcdefghijkmnopqrstuvwxyz"
	digits  = "23456789"
	symbols = "#$%&*+-.:;=?@^_~!"
)

var classes = [...]string{upper, lower, digits, symbols}

// Generate returns a new password of Length characters from crypto/rand:
// at least one of each class, and a letter first, so that Excel never
// takes it for a formula (= + - @) when the passwords file is opened.
func Generate() (string, error) {
	all := upper + lower + digits + symbols
	for {
		b := make([]byte, Length)
		for i := range b {
			set := all
			if i == 0 {
				set = upper + lower
			}
			c, err := pick(set)
			if err != nil {
				return "", err
			}
			b[i] = c
		}
		if hasEveryClass(b) {
			return string(b), nil
		}
	}
}

func pick(set string) (byte, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
	if err != nil {
		return 0, errors.Join(errors.New("no randomness for a password"), err)
	}
	return set[n.Int64()], nil
}

func hasEveryClass(b []byte) bool {
	var seen [len(classes)]bool
	for _, c := range b {
		for i, set := range classes {
			for j := 0; j < len(set); j++ {
				if set[j] == c {
					seen[i] = true
				}
			}
		}
	}
	return seen[0] && seen[1] && seen[2] && seen[3]
}
