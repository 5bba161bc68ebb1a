package i18n

import "testing"

func TestFromEnv(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want Lang
	}{
		{nil, English},
		{map[string]string{"LANG": "ja_JP.UTF-8"}, Japanese},
		{map[string]string{"LANG": "ja_JP.eucJP"}, Japanese},
		{map[string]string{"LANG": "ja"}, Japanese},
		{map[string]string{"LANG": "en_US.UTF-8"}, English},
		{map[string]string{"LANG": "C"}, English},
		{map[string]string{"LANG": "fr_FR.UTF-8"}, English},
		{map[string]string{"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, Japanese},
		{map[string]string{"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, English},
		{map[string]string{"LC_ALL": "ja_JP.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, Japanese},
		{map[string]string{"LC_ALL": "", "LC_MESSAGES": "", "LANG": "ja_JP.UTF-8"}, Japanese},
		{map[string]string{"LANG": "jam_JM"}, English},
	}
	for _, tc := range tests {
		if got := FromEnv(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("FromEnv(%v) = %v, want %v", tc.env, got, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"ja", Japanese, true}, {"JA", Japanese, true}, {"en", English, true},
		{"ja-JP", Japanese, true}, {"en_GB.UTF-8", English, true},
		{"", English, false}, {"fr", English, false}, {"japanese", English, false},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("Parse(%q) = %v, %v", tc.in, got, err)
		}
	}
	if _, err := Parse("fr"); err == nil || err.Error() != `unknown language "fr"; use ja (Japanese) or en (English)` {
		t.Errorf("Parse(fr) error %v", err)
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	tests := []struct {
		in   string
		want Lang
	}{
		{"", English},
		{"ja", Japanese},
		{"ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", Japanese},
		{"en-US,en;q=0.9,ja;q=0.8", English},
		{"fr-FR,fr;q=0.9", English},
		{"fr-FR,ja;q=0.5", Japanese},
		{"*", English},
		{"garbage;;;q=x", English},
	}
	for _, tc := range tests {
		if got := FromAcceptLanguage(tc.in); got != tc.want {
			t.Errorf("FromAcceptLanguage(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestString(t *testing.T) {
	if English.String() != "en" || Japanese.String() != "ja" {
		t.Errorf("String: %s %s", English, Japanese)
	}
	for _, l := range Langs() {
		if p, err := Parse(l.String()); err != nil || p != l {
			t.Errorf("Parse(%s.String()) = %v, %v", l, p, err)
		}
	}
}
