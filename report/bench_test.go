package report

import (
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

// benchRow is a typical invalid row of validate: a message with quotes
// and a comma, a value that gets escaped.
func benchRow(i int) Row {
	return Row{
		Row: i + 2, Code: "user" + strconv.Itoa(i), Status: Invalid,
		ErrorCode: "email.format", Message: "column \"email\": \"-x@\" is not an e-mail address, fix it",
		Input: fingerprint,
	}
}

// BenchmarkCSVWriter writes one row per op to a file, so the figure
// includes the system calls: "valid" is the row validate writes for 99% of
// a clean file, "invalid" one with a quoted message and an escaped cell.
// Compare with BenchmarkCSVRead, a bare encoding/csv read of report rows:
// validate's budget is 2× a bare read of the input for the whole pipeline.
func BenchmarkCSVWriter(b *testing.B) {
	for _, bc := range []struct {
		name string
		row  Row
	}{
		{"valid", Row{Code: "user12345", Status: Valid, Input: fingerprint}},
		{"invalid", benchRow(0)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "r.csv")
			w, err := Create(path)
			if err != nil {
				b.Fatal(err)
			}
			r := bc.row
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				r.Row = i + 2
				if err := w.Write(&r); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/row")
		})
	}
}

// BenchmarkCSVRead is the yardstick: encoding/csv with ReuseRecord reading
// report rows, one per op.
func BenchmarkCSVRead(b *testing.B) {
	path := filepath.Join(b.TempDir(), "r.csv")
	rows := make([]Row, 10000)
	for i := range rows {
		rows[i] = benchRow(i)
	}
	writeAll(b, path, rows)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.ReuseRecord = true
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cr.Read(); err == io.EOF {
			b.StopTimer()
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				b.Fatal(err)
			}
			cr = csv.NewReader(f)
			cr.ReuseRecord = true
			b.StartTimer()
		} else if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkXLSXWriter writes one row per op; Close (zip and write the
// workbook) is included, spread over the rows. live-MB is the heap still in
// use after b.N rows, before Close: the StreamWriter keeps at most a 16 MiB
// chunk of sheet XML in memory and spills the rest to a temporary file, so
// it stays flat however large b.N is (run with -benchtime 100000x and
// 300000x to see it).
func BenchmarkXLSXWriter(b *testing.B) {
	path := filepath.Join(b.TempDir(), "r.xlsx")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	w, err := Create(path)
	if err != nil {
		b.Fatal(err)
	}
	r := benchRow(0)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r.Row = i + 2
		if i%10 == 0 {
			r.Status = Failed
		} else {
			r.Status = Created
		}
		if err := w.Write(&r); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.StartTimer()
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/row")
	b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse))/(1<<20), "live-MB")
}

func BenchmarkJSONLWriter(b *testing.B) {
	w, err := New(io.Discard, JSONL)
	if err != nil {
		b.Fatal(err)
	}
	r := benchRow(0)
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Write(&r); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}
