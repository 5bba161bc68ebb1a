package annotate

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/report"
)

// staffRows is a report of testdata/staff.xlsx (header on row 3).
func staffRows() []report.Row {
	return []report.Row{
		{Row: 4, Code: "taro", Status: report.Valid},
		{Row: 5, Code: "ha na", Status: report.Invalid, Message: "code: a login name cannot contain a space",
			Findings: []report.Finding{
				{Column: "ログイン名", Cell: "Staff!A5", Rule: "code.forbidden_char", Severity: report.SeverityError, Message: "a login name cannot contain a space"},
				{Column: "email", Cell: "Staff!C5", Rule: "email.invalid", Severity: report.SeverityError, Message: "not an e-mail address"},
				{Column: "email", Cell: "Staff!C5", Rule: "email.domain", Severity: report.SeverityWarning, Message: "the domain has no dot"},
			}},
		{Row: 6, Code: "jiro", Status: report.Valid, Warnings: "display name is empty; the login name is used",
			Findings: []report.Finding{
				{Column: "表示名", Cell: "Staff!B6", Rule: "name.empty", Severity: report.SeverityWarning, Message: "display name is empty; the login name is used"},
			}},
		{Row: 7, Code: "saburo", Status: report.Failed, Message: "CB_VA01: the server refused the row",
			Findings: []report.Finding{
				{Rule: "row.duplicate", Severity: report.SeverityWarning, Message: "the same login name appears twice in the file"},
			}},
		{Row: 8, Code: "shiro", Status: report.Valid, Findings: []report.Finding{
			{Column: "内線", Cell: "'Staff'!G8", Rule: "phone.short", Severity: report.SeverityWarning, Message: "extension is short"},
		}},
	}
}

func openBook(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func cellFill(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Fill.Color) == 0 || st.Fill.Pattern != 1 {
		return ""
	}
	return strings.ToUpper(st.Fill.Color[0])
}

func comments(t *testing.T, f *excelize.File, sheet string) map[string]excelize.Comment {
	t.Helper()
	cs, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]excelize.Comment{}
	for _, c := range cs {
		m[c.Cell] = c
	}
	return m
}

func commentText(c excelize.Comment) string {
	if c.Text != "" {
		return c.Text
	}
	var b strings.Builder
	for _, p := range c.Paragraph {
		b.WriteString(p.Text)
	}
	return b.String()
}

