// Package i18ntest helps tests check Japanese output: that no English was
// left untranslated and no rule id shows instead of a sentence.
package i18ntest

import (
	"strings"
	"unicode"
)

// allowed are the ASCII words a Japanese message may hold: names of
// products and services, codes the person types (ja, true, Asia/Tokyo),
// examples, flag names and the file formats HR knows.
var allowed = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		cybozu com kintone garoon office mailwise secure_access ki gr of mw sa
		Skype URL UTF Shift_JIS Excel CSV Web
		Asia Tokyo America New_York Los_Angeles Calcutta US Pacific Etc
		true false auto ja en zh TW es pt BR th English
		taro guest example customItem sales manager hr
		kind guests date order mdy dmy mode skip existing resume Ctrl
		upsert mapping generate passwords ignore
		YYYY MM DD`) {
		allowed[strings.ToLower(w)] = true
	}
}

// Untranslated returns the English words of s, a text meant to be
// Japanese: runs of ASCII letters that are not on the list of words a
// Japanese message may hold (in any case). Text in double quotes is the
// person's value, text in 「」 a column as named in their file, and
// %-verbs are arguments, so all three are skipped.
func Untranslated(s string) []string {
	var out []string
	inQuote, inBracket := false, 0
	word := strings.Builder{}
	flush := func() {
		if w := word.String(); len(w) > 1 && !allowed[strings.ToLower(w)] {
			out = append(out, w)
		}
		word.Reset()
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' && inBracket == 0 && (i == 0 || s[i-1] != '\\'):
			flush()
			inQuote = !inQuote
		case inQuote:
		case strings.HasPrefix(s[i:], "「"):
			flush()
			inBracket++
			i += len("「") - 1
		case strings.HasPrefix(s[i:], "」") && inBracket > 0:
			inBracket--
			i += len("」") - 1
		case inBracket > 0:
		case c == '%':
			flush()
			i = skipVerb(s, i)
		case c < 0x80 && (unicode.IsLetter(rune(c)) || c == '_'):
			word.WriteByte(c)
		default:
			flush()
		}
	}
	flush()
	return out
}

// skipVerb returns the index of the last byte of the fmt verb that
// starts at s[i] ('%').
func skipVerb(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		if c == '[' || c == ']' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '#' || c == ' ' || c == '.' {
			continue
		}
		return j
	}
	return len(s) - 1
}

// RuleIDs returns the rule ids (such as code.required) that appear in s.
func RuleIDs(s string, ids []string) []string {
	var out []string
	for _, id := range ids {
		if strings.Contains(s, id) {
			out = append(out, id)
		}
	}
	return out
}
