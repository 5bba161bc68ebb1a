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

// setMaxSheetRows lowers the per-sheet row limit for one test, so that
// rolling over to a new sheet takes a few rows rather than a million.
func setMaxSheetRows(t *testing.T, n int) {
	t.Helper()
	old := maxSheetRows
	maxSheetRows = n
	t.Cleanup(func() { maxSheetRows = old })
}

// numberedRows returns n rows numbered from 2, as the importer writes
// them, with every third one failed so that fills can be checked.
func numberedRows(n int) []Row {
	rows := make([]Row, n)
	for i := range rows {
		rows[i] = Row{Row: i + 2, Code: "user" + strconv.Itoa(i), Status: Created, Input: fingerprint}
		if i%3 == 0 {
			rows[i].Status = Failed
			rows[i].Message = "=cmd|' /C calc'!A0"
		}
	}
	return rows
}

func TestXLSXRollover(t *testing.T) {
	const perSheet = 3 // data rows per sheet when the limit is 4
	tests := []struct {
		rows   int
		sheets []string
	}{
		{0, []string{"report"}},
		{1, []string{"report"}},
		{perSheet, []string{"report"}},
		{perSheet + 1, []string{"report", "report (2)"}},
		{2*perSheet + 1, []string{"report", "report (2)", "report (3)"}},
		{3 * perSheet, []string{"report", "report (2)", "report (3)"}},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.rows), func(t *testing.T) {
			setMaxSheetRows(t, perSheet+1)
			path := filepath.Join(t.TempDir(), "r.xlsx")
			want := numberedRows(tt.rows)
			writeAll(t, path, want)

			got, err := readAll(t, path)
			if err != nil {
				t.Fatal(err)
			}
			if !sameRows(got, want) {
				t.Errorf("Read returned %d rows %+v,\nwant %d rows %+v", len(got), got, len(want), want)
			}

			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := f.GetSheetList(); !slices.Equal(got, tt.sheets) {
				t.Fatalf("sheets = %q, want %q", got, tt.sheets)
			}
			next := 0 // index into want of the first row of the sheet
			for _, sheet := range tt.sheets {
				all, err := f.GetRows(sheet)
				if err != nil {
					t.Fatal(err)
				}
				if len(all) == 0 || !slices.Equal(all[0], Columns) {
					t.Errorf("sheet %q header = %q, want %q", sheet, all[:min(len(all), 1)], Columns)
					continue
				}
				n := min(perSheet, len(want)-next)
				if len(all)-1 != n {
					t.Errorf("sheet %q holds %d rows, want %d", sheet, len(all)-1, n)
				}
				if n > 0 {
					if first := all[1][0]; first != strconv.Itoa(want[next].Row) {
						t.Errorf("sheet %q starts at row number %s, want %d", sheet, first, want[next].Row)
					}
				}
				panes, err := f.GetPanes(sheet)
				if err != nil || !panes.Freeze || panes.YSplit != 1 {
					t.Errorf("sheet %q panes = %+v, %v; want the header row frozen", sheet, panes, err)
				}
				if w, err := f.GetColWidth(sheet, "F"); err != nil || w != colWidths[5] {
					t.Errorf("sheet %q message column width = %v, %v; want %v", sheet, w, err, colWidths[5])
				}
				if n > 0 && want[next].Status == Failed {
					id, err := f.GetCellStyle(sheet, "A2")
					if err != nil {
						t.Fatal(err)
					}
					s, err := f.GetStyle(id)
					if err != nil || len(s.Fill.Color) == 0 || !strings.EqualFold(strings.TrimPrefix(s.Fill.Color[0], "#"), colourBad) {
						t.Errorf("sheet %q A2 (failed row) style = %+v, %v; want the red fill", sheet, s, err)
					}
				}
				next += n
			}
		})
	}
}

// TestXLSXWriteErrorKeepsRows forces SetRow to fail (by making the writer
// reuse a row reference excelize already wrote) and checks that Close
// still writes a readable workbook with every earlier row and returns the
// error.
func TestXLSXWriteErrorKeepsRows(t *testing.T) {
	tests := []struct {
		name   string
		limit  int // maxSheetRows
		before int // rows written before the failing one
	}{
		{"first row", excelize.TotalRows, 0},
		{"mid sheet", excelize.TotalRows, 3},
		{"after rollover", 3, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setMaxSheetRows(t, tt.limit)
			path := filepath.Join(t.TempDir(), "r.xlsx")
			w, err := Create(path)
			if err != nil {
				t.Fatal(err)
			}
			rows := numberedRows(tt.before + 2)
			for i := range rows[:tt.before] {
				if err := w.Write(&rows[i]); err != nil {
					t.Fatal(err)
				}
			}
			w.(*xlsxWriter).row = 0 // the next SetRow targets A1, already written
			werr := w.Write(&rows[tt.before])
			if werr == nil {
				t.Fatal("Write after the forced fault succeeded")
			}
			if err := w.Write(&rows[tt.before+1]); !errors.Is(err, werr) {
				t.Errorf("Write after the error = %v, want the same error %v", err, werr)
			}
			if err := w.Flush(); !errors.Is(err, werr) {
				t.Errorf("Flush after the error = %v, want %v", err, werr)
			}
			if cerr := w.Close(); !errors.Is(cerr, werr) {
				t.Errorf("Close = %v, want the write error %v", cerr, werr)
			}
			got, err := readAll(t, path)
			if err != nil {
				t.Fatalf("the report left by a failed write does not read: %v", err)
			}
			if want := rows[:tt.before]; !sameRows(got, want) {
				t.Errorf("report holds %+v, want the %d rows before the error %+v", got, len(want), want)
			}
		})
	}
}

