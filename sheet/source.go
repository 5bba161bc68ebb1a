// Package sheet reads the rows of a person's input file: CSV and TSV in
// their encodings, and XLSX streamed from the sheet's XML. It knows cells,
// rows and header rows, never what a column means (that is package mapping)
// or whether a value is allowed (package validate).
package sheet

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/userimport/userimport/report"
)

// Limits that keep a hostile or broken file from exhausting memory. A cell
// of the User API is at most 1,000 characters (description), so 64 KiB is
// far beyond any legitimate value while still small enough to hold.
const (
	// MaxCellBytes is the largest cell the readers accept.
	MaxCellBytes = 64 << 10
	// MaxRecordBytes bounds one CSV record (all its cells and separators,
	// across embedded newlines), so a file with no line breaks at all is
	// rejected after this many bytes instead of being read whole.
	MaxRecordBytes = 8 << 20
)

// Sentinel errors, wrapped by *FileError, for callers that branch with
// errors.Is.
var (
	// ErrEncoding: the bytes are not valid in the file's encoding (or the
	// file is in an encoding that is not supported at all, such as UTF-16).
	ErrEncoding = errors.New("invalid text encoding")
	// ErrRaggedRow: a row has a different number of cells than the header.
	ErrRaggedRow = errors.New("wrong number of cells")
	// ErrDuplicateHeader: two header cells have the same name.
	ErrDuplicateHeader = errors.New("duplicate column name")
	// ErrEmptyHeader: a column has data but no header, or there is no
	// header row at all.
	ErrEmptyHeader = errors.New("missing column name")
	// ErrCellTooLarge: a cell or record exceeds MaxCellBytes or
	// MaxRecordBytes.
	ErrCellTooLarge = errors.New("cell too large")
	// ErrFormula: an XLSX formula cell has no cached value (the file was
	// written by a program that does not calculate, and was never opened
	// and saved in Excel).
	ErrFormula = errors.New("formula without a calculated value")
	// ErrNotTabular: the file is not a CSV/TSV/XLSX file at all (binary
	// data, an unknown extension, a password-protected workbook).
	ErrNotTabular = errors.New("not a readable spreadsheet")
	// ErrSyntax: a CSV quoting error (a stray or unterminated quote).
	ErrSyntax = errors.New("malformed CSV")
)

// Options says how to read an input file (the --encoding, --sheet and
// --header-row flags).
type Options struct {
	// Encoding of a CSV/TSV file: "" or "auto" detects (a UTF-8 BOM, else
	// valid UTF-8 in the first 64 KiB, else Shift_JIS/CP932); "utf-8";
	// "shift_jis" (aliases "sjis", "cp932", "windows-31j"). Ignored for XLSX.
	Encoding string
	// Sheet is the XLSX sheet name; "" means the first visible sheet.
	Sheet string
	// HeaderRow is the 1-based row (CSV: physical line) of the header; rows
	// before it are skipped. 0 means 1. If that row is blank, the next
	// non-blank row is the header.
	HeaderRow int
	// Delimiter of a CSV file; 0 chooses by extension: .tsv and .tab files
	// are tab-separated, everything else comma-separated.
	Delimiter rune
	// CellsChecked says the caller checks every value it uses for invalid
	// UTF-8 itself (the import pipeline does, with validate's
	// field.invalid_utf8 rule), so a UTF-8 CSV source need not scan every
	// cell a second time; on a large file that scan is a fifth of the
	// reading. Shift_JIS decoding errors are still reported by the source.
	CellsChecked bool
}

// Source streams the data rows of an input file. It is not safe for
// concurrent use.
type Source interface {
	// Header returns the header cells as they are in the file (a BOM
	// stripped, nothing else changed).
	Header() []string
	// Next returns the next data row, or io.EOF at the end. A *FileError
	// with Row > 0 concerns that row only and the caller may call Next
	// again; a *FileError with Row == 0 means reading cannot go on, and
	// every later call returns it again. Completely blank rows are skipped.
	Next() (Row, error)
	// Encoding names the encoding actually used: "utf-8", "utf-8 (BOM)",
	// "shift_jis" or "xlsx".
	Encoding() string
	// Close releases the file.
	Close() error
}

// RowEstimator is implemented by a Source that can guess how many data
// rows its file holds, given that it has returned rows of them so far.
// The guess sizes the duplicate sets of validation once, instead of
// growing them in steps (validate.Validator.Expect); 0 means no guess.
type RowEstimator interface {
	EstimateRows(rows int) int
}

