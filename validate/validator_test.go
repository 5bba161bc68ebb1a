package validate

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// baseRow returns the Values of a valid row of kind k.
func baseRow(k Kind) [NumFields]string {
	var v [NumFields]string
	v[Name] = "Taro Yamada"
	v[Password] = "pass1234"
	v[Timezone] = "Asia/Tokyo"
	if k == Guests {
		v[Code] = "guest@example.com"
	} else {
		v[Code] = "taro"
	}
	return v
}

func rep(s string, n int) string { return strings.Repeat(s, n) }

func rules(res Result) []Rule {
	var out []Rule
	for _, is := range res.Issues {
		out = append(out, is.Rule)
	}
	slices.Sort(out)
	return out
}

// TestRules checks every rule with its edge values: one table row per
// value, the exact set of rules that fire, and the normalised value.
func TestRules(t *testing.T) {
	ja128, ja129 := rep("あ", 128), rep("あ", 129)
	ja64, ja65 := rep("漢", 64), rep("漢", 65)
	email256 := rep("a", 244) + "@example.com" // 244 + 12 = 256
	orgs100 := strings.TrimSuffix(rep("o;", 0), ";")
	for i := range 100 {
		if i > 0 {
			orgs100 += ";"
		}
		orgs100 += "org" + string(rune('A'+i%26)) + string(rune('a'+i/26))
	}
	tests := []struct {
		name   string
		kind   Kind
		update bool
		order  DateOrder
		set    map[Field]string
		want   []Rule
		// after is the expected value of each listed field after Check.
		after map[Field]string
	}{
		{name: "valid user", set: nil},
		{name: "valid guest", kind: Guests},

		// Login name.
		{name: "code empty", set: map[Field]string{Code: ""}, want: []Rule{RuleCodeRequired}},
		{name: "code half-width spaces only", set: map[Field]string{Code: "   "}, want: []Rule{RuleCodeRequired}, after: map[Field]string{Code: ""}},
		{name: "code full-width spaces only", set: map[Field]string{Code: "\u3000\u3000"}, want: []Rule{RuleCodeRequired}},
		{name: "code 128 multibyte", set: map[Field]string{Code: ja128}},
		{name: "code 129 multibyte", set: map[Field]string{Code: ja129}, want: []Rule{RuleCodeTooLong}},
		{name: "code backslash", set: map[Field]string{Code: `a\b`}, want: []Rule{RuleCodeForbiddenChar}},
		{name: "code open bracket", set: map[Field]string{Code: "a[b"}, want: []Rule{RuleCodeForbiddenChar}},
		{name: "code close bracket", set: map[Field]string{Code: "a]b"}, want: []Rule{RuleCodeForbiddenChar}},
		{name: "code quote", set: map[Field]string{Code: `a"b`}, want: []Rule{RuleCodeForbiddenChar}},
		{name: "code colon", set: map[Field]string{Code: "a:b"}, want: []Rule{RuleCodeForbiddenChar}},
		{name: "code semicolon", set: map[Field]string{Code: "a;b"}, want: []Rule{RuleCodeForbiddenChar}},
		{name: "code less", set: map[Field]string{Code: "a<b"}, want: []Rule{RuleCodeForbiddenChar}},
		{name: "code greater", set: map[Field]string{Code: "a>b"}, want: []Rule{RuleCodeForbiddenChar}},
		{name: "code comma", set: map[Field]string{Code: "a,b"}, want: []Rule{RuleCodeForbiddenChar}},
		{name: "code slash", set: map[Field]string{Code: "a/b"}, want: []Rule{RuleCodeForbiddenChar}},
		{name: "code allowed symbols", set: map[Field]string{Code: "a.b-c_d@e+f"}},
		{name: "code half-width edge spaces trimmed", set: map[Field]string{Code: " \ttaro  "}, after: map[Field]string{Code: "taro"}},
		{name: "code full-width leading space", set: map[Field]string{Code: "\u3000taro"}, want: []Rule{RuleCodeEdgeSpace}},
		{name: "code full-width trailing space", set: map[Field]string{Code: "taro\u3000"}, want: []Rule{RuleCodeEdgeSpace}},
		{name: "code inner space allowed", set: map[Field]string{Code: "taro yamada"}},
		{name: "code inner tab", set: map[Field]string{Code: "ta\tro"}, want: []Rule{RuleControlChar}},
		{name: "code NUL", set: map[Field]string{Code: "ta\x00ro"}, want: []Rule{RuleControlChar}},
		{name: "code C1 control", set: map[Field]string{Code: "ta\u0085ro"}, want: []Rule{RuleControlChar}},
		{name: "code DEL", set: map[Field]string{Code: "ta\x7fro"}, want: []Rule{RuleControlChar}},
		{name: "code invalid UTF-8", set: map[Field]string{Code: "ta\xffro"}, want: []Rule{RuleInvalidText}},
		{name: "code ZWJ allowed", set: map[Field]string{Code: "ta\u200dro"}},

		// Display name.
		{name: "name empty", set: map[Field]string{Name: ""}, want: []Rule{RuleNameRequired}},
		{name: "name spaces only", set: map[Field]string{Name: " \u3000 "}, want: []Rule{RuleNameRequired}},
		{name: "name 128", set: map[Field]string{Name: ja128}},
		{name: "name 129", set: map[Field]string{Name: ja129}, want: []Rule{RuleNameTooLong}},
		{name: "name not trimmed", set: map[Field]string{Name: " Taro "}, after: map[Field]string{Name: " Taro "}},
		{name: "name invalid UTF-8", set: map[Field]string{Name: "\x82\xa0"}, want: []Rule{RuleInvalidText}},

		// Password.
		{name: "password empty", set: map[Field]string{Password: ""}, want: []Rule{RulePasswordRequired}},
		{name: "password 64", set: map[Field]string{Password: rep("p", 64)}},
		{name: "password 65", set: map[Field]string{Password: rep("p", 65)}, want: []Rule{RulePasswordLengthDoubtful}},
		{name: "password 128", set: map[Field]string{Password: rep("p", 128)}, want: []Rule{RulePasswordLengthDoubtful}},
		{name: "password 129", set: map[Field]string{Password: rep("p", 129)}, want: []Rule{RulePasswordTooLong}},
		{name: "password space", set: map[Field]string{Password: "pass word"}, want: []Rule{RulePasswordSpaceDoubtful}, after: map[Field]string{Password: "pass word"}},
		{name: "password edge spaces kept", set: map[Field]string{Password: " pass "}, want: []Rule{RulePasswordSpaceDoubtful}, after: map[Field]string{Password: " pass "}},
		{name: "password full-width", set: map[Field]string{Password: "passワード"}, want: []Rule{RulePasswordCharDoubtful}},
		{name: "password symbols", set: map[Field]string{Password: `!"#$%&'()*+,-./:;<=>?@[\]^_{|}~` + "`"}},
		{name: "password control", set: map[Field]string{Password: "pass\tword"}, want: []Rule{RuleControlChar}},
		{name: "guest password 65", kind: Guests, set: map[Field]string{Password: rep("p", 65)}, want: []Rule{RulePasswordLengthDoubtful}},

		// Personal names.
		{name: "surName 64", set: map[Field]string{SurName: ja64}},
		{name: "surName 65", set: map[Field]string{SurName: ja65}, want: []Rule{RuleSurNameLengthDoubtful}},
		{name: "surName 128", set: map[Field]string{SurName: ja128}, want: []Rule{RuleSurNameLengthDoubtful}},
		{name: "surName 129", set: map[Field]string{SurName: ja129}, want: []Rule{RuleSurNameTooLong}},
		{name: "givenName 64", set: map[Field]string{GivenName: ja64}},
		{name: "givenName 65", set: map[Field]string{GivenName: ja65}, want: []Rule{RuleGivenNameLengthDoubtful}},
		{name: "givenName 129", set: map[Field]string{GivenName: ja129}, want: []Rule{RuleGivenNameTooLong}},
		{name: "surNameReading 64", set: map[Field]string{SurNameReading: ja64}},
		{name: "surNameReading 65", set: map[Field]string{SurNameReading: ja65}, want: []Rule{RuleSurNameReadingLengthDoubtful}},
		{name: "surNameReading 129", set: map[Field]string{SurNameReading: ja129}, want: []Rule{RuleSurNameReadingTooLong}},
		{name: "givenNameReading 65", set: map[Field]string{GivenNameReading: ja65}, want: []Rule{RuleGivenNameReadingLengthDoubtful}},
		{name: "givenNameReading 129", set: map[Field]string{GivenNameReading: ja129}, want: []Rule{RuleGivenNameReadingTooLong}},
		{name: "guest surNameReading 64", kind: Guests, set: map[Field]string{SurNameReading: ja64}},
		{name: "guest surNameReading 65", kind: Guests, set: map[Field]string{SurNameReading: ja65}, want: []Rule{RuleSurNameReadingTooLong}},
		{name: "guest givenNameReading 65", kind: Guests, set: map[Field]string{GivenNameReading: ja65}, want: []Rule{RuleGivenNameReadingTooLong}},
		{name: "surName trimmed", set: map[Field]string{SurName: " 山田 "}, after: map[Field]string{SurName: "山田"}},
		{name: "localName 128", set: map[Field]string{LocalName: ja128, LocalNameLocale: "en"}},
		{name: "localName 129", set: map[Field]string{LocalName: ja129, LocalNameLocale: "en"}, want: []Rule{RuleLocalNameTooLong}},
		{name: "localName without locale", set: map[Field]string{LocalName: "Taro"}, want: []Rule{RuleLocalNameNoLocale}},
		{name: "localName with blank locale", set: map[Field]string{LocalName: "Taro", LocalNameLocale: "  "}, want: []Rule{RuleLocalNameNoLocale}},

		// Languages.
		{name: "localNameLocale th", set: map[Field]string{LocalNameLocale: "th"}},
		{name: "localNameLocale zh_tw", set: map[Field]string{LocalNameLocale: "zh_tw"}, after: map[Field]string{LocalNameLocale: "zh-TW"}},
		{name: "localNameLocale auto", set: map[Field]string{LocalNameLocale: "auto"}, want: []Rule{RuleLocalNameLocaleUnknown}},
		{name: "localNameLocale fr", set: map[Field]string{LocalNameLocale: "fr"}, want: []Rule{RuleLocalNameLocaleUnknown}},
		{name: "locale auto", set: map[Field]string{Locale: "auto"}},
		{name: "locale pt-BR", set: map[Field]string{Locale: "pt-BR"}},
		{name: "locale EN", set: map[Field]string{Locale: "EN"}, after: map[Field]string{Locale: "en"}},
		{name: "locale 日本語", set: map[Field]string{Locale: "日本語"}, want: []Rule{RuleLocaleConverted}, after: map[Field]string{Locale: "ja"}},
		{name: "locale English", set: map[Field]string{Locale: "English"}, want: []Rule{RuleLocaleConverted}, after: map[Field]string{Locale: "en"}},
		{name: "locale 中文", set: map[Field]string{Locale: "中文"}, want: []Rule{RuleLocaleConverted}, after: map[Field]string{Locale: "zh"}},
		{name: "locale 自動", set: map[Field]string{Locale: "自動"}, want: []Rule{RuleLocaleConverted}, after: map[Field]string{Locale: "auto"}},
		{name: "locale 中文（繁體）", set: map[Field]string{Locale: "中文（繁體）"}, want: []Rule{RuleLocaleConverted}, after: map[Field]string{Locale: "zh-TW"}},
		{name: "guest locale Español", kind: Guests, set: map[Field]string{Locale: "Español"}, want: []Rule{RuleLocaleUnknown}},
		{name: "localNameLocale English", set: map[Field]string{LocalNameLocale: "English"}, want: []Rule{RuleLocalNameLocaleConverted}, after: map[Field]string{LocalNameLocale: "en"}},
		{name: "localNameLocale 自動", set: map[Field]string{LocalNameLocale: "自動"}, want: []Rule{RuleLocalNameLocaleUnknown}},
		{name: "locale French", set: map[Field]string{Locale: "Français"}, want: []Rule{RuleLocaleUnknown}},
		{name: "guest locale ja", kind: Guests, set: map[Field]string{Locale: "ja"}},
		{name: "guest locale zh-TW", kind: Guests, set: map[Field]string{Locale: "zh-TW"}, want: []Rule{RuleLocaleUnknown}},
		{name: "guest locale es", kind: Guests, set: map[Field]string{Locale: "es"}, want: []Rule{RuleLocaleUnknown}},

		// Time zone.
		{name: "timezone blank", set: map[Field]string{Timezone: ""}, want: []Rule{RuleTimezoneMissingDoubtful}},
		{name: "timezone UTC", set: map[Field]string{Timezone: "UTC"}},
		{name: "timezone America/Los_Angeles", set: map[Field]string{Timezone: "America/Los_Angeles"}},
		{name: "timezone trimmed", set: map[Field]string{Timezone: " Asia/Tokyo "}, after: map[Field]string{Timezone: "Asia/Tokyo"}},
		{name: "timezone typo", set: map[Field]string{Timezone: "Asia/Tokio"}, want: []Rule{RuleTimezoneUnknown}},
		{name: "timezone wrong case", set: map[Field]string{Timezone: "asia/tokyo"}, want: []Rule{RuleTimezoneUnknown}},
		{name: "timezone Local", set: map[Field]string{Timezone: "Local"}, want: []Rule{RuleTimezoneUnknown}},
		{name: "timezone path", set: map[Field]string{Timezone: "../../etc/passwd"}, want: []Rule{RuleTimezoneUnknown}},
		{name: "timezone 257", set: map[Field]string{Timezone: rep("x", 257)}, want: []Rule{RuleTimezoneUnknown}},
		{name: "guest timezone blank", kind: Guests, set: map[Field]string{Timezone: ""}, want: []Rule{RuleTimezoneRequired}},
		{name: "guest timezone typo", kind: Guests, set: map[Field]string{Timezone: "Tokyo"}, want: []Rule{RuleTimezoneUnknown}},
		{name: "timezone right/ host file", set: map[Field]string{Timezone: "right/Asia/Tokyo"}, want: []Rule{RuleTimezoneUnknown}},
		{name: "timezone posix/ host file", set: map[Field]string{Timezone: "posix/Asia/Tokyo"}, want: []Rule{RuleTimezoneUnknown}},
		{name: "timezone posixrules", set: map[Field]string{Timezone: "posixrules"}, want: []Rule{RuleTimezoneUnknown}},
		{name: "timezone localtime", set: map[Field]string{Timezone: "localtime"}, want: []Rule{RuleTimezoneUnknown}},
		{name: "timezone Factory", set: map[Field]string{Timezone: "Factory"}, want: []Rule{RuleTimezoneUnknown}},
		{name: "timezone zone.tab file", set: map[Field]string{Timezone: "zone.tab"}, want: []Rule{RuleTimezoneUnknown}},
		{name: "timezone absolute path", set: map[Field]string{Timezone: "/usr/share/zoneinfo/Asia/Tokyo"}, want: []Rule{RuleTimezoneUnknown}},
		{name: "timezone dot segment", set: map[Field]string{Timezone: "Asia/./Tokyo"}, want: []Rule{RuleTimezoneUnknown}},
		{name: "timezone trailing slash", set: map[Field]string{Timezone: "Asia/Tokyo/"}, want: []Rule{RuleTimezoneUnknown}},
		{name: "timezone Etc/UTC alias", set: map[Field]string{Timezone: "Etc/UTC"}, want: []Rule{RuleTimezoneUnlistedDoubtful}},
		{name: "timezone old alias", set: map[Field]string{Timezone: "Asia/Calcutta"}, want: []Rule{RuleTimezoneUnlistedDoubtful}},
		{name: "timezone US/Pacific", set: map[Field]string{Timezone: "US/Pacific"}, want: []Rule{RuleTimezoneUnlistedDoubtful}},
		{name: "timezone Etc fixed offset", set: map[Field]string{Timezone: "Etc/GMT-9"}, want: []Rule{RuleTimezoneUnlistedDoubtful}},
		{name: "timezone System V name", set: map[Field]string{Timezone: "EST5EDT"}, want: []Rule{RuleTimezoneUnlistedDoubtful}},
		{name: "guest timezone alias", kind: Guests, set: map[Field]string{Timezone: "Japan"}, want: []Rule{RuleTimezoneUnlistedDoubtful}},
		{name: "timezone three-level ID", set: map[Field]string{Timezone: "America/Argentina/Buenos_Aires"}},
		{name: "timezone new ID", set: map[Field]string{Timezone: "Europe/Kyiv"}},

		// Free text and contact fields.
		{name: "description 1000", set: map[Field]string{Description: rep("説", 1000)}},
		{name: "description 1001", set: map[Field]string{Description: rep("説", 1001)}, want: []Rule{RuleDescriptionTooLong}},
		{name: "description multi-line", set: map[Field]string{Description: " line 1\r\n\tline 2\n"}, after: map[Field]string{Description: " line 1\r\n\tline 2\n"}},
		{name: "description control", set: map[Field]string{Description: "bell\a"}, want: []Rule{RuleControlChar}},
		{name: "phone 100", set: map[Field]string{Phone: rep("1", 100)}},
		{name: "phone 101", set: map[Field]string{Phone: rep("1", 101)}, want: []Rule{RulePhoneTooLong}},
		{name: "mobilePhone 101", set: map[Field]string{MobilePhone: rep("1", 101)}, want: []Rule{RuleMobilePhoneTooLong}},
		{name: "extensionNumber 101", set: map[Field]string{ExtensionNumber: rep("1", 101)}, want: []Rule{RuleExtensionNumberTooLong}},
		{name: "employeeNumber 100 keeps zeros", set: map[Field]string{EmployeeNumber: "00123"}, after: map[Field]string{EmployeeNumber: "00123"}},
		{name: "employeeNumber 101", set: map[Field]string{EmployeeNumber: rep("社", 101)}, want: []Rule{RuleEmployeeNumberTooLong}},
		{name: "url 256", set: map[Field]string{URL: "https://" + rep("u", 248)}},
		{name: "url 257", set: map[Field]string{URL: "https://" + rep("u", 249)}, want: []Rule{RuleURLTooLong}},
		{name: "callto 256", set: map[Field]string{Callto: rep("c", 256)}},
		{name: "callto 257", set: map[Field]string{Callto: rep("c", 257)}, want: []Rule{RuleCalltoTooLong}},
		{name: "guest company 100", kind: Guests, set: map[Field]string{Company: rep("会", 100)}},
		{name: "guest company 101", kind: Guests, set: map[Field]string{Company: rep("会", 101)}, want: []Rule{RuleCompanyTooLong}},
		{name: "guest division 101", kind: Guests, set: map[Field]string{Division: rep("部", 101)}, want: []Rule{RuleDivisionTooLong}},
		{name: "guest phone 101", kind: Guests, set: map[Field]string{Phone: rep("1", 101)}, want: []Rule{RulePhoneTooLong}},
		{name: "guest callto 257", kind: Guests, set: map[Field]string{Callto: rep("c", 257)}, want: []Rule{RuleCalltoTooLong}},

		// E-mail.
		{name: "email 256", set: map[Field]string{Email: email256}},
		{name: "email 257", set: map[Field]string{Email: "a" + email256}, want: []Rule{RuleEmailTooLong}},
		{name: "email IDN", set: map[Field]string{Email: "太郎@例え.jp"}},
		{name: "email plus", set: map[Field]string{Email: "taro+hr@example.co.jp"}},
		{name: "email trimmed", set: map[Field]string{Email: " taro@example.com "}, after: map[Field]string{Email: "taro@example.com"}},
		{name: "email no at", set: map[Field]string{Email: "taro.example.com"}, want: []Rule{RuleEmailInvalid}},
		{name: "email two at", set: map[Field]string{Email: "a@b@example.com"}, want: []Rule{RuleEmailInvalid}},
		{name: "email empty local", set: map[Field]string{Email: "@example.com"}, want: []Rule{RuleEmailInvalid}},
		{name: "email empty domain", set: map[Field]string{Email: "taro@"}, want: []Rule{RuleEmailInvalid}},
		{name: "email no dot", set: map[Field]string{Email: "taro@localhost"}, want: []Rule{RuleEmailFormatDoubtful}},
		{name: "email double dot", set: map[Field]string{Email: "taro@example..com"}, want: []Rule{RuleEmailInvalid}},
		{name: "email trailing dot", set: map[Field]string{Email: "taro@example.com."}, want: []Rule{RuleEmailInvalid}},
		{name: "email inner space", set: map[Field]string{Email: "ta ro@example.com"}, want: []Rule{RuleEmailInvalid}},
		{name: "email display form", set: map[Field]string{Email: "Taro <taro@example.com>"}, want: []Rule{RuleEmailInvalid}},
		{name: "email list", set: map[Field]string{Email: "a@example.com,b@example.com"}, want: []Rule{RuleEmailInvalid}},
		{name: "email one-letter dotless domain", set: map[Field]string{Email: "a@b"}, want: []Rule{RuleEmailFormatDoubtful}},
		{name: "email quoted local", set: map[Field]string{Email: `"john doe"@example.com`}, want: []Rule{RuleEmailFormatDoubtful}},
		{name: "email quoted local with @", set: map[Field]string{Email: `"a@b"@example.com`}, want: []Rule{RuleEmailFormatDoubtful}},
		{name: "email quoted local escaped quote", set: map[Field]string{Email: `"a\"b"@example.com`}, want: []Rule{RuleEmailFormatDoubtful}},
		{name: "email quoted dotless", set: map[Field]string{Email: `"x y"@localhost`}, want: []Rule{RuleEmailFormatDoubtful}},
		{name: "email domain literal", set: map[Field]string{Email: "taro@[192.0.2.1]"}, want: []Rule{RuleEmailFormatDoubtful}},
		{name: "email domain literal with space", set: map[Field]string{Email: "taro@[192.0.2.1 ]"}, want: []Rule{RuleEmailInvalid}},
		{name: "email unclosed quote", set: map[Field]string{Email: `"john@example.com`}, want: []Rule{RuleEmailInvalid}},
		{name: "email quote mid local", set: map[Field]string{Email: `"john"doe@example.com`}, want: []Rule{RuleEmailInvalid}},
		{name: "email quote not first", set: map[Field]string{Email: `jo"hn"@example.com`}, want: []Rule{RuleEmailInvalid}},
		{name: "email quoted then no domain", set: map[Field]string{Email: `"john"@`}, want: []Rule{RuleEmailInvalid}},
		{name: "email quoted then two at", set: map[Field]string{Email: `"john"@a@example.com`}, want: []Rule{RuleEmailInvalid}},
		{name: "email dotless domain with bad char", set: map[Field]string{Email: "taro@local,host"}, want: []Rule{RuleEmailInvalid}},
		{name: "email full-width space in domain", set: map[Field]string{Email: "taro@example\u3000.com"}, want: []Rule{RuleEmailFormatDoubtful}},
		{name: "email docomo dots", set: map[Field]string{Email: "taro..x.@docomo.ne.jp"}},
		{name: "guest code dotless", kind: Guests, set: map[Field]string{Code: "guest@localhost"}, want: []Rule{RuleCodeEmailDoubtful}},
		{name: "guest code quoted", kind: Guests, set: map[Field]string{Code: `"guest one"@example.com`}, want: []Rule{RuleCodeEmailDoubtful}},
		{name: "guest code doubtful and too long", kind: Guests, set: map[Field]string{Code: rep("a", 251) + "@local"}, want: []Rule{RuleCodeEmailDoubtful, RuleCodeTooLong}},
		{name: "guest code no at", kind: Guests, set: map[Field]string{Code: "guest.example.com"}, want: []Rule{RuleCodeNotEmail}},

		// Dates.
		{name: "birthDate ISO", set: map[Field]string{BirthDate: "1990-04-01"}},
		{name: "birthDate leap day", set: map[Field]string{BirthDate: "2000-02-29"}},
		{name: "birthDate slashes", set: map[Field]string{BirthDate: "1990/04/01"}, after: map[Field]string{BirthDate: "1990-04-01"}},
		{name: "birthDate short", set: map[Field]string{BirthDate: "1990/4/1"}, after: map[Field]string{BirthDate: "1990-04-01"}},
		{name: "birthDate short dashes", set: map[Field]string{BirthDate: "1990-4-1"}, after: map[Field]string{BirthDate: "1990-04-01"}},
		{name: "birthDate not leap", set: map[Field]string{BirthDate: "1900-02-29"}, want: []Rule{RuleBirthDateInvalid}},
		{name: "birthDate month 13", set: map[Field]string{BirthDate: "1990-13-01"}, want: []Rule{RuleBirthDateInvalid}},
		{name: "birthDate April 31", set: map[Field]string{BirthDate: "1990-04-31"}, want: []Rule{RuleBirthDateInvalid}},
		{name: "birthDate day 0", set: map[Field]string{BirthDate: "1990-04-00"}, want: []Rule{RuleBirthDateInvalid}},
		{name: "birthDate year 0", set: map[Field]string{BirthDate: "0000-01-01"}, want: []Rule{RuleBirthDateInvalid}},
		{name: "birthDate mixed separators", set: map[Field]string{BirthDate: "1990/04-01"}, want: []Rule{RuleBirthDateInvalid}},
		{name: "birthDate two-digit year", set: map[Field]string{BirthDate: "90/04/01"}, want: []Rule{RuleBirthDateInvalid}},
		{name: "birthDate year last ambiguous", set: map[Field]string{BirthDate: "01/04/1990"}, want: []Rule{RuleBirthDateAmbiguous}, after: map[Field]string{BirthDate: "01/04/1990"}},
		{name: "birthDate year last mdy", order: MDY, set: map[Field]string{BirthDate: "01/04/1990"}, want: []Rule{RuleBirthDateConverted}, after: map[Field]string{BirthDate: "1990-01-04"}},
		{name: "birthDate year last dmy", order: DMY, set: map[Field]string{BirthDate: "01/04/1990"}, want: []Rule{RuleBirthDateConverted}, after: map[Field]string{BirthDate: "1990-04-01"}},
		{name: "birthDate year last not in order", order: MDY, set: map[Field]string{BirthDate: "13/04/1990"}, want: []Rule{RuleBirthDateInvalid}},
		{name: "birthDate year last one reading", set: map[Field]string{BirthDate: "13/04/1990"}, want: []Rule{RuleBirthDateConverted}, after: map[Field]string{BirthDate: "1990-04-13"}},
		{name: "birthDate year last same both ways", set: map[Field]string{BirthDate: "4.4.1990"}, want: []Rule{RuleBirthDateConverted}, after: map[Field]string{BirthDate: "1990-04-04"}},
		{name: "birthDate 年月日", set: map[Field]string{BirthDate: "1990年4月1日"}, want: []Rule{RuleBirthDateConverted}, after: map[Field]string{BirthDate: "1990-04-01"}},
		{name: "birthDate 平成", set: map[Field]string{BirthDate: "平成2年4月1日"}, want: []Rule{RuleBirthDateConverted}, after: map[Field]string{BirthDate: "1990-04-01"}},
		{name: "birthDate 昭和元年", set: map[Field]string{BirthDate: "昭和元年12月25日"}, want: []Rule{RuleBirthDateConverted}, after: map[Field]string{BirthDate: "1926-12-25"}},
		{name: "birthDate S64 after the era", set: map[Field]string{BirthDate: "S64.1.8"}, want: []Rule{RuleBirthDateInvalid}},
		{name: "birthDate dots", set: map[Field]string{BirthDate: "1990.04.01"}, want: []Rule{RuleBirthDateConverted}, after: map[Field]string{BirthDate: "1990-04-01"}},
		{name: "birthDate full-width", set: map[Field]string{BirthDate: "１９９０－０４－０１"}, want: []Rule{RuleBirthDateConverted}, after: map[Field]string{BirthDate: "1990-04-01"}},
		{name: "joinDate 令和", set: map[Field]string{JoinDate: "令和7年4月1日"}, want: []Rule{RuleJoinDateConverted}, after: map[Field]string{JoinDate: "2025-04-01"}},
		{name: "joinDate R7.4.1", set: map[Field]string{JoinDate: "R7.4.1"}, want: []Rule{RuleJoinDateConverted}, after: map[Field]string{JoinDate: "2025-04-01"}},
		{name: "joinDate 令和元年4月 before the era", set: map[Field]string{JoinDate: "令和元年4月1日"}, want: []Rule{RuleJoinDateInvalid}},
		{name: "joinDate year last ambiguous", set: map[Field]string{JoinDate: "4/1/2025"}, want: []Rule{RuleJoinDateAmbiguous}},
		{name: "birthDate with time", set: map[Field]string{BirthDate: "1990-04-01T00:00"}, want: []Rule{RuleBirthDateInvalid}},
		{name: "joinDate slashes", set: map[Field]string{JoinDate: "2024/4/1"}, after: map[Field]string{JoinDate: "2024-04-01"}},
		{name: "joinDate invalid", set: map[Field]string{JoinDate: "2024-02-30"}, want: []Rule{RuleJoinDateInvalid}},

		// Display order.
		{name: "sortOrder 0", set: map[Field]string{SortOrder: "0"}},
		{name: "sortOrder max", set: map[Field]string{SortOrder: "99999999"}},
		{name: "sortOrder leading zeros", set: map[Field]string{SortOrder: "007"}, after: map[Field]string{SortOrder: "7"}},
		{name: "sortOrder plus", set: map[Field]string{SortOrder: "+5"}, after: map[Field]string{SortOrder: "5"}},
		{name: "sortOrder zeros", set: map[Field]string{SortOrder: "000"}, after: map[Field]string{SortOrder: "0"}},
		{name: "sortOrder max+1", set: map[Field]string{SortOrder: "100000000"}, want: []Rule{RuleSortOrderRange}},
		{name: "sortOrder huge", set: map[Field]string{SortOrder: rep("9", 40)}, want: []Rule{RuleSortOrderRange}},
		{name: "sortOrder negative", set: map[Field]string{SortOrder: "-1"}, want: []Rule{RuleSortOrderRange}},
		{name: "sortOrder decimal", set: map[Field]string{SortOrder: "1.5"}, want: []Rule{RuleSortOrderInvalid}},
		{name: "sortOrder full-width digits", set: map[Field]string{SortOrder: "１２"}, want: []Rule{RuleFullWidth}, after: map[Field]string{SortOrder: "12"}},
		{name: "sortOrder full-width leading zero", set: map[Field]string{SortOrder: "０１２"}, want: []Rule{RuleFullWidth}, after: map[Field]string{SortOrder: "12"}},
		{name: "sortOrder full-width text", set: map[Field]string{SortOrder: "１位"}, want: []Rule{RuleSortOrderInvalid}},
		{name: "sortOrder sign only", set: map[Field]string{SortOrder: "-"}, want: []Rule{RuleSortOrderInvalid}},

		// Status.
		{name: "valid true", set: map[Field]string{Valid: "true"}},
		{name: "valid 1", set: map[Field]string{Valid: "1"}, after: map[Field]string{Valid: "true"}},
		{name: "valid 0", set: map[Field]string{Valid: "0"}, after: map[Field]string{Valid: "false"}},
		{name: "valid YES", set: map[Field]string{Valid: "YES"}, after: map[Field]string{Valid: "true"}},
		{name: "valid No", set: map[Field]string{Valid: "No"}, after: map[Field]string{Valid: "false"}},
		{name: "valid FALSE", set: map[Field]string{Valid: "FALSE"}, after: map[Field]string{Valid: "false"}},
		{name: "valid 無効", set: map[Field]string{Valid: "無効"}, want: []Rule{RuleValidConverted}, after: map[Field]string{Valid: "false"}},
		{name: "valid 使用中", set: map[Field]string{Valid: "使用中"}, want: []Rule{RuleValidConverted}, after: map[Field]string{Valid: "true"}},
		{name: "valid 停止中", set: map[Field]string{Valid: "停止中"}, want: []Rule{RuleValidConverted}, after: map[Field]string{Valid: "false"}},
		{name: "valid はい", set: map[Field]string{Valid: "はい"}, want: []Rule{RuleValidConverted}, after: map[Field]string{Valid: "true"}},
		{name: "valid いいえ", set: map[Field]string{Valid: "いいえ"}, want: []Rule{RuleValidConverted}, after: map[Field]string{Valid: "false"}},

		// Full-width phone numbers.
		{name: "phone full-width", set: map[Field]string{Phone: "０３－１２３４－５６７８"}, want: []Rule{RuleFullWidth}, after: map[Field]string{Phone: "03-1234-5678"}},
		{name: "mobilePhone minus sign", set: map[Field]string{MobilePhone: "090−1234−5678"}, want: []Rule{RuleFullWidth}, after: map[Field]string{MobilePhone: "090-1234-5678"}},
		{name: "extensionNumber full-width", set: map[Field]string{ExtensionNumber: "１２３４"}, want: []Rule{RuleFullWidth}, after: map[Field]string{ExtensionNumber: "1234"}},
		{name: "phone other text kept", set: map[Field]string{Phone: "03-1234-5678（代表）"}, want: []Rule{RuleFullWidth}, after: map[Field]string{Phone: "03-1234-5678(代表)"}},
		{name: "phone full-width spaces at the ends", set: map[Field]string{Phone: "\u3000０３－１２３４\u3000"}, want: []Rule{RuleFullWidth}, after: map[Field]string{Phone: "03-1234"}},
		{name: "sortOrder full-width space", set: map[Field]string{SortOrder: "１２\u3000"}, want: []Rule{RuleFullWidth}, after: map[Field]string{SortOrder: "12"}},
		{name: "phone Japanese kept", set: map[Field]string{Phone: "内線なし"}, after: map[Field]string{Phone: "内線なし"}},
		{name: "employeeNumber full-width kept", set: map[Field]string{EmployeeNumber: "００１２３"}, after: map[Field]string{EmployeeNumber: "００１２３"}},
		{name: "valid maybe", set: map[Field]string{Valid: "maybe"}, want: []Rule{RuleValidInvalid}},
		{name: "valid 2", set: map[Field]string{Valid: "2"}, want: []Rule{RuleValidInvalid}},

		// Services.
		{name: "services kintone", set: map[Field]string{Services: "kintone"}},
		{name: "services all", set: map[Field]string{Services: "kintone;garoon;office;mailwise;secure_access"}},
		{name: "services mixed", set: map[Field]string{Services: "KI, Garoon kintone"}, after: map[Field]string{Services: "kintone;garoon"}},
		{name: "services Japanese separators", set: map[Field]string{Services: "kintone、garoon"}, after: map[Field]string{Services: "kintone;garoon"}},
		{name: "services unknown", set: map[Field]string{Services: "kintone;slack"}, want: []Rule{RuleServicesUnknown}},
		{name: "services mail server code", set: map[Field]string{Services: "ms"}, want: []Rule{RuleServicesUnknown}},

		// Departments.
		{name: "organizations ok", set: map[Field]string{Organizations: "sales:manager;hr"}},
		{name: "organizations spaced", set: map[Field]string{Organizations: "sales : manager ; hr;"}, after: map[Field]string{Organizations: "sales:manager;hr"}},
		{name: "organizations empty title", set: map[Field]string{Organizations: "sales:"}, after: map[Field]string{Organizations: "sales"}},
		{name: "organizations 100", set: map[Field]string{Organizations: orgs100}},
		{name: "organizations 101", set: map[Field]string{Organizations: orgs100 + ";x"}, want: []Rule{RuleOrganizationsTooMany}},
		{name: "organizations empty entry", set: map[Field]string{Organizations: "a;;b"}, want: []Rule{RuleOrganizationsInvalid}},
		{name: "organizations leading separator", set: map[Field]string{Organizations: ";a"}, want: []Rule{RuleOrganizationsInvalid}},
		{name: "organizations title only", set: map[Field]string{Organizations: ":manager"}, want: []Rule{RuleOrganizationsInvalid}},
		{name: "organizations two colons", set: map[Field]string{Organizations: "a:b:c"}, want: []Rule{RuleOrganizationsInvalid}},
		{name: "organizations code 128", set: map[Field]string{Organizations: ja128 + ":" + ja128}},
		{name: "organizations code 129", set: map[Field]string{Organizations: ja129}, want: []Rule{RuleOrganizationsTooLong}},
		{name: "organizations title 129", set: map[Field]string{Organizations: "a:" + ja129}, want: []Rule{RuleOrganizationsTooLong}},
		{name: "organizations duplicate", set: map[Field]string{Organizations: "a;b:x;a"}, want: []Rule{RuleOrganizationsDuplicate}},

		// Kinds.
		{name: "guest code not email", kind: Guests, set: map[Field]string{Code: "guest"}, want: []Rule{RuleCodeNotEmail}},
		{name: "guest code 256", kind: Guests, set: map[Field]string{Code: email256}},
		{name: "guest code 257", kind: Guests, set: map[Field]string{Code: "a" + email256}, want: []Rule{RuleCodeTooLong}},
		{name: "guest code with slash", kind: Guests, set: map[Field]string{Code: "a/b@example.com"}},
		{name: "guest surName", kind: Guests, set: map[Field]string{SurName: "Yamada"}, want: []Rule{RuleNotForGuests}},
		{name: "guest services", kind: Guests, set: map[Field]string{Services: "kintone"}, want: []Rule{RuleNotForGuests}},
		{name: "user company", set: map[Field]string{Company: "Cybozu"}, want: []Rule{RuleNotForUsers}},

		// Update mode: only the login name is required.
		{name: "update blanks", update: true, set: map[Field]string{Name: "", Password: "", Timezone: ""}},
		{name: "update code empty", update: true, set: map[Field]string{Code: ""}, want: []Rule{RuleCodeRequired}},
		{name: "update still checks values", update: true, set: map[Field]string{Password: rep("p", 129)}, want: []Rule{RulePasswordTooLong}},
		{name: "guests ignore update", kind: Guests, update: true, set: map[Field]string{Password: ""}, want: []Rule{RulePasswordRequired}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := New(Options{Kind: tc.kind, Update: tc.update, DateOrder: tc.order})
			rec := &Record{Row: 2, Values: baseRow(tc.kind)}
			for f, s := range tc.set {
				rec.Values[f] = s
				rec.Set[f] = true
			}
			res := v.Check(rec)
			recordFired(t, res)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if got := rules(res); !slices.Equal(got, want) {
				t.Fatalf("rules = %v, want %v; issues: %+v", got, want, res.Issues)
			}
			for f, s := range tc.after {
				if rec.Values[f] != s {
					t.Errorf("%v after Check = %q, want %q", f, rec.Values[f], s)
				}
			}
			for _, is := range res.Issues {
				if is.Severity != ruleSeverity[is.Rule] {
					t.Errorf("%s has severity %v, table says %v", is.Rule, is.Severity, ruleSeverity[is.Rule])
				}
			}
			if wantValid := !slices.ContainsFunc(want, func(r Rule) bool { return ruleSeverity[r] == Error }); res.Valid() != wantValid {
				t.Errorf("Valid() = %v, want %v", res.Valid(), wantValid)
			}
		})
	}
}

