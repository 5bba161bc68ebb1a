package report

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Format is the file format of a report.
type Format int

// Report formats. The zero Format is not a format, so that a forgotten
// field is an error rather than a silent CSV.
const (
	// CSV is UTF-8 without a byte-order mark, LF line ends, header
	// Columns, every cell through EscapeFormula. It is the format scripts
	// read, and a BOM trips scripts (the first header becomes
	// "\ufeffrow"), so none is written and no option offers one; people
	// who open reports in Excel should ask for .xlsx, which Excel reads
	// correctly in every locale. Values round-trip through Read exactly,
	// newlines included, except that encoding/csv reads a CR LF inside a
	// cell back as LF.
	CSV Format = iota + 1
	// JSONL is one JSON object per line, with the same keys as Columns and
	// no formula escaping (see jsonlWriter). Values round-trip exactly.
	JSONL
	// XLSX is an Excel workbook written with excelize's StreamWriter. Its
	// sheet "report" holds the header and up to 1,048,575 rows (Excel's
	// limit of 1,048,576 sheet rows); further rows continue on sheets
	// "report (2)", "report (3)", …, each with the same header, widths and
	// frozen header row, so a report of any size is whole and Read reads it
	// back in order. It only becomes a file at Close, so it is no use for
	// crash recovery: a killed run leaves the empty file that Create made.
	// Cells are escaped like CSV's; control characters that XML cannot hold
	// come back as U+FFFD and a cell keeps at most 32,767 characters
	// (Excel's limit).
	XLSX
)

// String returns the format's file extension without the dot.
func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case JSONL:
		return "jsonl"
	case XLSX:
		return "xlsx"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ErrUnsupportedFormat is wrapped by the errors of FormatFor and New for a
// file extension or Format this package does not write; callers treat it as
// a usage error.
var ErrUnsupportedFormat = errors.New("unsupported report format")

// ErrClosed is returned by Write and Flush after Close.
var ErrClosed = errors.New("report writer is closed")

// Stdout is the path that names standard output: Create("-") writes CSV
// there.
const Stdout = "-"

// FormatFor picks the format from the file extension, case-insensitively:
// .csv, .jsonl or .xlsx; "-" (standard output) is CSV. Any other extension,
// or none, is an error that lists the supported ones: guessing CSV for
// "report.xls" would hand Excel a file it refuses.
func FormatFor(path string) (Format, error) {
	if path == Stdout {
		return CSV, nil
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv":
		return CSV, nil
	case ".jsonl":
		return JSONL, nil
	case ".xlsx":
		return XLSX, nil
	case "":
		return 0, fmt.Errorf("report file %q has no extension; use .csv, .jsonl or .xlsx: %w", path, ErrUnsupportedFormat)
	default:
		return 0, fmt.Errorf("report file %q: extension %q is not supported; use .csv, .jsonl or .xlsx: %w", path, ext, ErrUnsupportedFormat)
	}
}

// Create creates (or truncates) the report file at path, in the format its
// extension names (see FormatFor), and returns a Writer that closes the file
// at Close. Path "-" writes CSV to standard output, which Close leaves open.
//
// The file is created at once, even for XLSX, so that an unwritable path
// fails before any user is imported. It is written under its final name,
// not a temporary one renamed at Close: a run that dies leaves a torn CSV
// or JSONL report whose whole rows --resume can use, or an empty XLSX file
// that Read refuses, never an older report under the new one's name.
func Create(path string) (Writer, error) {
	format, err := FormatFor(path)
	if err != nil {
		return nil, err
	}
	if path == Stdout {
		return New(os.Stdout, CSV)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create report: %w", err)
	}
	w, err := newWriter(f, f, format)
	if err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return w, nil
}

// New returns a Writer that writes the report to w. Close does not close w;
// the caller owns it. CSV and JSONL rows reach w at every Flush (and
// whenever 64 KiB of whole rows are buffered); XLSX reaches w only at Close.
//
// A Writer is not safe for concurrent use: the importer writes rows from
// one goroutine, in input order.
//
// Messages are written as given. The Row type has no password field and the
// writer cannot recognise a secret, so callers must never put one in
// Message (or in any other field).
func New(w io.Writer, format Format) (Writer, error) {
	return newWriter(w, nil, format)
}

func newWriter(w io.Writer, c io.Closer, format Format) (Writer, error) {
	switch format {
	case CSV:
		return newCSVWriter(w, c)
	case JSONL:
		return newJSONLWriter(w, c), nil
	case XLSX:
		return newXLSXWriter(w, c)
	}
	return nil, fmt.Errorf("report: %v: %w", format, ErrUnsupportedFormat)
}
