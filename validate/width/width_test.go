package width

import (
	"testing"
	"unicode/utf8"
)

func TestNarrow(t *testing.T) {
	tests := []struct {
		in, want string
		changed  bool
	}{
		{"", "", false},
		{"03-1234-5678", "03-1234-5678", false},
		{"日本語", "日本語", false},
		{"０３－１２３４－５６７８", "03-1234-5678", true},
		{"Ｒ７．４．１", "R7.4.1", true},
		{"山田\u3000太郎", "山田 太郎", true},
		{"\u22121", "-1", true},
		{"ａｂｃ（ｘ）", "abc(x)", true},
		{"ｶﾀｶﾅ", "ｶﾀｶﾅ", false}, // half-width katakana is not ASCII
	}
	for _, tc := range tests {
		got, changed := Narrow(tc.in)
		if got != tc.want || changed != tc.changed {
			t.Errorf("Narrow(%q) = %q, %v; want %q, %v", tc.in, got, changed, tc.want, tc.changed)
		}
	}
}

// FuzzNarrow checks that Narrow leaves no full-width ASCII behind, is
// idempotent, reports a change exactly when there was one, and never
// makes a value longer.
func FuzzNarrow(f *testing.F) {
	for _, s := range []string{"", "abc", "０３－１２３４", "Ｒ７．４．１", "a\u3000b", "\u2212", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, changed := Narrow(s)
		if changed == (got == s) && utf8.ValidString(s) {
			t.Fatalf("Narrow(%q) = %q, changed %v", s, got, changed)
		}
		if len(got) > len(s) && utf8.ValidString(s) {
			t.Fatalf("Narrow(%q) = %q is longer", s, got)
		}
		for _, r := range got {
			if r >= 0xff01 && r <= 0xff5e || r == '\u3000' || r == '\u2212' {
				t.Fatalf("Narrow(%q) = %q keeps %q", s, got, r)
			}
		}
		if again, ch := Narrow(got); ch || again != got {
			t.Fatalf("Narrow(%q) = %q, then %q", s, got, again)
		}
	})
}
