package export

import (
	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/validate"

	"golang.org/x/text/width"
)

// RequiredMark opens the header of a required column in a Japanese
// template, so that "required" is said in the text and not by the colour
// alone. The reader drops it when it matches a header to its field.
const RequiredMark = "※"

// text is one string of a template in every language, indexed by
// i18n.Lang. They are the template's own words (note titles, the legend,
// drop-down prompts), which no other package prints, so they live here
// rather than in the shared catalog.
type text [2]string

func (t text) in(l i18n.Lang) string {
	if int(l) < len(t) && t[l] != "" {
		return t[l]
	}
	return t[i18n.English]
}

var (
	txtRequired = text{" (required)", "（必須）"}
	txtOptional = text{" (optional)", "（任意）"}
	txtWarning  = text{"(warning) ", "（注意）"}
	txtAPIName  = text{"", "API の項目名: "}
	txtChoose   = text{"Choose a value from the list.", "一覧から選んでください。"}
	txtLegend   = text{
		"Columns whose header starts with ※ are required.",
		"見出しが ※ で始まる列は必須です（空欄にできません）。その他の列は任意です。",
	}
	txtExampleRow = text{
		"Row 2 is an example: it is never imported. Replace it or delete it.",
		"2 行目は記入例です。取り込まれることはありません。書き換えるか削除してください。",
	}
	txtGuideSheet = text{"How to fill in", "記入方法"}
	txtGuideHead  = [4]text{{"Column", "列"}, {"Required", "必須"}, {"What it takes", "入力する内容"}, {"API name", "API の項目名"}}
	txtYes        = text{"yes", "必須"}
	txtNo         = text{"", "任意"}
)

// dropDownPrompts explain in a person's words the values of a drop-down,
// which stay the values the API takes: a Japanese word such as 使用中 is
// read too, but with a warning that it was changed, and a filled-in
// template should import without any.
var dropDownPrompts = map[validate.Field]text{
	validate.Valid: {
		"true = active, false = stopped",
		"true = 使用中、false = 停止中",
	},
	validate.Locale: {
		"auto = the browser's language, ja = Japanese, en = English, zh = Chinese (Simplified), zh-TW = Chinese (Traditional), es = Spanish, pt-BR = Portuguese (Brazil), th = Thai",
		"auto = Web ブラウザーの設定、ja = 日本語、en = 英語、zh = 中国語（簡体字）、zh-TW = 中国語（繁体字）、es = スペイン語、pt-BR = ポルトガル語（ブラジル）、th = タイ語",
	},
	validate.LocalNameLocale: {
		"ja = Japanese, en = English, zh = Chinese (Simplified), zh-TW = Chinese (Traditional), es = Spanish, pt-BR = Portuguese (Brazil), th = Thai",
		"ja = 日本語、en = 英語、zh = 中国語（簡体字）、zh-TW = 中国語（繁体字）、es = スペイン語、pt-BR = ポルトガル語（ブラジル）、th = タイ語",
	},
	validate.Timezone: {
		"A time zone such as Asia/Tokyo.",
		"Asia/Tokyo（日本）のようなタイムゾーンを選んでください。",
	},
}

// japaneseLabels are the Japanese headers of every field: the labels of
// cybozu.com's users file (its own export writes them, and the reader
// knows them), and for the fields that file lacks, the Japanese names the
// catalog gives them, which the reader knows too.
var japaneseLabels = func() map[validate.Field]string {
	m := map[validate.Field]string{}
	header := mapping.CybozuUsersHeader(nil)
	fields, ok := mapping.CybozuUsersFields()
	for i, f := range fields {
		if ok[i] {
			m[f] = header[i]
		}
	}
	for _, f := range []validate.Field{validate.Services, validate.Organizations, validate.Company, validate.Division} {
		m[f] = i18n.Japanese.Sprintf(i18n.Key("noun." + f.String()))
	}
	return m
}()

// Label returns the header of field f in language l: the API name in
// English, which every script knows, and the label of cybozu.com's own
// screens and files in Japanese. Both read back into Import without a
// mapping file.
func Label(f validate.Field, l i18n.Lang) string {
	if l == i18n.Japanese {
		if s, ok := japaneseLabels[f]; ok {
			return s
		}
	}
	return f.String()
}

// displayWidth is the width of s in columns of a fixed-width font: East
// Asian wide and full-width characters take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// columnWidth is the Excel width that shows the whole of header in bold,
// with room for a drop-down arrow, and at least min.
func columnWidth(header string, min float64) float64 {
	w := float64(displayWidth(header))*1.15 + 3
	return max(w, min)
}
