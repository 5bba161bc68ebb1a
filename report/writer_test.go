package report

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestColumnsOrder pins the order in which cells() fills a record to the
// contract's Columns; a column added there must be added here too.
func TestColumnsOrder(t *testing.T) {
	want := []string{"row", "code", "status", "services", "error_code", "message", "departments", "input", "warnings", "changes"}
	if !slices.Equal(Columns, want) {
		t.Fatalf("Columns = %q, cells() writes %q", Columns, want)
	}
}

func TestGolden(t *testing.T) {
	for _, format := range []Format{CSV, JSONL} {
		t.Run(format.String(), func(t *testing.T) {
			var buf bytes.Buffer
			w, err := New(&buf, format)
			if err != nil {
				t.Fatal(err)
			}
			rows := sampleRows()
			for i := range rows {
				if err := w.Write(&rows[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "report."+format.String()+".golden")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("output differs from %s (go test -update rewrites it):\n got:\n%s\nwant:\n%s", golden, buf.Bytes(), want)
			}
		})
	}
}

// TestCSVShape checks the properties the golden file could hide by being
// regenerated: header line, no BOM, every trigger escaped.
func TestCSVShape(t *testing.T) {
	var buf bytes.Buffer
	w, err := New(&buf, CSV)
	if err != nil {
		t.Fatal(err)
	}
	rows := sampleRows()
	for i := range rows {
		if err := w.Write(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, strings.Join(Columns, ",")+"\n") {
		t.Errorf("CSV does not start with the header line: %q", out[:min(len(out), 80)])
	}
	for _, want := range []string{
		`"'=HYPERLINK(""http://evil"",""x"")"`,
		`'+81312345678`,
		`'@sum`,
		",'\tinterrupted,", // tab needs no CSV quoting
		"\"'\rcr\"",
		`''=already quoted`,
		`'plain quote stays`,
		"\"'-5 is out of range, the server said:\nline two, with \"\"quotes\"\", and commas\"",
		"山田太郎",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("CSV lacks %q", want)
		}
	}
}

func TestHeaderWrittenAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), strings.Join(Columns, ",")+"\n"; got != want {
		t.Errorf("file before the first row = %q, want the header %q", got, want)
	}
}

// TestFlush checks the crash-safety contract: rows written before Flush are
// in the file, whole, before Close.
func TestFlush(t *testing.T) {
	for _, ext := range []string{".csv", ".jsonl"} {
		t.Run(ext, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "r"+ext)
			w, err := Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			rows := sampleRows()
			for i := range rows[:3] {
				if err := w.Write(&rows[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, path)
			if err != nil {
				t.Fatal(err)
			}
			if !sameRows(got, rows[:3]) {
				t.Errorf("after Flush the file holds %v, want %v", got, rows[:3])
			}
		})
	}
}

// TestWholeLinesOnly writes more than the buffer holds without calling
// Flush: whatever reached the file must end on a row boundary.
func TestWholeLinesOnly(t *testing.T) {
	for _, ext := range []string{".csv", ".jsonl"} {
		t.Run(ext, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "r"+ext)
			w, err := Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			r := Row{Code: "user", Status: Created, Message: strings.Repeat("x", 333), Input: fingerprint}
			for i := range 1000 {
				r.Row = i + 2
				if err := w.Write(&r); err != nil {
					t.Fatal(err)
				}
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) < flushThreshold {
				t.Fatalf("only %d bytes reached the file; the test needs more than %d", len(b), flushThreshold)
			}
			if b[len(b)-1] != '\n' {
				t.Errorf("the file ends mid-row: %q", b[len(b)-20:])
			}
		})
	}
}

// TestMessageWrittenAsIs documents that the writer does no secret
// scrubbing: it cannot know what a password is, so callers must keep
// secrets out of Message. Only formula escaping touches a value.
func TestMessageWrittenAsIs(t *testing.T) {
	const msg = "password for alice was rejected: CB_VA01 P@ssw0rd-not-here"
	for _, format := range []Format{CSV, JSONL} {
		var buf bytes.Buffer
		w, err := New(&buf, format)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(&Row{Row: 2, Code: "alice", Status: Failed, Message: msg}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), msg) {
			t.Errorf("%v: message not written as given:\n%s", format, buf.String())
		}
	}
}

