package kintonetest

import (
	"bytes"
	_ "embed" // zones.txt
	"encoding/json"
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf16"
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
type check func(v string) (m msgID, args []any, ok bool)

// fieldRule is one row of the simulator's own copy of reference §3.1 (users)
// or §2 "Guests" (guests). It is deliberately not shared with the project's
// validate package: the simulator stands for the server, and checking our
// validation against itself would prove nothing.
type fieldRule struct {
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
	serviceNames     = []string{"kintone", "garoon", "office", "mailwise", "secure_access"}
)

// defaultTimezone is the time zone given to a user added without one; the
// CSV format documents "blank = system time zone" (reference §7) and the ja
// Add Users page makes the field optional. The en page says a blank time
// zone is an error; reference §11.6 lists the conflict. The simulator
// follows the ja page.
const defaultTimezone = "Asia/Tokyo"

// sortOrderMax is the documented upper bound of sortOrder (reference §3.1).
const sortOrderMax = 99999999

// userRules is reference §3.1. Password: the en page allows 128 characters,
// the ja page and the help site 64 (reference §11.6); the simulator accepts
// 128 unless WithJapaneseLimits is given. The same applies to the name parts
// and their readings. Whitespace in passwords is allowed (the help site
// allows single-byte spaces; the en page forbids whitespace), but the ja
// page's "not empty" holds on Update Users too, where the field is
// optional: "" would set an empty password.
var userRules = []fieldRule{
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

// guestRules is reference §2 "Guests" (Add Guests).
var guestRules = []fieldRule{
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

// customValueMax bounds a custom item value. The reference gives no limit;
// 1000 (the description limit) keeps absurd values out.
const customValueMax = 1000

// forbiddenLoginChars are the characters a login name must not contain
// (reference §3.1).
const forbiddenLoginChars = `\[]":;<>,/`

func checkLoginName(v string) (msgID, []any, bool) {
	if strings.ContainsAny(v, forbiddenLoginChars) {
		return msgForbiddenChars, nil, false
	}
	first, _ := utf8.DecodeRuneInString(v)
	last, _ := utf8.DecodeLastRuneInString(v)
	// unicode.IsSpace covers both the half-width space and the full-width
	// U+3000 the reference names.
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return msgEdgeSpace, nil, false
	}
	return 0, nil, true
}

func enum(allowed []string) check {
	list := strings.Join(allowed, ", ")
	return func(v string) (msgID, []any, bool) {
		for _, a := range allowed {
			if v == a {
				return 0, nil, true
			}
		}
		return msgEnum, []any{list}, false
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

func checkTimezone(v string) (msgID, []any, bool) {
	if !validTimezone(v) {
		return msgTimezone, []any{v}, false
	}
	return 0, nil, true
}

func checkDate(v string) (msgID, []any, bool) {
	if _, err := time.Parse(time.DateOnly, v); err != nil || len(v) != len(time.DateOnly) {
		return msgDate, nil, false
	}
	return 0, nil, true
}

func checkEmail(v string) (msgID, []any, bool) {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || a.Address != v {
		return msgEmail, nil, false
	}
	return 0, nil, true
}

// item is one decoded, validated user or guest of a write request. Only the
// fields present in the request are set, so Update Users changes exactly
// them. The strings are indexed like rules and kept in an array, not a
// map: a bulk import decodes thousands of items, and a map per item was a
// good part of the simulator's allocations.
type item struct {
	rules        []fieldRule
	strs         [maxRules]string
	set          uint32 // bit i: strs[i] holds the value of rules[i]
	valid        bool
	hasValid     bool
	sortOrder    int64
	hasSortOrder bool
	custom       []customValue
	hasCustom    bool
}

type customValue struct {
	Code  string
	Value string
}

// str returns the value of the string field name and whether the request
// set it.
func (it *item) str(name string) (string, bool) {
	for i := range it.rules {
		if it.rules[i].name == name {
			return it.strs[i], it.set&(1<<i) != 0
		}
	}
	return "", false
}

// get is str without the presence: "" for a field not sent.
func (it *item) get(name string) string {
	v, _ := it.str(name)
	return v
}

// decodeObject decodes one JSON object, keeping numbers exact.
func decodeObject(raw json.RawMessage) (map[string]json.RawMessage, bool) {
	if m, ok := scanObjectMap(raw); ok {
		return m, true
	}
	return decodeObjectStd(raw)
}

// decodeObjectStd is decodeObject by encoding/json alone, which decides
// whatever the scanner is unsure of.
func decodeObjectStd(raw json.RawMessage) (map[string]json.RawMessage, bool) {
	if !isJSONObject(raw) {
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, false
	}
	return m, true
}

// decodeString is json.Unmarshal into a string, without reflection for
// what fastString handles.
func decodeString(v json.RawMessage, s *string) error {
	var b strings.Builder
	if str, ok := fastString(v, &b); ok {
		*s = str
		return nil
	}
	return json.Unmarshal(v, s)
}

// fastString decodes the common case of a JSON string value: valid UTF-8
// with no control characters and only the usual escapes (\" \\ \/ \b \f
// \n \r \t and \uXXXX outside the surrogate range, which json.Marshal
// uses for & < >). It appends the text to arena and returns it as a
// substring of the arena, so that all the strings of an item share one
// allocation. false leaves v, including whatever Unmarshal would reject
// or repair, to json.Unmarshal, so the result is always the same. String
// fields are most of the simulator's CPU time under a bulk import.
func fastString(v json.RawMessage, arena *strings.Builder) (string, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	body := v[1 : len(v)-1]
	if !utf8.Valid(body) {
		return "", false
	}
	start := arena.Len()
	for i := 0; i < len(body); {
		c := body[i]
		if plainByte[c] {
			j := i + 1
			for j < len(body) && plainByte[body[j]] {
				j++
			}
			arena.Write(body[i:j])
			i = j
			continue
		}
		if c != '\\' || i+1 >= len(body) {
			return "", false // a control character, a bare quote or a lone backslash
		}
		switch e := body[i+1]; e {
		case '"', '\\', '/':
			arena.WriteByte(e)
		case 'b':
			arena.WriteByte('\b')
		case 'f':
			arena.WriteByte('\f')
		case 'n':
			arena.WriteByte('\n')
		case 'r':
			arena.WriteByte('\r')
		case 't':
			arena.WriteByte('\t')
		case 'u':
			if i+6 > len(body) {
				return "", false
			}
			var r rune
			for _, h := range body[i+2 : i+6] {
				switch {
				case isDigit(h):
					r = r<<4 | rune(h-'0')
				case 'a' <= h && h <= 'f':
					r = r<<4 | rune(h-'a'+10)
				case 'A' <= h && h <= 'F':
					r = r<<4 | rune(h-'A'+10)
				default:
					return "", false
				}
			}
			if utf16.IsSurrogate(r) {
				return "", false // pairs and lone halves: Unmarshal's rules
			}
			arena.WriteRune(r)
			i += 6
			continue
		default:
			return "", false
		}
		i += 2
	}
	// Builder never changes bytes once written, so earlier substrings of
	// String stay valid as the arena grows.
	return arena.String()[start:], true
}

// unmarshalString is json.Unmarshal into a new string. Callers use it
// rather than Unmarshal into their own variable, which would move that
// variable to the heap on the fast path too.
func unmarshalString(v json.RawMessage) (string, error) {
	var s string
	err := json.Unmarshal(v, &s)
	return s, err
}

// decodeBool is json.Unmarshal into a bool.
func decodeBool(v json.RawMessage) (bool, error) {
	switch string(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	var b bool
	err := json.Unmarshal(v, &b)
	return b, err
}

func isJSONObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// ruleValues sets vals[i] to the value of the member named rules[i].name
// of the object raw, nil when there is none, as a lookup in decodeObject's
// map would (the last of duplicate keys wins). It reports false when the
// scanner is unsure; vals is then partly filled.
func ruleValues(raw []byte, rules []fieldRule, vals []json.RawMessage) bool {
	it := objectIter(raw)
	next := 0 // clients send the fields in rule order: look there first
	for {
		key, val, esc, ok := it.next()
		if !ok {
			break
		}
		if esc {
			return false
		}
		if i := ruleIndex(rules, key, next); i >= 0 {
			vals[i] = val
			next = i + 1
		}
	}
	return it.valid()
}

// ruleIndex returns the index of the rule named key, searching from from
// on and then wrapping around, or -1.
func ruleIndex(rules []fieldRule, key []byte, from int) int {
	for i := from; i < len(rules); i++ {
		if rules[i].name == string(key) {
			return i
		}
	}
	for i := 0; i < from && i < len(rules); i++ {
		if rules[i].name == string(key) {
			return i
		}
	}
	return -1
}

// maxRules bounds the length of a rule list (the width of item.set).
const maxRules = 32

// parseItem checks one object against rules. add selects Add semantics
// (required fields); otherwise only code is required and every other field
// is checked only if present. Unknown keys are ignored, as JSON APIs
// commonly do; null counts as absent. at is the item's path; a field's
// path is built only when it has an error, since an import sends
// thousands of fields and almost all are fine.
func parseItem(raw json.RawMessage, rules []fieldRule, add, jaLimits bool, at path, errs *errList) *item {
	if len(rules) > maxRules {
		panic("kintonetest: more than maxRules field rules")
	}
	var buf [maxRules]json.RawMessage
	vals := buf[:len(rules)]
	if !ruleValues(raw, rules, vals) {
		obj, ok := decodeObjectStd(raw)
		if !ok {
			errs.add(at, msgType)
			return nil
		}
		for i := range rules {
			vals[i] = obj[rules[i].name]
		}
	}
	// One arena for all the item's strings: decoding never lengthens a
	// string, so the raw values bound it.
	var arena strings.Builder
	size := 0
	for i := range rules {
		if rules[i].kind == kindString || rules[i].kind == kindCustomItems {
			size += len(vals[i])
		}
	}
	arena.Grow(size)
	it := &item{rules: rules}
	for i := range rules {
		r := &rules[i]
		v := vals[i]
		present := v != nil && !isNull(v)
		required := r.required && (add || r.name == "code")
		if !present {
			if required {
				errs.add(at.field(r.name), msgRequired)
			}
			continue
		}
		switch r.kind {
		case kindBool:
			b, err := decodeBool(v)
			if err != nil {
				errs.add(at.field(r.name), msgType)
				continue
			}
			it.valid, it.hasValid = b, true
		case kindSortOrder:
			n, ok := parseSortOrder(v)
			if !ok {
				errs.add(at.field(r.name), msgRange, 0, sortOrderMax)
				continue
			}
			it.sortOrder, it.hasSortOrder = n, true
		case kindCustomItems:
			it.custom, it.hasCustom = parseCustom(v, at, r.name, &arena, errs), true
		default:
			s, ok := fastString(v, &arena)
			if !ok {
				var err error
				if s, err = unmarshalString(v); err != nil {
					errs.add(at.field(r.name), msgType)
					continue
				}
			}
			if checkString(s, r, required || r.notBlank || r.notEmpty, jaLimits, at, errs) {
				it.strs[i] = s
				it.set |= 1 << i
			}
		}
	}
	return it
}

// checkString applies length, emptiness and the extra rule to s, the value
// of r in the item at, and reports whether it passed. Empty optional
// strings pass: "" clears a field.
func checkString(s string, r *fieldRule, nonEmpty, jaLimits bool, at path, errs *errList) bool {
	if s == "" {
		if nonEmpty {
			errs.add(at.field(r.name), msgRequired)
			return false
		}
		return true
	}
	if r.notBlank && strings.TrimSpace(s) == "" {
		errs.add(at.field(r.name), msgBlank)
		return false
	}
	max := r.max
	if jaLimits && r.maxJA > 0 {
		max = r.maxJA
	}
	if max > 0 && utf8.RuneCountInString(s) > max {
		errs.add(at.field(r.name), msgTooLong, max)
		return false
	}
	if r.check != nil {
		if m, args, ok := r.check(s); !ok {
			errs.add(at.field(r.name), m, args...)
			return false
		}
	}
	return true
}

// parseSortOrder accepts an integral JSON number in 0..99999999. Plain
// digits are read directly; anything else (a sign, a fraction, an
// exponent, a numeric string, which json.Number also takes) goes through
// encoding/json.
func parseSortOrder(v json.RawMessage) (int64, bool) {
	if len(v) > 0 && len(v) <= 8 && (v[0] != '0' || len(v) == 1) {
		var n int64
		for _, c := range v {
			if !isDigit(c) {
				n = -1
				break
			}
			n = n*10 + int64(c-'0')
		}
		if n >= 0 {
			return n, true // at most 8 digits: within 0..sortOrderMax
		}
	}
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	var n json.Number
	if d.Decode(&n) != nil {
		return 0, false
	}
	i, err := n.Int64()
	if err != nil || i < 0 || i > sortOrderMax {
		return 0, false
	}
	return i, true
}

// parseCustom checks the customItemValues array v of the item at, named
// name there. Its strings go to arena.
func parseCustom(v json.RawMessage, at path, name string, arena *strings.Builder, errs *errList) []customValue {
	var buf [16]json.RawMessage
	arr, err := splitArrayInto(v, buf[:])
	if err != nil {
		errs.add(at.field(name), msgType)
		return nil
	}
	out := make([]customValue, 0, len(arr))
	for i, raw := range arr {
		code, value, ok := customFields(raw)
		if !ok {
			obj, isObj := decodeObjectStd(raw)
			if !isObj {
				errs.add(at.field(name).at(i), msgType)
				continue
			}
			code, value = obj["code"], obj["value"]
		}
		var cv customValue
		if cv.Code, ok = fastString(code, arena); !ok {
			if cv.Code, err = unmarshalString(code); err != nil {
				cv.Code = ""
			}
		}
		if cv.Code == "" {
			errs.add(at.field(name).at(i).field("code"), msgRequired)
			continue
		}
		if value != nil && !isNull(value) {
			if cv.Value, ok = fastString(value, arena); !ok {
				if cv.Value, err = unmarshalString(value); err != nil {
					errs.add(at.field(name).at(i).field("value"), msgType)
					continue
				}
			}
		}
		if utf8.RuneCountInString(cv.Value) > customValueMax {
			errs.add(at.field(name).at(i).field("value"), msgTooLong, customValueMax)
			continue
		}
		out = append(out, cv)
	}
	return out
}

// customFields returns the code and value members of one custom item
// object (nil when absent); false means the scanner is unsure.
func customFields(raw []byte) (code, value json.RawMessage, ok bool) {
	it := objectIter(raw)
	for {
		key, val, esc, ok := it.next()
		if !ok {
			break
		}
		if esc {
			return nil, nil, false
		}
		switch string(key) {
		case "code":
			code = val
		case "value":
			value = val
		}
	}
	return code, value, it.valid()
}
