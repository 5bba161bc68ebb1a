// Package mapping turns the columns of a person's file into the fields of
// the User API: the labels it knows (API names, cybozu.com's own column
// names in Japanese and English, customItem.<code>), and the YAML mapping
// files that rename columns and build values with text/template.
package mapping

import (
	"strings"

	"golang.org/x/text/width"

	"github.com/userimport/userimport/validate"
)

// customPrefix introduces a custom-item column: customItem.<code>.
const customPrefix = "customitem."

// labels maps a normalised header (see labelKey) to a field: the API field
// names, and the column labels of cybozu.com's "Departments & Users" CSV in
// English and Japanese, which HR staff already know.
var labels = func() map[string]validate.Field {
	m := make(map[string]validate.Field)
	for f := validate.Field(0); f < validate.NumFields; f++ {
		m[labelKey(f.String())] = f
	}
	for f, names := range map[validate.Field][]string{
		validate.Code:             {"Login Name", "ログイン名", "login"},
		validate.Name:             {"Display Name", "表示名"},
		validate.Password:         {"パスワード"},
		validate.SurName:          {"Surname", "Last Name", "姓"},
		validate.GivenName:        {"Given Name", "First Name", "名"},
		validate.SurNameReading:   {"Phonetic Surname", "よみがな(姓)", "Surname Reading"},
		validate.GivenNameReading: {"Phonetic Given Name", "よみがな(名)", "Given Name Reading"},
		validate.LocalName:        {"Localized Name", "別言語での表示名"},
		validate.LocalNameLocale:  {"Language of Localized Name", "別言語の名前を表示する言語"},
		validate.Email:            {"E-mail Address", "E-mail", "Email Address", "メールアドレス"},
		validate.Valid:            {"Status", "使用状態"},
		validate.Locale:           {"Language", "言語"},
		validate.Timezone:         {"Time Zone", "タイムゾーン"},
		validate.Phone:            {"電話番号"},
		validate.ExtensionNumber:  {"Extension", "内線"},
		validate.MobilePhone:      {"Mobile Phone", "携帯"},
		validate.EmployeeNumber:   {"Employee ID", "従業員ID"},
		validate.JoinDate:         {"Hire Date", "入社日"},
		validate.BirthDate:        {"Birthday", "誕生日"},
		validate.Description:      {"About Me", "コメント/メモ", "コメント", "メモ"},
		validate.SortOrder:        {"Display Order", "表示優先度"},
		validate.Callto:           {"Skype Name", "Skype名", "Skype"},
		validate.Services:         {"サービス"},
		validate.Organizations:    {"Departments", "所属組織"},
		validate.Company:          {"Company Name", "会社名"},
		validate.Division:         {"部署名"},
	} {
		for _, n := range names {
			m[labelKey(n)] = f
		}
	}
	return m
}()

// unsupportedLabels are "Departments & Users" CSV columns that this tool
// deliberately does not act on; each gets a warning saying why.
var unsupportedLabels = func() map[string]string {
	m := make(map[string]string)
	for _, n := range []string{"New Login Name", "新ログイン名"} {
		m[labelKey(n)] = "renaming login names is not supported; the column is ignored"
	}
	for _, n := range []string{"Delete", "削除"} {
		m[labelKey(n)] = "deleting users is not supported; the column is ignored (rows are added or updated)"
	}
	return m
}()

// guestFields are the fields of Add Guests; users have every field but
// company and division.
var guestFields = [validate.NumFields]bool{
	validate.Code: true, validate.Password: true, validate.Timezone: true,
	validate.Name: true, validate.Locale: true, validate.SurNameReading: true,
	validate.GivenNameReading: true, validate.Company: true,
	validate.Division: true, validate.Phone: true, validate.Callto: true,
}

// fieldAllowed reports whether kind has field f.
func fieldAllowed(kind validate.Kind, f validate.Field) bool {
	if kind == validate.Guests {
		return guestFields[f]
	}
	return f != validate.Company && f != validate.Division
}

// labelKey normalises a header for matching: full-width ASCII folded to
// half-width (Japanese Excel often writes "（姓）"), lower case, and
// spaces, underscores and hyphens removed ("E-mail Address",
// "employee_number", "Employee Number").
func labelKey(s string) string {
	s = width.Fold.String(strings.TrimSpace(s))
	s = strings.ToLower(s)
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '_', '-', '\u3000':
			return -1
		}
		return r
	}, s)
}

// fieldByName finds the field a header or mapping key names. It matches
// API names and HR labels case-insensitively.
func fieldByName(name string) (validate.Field, bool) {
	f, ok := labels[labelKey(name)]
	return f, ok
}

// customCode returns <code> for a "customItem.<code>" name (prefix case
// ignored, code kept as written).
func customCode(name string) (string, bool) {
	name = strings.TrimSpace(name)
	if len(name) > len(customPrefix) && strings.EqualFold(name[:len(customPrefix)], customPrefix) {
		code := strings.TrimSpace(name[len(customPrefix):])
		return code, code != ""
	}
	return "", false
}
