package sheet

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The files under testdata were written by other programs (Python's
// codecs, openpyxl, LibreOffice): see testdata/make.py.

func TestFilesCSV(t *testing.T) {
	tests := []struct {
		file   string
		opts   Options
		enc    string
		header []string
		rows   []Row
		finds  []string
		errs   []string
	}{
		{
			file:   "cp1252.csv",
			enc:    "windows-1252",
			header: []string{"code", "name", "email", "description"},
			rows: []Row{
				{Line: 2, Cells: []string{"francois", "François Müller", "f@example.com", "Café crème"}},
				{Line: 3, Cells: []string{"zoe", "Zoë Renée", "z@example.com", "“quoted” – dash"}},
				{Line: 4, Cells: []string{"jose", "José Ñúñez", "j@example.com", ""}},
			},
		},
		{
			file:   "unicode-text.txt",
			enc:    "utf-16le",
			header: []string{"ログイン名", "表示名", "メールアドレス"},
			rows: []Row{
				{Line: 2, Cells: []string{"yamada", "山田 太郎", "yamada@example.com"}},
				{Line: 3, Cells: []string{"muller", "Müller", "m@example.com"}},
			},
		},
		{
			file:   "utf16be.csv",
			enc:    "utf-16be",
			header: []string{"ログイン名", "表示名", "メールアドレス"},
			rows: []Row{
				{Line: 2, Cells: []string{"yamada", "山田 太郎", "yamada@example.com"}},
				{Line: 3, Cells: []string{"muller", "Müller", "m@example.com"}},
			},
		},
		{
			file:   "semicolon.csv",
			enc:    "utf-8 (BOM)",
			header: []string{"code", "name", "sortOrder"},
			rows: []Row{
				{Line: 2, Cells: []string{"anna", "Müller, Anna", "1,5"}},
				{Line: 3, Cells: []string{"ben", "Ben", "2"}},
			},
		},
		{
			file:   "semicolon.csv",
			opts:   Options{Delimiter: ','}, // the flag overrides the sniffing
			enc:    "utf-8 (BOM)",
			header: []string{"code;name;sortOrder"},
			rows:   []Row{{Line: 3, Cells: []string{"ben;Ben;2"}}},
			errs:   []string{"2: wrong number of cells"},
		},
		{
			file:   "cp932.csv",
			enc:    "shift_jis",
			header: []string{"ログイン名", "表示名", "よみがな", "部署"},
			rows: []Row{
				{Line: 2, Cells: []string{"takahashi", "髙橋 ①", "ﾀｶﾊｼ", "㈱営業部"}},
				{Line: 3, Cells: []string{"yamada", "山田 太郎", "ﾔﾏﾀﾞ", "総務"}},
			},
		},
		{
			file:   "mojibake.csv",
			enc:    "utf-8",
			header: []string{"code", "name", "description"},
			rows: []Row{
				{Line: 2, Cells: []string{"muller", "MÃ¼ller", "ok"}},
				{Line: 3, Cells: []string{"tanaka", "ç”°ä¸\u00ad", "ok"}},
				{Line: 4, Cells: []string{"yamada", "螻ｱ逕ｰ", "ok"}},
				{Line: 5, Cells: []string{"clean", "Zoë 山田", "ok"}},
			},
			finds: []string{"B2 cell.mojibake warning", "B3 cell.mojibake warning", "B4 cell.mojibake warning"},
		},
		{
			file:   "cr-only.csv",
			enc:    "utf-8",
			header: []string{"code", "name"},
			rows:   []Row{{Line: 2, Cells: []string{"ann", "Ann"}}, {Line: 3, Cells: []string{"bob", "Bob"}}},
		},
		{
			file:   "multiline.csv",
			enc:    "utf-8",
			header: []string{"code", "description"},
			rows: []Row{
				{Line: 2, Cells: []string{"a", "one\ntwo"}},
				{Line: 4, FileLine: 5, Cells: []string{"b", "x"}},
				{Line: 5, FileLine: 6, Cells: []string{"c", "p\nq\nr"}},
				{Line: 6, FileLine: 9, Cells: []string{"d", "y"}},
			},
		},
		{
			file:   "export-marked.csv",
			enc:    "utf-8 (BOM)",
			header: []string{"code", "password", "description"},
			rows: []Row{
				{Line: 3, Cells: []string{"u1", "'=Abc-12345", `=HYPERLINK("x")`}},
				{Line: 4, Cells: []string{"u2", "", "@SUM(1)"}},
			},
		},
		{
			file:   "export-resaved.csv",
			enc:    "utf-8",
			header: []string{"code", "password", "description"},
			rows: []Row{
				{Line: 3, Cells: []string{"u1", "'=Abc-12345", `=HYPERLINK("x")`}},
				{Line: 4, Cells: []string{"u2", "", "@SUM(1)"}},
			},
		},
		{
			file:   "export-marked.csv",
			opts:   Options{KeepQuote: func(h string) bool { return h == "description" }},
			enc:    "utf-8 (BOM)",
			header: []string{"code", "password", "description"},
			rows: []Row{
				{Line: 3, Cells: []string{"u1", "=Abc-12345", `'=HYPERLINK("x")`}},
				{Line: 4, Cells: []string{"u2", "", "'@SUM(1)"}},
			},
		},
		{
			file:   "unmarked.csv",
			enc:    "utf-8",
			header: []string{"code", "password", "description"},
			rows: []Row{
				{Line: 2, Cells: []string{"u1", "'=Abc-12345", `'=HYPERLINK("x")`}},
				{Line: 3, Cells: []string{"u2", "", "'@SUM(1)"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src, err := Open(filepath.Join("testdata", tt.file), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			got := drain(t, src)
			if got.fatal != nil || !reflect.DeepEqual(got.errs, tt.errs) {
				t.Fatalf("errors %v %q, want %q", got.fatal, got.errs, tt.errs)
			}
			if got.enc != tt.enc || !reflect.DeepEqual(got.header, tt.header) {
				t.Errorf("enc %q header %q, want %q %q", got.enc, got.header, tt.enc, tt.header)
			}
			if !reflect.DeepEqual(got.rows, tt.rows) {
				t.Errorf("rows\n got %q\nwant %q", fmt.Sprint(got.rows), fmt.Sprint(tt.rows))
			}
			if !reflect.DeepEqual(got.finds, tt.finds) {
				t.Errorf("findings %q, want %q", got.finds, tt.finds)
			}
			data, _ := os.ReadFile(filepath.Join("testdata", tt.file))
			want, _ := Fingerprint(filepath.Join("testdata", tt.file))
			if fp := src.Fingerprint(); fp != want || !strings.HasSuffix(fp, fmt.Sprintf(" size:%d", len(data))) {
				t.Errorf("fingerprint %q, want %q", fp, want)
			}
		})
	}
}

func TestFilesRefused(t *testing.T) {
	tests := []struct {
		file string
		want error
		msg  string
	}{
		{"utf32.csv", ErrEncoding, "UTF-32LE"},
		{"text-named.xlsx", ErrNotTabular, "text file, probably CSV"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := Open(filepath.Join("testdata", tt.file), Options{})
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) || strings.Contains(err.Error(), "password") {
				t.Fatalf("got %v, want %v saying %q", err, tt.want, tt.msg)
			}
		})
	}
}

// findStaffHeader plays mapping's header search: the row that has a
// login-name column.
func findStaffHeader(rows [][]string) (int, bool) {
	for i, r := range rows {
		if len(r) > 0 && strings.HasPrefix(r[0], "ログイン名") {
			return i, true
		}
	}
	return 0, false
}

func TestFilesTrapsWorkbook(t *testing.T) {
	p := filepath.Join("testdata", "traps.xlsx")
	sheets, err := Sheets(p)
	if err != nil || !reflect.DeepEqual(sheets, []SheetInfo{{Name: "README"}, {Name: "Staff"}}) {
		t.Fatalf("Sheets: %v %v", sheets, err)
	}
	prev, err := Preview(p, Options{Sheet: "Staff"}, 2)
	if err != nil || len(prev) != 2 || prev[0].Line != 1 || prev[1].Line != 3 || prev[1].Cells[0] != "ログイン名\n(必須)" {
		t.Fatalf("Preview: %v %v", prev, err)
	}
	textCols := func(h string) bool { return h == "employeeNumber" || h == "phone" }
	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprint("skip hidden ", skip), func(t *testing.T) {
			src, err := Open(p, Options{FindHeader: findStaffHeader, TextColumns: textCols, SkipHidden: skip})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if src.Sheet() != "Staff" {
				t.Fatalf("sheet %q, want Staff (README has no header)", src.Sheet())
			}
			got := drain(t, src)
			if got.fatal != nil || len(got.errs) > 0 {
				t.Fatalf("errors %v %q", got.fatal, got.errs)
			}
			lines := []int{}
			for _, r := range got.rows {
				lines = append(lines, r.Line)
			}
			if want := []int{4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}; !reflect.DeepEqual(lines, want) {
				t.Errorf("rows %v, want %v", lines, want)
			}
			byLine := map[int][]string{}
			for _, r := range got.rows {
				byLine[r.Line] = r.Cells
			}
			if c := byLine[4]; c[2] != "00123" || c[3] != "312345679" {
				t.Errorf("row 4 numbers %q", c)
			}
			for _, l := range []int{5, 6, 7} {
				if byLine[l][4] != "Dev" {
					t.Errorf("row %d department %q, want the merged Dev", l, byLine[l][4])
				}
			}
			want := []string{
				"Staff!C4 cell.number_as_text warning", "Staff!D4 cell.number_as_text warning",
				"Staff!C5 cell.number_as_text warning",
				"Staff!E6 cell.merged warning",
				"Staff!E7 cell.merged warning", "Staff!F7 cell.formula_no_value error",
				" row.hidden warning",
			}
			if skip {
				want = append(want, "skipped 8")
			}
			for i := range 9 {
				want = append(want, fmt.Sprintf("Staff!G%d cell.error_value error", 9+i))
			}
			want = append(want, " row.hidden warning")
			if skip {
				want = append(want, "skipped 19")
			}
			if !reflect.DeepEqual(got.finds, want) {
				t.Errorf("findings\n got %q\nwant %q", got.finds, want)
			}
			if !strings.HasPrefix(src.Fingerprint(), "traps.xlsx crc32c:") {
				t.Errorf("fingerprint %q", src.Fingerprint())
			}
		})
	}
}

