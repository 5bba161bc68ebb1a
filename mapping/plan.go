package mapping

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"text/template"
	"unicode"

	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// plan says where one field's (or custom item's) value comes from.
type plan struct {
	target target
	label  string // the user's column name, or `mapping "x"`
	col    int    // column index, -1 if none
	tmpl   *template.Template
	where  string // the template's line in the mapping file, for its errors
	// exhausted is the row on which the template used up its allowance
	// of work (see templateBudget); 0 if it never did.
	exhausted int
	constant  *string
	def       *string
}

// keeps reports whether a "*" in this plan's cell means cybozu's "leave
// unchanged": only for a value read from a cell, never one a template or a
// constant builds.
func (p *plan) keeps() bool { return p.col >= 0 && p.tmpl == nil && p.constant == nil }

// Options says how NewMapperOptions plans the columns of a file.
type Options struct {
	// Mapping renames columns and builds values; nil means none.
	Mapping *File
	// Layout chooses cybozu.com's own file layouts; LayoutAuto recognises
	// them by their header labels or, without a header, by their shape.
	Layout Layout
}

// Mapper turns rows of one file into validate.Records. It is not safe for
// concurrent use (templates read the row being mapped).
type Mapper struct {
	kind         validate.Kind
	layout       Layout
	headerIsData bool
	header       []string // as planned: synthetic names for a file without a header

	fields  [validate.NumFields]*plan
	customs []*plan
	newCode *plan
	del     *plan
	// services and orgs are the code columns of cybozu's services and
	// departments-of-users files (a title column follows each org column).
	services []int
	orgs     []int
	columns  [validate.NumFields]string

	findings []report.Finding
	dropped  int // findings beyond maxFindings
	score    int // known labels in the header

	colIndex map[string]int // trimmed, lower-cased header → index
	dotCols  map[string]int // identifier headers for {{.Name}}
	data     map[string]string
	cur      []string
	buf      limitedBuffer
	meter    meter // the work left to the template being evaluated
}

// maxFindings caps the header findings of one file: a file with hundreds
// of unknown columns gets twenty findings and a count, not hundreds.
const maxFindings = 20

// ErrExampleRow marks the example row of a template ("e.g. taro.yamada" in
// its first cell): it is never imported. Map returns it wrapped in a
// *sheet.FileError for the row.
var ErrExampleRow = errors.New("this is the template's example row (its first cell starts with \"e.g.\"): it is not imported; write your users in the rows below it, or replace the whole row")

// ErrDeleteValue: a 削除/Delete cell holds something other than 1, 0, *
// or nothing.
var ErrDeleteValue = errors.New(`the delete column takes 1 (delete the user), or "*", 0 or nothing (add or update)`)

// NewMapper plans how each column of header becomes a field for kind,
// applying m (which may be nil); see NewMapperOptions. It reads only files
// whose first row is a header naming the columns: for a file that has no
// header, or is cybozu's services or departments file, whose rows mean
// something else, it returns an error, so that a caller that knows nothing
// of those layouts never drops a first row or mistakes a services line for
// a user.
func NewMapper(header []string, kind validate.Kind, m *File) (*Mapper, error) {
	mp, err := NewMapperOptions(header, kind, Options{Mapping: m})
	if err != nil {
		return nil, err
	}
	if mp.headerIsData || mp.layout != LayoutAuto {
		return nil, fmt.Errorf("the file looks like %s, which this command does not read", mp.layout.describe())
	}
	return mp, nil
}

