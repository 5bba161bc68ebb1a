package mapping

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/userimport/userimport/validate"
)

// Layout is the shape of an input file (the --layout flag).
type Layout int

// The layouts. cybozu.com's users file has 25 fixed columns (custom items
// after the last, 削除/Delete); its services file is a login name and
// two-letter service codes; its departments-of-users file is a login name
// and pairs of department and job title codes.
const (
	// LayoutAuto matches columns by their header labels, and recognises
	// cybozu's files by their labels or, without a header, their shape.
	LayoutAuto Layout = iota
	// LayoutCybozu is cybozu.com's users file, with or without a header.
	LayoutCybozu
	// LayoutCybozuServices is cybozu.com's services file.
	LayoutCybozuServices
	// LayoutCybozuDepartments is cybozu.com's departments-of-users file.
	LayoutCybozuDepartments
)

var layoutNames = [...]string{"auto", "cybozu", "cybozu-services", "cybozu-departments"}

// String returns the --layout spelling.
func (l Layout) String() string {
	if l < 0 || int(l) >= len(layoutNames) {
		return "layout(?)"
	}
	return layoutNames[l]
}

// describe names the layout for a person.
func (l Layout) describe() string {
	switch l {
	case LayoutCybozu:
		return "cybozu.com's users file (25 columns)"
	case LayoutCybozuServices:
		return "cybozu.com's services file (login name, service codes)"
	case LayoutCybozuDepartments:
		return "cybozu.com's departments-of-users file (login name, department and title codes)"
	}
	return "a file with a header row"
}

// ParseLayout reads a --layout value.
func ParseLayout(s string) (Layout, error) {
	for i, n := range layoutNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Layout(i), nil
		}
	}
	if strings.TrimSpace(s) == "" {
		return LayoutAuto, nil
	}
	return 0, fmt.Errorf("unknown layout %q (want %s)", s, strings.Join(layoutNames[:], ", "))
}

// cybozuUserColumns are the 25 fixed columns of cybozu.com's users file,
// in order, with the English labels of its help pages.
var cybozuUserColumns = [...]struct {
	label string
	t     target
}{
	{"Login Name", target{field: validate.Code}},
	{"Display Name", target{field: validate.Name}},
	{"New Login Name", target{special: specialNewCode}},
	{"Password", target{field: validate.Password}},
	{"Surname", target{field: validate.SurName}},
	{"Given Name", target{field: validate.GivenName}},
	{"Phonetic Surname", target{field: validate.SurNameReading}},
	{"Phonetic Given Name", target{field: validate.GivenNameReading}},
	{"Localized Name", target{field: validate.LocalName}},
	{"Language of Localized Name", target{field: validate.LocalNameLocale}},
	{"E-mail Address", target{field: validate.Email}},
	{"Status", target{field: validate.Valid}},
	{"Language", target{field: validate.Locale}},
	{"Time Zone", target{field: validate.Timezone}},
	{"Phone", target{field: validate.Phone}},
	{"Extension", target{field: validate.ExtensionNumber}},
	{"Mobile Phone", target{field: validate.MobilePhone}},
	{"URL", target{field: validate.URL}},
	{"Employee ID", target{field: validate.EmployeeNumber}},
	{"Hire Date", target{field: validate.JoinDate}},
	{"Birthday", target{field: validate.BirthDate}},
	{"About Me", target{field: validate.Description}},
	{"Display Order", target{field: validate.SortOrder}},
	{"Skype Name", target{field: validate.Callto}},
	{"Delete", target{special: specialDelete}},
}

// CybozuUsersColumns is the number of fixed columns of cybozu.com's users
// file.
const CybozuUsersColumns = len(cybozuUserColumns)

