// Package annotate writes an annotated copy of a person's input file: the
// same sheets, rows and cells, each problem cell filled (red for an error,
// yellow for a warning) with a note holding the messages, and two columns
// at the end of the header row, StatusHeader and MessageHeader, holding
// each row's report status and messages. The person fixes the cells in
// that copy and imports it again; the two columns are then ignored.
//
// An XLSX input is copied workbook and all (every sheet, style, width,
// formula and comment stays); a CSV input becomes a workbook whose cells
// are text cells holding exactly the characters of the file, so that
// "00123" stays "00123".
//
// The copy holds what the input held, passwords included, so Write creates
// it with mode 0600, and only as a whole (a temporary file renamed into
// place).
package annotate

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/userimport/userimport/report"
)

// The headers of the two columns the copy gains. Package mapping treats
// them as known columns to ignore, so that the fixed copy imports.
const (
	StatusHeader  = "userimport status"
	MessageHeader = "userimport message"
)

// noteAuthor is the author of the notes the copy gains; a note by this
// author is ours to replace when an annotated copy is annotated again.
const noteAuthor = "userimport"

// Input describes the file that was read, as the reader read it.
type Input struct {
	// Path of the person's file. Its extension says the kind: .xlsx and
	// .xlsm are workbooks, everything else is read as CSV.
	Path string
	// Sheet is the workbook sheet that was read; "" means the first
	// visible sheet. Ignored for CSV.
	Sheet string
	// HeaderRow is the row of the header as a spreadsheet shows it
	// (1-based; 0 means 1). The two columns are added to this row.
	HeaderRow int
	// Encoding of a CSV file as the reader used it (sheet.Source's
	// Encoding: "utf-8", "utf-8 (BOM)", "shift_jis", "windows-1252",
	// "utf-16le", ...). A byte order mark in the file always wins.
	Encoding string
	// Delimiter of a CSV file; 0 means tab for .tsv and .tab files, else
	// comma.
	Delimiter rune
}

// Options change what the copy holds beyond the input and the report.
type Options struct {
	// Edits replaces cell values of the data sheet, keyed by cell
	// reference ("C7"): the corrected file of the web page, where the
	// person fixed cells in the browser. The new value is written as
	// text.
	Edits map[string]string
	// Plain leaves the annotations out (no fills, notes or columns), for
	// a corrected copy that is only the input with Edits applied.
	Plain bool
}

// Error is a failure to write the copy; Path names the input.
type Error struct {
	Path string
	Err  error
}

// Error says which file could not be annotated and why.
func (e *Error) Error() string {
	return fmt.Sprintf("annotating %s: %v", filepath.Base(e.Path), e.Err)
}

// Unwrap returns the reason.
func (e *Error) Unwrap() error { return e.Err }

// ErrOrder is returned when the rows of a CSV input's report do not come
// in the order of the file, which a single pass over the file needs.
var ErrOrder = errors.New("report rows are not in the order of the file")

// Write writes the annotated copy of in to dst (an .xlsx path) with mode
// 0600. rows are the report rows of the input, in input order; each
// row's Findings name the cells to mark. dst appears only when it is
// complete: on an error nothing is left behind.
func Write(dst string, in Input, rows iter.Seq[report.Row], opts Options) error {
	dir := filepath.Dir(dst)
	tmp, err := os.CreateTemp(dir, ".annotate-*.xlsx")
	if err != nil {
		return &Error{Path: in.Path, Err: err}
	}
	// CreateTemp already uses 0600; Chmod says so for any umask.
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return &Error{Path: in.Path, Err: err}
	}
	if err := WriteTo(tmp, in, rows, opts); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return &Error{Path: in.Path, Err: err}
	}
	if err := tmp.Close(); err != nil {
		return &Error{Path: in.Path, Err: err}
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		os.Remove(tmp.Name())
		done = true
		return &Error{Path: in.Path, Err: err}
	}
	done = true
	return nil
}

// WriteTo writes the annotated copy of in to w as an XLSX workbook (the
// web page streams it as a download). Errors are *Error.
func WriteTo(w io.Writer, in Input, rows iter.Seq[report.Row], opts Options) error {
	if in.HeaderRow <= 0 {
		in.HeaderRow = 1
	}
	var err error
	if isWorkbook(in.Path) {
		err = copyWorkbook(w, in, rows, opts)
	} else {
		err = convertCSV(w, in, rows, opts)
	}
	if err != nil {
		var ae *Error
		if errors.As(err, &ae) {
			return err
		}
		return &Error{Path: in.Path, Err: err}
	}
	return nil
}

func isWorkbook(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		return true
	}
	return false
}
