package mapping

import (
	"errors"
	"strings"
	"testing"

	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// TestTemplateBudget: templates that would loop for hours or grow a value
// without bound end with an error on the row that names the mapping line;
// ordinary templates over the same long cell still work.
func TestTemplateBudget(t *testing.T) {
	long := strings.Repeat("ab,", 20000) // 60,000 bytes, 20,001 parts
	tests := []struct {
		name, tmpl string
		want       error // nil: the template succeeds
	}{
		{"nested range over split", `{{range split "" (col "a")}}{{range split "" (col "a")}}{{end}}{{end}}`, ErrTemplateBudget},
		{"nested range over a variable", `{{$l := split "" (col "a")}}{{range $l}}{{range $l}}{{end}}{{end}}`, ErrTemplateBudget},
		{"range over a huge number", `{{range 1000000000}}{{end}}`, ErrTemplateBudget},
		{"range in if in range", `{{$l := split "," (col "a")}}{{range $l}}{{if true}}{{range $l}}{{with 1}}{{end}}{{end}}{{end}}{{end}}`, ErrTemplateBudget},
		{"doubling with print", `{{$x := col "a"}}{{range 40}}{{$x = print $x $x}}{{end}}`, errTemplateOutput},
		{"doubling with html", `{{$x := col "a"}}{{range 40}}{{$x = html $x $x}}{{end}}`, errTemplateOutput},
		{"replace that explodes", `{{col "a" | replace "" (col "a")}}`, errTemplateOutput},
		{"join that explodes", `{{$l := split "" (col "a")}}{{join (col "a") $l}}`, errTemplateOutput},
		{"one range over the parts", `{{range split "," (col "a")}}{{end}}x`, nil},
		{"split and join", `{{col "a" | split "," | join ";" | substr 0 5}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte("fields:\n  name: '"+tt.tmpl+"'\n"), "map.yaml")
			if err != nil {
				t.Fatal(err)
			}
			mp, err := NewMapper([]string{"a", "b"}, validate.Users, m)
			if err != nil {
				t.Fatal(err)
			}
			var rec validate.Record
			err = mp.Map(sheet.Row{Line: 7, Cells: []string{long, "b"}}, &rec)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Map: %v", err)
				}
				return
			}
			var fe *sheet.FileError
			if !errors.As(err, &fe) || fe.Row != 7 || !errors.Is(err, tt.want) {
				t.Fatalf("Map: %v, want a row-7 FileError wrapping %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), "map.yaml:2: fields.name") {
				t.Errorf("the error does not name the mapping line: %v", err)
			}
		})
	}
}

// TestTemplateBudgetPerRow: the allowance is per evaluation, so a run of
// rows is not refused because earlier rows used theirs; a template that ran
// out on one row is not run again (every later row fails at once, naming
// the row where it ran out).
func TestTemplateBudgetPerRow(t *testing.T) {
	m, err := Parse([]byte(`fields: {name: '{{$l := split "," (col "a")}}{{range $l}}{{range $l}}{{end}}{{end}}ok'}`), "map.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mp, err := NewMapper([]string{"a"}, validate.Users, m)
	if err != nil {
		t.Fatal(err)
	}
	cell := strings.Repeat("x,", 249) // 250 × 250 turns: over half the allowance
	for i := range 10 {
		var rec validate.Record
		if err := mp.Map(sheet.Row{Line: i + 2, Cells: []string{cell}}, &rec); err != nil {
			t.Fatalf("row %d: %v", i+2, err)
		}
	}
	var rec validate.Record
	if err := mp.Map(sheet.Row{Line: 30, Cells: []string{strings.Repeat(",", 1000)}}, &rec); !errors.Is(err, ErrTemplateBudget) {
		t.Fatalf("row 30: %v, want ErrTemplateBudget", err)
	}
	err = mp.Map(sheet.Row{Line: 31, Cells: []string{"short"}}, &rec)
	if !errors.Is(err, ErrTemplateBudget) || !strings.Contains(err.Error(), "row 30") {
		t.Fatalf("row 31: %v, want ErrTemplateBudget naming row 30", err)
	}
}

// TestTemplateNoDefine: define, block and template could make a template
// that calls itself twice at every level; they are refused with the line.
func TestTemplateNoDefine(t *testing.T) {
	for _, tmpl := range []string{
		`{{define "x"}}{{template "x" .}}{{template "x" .}}{{end}}{{template "x" .}}`,
		`{{block "x" .}}a{{end}}`,
		`{{template "name" .}}{{template "name" .}}`,
	} {
		_, err := Parse([]byte("fields:\n  name: '"+tmpl+"'\n"), "map.yaml")
		if err == nil || !strings.Contains(err.Error(), "map.yaml:2: fields.name") {
			t.Errorf("%s: %v, want an error naming map.yaml:2", tmpl, err)
		}
	}
}
