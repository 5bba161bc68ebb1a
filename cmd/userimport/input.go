package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/schollz/progressbar/v3"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/mapping"
	runprogress "github.com/userimport/userimport/progress"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// inputFlags are the flags that say how to read the input file; validate and
// import share them so that a dry run reads exactly what the import reads.
type inputFlags struct {
	kind       string
	mapping    string
	sheet      string
	encoding   string
	headerRow  int
	report     string
	layout     string
	delimiter  string
	skipHidden bool
	dateOrder  string
	lang       string
	annotate   string
}

func (f *inputFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.kind, "kind", "users", "what the file holds: users or guests")
	fl.StringVar(&f.mapping, "mapping", "", "YAML file that maps legacy column names and builds values")
	fl.StringVar(&f.sheet, "sheet", "", "XLSX sheet name (default: the first visible sheet)")
	fl.StringVar(&f.encoding, "encoding", "auto", "CSV encoding: auto, utf-8, shift_jis, windows-1252 or utf-16")
	fl.IntVar(&f.headerRow, "header-row", 0, "row number of the header (rows above it are ignored; default: found by its column names)")
	fl.StringVar(&f.report, "report", "", "report file (.csv, .jsonl or .xlsx; default: next to the input in the current directory)")
	fl.StringVar(&f.layout, "layout", "auto", "file layout: auto, or one of cybozu.com's own files: cybozu, cybozu-services, cybozu-departments")
	fl.StringVar(&f.delimiter, "delimiter", "", "CSV delimiter: comma, semicolon or tab (default: sniffed from the first lines)")
	fl.BoolVar(&f.skipHidden, "skip-hidden", false, "leave hidden XLSX rows out (reported skipped) instead of importing them with a warning")
	fl.StringVar(&f.dateOrder, "date-order", "", "how to read dates like 4/1/2025: mdy or dmy (default: such a date is an error showing both readings)")
	fl.StringVar(&f.lang, "lang", "", "language of the report's messages: en or ja (default: from LC_ALL, LC_MESSAGES or LANG)")
	fl.StringVar(&f.annotate, "annotate", "", "write an annotated copy of the input to FILE.xlsx: problem cells filled and noted, a status and a message column (validate writes one next to the report by default for files of up to 20,000 rows; none turns that off)")
}

// annotation returns the collector of the annotated copy asked for: the
// --annotate file, or for validate (byDefault) one next to the report
// holding the rows that need a look.
func (f *inputFlags) annotation(reportPath string, byDefault bool) (*annotation, error) {
	switch {
	case f.annotate == "none":
		return nil, nil
	case f.annotate != "":
		return newAnnotation(f.annotate, true)
	case byDefault && annotatedPath(reportPath) != "":
		return newAnnotation(annotatedPath(reportPath), false)
	}
	return nil, nil
}

// options turns the flags into importer options (everything but the
// report writer).
func (f *inputFlags) options(file string) (importer.Options, error) {
	o := importer.Options{File: file, Source: sheet.Options{Encoding: f.encoding, Sheet: f.sheet, HeaderRow: f.headerRow, SkipHidden: f.skipHidden}}
	kind, err := parseKind(f.kind)
	if err != nil {
		return o, err
	}
	o.Kind = kind
	if f.headerRow < 0 {
		return o, usageErr("--header-row %d: rows are numbered from 1", f.headerRow)
	}
	if o.Source.Delimiter, err = parseDelimiter(f.delimiter); err != nil {
		return o, usageErr("--delimiter: %v", err)
	}
	if o.Layout, err = mapping.ParseLayout(f.layout); err != nil {
		return o, usageErr("--layout: %v", err)
	}
	if o.DateOrder, err = validate.ParseDateOrder(f.dateOrder); err != nil {
		return o, usageErr("--date-order: %v", err)
	}
	o.Lang = i18n.FromEnv(os.Getenv)
	if f.lang != "" {
		if o.Lang, err = i18n.Parse(f.lang); err != nil {
			return o, usageErr("--lang: %v", err)
		}
	}
	if f.mapping != "" {
		m, err := mapping.Load(f.mapping)
		if err != nil {
			return o, &exitError{code: exitUsage, err: err}
		}
		o.Mapping = m
	}
	return o, nil
}

