package validate

import (
	"math"
	"unicode/utf8"

	"github.com/userimport/userimport/validate/date"
)

// Check runs once per input row, a million times for a large file, and
// almost every value it sees is fine. The functions here decide quickly
// that a value needs no report and no change; when they cannot, Check
// takes the slower path that works out what is wrong (or what to change)
// and says so. Each fast test is exact in one direction only: true means
// the slow path would find nothing, false means "look closer".

// fieldOp selects the rules Check applies to a field.
type fieldOp uint8

const (
	opLength          fieldOp = iota // the length rule only (or no rule)
	opNotForKind                     // a field of the other kind
	opCode                           // login name
	opName                           // display name
	opPassword                       // password
	opLocalName                      // localized name
	opLocalNameLocale                // language of the localized name
	opLocale                         // language
	opTimezone                       // time zone ID
	opEmail                          // e-mail address
	opDate                           // birth or hire date
	opSortOrder                      // display order
	opValid                          // status
	opServices                       // services
	opOrganizations                  // departments
	opNarrow                         // a phone number: full-width characters become half-width
)

// fieldPlan is what Check needs to know about a field of this Validator's
// kind, worked out once in New instead of for every value.
type fieldPlan struct {
	op        fieldOp
	trim      bool // leading and trailing half-width blanks are removed
	multiline bool // tab, CR and LF are allowed
	// short is the byte length up to which a value passes the length
	// rules without counting its characters: a string has at least as
	// many bytes as characters.
	short    int
	max      int // the hard limit in characters; 0 = none
	doubtful int // the limit above which the value is doubtful; 0 = none
}

var fieldOps = [NumFields]fieldOp{
	Code: opCode, Name: opName, Password: opPassword, LocalName: opLocalName,
	LocalNameLocale: opLocalNameLocale, Locale: opLocale, Timezone: opTimezone,
	Email: opEmail, BirthDate: opDate, JoinDate: opDate, SortOrder: opSortOrder,
	Valid: opValid, Services: opServices, Organizations: opOrganizations,
	Phone: opNarrow, MobilePhone: opNarrow, ExtensionNumber: opNarrow,
}

// planFields works out the fieldPlan of every field for kind k.
func planFields(k Kind) (p [NumFields]fieldPlan) {
	for f := Field(0); f < NumFields; f++ {
		lim := limits[f]
		max := lim.users
		if k == Guests {
			max = lim.guests
		}
		doubtful := 0
		if lim.doubtful > 0 && lim.doubtful < max {
			doubtful = lim.doubtful
		}
		short := math.MaxInt
		switch {
		case doubtful > 0:
			short = doubtful
		case max > 0:
			short = max
		}
		op := fieldOps[f]
		if !Applies(k, f) {
			op = opNotForKind
		}
		p[f] = fieldPlan{op: op, trim: trimmed[f], multiline: f == Description, short: short, max: max, doubtful: doubtful}
	}
	return p
}

// isBlank reports the bytes trimBlank removes.
func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// cleanText reports whether s is valid UTF-8 without control characters
// (C0, DEL and C1; tab, CR and LF are allowed when multiline). It is the
// test text applies first; text's own loop only runs to report a problem.
// Most values are short printable ASCII, which the first loops settle;
// anything else goes to cleanMixed.
func cleanText(s string, multiline bool) bool {
	if len(s) < 8 {
		for i := 0; i < len(s); i++ {
			if s[i]-0x20 >= 0x7f-0x20 {
				return cleanMixed(s, multiline)
			}
		}
		return true
	}
	for t := s; len(t) >= 8; t = t[8:] {
		if !printable8(t) {
			return cleanMixed(s, multiline)
		}
	}
	// The last (up to) seven bytes, as a word that overlaps the previous
	// one.
	if !printable8(s[len(s)-8:]) {
		return cleanMixed(s, multiline)
	}
	return true
}

// asciiText reports whether s is printable ASCII only, the test of
// fields whose full-width characters width.Narrow changes.
func asciiText(s string) bool {
	for len(s) >= 8 {
		if !printable8(s) {
			return false
		}
		s = s[8:]
	}
	for i := 0; i < len(s); i++ {
		if s[i]-0x20 >= 0x7f-0x20 {
			return false
		}
	}
	return true
}

