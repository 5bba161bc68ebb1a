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
	return fmt.Errorf("%s: %s", m.where(key), fmt.Sprintf(format, args...))
}

// where names the line of key in the mapping file: "map.yaml:3: fields.name".
func (m *File) where(key string) string {
	loc := m.name
	if l := m.lines[key]; l > 0 {
		loc = fmt.Sprintf("%s:%d", m.name, l)
	}
	if loc == "" {
		loc = "mapping"
	}
	return loc + ": " + key
}

func parseTarget(name string) (target, bool) { return lookupLabel(name) }

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
			if t.special != notSpecial {
				return m.errorf(key, "%s can only come from a column of the file (under columns:), never from a template or a constant", t)
			}
			if prev, dup := built[t]; dup {
				return m.errorf(key, "%s is also set by %s; keep one", t, prev)
			}
			if col, dup := renamed[t]; dup {
				return m.errorf(key, "%s is also the target of column %q under columns; keep one", t, col)
			}
			built[t] = key
			if sec.name == "fields" {
				if _, err := parseTemplate(k, sec.m[k], nil, new(meter)); err != nil {
					return m.errorf(key, "%v", err)
				}
			}
		}
	}
	for _, k := range sortedKeys(m.Defaults) {
		t, ok := parseTarget(k)
		if !ok {
			return m.errorf("defaults."+k, "%q is not a field (use an API field name such as surName, or customItem.<code>)", k)
		}
		if t.special != notSpecial {
			return m.errorf("defaults."+k, "%s can only come from a column of the file (under columns:), never from a default", t)
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

// parseTemplate parses a mapping template whose work is charged to m.
func parseTemplate(name, text string, col func(string) (string, error), m *meter) (*template.Template, error) {
	t, err := template.New(name).Option("missingkey=error").Funcs(templateFuncs(col, m)).Parse(text)
	if err != nil {
		return nil, err
	}
	if err := meterRanges(t); err != nil {
		return nil, err
	}
	return t, nil
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