// TestXLSXCloseReportsWriteFailure: when the workbook cannot reach its
// destination, Close says so.
func TestXLSXCloseReportsWriteFailure(t *testing.T) {
	w, err := New(failingWriter{}, XLSX)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&Row{Row: 2, Status: Valid}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close to a failing writer = %v, want the write error", err)
	}
}

func TestReadXLSXSheets(t *testing.T) {
	// edit writes a three-sheet report (two rows a sheet), lets change
	// alter it as a person in Excel might, and saves it.
	edit := func(t *testing.T, change func(f *excelize.File) error) string {
		t.Helper()
		setMaxSheetRows(t, 3)
		path := filepath.Join(t.TempDir(), "r.xlsx")
		writeAll(t, path, numberedRows(6))
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := change(f); err != nil {
			t.Fatal(err)
		}
		if err := f.Save(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name   string
		change func(f *excelize.File) error
		rows   int    // rows read before any error
		sheet  string // "": no error; else the sheet of the *ParseError
		line   int
	}{
		{"other sheets ignored", func(f *excelize.File) error {
			if _, err := f.NewSheet("notes"); err != nil {
				return err
			}
			if err := f.SetCellValue("notes", "A1", "row"); err != nil {
				return err
			}
			// A sheet that only looks like a continuation, after a gap.
			_, err := f.NewSheet("report (5)")
			return err
		}, 6, "", 0},
		{"sheets moved", func(f *excelize.File) error {
			return f.MoveSheet("report (3)", "report")
		}, 6, "", 0},
		{"gap ends the report", func(f *excelize.File) error {
			return f.DeleteSheet("report (2)")
		}, 2, "", 0},
		{"empty continuation", func(f *excelize.File) error {
			if err := f.DeleteSheet("report (3)"); err != nil {
				return err
			}
			_, err := f.NewSheet("report (3)")
			return err
		}, 4, "", 0},
		{"bad header on a continuation", func(f *excelize.File) error {
			return f.SetCellValue("report (2)", "C1", "state")
		}, 2, "report (2)", 1},
		{"bad row on a continuation", func(f *excelize.File) error {
			return f.SetCellValue("report (3)", "C3", "gone")
		}, 5, "report (3)", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := edit(t, tt.change)
			got, err := readAll(t, path)
			if want := numberedRows(6)[:tt.rows]; !sameRows(got, want) {
				t.Errorf("read %d rows %+v, want %d rows %+v", len(got), got, len(want), want)
			}
			if tt.sheet == "" {
				if err != nil {
					t.Errorf("Read = %v", err)
				}
				return
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Sheet != tt.sheet || pe.Line != tt.line {
				t.Fatalf("Read = %v, want a *ParseError at sheet %q row %d", err, tt.sheet, tt.line)
			}
			if want := path + `: sheet "` + tt.sheet + `" row ` + strconv.Itoa(tt.line) + ": "; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q does not start %q", err, want)
			}
		})
	}
}

// TestXLSXReportAtExcelLimit writes a report one row past a real sheet and
// reads it back: the proof that the rollover works at excelize's actual
// limit, not just at a lowered one. It takes about half a minute, so it
// runs only when asked for.
func TestXLSXReportAtExcelLimit(t *testing.T) {
	if os.Getenv("REPORT_BIG") == "" {
		t.Skip("set REPORT_BIG=1 to write a 1,048,576-row XLSX report")
	}
	var buf bytes.Buffer
	w, err := New(&buf, XLSX)
	if err != nil {
		t.Fatal(err)
	}
	const n = excelize.TotalRows // one more than the first sheet holds
	r := Row{Code: "u", Status: Created, Input: fingerprint}
	for i := range n {
		r.Row = i + 2
		if err := w.Write(&r); err != nil {
			t.Fatalf("Write(row %d): %v", r.Row, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	count, last := 0, 0
	err = ReadFrom(&buf, "big.xlsx", XLSX, func(r Row) error {
		count++
		if r.Row != last+1 && last != 0 {
			t.Fatalf("row %d follows row %d", r.Row, last)
		}
		last = r.Row
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if count != n || last != n+1 {
		t.Errorf("read %d rows ending at row %d, want %d ending at %d", count, last, n, n+1)
	}
}