// CybozuUsersHeader returns the header of cybozu.com's users file in
// Japanese, as its own export writes it, followed by customs (the labels
// of the custom items).
func CybozuUsersHeader(customs []string) []string {
	ja := [CybozuUsersColumns]string{"ログイン名", "表示名", "新ログイン名", "パスワード", "姓", "名",
		"よみがな(姓)", "よみがな(名)", "別言語での表示名", "別言語の名前を表示する言語", "E-mail",
		"使用状態", "言語", "タイムゾーン", "電話番号", "内線", "携帯", "URL", "従業員ID", "入社日",
		"誕生日", "コメント", "表示優先度", "Skype名", "削除"}
	return append(ja[:], customs...)
}

// CybozuUsersFields returns the field of each of the 25 columns; the
// third (新ログイン名) and the last (削除) carry no field: ok is false.
func CybozuUsersFields() (fields [CybozuUsersColumns]validate.Field, ok [CybozuUsersColumns]bool) {
	for i, c := range cybozuUserColumns {
		fields[i], ok[i] = c.t.field, c.t.special == notSpecial
	}
	return fields, ok
}

// syntheticHeader names the columns of a file without a header row, so
// that messages and a --mapping file can name them.
func syntheticHeader(l Layout, n int) []string {
	h := make([]string, n)
	for i := range h {
		switch {
		case i == 0:
			h[i] = cybozuUserColumns[0].label
		case l == LayoutCybozu && i < len(cybozuUserColumns):
			h[i] = cybozuUserColumns[i].label
		case l == LayoutCybozuServices:
			h[i] = fmt.Sprintf("Service Code %d", i)
		case l == LayoutCybozuDepartments && i%2 == 1:
			h[i] = fmt.Sprintf("Department Code %d", (i+1)/2)
		case l == LayoutCybozuDepartments:
			h[i] = fmt.Sprintf("Job Title Code %d", i/2)
		default:
			h[i] = fmt.Sprintf("Column %d", i+1)
		}
	}
	return h
}

// chooseLayout decides the layout of a file from its first row and the
// --layout option, and whether that row is data rather than a header.
// mapped says a mapping file renames or builds columns: then the first row
// is taken for a header whatever it holds.
func chooseLayout(first []string, kind validate.Kind, l Layout, mapped bool) (Layout, bool, error) {
	if l != LayoutAuto && kind != validate.Users {
		return 0, false, fmt.Errorf("--layout %s is a layout of cybozu.com users, not of %s", l, kind)
	}
	header := headerScore(first) > 0
	switch l {
	case LayoutCybozu:
		if !header && len(first) < CybozuUsersColumns {
			return 0, false, fmt.Errorf("%s has %d columns, none of which may be left out; the first row has %d and is not a header", l.describe(), CybozuUsersColumns, len(first))
		}
		return l, !header, nil
	case LayoutCybozuServices, LayoutCybozuDepartments:
		if len(first) < 1 {
			return 0, false, fmt.Errorf("%s: the first row is empty", l.describe())
		}
		return l, !header, nil
	}
	if kind != validate.Users {
		return LayoutAuto, false, nil
	}
	header = header || mapped
	switch {
	case header && !mapped && positionalHeader(first, serviceCodeLabels, nil):
		return LayoutCybozuServices, false, nil
	case header && !mapped && positionalHeader(first, orgCodeLabels, titleCodeLabels):
		return LayoutCybozuDepartments, false, nil
	case header:
		return LayoutAuto, false, nil
	case len(first) >= CybozuUsersColumns:
		return LayoutCybozu, true, nil
	case servicesShape(first):
		return LayoutCybozuServices, true, nil
	}
	return LayoutAuto, false, nil
}

// positionalHeader reports a header of cybozu's services file (odd == nil:
// a login name, then service code columns) or departments file (a login
// name, then department and title code columns by turns).
func positionalHeader(row []string, odd, even []string) bool {
	if len(row) < 2 {
		return false
	}
	if t, ok := lookupLabel(row[0]); !ok || t != (target{field: validate.Code}) {
		return false
	}
	for i, c := range row[1:] {
		k := labelKey(c)
		names := odd
		if even != nil && i%2 == 1 {
			names = even
		}
		if k != "" && !numberedLabel(k, names) {
			return false
		}
	}
	return true
}

