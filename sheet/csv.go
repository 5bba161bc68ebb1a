package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"

	"github.com/userimport/userimport/report"
)

// The CSV reader is encoding/csv with our own header map, not gocsv: the
// headers here are dynamic (API names, HR labels, mapping files, custom
// items), and gocsv's reflection measured 4.6× a bare encoding/csv pass
// (../shared/go-library-notes.md §3) for nothing we need.

// sniffSize is how much of a CSV file encoding detection looks at.
const sniffSize = 64 << 10

// Encoding names reported by Source.Encoding.
const (
	encUTF8    = "utf-8"
	encUTF8BOM = "utf-8 (BOM)"
	encSJIS    = "shift_jis"
)

var errRecordTooLarge = fmt.Errorf("%w: a record is longer than %d MiB (is this really a CSV file?)", ErrCellTooLarge, MaxRecordBytes>>20)

type csvSource struct {
	file   string
	f      *os.File
	r      *csv.Reader
	lim    *recordLimiter
	header []string
	enc    string
	sjis   bool
	// cellsChecked: see Options.CellsChecked.
	cellsChecked bool
	fatal        *FileError
	lastLine     int   // last physical line consumed, for errors without a position
	unnamed      []int // columns with a blank header cell
	size         int64 // of the file in bytes, 0 when unknown
	dataStart    int64 // offset of the first byte after the header record
}

func openCSV(path string, opts Options) (Source, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{File: name, Err: err}
	}
	s, err := newCSVSource(name, f, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	s.f = f
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		s.size = fi.Size()
	}
	return s, nil
}

// newCSVSource detects the encoding, then reads up to and including the
// header record.
func newCSVSource(name string, in io.Reader, opts Options) (*csvSource, error) {
	s := &csvSource{file: name}
	br := bufio.NewReaderSize(in, sniffSize)
	sample, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, &FileError{File: name, Err: err}
	}
	atEOF := len(sample) < sniffSize
	enc, err := detectEncoding(sample, atEOF, opts.Encoding)
	if err != nil {
		return nil, &FileError{File: name, Err: err}
	}
	s.enc = enc
	var text io.Reader = br
	switch enc {
	case encUTF8BOM:
		br.Discard(3)
	case encSJIS:
		s.sjis = true
		text = transform.NewReader(br, japanese.ShiftJIS.NewDecoder())
	}
	s.lim = &recordLimiter{r: text, left: MaxRecordBytes}
	s.r = csv.NewReader(s.lim)
	s.r.Comma = opts.Delimiter
	s.r.ReuseRecord = true
	s.r.FieldsPerRecord = -1

	for {
		rec, line, err := s.read()
		if err == io.EOF {
			return nil, &FileError{File: name, Err: fmt.Errorf("%w: the file has no header row (it is empty, or has fewer than %d lines)", ErrEmptyHeader, opts.HeaderRow)}
		}
		if err != nil {
			fe := err.(*FileError)
			if s.fatal == nil && fe.Row < opts.HeaderRow {
				continue // a bad line above the header does not matter
			}
			return nil, fe
		}
		if line < opts.HeaderRow || IsBlank(rec) {
			continue
		}
		s.header = append([]string(nil), rec...)
		s.dataStart = s.r.InputOffset()
		break
	}
	if err := CheckHeader(name, s.header); err != nil {
		return nil, err
	}
	for i, h := range s.header {
		if strings.TrimSpace(h) == "" {
			s.unnamed = append(s.unnamed, i)
		}
	}
	// The header was checked; from here on the caller may take over.
	s.cellsChecked = opts.CellsChecked
	return s, nil
}