// printable8 reports whether the first eight bytes of s (which has at
// least eight) are printable ASCII, 0x20 to 0x7e. A word is flagged if any
// byte is below 0x20 or above 0x7e; borrows and carries between bytes only
// ever start at a byte that is itself flagged, so the test is exact.
func printable8(s string) bool {
	_ = s[7] // one bounds check for the eight loads
	w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	return ((w-0x2020202020202020)|(w+0x0101010101010101)|w)&0x8080808080808080 == 0
}

// cleanMixed is cleanText for values with other bytes than printable
// ASCII. The two-byte and three-byte sequences of Latin and Japanese text
// are decoded here instead of by utf8.DecodeRuneInString, which costs a
// call per character.
func cleanMixed(s string, multiline bool) bool {
	i := 0
	for i < len(s) {
		for i+8 <= len(s) && printable8(s[i:]) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		switch {
		case c-0x20 < 0x7f-0x20: // printable ASCII
			i++
		case c < 0x80:
			if !multiline || c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
		case c-0xe1 < 0xed-0xe1 || c == 0xee || c == 0xef:
			// Three bytes (U+1000 to U+FFFF but not surrogates): kana,
			// kanji, full-width forms, none a control character. Japanese
			// text is runs of them, so stay in this loop while they last.
			for {
				if i+2 >= len(s) || s[i+1]&0xc0 != 0x80 || s[i+2]&0xc0 != 0x80 {
					return false
				}
				i += 3
				if i >= len(s) {
					return true
				}
				if c = s[i]; c-0xe1 >= 0xed-0xe1 && c != 0xee && c != 0xef {
					break
				}
			}
		case c >= 0xc2 && c < 0xe0:
			// Two bytes (U+0080 to U+07FF); C2 80 to C2 9F are the C1
			// controls.
			if i+1 >= len(s) {
				return false
			}
			if c1 := s[i+1]; c1&0xc0 != 0x80 || c == 0xc2 && c1 < 0xa0 {
				return false
			}
			i += 2
		default:
			// E0 and ED (whose second bytes have narrower ranges), four
			// bytes, or a byte that cannot start a character.
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				return false
			}
			i += n
		}
	}
	return true
}

// codeUnplain marks the bytes plainCode leaves to the slow path: the
// ASCII characters a login name cannot contain (RuleCodeForbiddenChar),
// control characters and the bytes of non-ASCII characters.
var codeUnplain = func() (t [256]bool) {
	for c := range t {
		t[c] = c < 0x20 || c >= 0x7f
	}
	for _, c := range []byte(`\[]":;<>,/`) {
		t[c] = true
	}
	return t
}()

// plainCode reports whether s is a user login name of printable ASCII
// (so clean text) that starts and ends with a visible character and holds
// none of the forbidden ones: then neither the blank, edge-space nor
// forbidden character rule can fire. Other names take the slow path,
// which knows Unicode's spaces.
func plainCode(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if codeUnplain[s[i]] {
			return false
		}
	}
	return true
}

// emailSpecial marks the bytes plausibleEmail looks at: the bytes emailBad
// rejects, control characters, the bytes of non-ASCII characters, '@' and
// '.'.
var emailSpecial = func() (t [256]bool) {
	for c, bad := range emailBad {
		t[c] = bad != 0 || c < 0x20 || c >= 0x7f
	}
	t['@'], t['.'] = true, true
	return t
}()

// plausibleEmail reports, in one pass, whether s is printable ASCII (so
// clean text) about which emailProblem has nothing to say: one @ with
// something before it and a domain after it that has dots but no empty
// parts, and no white space or special character. Other addresses
// (internationalised ones too) take the slow path.
func plausibleEmail(s string) bool {
	at, dot := -1, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !emailSpecial[c] {
			continue
		}
		switch c {
		case '@':
			if at >= 0 {
				return false
			}
			at = i
		case '.':
			if at >= 0 {
				// In the domain: not first, not last, not after another dot.
				if i == at+1 || i == len(s)-1 || s[i-1] == '.' {
					return false
				}
				dot = true
			}
		default:
			return false
		}
	}
	return at > 0 && at < len(s)-1 && dot
}

// canonicalServices reports whether s is already the normalised form of a
// services cell: known API names separated by single ";", each once. Then
// services has nothing to report or change.
func canonicalServices(s string) bool {
	var seen uint8
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != ';' {
			continue
		}
		var bit uint8
		switch s[start:i] { // serviceNames
		case "kintone":
			bit = 1
		case "garoon":
			bit = 2
		case "office":
			bit = 4
		case "mailwise":
			bit = 8
		case "secure_access":
			bit = 16
		}
		if bit == 0 || seen&bit != 0 {
			return false
		}
		seen |= bit
		start = i + 1
	}
	return true
}