// Row is one data row.
type Row struct {
	// Line is the row number the user sees: for CSV the physical line where
	// the record starts (a quoted cell may span lines), for XLSX the sheet
	// row.
	Line int
	// Cells has exactly one entry per header cell. The slice is reused: it
	// is valid until the next call to Next (the strings themselves may be
	// kept).
	Cells []string
	// Findings are what the reader noticed about this row's cells (an
	// Excel error value, a hidden row, a merged cell, a number shown with
	// its format), each naming its cell. An error finding makes the row
	// invalid; a warning goes into its report line. Nil for most rows.
	Findings []report.Finding
}

// FileError is a problem with the input file, located as precisely as
// possible.
type FileError struct {
	File   string // base name of the file
	Row    int    // row the user sees; 0 if not about one row
	Column string // column name as in the file; "" if not about one column
	Err    error
}

// Error formats the location the way a person looks it up:
// `users.csv: row 12, column "email": <reason>`.
func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	sep := ": "
	if e.File == "" {
		sep = ""
	}
	if e.Row > 0 {
		fmt.Fprintf(&b, "%srow %d", sep, e.Row)
		sep = ", "
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "%scolumn %q", sep, e.Column)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the reason, so errors.Is finds the sentinels.
func (e *FileError) Unwrap() error { return e.Err }

// Open opens a CSV/TSV (.csv .txt .tsv .tab) or XLSX (.xlsx .xlsm)
// file, reads its header, and returns a Source positioned at the first data
// row. Errors are *FileError.
func Open(path string, opts Options) (Source, error) {
	if opts.HeaderRow < 0 {
		return nil, &FileError{File: filepath.Base(path), Err: fmt.Errorf("header row %d: must be 1 or more", opts.HeaderRow)}
	}
	if opts.HeaderRow == 0 {
		opts.HeaderRow = 1
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv", ".txt", ".tsv", ".tab":
		if opts.Delimiter == 0 {
			opts.Delimiter = ','
			if ext == ".tsv" || ext == ".tab" {
				opts.Delimiter = '\t'
			}
		}
		return openCSV(path, opts)
	case ".xlsx", ".xlsm":
		return openXLSX(path, opts)
	case ".xls":
		return nil, &FileError{File: filepath.Base(path), Err: fmt.Errorf("%w: the old binary .xls format is not supported; save the workbook as .xlsx or CSV", ErrNotTabular)}
	default:
		return nil, &FileError{File: filepath.Base(path), Err: fmt.Errorf("%w: unknown file extension %q (want .csv, .tsv, .txt, .xlsx or .xlsm)", ErrNotTabular, ext)}
	}
}

// Fingerprint identifies an input file by name and content:
// "users.csv crc32c:<8 hex digits> size:<bytes>". Every report row records
// it so that --resume can refuse a report of another file and notice an
// edited one. It detects change, it does not authenticate: CRC-32C is
// computed in hardware at several GB/s, where SHA-256 cost a tenth of a
// million-row validate run.
func Fingerprint(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", &FileError{File: filepath.Base(path), Err: err}
	}
	defer f.Close()
	h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	n, err := io.Copy(h, f)
	if err != nil {
		return "", &FileError{File: filepath.Base(path), Err: err}
	}
	return fmt.Sprintf("%s crc32c:%08x size:%d", filepath.Base(path), h.Sum32(), n), nil
}

// CheckHeader rejects duplicate names (case-insensitive, after trimming).
// Empty header cells are allowed here: they only matter if data sits under
// them, which the readers check row by row.
func CheckHeader(file string, header []string) error {
	seen := make(map[string]int, len(header))
	for i, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		if k == "" {
			continue
		}
		if j, ok := seen[k]; ok {
			return &FileError{File: file, Column: h, Err: fmt.Errorf("%w: columns %d (%q) and %d (%q) have the same name; rename or remove one", ErrDuplicateHeader, j+1, header[j], i+1, h)}
		}
		seen[k] = i
	}
	return nil
}

// ColumnLabel names column i (0-based) for a message when its header cell
// is empty.
func ColumnLabel(header []string, i int) string {
	if i < len(header) && strings.TrimSpace(header[i]) != "" {
		return header[i]
	}
	return fmt.Sprintf("#%d", i+1)
}

// IsBlank reports whether every cell is empty.
func IsBlank(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

// stickyErr turns a fatal row error into the Row == 0 error that every
// later Next call returns, so a caller that continues after row errors
// still stops.
func stickyErr(fe *FileError) *FileError {
	if fe.Row == 0 {
		return fe
	}
	return &FileError{File: fe.File, Err: fmt.Errorf("reading stopped at row %d: %w", fe.Row, fe.Err)}
}