// Without FindHeader and TextColumns: the first visible sheet, and the
// guess for numbers (5+ digits, or a zero-padding format).
func TestFilesTrapsDefaults(t *testing.T) {
	src, err := Open(filepath.Join("testdata", "traps.xlsx"), Options{Sheet: "staff", HeaderRow: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	got := drain(t, src)
	var numbers []string
	for _, f := range got.finds {
		if strings.Contains(f, RuleNumberAsText) {
			numbers = append(numbers, f)
		}
	}
	if want := []string{"Staff!C4 cell.number_as_text warning", "Staff!D4 cell.number_as_text warning"}; !reflect.DeepEqual(numbers, want) {
		t.Errorf("got %q, want %q", numbers, want)
	}
	src2, err := Open(filepath.Join("testdata", "traps.xlsx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src2.Close()
	if src2.Sheet() != "README" || src2.Header()[0] != "Fill in the sheet Staff." {
		t.Errorf("sheet %q header %q", src2.Sheet(), src2.Header())
	}
}

func TestFilesFormulas(t *testing.T) {
	tests := []struct {
		file  string
		rows  []Row
		finds []string
	}{
		{"formulas-openpyxl.xlsx",
			[]Row{{Line: 2, Cells: []string{"ann", "Ann", ""}}, {Line: 3, Cells: []string{"ben", "", ""}}},
			[]string{"Users!C2 cell.formula_no_value error", "Users!B3 cell.formula_no_value error", "Users!C3 cell.formula_no_value error"}},
		{"formulas-libreoffice.xlsx",
			[]Row{{Line: 2, Cells: []string{"ann", "Ann", "ann@example.com"}}, {Line: 3, Cells: []string{"ben", "BEN", "ben@example.com"}}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src, err := Open(filepath.Join("testdata", tt.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			got := drain(t, src)
			if !reflect.DeepEqual(got.rows, tt.rows) || !reflect.DeepEqual(got.finds, tt.finds) || len(got.errs) > 0 {
				t.Errorf("rows %q findings %q errors %q\nwant %q %q", fmt.Sprint(got.rows), got.finds, got.errs, fmt.Sprint(tt.rows), tt.finds)
			}
		})
	}
}

func TestFilesDates(t *testing.T) {
	for _, file := range []string{"dates1900.xlsx", "dates1904.xlsx"} {
		t.Run(file, func(t *testing.T) {
			src, err := Open(filepath.Join("testdata", file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			row, err := src.Next()
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"ann", "2025-04-01", "1990-12-31"}; !slices.Equal(row.Cells, want) {
				t.Errorf("got %q, want %q", row.Cells, want)
			}
			if _, err := src.Next(); err != io.EOF {
				t.Errorf("then %v", err)
			}
		})
	}
}