func TestCustomItems(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		c    CustomValue
		want []Rule
	}{
		{name: "ok", c: CustomValue{"grade", "A"}},
		{name: "spaces kept", c: CustomValue{"grade", " A "}},
		{name: "empty value", c: CustomValue{"grade", ""}},
		{name: "1000 chars", c: CustomValue{"note", rep("長", 1000)}},
		{name: "1001 chars", c: CustomValue{"note", rep("長", 1001)}, want: []Rule{RuleCustomTooLong}},
		{name: "no code", c: CustomValue{"", "x"}, want: []Rule{RuleCustomCodeRequired}},
		{name: "control", c: CustomValue{"grade", "A\x1b"}, want: []Rule{RuleControlChar}},
		{name: "newline", c: CustomValue{"grade", "A\nB"}, want: []Rule{RuleControlChar}},
		{name: "invalid UTF-8", c: CustomValue{"grade", "\xe3\x81"}, want: []Rule{RuleInvalidText}},
		{name: "guest", kind: Guests, c: CustomValue{"grade", "A"}, want: []Rule{RuleNotForGuests}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := New(Options{Kind: tc.kind, CustomColumns: map[string]string{"grade": "Grade"}})
			rec := &Record{Row: 3, Values: baseRow(tc.kind), Custom: []CustomValue{tc.c}}
			res := v.Check(rec)
			recordFired(t, res)
			if got := rules(res); !slices.Equal(got, tc.want) {
				t.Fatalf("rules = %v, want %v; issues: %+v", got, tc.want, res.Issues)
			}
			if rec.Custom[0].Value != tc.c.Value {
				t.Errorf("custom value changed to %q", rec.Custom[0].Value)
			}
			for _, is := range res.Issues {
				if is.Field != CustomItem || is.Custom != tc.c.Code {
					t.Errorf("issue field/custom = %v/%q, want customItem/%q", is.Field, is.Custom, tc.c.Code)
				}
				wantCol := "customItem." + tc.c.Code
				if tc.c.Code == "grade" {
					wantCol = "Grade"
				}
				if is.Column != wantCol {
					t.Errorf("column = %q, want %q", is.Column, wantCol)
				}
			}
		})
	}
}

