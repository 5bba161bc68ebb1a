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
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet/textenc"
)

// Limits that keep a hostile or broken file from exhausting memory. A cell
// of the User API is at most 1,000 characters (description), so 64 KiB is
// far beyond any legitimate value while still small enough to hold.
const (
	// MaxCellBytes is the largest cell the readers accept.
	MaxCellBytes = 64 << 10
	// MaxCellChars is Excel's limit on the characters of one cell; an
	// XLSX cell or shared string beyond it was not written by Excel.
	MaxCellChars = 32767
	// MaxRecordBytes bounds one CSV record (all its cells and separators,
	// across embedded newlines), so a file with no line breaks at all is
	// rejected after this many bytes instead of being read whole.
	MaxRecordBytes = 8 << 20
)

// Sentinel errors, wrapped by *FileError, for callers that branch with
// errors.Is.
var (
	// ErrEncoding: the bytes are not valid in the file's encoding (or the
	// file is in an encoding that is not supported at all, such as UTF-32).
	// It is textenc's, so that detection's errors match it.
	ErrEncoding = textenc.ErrEncoding
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
	// ErrTooLarge: a workbook exceeds Excel's own limits or a budget
	// proportional to its size (styles, shared strings, cells in a row):
	// it was not written by a spreadsheet program, and reading it would
	// cost more memory or time than the file justifies.
	ErrTooLarge = errors.New("workbook beyond Excel's limits")
)

// Encodings lists the values Options.Encoding accepts besides "" and
// "auto", for flag help and error messages.
var Encodings = textenc.Names

// Options says how to read an input file (the --encoding, --delimiter,
// --sheet, --header-row and --skip-hidden flags, and what the caller knows
// about columns).
type Options struct {
	// Encoding of a CSV/TSV file: "" or "auto" detects it (a byte order
	// mark; else valid UTF-8; else the better of Shift_JIS/CP932 and
	// Windows-1252, see Encodings); or one of "utf-8", "shift_jis"
	// (aliases "sjis", "cp932", "windows-31j"), "windows-1252" (aliases
	// "cp1252", "latin1", "iso-8859-1"), "utf-16" (a BOM says which byte
	// order, little-endian without one), "utf-16le", "utf-16be". Ignored
	// for XLSX.
	Encoding string
	// Sheet is the XLSX sheet name; "" means the first visible sheet (or,
	// with FindHeader, the first visible sheet where it finds a header).
	Sheet string
	// HeaderRow is the 1-based row of the header as a spreadsheet shows
	// it; rows before it are skipped. If that row is blank, the next
	// non-blank row is the header. 0 means: FindHeader decides, or without
	// FindHeader the first non-blank row.
	HeaderRow int
	// Delimiter of a CSV file; 0 sniffs comma, semicolon or tab from the
	// first lines (a tie goes to tab for .tsv/.tab files, else to comma).
	Delimiter rune
	// CellsChecked says the caller checks every value it uses for invalid
	// UTF-8 itself (the import pipeline does, with validate's
	// field.invalid_utf8 rule), so a UTF-8 CSV source need not scan every
	// cell a second time; on a large file that scan is a fifth of the
	// reading. Decoding errors of other encodings are still reported by
	// the source.
	CellsChecked bool
	// FindHeader, when HeaderRow is 0, is given the first HeaderScanRows
	// non-blank rows of a sheet (cells as in the file) and returns the
	// index of the header among them, or ok == false if none is one. The
	// rows above the header are ignored. With Sheet == "" a workbook's
	// visible sheets are tried in order and the first one where it finds a
	// header is read (Source.Sheet tells which); if it finds none
	// anywhere, the first non-blank row of the first visible sheet is the
	// header, so the caller's column checks name what is missing. Package
	// mapping knows the labels and provides the function.
	FindHeader func(rows [][]string) (index int, ok bool)
	// HeaderIsData, when set, is asked about the header row found: true
	// says it is the first data row of a file without a header row
	// (cybozu.com's own files may be written so). Its cells are then not
	// checked as names (two equal values or a blank one are data), and a
	// value under a blank one is no error. Header still returns the row,
	// which the caller maps as data.
	HeaderIsData func(first []string) bool
	// SkipHidden leaves hidden XLSX rows (hidden by hand or by a filter)
	// out: Next returns them with Skipped set, so the caller can report
	// them, instead of as data rows.
	SkipHidden bool
	// TextColumns says which header names hold text that only looks like
	// numbers (a login name, employee or phone number). A number cell of
	// an XLSX file under such a column gets the warning cell.number_as_text
	// (leading zeros may be lost). Nil means a guess from the cell alone:
	// the warning is given for whole numbers of 5 or more digits and for
	// formats that pad with zeros ("00000"). Called once per column.
	TextColumns func(header string) bool
	// KeepQuote says which header names must keep a leading ' exactly as
	// typed. A CSV file written by this tool (it starts with ExportMarker)
	// has a ' put before every cell that a spreadsheet would run as a
	// formula (report.EscapeFormula), and the reader removes it again;
	// never in a column for which KeepQuote is true, because a password
	// is never exported and so never escaped. Nil means a guess from the
	// name: a column whose name contains "password", "パスワード",
	// "密码" or "passwd" keeps its quotes. Files without the marker are
	// never changed. Called once per column.
	KeepQuote func(header string) bool
}

