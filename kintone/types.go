package kintone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// MaxPerRequest is the documented maximum number of users (or codes, guests,
// service or department assignments) a single User API request may carry.
// Every write method refuses a larger slice before sending anything.
const MaxPerRequest = 100

// Secret is a string that never prints itself. Passwords travel as Secret so
// that a stray %v, a log line or a panic cannot leak them; only JSON encoding
// (the request body) sees the real value.
type Secret string

// String returns a fixed mask, never the secret.
func (Secret) String() string { return "***" }

// GoString masks the secret for %#v too.
func (Secret) GoString() string { return `"***"` }

// Format masks the secret for every verb, including %s, %q and %x.
func (Secret) Format(f fmt.State, _ rune) { fmt.Fprint(f, "***") }

// Reveal returns the real value. It exists so that call sites which need the
// value (request encoding, a comparison) are explicit and easy to audit.
func (s Secret) Reveal() string { return string(s) }

// CustomItemValue is the value of one custom user item.
type CustomItemValue struct {
	Code  string `json:"code"`
	Value string `json:"value"`
}

// User is a cybozu.com user as Get Users returns it. Unset strings are "" (the
// service sends "" rather than null); ids are strings because they exceed the
// range a JSON number can carry exactly. PrimaryOrganization is the primary
// department's id, "" for none; SortOrder is nil when unset. See
// User.UnmarshalJSON for the forms these two are accepted in.
type User struct {
	ID                  string            `json:"id"`
	Code                string            `json:"code"`
	CTime               time.Time         `json:"ctime"`
	MTime               time.Time         `json:"mtime"`
	Valid               bool              `json:"valid"`
	Name                string            `json:"name"`
	SurName             string            `json:"surName"`
	GivenName           string            `json:"givenName"`
	SurNameReading      string            `json:"surNameReading"`
	GivenNameReading    string            `json:"givenNameReading"`
	LocalName           string            `json:"localName"`
	LocalNameLocale     string            `json:"localNameLocale"`
	Timezone            string            `json:"timezone"`
	Locale              string            `json:"locale"`
	Description         string            `json:"description"`
	Phone               string            `json:"phone"`
	MobilePhone         string            `json:"mobilePhone"`
	ExtensionNumber     string            `json:"extensionNumber"`
	Email               string            `json:"email"`
	Callto              string            `json:"callto"`
	URL                 string            `json:"url"`
	EmployeeNumber      string            `json:"employeeNumber"`
	BirthDate           string            `json:"birthDate"` // YYYY-MM-DD or ""
	JoinDate            string            `json:"joinDate"`  // YYYY-MM-DD or ""
	PrimaryOrganization string            `json:"primaryOrganization"`
	SortOrder           *int64            `json:"sortOrder"`
	CustomItemValues    []CustomItemValue `json:"customItemValues"`
}

// UnmarshalJSON decodes a user of a Get Users response. id is read as a
// string or a number: the documents send strings, but a server (or a proxy
// that re-encodes JSON) that sends the number must not make every page of
// users undecodable. primaryOrganization and sortOrder are read leniently
// too: the data-structure page (reference §3.2)
// documents primaryOrganization as a number while every sample sends a
// string ("9"), and sortOrder is documented as a number but would be quoted
// by a server that quotes its ids. A field strictly typed as one of the
// forms would make a whole page of users undecodable over one value, so
// primaryOrganization may be a string, a number or null, and sortOrder a
// number, a string holding one, "" or null.
func (u *User) UnmarshalJSON(data []byte) error {
	type plain User // without this method, so that decoding does not recurse
	aux := struct {
		*plain
		// Same JSON names at a shallower depth: these win over plain's.
		ID                  flexID  `json:"id"`
		PrimaryOrganization flexID  `json:"primaryOrganization"`
		SortOrder           flexInt `json:"sortOrder"`
	}{
		plain:               (*plain)(u),
		ID:                  flexID(u.ID),
		PrimaryOrganization: flexID(u.PrimaryOrganization),
		SortOrder:           flexInt{u.SortOrder},
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	u.ID = string(aux.ID)
	u.PrimaryOrganization = string(aux.PrimaryOrganization)
	u.SortOrder = aux.SortOrder.n
	return nil
}

// flexID is an id sent as a JSON string or number; null is "" (none).
type flexID string

func (f *flexID) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case string(data) == "null":
		*f = ""
		return nil
	case len(data) > 0 && data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*f = flexID(s)
		return nil
	}
	n, ok := integral(string(data))
	if !ok {
		return &json.UnmarshalTypeError{Value: jsonKind(data), Type: reflect.TypeFor[string]()}
	}
	*f = flexID(strconv.FormatInt(n, 10))
	return nil
}

// flexInt is a whole number sent as a JSON number or a string holding one;
// null and "" are nil (unset).
type flexInt struct{ n *int64 }

func (f *flexInt) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	text := string(data)
	if text == "null" {
		f.n = nil
		return nil
	}
	if len(data) > 0 && data[0] == '"' {
		if err := json.Unmarshal(data, &text); err != nil {
			return err
		}
		if text = strings.TrimSpace(text); text == "" {
			f.n = nil
			return nil
		}
	}
	n, ok := integral(text)
	if !ok {
		return &json.UnmarshalTypeError{Value: jsonKind(data), Type: reflect.TypeFor[int64]()}
	}
	f.n = &n
	return nil
}

