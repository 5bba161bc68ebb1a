// Package validate checks rows destined for the cybozu.com User API (and the
// kintone Add Guests API) against the documented field rules, normalises
// their values the way the service reads them, and finds problems that span
// the whole file (duplicate login names and e-mail addresses). It knows
// nothing of files or HTTP: the importer feeds it Records and reads back
// Issues.
package validate

// Kind says which API a file is for; users and guests have different fields
// and rules.
type Kind int

const (
	// Users are cybozu.com users (Add Users / Update Users).
	Users Kind = iota
	// Guests are kintone guest users (Add Guests).
	Guests
)

// String returns "users" or "guests", the spelling of the --kind flag.
func (k Kind) String() string {
	if k == Guests {
		return "guests"
	}
	return "users"
}

// Field identifies one input field. The zero value is Code.
type Field int

// The fields a row can carry. Services and Organizations are not User API
// fields: they feed Update User Services and Update User's Departments.
const (
	Code Field = iota
	Valid
	Password
	Name
	SurName
	GivenName
	SurNameReading
	GivenNameReading
	LocalName
	LocalNameLocale
	Locale
	Timezone
	Description
	Phone
	MobilePhone
	ExtensionNumber
	Email
	Callto
	URL
	EmployeeNumber
	BirthDate
	JoinDate
	SortOrder
	Services
	Organizations
	Company  // guests only
	Division // guests only
	NumFields
)

var fieldNames = [NumFields]string{
	"code", "valid", "password", "name", "surName", "givenName",
	"surNameReading", "givenNameReading", "localName", "localNameLocale",
	"locale", "timezone", "description", "phone", "mobilePhone",
	"extensionNumber", "email", "callto", "url", "employeeNumber",
	"birthDate", "joinDate", "sortOrder", "services", "organizations",
	"company", "division",
}

// String returns the API's spelling of the field name (e.g. "surName").
func (f Field) String() string {
	if f < 0 || f >= NumFields {
		return "field(?)"
	}
	return fieldNames[f]
}

// CustomValue is the value of one custom item (customItem.<code> column).
type CustomValue struct {
	Code  string
	Value string
}

// Record is one input row after column mapping and before validation.
// Validator.Check normalises Values in place.
type Record struct {
	// Row is the row number the user sees (the physical line of a CSV file,
	// the sheet row of an XLSX file).
	Row int
	// Values holds each field's text; Set says whether the file (or mapping)
	// supplied the field at all, which Update Users needs to tell "leave
	// unchanged" from "clear".
	Values [NumFields]string
	Set    [NumFields]bool
	// Custom holds the custom items in column order.
	Custom []CustomValue
	// Keep marks fields whose cell held cybozu's "*" ("leave this value as
	// it is"): an update does not send them, and for a new user they count
	// as not set (a required one is an error). Values holds "" for them.
	Keep [NumFields]bool
	// KeepCustom lists the custom item codes whose cell held "*"; they are
	// not in Custom.
	KeepCustom []string
	// Delete is set when the row asks for the user to be deleted (cybozu's
	// 削除/Delete column = 1). Such a row is never created or updated.
	Delete bool
	// NewCode is the login name the user is to be renamed to (cybozu's
	// 新ログイン名/New Login Name column); "" means no rename.
	NewCode string
}

// Severity grades an Issue.
type Severity int

const (
	// Error makes the row invalid: it is not sent.
	Error Severity = iota
	// Warning is reported but the row is still sent: the value is doubtful
	// (the documents disagree) or will be normalised.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}
