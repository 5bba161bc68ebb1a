package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// ErrNotReport is wrapped by Read's errors when the file is not a report
// this package wrote: no header, a missing or doubled column, a row that
// lacks a field. --resume uses it to say "that is not a report" rather than
// "the report is damaged".
var ErrNotReport = errors.New("not a userimport report")

// ParseError is a problem at one place of a report file.
type ParseError struct {
	Path string // the file name as given to Read, or the name given to ReadFrom
	// Sheet is the XLSX sheet that Line is on, and "" for CSV and JSONL: a
	// big XLSX report has several sheets (see XLSX).
	Sheet string
	Line  int // CSV/JSONL line, XLSX sheet row; 1-based
	Err   error
}

// Error returns "path:line: problem", the form editors jump to, or for an
// XLSX report "path: sheet "name" row line: problem".
func (e *ParseError) Error() string {
	if e.Sheet != "" {
		return fmt.Sprintf("%s: sheet %q row %d: %v", e.Path, e.Sheet, e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
}

// Unwrap returns the problem, so that errors.Is(err, ErrNotReport) works.
func (e *ParseError) Unwrap() error { return e.Err }

// maxLine bounds one JSONL line, so a damaged file cannot make Read take
// all memory. A report row is a few hundred bytes.
const maxLine = 16 << 20

// Read reads a report written by this package, in the format its extension
// names (FormatFor), and calls fn for every row in file order. It stops at
// the first error, which is fn's own error unwrapped or a *ParseError that
// names the file and line. It undoes EscapeFormula (CSV, XLSX).
//
// The header must hold every name in Columns exactly once; other columns
// are ignored, so a report from a later version that added columns still
// reads. A last row without its newline (or, in CSV, whose quoted message
// runs to the end of the file) is ignored: this package writes whole rows,
// so such a row is what a power loss or a full disk tore, and resuming
// treats it as never written. An XLSX report that the
// writing run did not Close is not a workbook at all and cannot be read.
//
// An XLSX report is read from its sheet "report" (or, if there is none,
// its first sheet) and then from the sheets "report (2)", "report (3)", …
// that continue it past Excel's row limit, in that order and for as long
// as the next one exists, each starting with its own header. Other sheets,
// such as one a person added, are ignored.
func Read(path string, fn func(Row) error) error {
	format, err := FormatFor(path)
	if err != nil {
		return err
	}
	if path == Stdout {
		return ReadFrom(os.Stdin, "standard input", CSV, fn)
	}
	if format == XLSX {
		f, err := excelize.OpenFile(path, xlsxReadOptions)
		if err != nil {
			return fmt.Errorf("read report %s (an XLSX report is only complete once the run that wrote it finished): %w", path, err)
		}
		return readXLSX(f, path, fn)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read report: %w", err)
	}
	defer f.Close()
	return ReadFrom(f, path, format, fn)
}

// ReadFrom is Read for a report that is not a named file; name is used in
// errors. An XLSX report is read into memory first (excelize needs random
// access); Read opens files without that.
func ReadFrom(r io.Reader, name string, format Format, fn func(Row) error) error {
	switch format {
	case CSV:
		return readCSV(r, name, fn)
	case JSONL:
		return readJSONL(r, name, fn)
	case XLSX:
		f, err := excelize.OpenReader(r, xlsxReadOptions)
		if err != nil {
			return fmt.Errorf("read report %s: %w", name, err)
		}
		return readXLSX(f, name, fn)
	}
	return fmt.Errorf("read report %s: %v: %w", name, format, ErrUnsupportedFormat)
}

// columnIndex maps each name of Columns to its position in header, or
// returns an error naming what is missing or doubled.
func columnIndex(header []string) ([numCols]int, error) {
	var idx [numCols]int
	pos := make(map[string]int, len(header))
	for i, h := range header {
		if i == 0 {
			// Tolerate a BOM an editor added; this package writes none.
			h = strings.TrimPrefix(h, "\ufeff")
		}
		if _, dup := pos[h]; dup && isColumn(h) {
			return idx, fmt.Errorf("column %q appears twice: %w", h, ErrNotReport)
		}
		pos[h] = i
	}
	var missing []string
	for i, c := range Columns {
		p, ok := pos[c]
		switch {
		case ok:
			idx[i] = p
		case i < requiredCols:
			missing = append(missing, c)
		default:
			idx[i] = -1 // an optional column a report may lack
		}
	}
	if len(missing) > 0 {
		return idx, fmt.Errorf("header lacks column(s) %s (a report starts %s): %w",
			strings.Join(missing, ", "), strings.Join(Columns[:requiredCols], ","), ErrNotReport)
	}
	return idx, nil
}

func isColumn(name string) bool {
	for _, c := range Columns {
		if c == name {
			return true
		}
	}
	return false
}

// rowFrom builds a Row from the cells of one record, already in Columns
// order, undoing the formula escaping if unescape is set.
func rowFrom(rec *[numCols]string, unescape bool) (Row, error) {
	n, err := strconv.Atoi(rec[0])
	if err != nil || n < 0 {
		return Row{}, fmt.Errorf("row number %q is not a non-negative integer", rec[0])
	}
	un := func(s string) string { return s }
	if unescape {
		un = UnescapeFormula
	}
	r := Row{
		Row:         n,
		Code:        un(rec[1]),
		Status:      Status(un(rec[2])),
		Services:    un(rec[3]),
		ErrorCode:   un(rec[4]),
		Message:     un(rec[5]),
		Departments: un(rec[6]),
		Input:       un(rec[7]),
		Warnings:    un(rec[8]),
		Changes:     un(rec[9]),
	}
	if !r.Status.Known() {
		return Row{}, fmt.Errorf("unknown status %q", r.Status)
	}
	return r, nil
}

// lastByteReader remembers the last byte read, to tell a complete final
// line from a torn one once the reader reaches EOF.
type lastByteReader struct {
	r    io.Reader
	last byte
}

func (l *lastByteReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if n > 0 {
		l.last = p[n-1]
	}
	return n, err
}

// pending holds the latest record until the next one (or a newline-ended
// EOF) proves it complete; an error in it waits the same way, because a
// torn last line is not an error.
type pending struct {
	ok   bool
	row  Row
	err  error
	line int
}

func (p *pending) emit(name string, fn func(Row) error) error {
	if !p.ok {
		return nil
	}
	p.ok = false
	if p.err != nil {
		return &ParseError{Path: name, Line: p.line, Err: p.err}
	}
	return fn(p.row)
}

// readCSV uses encoding/csv directly rather than gocsv's Unmarshaller. The
// speed does not matter for --resume, but gocsv's checks do: it leaves
// missing columns and an empty row number silently zero, lets a doubled
// header win silently, and its error lines count records, not lines. All of
// that would have to be redone by hand around it, which leaves gocsv only
// the eight assignments in rowFrom.
func readCSV(r io.Reader, name string, fn func(Row) error) error {
	lb := &lastByteReader{r: r}
	cr := csv.NewReader(lb)
	cr.ReuseRecord = true
	// FieldsPerRecord 0: every row must have as many fields as the header,
	// which catches rows truncated or merged by hand edits.
	header, err := cr.Read()
	if err == io.EOF {
		return &ParseError{Path: name, Line: 1, Err: fmt.Errorf("empty file, no header: %w", ErrNotReport)}
	}
	if err != nil {
		return csvError(name, err)
	}
	idx, err := columnIndex(header)
	if err != nil {
		return &ParseError{Path: name, Line: 1, Err: err}
	}
	var p pending
	var rec [numCols]string
	for {
		fields, err := cr.Read()
		if err == io.EOF {
			break
		}
		if perr := p.emit(name, fn); perr != nil {
			return perr
		}
		p = pending{ok: true}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			p.line, p.err = pe.Line, pe.Err
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				p.err = fmt.Errorf("%d fields, the header has %d: %w", len(fields), len(header), ErrNotReport)
			}
		case err != nil:
			return fmt.Errorf("read report %s: %w", name, err)
		default:
			p.line, _ = cr.FieldPos(0)
			for i, j := range idx {
				rec[i] = ""
				if j >= 0 {
					rec[i] = fields[j]
				}
			}
			p.row, p.err = rowFrom(&rec, true)
		}
	}
	// A last record without its newline, or one whose quoted cell runs to
	// the end of the file (a tear just after a newline inside a message),
	// is torn: never written, as far as resuming goes.
	if lb.last != '\n' || errors.Is(p.err, csv.ErrQuote) {
		return nil
	}
	return p.emit(name, fn)
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{Path: name, Line: pe.Line, Err: pe.Err}
	}
	return fmt.Errorf("read report %s: %w", name, err)
}

