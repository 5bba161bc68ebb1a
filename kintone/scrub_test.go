package kintone

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// Passwords the password policy allows that change when quoted or escaped.
const (
	pwQuote   = `Ab"cd\ef-9x`              // %q and JSON turn " and \ into \" and \\
	pwUnicode = `Pä"ß\wörd-秘密😀`            // non-ASCII, and a character beyond the BMP
	pwLong    = "Secret-Prefix-1234567890" // long enough to straddle a cut
)

// quotedForm is s as Go's %q writes it, without the quotes.
func quotedForm(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// jsonForm is s as encoding/json writes it, without the quotes.
func jsonForm(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// asciiJSONForm is s as JSON with every non-ASCII character written as a
// \u escape in lower case, as Python's json.dumps writes it.
func asciiJSONForm(s string) string {
	var b strings.Builder
	for _, r := range jsonForm(s) {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		units := []rune{r}
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			units = []rune{r1, r2}
		}
		for _, u := range units {
			fmt.Fprintf(&b, `\u%04x`, u)
		}
	}
	return b.String()
}

// assertHidden fails when s holds pw in any form a server or this package
// may give it, or any of the fragments. A short password is looked for only
// as a whole word (see minAnywhereScrub): "ab" may stay inside "about".
func assertHidden(t *testing.T, what, s, pw string, fragments ...string) {
	t.Helper()
	for _, f := range []string{pw, quotedForm(pw), jsonForm(pw), asciiJSONForm(pw)} {
		if utf8.RuneCountInString(pw) < minAnywhereScrub {
			if regexp.MustCompile(`\b` + regexp.QuoteMeta(f) + `\b`).MatchString(s) {
				t.Errorf("%s leaks the word %q: %s", what, f, s)
			}
			continue
		}
		fragments = append(fragments, f)
	}
	for _, f := range fragments {
		if strings.Contains(s, f) {
			t.Errorf("%s leaks %q: %s", what, f, s)
		}
	}
}

// TestErrorTextHidesPasswords sends a password and lets the server echo it
// in every place that ends up in an APIError, in the forms that hid it from
// an exact match before: quoted by %q, JSON-escaped, re-encoded, cut at the
// snippet length or at the read limit.
func TestErrorTextHidesPasswords(t *testing.T) {
	tests := []struct {
		name      string
		pw        string
		ctype     string
		status    int
		body      string
		readLimit int64    // the client's error body limit; 0 keeps the default
		fragments []string // must not appear either
		want      string   // must appear: the error still says what happened
	}{
		{
			name: "plain-text body, quote and backslash", pw: pwQuote, ctype: "text/plain", status: 400,
			body: "rejected password=" + pwQuote, want: `malformed error body (400 Bad Request): "rejected password=***"`,
		},
		{
			name: "plain-text body, non-ASCII", pw: pwUnicode, ctype: "text/plain", status: 400,
			body: "rejected password=" + pwUnicode + " (retry)", want: `"rejected password=*** (retry)"`,
		},
		{
			name: "plain-text body, password across the snippet cut", pw: pwLong, ctype: "text/plain", status: 400,
			body: strings.Repeat("x", 105) + pwLong + strings.Repeat("z", 50), fragments: []string{"Secret-Pre", "1234567890"},
			want: strings.Repeat("x", 105) + "***" + strings.Repeat("z", 12) + "...",
		},
		{
			name: "plain-text body, password ends at the snippet cut", pw: pwLong, ctype: "text/plain", status: 400,
			body: strings.Repeat("x", 120-len(pwLong)) + pwLong + "tail", fragments: []string{"Secret-Pre"},
			want: strings.Repeat("x", 120-len(pwLong)) + "***tail",
		},
		{
			name: "plain-text body, password cut by the read limit", pw: pwLong, ctype: "text/plain", status: 400,
			body: strings.Repeat("x", 50) + pwLong + strings.Repeat("y", 100), readLimit: 64,
			fragments: []string{"Secret-Pre", "Secret-", "Secret"},
			// The 14 characters before the cut are a piece of the secret
			// long enough to be masked; a shorter one would be trimmed.
			want: `error body too large, truncated (400 Bad Request): "` + strings.Repeat("x", 50) + `***"`,
		},
		{
			name: "unterminated JSON, password JSON-escaped", pw: pwQuote, ctype: "application/json", status: 400,
			body: `{"code":"CB_VA01","message":"bad password \"` + jsonForm(pwQuote) + `\" for`, want: "malformed error body",
		},
		{
			name: "unterminated JSON, non-ASCII as \\u escapes", pw: pwUnicode, ctype: "application/json", status: 400,
			body: `{"message":"bad password ` + asciiJSONForm(pwUnicode) + `, sorry`, want: `bad password ***, sorry`,
		},
		{
			name: "non-string field message, quote", pw: `Pa"ss-word-1`, ctype: "application/json", status: 400,
			body:      `{"code":"CB_VA01","message":"bad","errors":{"users[0].password":{"value":"Pa\"ss-word-1"}}}`,
			fragments: []string{"ss-word-1"}, want: `users[0].password: {"value":"***"}`,
		},
		{
			name: "non-string field message, every character escaped", pw: "Pass", ctype: "application/json", status: 400,
			body: `{"code":"CB_VA01","message":"bad","errors":{"users[0].password":{"value":["\u0050\u0061\u0073\u0073",7]}}}`,
			want: `users[0].password: {"value":["***",7]}`,
		},
		{
			name: "non-string field message, non-ASCII", pw: pwUnicode, ctype: "application/json", status: 400,
			body: `{"code":"CB_VA01","message":"bad","errors":{"users[0].password":{"value":"` + asciiJSONForm(pwUnicode) + `"}}}`,
			want: `users[0].password: {"value":"***"}`,
		},
		{
			name: "field key", pw: pwQuote, ctype: "application/json", status: 400,
			body: `{"code":"CB_VA01","message":"bad","errors":{"users[0].` + jsonForm(pwQuote) + `":{"messages":["unknown field"]}}}`,
			want: "users[0].***: unknown field",
		},
		{
			name: "message, code and id", pw: pwUnicode, ctype: "application/json", status: 400,
			body: fmt.Sprintf(`{"code":%q,"id":%q,"message":%q}`, pwUnicode, pwUnicode, "password "+pwUnicode+" rejected"),
			want: "400 *** password *** rejected (id: ***)",
		},
		{
			name: "HTML page title", pw: pwQuote, ctype: "text/html", status: 401,
			body: `<html><title>Login failed: Ab&quot;cd\ef-9x</title></html>`,
			want: `(page title "Login failed: ***")`,
		},
		{
			name: "short password quoted as a token", pw: "ab", ctype: "application/json", status: 400,
			body: `{"code":"CB_VA01","message":"password \"ab\" is too short; see about:blank"}`,
			want: `password "***" is too short; see about:blank`,
		},
		{
			name: "one-character password after an equals sign", pw: "7", ctype: "text/plain", status: 400,
			body: "password=7 too short (rule 17)", want: `"password=*** too short (rule 17)"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			c := clientFor(t, ts)
			if tt.readLimit > 0 {
				c.maxErrorBody = tt.readLimit
			}
			p := Secret(tt.pw)
			err := c.AddUsers(context.Background(), []UserInput{{Code: "u", Password: &p}})
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			assertHidden(t, "Error()", err.Error(), tt.pw, tt.fragments...)
			assertHidden(t, "%+v", fmt.Sprintf("%+v", ae), tt.pw, tt.fragments...)
			assertHidden(t, "%#v", fmt.Sprintf("%#v", ae), tt.pw, tt.fragments...)
			for _, fe := range ae.Errors {
				assertHidden(t, "Field", fe.Field, tt.pw, tt.fragments...)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Error() = %s\nwant it to contain %s", err, tt.want)
			}
		})
	}
}

// TestGuestPasswordHidden checks that Add Guests passes its passwords to
// the scrubber too.
func TestGuestPasswordHidden(t *testing.T) {
	ts := newTestServer(t, replyJSON(400, fmt.Sprintf(`{"code":"CB_VA01","message":%q}`, "bad password "+pwQuote)))
	c := clientFor(t, ts)
	err := c.AddGuests(context.Background(), []GuestInput{{Code: "g@example.com", Password: Secret(pwQuote), Timezone: "UTC", Name: "G"}})
	if err == nil {
		t.Fatal("want an error")
	}
	assertHidden(t, "Error()", err.Error(), pwQuote)
}

func TestScrubberString(t *testing.T) {
	tests := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{"no secrets", nil, "password abc", "password abc"},
		{"empty secret ignored", []string{""}, "abc", "abc"},
		{"every occurrence", []string{"hunter2"}, "hunter2/hunter2!", "***/***!"},
		{"inside a word", []string{"hunter2"}, "xhunter2y", "x***y"},
		{"overlapping occurrences become one mask", []string{"abab"}, "xababab", "x***"},
		{"adjacent secrets become one mask", []string{"Secret-1", "Secret-2"}, "Secret-1Secret-2.", "***."},
		{"one secret inside another", []string{"Secret-12", "cret"}, "Secret-12 cret", "*** ***"},
		{"percent-q form", []string{pwQuote}, quotedForm(pwQuote), "***"},
		{"JSON form", []string{pwQuote}, jsonForm(pwQuote), "***"},
		{"JSON with HTML escapes", []string{"a<b>&c"}, `a\u003cb\u003e\u0026c`, "***"},
		{"JSON lower-case \\u", []string{pwUnicode}, asciiJSONForm(pwUnicode), "***"},
		{"JSON upper-case \\u", []string{"Pässwort"}, `P\u00E4sswort`, "***"},
		{"Go ASCII quoting", []string{"Pässwort"}, `P\u00e4sswort`, "***"},
		{"password with asterisks uses another mask", []string{"a***"}, "aaaa***", "aaa###"},
		{"password with every preferred mask character", []string{"*#~?%"}, "x*#~?%y", "x░░░y"},
		{"short: quoted token", []string{"ab"}, `password "ab" rejected`, `password "***" rejected`},
		{"short: inside words stays", []string{"ab"}, "about tab abc", "about tab abc"},
		{"short: at both ends", []string{"ab"}, "ab", "***"},
		{"short: symbol edge needs no boundary", []string{"!a"}, "x!a b", "x*** b"},
		{"short: non-ASCII token", []string{"秘密"}, "password 秘密. 秘密の", "password ***. 秘密の"},
		{"short and long together", []string{"ab", "Secret-9"}, "ab Secret-9 abc", "*** *** abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newScrubber(tt.secrets).String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	var nilScrubber *scrubber
	if got := nilScrubber.String("x"); got != "x" {
		t.Errorf("nil scrubber String = %q", got)
	}
}

func TestScrubberTrimPartial(t *testing.T) {
	tests := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{"nothing to trim", []string{"Secret-1"}, "abc", "abc"},
		{"one character", []string{"Secret-1"}, "abc S", "abc "},
		{"all but the last character", []string{"Secret-1"}, "abc Secret-", "abc "},
		{"longest of several", []string{"Secret-1", "cret-22"}, "abc Secret-", "abc "},
		{"escaped form", []string{pwQuote}, `x=Ab\"cd\\`, "x="},
		{"whole text", []string{"Secret-1"}, "Secr", ""},
		{"short secret at a token start", []string{"abc"}, "see ab", "see "},
		{"short secret glued to a word", []string{"abc"}, "grab", "grab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newScrubber(tt.secrets).trimPartial(tt.in); got != tt.want {
				t.Errorf("trimPartial(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestScrubberSnippet(t *testing.T) {
	tests := []struct {
		name    string
		secrets []string
		in      string
		n       int
		want    string
	}{
		{"short enough", nil, "abc", 3, "abc"},
		{"cut", nil, "abcdef", 3, "abc..."},
		{"cut at a character boundary", nil, "ab秘密", 4, "ab..."},
		{"cut inside a secret's beginning", []string{"Secret-1"}, "xx Secret-9 yy", 9, "xx ..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newScrubber(tt.secrets).snippet(tt.in, tt.n); got != tt.want {
				t.Errorf("snippet(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

// view is s as f is matched against it: ASCII-lowered when f folds case.
func (f form) view(s string) string {
	if f.fold {
		return asciiLower(s)
	}
	return s
}

// in reports whether f occurs in s.
func (f form) in(s string) bool { return strings.Contains(f.view(s), f.text) }

// FuzzScrubber checks the scrubber's promises for any text and secret: no
// form of a long secret survives String, and trimPartial leaves no place
// from which the cut-off text could go on to spell a form.
func FuzzScrubber(f *testing.F) {
	f.Add("rejected "+pwQuote, pwQuote)
	f.Add("aaaa***", "a***")
	f.Add("xababab", "abab")
	f.Add(strings.Repeat("x", 105)+pwLong[:10], pwLong)
	f.Add(asciiJSONForm(pwUnicode), pwUnicode)
	f.Fuzz(func(t *testing.T, text, secret string) {
		sc := newScrubber([]string{secret})
		if utf8.RuneCountInString(secret) >= minAnywhereScrub {
			out := sc.String(text)
			for _, form := range sc.anywhere {
				if form.in(out) {
					t.Fatalf("String(%q) = %q keeps %q", text, out, form.text)
				}
			}
		}
		cut := sc.trimPartial(text)
		if !strings.HasPrefix(text, cut) {
			t.Fatalf("trimPartial(%q) = %q, not a prefix", text, cut)
		}
		for p := 0; p < len(cut); p++ {
			for _, form := range sc.anywhere {
				if rest := form.view(text[p:]); len(rest) < len(form.text) && strings.HasPrefix(form.text, rest) {
					t.Fatalf("trimPartial(%q) = %q: %q from %d begins %q", text, cut, rest, p, form.text)
				}
			}
		}
	})
}

// FuzzParseErrorHidesSecret checks that whatever the body, no field of the
// APIError holds a form of a (long) secret.
func FuzzParseErrorHidesSecret(f *testing.F) {
	f.Add(400, "text/plain", []byte("rejected "+pwQuote), pwQuote, false)
	f.Add(400, "application/json", []byte(`{"errors":{"users[0].x":{"v":"Pa\"ss-word-1"}}}`), `Pa"ss-word-1`, false)
	f.Add(400, "text/plain", []byte(strings.Repeat("x", 110)+pwLong), pwLong, true)
	f.Add(401, "text/html", []byte(`<title>Ab&quot;cd\ef-9x</title>`), pwQuote, false)
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte, secret string, truncated bool) {
		if utf8.RuneCountInString(secret) < minAnywhereScrub {
			t.Skip("short secrets are replaced only as whole tokens")
		}
		h := http.Header{}
		h.Set("Content-Type", ctype)
		sc := newScrubber([]string{secret})
		e := parseError(status, h, body, truncated, sc)
		fields := []string{e.Code, e.ID, e.Message}
		for _, fe := range e.Errors {
			fields = append(append(fields, fe.Key, fe.Field), fe.Messages...)
		}
		for _, s := range fields {
			for _, form := range sc.anywhere {
				if form.in(s) {
					t.Fatalf("%q keeps %q", s, form.text)
				}
			}
		}
	})
}
