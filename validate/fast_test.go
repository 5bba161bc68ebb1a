package validate

import (
	"strings"
	"testing"
	"unicode"
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

// FuzzFastPaths checks each quick test of Check against the slow path it
// stands in for: where settled passes a value, text must find it clean and
// field must have nothing to report and nothing to change.
func FuzzFastPaths(f *testing.F) {
	for _, s := range []string{
		"", "taro", "taro@example.com", "a@b.c", "a@b..c", "a@.b", "a@b.", "a\u3000b@c.d", "a@@b.c", "@b.c", "a@", "a\x01@b.c",
		"kintone", "kintone;garoon", "garoon;kintone;office", "kintone;kintone", "kintone;", ";kintone", "ki;gr",
		"sales", "sales:manager;hr", "a;a", "a: b", "a :b", "a:", ":b", "a:b:c", "a;b;c;d;e;f;g;h;i", "営業部:部長",
		"2024-02-29", "2023-02-29", "0000-01-01", "2024-13-01", "2024-1-01", "２０２４-01-01", "pass word", "Passw0rd!2024",
		"0", "00", "100", "99999999", "100000000", "true", "True", "ja", "zh-TW", "zh_tw", "Asia/Tokyo",
		"tab\tx", " lead", "trail ", "\u3000x", "x\u3000", "a/b", "日本", "a\x7fb",
	} {
		f.Add(s)
	}
	// The rules tried here keep no state across rows (but for the last
	// time zone), so one Validator per kind serves every input.
	var vs []*Validator
	for _, k := range []Kind{Users, Guests} {
		v := New(Options{Kind: k})
		if !v.knownTimezone("Asia/Tokyo") {
			f.Fatal("Asia/Tokyo unknown")
		}
		vs = append(vs, v)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range vs {
			for fld := Field(0); fld < NumFields; fld++ {
				p := &v.plan[fld]
				if s == "" || p.op == opNotForKind || p.trim && blankEdge(s) || !v.settled(p, s) {
					continue
				}
				var res Result
				rec := &Record{Row: 2}
				rec.Values[fld] = s
				if !v.text(&res, rec, fld, "", s) {
					t.Fatalf("%v %v: settled(%q) but text reports %+v", v.opts.Kind, fld, s, res.Issues)
				}
				v.field(&res, rec, fld, s)
				if res.Issues != nil || res.Changes != nil || rec.Values[fld] != s {
					t.Fatalf("%v %v: settled(%q) but field reports %+v", v.opts.Kind, fld, s, res)
				}
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

// TestStartsVisible tries every character: startsVisible may only pass
// those that are not white space.
func TestStartsVisible(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if s := string(r) + " "; startsVisible(s) && unicode.IsSpace(r) {
			t.Fatalf("startsVisible(%q) passes a space", s)
		}
	}
}

// TestCanonicalServicesNames keeps the switch of canonicalServices in step
// with serviceNames.
func TestCanonicalServicesNames(t *testing.T) {
	for _, n := range serviceNames {
		if !canonicalServices(n) || canonicalServices(n+";"+n) {
			t.Errorf("canonicalServices does not know %q", n)
		}
	}
	all := strings.Join(serviceNames[:], ";")
	if !canonicalServices(all) {
		t.Errorf("canonicalServices(%q) = false", all)
	}
}
