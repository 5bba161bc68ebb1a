package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// newStyle registers a number format and fails the test on error.
func newStyle(t testing.TB, f *excelize.File, id int, custom string) int {
	t.Helper()
	st := &excelize.Style{NumFmt: id}
	if custom != "" {
		st.CustomNumFmt = &custom
	}
	s, err := f.NewStyle(st)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func saveXLSX(t testing.TB, f *excelize.File) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "users.xlsx")
	must(t, f.SaveAs(p))
	must(t, f.Close())
	return p
}

// workbookFixture is a workbook as HR exports them: a hidden first sheet,
// titles above the header in row 3, dates in several formats, employee
// numbers as text and as formatted numbers, formulas, trailing blank rows.
func workbookFixture(t testing.TB) string {
	f := excelize.NewFile()
	must(t, f.SetSheetName("Sheet1", "Lists"))
	must(t, f.SetCellValue("Lists", "A1", "not this sheet"))
	idx, err := f.NewSheet("Users")
	must(t, err)
	f.SetActiveSheet(idx) // excelize will not hide the active sheet
	must(t, f.SetSheetVisible("Lists", false))
	sh := "Users"
	iso := newStyle(t, f, 0, "yyyy-mm-dd")
	slash := newStyle(t, f, 0, `yyyy/m/d;@`)
	jp := newStyle(t, f, 0, `yyyy"年"m"月"d"日"`)
	builtin14 := newStyle(t, f, 14, "")
	zeros := newStyle(t, f, 0, "00000")
	timeOnly := newStyle(t, f, 20, "")
	text := newStyle(t, f, 49, "")
	plain := newStyle(t, f, 1, "")

	must(t, f.SetCellValue(sh, "A1", "HR export 2024"))
	must(t, f.SetSheetRow(sh, "A3", &[]any{"code", "employeeNumber", "joinDate", "birthDate", "sortOrder", "extensionNumber", "name", "phone"}))
	set := func(cell string, v any, style int) {
		must(t, f.SetCellValue(sh, cell, v))
		if style != 0 {
			must(t, f.SetCellStyle(sh, cell, cell, style))
		}
	}
	// row 4: text "00123", ISO date, builtin 14, General 1.5, number 42 shown as "00042"
	set("A4", "alice", 0)
	set("B4", "00123", 0)
	set("C4", 45000, iso) // 2023-03-15
	set("D4", 45000.75, builtin14)
	set("E4", 1.5, 0)
	set("F4", 42, zeros)
	set("G4", "Alice", 0)
	// row 5: other date formats, a formula with a cached value (E5)
	set("A5", "bob", 0)
	set("B5", 123, 0)
	set("C5", 45001, slash)
	set("D5", 45002, jp)
	set("E5", 123, 0)
	set("F5", 7, plain)
	set("G5", "Bob Smith", 0)
	// A cached numeric result; (excelize mislabels a cached string result
	// written this way, so the formula test uses a number.)
	must(t, f.SetCellFormula(sh, "E5", "100+23"))
	set("H5", "00123", text)
	// row 6: a formula without a cached value
	set("A6", "carol", 0)
	must(t, f.SetCellFormula(sh, "G6", `"Carol"`))
	// row 7: a time-only format is not a date; a cell right of the header
	set("A7", "dave", 0)
	set("H7", 0.5, timeOnly)
	set("J7", "stray", 0)
	// row 8: short row (trailing cells missing)
	set("A8", "erin", 0)
	// rows 9–12: styled but empty cells, an empty row with a height
	for _, c := range []string{"A9", "B9", "C10"} {
		must(t, f.SetCellStyle(sh, c, c, iso))
	}
	must(t, f.SetRowHeight(sh, 12, 30))
	return saveXLSX(t, f)
}

