package validate

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/validate/tz"
	"github.com/userimport/userimport/validate/width"
)

// Issue is one problem found in a row.
type Issue struct {
	Rule     Rule
	Severity Severity
	Field    Field  // CustomItem for custom items
	Custom   string // the custom item code when Field == CustomItem
	Row      int
	Column   string // the column as named in the user's file
	File     string // Options.File
	// Detail says what is wrong and what to do, without where: the
	// value (a password is always shown as ***, long values are cut at
	// about 60 characters) in the terms of the field. It renders in
	// any language of the catalog.
	Detail i18n.Msg
	// Message is a full sentence for a person in Options.Lang: where
	// (file, row, column), then Detail.
	Message string
}

// In renders the whole message (where, then what) in l; In(lang) is
// Message when lang is the Validator's language.
func (is *Issue) In(l i18n.Lang) string {
	return string(is.appendIn(nil, l))
}

// appendIn appends the whole message in l. It passes the Issue's fields
// by address, so that rendering the message of an Issue in res.Issues
// allocates nothing but the text.
func (is *Issue) appendIn(dst []byte, l i18n.Lang) []byte {
	key := i18n.Key("where.file")
	if is.File == "" {
		key = "where"
	}
	return l.Append(dst, key, &is.File, &is.Row, &is.Column, &is.Detail)
}

// Change records a normalisation Check applied to a value, so the report can
// say what will be sent instead of what the file holds.
type Change struct {
	Field    Field
	Column   string
	From, To string
}

// Result is what Check found in one row. Both slices are nil for a clean
// row; they are freshly allocated and the caller may keep them.
type Result struct {
	Issues  []Issue
	Changes []Change
}

// Valid reports whether the row has no Error-severity issue, i.e. may be
// sent.
func (r *Result) Valid() bool { return r.FirstError() == nil }

// FirstError returns the first Error-severity issue, or nil.
func (r *Result) FirstError() *Issue {
	for i := range r.Issues {
		if r.Issues[i].Severity == Error {
			return &r.Issues[i]
		}
	}
	return nil
}

// Options configure a Validator.
type Options struct {
	Kind Kind
	// File names the input in messages ("users.csv: row 7, ..."); may be "".
	File string
	// Columns holds the user's column name for each field ("" = the field
	// has no column); messages use it so that people find the cell. A
	// field without a name is called by its API name.
	Columns [NumFields]string
	// CustomColumns maps a custom item code to the user's column name;
	// unlisted items are called "customItem.<code>".
	CustomColumns map[string]string
	// Update is set when rows may name existing users (update or upsert).
	// Then only the login name is required: a blank password, display name
	// or time zone means "leave unchanged" and the importer omits it.
	// Ignored for guests, which can only be added.
	Update bool
	// ExpectedRows, when known (or estimated from the file size), sizes the
	// duplicate sets up front so they do not grow in steps.
	ExpectedRows int
	// Lang is the language of Issue.Message; Issue.In renders another.
	Lang i18n.Lang
	// DateOrder says how to read a date such as 4/1/2025 whose year comes
	// last; without it such a date is an error showing both readings.
	DateOrder DateOrder
}

// Validator checks the rows of one file. It remembers the login names and
// e-mail addresses it has seen to find duplicates, so feed it the rows in
// file order. It is not safe for concurrent use.
type Validator struct {
	opts    Options
	plan    [NumFields]fieldPlan
	locales []string // the values of locale for this kind

	// Duplicate detection, the only state that grows with the file (the
	// import must stay under 200 bytes per row). Login names are found by
	// the 64-bit hash of their case-folded form; the first name with each
	// hash is kept, so that an exact duplicate, an error, is confirmed by
	// comparing the strings and is never a false positive. Names that only
	// share the folded hash (other spellings, rare) are kept in variants.
	// E-mail addresses are kept as hashes only: a duplicate is a warning,
	// where a hash collision (odds about 3e-8 for a million rows) costs a
	// spurious warning but saves the string.
	codes    hashSet // folded hash → first row, reference to its name
	names    nameStore
	variants map[string]int32 // other spellings → first row
	emails   hashSet          // folded hash → first row

	tz map[string]tzVerdict // a lookup costs a binary search, a suggestion tens of µs
	// recentTZ holds the last few listed IDs: a file of a few offices
	// alternates between them, and comparing strings is cheaper than the
	// map lookup of timezoneVerdict. recentTZ[0] is the last one seen.
	recentTZ [4]string
	tzBad    int // values cached that are not listed IDs (bounded)
	warned   [NumFields + 1]bool

	buf    []byte    // scratch for normalised values
	msg    []byte    // scratch for messages
	orgs   []string  // scratch for the departments of one row
	keyBuf []dupKeys // scratch for CheckRows
	sink   uint64    // what CheckRows peeked at, kept so the loads stay
}

