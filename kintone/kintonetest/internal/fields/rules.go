package fields

import (
	"bytes"
	_ "embed" // zones.txt
	"encoding/json"
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// fieldKind is the JSON type a field must have.
type fieldKind int

const (
	kindString fieldKind = iota
	kindBool
	kindSortOrder
	kindCustomItems
)

// check is an extra rule on a non-empty string value. It reports the message
// and its arguments, or ok.
type check func(v string) (m Msg, args []any, ok bool)

// Rule is one row of the simulator's own copy of reference §3.1 (users)
// or §2 "Guests" (guests). It is deliberately not shared with the project's
// validate package: the simulator stands for the server, and checking our
// validation against itself would prove nothing.
type Rule struct {
	name     string
	kind     fieldKind
	max      int  // maximum length in characters (runes); 0 = unlimited
	maxJA    int  // the ja documentation's stricter limit, used with WithJapaneseLimits
	required bool // required on add (Update Users only requires code)
	notBlank bool // a present value must not be empty or whitespace-only
	notEmpty bool // a present value must not be empty (white space is fine)
	check    check
}

// Allowed values (reference §3.1).
var (
	localNameLocales = []string{"ja", "en", "zh", "zh-TW", "es", "pt-BR", "th"}
	userLocales      = []string{"ja", "en", "zh", "zh-TW", "es", "pt-BR", "th", "auto"}
	guestLocales     = []string{"auto", "en", "zh", "ja"}
	ServiceNames     = []string{"kintone", "garoon", "office", "mailwise", "secure_access"}
)

// DefaultTimezone is the time zone given to a user added without one; the
// CSV format documents "blank = system time zone" (reference §7) and the ja
// Add Users page makes the field optional. The en page says a blank time
// zone is an error; reference §11.6 lists the conflict. The simulator
// follows the ja page.
const DefaultTimezone = "Asia/Tokyo"

// SortOrderMax is the documented upper bound of sortOrder (reference §3.1).
const SortOrderMax = 99999999

// UserRules is reference §3.1. Password: the en page allows 128 characters,
// the ja page and the help site 64 (reference §11.6); the simulator accepts
// 128 unless WithJapaneseLimits is given. The same applies to the name parts
// and their readings. Whitespace in passwords is allowed (the help site
// allows single-byte spaces; the en page forbids whitespace), but the ja
// page's "not empty" holds on Update Users too, where the field is
// optional: "" would set an empty password.
var UserRules = []Rule{
	{name: "code", max: 128, required: true, notBlank: true, check: checkLoginName},
	{name: "valid", kind: kindBool},
	{name: "password", max: 128, maxJA: 64, required: true, notEmpty: true},
	{name: "name", max: 128, required: true, notBlank: true},
	{name: "surName", max: 128, maxJA: 64},
	{name: "givenName", max: 128, maxJA: 64},
	{name: "surNameReading", max: 128, maxJA: 64},
	{name: "givenNameReading", max: 128, maxJA: 64},
	{name: "localName", max: 128},
	{name: "localNameLocale", check: enum(localNameLocales)},
	{name: "timezone", max: 256, check: checkTimezone},
	{name: "locale", check: enum(userLocales)},
	{name: "description", max: 1000},
	{name: "phone", max: 100},
	{name: "mobilePhone", max: 100},
	{name: "extensionNumber", max: 100},
	{name: "email", max: 256},
	{name: "callto", max: 256}, // "Skype-name rules": no length documented; 256 like the guest field
	{name: "url", max: 256},
	{name: "employeeNumber", max: 100},
	{name: "birthDate", check: checkDate},
	{name: "joinDate", check: checkDate},
	{name: "sortOrder", kind: kindSortOrder},
	{name: "customItemValues", kind: kindCustomItems},
}

// GuestRules is reference §2 "Guests" (Add Guests).
var GuestRules = []Rule{
	{name: "code", max: 256, required: true, notBlank: true, check: checkEmail},
	{name: "password", max: 128, maxJA: 64, required: true},
	{name: "timezone", max: 256, required: true, notBlank: true, check: checkTimezone},
	{name: "name", max: 128, required: true, notBlank: true},
	{name: "locale", check: enum(guestLocales)},
	{name: "image"},
	{name: "surNameReading", max: 64},
	{name: "givenNameReading", max: 64},
	{name: "company", max: 100},
	{name: "division", max: 100},
	{name: "phone", max: 100},
	{name: "callto", max: 256},
}

// CodeChangeRules are the two fields of an Update User Codes item
// (reference §2): both required, at most 128 characters, not empty or
// blank. newCode is a login name, so the login name rules apply to it.
var CodeChangeRules = []Rule{
	{name: "currentCode", max: 128, required: true, notBlank: true},
	{name: "newCode", max: 128, required: true, notBlank: true, check: checkLoginName},
}

// customValueMax bounds a custom item value. The reference gives no limit;
// 1000 (the description limit) keeps absurd values out.
const customValueMax = 1000

// ForbiddenLoginChars are the characters a login name must not contain
// (reference §3.1).
const ForbiddenLoginChars = `\[]":;<>,/`

func checkLoginName(v string) (Msg, []any, bool) {
	if strings.ContainsAny(v, ForbiddenLoginChars) {
		return MsgForbiddenChars, nil, false
	}
	first, _ := utf8.DecodeRuneInString(v)
	last, _ := utf8.DecodeLastRuneInString(v)
	// unicode.IsSpace covers both the half-width space and the full-width
	// U+3000 the reference names.
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return MsgEdgeSpace, nil, false
	}
	return 0, nil, true
}

