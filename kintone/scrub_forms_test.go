package kintone

import (
	"encoding/base64"
	"html"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestScrubberForms covers the forms a server may echo a secret in beyond
// escaping: HTML entities, URL encoding, another letter case, base64, and
// pieces of eight characters or more.
func TestScrubberForms(t *testing.T) {
	const (
		pwHTML  = `Ab"c<d>&e'f-99`
		pwURL   = "P@ss w/rd+100?"
		pwCase  = "Secret-Prefix-99"
		pwUmlau = "pässwörd-Secret"
	)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	b64url := func(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{"HTML, Go's entities", []string{pwHTML}, "bad " + html.EscapeString(pwHTML) + ".", "bad ***."},
		{"HTML, named quotes", []string{pwHTML}, "bad Ab&quot;c&lt;d&gt;&amp;e&apos;f-99.", "bad ***."},
		{"HTML, hex quotes", []string{pwHTML}, "bad Ab&#x22;c&lt;d&gt;&amp;e&#x27;f-99.", "bad ***."},
		{"URL query escaping", []string{pwURL}, "next=" + url.QueryEscape(pwURL) + "&x=1", "next=***&x=1"},
		{"URL path escaping", []string{pwURL}, "/u/" + url.PathEscape(pwURL) + "/x", "/u/***/x"},
		{"URL %20 escaping", []string{pwURL}, "q=" + queryEscape(pwURL), "q=***"},
		{"URL lower-case hex", []string{pwURL}, "q=" + strings.ToLower(url.QueryEscape(pwURL)), "q=***"},
		{"upper case", []string{pwCase}, "bad SECRET-PREFIX-99!", "bad ***!"},
		{"lower case", []string{pwCase}, "bad secret-prefix-99!", "bad ***!"},
		{"mixed case", []string{pwCase}, "bad sEcReT-pReFiX-99!", "bad ***!"},
		{"non-ASCII upper case", []string{pwUmlau}, "bad PÄSSWÖRD-SECRET!", "bad ***!"},
		{"base64", []string{pwCase}, "token " + b64(pwCase) + " end", "token ***== end"},
		{"base64 URL alphabet", []string{pwHTML}, "t=" + b64url(pwHTML), "t=***="},
		{"base64 is matched exactly", []string{pwCase}, strings.ToLower(b64(pwCase)), strings.ToLower(b64(pwCase))},
		{"truncated echo", []string{pwLong}, "value Secret-Prefix-12 too long", "value *** too long"},
		{"piece of eight inside", []string{pwLong}, "see cret-Pre!", "see ***!"},
		{"piece of eight, other case", []string{pwLong}, "see CRET-PRE!", "see ***!"},
		{"piece of seven stays", []string{pwLong}, "see ret-Pre!", "see ret-Pre!"},
		{"two pieces", []string{pwLong}, "a Secret-P b 34567890 c", "a *** b *** c"},
		{"piece of a JSON form", []string{pwQuote + "zz"}, `x cd\\ef-9xz y`, `x *** y`},
		{"piece of a non-ASCII secret", []string{pwUnicode}, "x ß\\wörd-秘密 y", "x *** y"},
		{"short secret keeps its case", []string{"Pass"}, "password Pass PASS", "password *** PASS"},
		{"seven characters: no pieces, no folding", []string{"Secret7"}, "Secret SECRET7 Secret7", "Secret SECRET7 ***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newScrubber(tt.secrets).String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// echo renders secret as a server might echo it; kind picks the form and
// from, n pick a piece of it.
func echo(secret string, kind uint8, from, n uint16) (text, mustVanish string) {
	switch kind % 9 {
	case 0:
		return html.EscapeString(secret), html.EscapeString(secret)
	case 1:
		return url.QueryEscape(secret), url.QueryEscape(secret)
	case 2:
		return url.PathEscape(secret), url.PathEscape(secret)
	case 3:
		return strings.ToUpper(secret), strings.ToUpper(secret)
	case 4:
		return strings.ToLower(secret), strings.ToLower(secret)
	case 5:
		raw := base64.RawStdEncoding.EncodeToString([]byte(secret))
		return base64.StdEncoding.EncodeToString([]byte(secret)), raw
	case 6:
		raw := base64.RawURLEncoding.EncodeToString([]byte(secret))
		return base64.URLEncoding.EncodeToString([]byte(secret)), raw
	case 7:
		s := strings.ToUpper(secret)
		return s[:len(s)/2] + strings.ToLower(s[len(s)/2:]), ""
	}
	runes := []rune(secret)
	start := int(from) % (len(runes) - minWindow + 1)
	length := minWindow + int(n)%(len(runes)-start-minWindow+1)
	piece := string(runes[start : start+length])
	return piece, piece
}

// FuzzScrubberForms checks that a long secret echoed in any of the forms of
// echo, anywhere in any text, leaves no trace of that form.
func FuzzScrubberForms(f *testing.F) {
	f.Add("Secret-Prefix-99", "bad ", " end", uint8(0), uint16(0), uint16(0))
	f.Add(pwUnicode, "", "", uint8(3), uint16(1), uint16(2))
	f.Add(pwQuote, "x", "y", uint8(8), uint16(2), uint16(1))
	f.Add("P@ss w/rd+100?", "q=", "&", uint8(1), uint16(0), uint16(0))
	f.Add("aaaaaaaaaaaa", "AAAA", "aaaa", uint8(7), uint16(3), uint16(4))
	f.Fuzz(func(t *testing.T, secret, prefix, suffix string, kind uint8, from, n uint16) {
		if !utf8.ValidString(secret) || utf8.RuneCountInString(secret) < minWindow {
			t.Skip("pieces and case folding are promised for valid secrets of eight characters or more")
		}
		if len(secret) > 256 || len(prefix)+len(suffix) > 4096 {
			t.Skip("a password or token is short, and the check below is quadratic")
		}
		text, vanish := echo(secret, kind, from, n)
		sc := newScrubber([]string{secret})
		out := sc.String(prefix + text + suffix)
		if vanish != "" && strings.Contains(out, vanish) {
			t.Fatalf("String(%q) = %q keeps %q", prefix+text+suffix, out, vanish)
		}
		// However it was echoed, no piece of eight characters of the
		// secret survives, in any ASCII case.
		lo, runes := asciiLower(out), []rune(asciiLower(secret))
		for i := 0; i+minWindow <= len(runes); i++ {
			if p := string(runes[i : i+minWindow]); strings.Contains(lo, p) {
				t.Fatalf("String(%q) = %q keeps the piece %q", prefix+text+suffix, out, p)
			}
		}
	})
}