// TestStatusRespelling: a status written 1, 0, TRUE or False is sent as
// true/false without a change to report: it only respells what was meant.
func TestStatusRespelling(t *testing.T) {
	v := New(Options{})
	for in, want := range map[string]string{"1": "true", "0": "false", "TRUE": "true", "False": "false"} {
		rec := &Record{Row: 2, Values: baseRow(Users)}
		rec.Values[Valid] = in
		res := v.Check(rec)
		if rec.Values[Valid] != want || len(res.Changes) != 0 {
			t.Errorf("%q: sent %q with changes %+v, want %q and none", in, rec.Values[Valid], res.Changes, want)
		}
	}
}

func TestChanges(t *testing.T) {
	v := New(Options{Columns: [NumFields]string{Code: "Login Name", Valid: "Status", BirthDate: "Birthday"}})
	rec := &Record{Row: 5, Values: baseRow(Users)}
	rec.Values[Code] = " taro "
	rec.Values[Valid] = "yes"
	rec.Values[BirthDate] = "1990/4/1"
	rec.Values[Services] = "ki;gr"
	res := v.Check(rec)
	recordFired(t, res)
	want := []Change{
		{Code, "Login Name", " taro ", "taro"},
		{Valid, "Status", "yes", "true"},
		{BirthDate, "Birthday", "1990/4/1", "1990-04-01"},
		{Services, "services", "ki;gr", "kintone;garoon"},
	}
	if !slices.Equal(res.Changes, want) {
		t.Errorf("changes = %+v\nwant %+v", res.Changes, want)
	}
	if len(res.Issues) != 0 {
		t.Errorf("unexpected issues %+v", res.Issues)
	}
	// A clean row reports no change and allocates no slices.
	rec2 := &Record{Row: 6, Values: baseRow(Users)}
	rec2.Values[Code] = "jiro"
	if res := v.Check(rec2); res.Changes != nil || res.Issues != nil {
		t.Errorf("clean row gave %+v", res)
	}
}