func enum(allowed []string) check {
	list := strings.Join(allowed, ", ")
	return func(v string) (Msg, []any, bool) {
		for _, a := range allowed {
			if v == a {
				return 0, nil, true
			}
		}
		return MsgEnum, []any{list}, false
	}
}

// zonesText lists the time zone names the simulator accepts, one a line.
//
//go:embed zones.txt
var zonesText string

// zoneNames is the set of zonesText, parsed on first use.
var zoneNames = sync.OnceValue(func() map[string]bool {
	names := map[string]bool{}
	for _, l := range strings.Split(zonesText, "\n") {
		if l = strings.TrimSpace(l); l != "" && l[0] != '#' {
			names[l] = true
		}
	}
	return names
})

// validTimezone reports whether v is an IANA time zone name (reference
// §3.1: an ID from the help-site list). The check is a lookup in an
// embedded list, not time.LoadLocation: LoadLocation opens any file under
// the host's zoneinfo directory, so it would accept right/Asia/Tokyo,
// posix/Asia/Tokyo, posixrules, localtime and Factory, and its verdict
// would follow the host's tzdata version.
//
// The help-site list holds the zones of zone.tab; the simulator accepts
// their old aliases (Asia/Calcutta, US/Pacific) and the Etc/ zones too.
// Whether the service takes them is not documented, and a simulator that
// refused them would fail imports the service may well accept; the
// importer's validation warns about them instead.
func validTimezone(v string) bool { return zoneNames()[v] }

func checkTimezone(v string) (Msg, []any, bool) {
	if !validTimezone(v) {
		return MsgTimezone, []any{v}, false
	}
	return 0, nil, true
}

func checkDate(v string) (Msg, []any, bool) {
	if _, err := time.Parse(time.DateOnly, v); err != nil || len(v) != len(time.DateOnly) {
		return MsgDate, nil, false
	}
	return 0, nil, true
}

func checkEmail(v string) (Msg, []any, bool) {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || a.Address != v {
		return MsgEmail, nil, false
	}
	return 0, nil, true
}

// Item is one decoded, validated user or guest of a write request. Only the
// fields present in the request are set, so Update Users changes exactly
// them.
type Item struct {
	Strs         map[string]string // the string fields the request set
	Valid        bool
	HasValid     bool
	SortOrder    *int64 // nil with HasSortOrder: "" clears the sort order
	HasSortOrder bool
	Custom       []CustomValue
	HasCustom    bool
}

// CustomValue is one entry of customItemValues.
type CustomValue struct {
	Code  string
	Value string
}

// Str returns the value of the string field name and whether the request
// set it.
func (it *Item) Str(name string) (string, bool) {
	v, ok := it.Strs[name]
	return v, ok
}

// Get is Str without the presence: "" for a field not sent.
func (it *Item) Get(name string) string { return it.Strs[name] }

// DecodeObject decodes one JSON object into its members.
func DecodeObject(raw json.RawMessage) (map[string]json.RawMessage, bool) {
	if !IsJSONObject(raw) {
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, false
	}
	return m, true
}

// DecodeArray decodes one JSON array into its elements.
func DecodeArray(raw json.RawMessage) ([]json.RawMessage, bool) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '[' {
		return nil, false
	}
	var a []json.RawMessage
	if err := json.Unmarshal(t, &a); err != nil {
		return nil, false
	}
	return a, true
}

// UnmarshalString decodes a JSON string.
func UnmarshalString(v json.RawMessage) (string, error) {
	var s string
	err := json.Unmarshal(v, &s)
	return s, err
}