func annotateStaff(t *testing.T, rows []report.Row) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "staff.annotated.xlsx")
	in := Input{Path: "testdata/staff.xlsx", Sheet: "Staff", HeaderRow: 3}
	if err := Write(dst, in, slices.Values(rows), Options{}); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestXLSXFillsNotesAndColumns(t *testing.T) {
	dst := annotateStaff(t, staffRows())
	fi, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	f := openBook(t, dst)
	fills := []struct{ ref, want string }{
		{"A4", ""}, {"A5", colorError}, {"C5", colorError}, {"B6", colorWarning},
		{"G8", colorWarning}, {"D5", ""}, {"B5", ""},
		// The status cells: red for invalid and failed rows, yellow for
		// warnings only, none for a clean row.
		{"J4", ""}, {"J5", colorError}, {"J6", colorWarning}, {"J7", colorError}, {"J8", colorWarning},
	}
	for _, c := range fills {
		if got := cellFill(t, f, "Staff", c.ref); !strings.HasSuffix(got, c.want) || (c.want == "" && got != "") {
			t.Errorf("fill of %s = %q, want %q", c.ref, got, c.want)
		}
	}
	// The status columns go after I, where row 5 has a cell beyond the
	// header.
	for ref, want := range map[string]string{
		"J3": StatusHeader, "K3": MessageHeader, "J4": "valid", "K4": "", "J5": "invalid",
		"K5": "A5: a login name cannot contain a space; C5: not an e-mail address; C5: the domain has no dot",
		"J7": "failed", "K7": "the same login name appears twice in the file; CB_VA01: the server refused the row",
		"K6": "B6: display name is empty; the login name is used", "I5": "see mail",
	} {
		if got, _ := f.GetCellValue("Staff", ref); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
	cs := comments(t, f, "Staff")
	for ref, want := range map[string]string{
		"A5": "a login name cannot contain a space",
		"C5": "not an e-mail address\nthe domain has no dot",
		"G8": "extension is short",
		"A4": "the boss",            // the person's note stays
		"B6": "ask HR for the name", // and is not replaced by ours
	} {
		c, ok := cs[ref]
		if !ok {
			t.Errorf("no note on %s", ref)
			continue
		}
		if got := commentText(c); !strings.Contains(got, want) {
			t.Errorf("note on %s = %q, want %q", ref, got, want)
		}
	}
	if len(cs) != 5 {
		t.Errorf("%d notes, want 5: %v", len(cs), cs)
	}
	// The blue bold italic font of C5 stays under the fill; the header
	// columns look like the header.
	id, _ := f.GetCellStyle("Staff", "C5")
	st, _ := f.GetStyle(id)
	if c := strings.ToUpper(st.Font.Color); !st.Font.Bold || !st.Font.Italic || (c != "0000FF" && c != "FF0000FF" && c != "000000FF") {
		t.Errorf("C5 font = %+v, want bold italic blue", st.Font)
	}
	id, _ = f.GetCellStyle("Staff", "J3")
	if st, _ := f.GetStyle(id); st.Font == nil || !st.Font.Bold {
		t.Errorf("status header is not bold like the header")
	}
	// Same style, same severity: one style. A5 and C5 started with
	// different styles, so they differ; the date cells keep their format.
	if nf := numFmt(t, f, "Staff", "F5"); nf == 0 {
		t.Errorf("F5 lost its date format")
	}
}

func numFmt(t *testing.T, f *excelize.File, sheet, ref string) int {
	t.Helper()
	id, _ := f.GetCellStyle(sheet, ref)
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		return -1
	}
	return st.NumFmt
}

