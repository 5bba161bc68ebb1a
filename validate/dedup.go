package validate

import (
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// arena copies strings into large shared blocks. The duplicate maps must
// own their keys (a value sliced from the reader's line would pin the whole
// line), and one allocation per row would cost both time and the allocator's
// per-object rounding; an arena costs one allocation per 64 KiB of login
// names. Bytes written to a block are never changed again, so the strings
// made from them are immutable as Go requires.
type arena struct {
	block []byte
}

const arenaBlock = 64 << 10

func (a *arena) intern(s string) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) > arenaBlock/8 {
		return strings.Clone(s)
	}
	if cap(a.block)-len(a.block) < len(s) {
		a.block = make([]byte, 0, arenaBlock)
	}
	off := len(a.block)
	a.block = append(a.block, s...)
	return unsafe.String(&a.block[off], len(s))
}

// foldHash is the 64-bit FNV-1a hash of s with every letter lower-cased
// (simple case mapping, the same for any spelling of the same letters), so
// "Taro@Example.com" and "taro@example.com" collide on purpose. It does not
// allocate, unlike hashing strings.ToLower(s).
func foldHash(s string) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			h = (h ^ uint64(c)) * prime
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		r = unicode.ToLower(r)
		if r < utf8.RuneSelf {
			h = (h ^ uint64(r)) * prime
			continue
		}
		for k := 0; k < 4; k++ {
			h = (h ^ uint64(byte(r>>(8*k)))) * prime
		}
	}
	return h
}
