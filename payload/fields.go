package payload

import (
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/validate"
)

// StringField ties a validate field that is a plain string in the API to
// the UserInput field that carries it and the User field it is read back
// from.
type StringField struct {
	Field validate.Field
	In    func(*kintone.UserInput) **string
	Out   func(*kintone.User) string
}

// StringFields maps the validate fields that are plain strings in the API to
// the UserInput field that carries them and the User field they are read
// back from. One table keeps conversion and comparison from drifting apart.
var StringFields = []StringField{
	{validate.Name, func(u *kintone.UserInput) **string { return &u.Name }, func(u *kintone.User) string { return u.Name }},
	{validate.SurName, func(u *kintone.UserInput) **string { return &u.SurName }, func(u *kintone.User) string { return u.SurName }},
	{validate.GivenName, func(u *kintone.UserInput) **string { return &u.GivenName }, func(u *kintone.User) string { return u.GivenName }},
	{validate.SurNameReading, func(u *kintone.UserInput) **string { return &u.SurNameReading }, func(u *kintone.User) string { return u.SurNameReading }},
	{validate.GivenNameReading, func(u *kintone.UserInput) **string { return &u.GivenNameReading }, func(u *kintone.User) string { return u.GivenNameReading }},
	{validate.LocalName, func(u *kintone.UserInput) **string { return &u.LocalName }, func(u *kintone.User) string { return u.LocalName }},
	{validate.LocalNameLocale, func(u *kintone.UserInput) **string { return &u.LocalNameLocale }, func(u *kintone.User) string { return u.LocalNameLocale }},
	{validate.Timezone, func(u *kintone.UserInput) **string { return &u.Timezone }, func(u *kintone.User) string { return u.Timezone }},
	{validate.Locale, func(u *kintone.UserInput) **string { return &u.Locale }, func(u *kintone.User) string { return u.Locale }},
	{validate.Description, func(u *kintone.UserInput) **string { return &u.Description }, func(u *kintone.User) string { return u.Description }},
	{validate.Phone, func(u *kintone.UserInput) **string { return &u.Phone }, func(u *kintone.User) string { return u.Phone }},
	{validate.MobilePhone, func(u *kintone.UserInput) **string { return &u.MobilePhone }, func(u *kintone.User) string { return u.MobilePhone }},
	{validate.ExtensionNumber, func(u *kintone.UserInput) **string { return &u.ExtensionNumber }, func(u *kintone.User) string { return u.ExtensionNumber }},
	{validate.Email, func(u *kintone.UserInput) **string { return &u.Email }, func(u *kintone.User) string { return u.Email }},
	{validate.Callto, func(u *kintone.UserInput) **string { return &u.Callto }, func(u *kintone.User) string { return u.Callto }},
	{validate.URL, func(u *kintone.UserInput) **string { return &u.URL }, func(u *kintone.User) string { return u.URL }},
	{validate.EmployeeNumber, func(u *kintone.UserInput) **string { return &u.EmployeeNumber }, func(u *kintone.User) string { return u.EmployeeNumber }},
	{validate.BirthDate, func(u *kintone.UserInput) **string { return &u.BirthDate }, func(u *kintone.User) string { return u.BirthDate }},
	{validate.JoinDate, func(u *kintone.UserInput) **string { return &u.JoinDate }, func(u *kintone.User) string { return u.JoinDate }},
}