// NewMapperOptions plans how the columns of a file become fields for kind.
// first is the file's first row: its header, or (for cybozu.com's files
// without a header, see Options.Layout) its first data row, which the
// caller must then Map as well (HeaderIsData). It fails on duplicate
// column names, columns that map to the same field, a mapping that names a
// column the file does not have, and with a *HeaderError when no column is
// known at all. All work on the header happens here, once; Map only copies.
func NewMapperOptions(first []string, kind validate.Kind, o Options) (*Mapper, error) {
	m := o.Mapping
	if m == nil {
		m = &File{}
	}
	layout, headerIsData, err := chooseLayout(first, kind, o.Layout, len(m.Columns)+len(m.Fields) > 0)
	if err != nil {
		return nil, err
	}
	mp := &Mapper{kind: kind, layout: layout, headerIsData: headerIsData, header: first}
	mapped := len(m.Columns)+len(m.Fields) > 0
	if !headerIsData && !mapped && headerScore(first) == 0 {
		return nil, noHeaderError([][]string{first})
	}
	if headerIsData {
		mp.header = syntheticHeader(layout, len(first))
		mp.warn("file.no_header", "", fmt.Sprintf("the first row is not a header: the file is read as %s without a header row, so the first row is a user too", layout.describe()))
	} else if err := sheet.CheckHeader("", first); err != nil {
		return nil, err
	}
	switch layout {
	case LayoutCybozuServices, LayoutCybozuDepartments:
		if len(m.Columns)+len(m.Fields)+len(m.Constants)+len(m.Defaults)+len(m.Ignore) > 0 {
			return nil, fmt.Errorf("a --mapping file does not apply to %s: its columns are fixed", layout.describe())
		}
		mp.planPositional()
		return mp, nil
	}
	if err := mp.plan(m); err != nil {
		return nil, err
	}
	if !mp.readsAnyColumn() {
		return nil, noHeaderError([][]string{first})
	}
	return mp, nil
}

// plan maps the columns of mp.header by their names and m.
func (mp *Mapper) plan(m *File) error {
	header := mp.header
	mp.score = headerScore(header)
	mp.colIndex = make(map[string]int, len(header))
	for i, h := range header {
		if k := strings.ToLower(strings.TrimSpace(h)); k != "" {
			mp.colIndex[k] = i
		}
	}
	renames := map[int]string{}
	for _, col := range sortedKeys(m.Columns) {
		i, ok := mp.lookup(col)
		if !ok {
			return mp.missingColumn(m, "columns."+col, col)
		}
		if t, _ := parseTarget(m.Columns[col]); isPasswordColumn(mp.header[i]) && t != (target{field: validate.Password}) {
			return m.errorf("columns."+col, "column %q holds passwords and may only become password, not %s (a password elsewhere would show in reports)", mp.header[i], t)
		}
		renames[i] = m.Columns[col]
	}
	ignored := map[int]bool{}
	for _, col := range m.Ignore {
		if i, ok := mp.lookup(col); ok {
			ignored[i] = true
		} else {
			mp.warn("mapping.ignore_unmatched", col, fmt.Sprintf("mapping ignore: the file has no column %q", col))
		}
	}
	mp.dotCols = map[string]int{}
	for i, h := range header {
		if h = strings.TrimSpace(h); isIdentifier(h) {
			mp.dotCols[h] = i
		}
	}
	parsed, used, usesDot, err := mp.parseTemplates(m)
	if err != nil {
		return err
	}
	auto, err := mp.planColumns(renames, ignored, used)
	if err != nil {
		return err
	}
	if err := mp.applyMapping(m, parsed, auto); err != nil {
		return err
	}
	if err := mp.checkPasswordReads(m, parsed); err != nil {
		return err
	}
	if usesDot {
		mp.data = make(map[string]string, len(mp.dotCols))
	}
	for f, p := range mp.fields {
		if p != nil {
			mp.columns[f] = p.label
		}
	}
	return nil
}

func (mp *Mapper) lookup(name string) (int, bool) {
	i, ok := mp.colIndex[strings.ToLower(strings.TrimSpace(name))]
	return i, ok
}

// missingColumn is the error for a mapping that names a column the file
// does not have; it lists the file's columns (hiding any that could be a
// password: the "header" may be a data row).
func (mp *Mapper) missingColumn(m *File, key, col string) error {
	return m.errorf(key, "the file has no column %q (its columns: %s)", col, strings.Join(showCells(mp.header), ", "))
}

// isPasswordColumn reports a column whose header names the password.
func isPasswordColumn(h string) bool {
	t, ok := lookupLabel(h)
	return ok && t == target{field: validate.Password}
}