// maxBadTimezones bounds how many distinct time zone values that are not
// listed IDs are remembered, so a file full of junk cannot grow the cache
// without limit.
const maxBadTimezones = 1024

// New returns a Validator for one file.
func New(opts Options) *Validator {
	v := &Validator{
		opts:    opts,
		plan:    planFields(opts.Kind),
		locales: userLocales,
		codes:   newHashSet(0),
		emails:  newHashSet(0),
		tz:      make(map[string]tzVerdict),
	}
	if opts.Kind == Guests {
		v.locales = guestLocales
	}
	v.Expect(opts.ExpectedRows)
	return v
}

// maxExpected bounds Expect, so that a wild estimate (a file whose first
// rows are much shorter than the rest) cannot allocate much up front: at
// most 4M slots, 64 MiB per set. A larger file still grows the sets as it
// goes.
const maxExpected = 1 << 21

// Expect sizes the duplicate sets for about rows rows in all, so that they
// do not grow in steps. Each step rehashes every entry so far at one cache
// miss each, which at a million rows costs a sixth of the validation
// time. An importer that learns the row count only after the first rows
// (an estimate from the file size) may call it at any time; a smaller
// estimate than the sets already hold does nothing.
func (v *Validator) Expect(rows int) {
	rows = min(max(rows, 0), maxExpected)
	v.codes.grow(rows)
	v.emails.grow(rows)
}

// Check normalises rec.Values in place (trimming, status, dates, locales,
// services, departments) and then checks every rule, including duplicates
// of earlier rows. Call it once per row, in file order, or use CheckRows.
func (v *Validator) Check(rec *Record) Result {
	var res Result
	v.rules(&res, rec)
	v.duplicates(&res, rec, v.keys(&res, rec))
	return res
}

// CheckRows is Check for consecutive rows of the file: res[i] becomes the
// result of recs[i] (res must be at least as long as recs). It gives the
// same results as calling Check for each row in turn, faster: the
// duplicate sets of a large file are far larger than the processor's
// caches, and Check waits for a cache miss on each of them for every row,
// one after the other, where CheckRows first checks every row's own
// rules, then touches the sets for all the rows in one tight loop, so the
// misses are waited for together, and only then looks for duplicates, in
// file order. On a million-row file that saves about a fifth of the time
// per row (BenchmarkCheckRows: about 700 ns per row with Check, 570 with
// CheckRows, on the 2-core machine this was written on).
func (v *Validator) CheckRows(recs []Record, res []Result) {
	res = res[:len(recs)]
	// No set may grow between a peek and the find it prepares for.
	v.codes.grow(v.codes.n + len(recs))
	v.emails.grow(v.emails.n + len(recs))
	keys := v.keyBuf[:0]
	for i := range recs {
		res[i] = Result{}
		v.rules(&res[i], &recs[i])
		keys = append(keys, v.keys(&res[i], &recs[i]))
	}
	x := v.sink
	for _, k := range keys {
		if k.hasCode {
			x += v.codes.peek(k.code)
		}
		if k.hasEmail {
			x += v.emails.peek(k.email)
		}
	}
	v.sink = x
	for i := range recs {
		v.duplicates(&res[i], &recs[i], keys[i])
	}
	v.keyBuf = keys
}

