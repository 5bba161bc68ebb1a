package textenc

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDetectEncoding: detection never panics, a BOM or valid UTF-8
// decides, and a failure names every candidate.
func FuzzDetectEncoding(f *testing.F) {
	for _, s := range []string{"Fran\xe7ois", "\x83\x8d\x83O\x83C\x83\x93\x96\xbc", "\xb6\xc0\xb6\xc5", "caf\xe9,M\xfcller", "\x81\x81\x81\x81", "\xef\xbb\xbfa", "plain"} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, sample []byte, atEOF bool) {
		ch, err := Detect(sample, atEOF, "")
		if err != nil {
			if errors.Is(err, ErrEncoding) && strings.Contains(err.Error(), "could not be detected") &&
				!(strings.Contains(err.Error(), "UTF-8") && strings.Contains(err.Error(), "Shift_JIS") && strings.Contains(err.Error(), "Windows-1252")) {
				t.Fatalf("a failed detection must say what each candidate failed on: %v", err)
			}
			return
		}
		if utf8.Valid(sample) && bytes.IndexByte(sample, 0) < 0 && ch.BOM == 0 && ch.Name != UTF8 {
			t.Fatalf("valid UTF-8 detected as %s", ch.Name)
		}
	})
}

// FuzzLooksDoubleEncoded: the check never panics, HasHighByte agrees
// with a byte-by-byte scan, and text without any non-ASCII character is
// never double-encoded, even when the caller skips HasHighByte.
func FuzzLooksDoubleEncoded(f *testing.F) {
	for _, s := range []string{"MÃ¼ller", "ç”°ä¸\u00ad", "螻ｱ逕ｰ", "Zoë 山田", "縺", "Ã", "\u00e2\u20ac"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		high := false
		for i := 0; i < len(s); i++ {
			high = high || s[i] >= utf8.RuneSelf
		}
		if HasHighByte(s) != high {
			t.Fatalf("HasHighByte(%q) = %v", s, !high)
		}
		if LooksDoubleEncoded(s) && !high {
			t.Fatalf("ASCII text %q flagged", s)
		}
	})
}