// checkPasswordReads refuses a template that builds any field but the
// password from the password column: the value would show in reports. The
// password columns are those the password is read or built from (however
// they are named, say "Geheim" under columns:) and any whose header says
// password.
func (mp *Mapper) checkPasswordReads(m *File, parsed []parsedTmpl) error {
	pw := target{field: validate.Password}
	secret := map[int]bool{}
	if p := mp.fields[validate.Password]; p != nil && p.tmpl == nil && p.constant == nil && p.col >= 0 {
		secret[p.col] = true
	}
	for _, pt := range parsed {
		if pt.t == pw {
			maps.Copy(secret, pt.refs)
		}
	}
	for _, pt := range parsed {
		if pt.t == pw {
			continue
		}
		for i := range pt.refs {
			if secret[i] || isPasswordColumn(mp.header[i]) {
				return m.errorf(pt.key, "the template reads column %q, which holds passwords; only password may be built from it (anything else would show the password in reports)", mp.header[i])
			}
		}
	}
	return nil
}

// parsedTmpl is one fields: entry of a mapping file, parsed.
type parsedTmpl struct {
	key  string
	t    target
	tmpl *template.Template
	refs map[int]bool
}

// parseTemplates parses the fields: templates first, so that a column a
// template reads counts as used, not unknown.
func (mp *Mapper) parseTemplates(m *File) (parsed []parsedTmpl, used map[int]bool, usesDot bool, err error) {
	used = map[int]bool{}
	for _, k := range sortedKeys(m.Fields) {
		key := "fields." + k
		t, _ := parseTarget(k)
		tmpl, err := parseTemplate(k, m.Fields[k], mp.col, &mp.meter)
		if err != nil {
			return nil, nil, false, m.errorf(key, "%v", err)
		}
		cols, dots := templateRefs(tmpl)
		refs := map[int]bool{}
		for _, c := range cols {
			i, ok := mp.lookup(c)
			if !ok {
				return nil, nil, false, mp.missingColumn(m, key, c)
			}
			refs[i], used[i] = true, true
		}
		for _, d := range dots {
			i, ok := mp.dotCols[d]
			if !ok {
				return nil, nil, false, m.errorf(key, "the file has no column %q for {{.%s}} (names must match exactly; use {{col %q}} otherwise)", d, d, d)
			}
			refs[i], used[i] = true, true
			usesDot = true
		}
		parsed = append(parsed, parsedTmpl{key, t, tmpl, refs})
	}
	return parsed, used, usesDot, nil
}

// add records p as the source of t.
func (mp *Mapper) add(t target, p *plan) {
	p.target = t
	switch {
	case t.special == specialNewCode:
		mp.newCode = p
	case t.special == specialDelete:
		mp.del = p
	case t.custom != "":
		mp.customs = append(mp.customs, p)
	default:
		mp.fields[t.field] = p
	}
}

// byTarget finds the plan of t, if any.
func (mp *Mapper) byTarget(t target) *plan {
	switch {
	case t.special == specialNewCode:
		return mp.newCode
	case t.special == specialDelete:
		return mp.del
	case t.custom != "":
		for _, p := range mp.customs {
			if p.target.custom == t.custom {
				return p
			}
		}
		return nil
	}
	return mp.fields[t.field]
}

// planColumns maps each header cell by name (or by its mapping rename)
// and reports the columns it cannot use. auto lists the targets filled by
// a column matched by name rather than by a rename.
func (mp *Mapper) planColumns(renames map[int]string, ignored, used map[int]bool) (map[target]bool, error) {
	auto := map[target]bool{}
	for i, h := range mp.header {
		if strings.TrimSpace(h) == "" || ignored[i] || isAnnotationColumn(h) {
			continue
		}
		name, explicit := renames[i]
		if !explicit {
			name = h
		}
		t, ok := parseTarget(name)
		if !ok {
			if !used[i] { // a column a template reads is used
				mp.unknownColumn(i, h)
			}
			continue
		}
		if !mp.allowed(t) {
			mp.warn("column.not_for_kind", h, fmt.Sprintf("column %q (%s) is not used for %s and is ignored", h, t, mp.kind))
			continue
		}
		if prev := mp.byTarget(t); prev != nil {
			return nil, fmt.Errorf("columns %q and %q both give %s; remove one or rename it with a --mapping file", prev.label, h, t)
		}
		mp.add(t, &plan{label: h, col: i})
		auto[t] = !explicit
	}
	return auto, nil
}