func TestDuplicates(t *testing.T) {
	type row = dupRow
	tests := []struct {
		name string
		kind Kind
		rows []row
	}{
		{name: "exact code", rows: []row{
			{code: "taro"}, {code: "jiro"},
			{code: "taro", want: []Rule{RuleCodeDuplicate}, first: "row 2"},
			{code: "taro", want: []Rule{RuleCodeDuplicate}, first: "row 2"},
		}},
		{name: "trimmed code", rows: []row{
			{code: "taro"}, {code: " taro ", want: []Rule{RuleCodeDuplicate}, first: "row 2"},
		}},
		{name: "case only", rows: []row{
			{code: "Taro"},
			{code: "taro", want: []Rule{RuleCodeCaseDuplicate}, first: "row 2"},
			{code: "TARO", want: []Rule{RuleCodeCaseDuplicate}, first: "row 2"},
			{code: "taro", want: []Rule{RuleCodeDuplicate}, first: "row 3"},
		}},
		{name: "case only non-ASCII", rows: []row{
			{code: "ÉMILE"}, {code: "émile", want: []Rule{RuleCodeCaseDuplicate}, first: "row 2"},
		}},
		{name: "invalid code still counted", rows: []row{
			{code: "a/b", want: []Rule{RuleCodeForbiddenChar}},
			{code: "a/b", want: []Rule{RuleCodeDuplicate, RuleCodeForbiddenChar}, first: "row 2"},
		}},
		{name: "email ignoring case", rows: []row{
			{code: "a", email: "Taro@Example.com"}, {code: "b", email: "x@example.com"},
			{code: "c", email: "taro@example.com", want: []Rule{RuleEmailDuplicate}, first: "row 2"},
		}},
		{name: "guest code", kind: Guests, rows: []row{
			{code: "g@example.com"}, {code: "g@example.com", want: []Rule{RuleCodeDuplicate}, first: "row 2"},
		}},
		{name: "doubtful email still a duplicate", rows: []row{
			{code: "a", email: "admin@localhost", want: []Rule{RuleEmailFormatDoubtful}},
			{code: "b", email: "Admin@localhost", want: []Rule{RuleEmailDuplicate, RuleEmailFormatDoubtful}, first: "row 2"},
		}},
		{name: "invalid email is no duplicate", rows: []row{
			{code: "a", email: "admin", want: []Rule{RuleEmailInvalid}}, {code: "b", email: "admin", want: []Rule{RuleEmailInvalid}},
		}},
	}
	// Each case runs row by row through Check, and as one chunk through
	// CheckRows, which must find the same duplicates.
	for _, tc := range tests {
		for _, chunked := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/chunked=%v", tc.name, chunked), func(t *testing.T) {
				v := New(Options{Kind: tc.kind})
				recs := make([]Record, len(tc.rows))
				for i, r := range tc.rows {
					recs[i] = Record{Row: i + 2, Values: baseRow(tc.kind)}
					recs[i].Values[Code], recs[i].Values[Email] = r.code, r.email
				}
				results := make([]Result, len(recs))
				if chunked {
					v.CheckRows(recs, results)
				} else {
					for i := range recs {
						results[i] = v.Check(&recs[i])
					}
				}
				checkDuplicateCase(t, tc.rows, results)
			})
		}
	}
}