// HeaderScanRows is how many non-blank rows Options.FindHeader is given.
const HeaderScanRows = 20

// ExportMarker is the first line of a CSV file written by this tool's
// export (after the UTF-8 BOM, before the header): it says that a leading '
// before = + - @ TAB or CR is an escape (report.EscapeFormula), which the
// reader removes again. It survives a spreadsheet's open-and-save (a cell
// of its own in row 1, padded with separators or quoted) and is never a
// header or a data row. A file without it is read as typed.
const ExportMarker = "#userimport export: a leading ' before = + - @ is an escape"

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
	// A Row with Skipped set (Options.SkipHidden) is reported, not imported.
	Next() (Row, error)
	// Encoding names the encoding actually used: "utf-8", "utf-8 (BOM)",
	// "shift_jis", "windows-1252", "utf-16le", "utf-16be" or "xlsx".
	Encoding() string
	// Sheet names the XLSX sheet being read; "" for CSV.
	Sheet() string
	// Fingerprint identifies the file by the bytes this source read, in
	// the form of the package function Fingerprint. It is computed while
	// reading, in the same pass, so it describes exactly what was
	// imported (also from a pipe); it is "" until Next has returned
	// io.EOF.
	Fingerprint() string
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
	// Line is the row number the person sees in a spreadsheet: the sheet
	// row of an XLSX file; for CSV the record's row when a spreadsheet
	// opens the file (every record one row, a blank line too, however
	// many lines its quoted cells span).
	Line int
	// FileLine is, for CSV, the physical line where the record starts
	// when that differs from Line (a multi-line cell above it); else 0.
	FileLine int
	// Cells has exactly one entry per header cell. The slice is reused: it
	// is valid until the next call to Next (the strings themselves may be
	// kept).
	Cells []string
	// Findings are what the reader noticed about this row's cells (an
	// Excel error value, a hidden row, a merged cell, a number shown with
	// its format, double-encoded text), each naming its cell. An error
	// finding makes the row invalid; a warning goes into its report line.
	// Nil for most rows; a non-nil slice is the caller's to keep.
	Findings []report.Finding
	// Skipped marks a hidden row left out by Options.SkipHidden. Cells
	// and Findings (row.hidden) are filled so that it can be reported;
	// it must not be imported.
	Skipped bool
}

// Rule ids of the findings the readers put on rows.
const (
	// RuleErrorValue: an XLSX cell holds an Excel error (#N/A, #DIV/0!,
	// ...). Error.
	RuleErrorValue = "cell.error_value"
	// RuleFormulaNoValue: an XLSX formula cell has no stored result (the
	// file was written by a program that does not calculate). Error.
	RuleFormulaNoValue = "cell.formula_no_value"
	// RuleNumberAsText: a number cell under a text column; leading zeros
	// may be lost. Warning.
	RuleNumberAsText = "cell.number_as_text"
	// RuleMerged: the cell is part of a merged range and took its value.
	// Warning.
	RuleMerged = "cell.merged"
	// RuleMojibake: the text looks double-encoded (UTF-8 read as
	// Windows-1252 or Shift_JIS and saved again). Warning.
	RuleMojibake = "cell.mojibake"
	// RuleHidden: the row is hidden in the workbook (by hand or by a
	// filter). Warning.
	RuleHidden = "row.hidden"
)

// CellRef names a cell the way a spreadsheet does: "C7", or "Staff!C7"
// with a sheet ("'My staff'!C7" when the name needs quoting). row is
// 1-based; col is the 0-based index of the cell in Row.Cells.
func CellRef(sheet string, row, col int) string {
	ref := columnName(col+1) + strconv.Itoa(row)
	if sheet == "" {
		return ref
	}
	return quoteSheet(sheet) + "!" + ref
}

// columnName is the letters of a 1-based column ("A", "AB").
func columnName(col int) string {
	var b [8]byte
	i := len(b)
	for col > 0 && i > 0 {
		col--
		i--
		b[i] = byte('A' + col%26)
		col /= 26
	}
	return string(b[i:])
}