// The two columns an annotated copy of a file ends with (package annotate
// writes them; a test there keeps the spellings equal). A person fixes the
// cells of the copy and imports it again, so they are ignored without a
// word: they are the tool's own, not the person's data.
const (
	annotationStatus  = "userimport status"
	annotationMessage = "userimport message"
)

func isAnnotationColumn(h string) bool {
	h = strings.TrimSpace(h)
	return strings.EqualFold(h, annotationStatus) || strings.EqualFold(h, annotationMessage)
}

// unknownColumn reports column i, which names no field.
func (mp *Mapper) unknownColumn(i int, h string) {
	if len(mp.findings) >= maxFindings {
		mp.dropped++ // counted only: no suggestion is searched for a finding not shown
		return
	}
	if mp.headerIsData && mp.layout == LayoutCybozu && i >= len(cybozuUserColumns) {
		mp.warn("column.custom_unnamed", h, fmt.Sprintf("%s comes after 削除/Delete, where cybozu.com's users file holds the custom items, and is ignored: without a header row its custom item code is unknown (add a header cell customItem.<code>, or map it with a --mapping file: columns: {%q: customItem.<code>})", h, h))
		return
	}
	if mp.del != nil && mp.del.col == CybozuUsersColumns-1 && i > mp.del.col && !looksLikePassword(h) && Suggest(h) == "" {
		mp.warn("column.custom_unnamed", h, fmt.Sprintf("column %q comes after 削除/Delete, where cybozu.com's users file holds the custom items, and is ignored: a custom item is read from a column named customItem.<code> (rename the header to customItem.<its code>, or map it with a --mapping file)", h))
		return
	}
	// A cell that could be a password is not shown unless the row clearly
	// is a header (two known labels) and the cell is close to a label: a
	// data row taken for the header must not print "Passw0rd" as a column
	// name, even with a "did you mean".
	if looksLikePassword(h) && (mp.score < 2 || Suggest(h) == "") {
		mp.warn("column.unknown", "", fmt.Sprintf("column %s is not a known field and is ignored (its header is not shown: it could be a password, so the row may be data, not a header; see --header-row)", columnLetter(i)))
		return
	}
	msg := fmt.Sprintf("column %q is not a known field and is ignored", h)
	if s := Suggest(h); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	mp.warn("column.unknown", h, msg+" (rename the header, map it with a --mapping file, or list it under ignore:)")
}

// applyMapping lays the fields:, constants: and defaults: of m over the
// columns.
func (mp *Mapper) applyMapping(m *File, parsed []parsedTmpl, auto map[target]bool) error {
	override := func(key string, t target, refs map[int]bool) (*plan, error) {
		if !mp.allowed(t) {
			return nil, m.errorf(key, "%s is not a field of %s", t, mp.kind)
		}
		label := fmt.Sprintf("mapping %q", t.String())
		if p := mp.byTarget(t); p != nil {
			if !refs[p.col] && auto[t] {
				mp.warn("column.replaced_by_mapping", p.label, fmt.Sprintf("column %q is not used: %s replaces it", p.label, key))
			}
			*p = plan{target: t, label: label, col: -1}
			return p, nil
		}
		p := &plan{label: label, col: -1}
		mp.add(t, p)
		return p, nil
	}
	for _, pt := range parsed {
		p, err := override(pt.key, pt.t, pt.refs)
		if err != nil {
			return err
		}
		p.tmpl, p.where = pt.tmpl, m.where(pt.key)
	}
	for _, k := range sortedKeys(m.Constants) {
		t, _ := parseTarget(k)
		p, err := override("constants."+k, t, nil)
		if err != nil {
			return err
		}
		v := m.Constants[k]
		p.constant = &v
	}
	for _, k := range sortedKeys(m.Defaults) {
		t, _ := parseTarget(k)
		if !mp.allowed(t) {
			return m.errorf("defaults."+k, "%s is not a field of %s", t, mp.kind)
		}
		p := mp.byTarget(t)
		if p == nil {
			p = &plan{label: fmt.Sprintf("mapping %q", t.String()), col: -1}
			mp.add(t, p)
		}
		v := m.Defaults[k]
		p.def = &v
	}
	return nil
}