// TestXLSXKeepsEveryCell compares every cell of every sheet, formulas and
// passwords included, with the input.
func TestXLSXKeepsEveryCell(t *testing.T) {
	dst := annotateStaff(t, staffRows())
	src, out := openBook(t, "testdata/staff.xlsx"), openBook(t, dst)
	if !slices.Equal(src.GetSheetList(), out.GetSheetList()) {
		t.Fatalf("sheets %v, want %v", out.GetSheetList(), src.GetSheetList())
	}
	for _, sh := range src.GetSheetList() {
		a, err := src.GetRows(sh, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		b, err := out.GetRows(sh, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r := range max(len(a), len(b)) {
			var ra, rb []string
			if r < len(a) {
				ra = a[r]
			}
			if r < len(b) {
				rb = b[r]
			}
			if sh == "Staff" && r+1 >= 3 && len(rb) > 9 {
				rb = rb[:9] // the two added columns, J and K
			}
			ra, rb = trimRow(ra), trimRow(rb)
			if !slices.Equal(ra, rb) {
				t.Errorf("%s row %d = %q, want %q", sh, r+1, rb, ra)
			}
		}
		va, _ := src.GetSheetVisible(sh)
		vb, _ := out.GetSheetVisible(sh)
		if va != vb {
			t.Errorf("sheet %s visible %v, want %v", sh, vb, va)
		}
	}
	if fa, _ := out.GetCellFormula("Lists", "B1"); fa != "COUNTA(A1:A2)" {
		t.Errorf("formula = %q", fa)
	}
	for ref, want := range map[string]string{"D4": "p@ss'w0rd ", "D5": "'quoted", "D6": "日本語パス", "D7": "*", "D8": "=not a formula", "E4": "00123"} {
		if got, _ := out.GetCellValue("Staff", ref); got != want {
			t.Errorf("%s = %q, want %q as typed", ref, got, want)
		}
	}
	if f, _ := out.GetCellFormula("Staff", "D8"); f != "" {
		t.Errorf("D8 became a formula: %q", f)
	}
	if m, _ := out.GetMergeCells("Staff"); len(m) != 1 || m[0].GetStartAxis() != "A1" || m[0].GetEndAxis() != "D1" {
		t.Errorf("merged cells = %v", m)
	}
	if w, _ := out.GetColWidth("Staff", "B"); w < 19.9 || w > 20.1 {
		t.Errorf("column B width = %v, want 20", w)
	}
}

// TestXLSXAgain annotates an annotated copy: the columns are reused and the
// marks of fixed cells go.
func TestXLSXAgain(t *testing.T) {
	first := annotateStaff(t, staffRows())
	rows := staffRows()
	rows[1] = report.Row{Row: 5, Status: report.Valid}
	dst := filepath.Join(t.TempDir(), "again.xlsx")
	in := Input{Path: first, Sheet: "Staff", HeaderRow: 3}
	if err := Write(dst, in, slices.Values(rows), Options{}); err != nil {
		t.Fatal(err)
	}
	f := openBook(t, dst)
	for ref, want := range map[string]string{"J3": StatusHeader, "K3": MessageHeader, "L3": "", "J5": "valid", "K5": "", "J7": "failed"} {
		if got, _ := f.GetCellValue("Staff", ref); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
	for _, ref := range []string{"A5", "C5", "J5"} {
		if got := cellFill(t, f, "Staff", ref); got != "" {
			t.Errorf("%s still filled %q", ref, got)
		}
	}
	if got := cellFill(t, f, "Staff", "J7"); !strings.HasSuffix(got, colorError) {
		t.Errorf("J7 fill %q", got)
	}
	cs := comments(t, f, "Staff")
	if _, ok := cs["A5"]; ok {
		t.Error("the note of the fixed A5 is still there")
	}
	if c := cs["G8"]; commentText(c) != "extension is short" {
		t.Errorf("G8 note = %q (a note replaced must not grow)", commentText(c))
	}
	if _, ok := cs["A4"]; !ok {
		t.Error("the person's note on A4 is gone")
	}
}

func TestXLSXPlainWithEdits(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "corrected.xlsx")
	in := Input{Path: "testdata/staff.xlsx", Sheet: "Staff", HeaderRow: 3}
	err := Write(dst, in, slices.Values(staffRows()), Options{Plain: true, Edits: map[string]string{"A5": "hana", "C5": "hana@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	f := openBook(t, dst)
	for ref, want := range map[string]string{"A5": "hana", "C5": "hana@example.com", "J3": "", "J5": ""} {
		if got, _ := f.GetCellValue("Staff", ref); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
	if got := cellFill(t, f, "Staff", "A5"); got != "" {
		t.Errorf("plain copy has a fill on A5: %q", got)
	}
	id, _ := f.GetCellStyle("Staff", "C5")
	if st, _ := f.GetStyle(id); st.Font == nil || !st.Font.Italic {
		t.Error("the edit lost C5's style")
	}
}

func TestWriteErrorsLeaveNothing(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "out.xlsx")
	cases := []Input{
		{Path: "testdata/staff.xlsx", Sheet: "Nope", HeaderRow: 3},
		{Path: filepath.Join(dir, "missing.csv")},
		{Path: "testdata/users_sjis.csv", Encoding: "ebcdic"},
	}
	for _, in := range cases {
		err := Write(dst, in, slices.Values(staffRows()), Options{})
		var ae *Error
		if !errors.As(err, &ae) {
			t.Errorf("%+v: err = %v, want *Error", in, err)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 0 {
			t.Errorf("%+v: left %v behind", in, entries)
		}
	}
}

func trimRow(r []string) []string {
	for len(r) > 0 && r[len(r)-1] == "" {
		r = r[:len(r)-1]
	}
	return r
}

var excelizeRaw = excelize.Options{RawCellValue: true}