// jsonRow mirrors Row with pointers, so that a missing key is told apart
// from an empty value.
type jsonRow struct {
	Row         *int    `json:"row"`
	Code        *string `json:"code"`
	Status      *string `json:"status"`
	Services    *string `json:"services"`
	ErrorCode   *string `json:"error_code"`
	Message     *string `json:"message"`
	Departments *string `json:"departments"`
	Input       *string `json:"input"`
	// The optional keys, absent from reports written before they existed.
	Warnings string    `json:"warnings"`
	Changes  string    `json:"changes"`
	Findings []Finding `json:"findings"`
}

func (j *jsonRow) row() (Row, error) {
	var missing []string
	str := func(key string, p *string) string {
		if p == nil {
			missing = append(missing, key)
			return ""
		}
		return *p
	}
	r := Row{
		Code:        str("code", j.Code),
		Status:      Status(str("status", j.Status)),
		Services:    str("services", j.Services),
		ErrorCode:   str("error_code", j.ErrorCode),
		Message:     str("message", j.Message),
		Departments: str("departments", j.Departments),
		Input:       str("input", j.Input),
		Warnings:    j.Warnings,
		Changes:     j.Changes,
		Findings:    j.Findings,
	}
	if j.Row == nil {
		missing = append([]string{"row"}, missing...)
	} else {
		r.Row = *j.Row
	}
	if len(missing) > 0 {
		return Row{}, fmt.Errorf("object lacks key(s) %s: %w", strings.Join(missing, ", "), ErrNotReport)
	}
	if r.Row < 0 {
		return Row{}, fmt.Errorf("row number %d is negative", r.Row)
	}
	if !r.Status.Known() {
		return Row{}, fmt.Errorf("unknown status %q", r.Status)
	}
	return r, nil
}

