// Package i18n holds the tool's one message catalog, in Japanese and
// English, and chooses the language a person reads: from a flag, the
// environment (LC_ALL, LC_MESSAGES, LANG) or a browser's Accept-Language
// header. Messages are found by stable keys, never by their English text,
// so that a change of wording in one language cannot orphan the other.
package i18n

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// Lang is a language the tool speaks. The zero value is English, the
// language of scripts and of anyone whose environment says nothing.
type Lang uint8

// The languages of the catalog.
const (
	English Lang = iota
	Japanese
	numLangs
)

// Langs lists every language of the catalog.
func Langs() []Lang { return []Lang{English, Japanese} }

var (
	langNames = [numLangs]string{"en", "ja"}
	langTags  = [numLangs]language.Tag{language.English, language.Japanese}
)

// String returns the value of --lang: "en" or "ja".
func (l Lang) String() string {
	if l >= numLangs {
		return fmt.Sprintf("Lang(%d)", uint8(l))
	}
	return langNames[l]
}

// Tag returns the BCP 47 tag of l.
func (l Lang) Tag() language.Tag {
	if l >= numLangs {
		return language.English
	}
	return langTags[l]
}

// ErrUnknownLang is returned by Parse for a language the catalog lacks.
type ErrUnknownLang struct{ Value string }

func (e *ErrUnknownLang) Error() string {
	return fmt.Sprintf("unknown language %q; use ja (Japanese) or en (English)", e.Value)
}

// Parse reads the value of a --lang flag: "ja" or "en", ignoring case; a
// locale such as ja_JP.UTF-8 or en-US is read by its language. Errors are
// *ErrUnknownLang.
func Parse(s string) (Lang, error) {
	if l, ok := fromLocale(s); ok {
		return l, nil
	}
	return English, &ErrUnknownLang{s}
}

// FromEnv chooses the language the way POSIX programs do: the first of
// LC_ALL, LC_MESSAGES and LANG that is set decides, so LC_ALL=C overrides
// LANG=ja_JP.UTF-8. A Japanese locale (ja, ja_JP, ja_JP.UTF-8, ...) gives
// Japanese, anything else English. lookup is os.Getenv or a test's map.
func FromEnv(lookup func(string) string) Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := lookup(name); v != "" {
			l, _ := fromLocale(v)
			return l
		}
	}
	return English
}

// fromLocale reads the language of a POSIX locale name (ja_JP.UTF-8,
// ja_JP@euro) or a BCP 47 tag (ja-JP); ok is false for anything that is
// neither Japanese nor English, which then counts as English.
func fromLocale(s string) (Lang, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ".@"); i >= 0 {
		s = s[:i]
	}
	lang, _, _ := strings.Cut(strings.ReplaceAll(s, "-", "_"), "_")
	switch strings.ToLower(lang) {
	case "ja":
		return Japanese, true
	case "en":
		return English, true
	}
	return English, false
}

var matcher = language.NewMatcher(langTags[:])

// FromAcceptLanguage chooses the language of a web page from the browser's
// Accept-Language header ("ja,en-US;q=0.9"). English is the answer when
// the header is empty, malformed or names neither language.
func FromAcceptLanguage(header string) Lang {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return English
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return English
	}
	return Lang(i)
}