// quoteSheet quotes a sheet name for a reference when it is not a plain
// word, doubling its apostrophes, as Excel's formula bar does.
func quoteSheet(name string) string {
	plain := true
	for i, r := range name {
		if !(r == '_' || unicode.IsLetter(r) || (i > 0 && (unicode.IsDigit(r) || r == '.'))) {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
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
	if err := checkDelimiter(opts.Delimiter); err != nil {
		return nil, &FileError{File: filepath.Base(path), Err: err}
	}
	kind, ext, err := kindOf(path)
	if err != nil {
		return nil, err
	}
	if kind == kindXLSX {
		return openXLSX(path, opts)
	}
	return openCSV(path, opts, ext)
}

type fileKind int

const (
	kindCSV fileKind = iota
	kindXLSX
)

// kindOf tells a file's format by its extension.
func kindOf(path string) (fileKind, string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv", ".txt", ".tsv", ".tab":
		return kindCSV, ext, nil
	case ".xlsx", ".xlsm":
		return kindXLSX, ext, nil
	case ".xls":
		return 0, ext, &FileError{File: filepath.Base(path), Err: fmt.Errorf("%w: the old binary .xls format is not supported; save the workbook as .xlsx or CSV", ErrNotTabular)}
	default:
		return 0, ext, &FileError{File: filepath.Base(path), Err: fmt.Errorf("%w: unknown file extension %q (want .csv, .tsv, .txt, .xlsx or .xlsm)", ErrNotTabular, ext)}
	}
}

// checkDelimiter accepts what encoding/csv accepts as a separator.
func checkDelimiter(d rune) error {
	if d == 0 {
		return nil
	}
	if d == '"' || d == '\r' || d == '\n' || d == utf8.RuneError || !utf8.ValidRune(d) {
		return fmt.Errorf("delimiter %q cannot separate cells (use comma, semicolon or tab)", d)
	}
	return nil
}

// SheetInfo is one sheet of a workbook.
type SheetInfo struct {
	Name string
	// Hidden is true for a hidden or very hidden sheet.
	Hidden bool
}

// Sheets lists the sheets of a workbook in their order; a CSV file has
// none (nil, nil).
func Sheets(path string) ([]SheetInfo, error) {
	kind, _, err := kindOf(path)
	if err != nil || kind != kindXLSX {
		return nil, err
	}
	wb, err := openWorkbook(path)
	if err != nil {
		return nil, err
	}
	defer wb.close()
	out := make([]SheetInfo, len(wb.sheets))
	for i, sh := range wb.sheets {
		out[i] = SheetInfo{Name: sh.name, Hidden: !sh.visible()}
	}
	return out, nil
}

// Preview returns the first n non-blank rows of a file as they are (no
// header taken, cells not padded, no findings), each with its Line:
// enough for a person or a header search to choose the sheet and the
// header row. opts.Sheet chooses the sheet ("" the first visible one);
// opts.Encoding and opts.Delimiter apply to CSV; the rest is ignored.
func Preview(path string, opts Options, n int) ([]Row, error) {
	if err := checkDelimiter(opts.Delimiter); err != nil {
		return nil, &FileError{File: filepath.Base(path), Err: err}
	}
	kind, ext, err := kindOf(path)
	if err != nil {
		return nil, err
	}
	var read func() (rawRow, error)
	if kind == kindXLSX {
		wb, err := openWorkbook(path)
		if err != nil {
			return nil, err
		}
		defer wb.close()
		sh, err := wb.pick(opts.Sheet)
		if err != nil {
			return nil, &FileError{File: wb.file, Err: err}
		}
		s, err := wb.sheetSource(sh, opts)
		if err != nil {
			return nil, err
		}
		defer s.closePart()
		read = s.readRow
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, &FileError{File: filepath.Base(path), Err: err}
		}
		defer f.Close()
		s, err := newCSVReader(filepath.Base(path), f, opts, ext)
		if err != nil {
			return nil, err
		}
		read = s.readRaw
	}
	var out []Row
	for len(out) < n {
		r, err := read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var fe *FileError
			if errors.As(err, &fe) && fe.Row > 0 {
				continue
			}
			return out, err
		}
		if !IsBlank(r.cells) {
			out = append(out, Row{Line: r.line, FileLine: r.fileLine, Cells: append([]string(nil), r.cells...)})
		}
	}
	return out, nil
}

// Fingerprint identifies an input file by name and content:
// "users.csv crc32c:<8 hex digits> size:<bytes>". Every report row records
// it so that --resume can refuse a report of another file and notice an
// edited one. It detects change, it does not authenticate: CRC-32C is
// computed in hardware at several GB/s, where SHA-256 cost a tenth of a
// million-row validate run. Source.Fingerprint gives the same string for
// the bytes a source read, without reading the file a second time.
func Fingerprint(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", &FileError{File: filepath.Base(path), Err: err}
	}
	defer f.Close()
	h := crc32.New(castagnoli)
	n, err := io.Copy(h, f)
	if err != nil {
		return "", &FileError{File: filepath.Base(path), Err: err}
	}
	return formatFingerprint(filepath.Base(path), h.Sum32(), n), nil
}

func formatFingerprint(name string, sum uint32, size int64) string {
	return fmt.Sprintf("%s crc32c:%08x size:%d", name, sum, size)
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

// Where is what a reader found out about a file's layout, for a copy of
// the file that must line up with it (package annotate).
type Where struct {
	// HeaderRow is the header's row as a spreadsheet shows it (1-based).
	HeaderRow int
	// Delimiter is the CSV separator used; 0 for XLSX.
	Delimiter rune
}

// WhereOf returns what src found out about its file's layout.
func WhereOf(src Source) Where {
	if w, ok := src.(interface{ Where() Where }); ok {
		return w.Where()
	}
	return Where{}
}
