package web

import (
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/text/language"
)

// T is the one function every string a person sees goes through: the
// message of key in lang, formatted with args (fmt verbs, %[1]v style so
// that a translation may reorder them). A key missing in lang falls back
// to English, and a key missing there to the key itself, so a gap shows
// rather than breaking the page. The catalogs below can be replaced by the
// project's message catalog without touching a caller.
func T(lang, key string, args ...any) string {
	msg, ok := catalogs[lang][key]
	if !ok {
		if msg, ok = catalogs["en"][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

var supported = language.NewMatcher([]language.Tag{language.English, language.Japanese})

// langOf picks the page language: the switch's cookie, else the
// browser's Accept-Language, else English.
func langOf(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil {
		if _, ok := catalogs[c.Value]; ok {
			return c.Value
		}
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return "en"
	}
	_, i, conf := supported.Match(tags...)
	if conf == language.No || i == 0 {
		return "en"
	}
	return "ja"
}

// noticeText is the confirmation a redirect asks for with ?notice=.
func noticeText(lang, n string) string {
	if n == "" || strings.ContainsAny(n, " <>") {
		return ""
	}
	if _, ok := catalogs["en"]["notice."+n]; !ok {
		return ""
	}
	return T(lang, "notice."+n)
}

var catalogs = map[string]map[string]string{"en": english, "ja": japanese}
