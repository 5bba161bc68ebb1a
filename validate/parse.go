package validate

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/validate/tz"
)

// ParseBool reads a status (valid) value. It accepts, ignoring case,
// true/false, 1/0 (the Departments & Users CSV), yes/no, on/off and the
// Japanese 使用中/停止中 (cybozu.com's words), 有効/無効 and はい/いいえ.
// ok is false for anything else, including the empty string.
func ParseBool(s string) (value, ok bool) {
	switch {
	case s == "1" || strings.EqualFold(s, "true") || strings.EqualFold(s, "yes") ||
		strings.EqualFold(s, "on"):
		return true, true
	case s == "0" || strings.EqualFold(s, "false") || strings.EqualFold(s, "no") ||
		strings.EqualFold(s, "off"):
		return false, true
	}
	value, ok = japaneseBool[s]
	return value, ok
}

// serviceAliases maps every accepted spelling (compared ignoring case) to
// the Update User Services value. The two-letter codes are those of the
// Departments & Users services CSV, which HR staff may already have.
var serviceAliases = [...]struct{ alias, name string }{
	{"kintone", "kintone"}, {"ki", "kintone"},
	{"garoon", "garoon"}, {"gr", "garoon"},
	{"office", "office"}, {"of", "office"},
	{"mailwise", "mailwise"}, {"mw", "mailwise"},
	{"secure_access", "secure_access"}, {"sa", "secure_access"},
}

// serviceNames are the Update User Services values, in a fixed order.
var serviceNames = [...]string{"kintone", "garoon", "office", "mailwise", "secure_access"}

func canonicalService(tok string) (idx int, ok bool) {
	for i, n := range serviceNames { // the usual spelling, without case folding
		if tok == n {
			return i, true
		}
	}
	for _, a := range serviceAliases {
		if strings.EqualFold(tok, a.alias) {
			for i, n := range serviceNames {
				if n == a.name {
					return i, true
				}
			}
		}
	}
	return -1, false
}

// isServiceSep reports the separators of a services cell: ; , white space,
// and their full-width (Japanese) forms.
func isServiceSep(r rune) bool {
	switch r {
	case ';', ',', ' ', '\t', '\n', '\r', '\u3000', '、', '；', '，':
		return true
	}
	return false
}

// nextService returns the next token of a services cell starting at i and
// the position after it; tok is "" when no token is left.
func nextService(s string, i int) (tok string, next int) {
	for i < len(s) {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if !isServiceSep(r) {
			break
		}
		i += n
	}
	start := i
	for i < len(s) {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if isServiceSep(r) {
			break
		}
		i += n
	}
	return s[start:i], i
}

// ParseServices splits a services cell ("kintone;garoon", also separated by
// commas or spaces) into Update User Services values: known names and the
// CSV's two-letter codes become the API spelling (kintone, garoon, office,
// mailwise, secure_access), unknown ones are lower-cased and kept (Check
// reports them as RuleServicesUnknown), duplicates are dropped, order is
// kept. A blank cell gives nil.
func ParseServices(s string) []string {
	var out []string
	for tok, i := nextService(s, 0); tok != ""; tok, i = nextService(s, i) {
		name := strings.ToLower(tok)
		if idx, ok := canonicalService(tok); ok {
			name = serviceNames[idx]
		}
		dup := false
		for _, o := range out {
			if o == name {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, name)
		}
	}
	return out
}

// OrgTitle is one department assignment of a user: a department code and an
// optional title code ("" = no title).
type OrgTitle struct {
	Org, Title string
}

// Limits of Update User's Departments (reference §2).
const (
	maxOrganizations = 100
	maxOrgCodeLen    = 128
)

// OrganizationsError says why an organizations cell cannot be read. Rule
// is RuleOrganizationsInvalid, RuleOrganizationsTooLong or
// RuleOrganizationsTooMany; Entry is the 1-based position of the offending
// entry. Reason is Detail in English.
type OrganizationsError struct {
	Rule   Rule
	Entry  int
	Reason string
	Detail i18n.Msg
}

func orgError(r Rule, entry int, key i18n.Key) *OrganizationsError {
	return &OrganizationsError{r, entry, i18n.English.Sprintf(key), i18n.M(key)}
}

func (e *OrganizationsError) Error() string {
	return "departments entry " + strconv.Itoa(e.Entry) + ": " + e.Reason
}

// orgScanner walks an organizations cell entry by entry without
// allocating, so Check and ParseOrganizations share one grammar:
//
//	cell  = entry *( ";" entry ) [ ";" ]
//	entry = org [ ":" title ]
//
// Half-width spaces and tabs around codes are ignored.
type orgScanner struct {
	s     string
	pos   int
	entry int
}

