package annotate

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/report"
)

// TestCSVShiftJIS converts a CP932 file with a two-line cell, an empty
// line and a row wider than the header.
func TestCSVShiftJIS(t *testing.T) {
	rows := []report.Row{
		{Row: 2, Status: report.Valid},
		{Row: 3, Status: report.Invalid, Findings: []report.Finding{
			{Column: "ログイン名", Cell: "A3", Rule: "code.fullwidth", Severity: report.SeverityError, Message: "full-width letters"},
			{Column: "従業員番号", Cell: "C3", Rule: "cell.leading_zeros", Severity: report.SeverityWarning, Message: "check the zeros"},
		}},
		{Row: 5, Status: report.Invalid, Message: "6 cells, but the header has 5"},
		{Row: 6, Status: report.Valid, Findings: []report.Finding{
			{Column: "password", Cell: "D6", Rule: "password.unchanged", Severity: report.SeverityWarning, Message: "* means unchanged"},
		}},
	}
	dst := filepath.Join(t.TempDir(), "users.xlsx")
	in := Input{Path: "testdata/users_sjis.csv", Encoding: "shift_jis", HeaderRow: 1}
	if err := Write(dst, in, slices.Values(rows), Options{}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dst); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	f := openBook(t, dst)
	sh := "users_sjis"
	if got := f.GetSheetList(); !slices.Equal(got, []string{sh}) {
		t.Fatalf("sheets %v", got)
	}
	got, err := f.GetRows(sh, excelizeRaw)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"ログイン名", "表示名", "従業員番号", "password", "メモ", "", StatusHeader, MessageHeader},
		{"taro", "山田 太郎", "00123", "p@ss w0rd", "二行の\nメモ", "", "valid"},
		{"ｈａｎａ", "鈴木 花子", "00124", "'quoted", "①㈱髙", "", "invalid", "A3: full-width letters; C3: check the zeros"},
		nil, // the empty line
		{"jiro", "", "00125", "日本語パス", "", "extra", "invalid", "6 cells, but the header has 5"},
		{"saburo", "佐藤 三郎", "00126", "*", "", "", "valid", "D6: * means unchanged"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d: %q", len(got), len(want), got)
	}
	for i := range want {
		if !slices.Equal(trimRow(got[i]), trimRow(want[i])) {
			t.Errorf("row %d = %q, want %q", i+1, got[i], want[i])
		}
	}
	for ref, fill := range map[string]string{"A3": colorError, "C3": colorWarning, "D6": colorWarning, "G3": colorError, "G5": colorError, "G2": "", "B3": ""} {
		if got := cellFill(t, f, sh, ref); !strings.HasSuffix(got, fill) || (fill == "" && got != "") {
			t.Errorf("fill of %s = %q, want %q", ref, got, fill)
		}
	}
	// Every cell is a text cell with the text format, so 00123 stays.
	if typ, _ := f.GetCellType(sh, "C2"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("C2 type %v, want a string", typ)
	}
	if nf := numFmt(t, f, sh, "C2"); nf != 49 {
		t.Errorf("C2 number format %d, want 49 (text)", nf)
	}
	cs := comments(t, f, sh)
	for ref, want := range map[string]string{"A3": "full-width letters", "C3": "check the zeros", "D6": "* means unchanged"} {
		if got := commentText(cs[ref]); got != want {
			t.Errorf("note on %s = %q, want %q", ref, got, want)
		}
	}
	if len(cs) != 3 {
		t.Errorf("%d notes, want 3", len(cs))
	}
}

// TestCSVLatin1Semicolons converts a Windows-1252 file with semicolons;
// a formula-like password stays text.
func TestCSVLatin1Semicolons(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "out.xlsx")
	in := Input{Path: "testdata/users_1252.csv", Encoding: "windows-1252", Delimiter: ';'}
	rows := []report.Row{{Row: 2, Status: report.Valid}, {Row: 3, Status: report.Valid}}
	if err := Write(dst, in, slices.Values(rows), Options{Edits: map[string]string{"C3": "008"}}); err != nil {
		t.Fatal(err)
	}
	f := openBook(t, dst)
	got, _ := f.GetRows("users_1252", excelizeRaw)
	want := [][]string{
		{"code", "displayName", "employeeNumber", "password", StatusHeader, MessageHeader},
		{"francois", "François Müller", "007", "Crème brûlée!", "valid"},
		{"zoe", "Zoë", "008", "=1+1", "valid"},
	}
	for i := range want {
		if i >= len(got) || !slices.Equal(trimRow(got[i]), want[i]) {
			t.Errorf("row %d = %q, want %q", i+1, got, want[i])
		}
	}
	if fm, _ := f.GetCellFormula("users_1252", "D3"); fm != "" {
		t.Errorf("D3 became a formula %q", fm)
	}
}

// TestCSVOrder refuses report rows that go back, which one pass over the
// file cannot place.
func TestCSVOrder(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "out.xlsx")
	in := Input{Path: "testdata/users_1252.csv", Encoding: "windows-1252", Delimiter: ';'}
	rows := []report.Row{{Row: 3, Status: report.Valid}, {Row: 2, Status: report.Valid}}
	err := Write(dst, in, slices.Values(rows), Options{})
	if err == nil || !strings.Contains(err.Error(), ErrOrder.Error()) {
		t.Fatalf("err = %v, want ErrOrder", err)
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Error("a failed copy was left behind")
	}
}

func TestRecordRows(t *testing.T) {
	tests := []struct {
		name, text string
		want       []int
	}{
		{"plain", "a\nb\nc\n", []int{1, 2, 3}},
		{"empty lines", "a\n\n\nb\n", []int{1, 4}},
		{"multi-line cell", "a\n\"x\ny\nz\"\nb\n", []int{1, 2, 3}},
		{"crlf and empty", "a\r\n\r\n\"x\r\ny\"\r\nb\r\n", []int{1, 3, 4}},
		{"bad quote", "a\n\"x\ny\nb\n", []int{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x.csv")
			if err := os.WriteFile(p, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			rs, err := openRecords(Input{Path: p})
			if err != nil {
				t.Fatal(err)
			}
			defer rs.close()
			var got []int
			for {
				rec, err := rs.next()
				if err != nil {
					break
				}
				got = append(got, rec.row)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("rows %v, want %v", got, tt.want)
			}
		})
	}
}
