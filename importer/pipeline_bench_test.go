package importer_test

import (
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/userimport/userimport/bench/baseline"
	"github.com/userimport/userimport/bench/gen"
	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// The pipeline benchmarks come in pairs: importer.Validate over a generated
// file, and a bare library pass over the same file, so that
//
//	go test -run '^$' -bench 'Validate|Bare' ./importer
//
// prints comparable ns/op (and ns/row) in one run on this noisy machine.
// bench/run.sh measures the same ratios on 1M-row files.

const (
	benchCSVRows  = 20000
	benchXLSXRows = 5000
	// benchInvalid is the share of rows broken on purpose, so the
	// invalid-row path (message building) is part of the cost.
	benchInvalid = 0.05
)

// benchFile generates a file once per benchmark, before the timer starts.
func benchFile(b *testing.B, name string, rows int, write func(io.Writer, gen.Options) error) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := write(f, gen.Options{Rows: rows, Invalid: benchInvalid, Seed: 42}); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

func reportPerRow(b *testing.B, rows int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}

func benchValidate(b *testing.B, path string, rows int) {
	b.ReportAllocs()
	for b.Loop() {
		w, err := report.New(io.Discard, report.CSV)
		if err != nil {
			b.Fatal(err)
		}
		sum, err := importer.Validate(b.Context(), importer.Options{File: path, Kind: validate.Users, Report: w})
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		if sum.Rows != rows || sum.Counts[report.Invalid] == 0 {
			b.Fatalf("validated %d rows (%d invalid), want %d with some invalid", sum.Rows, sum.Counts[report.Invalid], rows)
		}
	}
	reportPerRow(b, rows)
}

// BenchmarkValidateCSV is `userimport validate` over a 20k-row CSV: read,
// map, validate (duplicate sets included) and write a CSV report.
func BenchmarkValidateCSV(b *testing.B) {
	path := benchFile(b, "users.csv", benchCSVRows, gen.WriteCSV)
	benchValidate(b, path, benchCSVRows)
}

// BenchmarkBareCSVRead is the floor for BenchmarkValidateCSV: encoding/csv
// with ReuseRecord over the same file, doing nothing with the cells.
func BenchmarkBareCSVRead(b *testing.B) {
	path := benchFile(b, "users.csv", benchCSVRows, gen.WriteCSV)
	b.ReportAllocs()
	for b.Loop() {
		if n := bareCSV(b, path); n != benchCSVRows+1 {
			b.Fatalf("read %d records, want %d", n, benchCSVRows+1)
		}
	}
	reportPerRow(b, benchCSVRows)
}

func bareCSV(b *testing.B, path string) int {
	n, err := baseline.CSV(path)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkValidateXLSX is `userimport validate` over a 5k-row workbook
// written by excelize's StreamWriter (inline strings, two date cells and a
// number per row).
func BenchmarkValidateXLSX(b *testing.B) {
	path := benchFile(b, "users.xlsx", benchXLSXRows, gen.WriteXLSX)
	benchValidate(b, path, benchXLSXRows)
}

// BenchmarkBareXLSXRows is the comparison for BenchmarkValidateXLSX: what
// reading the same workbook costs through excelize's Rows() iterator with
// default options (which formats date cells), fetching every cell.
func BenchmarkBareXLSXRows(b *testing.B) {
	path := benchFile(b, "users.xlsx", benchXLSXRows, gen.WriteXLSX)
	b.ReportAllocs()
	for b.Loop() {
		if n := bareXLSX(b, path); n != benchXLSXRows+1 {
			b.Fatalf("read %d rows, want %d", n, benchXLSXRows+1)
		}
	}
	reportPerRow(b, benchXLSXRows)
}

func bareXLSX(b *testing.B, path string) int {
	n, _, err := baseline.XLSX(path)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkImport10k imports 10,000 new users (clean data) into the
// simulator with 50 ms latency per request and concurrency 8, and reports
// how close the run comes to what the latency allows:
//
//   - req-ratio = requests sent ÷ the minimum. The minimum is the 2
//     pre-flight calls (Get Users size 1, the rights probe) plus, per batch
//     of 100 rows, one Get Users lookup, one Add Users and one Update User
//     Services: 2 + 3×ceil(N/100) = 302.
//   - ratio-vs-bound = elapsed ÷ (requests sent × latency ÷ concurrency):
//     1.0 would mean all 8 connections were busy waiting on the server the
//     whole time. The 2 pre-flight calls and each batch's three sequential
//     steps make ≈1.08 the practical floor.
//
// One iteration takes about 2 s; run it with -benchtime=1x.
func BenchmarkImport10k(b *testing.B) {
	const (
		n           = 10000
		latency     = 50 * time.Millisecond
		concurrency = 8
	)
	dir := b.TempDir()
	path := filepath.Join(dir, "users.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := gen.WriteCSV(f, gen.Options{Rows: n, Seed: 7}); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	// A clean create: 2 pre-flight calls, then Add Users and Update User
	// Services per batch (the server's "already exists" is the lookup).
	minimum := 2 + 2*int(math.Ceil(float64(n)/kintone.MaxPerRequest))

	var elapsed time.Duration
	var requests int
	for b.Loop() {
		b.StopTimer()
		srv := kintonetest.NewServer(kintonetest.WithLatency(latency))
		// The command's client: it knows the server's time, without
		// which a create could not go without a lookup.
		c := client(b, srv)
		w, err := report.New(io.Discard, report.CSV)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		sum, err := importer.Import(b.Context(), c, importer.Options{File: path, Kind: validate.Users, Concurrency: concurrency, Report: w})
		elapsed += time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if !sum.OK() || sum.Counts[report.Created] != n {
			b.Fatalf("import did not create every user: %s", sum)
		}
		requests += srv.Requests().Total
		srv.Close()
		b.StartTimer()
	}
	bound := time.Duration(requests) * latency / concurrency
	b.ReportMetric(float64(elapsed)/float64(bound), "ratio-vs-bound")
	b.ReportMetric(float64(requests)/float64(b.N*minimum), "req-ratio")
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
}
