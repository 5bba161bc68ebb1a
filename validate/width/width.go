// Package width changes the full-width forms of ASCII characters, which
// people type with a Japanese input method left on (１２３, Ａ, －, the
// full-width space), to the half-width ones an API or a date reader
// expects.
package width

import (
	"strings"
	"unicode/utf8"
)

// Narrow changes full-width ASCII (Ａ, １, －, ．) to half-width and the
// full-width space to a space, and the minus sign − that some input
// methods give for - to -. changed is false when s has none of them; then
// t is s.
func Narrow(s string) (t string, changed bool) {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s, false
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case r >= 0xff01 && r <= 0xff5e:
			r -= 0xfee0
			changed = true
		case r == '\u3000':
			r = ' '
			changed = true
		case r == '\u2212':
			r = '-'
			changed = true
		}
		b.WriteRune(r)
	}
	if !changed {
		return s, false
	}
	return b.String(), true
}