// rules checks every rule that concerns the row alone.
func (v *Validator) rules(res *Result, rec *Record) {
	for f := Field(0); f < NumFields; f++ {
		s := rec.Values[f]
		if s == "" {
			continue
		}
		p := &v.plan[f]
		if p.op == opNotForKind {
			v.notForKind(res, rec, f, "")
			continue
		}
		if p.trim && (isBlank(s[0]) || isBlank(s[len(s)-1])) {
			t := trimBlank(s)
			res.Changes = append(res.Changes, Change{f, v.column(f), s, t})
			rec.Values[f], s = t, t
			if s == "" {
				continue
			}
		}
		if v.settled(p, s) || !v.text(res, rec, f, "", s) {
			continue
		}
		v.field(res, rec, f, s)
	}
	v.required(res, rec)
	v.custom(res, rec)
}

// dupKeys are the hashes a row is looked up by in the duplicate sets.
type dupKeys struct {
	code, email       uint64
	hasCode, hasEmail bool
}

// keys returns the duplicate-set keys of a row whose own rules have been
// checked into res. An e-mail address already reported as invalid is not
// sent, so it cannot clash with another row's, and is not a key.
func (v *Validator) keys(res *Result, rec *Record) dupKeys {
	var k dupKeys
	if code := rec.Values[Code]; code != "" {
		k.code, k.hasCode = foldHash(code), true
	}
	if v.opts.Kind == Users && !hasError(res, Email) {
		if email := rec.Values[Email]; email != "" {
			k.email, k.hasEmail = foldHash(email), true
		}
	}
	return k
}

// settled reports whether a trimmed, non-empty value of the field planned
// by p is clean text that the rules of field accept unchanged, decided
// by the quick tests of fast.go. When it is not sure, text and field
// take over and report what is wrong.
func (v *Validator) settled(p *fieldPlan, s string) bool {
	switch p.op {
	case opLength:
		return len(s) <= p.short && cleanText(s, p.multiline)
	case opNarrow:
		return len(s) <= p.short && asciiText(s)
	case opCode:
		return v.opts.Kind == Users && len(s) <= p.short && plainCode(s)
	case opName:
		return len(s) <= p.short && startsVisible(s) && cleanText(s, false)
	case opPassword:
		return plainPassword(s, p.short)
	case opTimezone:
		for _, z := range &v.recentTZ {
			if s == z {
				return z != ""
			}
		}
		return false
	case opLocale:
		for _, l := range v.locales {
			if s == l {
				return true
			}
		}
	case opEmail:
		return len(s) <= p.short && plausibleEmail(s)
	case opDate:
		return plainDate(s)
	case opSortOrder:
		return plainSortOrder(s)
	case opValid:
		return s == "true" || s == "false"
	case opServices:
		return canonicalServices(s)
	case opOrganizations:
		return canonicalOrganizations(s)
	}
	return false
}

// field applies the rules of one field to a trimmed, non-empty, clean value.
func (v *Validator) field(res *Result, rec *Record, f Field, s string) {
	switch v.plan[f].op {
	case opCode:
		v.code(res, rec, s)
	case opName:
		if isAllSpace(s) {
			v.missing(res, rec, Name, true)
			return
		}
		v.length(res, rec, f, s)
	case opPassword:
		v.password(res, rec, s)
	case opLocalName:
		if v.length(res, rec, f, s) && trimBlank(rec.Values[LocalNameLocale]) == "" { // not trimmed yet
			v.add(res, rec, RuleLocalNameNoLocale, f, "", i18n.M("msg.localName.no_locale", v.show(f, s), v.column(LocalNameLocale)))
		}
	case opLocalNameLocale:
		v.locale(res, rec, f, s, localNameLocales, RuleLocalNameLocaleUnknown, RuleLocalNameLocaleConverted)
	case opLocale:
		v.locale(res, rec, f, s, v.locales, RuleLocaleUnknown, RuleLocaleConverted)
	case opTimezone:
		v.timezone(res, rec, s)
	case opEmail:
		if v.length(res, rec, f, s) {
			v.email(res, rec, s)
		}
	case opDate:
		v.date(res, rec, f, s)
	case opSortOrder:
		v.sortOrder(res, rec, s)
	case opValid:
		v.valid(res, rec, s)
	case opServices:
		v.services(res, rec, s)
	case opOrganizations:
		v.organizations(res, rec, s)
	case opNarrow:
		v.length(res, rec, f, v.narrowField(res, rec, f, s))
	default:
		v.length(res, rec, f, s)
	}
}