// next returns the next entry; ok is false at the end or on error.
func (sc *orgScanner) next() (org, title string, ok bool, err *OrganizationsError) {
	if sc.pos >= len(sc.s) {
		return "", "", false, nil
	}
	end := strings.IndexByte(sc.s[sc.pos:], ';')
	var raw string
	if end < 0 {
		raw, sc.pos = sc.s[sc.pos:], len(sc.s)
	} else {
		raw, sc.pos = sc.s[sc.pos:sc.pos+end], sc.pos+end+1
	}
	sc.entry++
	raw = trimBlank(raw)
	if raw == "" {
		// A single trailing ";" is forgiven: spreadsheets concatenating
		// "code;" for each department produce one.
		if end < 0 && sc.entry > 1 {
			return "", "", false, nil
		}
		return "", "", false, orgError(RuleOrganizationsInvalid, sc.entry, "org.empty_code")
	}
	if sc.entry > maxOrganizations {
		return "", "", false, orgError(RuleOrganizationsTooMany, sc.entry, "org.too_many")
	}
	org, title = raw, ""
	if c := strings.IndexByte(raw, ':'); c >= 0 {
		org, title = trimBlank(raw[:c]), trimBlank(raw[c+1:])
		if strings.IndexByte(title, ':') >= 0 {
			return "", "", false, orgError(RuleOrganizationsInvalid, sc.entry, "org.colons")
		}
		if org == "" {
			return "", "", false, orgError(RuleOrganizationsInvalid, sc.entry, "org.title_without_org")
		}
	}
	// Byte length bounds rune count, so short codes need no counting.
	if len(org) > maxOrgCodeLen && utf8.RuneCountInString(org) > maxOrgCodeLen {
		return "", "", false, orgError(RuleOrganizationsTooLong, sc.entry, "org.code_too_long")
	}
	if len(title) > maxOrgCodeLen && utf8.RuneCountInString(title) > maxOrgCodeLen {
		return "", "", false, orgError(RuleOrganizationsTooLong, sc.entry, "org.title_too_long")
	}
	return org, title, true, nil
}

// ParseOrganizations reads an organizations cell: department codes
// separated by ";", each optionally followed by ":" and a title code
// ("sales:manager;hr" → [{sales manager} {hr ""}]). The first department
// is the primary one. A blank cell gives an empty list (no departments).
// Errors are *OrganizationsError.
func ParseOrganizations(s string) ([]OrgTitle, error) {
	var out []OrgTitle
	sc := orgScanner{s: s}
	if trimBlank(s) == "" {
		return nil, nil
	}
	for {
		org, title, ok, err := sc.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		out = append(out, OrgTitle{org, title})
	}
}

// trimBlank removes leading and trailing half-width spaces and tabs: the
// trimming of the Departments & Users CSV import. Full-width spaces are
// kept because they may be meant (and a login name starting with one is
// reported instead).
func trimBlank(s string) string {
	i, j := 0, len(s)
	for i < j && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	for j > i && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	return s[i:j]
}

// Bounds of sortOrder (reference §3.1): 0 to maxSortOrder, which has
// maxSortOrderDigits digits.
const (
	maxSortOrder       = 99999999
	maxSortOrderDigits = 8
)

// parseSortOrder reads a display order: a whole number in decimal.
// canon is the number without leading zeros; inRange is false for negative
// numbers and numbers above 99999999; isNum is false for anything that is
// not a whole number.
func parseSortOrder(s string) (canon string, isNum, inRange bool) {
	neg := false
	t := s
	if t != "" && (t[0] == '-' || t[0] == '+') {
		neg = t[0] == '-'
		t = t[1:]
	}
	if t == "" {
		return "", false, false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return "", false, false
		}
	}
	for len(t) > 1 && t[0] == '0' {
		t = t[1:]
	}
	if t == "0" {
		return t, true, true
	}
	if neg || len(t) > maxSortOrderDigits {
		return "", true, false
	}
	return t, true, true
}