func TestXLSXSource(t *testing.T) {
	src, err := Open(workbookFixture(t), Options{HeaderRow: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	got := drain(t, src)
	if got.fatal != nil {
		t.Fatal(got.fatal)
	}
	wantHeader := []string{"code", "employeeNumber", "joinDate", "birthDate", "sortOrder", "extensionNumber", "name", "phone"}
	if !reflect.DeepEqual(got.header, wantHeader) || got.enc != "xlsx" {
		t.Errorf("header %q enc %q", got.header, got.enc)
	}
	want := []Row{
		{Line: 4, Cells: []string{"alice", "00123", "2023-03-15", "2023-03-15", "1.5", "00042", "Alice", ""}},
		{Line: 5, Cells: []string{"bob", "123", "2023-03-16", "2023-03-17", "123", "7", "Bob Smith", "00123"}},
		{Line: 6, Cells: []string{"carol", "", "", "", "", "", "", ""}},
		{Line: 8, Cells: []string{"erin", "", "", "", "", "", "", ""}},
	}
	if !reflect.DeepEqual(got.rows, want) {
		t.Errorf("rows\n got %q\nwant %q", fmt.Sprint(got.rows), fmt.Sprint(want))
	}
	wantErrs := []string{"7: wrong number of cells"}
	if !reflect.DeepEqual(got.errs, wantErrs) {
		t.Errorf("errors %q, want %q", got.errs, wantErrs)
	}
	wantFinds := []string{"Users!F4 cell.number_as_text warning", "Users!G6 cell.formula_no_value error"}
	if !reflect.DeepEqual(got.finds, wantFinds) {
		t.Errorf("findings %q, want %q", got.finds, wantFinds)
	}
}

func TestXLSXSheetChoice(t *testing.T) {
	p := workbookFixture(t)
	tests := []struct {
		sheet   string
		header  string // first header cell
		wantErr string
	}{
		{"", "HR export 2024", ""}, // first visible sheet, header row 1
		{"lists", "not this sheet", ""},
		{"Users", "HR export 2024", ""},
		{"Nope", "", `no sheet named "Nope"; the workbook has "Lists" (hidden), "Users"`},
	}
	for _, tt := range tests {
		t.Run(tt.sheet, func(t *testing.T) {
			src, err := Open(p, Options{Sheet: tt.sheet})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if h := src.Header(); h[0] != tt.header {
				t.Fatalf("header %q", h)
			}
		})
	}
}

func TestXLSXDate1904(t *testing.T) {
	f := excelize.NewFile()
	yes := true
	must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
	d := newStyle(t, f, 14, "")
	must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"code", "joinDate"}))
	must(t, f.SetCellValue("Sheet1", "A2", "a"))
	must(t, f.SetCellFloat("Sheet1", "B2", 45000, -1, 64))
	must(t, f.SetCellStyle("Sheet1", "B2", "B2", d))
	src, err := Open(saveXLSX(t, f), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	row, err := src.Next()
	if err != nil {
		t.Fatal(err)
	}
	if row.Cells[1] != "2027-03-16" { // 45000 + 1462 days in the 1900 system
		t.Fatalf("got %q", row.Cells[1])
	}
}

// rawXLSX writes a minimal package by hand, for XML shapes excelize does
// not produce: inline strings, phonetic runs, rows and cells without r=,
// t="d" and t="b" cells, damaged references.
func rawXLSX(t testing.TB, sheetData, sst string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "raw.xlsx")
	must(t, os.WriteFile(p, rawXLSXBytes(t, sheetData, sst), 0o644))
	return p
}

func rawXLSXBytes(t testing.TB, sheetData, sst string) []byte {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	files := map[string]string{
		"_rels/.rels":                `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + sheetData + `</sheetData></worksheet>`,
		"xl/sharedStrings.xml":       `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + sst + `</sst>`,
	}
	for name, body := range files {
		w, err := zw.Create(name)
		must(t, err)
		_, err = w.Write([]byte(body))
		must(t, err)
	}
	must(t, zw.Close())
	return out.Bytes()
}