func (v *Validator) code(res *Result, rec *Record, s string) {
	if isAllSpace(s) {
		v.missing(res, rec, Code, true)
		return
	}
	if edgeSpace(s) {
		v.add(res, rec, RuleCodeEdgeSpace, Code, "", i18n.M("msg.code.edge_space", v.show(Code, s)))
		return
	}
	if v.opts.Kind == Guests {
		if p, doubtful := emailProblem(s); doubtful {
			v.add(res, rec, RuleCodeEmailDoubtful, Code, "", i18n.M("msg.code.email_doubtful", v.show(Code, s), p))
		} else if !p.IsZero() {
			v.add(res, rec, RuleCodeNotEmail, Code, "", i18n.M("msg.code.not_email", v.show(Code, s), p))
			return
		}
	} else if i := strings.IndexAny(s, `\[]":;<>,/`); i >= 0 {
		v.add(res, rec, RuleCodeForbiddenChar, Code, "", i18n.M("msg.code.forbidden_char", v.show(Code, s), s[i:i+1]))
		return
	}
	v.length(res, rec, Code, s)
}

func (v *Validator) password(res *Result, rec *Record, s string) {
	if !v.length(res, rec, Password, s) {
		return
	}
	// Never name the offending character: that would reveal part of the
	// password.
	space, other := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			space = true
		case c < 0x21 || c > 0x7e:
			other = true
		}
	}
	if space {
		v.add(res, rec, RulePasswordSpaceDoubtful, Password, "", i18n.M("msg.password.space_doubtful"))
	}
	if other {
		v.add(res, rec, RulePasswordCharDoubtful, Password, "", i18n.M("msg.password.char_doubtful"))
	}
}

// length checks the length rules of f. Lengths are counted in characters
// (runes), not bytes, as the service counts them: a 128-character Japanese
// name is 384 bytes of UTF-8 and valid. It reports whether no error was
// found.
func (v *Validator) length(res *Result, rec *Record, f Field, s string) bool {
	// A string has at least as many bytes as runes, so short strings need
	// no counting: the common case costs one comparison.
	if len(s) <= v.plan[f].short {
		return true
	}
	return v.longValue(res, rec, f, s)
}

// longValue counts the characters of a value that may be too long.
func (v *Validator) longValue(res *Result, rec *Record, f Field, s string) bool {
	lim := limits[f]
	max, doubtful := v.plan[f].max, v.plan[f].doubtful
	n := utf8.RuneCountInString(s)
	switch {
	case n > max:
		v.add(res, rec, lim.tooLong, f, "", i18n.M("msg.too_long", v.show(f, s), strconv.Itoa(n), nouns[f], strconv.Itoa(max)))
		return false
	case doubtful > 0 && n > doubtful:
		v.add(res, rec, lim.lengthDoubtful, f, "", i18n.M("msg.length_doubtful",
			v.show(f, s), strconv.Itoa(n), strconv.Itoa(max), strconv.Itoa(doubtful)))
	}
	return true
}

func (v *Validator) locale(res *Result, rec *Record, f Field, s string, list []string, r, converted Rule) {
	canon, ok := canonicalLocale(s, list)
	if !ok {
		if canon, ok = localeByName(s, list); ok {
			v.add(res, rec, converted, f, "", i18n.M("msg.locale.converted", v.show(f, s), canon))
		}
	}
	if !ok {
		v.add(res, rec, r, f, "", i18n.M("msg.locale.unknown", v.show(f, s), strings.Join(list, ", ")))
		return
	}
	if canon != s {
		v.change(res, rec, f, canon)
	}
}

