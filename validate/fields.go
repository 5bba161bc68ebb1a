package validate

import (
	"strings"

	"github.com/userimport/userimport/i18n"
)

// FieldByName maps an API field name to its Field, ignoring case
// ("surname" → SurName). Column labels of the Departments & Users CSV are the
// importer's business; this knows only the API spelling.
func FieldByName(name string) (Field, bool) {
	for f := Field(0); f < NumFields; f++ {
		if strings.EqualFold(name, fieldNames[f]) {
			return f, true
		}
	}
	return 0, false
}

// userFields is the template order for users: the order of the
// Departments & Users CSV that HR staff know, then the API-only fields.
var userFields = []Field{
	Code, Name, Password, SurName, GivenName, SurNameReading, GivenNameReading,
	LocalName, LocalNameLocale, Email, Valid, Locale, Timezone, Phone,
	ExtensionNumber, MobilePhone, URL, EmployeeNumber, JoinDate, BirthDate,
	Description, SortOrder, Callto, Services, Organizations,
}

// guestFields is the template order for guests: Add Guests' required fields
// first, then the optional ones in the order of the reference.
var guestFields = []Field{
	Code, Name, Password, Timezone, Locale, SurNameReading, GivenNameReading,
	Company, Division, Phone, Callto,
}

var fieldKinds = func() (k [NumFields]kinds) {
	for _, f := range userFields {
		k[f] |= forUsers
	}
	for _, f := range guestFields {
		k[f] |= forGuests
	}
	return k
}()

// FieldsFor returns the fields valid for k in template order. The caller
// owns the returned slice.
func FieldsFor(k Kind) []Field {
	src := userFields
	if k == Guests {
		src = guestFields
	}
	return append([]Field(nil), src...)
}

// Applies reports whether f is a field of kind k.
func Applies(k Kind, f Field) bool {
	return f >= 0 && f < NumFields && fieldKinds[f]&(1<<k) != 0
}

// Required reports whether Add Users (k == Users) or Add Guests
// (k == Guests) needs f. When updating existing users only Code is needed;
// see Options.Update.
func Required(k Kind, f Field) bool {
	switch f {
	case Code, Name, Password:
		return true
	case Timezone:
		// The English Add Users page says a blank time zone is an error, the
		// Japanese one that it is optional; the validator warns instead.
		return k == Guests
	}
	return false
}

// trimmed lists the fields whose leading and trailing half-width spaces and
// tabs are removed, as the Departments & Users CSV import does (reference
// §7): every field except the display name, password and description (the
// memo); custom items are never trimmed either.
var trimmed = func() (t [NumFields]bool) {
	for f := range t {
		t[f] = true
	}
	t[Name], t[Password], t[Description] = false, false, false
	return t
}()

// limits holds the hard length limits in characters for users and guests;
// 0 means the field has no length rule of its own (its value is checked by
// another rule). doubtful is the length above which a value is only
// "maybe" accepted because the Japanese and English references disagree.
type limit struct {
	users, guests, doubtful int
	tooLong, lengthDoubtful Rule
}

var limits = [NumFields]limit{
	Code:             {128, 256, 0, RuleCodeTooLong, ""},
	Password:         {128, 128, 64, RulePasswordTooLong, RulePasswordLengthDoubtful},
	Name:             {128, 128, 0, RuleNameTooLong, ""},
	SurName:          {128, 0, 64, RuleSurNameTooLong, RuleSurNameLengthDoubtful},
	GivenName:        {128, 0, 64, RuleGivenNameTooLong, RuleGivenNameLengthDoubtful},
	SurNameReading:   {128, 64, 64, RuleSurNameReadingTooLong, RuleSurNameReadingLengthDoubtful},
	GivenNameReading: {128, 64, 64, RuleGivenNameReadingTooLong, RuleGivenNameReadingLengthDoubtful},
	LocalName:        {128, 0, 0, RuleLocalNameTooLong, ""},
	Description:      {1000, 0, 0, RuleDescriptionTooLong, ""},
	Phone:            {100, 100, 0, RulePhoneTooLong, ""},
	MobilePhone:      {100, 0, 0, RuleMobilePhoneTooLong, ""},
	ExtensionNumber:  {100, 0, 0, RuleExtensionNumberTooLong, ""},
	EmployeeNumber:   {100, 0, 0, RuleEmployeeNumberTooLong, ""},
	Email:            {256, 0, 0, RuleEmailTooLong, ""},
	URL:              {256, 0, 0, RuleURLTooLong, ""},
	Callto:           {256, 256, 0, RuleCalltoTooLong, ""},
	Company:          {0, 100, 0, RuleCompanyTooLong, ""},
	Division:         {0, 100, 0, RuleDivisionTooLong, ""},
}

// nouns names each field in prose ("a login name can have at most ..."),
// as interface values made once, for they are message arguments.
var nouns = func() (n [NumFields]any) {
	for f := range n {
		n[f] = i18n.M(i18n.Key("noun." + fieldNames[f]))
	}
	return n
}()
