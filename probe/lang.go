package probe

import "unicode"

// Languages of Language.
const (
	langJapanese = "ja"
	langEnglish  = "en"
	langChinese  = "zh"
	langUnknown  = "unknown"
)

// languageOf judges the language of the server's messages by their
// letters: any kana is Japanese (Japanese messages quote header names and
// codes in Latin letters too); Han characters without kana are Chinese,
// the service's third language; Latin letters alone are English.
func languageOf(texts ...string) string {
	var kana, han, latin bool
	for _, t := range texts {
		for _, r := range t {
			switch {
			case unicode.In(r, unicode.Hiragana, unicode.Katakana):
				kana = true
			case unicode.Is(unicode.Han, r):
				han = true
			case r < unicode.MaxASCII && unicode.IsLetter(r):
				latin = true
			}
		}
	}
	switch {
	case kana:
		return langJapanese
	case han:
		return langChinese
	case latin:
		return langEnglish
	}
	return langUnknown
}