// email checks the format of an e-mail address that is not too long.
func (v *Validator) email(res *Result, rec *Record, s string) {
	p, doubtful := emailProblem(s)
	switch {
	case p.IsZero():
	case doubtful:
		v.add(res, rec, RuleEmailFormatDoubtful, Email, "", i18n.M("msg.email.doubtful", v.show(Email, s), p))
	default:
		v.add(res, rec, RuleEmailInvalid, Email, "", i18n.M("msg.email.invalid", v.show(Email, s), p))
	}
}

// timezone checks a time zone value against the embedded lists.
func (v *Validator) timezone(res *Result, rec *Record, s string) {
	t := v.timezoneVerdict(s)
	switch t.class {
	case tz.Unknown:
		v.add(res, rec, RuleTimezoneUnknown, Timezone, "", t.says(s))
	case tz.Other:
		v.add(res, rec, RuleTimezoneUnlistedDoubtful, Timezone, "", t.says(s))
	}
}

// tzVerdict is what the Validator remembers about a time zone value.
type tzVerdict struct {
	class tz.Class
	// hint is the listed ID to suggest: for tz.Other the one that keeps
	// the same time, for tz.Unknown the likely intended one ("" = none).
	hint string
	// msg is says() worked out once for a cached value, so that a file
	// that repeats a bad value does not build the message every row.
	msg i18n.Msg
}

// says returns what is wrong with the value s.
func (t tzVerdict) says(s string) i18n.Msg {
	if !t.msg.IsZero() {
		return t.msg
	}
	shown := quoteValue(s)
	switch {
	case t.class == tz.Other && t.hint != "":
		return i18n.M("msg.timezone.alias", shown, t.hint)
	case t.class == tz.Other:
		return i18n.M("msg.timezone.unlisted", shown)
	case t.hint != "":
		return i18n.M("msg.timezone.unknown_hint", shown, t.hint)
	}
	return i18n.M("msg.timezone.unknown", shown)
}

// timezoneVerdict classifies s, caching the verdict: most rows repeat a
// few values. Beyond maxBadTimezones values that are not listed IDs, the
// rest are classified every time and get no suggestion, which would cost
// too much to repeat.
func (v *Validator) timezoneVerdict(s string) tzVerdict {
	if t, hit := v.tz[s]; hit {
		return t
	}
	var t tzVerdict
	if len(s) <= 256 {
		t.class, t.hint = zones().Classify(s)
	}
	if t.class == tz.Listed {
		id := strings.Clone(s) // s may pin a whole input line
		v.tz[id] = t
		copy(v.recentTZ[1:], v.recentTZ[:len(v.recentTZ)-1])
		v.recentTZ[0] = id
		return t
	}
	if v.tzBad >= maxBadTimezones {
		return t
	}
	if t.class == tz.Unknown {
		t.hint = zones().Suggest(s)
	}
	id := strings.Clone(s)
	t.msg = t.says(id)
	v.tz[id] = t
	v.tzBad++
	return t
}

// knownTimezone reports whether s is an IANA name (listed or not), caching
// the answer.
func (v *Validator) knownTimezone(s string) bool {
	return v.timezoneVerdict(s).class != tz.Unknown
}

func (v *Validator) sortOrder(res *Result, rec *Record, s string) {
	if t, changed := width.Narrow(s); changed {
		if _, isNum, _ := parseSortOrder(trimBlank(t)); isNum {
			s = v.narrowField(res, rec, SortOrder, s)
		}
	}
	canon, isNum, inRange := parseSortOrder(s)
	switch {
	case !isNum:
		v.add(res, rec, RuleSortOrderInvalid, SortOrder, "", i18n.M("msg.sortOrder.invalid", v.show(SortOrder, s)))
	case !inRange:
		v.add(res, rec, RuleSortOrderRange, SortOrder, "", i18n.M("msg.sortOrder.range", v.show(SortOrder, s)))
	case canon != s:
		v.change(res, rec, SortOrder, canon)
	}
}

