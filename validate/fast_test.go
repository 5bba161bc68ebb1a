package validate

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCleanTextSequences puts every pair of bytes after every lead byte,
// and every byte after the full two- and three-byte sequences, at both
// ends of a value, so each branch of cleanMixed meets every neighbour.
func TestCleanTextSequences(t *testing.T) {
	buf := make([]byte, 0, 16)
	for lead := 0x80; lead < 0x100; lead++ {
		for b1 := 0; b1 < 256; b1++ {
			for _, b2 := range []byte{0x00, 0x41, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xe3} {
				for _, pre := range []string{"", "abcdefgh", "あ"} {
					buf = append(append(append(buf[:0], pre...), byte(lead), byte(b1)), b2)
					for _, ml := range []bool{false, true} {
						if got, want := cleanText(string(buf), ml), cleanRef(string(buf), ml); got != want {
							t.Fatalf("cleanText(%q, %v) = %v, want %v", buf, ml, got, want)
						}
					}
				}
			}
		}
	}
}

// FuzzFastPaths checks each fast test of Check against the slow path it
// stands in for: where the fast test passes a value, the slow path must
// have nothing to report and nothing to change.
func FuzzFastPaths(f *testing.F) {
	for _, s := range []string{
		"", "taro", "taro@example.com", "a@b.c", "a@b..c", "a@.b", "a@b.", "a\u3000b@c.d", "a@@b.c", "@b.c", "a@",
		"kintone", "kintone;garoon", "garoon;kintone;office", "kintone;kintone", "kintone;", ";kintone", "ki;gr",
		"sales", "sales:manager;hr", "a;a", "a: b", "a :b", "a:", ":b", "a:b:c", "a;b;c;d;e;f;g;h;i", "営業部:部長",
		"2024-02-29", "2023-02-29", "0000-01-01", "2024-13-01", "2024-1-01", "２０２４-01-01", "pass word", "Passw0rd!2024",
		"tab\tx", " lead", "trail ", "\u3000x", "x\u3000", "a/b", "日本",
	} {
		f.Add(s)
	}
	// The rules tried here keep no state across rows, so one Validator
	// serves every input. Guests' login names never take the fast path.
	users := New(Options{Kind: Users})
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := plausibleEmail(s), emailProblem(s) == ""; got != want {
			t.Errorf("plausibleEmail(%q) = %v, emailProblem says %q", s, got, emailProblem(s))
		}
		if cleanText(s, false) && len(s) <= users.plan[Code].short && plainCode(s) {
			var res Result
			rec := &Record{Row: 2}
			rec.Values[Code] = s
			users.code(&res, rec, s)
			if res.Issues != nil || res.Changes != nil {
				t.Errorf("plainCode(%q) but code reports %+v", s, res)
			}
		}
		v := users
		if plainPassword(s, v.plan[Password].short) {
			var res Result
			rec := &Record{Row: 2}
			rec.Values[Password] = s
			v.password(&res, rec, s)
			if res.Issues != nil || res.Changes != nil {
				t.Errorf("plainPassword(%q) but password reports %+v", s, res)
			}
		}
		if plainDate(s) {
			var res Result
			rec := &Record{Row: 2}
			rec.Values[BirthDate] = s
			v.date(&res, rec, BirthDate, s)
			if res.Issues != nil || res.Changes != nil || rec.Values[BirthDate] != s {
				t.Errorf("plainDate(%q) but date reports %+v", s, res)
			}
		}
		if canonicalServices(s) {
			var res Result
			rec := &Record{Row: 2}
			rec.Values[Services] = s
			v.services(&res, rec, s)
			if res.Issues != nil || res.Changes != nil || rec.Values[Services] != s {
				t.Errorf("canonicalServices(%q) but services reports %+v", s, res)
			}
		}
		if canonicalOrganizations(s) {
			var res Result
			rec := &Record{Row: 2}
			rec.Values[Organizations] = s
			v.organizations(&res, rec, s)
			if res.Issues != nil || res.Changes != nil || rec.Values[Organizations] != s {
				t.Errorf("canonicalOrganizations(%q) but organizations reports %+v", s, res)
			}
		}
		if foldHash(s) != foldHashRunes(s) {
			t.Errorf("foldHash(%q) differs from foldHashRunes", s)
		}
		if up, low := strings.ToUpper(s), strings.ToLower(s); isASCII(s) && foldHash(up) != foldHash(low) {
			t.Errorf("foldHash(%q) != foldHash(%q)", up, low)
		}
		for _, ml := range []bool{false, true} {
			if got, want := cleanText(s, ml), cleanRef(s, ml); got != want {
				t.Errorf("cleanText(%q, %v) = %v, want %v", s, ml, got, want)
			}
		}
		if !utf8.ValidString(s) && cleanText(s, true) {
			t.Errorf("cleanText(%q) accepts invalid UTF-8", s)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// TestFoldHashASCII checks the word-at-a-time lower-casing on every ASCII
// byte in every lane and in the tail.
func TestFoldHashASCII(t *testing.T) {
	for c := 0; c < utf8.RuneSelf; c++ {
		for pos := range 11 {
			b := []byte("abcdefghijk")
			b[pos] = byte(c)
			low := strings.ToLower(string(b))
			if got, want := foldHash(string(b)), foldHashRunes(low); got != want {
				t.Fatalf("foldHash(%q) = %#x, foldHashRunes(%q) = %#x", b, got, low, want)
			}
		}
	}
}
