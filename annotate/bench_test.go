package annotate

import (
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/report"
)

const benchRows = 100_000

var benchHeader = []string{"code", "displayName", "email", "password", "employeeNumber", "phone", "department", "title", "joinDate", "note"}

func benchCells(i int) []string {
	n := strconv.Itoa(i)
	return []string{"user" + n, "User " + n, "user" + n + "@example.com", "pw-" + n, fmt.Sprintf("%06d", i), "03-1234-" + n, "Sales", "Staff", "2025-04-01", ""}
}

// benchReport is a report of benchRows rows: one in ten has an error on
// a cell, one in twenty a warning, one in a hundred a whole-row finding.
func benchReport(sheet string) iter.Seq[report.Row] {
	return func(yield func(report.Row) bool) {
		for i := range benchRows {
			row := i + 2
			r := report.Row{Row: row, Status: report.Valid}
			switch {
			case i%10 == 0:
				r.Status = report.Invalid
				r.Findings = []report.Finding{{Column: "email", Cell: sheet + "C" + strconv.Itoa(row), Severity: report.SeverityError, Message: "not an e-mail address"}}
			case i%20 == 5:
				r.Findings = []report.Finding{{Column: "phone", Cell: sheet + "F" + strconv.Itoa(row), Severity: report.SeverityWarning, Message: "check the phone number"}}
			case i%100 == 7:
				r.Status = report.Failed
				r.Message = "CB_VA01: refused"
			}
			if !yield(r) {
				return
			}
		}
	}
}

func writeBenchXLSX(b *testing.B, path string) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	row := make([]any, len(benchHeader))
	for i, h := range benchHeader {
		row[i] = h
	}
	if err := sw.SetRow("A1", row); err != nil {
		b.Fatal(err)
	}
	for i := range benchRows {
		for j, c := range benchCells(i) {
			row[j] = c
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
}

func writeBenchCSV(b *testing.B, path string) {
	var sb strings.Builder
	sb.WriteString(strings.Join(benchHeader, ",") + "\r\n")
	for i := range benchRows {
		sb.WriteString(strings.Join(benchCells(i), ",") + "\r\n")
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkXLSX annotates a 100,000-row workbook (10,000 error cells,
// 5,000 warning cells, so 15,000 notes).
func BenchmarkXLSX(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(dir, "in.xlsx")
	writeBenchXLSX(b, src)
	dst := filepath.Join(dir, "out.xlsx")
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(dst, Input{Path: src}, benchReport("Sheet1!"), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCSV converts and annotates a 100,000-row CSV file.
func BenchmarkCSV(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(dir, "in.csv")
	writeBenchCSV(b, src)
	dst := filepath.Join(dir, "out.xlsx")
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(dst, Input{Path: src}, benchReport(""), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