// integral parses a whole number written as a JSON number: "12", or "12.0"
// or "1.2e1" from a server that formats numbers as floating point. It
// refuses fractions and values beyond the exact range of a float64, which
// an id or display order never reaches.
func integral(text string) (int64, bool) {
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n, true
	}
	if !json.Valid([]byte(text)) {
		return 0, false
	}
	v, err := strconv.ParseFloat(text, 64)
	const exact = 1 << 53
	if err != nil || v != math.Trunc(v) || math.Abs(v) > exact {
		return 0, false
	}
	return int64(v), true
}

// jsonKind names the JSON type of a value for an UnmarshalTypeError.
func jsonKind(data []byte) string {
	if len(data) == 0 {
		return "value"
	}
	switch data[0] {
	case '"':
		return "string " + string(data)
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	}
	return "number " + string(data)
}

// UserInput is one user of an Add Users or Update Users request. Pointer
// fields distinguish "leave as is" (nil) from "clear" (pointer to ""), which
// Update Users needs; Add Users requires Code, Password and Name.
type UserInput struct {
	Code             string            `json:"code"`
	Valid            *bool             `json:"valid,omitempty"`
	Password         *Secret           `json:"password,omitempty"`
	Name             *string           `json:"name,omitempty"`
	SurName          *string           `json:"surName,omitempty"`
	GivenName        *string           `json:"givenName,omitempty"`
	SurNameReading   *string           `json:"surNameReading,omitempty"`
	GivenNameReading *string           `json:"givenNameReading,omitempty"`
	LocalName        *string           `json:"localName,omitempty"`
	LocalNameLocale  *string           `json:"localNameLocale,omitempty"`
	Timezone         *string           `json:"timezone,omitempty"`
	Locale           *string           `json:"locale,omitempty"`
	Description      *string           `json:"description,omitempty"`
	Phone            *string           `json:"phone,omitempty"`
	MobilePhone      *string           `json:"mobilePhone,omitempty"`
	ExtensionNumber  *string           `json:"extensionNumber,omitempty"`
	Email            *string           `json:"email,omitempty"`
	Callto           *string           `json:"callto,omitempty"`
	URL              *string           `json:"url,omitempty"`
	EmployeeNumber   *string           `json:"employeeNumber,omitempty"`
	BirthDate        *string           `json:"birthDate,omitempty"`
	JoinDate         *string           `json:"joinDate,omitempty"`
	SortOrder        *int64            `json:"sortOrder,omitempty"`
	CustomItemValues []CustomItemValue `json:"customItemValues,omitempty"`
}

// UserServices is one user's service list (Get/Update User Services). Update
// replaces the whole list: an empty slice removes every service.
type UserServices struct {
	Code     string   `json:"code"`
	Services []string `json:"services"`
}

// OrganizationAssignment names one department (and optionally a title) of a
// user in Update User's Departments.
type OrganizationAssignment struct {
	OrgCode   string `json:"orgCode"`
	TitleCode string `json:"titleCode,omitempty"`
}

// UserOrganizations is one user's complete department list for Update User's
// Departments. The first element is the primary department; departments not
// listed are removed.
type UserOrganizations struct {
	Code          string                   `json:"code"`
	Organizations []OrganizationAssignment `json:"organizations"`
}

// Organization is a department as Get User's Departments describes it.
type Organization struct {
	ID              string `json:"id"`
	Code            string `json:"code"`
	Name            string `json:"name"`
	LocalName       string `json:"localName"`
	LocalNameLocale string `json:"localNameLocale"`
	ParentCode      string `json:"parentCode"`
	Description     string `json:"description"`
}

// Title is a job title as Get User's Departments describes it.
type Title struct {
	ID          string `json:"id"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// OrganizationTitle is one department of a user with the title held there
// (Title is nil when the user has no title in that department).
type OrganizationTitle struct {
	Organization Organization `json:"organization"`
	Title        *Title       `json:"title"`
}

// GuestInput is one guest of an Add Guests request. Code is the guest's
// e-mail address, which is also the login name.
type GuestInput struct {
	Code             string `json:"code"`
	Password         Secret `json:"password"`
	Timezone         string `json:"timezone"`
	Name             string `json:"name"`
	Locale           string `json:"locale,omitempty"`
	Image            string `json:"image,omitempty"`
	SurNameReading   string `json:"surNameReading,omitempty"`
	GivenNameReading string `json:"givenNameReading,omitempty"`
	Company          string `json:"company,omitempty"`
	Division         string `json:"division,omitempty"`
	Phone            string `json:"phone,omitempty"`
	Callto           string `json:"callto,omitempty"`
}

// GetUsersOptions selects users for Get Users: IDs or Codes (never both), or
// neither to page through every user by id with Offset and Size.
type GetUsersOptions struct {
	IDs    []string
	Codes  []string
	Offset int
	Size   int // 1..100; 0 means the server default (100)
}
