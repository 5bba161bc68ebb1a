package validate

import (
	"strconv"
	"strings"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/validate/width"
)

// Values typed by HR staff in Japanese: words for a status or a
// language where the API takes a code, and full-width characters (typed
// with the input method on) where the API takes half-width ones. Each is
// changed to what the API takes, with a warning naming the change.

// narrowField changes the full-width characters of a phone number to
// half-width, with a warning, and trims the spaces that full-width ones
// at its ends became. It reports the value to check further.
func (v *Validator) narrowField(res *Result, rec *Record, f Field, s string) string {
	t, changed := width.Narrow(s)
	if !changed {
		return s
	}
	t = trimBlank(t)
	v.add(res, rec, RuleFullWidth, f, "", i18n.M("msg.full_width", v.show(f, s), quoteValue(t)))
	v.change(res, rec, f, t)
	return t
}

// japaneseBool holds the Japanese words for a status that ParseBool
// reads: cybozu.com's own 使用中/停止中, 有効/無効 and はい/いいえ.
var japaneseBool = map[string]bool{
	"使用中": true, "停止中": false, "有効": true, "無効": false, "はい": true, "いいえ": false,
}

// valid checks a status and changes it to true or false.
func (v *Validator) valid(res *Result, rec *Record, s string) {
	b, ok := ParseBool(s)
	if !ok {
		v.add(res, rec, RuleValidInvalid, Valid, "", i18n.M("msg.valid.invalid", v.show(Valid, s)))
		return
	}
	to := strconv.FormatBool(b)
	if _, jp := japaneseBool[s]; jp {
		state := i18n.M("valid.inactive")
		if b {
			state = i18n.M("valid.active")
		}
		v.add(res, rec, RuleValidConverted, Valid, "", i18n.M("msg.valid.converted", v.show(Valid, s), to, state))
	}
	switch {
	case to == s:
	case strings.EqualFold(s, to) || s == "1" && b || s == "0" && !b:
		// Only a respelling of what the person meant (an Excel boolean
		// cell's TRUE, cybozu's own 1): sent as the API writes it, no
		// change to report.
		rec.Values[Valid] = to
	default:
		v.change(res, rec, Valid, to)
	}
}

// localeNames maps the names of languages, as cybozu.com's screens and
// people write them, to the codes of locale and localNameLocale.
var localeNames = map[string]string{
	"日本語": "ja", "japanese": "ja",
	"english": "en", "英語": "en",
	"中文": "zh", "中文(简体)": "zh", "简体中文": "zh", "中国語": "zh", "中国語(簡体字)": "zh", "chinese": "zh",
	"中文(繁體)": "zh-TW", "繁體中文": "zh-TW", "中国語(繁体字)": "zh-TW",
	"español": "es", "スペイン語": "es", "spanish": "es",
	"português": "pt-BR", "português (brasil)": "pt-BR", "ポルトガル語": "pt-BR", "portuguese": "pt-BR",
	"ไทย": "th", "タイ語": "th", "thai": "th",
	"自動": "auto", "webブラウザーの設定に従う": "auto", "webブラウザの設定に従う": "auto",
}

// localeByName returns the code of the language s names, if list has it.
// Case, full-width brackets and spaces do not matter.
func localeByName(s string, list []string) (string, bool) {
	key, _ := width.Narrow(s)
	code, ok := localeNames[strings.ToLower(strings.TrimSpace(key))]
	if !ok {
		return "", false
	}
	for _, l := range list {
		if l == code {
			return code, true
		}
	}
	return "", false
}