// detectEncoding picks the decoder for a CSV file from its first bytes and
// the --encoding flag. A UTF-8 BOM always means UTF-8.
func detectEncoding(sample []byte, atEOF bool, want string) (string, error) {
	switch {
	case bytes.HasPrefix(sample, []byte{0xEF, 0xBB, 0xBF}):
		return encUTF8BOM, nil
	case bytes.HasPrefix(sample, []byte{0xFF, 0xFE}), bytes.HasPrefix(sample, []byte{0xFE, 0xFF}):
		return "", fmt.Errorf("%w: the file is UTF-16 (Excel's \"Unicode Text\"); save it as \"CSV UTF-8\" instead", ErrEncoding)
	case bytes.HasPrefix(sample, []byte("PK\x03\x04")):
		return "", fmt.Errorf("%w: this is a ZIP file, probably an Excel workbook; give it the .xlsx extension", ErrNotTabular)
	case bytes.HasPrefix(sample, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", fmt.Errorf("%w: this is a legacy .xls or password-protected Excel file; save it as CSV or .xlsx without a password", ErrNotTabular)
	}
	if i := bytes.IndexByte(sample, 0); i >= 0 {
		return "", fmt.Errorf("%w: binary data (a NUL byte at offset %d); this is not a text file", ErrNotTabular, i)
	}
	switch strings.ToLower(strings.TrimSpace(want)) {
	case "", "auto":
	case "utf-8", "utf8":
		return encUTF8, nil
	case "shift_jis", "shift-jis", "sjis", "cp932", "windows-31j":
		return encSJIS, nil
	default:
		return "", fmt.Errorf("%w: unknown encoding %q (want auto, utf-8 or shift_jis)", ErrEncoding, want)
	}
	if !atEOF {
		sample = trimPartialRune(sample)
	}
	if utf8.Valid(sample) {
		return encUTF8, nil
	}
	return encSJIS, nil
}

// trimPartialRune drops a multi-byte UTF-8 sequence cut off by the end of
// the sample, so a valid file is not mistaken for Shift_JIS just because
// the 64 KiB boundary falls inside a character.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

func (s *csvSource) Header() []string { return s.header }

// EstimateRows guesses the number of data rows in the file from its size
// and the bytes the first rows took (see RowEstimator). For Shift_JIS the
// offset counts decoded UTF-8, so the guess is low, which only means the
// duplicate sets still grow once or twice.
func (s *csvSource) EstimateRows(rows int) int {
	read := s.r.InputOffset() - s.dataStart
	if s.size == 0 || rows <= 0 || read <= 0 {
		return 0
	}
	est := float64(s.size-s.dataStart) / float64(read) * float64(rows)
	return int(min(est*estimateMargin, 1<<30))
}

// estimateMargin pads a row estimate so that a file whose first rows are
// a little longer than the rest does not just miss the size it needs.
const estimateMargin = 1.1

func (s *csvSource) Encoding() string { return s.enc }

func (s *csvSource) Close() error {
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}

// read returns the next record, checked for encoding and cell size but not
// width, with the physical line it starts on.
func (s *csvSource) read() ([]string, int, error) {
	if s.fatal != nil {
		return nil, 0, s.fatal
	}
	s.lim.left = MaxRecordBytes
	rec, err := s.r.Read()
	if err != nil {
		if err == io.EOF {
			return nil, 0, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				// Not reachable with FieldsPerRecord = -1; kept so a change
				// there cannot turn into a silent pass.
				return nil, pe.StartLine, &FileError{File: s.file, Row: pe.StartLine, Err: ErrRaggedRow}
			}
			reason := pe.Err.Error()
			if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
				reason += fmt.Sprintf(" at line %d, character %d (a value containing a quote must be quoted, with the quote doubled)", pe.Line, pe.Column)
			}
			s.lastLine = pe.Line
			if errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine {
				// A quoted value opened in this row ran on to line Line
				// (to the end of the file, or to a later quote): the
				// lines in between were read into it. They may be rows
				// of their own (an unclosed quote) or part of a
				// multi-line value (a stray character after the closing
				// quote); either way this report line must name them,
				// or rows would vanish without a word. Reading goes on
				// after Line, as encoding/csv does.
				swallowed := fmt.Sprintf("lines %d to %d were", pe.StartLine+1, pe.Line)
				if pe.Line == pe.StartLine+1 {
					swallowed = fmt.Sprintf("line %d was", pe.Line)
				}
				reason = fmt.Sprintf("the quotes of a value that starts in this row do not match up until line %d, so %s read as part of this row and not checked or imported as rows (close the quote, and double any quote that is part of the value)",
					pe.Line, swallowed)
			}
			fe := &FileError{File: s.file, Row: pe.StartLine, Err: fmt.Errorf("%w: %s", ErrSyntax, reason)}
			return nil, pe.StartLine, fe
		}
		fe := &FileError{File: s.file, Row: s.lastLine + 1, Err: err}
		if errors.Is(err, errRecordTooLarge) {
			fe.Err = errRecordTooLarge
		}
		s.fatal = stickyErr(fe)
		return nil, fe.Row, fe
	}
	line, _ := s.r.FieldPos(0)
	lastLine, _ := s.r.FieldPos(len(rec) - 1)
	s.lastLine = lastLine + strings.Count(rec[len(rec)-1], "\n")
	for i, c := range rec {
		if len(c) > MaxCellBytes {
			return nil, line, &FileError{File: s.file, Row: line, Column: ColumnLabel(s.header, i), Err: fmt.Errorf("%w: %d bytes (the limit is %d)", ErrCellTooLarge, len(c), MaxCellBytes)}
		}
		if s.sjis {
			if strings.ContainsRune(c, utf8.RuneError) {
				return nil, line, &FileError{File: s.file, Row: line, Column: ColumnLabel(s.header, i), Err: fmt.Errorf("%w: bytes that are not valid Shift_JIS (is the file UTF-8? try --encoding utf-8)", ErrEncoding)}
			}
		} else if !s.cellsChecked && !utf8.ValidString(c) {
			return nil, line, &FileError{File: s.file, Row: line, Column: ColumnLabel(s.header, i), Err: fmt.Errorf("%w: bytes that are not valid UTF-8 (is the file Shift_JIS? try --encoding shift_jis)", ErrEncoding)}
		}
	}
	return rec, line, nil
}