// dupRow is a row of TestDuplicates.
type dupRow struct {
	code, email string
	want        []Rule
	first       string // the row number the message must name
}

// checkDuplicateCase compares the results of the rows of one case with
// what the case wants.
func checkDuplicateCase(t *testing.T, rows []dupRow, results []Result) {
	t.Helper()
	for i, r := range rows {
		res := results[i]
		recordFired(t, res)
		want := slices.Clone(r.want)
		slices.Sort(want)
		if got := rules(res); !slices.Equal(got, want) {
			t.Fatalf("row %d: rules = %v, want %v", i+2, got, want)
		}
		for _, is := range res.Issues {
			if (is.Rule == RuleCodeDuplicate || is.Rule == RuleCodeCaseDuplicate || is.Rule == RuleEmailDuplicate) &&
				!strings.Contains(is.Message, r.first+";") && !strings.Contains(is.Message, r.first+" ") {
				t.Errorf("row %d: message %q does not name %s", i+2, is.Message, r.first)
			}
		}
	}
}

// TestCheckRowsMatchesCheck runs the same random rows (drawn from small
// pools, so that duplicates, case variants, invalid values and
// normalisation are all common) through Check one by one and through
// CheckRows in chunks of several sizes: results and normalised records
// must be identical, chunk boundaries included.
func TestCheckRowsMatchesCheck(t *testing.T) {
	codes := []string{"taro", "Taro", " jiro ", "a/b", "", "hanako", "HANAKO", "émile", "ÉMILE", "x"}
	emails := []string{"", "t@example.com", "T@Example.com", "bad", "h@example.com", " h@example.com"}
	valids := []string{"", "true", "1", "no", "maybe"}
	dates := []string{"", "1990/4/1", "2023-02-30", "2001-01-01"}
	for _, kind := range []Kind{Users, Guests} {
		for seed := range uint64(20) {
			rng := rand.New(rand.NewPCG(seed, 1))
			n := 1 + rng.IntN(700)
			rows := make([]Record, n)
			for i := range rows {
				r := Record{Row: i + 2, Values: baseRow(kind)}
				r.Values[Code] = codes[rng.IntN(len(codes))]
				r.Values[Email] = emails[rng.IntN(len(emails))]
				r.Values[Valid] = valids[rng.IntN(len(valids))]
				r.Values[BirthDate] = dates[rng.IntN(len(dates))]
				rows[i] = r
			}
			one := New(Options{Kind: kind})
			want := make([]Result, n)
			wantRecs := slices.Clone(rows)
			for i := range wantRecs {
				want[i] = one.Check(&wantRecs[i])
			}
			for _, chunk := range []int{1, 7, 256, n} {
				v := New(Options{Kind: kind})
				recs := slices.Clone(rows)
				got := make([]Result, n)
				for i := 0; i < n; i += chunk {
					end := min(i+chunk, n)
					v.CheckRows(recs[i:end], got[i:end])
				}
				for i := range got {
					if !reflect.DeepEqual(got[i], want[i]) || !reflect.DeepEqual(recs[i], wantRecs[i]) {
						t.Fatalf("%v, seed %d, chunk %d, row %d: CheckRows gave %+v (record %+v), Check gave %+v (record %+v)",
							kind, seed, chunk, i+2, got[i], recs[i].Values, want[i], wantRecs[i].Values)
					}
				}
			}
		}
	}
}