func TestXLSXRawShapes(t *testing.T) {
	sst := `<si><t>ログイン名</t></si><si><t>表示名</t></si><si><r><t>山田</t></r><r><t xml:space="preserve"> 太郎</t></r><rPh sb="0" eb="2"><t>ヤマダ</t></rPh></si>`
	tests := []struct {
		name    string
		sheet   string
		rows    []Row
		errs    []string
		openErr error
	}{
		{
			name:  "shared strings with phonetic runs, inline strings, no r attributes",
			sheet: `<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row><row><c t="inlineStr"><is><t>yamada</t></is></c><c t="s"><v>2</v></c></row>`,
			rows:  []Row{{Line: 2, Cells: []string{"yamada", "山田 太郎"}}},
		},
		{
			name:  "booleans, ISO dates, errors, entities",
			sheet: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="4"><c r="A4" t="b"><v>1</v></c><c r="B4" t="d"><v>2024-02-29T00:00:00Z</v></c></row><row r="5"><c r="A5" t="e"><v>#N/A</v></c><c r="B5" t="inlineStr"><is><t>a&amp;b &lt;c&gt;</t></is></c></row>`,
			rows:  []Row{{Line: 4, Cells: []string{"TRUE", "2024-02-29"}}, {Line: 5, Cells: []string{"#N/A", "a&b <c>"}}},
		},
		{
			name:  "a bad shared-string index is a row error",
			sheet: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>99</v></c></row><row r="3"><c r="A3"><v>1</v></c></row>`,
			rows:  []Row{{Line: 3, Cells: []string{"1", ""}}},
			errs:  []string{"2: not a readable spreadsheet"},
		},
		{
			name:  "a huge cell is a row error",
			sheet: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>` + strings.Repeat("x", 100<<10) + `</t></is></c></row><row r="3"><c r="A3"><v>1</v></c></row>`,
			rows:  []Row{{Line: 3, Cells: []string{"1", ""}}},
			errs:  []string{"2: cell too large"},
		},
		{
			name:  "a stray end tag (found by FuzzXLSXSource)",
			sheet: `<row><c t="s"><v>0</v></c></row><row></c><c><v>1</v></c></row>`,
			rows:  []Row{{Line: 2, Cells: []string{"1"}}},
		},
		{
			name:    "no header",
			sheet:   ``,
			openErr: ErrEmptyHeader,
		},
		{
			name:    "duplicate header",
			sheet:   `<row><c t="s"><v>0</v></c><c t="s"><v>0</v></c></row>`,
			openErr: ErrDuplicateHeader,
		},
		{
			name:    "bad cell reference",
			sheet:   `<row><c r="1A" t="s"><v>0</v></c></row>`,
			openErr: ErrNotTabular,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Open(rawXLSX(t, tt.sheet, sst), Options{})
			if tt.openErr != nil {
				if !errors.Is(err, tt.openErr) {
					t.Fatalf("open error %v, want %v", err, tt.openErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			got := drain(t, src)
			if got.fatal != nil {
				t.Fatal(got.fatal)
			}
			if !reflect.DeepEqual(got.rows, tt.rows) || !reflect.DeepEqual(got.errs, tt.errs) {
				t.Errorf("rows %.200q errs %q\nwant %.200q errs %q", fmt.Sprint(got.rows), got.errs, fmt.Sprint(tt.rows), tt.errs)
			}
		})
	}
}

func TestXLSXOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"not a zip", []byte("code,name\n"), ErrNotTabular},
		{"encrypted (OLE)", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), ErrNotTabular},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(writeFile(t, "x.xlsx", tt.data), Options{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestIsDateFormat(t *testing.T) {
	tests := map[string]bool{
		"yyyy-mm-dd":          true,
		"d-mmm-yy":            true,
		`yyyy"年"m"月"d"日"`:     true,
		"[$-411]ggge年m月d日":    true,
		"mmm":                 true,
		"yyyy/mm/dd hh:mm":    true,
		"h:mm":                false,
		"mm:ss":               false,
		"[h]:mm:ss":           false,
		"00000":               false,
		"0.00E+00":            false,
		`"day "0`:             false,
		`#,##0;[Red]-#,##0`:   false,
		`0" days"`:            false,
		`\d0`:                 false,
		`[Blue]yyyy-mm-dd`:    true,
		`0.00_);(0.00)`:       false,
		`[<=9999999]###-####`: false,
	}
	for code, want := range tests {
		if got := isDateFormat(code); got != want {
			t.Errorf("isDateFormat(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestGeneralNumber(t *testing.T) {
	tests := map[string]string{
		"123":                 "123",
		"-5":                  "-5",
		"1.5":                 "1.5",
		"0.30000000000000004": "0.3",
		"123456789012":        "123456789012",
		"1E-3":                "0.001",
		"1.0":                 "1",
		"2.5E+25":             "2.5E+25",
		"abc":                 "abc",
	}
	for in, want := range tests {
		if got := generalNumber([]byte(in)); got != want {
			t.Errorf("generalNumber(%q) = %q, want %q", in, got, want)
		}
	}
}