func (v *Validator) services(res *Result, rec *Record, s string) {
	var seen [len(serviceNames)]bool
	v.buf = v.buf[:0]
	for tok, i := nextService(s, 0); tok != ""; tok, i = nextService(s, i) {
		idx, ok := canonicalService(tok)
		if !ok {
			v.add(res, rec, RuleServicesUnknown, Services, "", i18n.M("msg.services.unknown", v.show(Services, s), v.show(Services, tok)))
			return
		}
		if seen[idx] {
			continue
		}
		seen[idx] = true
		if len(v.buf) > 0 {
			v.buf = append(v.buf, ';')
		}
		v.buf = append(v.buf, serviceNames[idx]...)
	}
	if string(v.buf) != s {
		v.change(res, rec, Services, string(v.buf))
	}
}

func (v *Validator) organizations(res *Result, rec *Record, s string) {
	defer clear(v.orgs) // do not pin this row's text until the next call
	v.orgs = v.orgs[:0]
	v.buf = v.buf[:0]
	dupReported := false
	sc := orgScanner{s: s}
	for {
		org, title, ok, err := sc.next()
		if err != nil {
			v.add(res, rec, err.Rule, Organizations, "", i18n.M("msg.organizations.invalid",
				v.show(Organizations, s), strconv.Itoa(err.Entry), err.Detail))
			return
		}
		if !ok {
			break
		}
		for _, o := range v.orgs {
			if o == org && !dupReported {
				dupReported = true
				v.add(res, rec, RuleOrganizationsDuplicate, Organizations, "", i18n.M("msg.organizations.duplicate",
					v.show(Organizations, s), v.show(Organizations, org)))
			}
		}
		v.orgs = append(v.orgs, org)
		if len(v.buf) > 0 {
			v.buf = append(v.buf, ';')
		}
		v.buf = append(v.buf, org...)
		if title != "" {
			v.buf = append(v.buf, ':')
			v.buf = append(v.buf, title...)
		}
	}
	if string(v.buf) != s {
		v.change(res, rec, Organizations, string(v.buf))
	}
}

// required reports the required fields that are blank.
func (v *Validator) required(res *Result, rec *Record) {
	guests := v.opts.Kind == Guests
	update := v.opts.Update && !guests
	if rec.Values[Code] == "" {
		v.missing(res, rec, Code, false)
	}
	if update {
		return
	}
	if rec.Values[Name] == "" {
		v.missing(res, rec, Name, false)
	}
	if rec.Values[Password] == "" {
		v.missing(res, rec, Password, false)
	}
	if rec.Values[Timezone] == "" {
		if guests {
			v.missing(res, rec, Timezone, false)
		} else {
			v.add(res, rec, RuleTimezoneMissingDoubtful, Timezone, "", i18n.M("msg.timezone.missing_doubtful"))
		}
	}
}

var requiredRule = map[Field]Rule{
	Code: RuleCodeRequired, Name: RuleNameRequired, Password: RulePasswordRequired, Timezone: RuleTimezoneRequired,
}

// Words of messages, made interface values once: passing a Msg as an
// argument would allocate each time.
var (
	whoUsers  any = i18n.M("who.users")
	whoGuests any = i18n.M("who.guests")
)

// missing reports a blank required field; spaces says it held only spaces.
func (v *Validator) missing(res *Result, rec *Record, f Field, spaces bool) {
	who := whoUsers
	if v.opts.Kind == Guests {
		who = whoGuests
	}
	var msg i18n.Msg
	switch {
	case spaces:
		msg = i18n.M("msg.required.spaces", v.show(f, rec.Values[f]), who, nouns[f])
	case v.opts.Columns[f] == "" && !rec.Set[f]:
		msg = i18n.M("msg.required.no_column", v.column(f), who, nouns[f])
	default:
		msg = i18n.M("msg.required.empty", "", who, nouns[f])
	}
	v.add(res, rec, requiredRule[f], f, "", msg)
}