// readJSONL reads one object per line. Unknown keys are ignored (forward
// compatibility), blank lines are skipped, and no formula escaping is
// undone because the writer applies none.
func readJSONL(r io.Reader, name string, fn func(Row) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte
	for line := 1; ; line++ {
		b, err := br.ReadSlice('\n')
		for err == bufio.ErrBufferFull {
			if len(long)+len(b) > maxLine {
				return &ParseError{Path: name, Line: line, Err: fmt.Errorf("line longer than %d bytes: %w", maxLine, ErrNotReport)}
			}
			long = append(long, b...)
			b, err = br.ReadSlice('\n')
		}
		if long != nil {
			b = append(long, b...)
			long = nil
		}
		if err == io.EOF {
			// Either the end, or a last line without its newline: a torn
			// write, treated as never written.
			return nil
		}
		if err != nil {
			return fmt.Errorf("read report %s: %w", name, err)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		var j jsonRow
		if err := json.Unmarshal(b, &j); err != nil {
			return &ParseError{Path: name, Line: line, Err: fmt.Errorf("not a JSON object: %v: %w", err, ErrNotReport)}
		}
		row, err := j.row()
		if err != nil {
			return &ParseError{Path: name, Line: line, Err: err}
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

// xlsxReadOptions read cells raw (the row number as "12", not formatted)
// and refuse zip bombs far below excelize's 15.6 GiB default.
var xlsxReadOptions = excelize.Options{RawCellValue: true, UnzipSizeLimit: 1 << 30}

// readXLSX reads the report's sheets (see Read) with the Rows iterator, so
// memory does not grow with the report. Blank rows are skipped.
func readXLSX(f *excelize.File, name string, fn func(Row) error) (err error) {
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("read report %s: %w", name, cerr)
		}
	}()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return &ParseError{Path: name, Line: 1, Err: fmt.Errorf("workbook has no sheet: %w", ErrNotReport)}
	}
	first := sheets[0]
	if hasSheet(f, sheetName) {
		first = sheetName
	}
	if err := readSheet(f, name, first, true, fn); err != nil {
		return err
	}
	for n := 2; ; n++ {
		sheet := reportSheet(n)
		if !hasSheet(f, sheet) || strings.EqualFold(sheet, first) {
			return nil
		}
		if err := readSheet(f, name, sheet, false, fn); err != nil {
			return err
		}
	}
}

func hasSheet(f *excelize.File, sheet string) bool {
	i, err := f.GetSheetIndex(sheet)
	return err == nil && i >= 0
}

// readSheet reads one sheet of an XLSX report: a header, then rows. The
// first sheet must have the header; a continuation sheet with no row at
// all is what a writer leaves that could not start it, and reads as
// empty.
func readSheet(f *excelize.File, name, sheet string, first bool, fn func(Row) error) error {
	rows, err := f.Rows(sheet)
	if err != nil {
		return fmt.Errorf("read report %s, sheet %q: %w", name, sheet, err)
	}
	defer rows.Close()
	var idx [numCols]int
	var rec [numCols]string
	header := false
	for line := 1; rows.Next(); line++ {
		cols, err := rows.Columns()
		if err != nil {
			return &ParseError{Path: name, Sheet: sheet, Line: line, Err: err}
		}
		if !header {
			if idx, err = columnIndex(cols); err != nil {
				return &ParseError{Path: name, Sheet: sheet, Line: line, Err: err}
			}
			header = true
			continue
		}
		if blank(cols) {
			continue
		}
		for i, j := range idx {
			rec[i] = ""
			if j >= 0 && j < len(cols) { // excelize drops trailing empty cells
				rec[i] = cols[j]
			}
		}
		r, err := rowFrom(&rec, true)
		if err != nil {
			return &ParseError{Path: name, Sheet: sheet, Line: line, Err: err}
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("read report %s, sheet %q: %w", name, sheet, err)
	}
	if !header && first {
		return &ParseError{Path: name, Sheet: sheet, Line: 1, Err: fmt.Errorf("empty sheet, no header: %w", ErrNotReport)}
	}
	return nil
}

func blank(cols []string) bool {
	for _, c := range cols {
		if c != "" {
			return false
		}
	}
	return true
}