func TestWriterErrors(t *testing.T) {
	for _, format := range []Format{CSV, JSONL, XLSX} {
		t.Run(format.String(), func(t *testing.T) {
			var buf bytes.Buffer
			w, err := New(&buf, format)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(nil); err == nil {
				t.Error("Write(nil) succeeded")
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			if err := w.Write(&Row{Row: 2, Status: Valid}); !errors.Is(err, ErrClosed) {
				t.Errorf("Write after Close = %v, want ErrClosed", err)
			}
			if err := w.Flush(); !errors.Is(err, ErrClosed) {
				t.Errorf("Flush after Close = %v, want ErrClosed", err)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorIsSticky(t *testing.T) {
	_, err := New(failingWriter{}, CSV)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("New on a failing writer = %v, want the write error", err)
	}
	w, err := New(failingWriter{}, JSONL)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&Row{Row: 2, Status: Valid}); err != nil {
		t.Fatalf("buffered Write = %v", err)
	}
	if err := w.Flush(); err == nil {
		t.Fatal("Flush to a failing writer succeeded")
	}
	if err := w.Write(&Row{Row: 3, Status: Valid}); err == nil {
		t.Error("Write after a failed Flush succeeded")
	}
	if err := w.Close(); err == nil {
		t.Error("Close after a failed Flush succeeded")
	}
}

func TestFormatFor(t *testing.T) {
	tests := []struct {
		path string
		want Format
		ok   bool
	}{
		{"r.csv", CSV, true},
		{"R.CSV", CSV, true},
		{"-", CSV, true},
		{"dir.v2/r.jsonl", JSONL, true},
		{"r.xlsx", XLSX, true},
		{"r.xls", 0, false},
		{"r.json", 0, false},
		{"report", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := FormatFor(tt.path)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("FormatFor(%q) = %v, %v; want %v, ok=%v", tt.path, got, err, tt.want, tt.ok)
		}
		if err != nil {
			if !errors.Is(err, ErrUnsupportedFormat) {
				t.Errorf("FormatFor(%q) error %v does not wrap ErrUnsupportedFormat", tt.path, err)
			}
			if !strings.Contains(err.Error(), ".csv, .jsonl or .xlsx") {
				t.Errorf("FormatFor(%q) error %q does not list the supported extensions", tt.path, err)
			}
		}
	}
	if _, err := New(&bytes.Buffer{}, Format(0)); !errors.Is(err, ErrUnsupportedFormat) {
		t.Errorf("New(Format(0)) = %v, want ErrUnsupportedFormat", err)
	}
	if _, err := Create(filepath.Join(t.TempDir(), "r.txt")); !errors.Is(err, ErrUnsupportedFormat) {
		t.Errorf("Create(r.txt) = %v, want ErrUnsupportedFormat", err)
	}
	if _, err := Create(filepath.Join(t.TempDir(), "missing", "r.csv")); err == nil {
		t.Error("Create in a missing directory succeeded")
	}
}

func TestRoundTrip(t *testing.T) {
	for _, ext := range []string{".csv", ".jsonl", ".xlsx"} {
		t.Run(ext, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "report"+ext)
			want := sampleRows()
			writeAll(t, path, want)
			got, err := readAll(t, path)
			if err != nil {
				t.Fatal(err)
			}
			if ext != ".jsonl" {
				// Only JSON Lines keeps the findings themselves; the other
				// formats keep their messages (message, warnings).
				for i := range want {
					want[i].Findings = nil
				}
			}
			if !sameRows(got, want) {
				t.Errorf("round trip through %s:\n got %+v\nwant %+v", ext, got, want)
			}
		})
	}
}

// TestXLSXLayout checks what a person sees: bold frozen header, widths,
// failed and invalid rows filled red, not_attempted yellow, others plain,
// and escaped cells.
func TestXLSXLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.xlsx")
	rows := sampleRows()
	writeAll(t, path, rows)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{sheetName}) {
		t.Fatalf("sheets = %q, want [%s]", got, sheetName)
	}
	panes, err := f.GetPanes(sheetName)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, want the header row frozen", panes)
	}
	if w, err := f.GetColWidth(sheetName, "F"); err != nil || w != colWidths[5] {
		t.Errorf("message column width = %v, %v; want %v", w, err, colWidths[5])
	}
	style := func(cell string) *excelize.Style {
		t.Helper()
		id, err := f.GetCellStyle(sheetName, cell)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := style("B1"); s.Font == nil || !s.Font.Bold {
		t.Errorf("header cell B1 is not bold: %+v", s.Font)
	}
	fill := func(cell string) string {
		if c := style(cell).Fill.Color; len(c) > 0 {
			return strings.ToUpper(strings.TrimPrefix(c[0], "#"))
		}
		return ""
	}
	for i, r := range rows {
		sheetRow := i + 2
		want := ""
		switch r.Status {
		case Failed, Invalid:
			want = colourBad
		case NotAttempted:
			want = colourNotAttempted
		}
		for _, col := range []string{"A", "C", "F"} {
			cell := col + strconv.Itoa(sheetRow)
			if got := fill(cell); got != want {
				t.Errorf("%s (status %s) fill = %q, want %q", cell, r.Status, got, want)
			}
		}
	}
	if v, _ := f.GetCellValue(sheetName, "B6"); v != EscapeFormula(rows[4].Code) || v[0] != '\'' {
		t.Errorf("B6 = %q, want the escaped formula", v)
	}
	if typ, _ := f.GetCellType(sheetName, "A2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("row number cell type = %v, want a number", typ)
	}
}