// custom checks the custom item values. They are not trimmed (reference
// §7) and have no documented limit; see RuleCustomTooLong.
func (v *Validator) custom(res *Result, rec *Record) {
	const maxCustom = 1000
	for _, c := range rec.Custom {
		if v.opts.Kind == Guests {
			if c.Value != "" {
				v.notForKind(res, rec, CustomItem, c.Code)
			}
			continue
		}
		if c.Code == "" {
			v.add(res, rec, RuleCustomCodeRequired, CustomItem, "", i18n.M("msg.custom.code_required"))
			continue
		}
		if c.Value == "" || !v.text(res, rec, CustomItem, c.Code, c.Value) {
			continue
		}
		if len(c.Value) > maxCustom {
			if n := utf8.RuneCountInString(c.Value); n > maxCustom {
				v.add(res, rec, RuleCustomTooLong, CustomItem, c.Code, i18n.M("msg.custom.too_long",
					quoteValue(c.Value), strconv.Itoa(n), strconv.Itoa(maxCustom)))
			}
		}
	}
}

// duplicates remembers this row's login name and e-mail address and
// reports those seen in earlier rows.
func (v *Validator) duplicates(res *Result, rec *Record, k dupKeys) {
	row := int32(min(rec.Row, 1<<31-1))
	if k.hasCode {
		code := rec.Values[Code]
		v.codes.reserve()
		slot, seen := v.codes.find(k.code)
		if !seen {
			v.codes.set(slot, k.code, row, v.names.add(code))
		} else if first, dup := v.exactRow(slot, code); dup {
			v.add(res, rec, RuleCodeDuplicate, Code, "", i18n.M("msg.code.duplicate", v.show(Code, code), itoa32(first)))
		} else {
			if v.variants == nil {
				v.variants = make(map[string]int32)
			}
			v.variants[strings.Clone(code)] = row
			v.add(res, rec, RuleCodeCaseDuplicate, Code, "", i18n.M("msg.code.case_duplicate", v.show(Code, code), itoa32(v.codes.slots[slot].row)))
		}
	}
	if k.hasEmail {
		email := rec.Values[Email]
		v.emails.reserve()
		if slot, dup := v.emails.find(k.email); dup {
			v.add(res, rec, RuleEmailDuplicate, Email, "", i18n.M("msg.email.duplicate", v.show(Email, email), itoa32(v.emails.slots[slot].row)))
		} else {
			v.emails.set(slot, k.email, row, 0)
		}
	}
}

// exactRow returns the earlier row whose login name is exactly code, given
// the slot of code's folded hash in v.codes.
func (v *Validator) exactRow(slot int, code string) (int32, bool) {
	if e := v.codes.slots[slot]; v.names.get(e.ref) == code {
		return e.row, true
	}
	first, ok := v.variants[code]
	return first, ok
}

// codeRow returns the first row with exactly the login name code.
func (v *Validator) codeRow(code string) (int32, bool) {
	slot, seen := v.codes.find(foldHash(code))
	if !seen {
		return 0, false
	}
	return v.exactRow(slot, code)
}

// text rejects values that are not clean text: invalid UTF-8 and control
// characters (tab, CR and LF are allowed in description, which is
// multi-line). It reports whether the value is clean.
func (v *Validator) text(res *Result, rec *Record, f Field, custom, s string) bool {
	multiline := f == Description
	if cleanText(s, multiline) {
		return true
	}
	// Find the problem and report it.
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c < 0x80 {
			if multiline && (c == '\t' || c == '\n' || c == '\r') {
				i++
				continue
			}
			v.controlChar(res, rec, f, custom, s, rune(c))
			return false
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			shown := "***"
			if f != Password {
				shown = quoteValue(s)
			}
			v.add(res, rec, RuleInvalidText, f, custom, i18n.M("msg.invalid_utf8", shown))
			return false
		}
		if r >= 0x80 && r <= 0x9f {
			v.controlChar(res, rec, f, custom, s, r)
			return false
		}
		i += n
	}
	return true
}

