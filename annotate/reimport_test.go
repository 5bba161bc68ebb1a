package annotate

import (
	"io"
	"path/filepath"
	"slices"
	"testing"

	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
)

// TestReadBack reads annotated copies with the input reader: the data
// cells come back as they were in the input, plus the two columns.
func TestReadBack(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		rows []report.Row
		opts sheet.Options
		want [][]string
	}{
		{"xlsx", Input{Path: "testdata/staff.xlsx", Sheet: "Staff", HeaderRow: 3}, staffRows(), sheet.Options{Sheet: "Staff", HeaderRow: 3}, nil},
		{"csv", Input{Path: "testdata/users_sjis.csv", Encoding: "shift_jis"},
			[]report.Row{{Row: 2, Status: report.Valid}, {Row: 3, Status: report.Invalid, Findings: []report.Finding{{Cell: "D3", Severity: report.SeverityError, Message: "bad"}}}},
			sheet.Options{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "a.xlsx")
			if err := Write(dst, tt.in, slices.Values(tt.rows), Options{}); err != nil {
				t.Fatal(err)
			}
			src, err := sheet.Open(tt.in.Path, sheet.Options{Encoding: tt.in.Encoding, Delimiter: tt.in.Delimiter, Sheet: tt.opts.Sheet, HeaderRow: tt.opts.HeaderRow})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			opts := tt.opts
			if tt.name == "csv" {
				opts.Sheet = "users_sjis"
			}
			out, err := sheet.Open(dst, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			h := out.Header()
			if n := len(h); n < 2 || h[n-2] != StatusHeader || h[n-1] != MessageHeader {
				t.Fatalf("header %q does not end with the two columns", h)
			}
			if !slices.Equal(h[:len(src.Header())], src.Header()) {
				t.Errorf("header %q, want %q first", h, src.Header())
			}
			for {
				a, errA := src.Next()
				b, errB := out.Next()
				if errA == io.EOF || errB == io.EOF {
					if errA != errB {
						t.Errorf("ends differ: %v, %v", errA, errB)
					}
					return
				}
				if errA != nil && errB != nil {
					continue // a row error in both (a cell beyond the header)
				}
				if errA != nil || errB != nil {
					t.Fatalf("reading: %v, %v", errA, errB)
				}
				// The CSV reader numbers rows by physical line, the
				// workbook by spreadsheet row: they differ after the
				// two-line cell.
				if tt.name == "xlsx" && a.Line != b.Line {
					t.Errorf("row %d read back as row %d", a.Line, b.Line)
				}
				n := len(src.Header())
				if !slices.Equal(a.Cells[:n], b.Cells[:n]) {
					t.Errorf("row %d = %q, want %q", a.Line, b.Cells[:n], a.Cells[:n])
				}
			}
		})
	}
}