// TestDuplicateKeysAreCopied makes sure the duplicate map does not keep the
// caller's string: importers reuse buffers.
func TestDuplicateKeysAreCopied(t *testing.T) {
	v := New(Options{})
	buf := []byte("taro")
	rec := &Record{Row: 2, Values: baseRow(Users)}
	rec.Values[Code] = string(buf)
	v.Check(rec)
	buf[0] = 'X' // the caller reuses its buffer
	if first, ok := v.codeRow("taro"); !ok || first != 2 {
		t.Fatalf("codeRow(taro) = %d, %v; want 2, true", first, ok)
	}
	// Many codes spill over several arena blocks and must all survive.
	for i := range 20000 {
		rec := &Record{Row: i + 3, Values: baseRow(Users)}
		rec.Values[Code] = "user-" + strings.Repeat("x", i%50) + "-" + itoa(i)
		if res := v.Check(rec); !res.Valid() {
			t.Fatalf("row %d: %+v", i+3, res.Issues)
		}
	}
	for i := range 20000 {
		code := "user-" + strings.Repeat("x", i%50) + "-" + itoa(i)
		if first, ok := v.codeRow(code); !ok || first != int32(i+3) {
			t.Fatalf("code %q maps to row %d (%v), want %d", code, first, ok, i+3)
		}
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestNotForKindOnce(t *testing.T) {
	v := New(Options{Kind: Guests, Columns: [NumFields]string{Email: "E-mail"}})
	for row := 2; row < 5; row++ {
		rec := &Record{Row: row, Values: baseRow(Guests)}
		rec.Values[Code] = itoa(row) + "@example.com"
		rec.Values[Email] = "x@example.com"
		res := v.Check(rec)
		recordFired(t, res)
		want := 0
		if row == 2 {
			want = 1
		}
		if len(res.Issues) != want {
			t.Fatalf("row %d: %d issues, want %d: %+v", row, len(res.Issues), want, res.Issues)
		}
		if want == 1 && (res.Issues[0].Column != "E-mail" || res.Issues[0].Severity != Warning) {
			t.Errorf("issue = %+v", res.Issues[0])
		}
	}
}

func TestFirstError(t *testing.T) {
	r := Result{Issues: []Issue{{Rule: RuleEmailDuplicate, Severity: Warning}, {Rule: RuleCodeTooLong, Severity: Error}}}
	if fe := r.FirstError(); fe == nil || fe.Rule != RuleCodeTooLong || r.Valid() {
		t.Errorf("FirstError = %+v, Valid = %v", fe, r.Valid())
	}
	r.Issues = r.Issues[:1]
	if r.FirstError() != nil || !r.Valid() {
		t.Errorf("warnings only: FirstError = %+v, Valid = %v", r.FirstError(), r.Valid())
	}
}

// TestChangeMasksOnlyTheReport: a normalised password (no rule changes one
// today) must be sent as normalised and shown as *** in the change.
func TestChangeMasksOnlyTheReport(t *testing.T) {
	v := New(Options{})
	rec := &Record{Row: 2, Values: baseRow(Users)}
	var res Result
	v.change(&res, rec, Password, "new-Pass-1")
	if rec.Values[Password] != "new-Pass-1" {
		t.Errorf("the record's password became %q; it must keep the value to send", rec.Values[Password])
	}
	if c := res.Changes[0]; c.From != "***" || c.To != "***" {
		t.Errorf("change %+v shows the password", c)
	}
}
