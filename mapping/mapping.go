package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode"
	"unicode/utf8"

	"github.com/userimport/userimport/sheet"

	"gopkg.in/yaml.v3"

	"github.com/userimport/userimport/validate"
)

// File is a --mapping file: how the columns of a legacy file become
// fields. Keys naming a field accept the API name ("surName") or a
// "customItem.<code>".
//
//	columns:   {AdUserId: code}                   # rename: file column → field
//	fields:    {name: '{{col "First"}} {{col "Last"}}'}  # build with text/template
//	constants: {timezone: America/New_York}      # always this value
//	defaults:  {valid: "true"}                   # when the value is empty
//	ignore:    [Notes]                           # columns deliberately unused
//
// Precedence for one field: constants, then fields, then a column; a
// default fills whatever is still empty.
type File struct {
	Columns   map[string]string `yaml:"columns"`
	Fields    map[string]string `yaml:"fields"`
	Constants map[string]string `yaml:"constants"`
	Defaults  map[string]string `yaml:"defaults"`
	Ignore    []string          `yaml:"ignore"`

	name  string         // file name, for messages
	lines map[string]int // "fields.name" → line in the file
}

// Load reads and checks a mapping file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, filepath.Base(path))
}

// Parse parses and checks mapping YAML; name is used in messages.
// Unknown keys, unknown field names, contradictory entries and template
// syntax errors are errors that give the line.
func Parse(data []byte, name string) (*File, error) {
	m := &File{name: name, lines: map[string]int{}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(m); err != nil {
		if err == io.EOF {
			return nil, fmt.Errorf("%s: the mapping file is empty", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err == nil && len(root.Content) == 1 {
		doc := root.Content[0]
		for i := 0; i+1 < len(doc.Content); i += 2 {
			sec, body := doc.Content[i].Value, doc.Content[i+1]
			m.lines[sec] = doc.Content[i].Line
			for j := 0; j+1 < len(body.Content) && body.Kind == yaml.MappingNode; j += 2 {
				m.lines[sec+"."+body.Content[j].Value] = body.Content[j].Line
			}
		}
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return m, nil
}

// errorf makes an error that points into the mapping file.
func (m *File) errorf(key, format string, args ...any) error {
	loc := m.name
	if l := m.lines[key]; l > 0 {
		loc = fmt.Sprintf("%s:%d", m.name, l)
	}
	if loc == "" {
		loc = "mapping"
	}
	return fmt.Errorf("%s: %s: %s", loc, key, fmt.Sprintf(format, args...))
}

// target is what a mapping key or a column resolves to: a field, or a
// custom item.
type target struct {
	field  validate.Field
	custom string // non-empty for customItem.<code>
}

func (t target) String() string {
	if t.custom != "" {
		return "customItem." + t.custom
	}
	return t.field.String()
}

func parseTarget(name string) (target, bool) {
	if code, ok := customCode(name); ok {
		return target{custom: code}, true
	}
	f, ok := fieldByName(name)
	return target{field: f}, ok
}

func (m *File) check() error {
	renamed := map[target]string{}
	for _, col := range sortedKeys(m.Columns) {
		t, ok := parseTarget(m.Columns[col])
		if !ok {
			return m.errorf("columns."+col, "%q is not a field (use an API field name such as surName, or customItem.<code>)", m.Columns[col])
		}
		if prev, dup := renamed[t]; dup {
			return m.errorf("columns."+col, "columns %q and %q both map to %s", prev, col, t)
		}
		renamed[t] = col
	}
	built := map[target]string{}
	for _, sec := range []struct {
		name string
		m    map[string]string
	}{{"fields", m.Fields}, {"constants", m.Constants}} {
		for _, k := range sortedKeys(sec.m) {
			key := sec.name + "." + k
			t, ok := parseTarget(k)
			if !ok {
				return m.errorf(key, "%q is not a field (use an API field name such as surName, or customItem.<code>)", k)
			}
			if prev, dup := built[t]; dup {
				return m.errorf(key, "%s is also set by %s; keep one", t, prev)
			}
			if col, dup := renamed[t]; dup {
				return m.errorf(key, "%s is also the target of column %q under columns; keep one", t, col)
			}
			built[t] = key
			if sec.name == "fields" {
				if _, err := parseTemplate(k, sec.m[k], nil); err != nil {
					return m.errorf(key, "%v", err)
				}
			}
		}
	}
	for _, k := range sortedKeys(m.Defaults) {
		if _, ok := parseTarget(k); !ok {
			return m.errorf("defaults."+k, "%q is not a field (use an API field name such as surName, or customItem.<code>)", k)
		}
	}
	for i, c := range m.Ignore {
		if strings.TrimSpace(c) == "" {
			return m.errorf("ignore", "entry %d is empty", i+1)
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// templateFuncs are the functions a mapping template can call; col is
// bound per Mapper. Arguments come first and the piped value last, so
// `{{ col "X" | replace "-" "" }}` works.
func templateFuncs(col func(string) (string, error)) template.FuncMap {
	if col == nil {
		col = func(string) (string, error) { return "", nil }
	}
	return template.FuncMap{
		"col":        col,
		"trim":       strings.TrimSpace,
		"lower":      strings.ToLower,
		"upper":      strings.ToUpper,
		"replace":    func(old, new, s string) string { return strings.ReplaceAll(s, old, new) },
		"default":    func(def, s string) string { return cmpOr(s, def) },
		"join":       func(sep string, list []string) string { return strings.Join(list, sep) },
		"split":      func(sep, s string) []string { return strings.Split(s, sep) },
		"title":      title,
		"trimPrefix": func(prefix, s string) string { return strings.TrimPrefix(s, prefix) },
		"trimSuffix": func(suffix, s string) string { return strings.TrimSuffix(s, suffix) },
		"substr":     substr,
		"printf":     printf,
	}
}

// printf is fmt.Sprintf without huge widths: "%099999999d" would make fmt
// allocate the padding before the output limit could stop it.
func printf(format string, args ...any) (string, error) {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		run := 0
		for i++; i < len(format) && strings.IndexByte("+-# 0123456789.[]*", format[i]) >= 0; i++ {
			if c := format[i]; c >= '0' && c <= '9' {
				if run++; run > 4 {
					return "", errors.New("printf: width or precision too large")
				}
			} else {
				run = 0
			}
		}
	}
	return fmt.Sprintf(format, args...), nil
}

// limitedBuffer caps a template's output at sheet.MaxCellBytes, so a template
// that multiplies its input cannot exhaust memory.
type limitedBuffer struct{ bytes.Buffer }

var errTemplateOutput = fmt.Errorf("%w: the template produced more than %d bytes", sheet.ErrCellTooLarge, sheet.MaxCellBytes)

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > sheet.MaxCellBytes {
		return 0, errTemplateOutput
	}
	return b.Buffer.Write(p)
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// title upper-cases the first letter of each word and leaves the rest
// alone ("mcDonald" → "McDonald"); pipe through lower first for "JOHN".
func title(s string) string {
	prev := ' '
	return strings.Map(func(r rune) rune {
		start := unicode.IsSpace(prev) || prev == '-'
		prev = r
		if start {
			return unicode.ToUpper(r)
		}
		return r
	}, s)
}

// substr returns length runes from rune index start (clamped to the
// string; a negative length means "to the end").
func substr(start, length int, s string) string {
	n := utf8.RuneCountInString(s)
	start = max(0, min(start, n))
	end := n
	if length >= 0 {
		end = min(n, start+length)
	}
	i, b, e := 0, len(s), len(s)
	for off := range s {
		if i == start {
			b = off
		}
		if i == end {
			e = off
			break
		}
		i++
	}
	if b > e {
		return ""
	}
	return s[b:e]
}

func parseTemplate(name, text string, col func(string) (string, error)) (*template.Template, error) {
	return template.New(name).Option("missingkey=error").Funcs(templateFuncs(col)).Parse(text)
}

// templateRefs lists the columns a template names with a constant
// argument, {{col "Name"}}, or as data, {{.Name}}.
func templateRefs(t *template.Template) (cols, fields []string) {
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n != nil {
				for _, c := range n.Cmds {
					walk(c)
				}
			}
		case *parse.CommandNode:
			if len(n.Args) >= 2 {
				if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "col" {
					if s, ok := n.Args[1].(*parse.StringNode); ok {
						cols = append(cols, s.Text)
					}
				}
			}
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			fields = append(fields, n.Ident[0])
		case *parse.ChainNode:
			walk(n.Node)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	if t.Tree != nil {
		walk(t.Tree.Root)
	}
	return cols, fields
}

// plan says where one field's (or custom item's) value comes from.
type plan struct {
	target   target
	label    string // the user's column name, or `mapping "x"`
	col      int    // column index, -1 if none
	tmpl     *template.Template
	constant *string
	def      *string
}

// Mapper turns rows of one file into validate.Records. It is not safe for
// concurrent use (templates read the row being mapped).
type Mapper struct {
	kind     validate.Kind
	fields   [validate.NumFields]*plan
	customs  []*plan
	columns  [validate.NumFields]string
	warnings []string

	colIndex map[string]int // trimmed, lower-cased header → index
	dotCols  map[string]int // identifier headers for {{.Name}}
	data     map[string]string
	cur      []string
	buf      limitedBuffer
}

// NewMapper plans how each column of header becomes a field for kind,
// applying m (which may be nil). It fails on duplicate column names,
// columns that map to the same field, and a mapping that names a column
// the file does not have.
func NewMapper(header []string, kind validate.Kind, m *File) (*Mapper, error) {
	if err := sheet.CheckHeader("", header); err != nil {
		return nil, err
	}
	if m == nil {
		m = &File{}
	}
	mp := &Mapper{kind: kind, colIndex: make(map[string]int, len(header))}
	for i, h := range header {
		if k := strings.ToLower(strings.TrimSpace(h)); k != "" {
			mp.colIndex[k] = i
		}
	}
	lookup := func(name string) (int, bool) {
		i, ok := mp.colIndex[strings.ToLower(strings.TrimSpace(name))]
		return i, ok
	}
	missing := func(key, col string) error {
		return m.errorf(key, "the file has no column %q (its columns: %s)", col, quoteAll(header))
	}

	renames := map[int]string{}
	for _, col := range sortedKeys(m.Columns) {
		i, ok := lookup(col)
		if !ok {
			return nil, missing("columns."+col, col)
		}
		renames[i] = m.Columns[col]
	}
	ignored := map[int]bool{}
	for _, col := range m.Ignore {
		if i, ok := lookup(col); ok {
			ignored[i] = true
		} else {
			mp.warnings = append(mp.warnings, fmt.Sprintf("mapping ignore: the file has no column %q", col))
		}
	}

	mp.dotCols = map[string]int{}
	for i, h := range header {
		if h = strings.TrimSpace(h); isIdentifier(h) {
			mp.dotCols[h] = i
		}
	}
	usesDot := false
	// Templates first: a column a template reads is used, not unknown.
	type parsedTmpl struct {
		key  string
		t    target
		tmpl *template.Template
		refs map[int]bool
	}
	var parsed []parsedTmpl
	used := map[int]bool{}
	for _, k := range sortedKeys(m.Fields) {
		key := "fields." + k
		t, _ := parseTarget(k)
		tmpl, err := parseTemplate(k, m.Fields[k], mp.col)
		if err != nil {
			return nil, m.errorf(key, "%v", err)
		}
		cols, dots := templateRefs(tmpl)
		refs := map[int]bool{}
		for _, c := range cols {
			i, ok := lookup(c)
			if !ok {
				return nil, missing(key, c)
			}
			refs[i], used[i] = true, true
		}
		for _, d := range dots {
			i, ok := mp.dotCols[d]
			if !ok {
				return nil, m.errorf(key, "the file has no column %q for {{.%s}} (names must match exactly; use {{col %q}} otherwise)", d, d, d)
			}
			refs[i], used[i] = true, true
			usesDot = true
		}
		parsed = append(parsed, parsedTmpl{key, t, tmpl, refs})
	}

	byTarget := map[target]*plan{}
	customAt := map[string]*plan{}
	add := func(t target, p *plan) {
		p.target = t
		byTarget[t] = p
		if t.custom != "" {
			customAt[t.custom] = p
			mp.customs = append(mp.customs, p)
		} else {
			mp.fields[t.field] = p
		}
	}
	auto := map[target]bool{} // targets filled by a column matched by name
	for i, h := range header {
		if strings.TrimSpace(h) == "" || ignored[i] {
			continue
		}
		name, explicit := renames[i]
		if !explicit {
			name = h
		}
		t, ok := parseTarget(name)
		if !ok {
			if used[i] {
				continue // read by a template
			}
			if why, ok := unsupportedLabels[labelKey(h)]; ok {
				mp.warnings = append(mp.warnings, fmt.Sprintf("column %q: %s", h, why))
			} else {
				mp.warnings = append(mp.warnings, fmt.Sprintf("column %q is not a known field and is ignored (map it with a --mapping file, or list it under ignore:)", h))
			}
			continue
		}
		if !mp.allowed(t) {
			mp.warnings = append(mp.warnings, fmt.Sprintf("column %q (%s) is not used for %s and is ignored", h, t, kind))
			continue
		}
		if prev, dup := byTarget[t]; dup {
			return nil, fmt.Errorf("columns %q and %q both give %s; remove one or rename it with a --mapping file", prev.label, h, t)
		}
		add(t, &plan{label: h, col: i})
		auto[t] = !explicit
	}

	override := func(key string, t target, refs map[int]bool) (*plan, error) {
		if !mp.allowed(t) {
			return nil, m.errorf(key, "%s is not a field of %s", t, kind)
		}
		label := fmt.Sprintf("mapping %q", t.String())
		if p, ok := byTarget[t]; ok {
			if !refs[p.col] && auto[t] {
				mp.warnings = append(mp.warnings, fmt.Sprintf("column %q is not used: %s replaces it", p.label, key))
			}
			*p = plan{target: t, label: label, col: -1}
			return p, nil
		}
		p := &plan{label: label, col: -1}
		add(t, p)
		return p, nil
	}
	for _, pt := range parsed {
		p, err := override(pt.key, pt.t, pt.refs)
		if err != nil {
			return nil, err
		}
		p.tmpl = pt.tmpl
	}
	for _, k := range sortedKeys(m.Constants) {
		t, _ := parseTarget(k)
		p, err := override("constants."+k, t, nil)
		if err != nil {
			return nil, err
		}
		v := m.Constants[k]
		p.constant = &v
	}
	for _, k := range sortedKeys(m.Defaults) {
		t, _ := parseTarget(k)
		if !mp.allowed(t) {
			return nil, m.errorf("defaults."+k, "%s is not a field of %s", t, kind)
		}
		p, ok := byTarget[t]
		if !ok {
			p = &plan{label: fmt.Sprintf("mapping %q", t.String()), col: -1}
			add(t, p)
		}
		v := m.Defaults[k]
		p.def = &v
	}
	if usesDot {
		mp.data = make(map[string]string, len(mp.dotCols))
	}
	for f, p := range mp.fields {
		if p != nil {
			mp.columns[f] = p.label
		}
	}
	return mp, nil
}

func (mp *Mapper) allowed(t target) bool {
	if t.custom != "" {
		return mp.kind == validate.Users
	}
	return fieldAllowed(mp.kind, t.field)
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

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// Warnings returns what the plan noticed: unknown or unsupported columns
// (once each), columns a mapping replaces, ignore entries that match
// nothing.
func (mp *Mapper) Warnings() []string { return mp.warnings }

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

// Map fills rec from row. It resets rec first (keeping rec.Custom's
// backing array) and sets rec.Row to row.Line. A template that fails is a
// *sheet.FileError naming the row and the field.
func (mp *Mapper) Map(row sheet.Row, rec *validate.Record) error {
	*rec = validate.Record{Row: row.Line, Custom: rec.Custom[:0]}
	mp.cur = row.Cells
	if mp.data != nil {
		for name, i := range mp.dotCols {
			if i < len(row.Cells) {
				mp.data[name] = row.Cells[i]
			}
		}
	}
	for f, p := range mp.fields {
		if p == nil {
			continue
		}
		v, err := mp.value(p, row)
		if err != nil {
			return err
		}
		rec.Values[f] = v
		rec.Set[f] = true
	}
	for _, p := range mp.customs {
		v, err := mp.value(p, row)
		if err != nil {
			return err
		}
		rec.Custom = append(rec.Custom, validate.CustomValue{Code: p.target.custom, Value: v})
	}
	return nil
}

func (mp *Mapper) value(p *plan, row sheet.Row) (string, error) {
	var v string
	switch {
	case p.constant != nil:
		v = *p.constant
	case p.tmpl != nil:
		mp.buf.Reset()
		var data any
		if mp.data != nil {
			data = mp.data
		}
		if err := p.tmpl.Execute(&mp.buf, data); err != nil {
			return "", &sheet.FileError{Row: row.Line, Column: p.label, Err: fmt.Errorf("the mapping template failed: %w", cleanTemplateErr(err))}
		}
		v = mp.buf.String()
	case p.col >= 0 && p.col < len(row.Cells):
		v = row.Cells[p.col]
	}
	if v == "" && p.def != nil {
		v = *p.def
	}
	return v, nil
}

// cleanTemplateErr keeps the useful end of a text/template execution
// error ("error calling col: the file has no column "X"").
func cleanTemplateErr(err error) error {
	var ee template.ExecError
	if errors.As(err, &ee) {
		msg := ee.Err.Error()
		if i := strings.Index(msg, "error calling "); i >= 0 {
			msg = msg[i:]
		}
		return errors.New(msg)
	}
	return err
}