// serviceCodes are the two-letter codes of cybozu's services file.
var serviceCodes = map[string]bool{"ki": true, "gr": true, "of": true, "mw": true, "sa": true, "ms": true}

// servicesShape reports a first row that looks like a line of cybozu's
// services file without a header: a login name, then only service codes
// (at least one) or blanks.
func servicesShape(row []string) bool {
	if len(row) < 2 || strings.TrimSpace(row[0]) == "" {
		return false
	}
	codes := 0
	for _, c := range row[1:] {
		c = strings.ToLower(strings.TrimSpace(c))
		if c == "" {
			continue
		}
		if !serviceCodes[c] {
			return false
		}
		codes++
	}
	return codes > 0
}

// planPositional plans cybozu's services and departments files: the
// first column is the login name, the rest are codes.
func (mp *Mapper) planPositional() {
	mp.add(target{field: validate.Code}, &plan{label: mp.header[0], col: 0})
	mp.columns[validate.Code] = mp.header[0]
	switch mp.layout {
	case LayoutCybozuServices:
		mp.services = make([]int, 0, len(mp.header)-1)
		for i := 1; i < len(mp.header); i++ {
			mp.services = append(mp.services, i)
		}
		mp.columns[validate.Services] = strings.Join(mp.header[1:], ", ")
	case LayoutCybozuDepartments:
		mp.orgs = make([]int, 0, len(mp.header)/2)
		for i := 1; i < len(mp.header); i += 2 {
			mp.orgs = append(mp.orgs, i)
		}
		mp.columns[validate.Organizations] = strings.Join(mp.header[1:], ", ")
	}
}

// headerScore counts the cells of row that name a known column.
func headerScore(row []string) int {
	n := 0
	for _, c := range row {
		if strings.TrimSpace(c) == "" {
			continue
		}
		if _, ok := lookupLabel(c); ok {
			n++
			continue
		}
		k := labelKey(c)
		if numberedLabel(k, serviceCodeLabels) || numberedLabel(k, orgCodeLabels) || numberedLabel(k, titleCodeLabels) {
			n++
		}
	}
	return n
}

// HeaderSearchRows is how many rows FindHeader looks at.
const HeaderSearchRows = 20

// FindHeader returns the index within rows (the first non-blank rows of a
// file; only the first HeaderSearchRows count) of the row that names the
// most known columns, the earliest on a tie, so that a title row above the
// header is skipped. ok is false when no row names any: the file has no
// header (cybozu's files without one are recognised by NewMapperOptions),
// or its labels are all unknown; see NoHeaderError.
func FindHeader(rows [][]string) (index int, ok bool) {
	best, bestScore := 0, 0
	for i, r := range rows[:min(len(rows), HeaderSearchRows)] {
		if s := headerScore(r); s > bestScore {
			best, bestScore = i, s
		}
	}
	return best, bestScore > 0
}

// Sentinels of a HeaderError, for callers that branch with errors.Is.
var (
	// ErrNoHeader: no row names a known column.
	ErrNoHeader = errors.New("no header row found")
	// ErrMissingColumn: a required field has no column.
	ErrMissingColumn = errors.New("a required column is missing")
)

// HeaderError is a problem of the whole file, reported once instead of on
// every row: no header row, or a required column missing. It lists the
// header cells found (any that could be a password hidden) and the near
// misses, which usually are the fix.
type HeaderError struct {
	Err        error    // ErrNoHeader or ErrMissingColumn
	Missing    []string // API names of the required fields no column gives
	Found      []string // the header cells, quoted, for the message
	NearMisses []string // `"Logn Name" (did you mean "Login Name"?)`
}