// IsJSONObject reports whether raw is a JSON object (before decoding it).
func IsJSONObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}

// IsNull reports whether raw is the JSON null, which counts as absent.
func IsNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// ParseItem checks one object against rules. add selects Add semantics
// (required fields); otherwise only code is required and every other field
// is checked only if present. Unknown keys are ignored, as JSON APIs
// commonly do; null counts as absent. at is the item's path.
func ParseItem(raw json.RawMessage, rules []Rule, add, jaLimits bool, at Path, errs *Errors) *Item {
	obj, ok := DecodeObject(raw)
	if !ok {
		errs.Add(at, MsgType)
		return nil
	}
	it := &Item{Strs: make(map[string]string, len(obj))}
	for i := range rules {
		r := &rules[i]
		v := obj[r.name]
		present := v != nil && !IsNull(v)
		required := r.required && (add || r.name == "code")
		if !present {
			if required {
				errs.Add(at.Field(r.name), MsgRequired)
			}
			continue
		}
		switch r.kind {
		case kindBool:
			if json.Unmarshal(v, &it.Valid) != nil {
				errs.Add(at.Field(r.name), MsgType)
				continue
			}
			it.HasValid = true
		case kindSortOrder:
			n, ok := parseSortOrder(v)
			if !ok {
				errs.Add(at.Field(r.name), MsgRange, 0, SortOrderMax)
				continue
			}
			it.SortOrder, it.HasSortOrder = n, true
		case kindCustomItems:
			it.Custom, it.HasCustom = parseCustom(v, at.Field(r.name), errs), true
		default:
			s, err := UnmarshalString(v)
			if err != nil {
				errs.Add(at.Field(r.name), MsgType)
				continue
			}
			if checkString(s, r, required || r.notBlank || r.notEmpty, jaLimits, at, errs) {
				it.Strs[r.name] = s
			}
		}
	}
	return it
}

// checkString applies length, emptiness and the extra rule to s, the value
// of r in the item at, and reports whether it passed. Empty optional
// strings pass: "" clears a field.
func checkString(s string, r *Rule, nonEmpty, jaLimits bool, at Path, errs *Errors) bool {
	if s == "" {
		if nonEmpty {
			errs.Add(at.Field(r.name), MsgRequired)
			return false
		}
		return true
	}
	if r.notBlank && strings.TrimSpace(s) == "" {
		errs.Add(at.Field(r.name), MsgBlank)
		return false
	}
	max := r.max
	if jaLimits && r.maxJA > 0 {
		max = r.maxJA
	}
	if max > 0 && utf8.RuneCountInString(s) > max {
		errs.Add(at.Field(r.name), MsgTooLong, max)
		return false
	}
	if r.check != nil {
		if m, args, ok := r.check(s); !ok {
			errs.Add(at.Field(r.name), m, args...)
			return false
		}
	}
	return true
}

// parseSortOrder accepts an integral JSON number in 0..99999999 (or a
// string holding one, as json.Number does). The empty string clears the
// sort order (nil): connector-kintone sends it, reference §12.
func parseSortOrder(v json.RawMessage) (*int64, bool) {
	if string(bytes.TrimSpace(v)) == `""` {
		return nil, true
	}
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	var n json.Number
	if d.Decode(&n) != nil {
		return nil, false
	}
	i, err := n.Int64()
	if err != nil || i < 0 || i > SortOrderMax {
		return nil, false
	}
	return &i, true
}

// parseCustom checks the customItemValues array v at path at.
func parseCustom(v json.RawMessage, at Path, errs *Errors) []CustomValue {
	arr, ok := DecodeArray(v)
	if !ok {
		errs.Add(at, MsgType)
		return nil
	}
	out := make([]CustomValue, 0, len(arr))
	for i, raw := range arr {
		obj, ok := DecodeObject(raw)
		if !ok {
			errs.Add(at.At(i), MsgType)
			continue
		}
		var cv CustomValue
		if c, err := UnmarshalString(obj["code"]); err == nil {
			cv.Code = c
		}
		if cv.Code == "" {
			errs.Add(at.At(i).Field("code"), MsgRequired)
			continue
		}
		if value := obj["value"]; value != nil && !IsNull(value) {
			s, err := UnmarshalString(value)
			if err != nil {
				errs.Add(at.At(i).Field("value"), MsgType)
				continue
			}
			cv.Value = s
		}
		if utf8.RuneCountInString(cv.Value) > customValueMax {
			errs.Add(at.At(i).Field("value"), MsgTooLong, customValueMax)
			continue
		}
		out = append(out, cv)
	}
	return out
}
