package export_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/export"
	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/validate"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./export -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; if the change is meant, run go test ./export -update\n got:\n%s", path, got)
	}
}

// TestJapaneseTemplateGolden pins what a Japanese HR desk sees: the CSV
// template as written, and the XLSX template's sheets, headers, widths,
// notes, drop-downs and guide as text.
func TestJapaneseTemplateGolden(t *testing.T) {
	for _, kind := range templateKinds {
		t.Run(kind.String(), func(t *testing.T) {
			dir := t.TempDir()
			csvPath := filepath.Join(dir, "t.csv")
			xlsxPath := filepath.Join(dir, "t.xlsx")
			for _, p := range []string{csvPath, xlsxPath} {
				if err := export.WriteTemplate(p, kind, export.TemplateOptions{Lang: i18n.Japanese}); err != nil {
					t.Fatal(err)
				}
			}
			data, err := os.ReadFile(csvPath)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "template-ja-"+kind.String()+".csv.golden", bytes.TrimPrefix(data, []byte("\uFEFF")))
			golden(t, "template-ja-"+kind.String()+".xlsx.txt.golden", dumpWorkbook(t, xlsxPath))
			if *update && kind == validate.Users {
				// The copy fill_template_ja.py fills in; TestFilledJapaneseTemplateImports
				// checks that it is still what WriteTemplate writes.
				xlsx, err := os.ReadFile(xlsxPath)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join("testdata", "template-ja-users.xlsx"), xlsx, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// dumpWorkbook renders what a person sees in a workbook as text: each
// visible sheet's cells, and for the first sheet each column's width,
// header style, note and drop-down.
func dumpWorkbook(t *testing.T, path string) []byte {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b bytes.Buffer
	sheets := f.GetSheetList()
	first := sheets[0]
	comments, err := f.GetComments(first)
	if err != nil {
		t.Fatal(err)
	}
	notes := map[string]string{}
	for _, c := range comments {
		var s strings.Builder
		for _, p := range c.Paragraph {
			s.WriteString(p.Text)
		}
		notes[c.Cell] = s.String()
	}
	dvs, err := f.GetDataValidations(first)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(first)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "sheets: %q\n\n== %s\n", sheets, first)
	for i, h := range rows[0] {
		col, _ := excelize.ColumnNumberToName(i + 1)
		w, _ := f.GetColWidth(first, col)
		sid, _ := f.GetCellStyle(first, col+"1")
		st, _ := f.GetStyle(sid)
		color := ""
		if st.Font != nil && st.Font.Color != "" {
			color = " color=" + st.Font.Color
		}
		fmt.Fprintf(&b, "%s1 %q width=%.1f%s\n", col, h, w, color)
		if i < len(rows[1]) {
			fmt.Fprintf(&b, "  example: %q\n", rows[1][i])
		}
		for _, line := range strings.Split(notes[col+"1"], "\n") {
			fmt.Fprintf(&b, "  note| %s\n", line)
		}
		for _, dv := range dvs {
			if strings.HasPrefix(dv.Sqref, col+"2:") {
				fmt.Fprintf(&b, "  list: %s\n", dv.Formula1)
				if dv.PromptTitle != nil && dv.Prompt != nil {
					fmt.Fprintf(&b, "  prompt: %s: %s\n", *dv.PromptTitle, *dv.Prompt)
				}
				if dv.ErrorTitle != nil && dv.Error != nil {
					fmt.Fprintf(&b, "  error: %s: %s\n", *dv.ErrorTitle, *dv.Error)
				}
			}
		}
	}
	for _, name := range sheets[1:] {
		if vis, _ := f.GetSheetVisible(name); !vis {
			fmt.Fprintf(&b, "\n== %s (hidden)\n", name)
			continue
		}
		fmt.Fprintf(&b, "\n== %s\n", name)
		rows, _ := f.GetRows(name)
		for i, r := range rows {
			for j, c := range r {
				if c == "" {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				fmt.Fprintf(&b, "%s %s\n", cell, strings.ReplaceAll(c, "\n", " / "))
			}
		}
	}
	return b.Bytes()
}