// Error lists what is wrong, what was found and how to fix it.
func (e *HeaderError) Error() string {
	var b strings.Builder
	if errors.Is(e.Err, ErrNoHeader) {
		b.WriteString("no header row found: none of the first rows names a known column")
	} else {
		fmt.Fprintf(&b, "no column gives %s", strings.Join(e.Missing, ", "))
	}
	if len(e.Found) > 0 {
		fmt.Fprintf(&b, "; the header has %s", strings.Join(e.Found, ", "))
	}
	if len(e.NearMisses) > 0 {
		fmt.Fprintf(&b, "; near misses: %s", strings.Join(e.NearMisses, ", "))
	}
	if errors.Is(e.Err, ErrNoHeader) {
		b.WriteString(" (name the columns as in the template, give the header's row with --header-row N, map them with --mapping, or choose --layout cybozu for cybozu.com's users file without a header)")
	} else {
		b.WriteString(" (rename a column, or map one with --mapping)")
	}
	return b.String()
}

// Unwrap returns ErrNoHeader or ErrMissingColumn.
func (e *HeaderError) Unwrap() error { return e.Err }

// NoHeaderError builds the error for a file in which FindHeader found no
// header, from the rows it was given: the cells of the first non-blank
// row (unless one of them could be a password: then only their number)
// and the cells close to a known label.
func NoHeaderError(rows [][]string) *HeaderError {
	e := &HeaderError{Err: ErrNoHeader}
	if len(rows) == 0 {
		return e
	}
	e.Found = showCells(rows[0])
	for _, r := range rows[:min(len(rows), HeaderSearchRows)] {
		e.NearMisses = append(e.NearMisses, nearMisses(r)...)
		if len(e.NearMisses) >= 10 {
			e.NearMisses = e.NearMisses[:10]
			break
		}
	}
	return e
}

func noHeaderError(rows [][]string) error { return NoHeaderError(rows) }

// nearMisses lists the cells of row that are close to a known label,
// among its first 100: a row of thousands of cells is not a header anyway.
func nearMisses(row []string) []string {
	var out []string
	for _, c := range row[:min(len(row), 100)] {
		if _, ok := lookupLabel(c); ok || strings.TrimSpace(c) == "" {
			continue
		}
		if s := Suggest(c); s != "" && !looksLikePassword(c) {
			out = append(out, fmt.Sprintf("%q (did you mean %q?)", clip(c), s))
		}
	}
	return out
}

// showCells quotes the cells of a row for a message. A row that names no
// known column may be data; if any of its cells could be a password, no
// cell is shown, only their number. At most 30 cells, each clipped.
func showCells(row []string) []string {
	if headerScore(row) == 0 {
		for _, c := range row {
			if looksLikePassword(c) {
				return []string{fmt.Sprintf("%d cells (not shown: the row looks like data and may hold a password)", len(row))}
			}
		}
	}
	var out []string
	for i, c := range row {
		if i == 30 {
			out = append(out, fmt.Sprintf("and %d more", len(row)-30))
			break
		}
		if _, ok := lookupLabel(c); !ok && looksLikePassword(c) {
			out = append(out, "(a cell not shown)")
			continue
		}
		out = append(out, fmt.Sprintf("%q", clip(c)))
	}
	return out
}

// clip shortens a cell for a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	r := []rune(s)
	return string(r[:39]) + "…"
}

// Diagnose checks, once for the whole file, that the plan has a column for
// each required field (Code when none is given; the importer adds name and
// password when it creates users). The error is a *HeaderError listing the
// header and its near misses; nil when nothing is missing.
func (mp *Mapper) Diagnose(required ...validate.Field) error {
	if len(required) == 0 {
		required = []validate.Field{validate.Code}
	}
	var missing []string
	for _, f := range required {
		if mp.fields[f] == nil && fieldAllowed(mp.kind, f) {
			missing = append(missing, f.String())
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &HeaderError{Err: ErrMissingColumn, Missing: missing, Found: showCells(mp.header), NearMisses: nearMisses(mp.header)}
}

// Diagnose plans header for kind and checks that a login name column is
// there: a *HeaderError (no header, or the column missing), another error
// from NewMapper, or nil.
func Diagnose(header []string, kind validate.Kind) error {
	mp, err := NewMapper(header, kind, nil)
	if err != nil {
		return err
	}
	return mp.Diagnose()
}

// columnLetter names column i (0-based) as a spreadsheet does: A, B, ...
// Z, AA.
func columnLetter(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}