// maxFastOrgs is how many departments canonicalOrganizations compares for
// duplicates; a longer list takes the slow path.
const maxFastOrgs = 8

// orgClass sorts the bytes of a departments cell for
// canonicalOrganizations.
var orgClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c == ':' || c == ';':
			t[c] = orgSep
		case c < 0x20 || c == 0x7f:
			t[c] = orgControl
		case c >= 0x80:
			t[c] = orgNonASCII
		}
	}
	return t
}()

const (
	orgPlain    = iota // any other printable ASCII byte
	orgSep             // ':' or ';'
	orgControl         // a control character
	orgNonASCII        // a byte of a multi-byte character
)

// canonicalOrganizations reports whether s is clean text and a departments
// cell that organizations accepts without a report or a change: at most
// maxFastOrgs entries "org" or "org:title" separated by single ";", no
// blanks around codes, no empty title, codes short enough not to need
// counting, and no department twice.
func canonicalOrganizations(s string) bool {
	var orgs [maxFastOrgs]string
	n, start, colon := 0, 0, -1
	nonASCII := false
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			switch orgClass[s[i]] {
			case orgPlain:
				continue
			case orgControl:
				return false
			case orgNonASCII:
				nonASCII = true
				continue
			}
			if s[i] == ':' {
				if colon >= 0 {
					return false
				}
				colon = i
				continue
			}
		}
		org := s[start:i]
		if colon >= 0 {
			org = s[start:colon]
			if title := s[colon+1 : i]; title == "" || blankEdge(title) || len(title) > maxOrgCodeLen {
				return false
			}
		}
		if org == "" || blankEdge(org) || len(org) > maxOrgCodeLen || n == maxFastOrgs {
			return false
		}
		for _, o := range orgs[:n] {
			if o == org {
				return false
			}
		}
		orgs[n] = org
		n++
		start, colon = i+1, -1
	}
	return !nonASCII || cleanText(s, false)
}

// startsVisible reports whether s (not empty) surely starts with a
// character that is not white space, so isAllSpace is false. Of the bytes
// that start a non-ASCII character only C2, E1, E2 and E3 80 can start a
// space (U+0085, U+00A0, U+1680, U+2000 to U+205F, U+3000); for them it
// says false and leaves the decision to isAllSpace.
func startsVisible(s string) bool {
	switch c := s[0]; {
	case c < 0x80:
		return c > ' '
	case c == 0xc2 || c == 0xe1 || c == 0xe2:
		return false
	case c == 0xe3:
		return len(s) > 1 && s[1] != 0x80
	}
	return true
}

// plainSortOrder reports whether s is a display order that sortOrder
// accepts as it is: 1 to 8 digits without a leading zero, or "0".
func plainSortOrder(s string) bool {
	if len(s) == 0 || len(s) > maxSortOrderDigits || s[0] == '0' && len(s) > 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i]-'0' > 9 {
			return false
		}
	}
	return true
}

// plainDate reports whether s is a real date written YYYY-MM-DD, which
// date accepts as it is.
func plainDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	if s[0]-'0' > 9 || s[1]-'0' > 9 || s[2]-'0' > 9 || s[3]-'0' > 9 ||
		s[5]-'0' > 9 || s[6]-'0' > 9 || s[8]-'0' > 9 || s[9]-'0' > 9 {
		return false
	}
	y := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	m := int(s[5]-'0')*10 + int(s[6]-'0')
	d := int(s[8]-'0')*10 + int(s[9]-'0')
	return y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= date.DaysIn(y, m)
}

// plainPassword reports whether a password has nothing for password to
// report: short enough not to be doubtful, and only half-width letters,
// digits and symbols (0x21 to 0x7e), tested eight bytes at a time as in
// printable8.
func plainPassword(s string, short int) bool {
	if len(s) > short {
		return false
	}
	i := 0
	for ; i+8 <= len(s); i += 8 {
		t := s[i:]
		_ = t[7]
		w := uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
			uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
		if ((w-0x2121212121212121)|(w+0x0101010101010101)|w)&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i]-0x21 > 0x7e-0x21 {
			return false
		}
	}
	return true
}

// blankEdge reports whether s starts or ends with a byte trimBlank removes.
func blankEdge(s string) bool {
	return s != "" && (isBlank(s[0]) || isBlank(s[len(s)-1]))
}
