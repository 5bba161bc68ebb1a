package mapping

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/userimport/userimport/sheet"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/validate"
)

// Each benchmark has a bare-library baseline next to it, so the ratio of
// ns/op can be read off one run on this noisy machine.

var benchHeader = []string{"code", "password", "name", "surName", "givenName", "email", "timezone", "locale",
	"employeeNumber", "joinDate", "sortOrder", "description", "customItem.department"}

func benchRow(i int) []any {
	desc := fmt.Sprintf("Joined %d, likes \"tea\", coffee", 2000+i%20)
	if i%8 == 0 {
		desc += "\nsecond line"
	}
	return []any{fmt.Sprintf("user%06d", i), "Secret-123", fmt.Sprintf("User %d", i), "山田", "太郎",
		fmt.Sprintf("user%d@example.com", i), "Asia/Tokyo", "ja", fmt.Sprintf("%05d", i), 45000 + i%3000, i % 1000, desc, "Sales"}
}

var (
	benchOnce              sync.Once
	benchCSVPath, benchXLS string
	benchErr               error
)

const (
	benchCSVRows  = 20000
	benchXLSXRows = 5000
)

// benchFiles writes the inputs once per process (the files are only
// read).
func benchFiles(b *testing.B) (string, string) {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "importer-bench")
		if err != nil {
			benchErr = err
			return
		}
		benchCSVPath = filepath.Join(dir, "users.csv")
		out, err := os.Create(benchCSVPath)
		if err != nil {
			benchErr = err
			return
		}
		w := csv.NewWriter(out)
		w.Write(benchHeader)
		rec := make([]string, len(benchHeader))
		for i := range benchCSVRows {
			for j, v := range benchRow(i) {
				rec[j] = fmt.Sprint(v)
			}
			rec[9] = "2023-03-15"
			w.Write(rec)
		}
		w.Flush()
		if benchErr = out.Close(); benchErr != nil {
			return
		}

		f := excelize.NewFile()
		date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		f.SetSheetRow("Sheet1", "A1", &benchHeader)
		for i := range benchXLSXRows {
			row := benchRow(i)
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			f.SetSheetRow("Sheet1", cell, &row)
		}
		f.SetColStyle("Sheet1", "J", date)
		benchXLS = filepath.Join(dir, "users.xlsx")
		benchErr = f.SaveAs(benchXLS)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchCSVPath, benchXLS
}

func BenchmarkCSVSource(b *testing.B) {
	csvPath, _ := benchFiles(b)
	b.Run("bare-encoding-csv", func(b *testing.B) {
		for b.Loop() {
			f, err := os.Open(csvPath)
			if err != nil {
				b.Fatal(err)
			}
			r := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
			r.ReuseRecord, r.FieldsPerRecord = true, -1
			n := 0
			for {
				if _, err := r.Read(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
				n++
			}
			f.Close()
			if n != benchCSVRows+1 {
				b.Fatal(n)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchCSVRows), "ns/row")
	})
	b.Run("source", func(b *testing.B) {
		for b.Loop() {
			readAllRows(b, csvPath, benchCSVRows, false)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchCSVRows), "ns/row")
	})
	b.Run("source+map", func(b *testing.B) {
		for b.Loop() {
			readAllRows(b, csvPath, benchCSVRows, true)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchCSVRows), "ns/row")
	})
}

func readAllRows(b *testing.B, path string, want int, mapRows bool) {
	src, err := sheet.Open(path, sheet.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	var mp *Mapper
	if mapRows {
		if mp, err = NewMapper(src.Header(), validate.Users, nil); err != nil {
			b.Fatal(err)
		}
	}
	var rec validate.Record
	n := 0
	for {
		row, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		if mp != nil {
			if err := mp.Map(row, &rec); err != nil {
				b.Fatal(err)
			}
		}
		n++
	}
	if n != want {
		b.Fatalf("%d rows, want %d", n, want)
	}
}

func BenchmarkXLSXSource(b *testing.B) {
	_, xlsxPath := benchFiles(b)
	bare := func(raw bool) func(b *testing.B) {
		return func(b *testing.B) {
			for b.Loop() {
				f, err := excelize.OpenFile(xlsxPath, excelize.Options{UnzipSizeLimit: 1 << 30, UnzipXMLSizeLimit: 256 << 20, RawCellValue: raw})
				if err != nil {
					b.Fatal(err)
				}
				rows, err := f.Rows("Sheet1")
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for rows.Next() {
					if _, err := rows.Columns(); err != nil {
						b.Fatal(err)
					}
					n++
				}
				if err := rows.Error(); err != nil {
					b.Fatal(err)
				}
				rows.Close()
				f.Close()
				if n != benchXLSXRows+1 {
					b.Fatal(n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchXLSXRows), "ns/row")
		}
	}
	b.Run("bare-excelize-rows", bare(false))
	b.Run("bare-excelize-rows-raw", bare(true))
	b.Run("source", func(b *testing.B) {
		for b.Loop() {
			readAllRows(b, xlsxPath, benchXLSXRows, false)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchXLSXRows), "ns/row")
	})
}

// BenchmarkMapRow is the per-row cost of Map alone on the benchmark's
// header, the part of BenchmarkCSVSource that this package owns; the
// reading is too noisy on a shared machine to show it.
func BenchmarkMapRow(b *testing.B) {
	mp, err := NewMapper(benchHeader, validate.Users, nil)
	if err != nil {
		b.Fatal(err)
	}
	cells := make([]string, len(benchHeader))
	for j, v := range benchRow(7) {
		cells[j] = fmt.Sprint(v)
	}
	row := sheet.Row{Line: 2, Cells: cells}
	var rec validate.Record
	b.ReportAllocs()
	for b.Loop() {
		if err := mp.Map(row, &rec); err != nil {
			b.Fatal(err)
		}
	}
}
