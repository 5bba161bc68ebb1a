package mapping

import (
	"errors"
	"testing"

	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

func FuzzMappingTemplate(f *testing.F) {
	for _, s := range []string{
		`{{ col "a" | trim | lower }}`,
		`{{ .a }} {{ col "b" | substr 1 2 }}`,
		`{{ col "a" | split "," | join ";" }}`,
		`{{ printf "%05s" (col "a") | replace "0" "x" | title }}`,
		`{{ if col "b" }}{{ col "b" | default "x" | upper }}{{ end }}`,
		`{{ col "a" | trimPrefix "x" | trimSuffix "y" }}`,
		`{{ col`,
	} {
		f.Add(s, "  Some,Value ", "日本")
	}
	f.Fuzz(func(t *testing.T, tmpl, a, b string) {
		m := &File{Fields: map[string]string{"name": tmpl}}
		mp, err := NewMapper([]string{"a", "b"}, validate.Users, m)
		if err != nil {
			return
		}
		var rec validate.Record
		if err := mp.Map(sheet.Row{Line: 2, Cells: []string{a, b}}, &rec); err != nil {
			var fe *sheet.FileError
			if !errors.As(err, &fe) || fe.Row != 2 {
				t.Fatalf("Map: %T %v, want a row-2 *sheet.FileError", err, err)
			}
			return
		}
		if len(rec.Values[validate.Name]) > sheet.MaxCellBytes {
			t.Fatalf("output of %d bytes", len(rec.Values[validate.Name]))
		}
	})
}
