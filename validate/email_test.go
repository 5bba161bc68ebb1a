package validate

import (
	"github.com/userimport/userimport/i18n"

	"net/mail"
	"strings"
	"testing"
)

// TestEmailProblem pins which problems are certain and which doubtful.
func TestEmailProblem(t *testing.T) {
	tests := []struct {
		in       string
		doubtful bool
		part     string // in the problem; "" = no problem
	}{
		{"taro@example.com", false, ""},
		{"taro+hr@example.co.jp", false, ""},
		{"o'brien@example.ie", false, ""},
		{"taro..x.@docomo.ne.jp", false, ""},
		{"太郎@例え.jp", false, ""},
		{"admin@localhost", true, "no dot"},
		{"a@b", true, "no dot"},
		{`"john doe"@example.com`, true, "quoted"},
		{`""@example.com`, true, "quoted"},
		{`"a\"b"@example.com`, true, "quoted"},
		{`"a\\"@example.com`, true, "quoted"},
		{"taro@[192.0.2.1]", true, "brackets"},
		{"taro@[IPv6:2001:db8::1]", true, "brackets"},
		{"taro", false, "no @"},
		{"@example.com", false, "nothing before"},
		{"taro@", false, "no domain"},
		{"a@b@example.com", false, "more than one @"},
		{`"a@b"@c@example.com`, false, "more than one @"},
		{`"taro@example.com`, false, "never closed"},
		{`"a\"@example.com`, false, "never closed"},
		{`"taro"`, false, "not the whole part"},
		{`"ta"ro@example.com`, false, "not the whole part"},
		{"ta ro@example.com", false, "space"},
		{"taro@exa mple.com", false, "space"},
		{"taro\u3000@example.com", true, "full-width space"},
		{"taro@example\u3000.com", true, "full-width space"},
		{`"ta\u3000ro"@example.com`, true, "quoted"},
		{"Taro <taro@example.com>", false, "space"},
		{"<taro@example.com>", false, `'<'`},
		{"a@example.com;b@example.com", false, "more than one @"},
		{"a;b@example.com", false, `';'`},
		{"taro@[1\\2]", false, `'\\'`},
		{"taro@[192.0.2.1", false, `'['`},
		{"taro@[1 2]", false, "space"},
		{"taro@.example.com", false, "empty part"},
		{"taro@example.com.", false, "empty part"},
		{"taro@example..com", false, "empty part"},
	}
	for _, tc := range tests {
		m, doubtful := emailProblem(tc.in)
		p := m.In(i18n.English)
		if tc.part == "" {
			if !m.IsZero() {
				t.Errorf("emailProblem(%q) = %q", tc.in, p)
			}
			continue
		}
		if !strings.Contains(p, tc.part) || doubtful != tc.doubtful {
			t.Errorf("emailProblem(%q) = %q, %v; want %q, %v", tc.in, p, doubtful, tc.part, tc.doubtful)
		}
	}
}

// FuzzEmailProblem checks emailProblem against net/mail: an address that
// RFC 5322 allows as it stands is never certainly wrong, and the fast
// test agrees with it.
func FuzzEmailProblem(f *testing.F) {
	for _, s := range []string{
		"taro@example.com", "a@b", `"john doe"@example.com`, `"a\"b"@x.y`, "a@[1.2.3.4]", "a@b@c", `"a@b"@c`,
		"taro", "@x", "x@", "a b@c.d", "a@b..c", "a@.b", "a@b.", `"unclosed@x`, "\u3000@x.y", "x@y.z,w@v.u",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, doubtful := emailProblem(s)
		p := m.In(i18n.English)
		if m.IsZero() && doubtful {
			t.Fatalf("%q: doubtful without a problem", s)
		}
		if plausibleEmail(s) && !m.IsZero() {
			t.Fatalf("%q: plausibleEmail but %q", s, p)
		}
		if a, err := mail.ParseAddress(s); err == nil && a.Name == "" && a.Address == s && !m.IsZero() && !doubtful {
			t.Fatalf("%q: RFC 5322 address rejected: %q", s, p)
		}
	})
}