// emailProblem says what is wrong with an e-mail address, without a
// regular expression (30 ns instead of 300, see the library notes). The
// reference documents no format for the field, only that it holds an
// e-mail address of at most 256 characters (§3.1), and nothing the service
// accepts may be rejected here, so problems come in two kinds:
//
//   - doubtful false: the value is no single address in any standard's
//     sense, whatever the service checks: no @, nothing before or after
//     it, a second @, white space or a special character outside quotes
//     (a display name "Taro <taro@example.com>", a list of addresses), an
//     empty part in the domain.
//   - doubtful true: RFC 5322 (with RFC 6532's UTF-8) allows the address
//     but stricter checks often refuse it: a domain without a dot
//     (admin@localhost), a quoted local part ("john doe"@example.com), an
//     IP address in brackets, a full-width space. Whether the service
//     refuses it is undocumented, so Check only warns.
//
// Dots in the local part are not looked at: Japanese mobile addresses such
// as taro..x.@docomo.ne.jp break RFC 5322 but are delivered. problem is
// the zero Msg for an ordinary address.
func emailProblem(s string) (problem i18n.Msg, doubtful bool) {
	quoted := s != "" && s[0] == '"'
	at := strings.IndexByte(s, '@')
	if quoted {
		end := quotedEnd(s)
		switch {
		case end < 0:
			return i18n.M("email.unclosed_quote"), false
		case end+1 == len(s) || s[end+1] != '@':
			return i18n.M("email.partial_quote"), false
		}
		at = end + 1
	}
	switch {
	case at < 0:
		return i18n.M("email.no_at"), false
	case at == 0:
		return i18n.M("email.nothing_before_at"), false
	case strings.IndexByte(s[at+1:], '@') >= 0:
		return i18n.M("email.many_at"), false
	case at == len(s)-1:
		return i18n.M("email.no_domain"), false
	}
	if !quoted {
		if p := emailChars(s[:at]); !p.IsZero() {
			return p, false
		}
	}
	domain := s[at+1:]
	if len(domain) >= 2 && domain[0] == '[' && domain[len(domain)-1] == ']' {
		// A domain literal: RFC 5322 allows any visible ASCII but [ ] \.
		if i := strings.IndexAny(domain[1:len(domain)-1], " \t[]\\"); i >= 0 {
			if c := domain[1+i]; c != ' ' && c != '\t' {
				return i18n.M("email.bad_char", strconv.QuoteRune(rune(c))), false
			}
			return i18n.M("email.space"), false
		}
		return i18n.M("email.literal"), true
	}
	if p := emailChars(domain); !p.IsZero() {
		return p, false
	}
	if domain[0] == '.' || domain[len(domain)-1] == '.' || strings.Contains(domain, "..") {
		return i18n.M("email.empty_label"), false
	}
	switch {
	case quoted:
		return i18n.M("email.quoted"), true
	case strings.IndexByte(domain, '.') < 0:
		return i18n.M("email.no_dot"), true
	case strings.Contains(s, "\u3000"):
		// RFC 6532 lets an address hold any non-ASCII character, this
		// one too, though it is almost always a slip of the input method.
		return i18n.M("email.full_width_space"), true
	}
	return i18n.Msg{}, false
}

// quotedEnd returns the index of the quote that closes the quoted string
// s starts with, skipping characters escaped with a backslash, or -1.
func quotedEnd(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// emailChars reports white space or a special character in an unquoted
// part of an address; the zero Msg means none.
func emailChars(s string) i18n.Msg {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; emailBad[c] {
		case 1:
			return i18n.M("email.space")
		case 2:
			return i18n.M("email.bad_char", strconv.QuoteRune(rune(c)))
		}
	}
	return i18n.Msg{}
}

// emailBad classifies the ASCII bytes an address cannot hold: 1 for white
// space, 2 for the RFC 5322 specials. Bytes of multi-byte characters are
// all 0x80 or above, so a byte table is exact for these ASCII characters.
var emailBad = func() (t [256]uint8) {
	t[' '], t['\t'] = 1, 1
	for _, c := range []byte(`()<>[]\,;:"`) {
		t[c] = 2
	}
	return t
}()

// locales lists the API values of locale and localNameLocale.
var (
	userLocales      = []string{"auto", "ja", "en", "zh", "zh-TW", "es", "pt-BR", "th"}
	guestLocales     = []string{"auto", "en", "zh", "ja"}
	localNameLocales = userLocales[1:]
)

// canonicalLocale finds s in list ignoring case and treating "_" as "-"
// (zh_tw → zh-TW), the spellings spreadsheets and other systems use.
func canonicalLocale(s string, list []string) (string, bool) {
	for _, l := range list {
		if len(l) != len(s) {
			continue
		}
		match := true
		for i := 0; i < len(s); i++ {
			a, b := s[i], l[i]
			if a == '_' {
				a = '-'
			}
			if 'A' <= a && a <= 'Z' {
				a += 'a' - 'A'
			}
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			if a != b {
				match = false
				break
			}
		}
		if match {
			return l, true
		}
	}
	return "", false
}

// KnownService reports whether name is a service the User API accepts in
// Update User Services (after ParseServices has normalised it).
func KnownService(name string) bool {
	for _, s := range serviceNames {
		if s == name {
			return true
		}
	}
	return false
}

// The time zone lists. The reference (§3.1) asks for an ID from the
// help-site list. timezones.txt stands for it: every zone of zone.tab plus
// UTC, the list of the template's drop-down. timezone_aliases.txt holds
// the other names of the IANA database, each with the listed ID that keeps
// the same time; they are real zones that the service may or may not
// take, so Check warns about them. Check looks values up here and never on
// the host (package tz says why).
var (
	//go:embed timezones.txt
	listedZonesText string
	//go:embed timezone_aliases.txt
	otherZonesText string
)

// zones parses the lists on first use, so a command that validates no time
// zone does not pay for it.
var zones = sync.OnceValue(func() *tz.Table { return tz.Parse(listedZonesText, otherZonesText) })
