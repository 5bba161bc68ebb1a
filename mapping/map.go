package mapping

import (
	"errors"
	"fmt"
	"strings"
	"text/template"

	"golang.org/x/text/width"

	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// Map fills rec from row. It resets rec first (keeping the backing arrays
// of rec.Custom and rec.KeepCustom) and sets rec.Row to row.Line.
//
// A cell holding cybozu's "*" ("leave unchanged") sets rec.Keep[f] (or
// adds the code to rec.KeepCustom) instead of a value. A 削除/Delete cell
// of 1 sets rec.Delete; a 新ログイン名/New Login Name cell other than "*"
// or the login name sets rec.NewCode.
//
// A template that fails, a delete cell that is not 1, 0, * or empty, and a
// template's example row (ErrExampleRow) are a *sheet.FileError naming the
// row.
func (mp *Mapper) Map(row sheet.Row, rec *validate.Record) error {
	// Not one composite literal naming both slices: the compiler then
	// builds the whole Record in a temporary and copies it over, on every
	// row.
	custom, keepCustom := rec.Custom[:0], rec.KeepCustom[:0]
	*rec = validate.Record{Row: row.Line}
	rec.Custom, rec.KeepCustom = custom, keepCustom
	if len(row.Cells) > 0 && row.Cells[0] != "" && exampleStart[row.Cells[0][0]] && !mp.headerIsData && isExampleMarker(row.Cells[0]) {
		return &sheet.FileError{Row: row.Line, Err: ErrExampleRow}
	}
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
		if v != "" && (v[0] == '*' || v[0] == ' ') && isKeep(v) && p.keeps() {
			rec.Keep[f] = true
			continue
		}
		rec.Values[f] = v
		rec.Set[f] = true
	}
	for _, p := range mp.customs {
		v, err := mp.value(p, row)
		if err != nil {
			return err
		}
		if v != "" && (v[0] == '*' || v[0] == ' ') && isKeep(v) && p.keeps() {
			rec.KeepCustom = append(rec.KeepCustom, p.target.custom)
			continue
		}
		rec.Custom = append(rec.Custom, validate.CustomValue{Code: p.target.custom, Value: v})
	}
	if mp.newCode != nil || mp.del != nil || mp.services != nil || mp.orgs != nil {
		return mp.mapCybozu(row, rec)
	}
	return nil
}

// mapCybozu fills what only cybozu's files carry: the rename and delete
// columns, and the services and departments of their own files.
func (mp *Mapper) mapCybozu(row sheet.Row, rec *validate.Record) error {
	if p := mp.newCode; p != nil {
		v := strings.TrimSpace(cell(row.Cells, p.col))
		if v != "" && v != "*" && v != strings.TrimSpace(rec.Values[validate.Code]) {
			rec.NewCode = v
		}
	}
	if p := mp.del; p != nil {
		switch v := strings.TrimSpace(cell(row.Cells, p.col)); v {
		case "1":
			rec.Delete = true
		case "", "0", "*":
		default:
			return &sheet.FileError{Row: row.Line, Column: p.label, Err: ErrDeleteValue}
		}
	}
	if mp.services != nil {
		var b strings.Builder
		for _, i := range mp.services {
			if v := strings.TrimSpace(cell(row.Cells, i)); v != "" {
				if b.Len() > 0 {
					b.WriteByte(';')
				}
				b.WriteString(v)
			}
		}
		rec.Values[validate.Services], rec.Set[validate.Services] = b.String(), true
	}
	if mp.orgs != nil {
		var b strings.Builder
		for _, i := range mp.orgs {
			org, title := strings.TrimSpace(cell(row.Cells, i)), strings.TrimSpace(cell(row.Cells, i+1))
			if org == "" {
				if title != "" {
					return &sheet.FileError{Row: row.Line, Column: sheet.ColumnLabel(mp.header, i+1), Err: fmt.Errorf("title %q has no department in the column before it", title)}
				}
				continue
			}
			if b.Len() > 0 {
				b.WriteByte(';')
			}
			b.WriteString(org)
			if title != "" {
				b.WriteByte(':')
				b.WriteString(title)
			}
		}
		rec.Values[validate.Organizations], rec.Set[validate.Organizations] = b.String(), true
	}
	return nil
}

func cell(cells []string, i int) string {
	if i >= 0 && i < len(cells) {
		return cells[i]
	}
	return ""
}

// isKeep reports a cell holding cybozu's "*", spaces around it allowed.
func isKeep(v string) bool {
	if v == "*" {
		return true
	}
	if len(v) < 2 || len(v) > 8 || (v[0] != ' ' && v[len(v)-1] != ' ') {
		return false
	}
	return strings.TrimSpace(v) == "*"
}

// exampleMarkers open the first cell of an example row, after width
// folding and lower-casing. The words must be followed by a space or a
// colon ("e.g. taro.yamada", "例: yamada"), so that a login name such as
// "e.g.smith" or "example" is never taken for one; the bracketed forms
// stand alone too.
var exampleMarkers = []struct {
	prefix string
	alone  bool // the marker may be the whole cell
	closed bool // the marker may be followed by anything
}{
	{"e.g.", false, false}, {"example:", true, true}, {"例", true, false}, {"記入例", true, false}, {"入力例", true, false},
	{"(例)", true, true}, {"[例]", true, true}, {"【例】", true, true}, {"<例>", true, true},
}

// exampleStart holds the first bytes of the example markers (and of their
// full-width forms, and a leading space), so that Map, which runs on every
// row, rules out almost every first cell with one lookup.
var exampleStart = func() (t [256]bool) {
	for _, b := range []byte{'e', 'E', '(', '[', '<', ' ', 0xE4, 0xE8, 0xE5, 0xE3, 0xEF} {
		t[b] = true
	}
	return t
}()

// isExampleMarker reports whether cell opens a template's example row.
func isExampleMarker(c string) bool {
	if c == "" || !exampleStart[c[0]] {
		return false
	}
	s := strings.ToLower(width.Fold.String(strings.TrimSpace(c)))
	for _, m := range exampleMarkers {
		rest, ok := strings.CutPrefix(s, m.prefix)
		if !ok {
			continue
		}
		switch {
		case m.closed:
			return true
		case rest == "":
			if m.alone {
				return true
			}
		case rest[0] == ' ' || rest[0] == ':' || strings.HasPrefix(rest, "\u3000"):
			return true
		case m.prefix == "例" && (rest[0] == ')' || strings.HasPrefix(rest, "」")):
			return true
		}
	}
	return false
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
		if p.exhausted > 0 {
			// A template that ran out of work on one row is a mapping
			// to fix; running it again on every row would take hours.
			return "", &sheet.FileError{Row: row.Line, Column: p.label, Err: fmt.Errorf("the mapping template (%s) is not run again: on row %d %w", p.where, p.exhausted, ErrTemplateBudget)}
		}
		mp.meter.reset()
		if err := p.tmpl.Execute(&mp.buf, data); err != nil {
			if errors.Is(err, ErrTemplateBudget) {
				p.exhausted = row.Line
			}
			return "", &sheet.FileError{Row: row.Line, Column: p.label, Err: fmt.Errorf("the mapping template (%s) failed: %w", p.where, cleanTemplateErr(err))}
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
	for _, limit := range []error{ErrTemplateBudget, errTemplateOutput} {
		if errors.Is(err, limit) {
			return limit
		}
	}
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