// readsAnyColumn reports whether the plan uses the file at all: a header
// whose every cell is unknown is not a header.
func (mp *Mapper) readsAnyColumn() bool {
	if mp.newCode != nil || mp.del != nil {
		return true
	}
	for _, p := range mp.fields {
		if p != nil && (p.col >= 0 || p.tmpl != nil) {
			return true
		}
	}
	for _, p := range mp.customs {
		if p.col >= 0 || p.tmpl != nil {
			return true
		}
	}
	return false
}

func (mp *Mapper) allowed(t target) bool {
	if t.custom != "" || t.special != notSpecial {
		return mp.kind == validate.Users
	}
	return fieldAllowed(mp.kind, t.field)
}

// warn adds a header finding; past maxFindings it only counts.
func (mp *Mapper) warn(rule, column, msg string) {
	if len(mp.findings) >= maxFindings {
		mp.dropped++
		return
	}
	mp.findings = append(mp.findings, report.Finding{Column: column, Rule: rule, Severity: report.SeverityWarning, Message: msg})
}

// col is the template function {{col "Name"}}: the current row's cell.
func (mp *Mapper) col(name string) (string, error) {
	i, ok := mp.colIndex[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return "", fmt.Errorf("the file has no column %q", name)
	}
	if i < len(mp.cur) {
		return mp.cur[i], nil
	}
	return "", nil
}

func isIdentifier(s string) bool {
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return s != ""
}

// Findings returns what planning the columns noticed, once per file:
// unknown columns (with a "did you mean"), columns not used for the kind,
// columns a mapping replaces, ignore entries that match nothing, a file
// read without a header row. At most 20, then one finding with the count
// of the rest (rule "column.more").
func (mp *Mapper) Findings() []report.Finding {
	out := append([]report.Finding(nil), mp.findings...)
	if mp.dropped > 0 {
		out = append(out, report.Finding{Rule: "column.more", Severity: report.SeverityWarning,
			Message: fmt.Sprintf("%d more findings about columns are not shown", mp.dropped)})
	}
	return out
}

// Warnings returns the messages of Findings.
func (mp *Mapper) Warnings() []string {
	var w []string
	for _, f := range mp.Findings() {
		w = append(w, f.Message)
	}
	return w
}

// Layout returns the layout in use: LayoutAuto when the columns are
// matched by their header labels (which covers cybozu's users file with
// a header), another when a cybozu layout was chosen or recognised.
func (mp *Mapper) Layout() Layout { return mp.layout }

// HeaderIsData reports that the file has no header row: the row given to
// NewMapperOptions is the first user, and the caller must Map it too.
func (mp *Mapper) HeaderIsData() bool { return mp.headerIsData }

// Header returns the column names the plan uses: the file's header, or
// the names given to the columns of a file without one ("Login Name",
// "Column 26", ...), which messages and a --mapping file use.
func (mp *Mapper) Header() []string { return mp.header }

// Columns returns, per field, the name of the user's column that supplies
// it, `mapping "name"` for a value the mapping builds, or "" when the
// field is absent. Messages use it to talk in the user's terms.
func (mp *Mapper) Columns() [validate.NumFields]string { return mp.columns }

// CustomColumns maps each custom item code to the user's column name (or
// `mapping "…"`), so that messages about custom items name their column.
func (mp *Mapper) CustomColumns() map[string]string {
	m := make(map[string]string, len(mp.customs))
	for _, p := range mp.customs {
		m[p.target.custom] = p.label
	}
	return m
}