// parseDelimiter reads a --delimiter value: a name, or the character.
func parseDelimiter(s string) (rune, error) {
	switch strings.ToLower(s) {
	case "":
		return 0, nil
	case ",", "comma":
		return ',', nil
	case ";", "semicolon":
		return ';', nil
	case "tab", "\t", "\\t":
		return '\t', nil
	}
	return 0, fmt.Errorf("unknown delimiter %q; use comma, semicolon or tab", s)
}

// reportPath picks the report file: --report, else a name derived from the
// input in the current directory. Import reports carry a timestamp so that
// a new run never overwrites the report a --resume needs.
func (f *inputFlags) reportPath(file, suffix string, now time.Time) string {
	if f.report != "" {
		return f.report
	}
	stem := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	if suffix == "" {
		return stem + ".report.csv"
	}
	base := fmt.Sprintf("%s.%s-%s", stem, suffix, now.Format("20060102-150405"))
	// Two runs in the same second must not share a report: the second
	// would overwrite the one a --resume of the first needs.
	path := base + ".csv"
	for n := 2; fileExists(path); n++ {
		path = fmt.Sprintf("%s-%d.csv", base, n)
	}
	return path
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// checkReport refuses a report path that names a file the run reads:
// creating the report would truncate it before it is read.
func (f *inputFlags) checkReport(path, file string) error {
	for _, in := range []struct{ path, what string }{{file, "the input file"}, {f.mapping, "the --mapping file"}} {
		if in.path != "" && sameFile(path, in.path) {
			return usageErr("--report %s is %s; choose another --report", path, in.what)
		}
	}
	return nil
}

// openReport creates the report. A CSV or JSONL report is written in
// place, flushed after every batch, so that a resume can read what a dead
// run wrote. An XLSX report is only readable once closed, so it is written
// to a temporary file next to it and renamed into place when it is
// complete: a run that dies or fails on close never leaves a damaged
// workbook under the report's name (its send log tells the resume what
// was sent).
func openReport(path string) (report.Writer, error) {
	format, err := report.FormatFor(path)
	if err != nil || format != report.XLSX || path == report.Stdout {
		w, err := report.Create(path)
		if err != nil {
			return nil, &exitError{code: exitUsage, err: fmt.Errorf("cannot write the report: %w", err)}
		}
		return w, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("cannot write the report: %w", err)}
	}
	w, err := report.New(f, report.XLSX)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("cannot write the report: %w", err)}
	}
	return &placedReport{Writer: w, f: f, path: path}, nil
}

// placedReport is a report written to a temporary file f and renamed to
// path once closed without error.
type placedReport struct {
	report.Writer
	f    *os.File
	path string
}

func (p *placedReport) Close() error {
	err := p.Writer.Close()
	if err == nil {
		err = p.f.Sync()
	}
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(p.f.Name(), p.path)
	}
	if err != nil {
		os.Remove(p.f.Name())
		return err
	}
	return nil
}

// progressBar returns an events subscriber that drives a bar with a total
// and an ETA on stderr when stderr is a terminal, and nothing otherwise.
// The total is the reader's estimate of the rows until the whole file has
// been read, then the exact count.
func progressBar(s *streams, label string) (func(runprogress.Event), func()) {
	if !isTerminal(s.err) {
		return nil, func() {}
	}
	bar := progressbar.NewOptions(1,
		progressbar.OptionSetWriter(s.err),
		progressbar.OptionSetDescription(label),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	total := 1
	return func(ev runprogress.Event) {
			t := ev.EstimatedRows
			if ev.ReadAll {
				t = ev.RowsRead
			}
			t = max(t, ev.RowsFinished, 1)
			if t != total {
				total = t
				bar.ChangeMax(t)
			}
			bar.Set(ev.RowsFinished)
		}, func() {
			bar.Finish()
		}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress returns a progress callback for a run whose total is unknown
// (an export): a spinner with a count on stderr when stderr is a terminal, and nothing otherwise: a bar on a non-terminal
// writes an endless line of carriage returns into logs.
func progress(s *streams, label string) (func(int), func()) {
	if !isTerminal(s.err) {
		return nil, func() {}
	}
	bar := progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(s.err),
		progressbar.OptionSetDescription(label),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	last := 0
	return func(done int) {
			if done > last {
				bar.Add(done - last)
				last = done
			}
		}, func() {
			bar.Finish()
		}
}
