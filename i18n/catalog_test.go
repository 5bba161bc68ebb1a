package i18n_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/i18n/i18ntest"
	"github.com/userimport/userimport/validate"
)

func ruleIDs() []string {
	var ids []string
	for _, r := range validate.Rules() {
		ids = append(ids, string(r.Rule))
	}
	return ids
}

// TestEveryKeyInEveryLanguage fails when a message lacks a translation or
// a translation uses arguments the English one does not give.
func TestEveryKeyInEveryLanguage(t *testing.T) {
	keys := i18n.Keys()
	if len(keys) < 100 {
		t.Fatalf("only %d keys: the catalog did not load", len(keys))
	}
	for _, key := range keys {
		en := i18n.Formats(i18n.English, key)
		for _, l := range i18n.Langs() {
			forms := i18n.Formats(l, key)
			if len(forms) == 0 || slices.Contains(forms, "") {
				t.Errorf("%s: no %s text", key, l)
				continue
			}
			want := verbs(en[len(en)-1])
			for _, f := range forms {
				for i, v := range verbs(f) {
					if w, ok := want[i]; !ok || verbClass(w) != verbClass(v) {
						t.Errorf("%s (%s): argument %d is %%%c, English has %%%c", key, l, i, v, w)
					}
				}
			}
		}
	}
}

// TestEveryRuleDescribed fails when a validation rule lacks its one-line
// description in a language, or the catalog describes a rule that does
// not exist.
func TestEveryRuleDescribed(t *testing.T) {
	ids := ruleIDs()
	for _, r := range validate.Rules() {
		if !i18n.Has(r.Rule.DescriptionKey()) {
			t.Errorf("rule %s has no description (key %s)", r.Rule, r.Rule.DescriptionKey())
			continue
		}
		for _, l := range i18n.Langs() {
			if d := r.Describe(l); d == "" || strings.Contains(d, "MISSING") {
				t.Errorf("rule %s: %s description %q", r.Rule, l, d)
			}
		}
	}
	for _, key := range i18n.Keys() {
		if id, ok := strings.CutPrefix(string(key), "rule."); ok && !slices.Contains(ids, id) {
			t.Errorf("%s describes no rule", key)
		}
	}
}

// sameInBothLanguages are the keys whose Japanese text may equal the
// English one, or be ASCII: a word both languages write alike, or a
// format that only joins its arguments.
var sameInBothLanguages = map[i18n.Key]bool{"noun.url": true, "summary.counts": true}

// TestJapaneseIsJapanese fails when a Japanese text holds English words
// or a raw rule id.
func TestJapaneseIsJapanese(t *testing.T) {
	ids := ruleIDs()
	for _, key := range i18n.Keys() {
		en := i18n.Formats(i18n.English, key)
		for _, ja := range i18n.Formats(i18n.Japanese, key) {
			if w := i18ntest.Untranslated(ja); len(w) > 0 {
				t.Errorf("%s: Japanese %q holds English %q", key, ja, w)
			}
			if r := i18ntest.RuleIDs(ja, ids); len(r) > 0 {
				t.Errorf("%s: Japanese %q holds the rule id %q", key, ja, r)
			}
			if !sameInBothLanguages[key] && (slices.Contains(en, ja) || isASCII(ja)) {
				t.Errorf("%s: Japanese %q is not translated", key, ja)
			}
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// verbClass groups the verbs that take the same kind of argument: %q
// quotes the string %s prints as it is.
func verbClass(v byte) byte {
	switch v {
	case 's', 'q', 'v':
		return 's'
	}
	return v
}

var verbRE = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0-9.]*([a-zA-Z%])`)

// verbs maps each argument (1-based) of a format to its verb letter.
func verbs(format string) map[int]byte {
	out := map[int]byte{}
	next := 1
	for _, m := range verbRE.FindAllStringSubmatch(format, -1) {
		if m[2] == "%" {
			continue
		}
		if m[1] != "" {
			next, _ = strconv.Atoi(m[1])
		}
		out[next] = m[2][0]
		next++
	}
	return out
}

func TestMissingKey(t *testing.T) {
	if got := i18n.Japanese.Sprintf("no.such.key"); got != "!(MISSING no.such.key)" {
		t.Errorf("missing key renders %q", got)
	}
}

// TestPlural checks a count's wording in each language, through the
// x/text printer that selects the plural form.
func TestPlural(t *testing.T) {
	tests := []struct {
		l    i18n.Lang
		n    int
		want string
	}{
		{i18n.English, 1, "(of 1 row)"},
		{i18n.English, 2, "(of 2 rows)"},
		{i18n.English, 0, "(of 0 rows)"},
		{i18n.English, 12345, "(of 12,345 rows)"},
		{i18n.Japanese, 1, "（全 1 行）"},
		{i18n.Japanese, 12345, "（全 12,345 行）"},
	}
	for _, tc := range tests {
		if got := tc.l.Sprintf("summary.of_rows", tc.n); got != tc.want {
			t.Errorf("%s %d: %q, want %q", tc.l, tc.n, got, tc.want)
		}
	}
}

// TestNestedMsg checks that a Msg argument is rendered in the language
// of the sentence it is part of.
func TestNestedMsg(t *testing.T) {
	m := i18n.M("msg.required.empty", "", i18n.M("who.users"), i18n.M("noun.code"))
	if got, want := m.In(i18n.English), "the login name is empty, but every user needs one; fill it in."; got != want {
		t.Errorf("English %q, want %q", got, want)
	}
	if got, want := m.In(i18n.Japanese), "ログイン名が空欄です。ユーザーにはログイン名が必要です。入力してください。"; got != want {
		t.Errorf("Japanese %q, want %q", got, want)
	}
}