func (v *Validator) controlChar(res *Result, rec *Record, f Field, custom, s string, r rune) {
	msg := i18n.M("msg.control_char.password")
	if f != Password {
		msg = i18n.M("msg.control_char", quoteValue(s), fmt.Sprintf("%U", r))
	}
	v.add(res, rec, RuleControlChar, f, custom, msg)
}

// notForKind warns, once per field and file, about a value the API of this
// kind does not take.
func (v *Validator) notForKind(res *Result, rec *Record, f Field, custom string) {
	if v.warned[f] {
		return
	}
	v.warned[f] = true
	if v.opts.Kind == Guests {
		v.add(res, rec, RuleNotForGuests, f, custom, i18n.M("msg.not_for_guests"))
		return
	}
	v.add(res, rec, RuleNotForUsers, f, custom, i18n.M("msg.not_for_users"))
}

// change replaces the value of f and records the change. A password is
// shown as *** in the change, never in the record, which is what is sent.
func (v *Validator) change(res *Result, rec *Record, f Field, to string) {
	from, shown := rec.Values[f], to
	if f == Password {
		from, shown = "***", "***"
	}
	res.Changes = append(res.Changes, Change{f, v.column(f), from, shown})
	rec.Values[f] = to
}

// add appends an Issue about detail, rendered in the Validator's
// language with where it is.
func (v *Validator) add(res *Result, rec *Record, r Rule, f Field, custom string, detail i18n.Msg) {
	res.Issues = append(res.Issues, Issue{
		Rule: r, Severity: ruleSeverity[r], Field: f, Custom: custom,
		Row: rec.Row, Column: v.customColumn(f, custom), File: v.opts.File, Detail: detail,
	})
	is := &res.Issues[len(res.Issues)-1]
	v.msg = is.appendIn(v.msg[:0], v.opts.Lang)
	is.Message = string(v.msg)
}

func itoa32(n int32) string { return strconv.Itoa(int(n)) }

// column returns the user's name for f's column, or the API name.
func (v *Validator) column(f Field) string {
	if c := v.opts.Columns[f]; c != "" {
		return c
	}
	return f.String()
}

func (v *Validator) customColumn(f Field, code string) string {
	if f != CustomItem {
		return v.column(f)
	}
	if c, ok := v.opts.CustomColumns[code]; ok && c != "" {
		return c
	}
	return "customItem." + code
}

// show quotes a value for a message; passwords are always ***.
func (v *Validator) show(f Field, s string) string {
	if f == Password {
		return "***"
	}
	return quoteValue(s)
}

// maxShown is how many characters of a value a message quotes.
const maxShown = 60

// quoteValue quotes s Go-style (invisible and invalid characters escaped),
// cut after maxShown characters.
func quoteValue(s string) string {
	n := 0
	for i := range s {
		if n == maxShown {
			return strconv.Quote(s[:i]) + "…"
		}
		n++
	}
	return strconv.Quote(s)
}

func isAllSpace(s string) bool {
	if s != "" && s[0] > ' ' && s[0] < utf8.RuneSelf {
		return false // the common case, decided by the first byte
	}
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// hasError reports whether res holds an Error about f.
func hasError(res *Result, f Field) bool {
	for _, is := range res.Issues {
		if is.Field == f && is.Severity == Error {
			return true
		}
	}
	return false
}

// edgeSpace reports whether s starts or ends with white space of any kind
// (half-width spaces are trimmed before this; full-width ones are not).
func edgeSpace(s string) bool {
	if s == "" {
		return false
	}
	first, last := rune(s[0]), rune(s[len(s)-1])
	if first >= utf8.RuneSelf {
		first, _ = utf8.DecodeRuneInString(s)
	}
	if last >= utf8.RuneSelf {
		last, _ = utf8.DecodeLastRuneInString(s)
	}
	return unicode.IsSpace(first) || unicode.IsSpace(last)
}