// Next returns the next non-blank record whose width matches the header.
func (s *csvSource) Next() (Row, error) {
	for {
		rec, line, err := s.read()
		if err != nil {
			return Row{}, err
		}
		if IsBlank(rec) {
			// A row of only separators (",,,,") is what spreadsheet
			// programs write for an empty row; encoding/csv already skips
			// truly empty lines, and both mean "no user here".
			continue
		}
		if len(rec) != len(s.header) {
			hint := ""
			if len(rec) > len(s.header) {
				hint = " (a value containing the separator must be in double quotes)"
			}
			return Row{}, &FileError{File: s.file, Row: line, Err: fmt.Errorf("%w: %d cells, but the header has %d%s", ErrRaggedRow, len(rec), len(s.header), hint)}
		}
		for _, i := range s.unnamed {
			if rec[i] != "" {
				return Row{}, &FileError{File: s.file, Row: line, Column: ColumnLabel(s.header, i), Err: fmt.Errorf("%w: column %d has a value but no name in the header row", ErrEmptyHeader, i+1)}
			}
		}
		// Undo the OWASP escape our own exports and reports put on
		// formula-like cells ('=…, '+…, '-…, '@…), so that an exported file
		// imports back unchanged. Excel never writes that quote into a CSV
		// (it is a display prefix there), so a cell that starts with it was
		// escaped by a program like ours.
		for i, c := range rec {
			rec[i] = report.UnescapeFormula(c)
		}
		return Row{Line: line, Cells: rec}, nil
	}
}

// recordLimiter fails a read once one record has consumed more than
// MaxRecordBytes; the source resets left before each record. encoding/csv
// buffers a whole line (and a whole quoted field) before returning, so
// without this a file with no line breaks would be read into memory whole.
// bufio's read-ahead (4 KiB) is counted against the next record, which only
// makes the limit a little stricter.
type recordLimiter struct {
	r    io.Reader
	left int
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errRecordTooLarge
	}
	if len(p) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= n
	return n, err
}
