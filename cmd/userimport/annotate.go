package main

import (
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/userimport/userimport/annotate"
	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/report"
)

// maxDefaultAnnotated bounds the files validate annotates by default: the
// copy is for a person fixing cells in a spreadsheet, and building it costs
// far more than validating (the whole workbook is rewritten), so a bigger
// file gets a copy only when asked for with --annotate.
const maxDefaultAnnotated = 20_000

// annotation keeps the report lines an annotated copy of the input needs.
// An explicit --annotate keeps every line (status and message for each
// row) in a temporary JSON Lines file, so memory stays flat; validate's
// default copy keeps only the lines that need a look, in memory.
type annotation struct {
	dst      string
	all      bool
	tmp      *os.File
	jw       report.Writer
	rows     []report.Row
	seen     int // report lines written
	overflow bool
}

// annotatedPath is where validate writes its annotated copy by default:
// next to the report.
func annotatedPath(reportPath string) string {
	if reportPath == report.Stdout {
		return ""
	}
	return strings.TrimSuffix(reportPath, filepath.Ext(reportPath)) + ".annotated.xlsx"
}

// newAnnotation starts collecting for dst; all keeps every line.
func newAnnotation(dst string, all bool) (*annotation, error) {
	if !strings.EqualFold(filepath.Ext(dst), ".xlsx") {
		return nil, usageErr("--annotate %s: the annotated copy is an .xlsx workbook; name it FILE.xlsx", dst)
	}
	a := &annotation{dst: dst, all: all}
	if all {
		tmp, err := os.CreateTemp(filepath.Dir(dst), ".userimport-annotate-*.jsonl")
		if err != nil {
			return nil, usageErr("--annotate: %v", err)
		}
		w, err := report.New(tmp, report.JSONL)
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return nil, err
		}
		a.tmp, a.jw = tmp, w
	}
	return a, nil
}

// tee returns a writer that writes w and keeps what the copy needs.
func (a *annotation) tee(w report.Writer) report.Writer {
	if a == nil {
		return w
	}
	return &teeWriter{Writer: w, a: a}
}

type teeWriter struct {
	report.Writer
	a *annotation
}

func (t *teeWriter) Write(r *report.Row) error {
	if err := t.Writer.Write(r); err != nil {
		return err
	}
	return t.a.keep(r)
}

func (a *annotation) keep(r *report.Row) error {
	if a.all {
		return a.jw.Write(r)
	}
	a.seen++
	if a.seen > maxDefaultAnnotated {
		a.overflow, a.rows = true, nil
		return nil
	}
	if len(r.Findings) == 0 && r.Status == report.Valid {
		return nil
	}
	a.rows = append(a.rows, *r)
	return nil
}

// finish writes the annotated copy of file; it says nothing and writes
// nothing when validate's default copy would hold no problem.
func (a *annotation) finish(s *streams, lang i18n.Lang, file string, sum *importer.Summary) error {
	if a == nil || sum == nil {
		return nil
	}
	rows, cleanup, err := a.lines()
	defer cleanup()
	if err != nil {
		return err
	}
	if !a.all && (len(a.rows) == 0 || a.overflow) {
		if a.overflow {
			fmt.Fprintln(s.err, lang.Sprintf("summary.no_annotated", maxDefaultAnnotated, "--annotate FILE.xlsx"))
		}
		return nil
	}
	in := annotate.Input{Path: file, Sheet: sum.Sheet, HeaderRow: sum.Where.HeaderRow, Encoding: sum.Encoding, Delimiter: sum.Where.Delimiter}
	var readErr error
	if err := annotate.Write(a.dst, in, rows(&readErr), annotate.Options{}); err != nil {
		return err
	}
	if readErr != nil {
		return readErr
	}
	fmt.Fprintln(s.err, lang.Sprintf("summary.annotated", a.dst))
	return nil
}

var errStopRows = errors.New("stop")

// lines returns the kept lines as a sequence, and what removes the
// temporary file.
func (a *annotation) lines() (func(*error) iter.Seq[report.Row], func(), error) {
	if !a.all {
		return func(*error) iter.Seq[report.Row] {
			return func(yield func(report.Row) bool) {
				for _, r := range a.rows {
					if !yield(r) {
						return
					}
				}
			}
		}, func() {}, nil
	}
	name := a.tmp.Name()
	cleanup := func() { os.Remove(name) }
	if err := a.jw.Close(); err != nil {
		return nil, cleanup, err
	}
	return func(readErr *error) iter.Seq[report.Row] {
		return func(yield func(report.Row) bool) {
			err := report.Read(name, func(r report.Row) error {
				if !yield(r) {
					return errStopRows
				}
				return nil
			})
			if err != nil && !errors.Is(err, errStopRows) {
				*readErr = err
			}
		}
	}, cleanup, nil
}
