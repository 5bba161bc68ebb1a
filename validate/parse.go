package validate

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseBool reads a status (valid) value. It accepts, ignoring case,
// true/false, 1/0 (the Departments & Users CSV), yes/no, on/off and the
// Japanese 有効/無効 (active/inactive). ok is false for anything else,
// including the empty string.
func ParseBool(s string) (value, ok bool) {
	switch {
	case s == "1" || strings.EqualFold(s, "true") || strings.EqualFold(s, "yes") ||
		strings.EqualFold(s, "on") || s == "有効":
		return true, true
	case s == "0" || strings.EqualFold(s, "false") || strings.EqualFold(s, "no") ||
		strings.EqualFold(s, "off") || s == "無効":
		return false, true
	}
	return false, false
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
// entry.
type OrganizationsError struct {
	Rule   Rule
	Entry  int
	Reason string
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
		return "", "", false, &OrganizationsError{RuleOrganizationsInvalid, sc.entry, "empty department code"}
	}
	if sc.entry > maxOrganizations {
		return "", "", false, &OrganizationsError{RuleOrganizationsTooMany, sc.entry, "more than 100 departments"}
	}
	org, title = raw, ""
	if c := strings.IndexByte(raw, ':'); c >= 0 {
		org, title = trimBlank(raw[:c]), trimBlank(raw[c+1:])
		if strings.IndexByte(title, ':') >= 0 {
			return "", "", false, &OrganizationsError{RuleOrganizationsInvalid, sc.entry, `more than one ":" (write department:title)`}
		}
		if org == "" {
			return "", "", false, &OrganizationsError{RuleOrganizationsInvalid, sc.entry, "title without a department code"}
		}
	}
	// Byte length bounds rune count, so short codes need no counting.
	if len(org) > maxOrgCodeLen && utf8.RuneCountInString(org) > maxOrgCodeLen {
		return "", "", false, &OrganizationsError{RuleOrganizationsTooLong, sc.entry, "department code longer than 128 characters"}
	}
	if len(title) > maxOrgCodeLen && utf8.RuneCountInString(title) > maxOrgCodeLen {
		return "", "", false, &OrganizationsError{RuleOrganizationsTooLong, sc.entry, "title code longer than 128 characters"}
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

// parseDate reads YYYY-MM-DD or YYYY/MM/DD, with one- or two-digit month
// and day (YYYY/M/D, as Excel shows Japanese dates), and checks that the
// day exists.
func parseDate(s string) (y, m, d int, ok bool) {
	if len(s) < 8 || len(s) > 10 {
		return 0, 0, 0, false
	}
	y, ok = digits(s[:4])
	if !ok || y == 0 {
		return 0, 0, 0, false
	}
	sep := s[4]
	if sep != '-' && sep != '/' {
		return 0, 0, 0, false
	}
	rest := s[5:]
	k := strings.IndexByte(rest, sep)
	if k < 1 || k > 2 || len(rest)-k-1 < 1 || len(rest)-k-1 > 2 {
		return 0, 0, 0, false
	}
	if m, ok = digits(rest[:k]); !ok {
		return 0, 0, 0, false
	}
	if d, ok = digits(rest[k+1:]); !ok {
		return 0, 0, 0, false
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// digits parses a short run of ASCII digits.
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// appendDate appends YYYY-MM-DD.
func appendDate(b []byte, y, m, d int) []byte {
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append(b, byte('0'+m/10), byte('0'+m%10), '-')
	return append(b, byte('0'+d/10), byte('0'+d%10))
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

// emailProblem checks that s looks like a single bare e-mail address,
// without a regular expression (30 ns instead of 300, see the library
// notes). It is deliberately lenient about the local part (anything but
// spaces, controls and the RFC 5322 specials) because the service's own
// check is undocumented and nothing it accepts may be rejected here. It
// returns "" for a plausible address, otherwise what is wrong.
func emailProblem(s string) string {
	at := strings.IndexByte(s, '@')
	switch {
	case at < 0:
		return "has no @"
	case at == 0:
		return "has nothing before the @"
	case strings.IndexByte(s[at+1:], '@') >= 0:
		return "has more than one @ (give one address only)"
	case at == len(s)-1:
		return "has no domain after the @"
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; emailBad[c] {
		case 1:
			return "contains a space"
		case 2:
			return "contains " + strconv.QuoteRune(rune(c)) + ", which cannot appear in an address"
		}
	}
	if strings.Contains(s, "\u3000") {
		return "contains a space"
	}
	domain := s[at+1:]
	if strings.IndexByte(domain, '.') < 0 {
		return "has no dot in the domain after the @"
	}
	if domain[0] == '.' || domain[len(domain)-1] == '.' || strings.Contains(domain, "..") {
		return "has an empty part in the domain after the @"
	}
	return ""
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
