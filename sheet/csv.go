package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet/textenc"
)

// The CSV reader is encoding/csv with our own header map, not gocsv: the
// headers here are dynamic (API names, HR labels, mapping files, custom
// items), and gocsv's reflection measured 4.6× a bare encoding/csv pass
// (../shared/go-library-notes.md §3) for nothing we need.

// sniffSize is how much of a CSV file encoding and delimiter detection
// look at.
const sniffSize = 64 << 10

var errRecordTooLarge = fmt.Errorf("%w: a record is longer than %d MiB (is this really a CSV file?)", ErrCellTooLarge, MaxRecordBytes>>20)

type csvSource struct {
	file   string
	f      *os.File
	hr     *hashReader
	r      *csv.Reader
	lim    *recordLimiter
	header []string
	// headerLine is the row of the header as a spreadsheet shows it.
	headerLine int
	enc        string
	detected   bool // the encoding was detected, not given
	decoded    bool // the bytes go through a decoder (not UTF-8)
	// cellsChecked: see Options.CellsChecked.
	cellsChecked bool
	fatal        *FileError
	lastLine     int   // last physical line consumed, for errors without a position
	extra        int   // physical lines so far beyond one a record (multi-line cells)
	unnamed      []int // columns with a blank header cell
	size         int64 // of the file in bytes, 0 when unknown
	dataStart    int64 // offset of the first byte after the header record
	// exported: the file starts with ExportMarker, so a leading ' is an
	// escape; keepQuote are the columns where it is not.
	exported  bool
	keepQuote []bool
	first     bool // the next record is the first of the file
	pending   []rawRow
	done      bool // Next has returned io.EOF
}

func openCSV(path string, opts Options, ext string) (*csvSource, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{File: name, Err: err}
	}
	s, err := newCSVSource(name, f, opts, ext)
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

// newCSVReader detects the encoding and the delimiter and returns a source
// positioned at the first record, without a header.
func newCSVReader(name string, in io.Reader, opts Options, ext string) (*csvSource, error) {
	s := &csvSource{file: name, hr: &hashReader{r: in, h: crc32.New(castagnoli)}, first: true}
	br := bufio.NewReaderSize(s.hr, sniffSize)
	sample, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, &FileError{File: name, Err: err}
	}
	atEOF := len(sample) < sniffSize
	forced, err := textenc.Normalise(opts.Encoding)
	if err != nil {
		return nil, &FileError{File: name, Err: err}
	}
	ch, err := textenc.Detect(sample, atEOF, opts.Encoding)
	if nt := (*textenc.NotTextError)(nil); errors.As(err, &nt) {
		err = fmt.Errorf("%w: %s", ErrNotTabular, nt.Reason)
	}
	if err != nil {
		return nil, &FileError{File: name, Err: err}
	}
	s.enc, s.detected = ch.Name, forced == ""
	br.Discard(ch.BOM)
	text := br
	if dec := ch.Reader(br); dec != io.Reader(br) {
		s.decoded = true
		text = bufio.NewReaderSize(dec, sniffSize)
	}
	decodedSample, err := text.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, &FileError{File: name, Err: fmt.Errorf("%w: %v", ErrEncoding, err)}
	}
	var lines io.Reader = text
	if bytes.IndexByte(decodedSample, '\r') >= 0 && bytes.IndexByte(decodedSample, '\n') < 0 {
		// Line ends of classic Mac OS (and of some exports): every CR is
		// a line end. encoding/csv only knows LF and CRLF.
		lines = crReader{text}
	}
	comma := opts.Delimiter
	if comma == 0 {
		def := ','
		if ext == ".tsv" || ext == ".tab" || strings.HasPrefix(s.enc, "utf-16") {
			def = '\t' // Excel's "Unicode Text" is tab-separated
		}
		comma = sniffDelimiter(decodedSample, def)
	}
	s.lim = &recordLimiter{r: lines, left: MaxRecordBytes}
	s.r = csv.NewReader(s.lim)
	s.r.Comma = comma
	s.r.ReuseRecord = true
	s.r.FieldsPerRecord = -1
	return s, nil
}

// newCSVSource reads up to and including the header record.
func newCSVSource(name string, in io.Reader, opts Options, ext string) (*csvSource, error) {
	s, err := newCSVReader(name, in, opts, ext)
	if err != nil {
		return nil, err
	}
	hdr, pending, _, err := locateHeader(s.readRaw, opts)
	if err == io.EOF {
		return nil, noHeaderError(name, "the file", opts.HeaderRow)
	}
	if err != nil {
		return nil, err
	}
	s.header, s.pending, s.headerLine = hdr.cells, pending, hdr.line
	s.dataStart = s.r.InputOffset()
	if opts.HeaderIsData == nil || !opts.HeaderIsData(s.header) {
		if err := CheckHeader(name, s.header); err != nil {
			return nil, err
		}
		for i, h := range s.header {
			if strings.TrimSpace(h) == "" {
				s.unnamed = append(s.unnamed, i)
			}
		}
	}
	if s.exported {
		keep := opts.KeepQuote
		if keep == nil {
			keep = looksLikePasswordColumn
		}
		s.keepQuote = columnFlags(s.header, keep)
	}
	// The header was checked; from here on the caller may take over.
	s.cellsChecked = opts.CellsChecked
	return s, nil
}

// looksLikePasswordColumn is the default of Options.KeepQuote.
func looksLikePasswordColumn(h string) bool {
	h = strings.ToLower(h)
	for _, w := range []string{"password", "passwd", "パスワード", "密码", "密碼"} {
		if strings.Contains(h, w) {
			return true
		}
	}
	return false
}

// isExportMarker reports whether a record is ExportMarker in a cell of its
// own (a spreadsheet that saved the file may have padded the row).
func isExportMarker(rec []string) bool {
	if len(rec) == 0 || !strings.HasPrefix(rec[0], ExportMarker[:len("#userimport export")]) {
		return false
	}
	return IsBlank(rec[1:])
}

// sniffDelimiter picks comma, semicolon or tab: the one that splits the
// most of the first lines into the same number of cells (quoted text
// does not count). A tie, or none at all, is def.
func sniffDelimiter(sample []byte, def rune) rune {
	cands := [3]byte{',', ';', '\t'}
	var counts [3]int
	var perLine [3][]int
	inQuote := false
	lines := 0
	for i := 0; i < len(sample) && lines < 50; i++ {
		c := sample[i]
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '\n' || c == '\r':
			if counts != [3]int{} {
				for k := range cands {
					perLine[k] = append(perLine[k], counts[k])
				}
				lines++
			}
			counts = [3]int{}
		default:
			for k, d := range cands {
				if c == d {
					counts[k]++
				}
			}
		}
	}
	best, bestScore := def, 0
	for k, d := range cands {
		score := consistentLines(perLine[k])
		if score > bestScore || (score == bestScore && score > 0 && rune(d) == def) {
			best, bestScore = rune(d), score
		}
	}
	return best
}

// consistentLines is how many lines have the most common non-zero count.
func consistentLines(counts []int) int {
	freq := map[int]int{}
	best := 0
	for _, n := range counts {
		if n > 0 {
			freq[n]++
			best = max(best, freq[n])
		}
	}
	return best
}

// crReader turns every CR into LF, for files whose lines end in CR only.
type crReader struct{ r io.Reader }

func (c crReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

func (s *csvSource) Header() []string { return s.header }

// Where says where the header was found and which separator was used.
func (s *csvSource) Where() Where     { return Where{HeaderRow: s.headerLine, Delimiter: s.r.Comma} }
func (s *csvSource) Sheet() string    { return "" }
func (s *csvSource) Encoding() string { return s.enc }

// Fingerprint is valid once Next has returned io.EOF (see Source).
func (s *csvSource) Fingerprint() string {
	if !s.done || !s.hr.eof {
		return ""
	}
	return s.hr.fingerprint(s.file)
}

// EstimateRows guesses the number of data rows in the file from its size
// and the bytes the first rows took (see RowEstimator). For a decoded
// encoding the offset counts UTF-8, so the guess is off, which only means
// the duplicate sets grow once or twice.
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

func (s *csvSource) Close() error {
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}

// readRaw returns the next record that is not the export marker (see
// read).
func (s *csvSource) readRaw() (rawRow, error) {
	r, err := s.read()
	if err == nil && s.first {
		s.first = false
		if isExportMarker(r.cells) {
			s.exported = true
			return s.read()
		}
	}
	return r, err
}

// read returns the next record, checked for encoding and cell size but not
// width, with the row a spreadsheet shows it in.
func (s *csvSource) read() (rawRow, error) {
	if s.fatal != nil {
		return rawRow{}, s.fatal
	}
	s.lim.left = MaxRecordBytes
	rec, err := s.r.Read()
	if err != nil {
		return rawRow{}, s.readError(err)
	}
	line, _ := s.r.FieldPos(0)
	lastLine, _ := s.r.FieldPos(len(rec) - 1)
	s.lastLine = lastLine + strings.Count(rec[len(rec)-1], "\n")
	row := rawRow{line: line - s.extra, cells: rec}
	if s.extra > 0 {
		row.fileLine = line
	}
	s.extra += s.lastLine - line
	for i, c := range rec {
		if len(c) > MaxCellBytes {
			return rawRow{}, &FileError{File: s.file, Row: row.line, Column: ColumnLabel(s.header, i), Err: fmt.Errorf("%w: %d bytes (the limit is %d)", ErrCellTooLarge, len(c), MaxCellBytes)}
		}
		if s.header == nil && s.badText(c) {
			return rawRow{}, s.encodingErr(row.line, i)
		}
	}
	return row, nil
}

// badText reports whether a cell holds bytes that were not valid in the
// file's encoding (the decoder made them U+FFFD). Next checks the cells of
// data rows in the same pass as the other per-cell checks.
func (s *csvSource) badText(c string) bool {
	if s.decoded {
		return strings.ContainsRune(c, utf8.RuneError)
	}
	return !s.cellsChecked && !utf8.ValidString(c)
}

func (s *csvSource) encodingErr(line, col int) *FileError {
	return &FileError{File: s.file, Row: line, Column: ColumnLabel(s.header, col), Err: fmt.Errorf("%w: %s", ErrEncoding, textenc.InvalidBytesHint(s.enc, s.detected))}
}

// readError turns an error of encoding/csv into a *FileError: a syntax
// error concerns one record, anything else ends reading.
func (s *csvSource) readError(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		fe := &FileError{File: s.file, Row: s.lastLine + 1 - s.extra, Err: err}
		if errors.Is(err, errRecordTooLarge) {
			fe.Err = errRecordTooLarge
		}
		s.fatal = stickyErr(fe)
		return fe
	}
	row := pe.StartLine - s.extra
	if errors.Is(pe.Err, csv.ErrFieldCount) {
		// Not reachable with FieldsPerRecord = -1; kept so a change
		// there cannot turn into a silent pass.
		return &FileError{File: s.file, Row: row, Err: ErrRaggedRow}
	}
	reason := pe.Err.Error()
	if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
		reason += fmt.Sprintf(" at line %d, character %d (a value containing a quote must be quoted, with the quote doubled)", pe.Line, pe.Column)
	}
	s.lastLine = pe.Line
	if errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine {
		// A quoted value opened in this row ran on to line Line (to
		// the end of the file, or to a later quote): the lines in
		// between were read into it. They may be rows of their own (an
		// unclosed quote) or part of a multi-line value (a stray
		// character after the closing quote); either way this report
		// line must name them, or rows would vanish without a word.
		// Reading goes on after Line, as encoding/csv does.
		swallowed := fmt.Sprintf("lines %d to %d were", pe.StartLine+1, pe.Line)
		if pe.Line == pe.StartLine+1 {
			swallowed = fmt.Sprintf("line %d was", pe.Line)
		}
		reason = fmt.Sprintf("the quotes of a value that starts in this row (line %d of the file) do not match up until line %d, so %s read as part of this row and not checked or imported as rows (close the quote, and double any quote that is part of the value)",
			pe.StartLine, pe.Line, swallowed)
		s.extra += pe.Line - pe.StartLine
	}
	return &FileError{File: s.file, Row: row, Err: fmt.Errorf("%w: %s", ErrSyntax, reason)}
}

// Next returns the next non-blank record whose width matches the header.
func (s *csvSource) Next() (Row, error) {
	for {
		var raw rawRow
		if len(s.pending) > 0 {
			raw, s.pending = s.pending[0], s.pending[1:]
			if raw.err != nil {
				return Row{}, raw.err
			}
		} else {
			var err error
			if raw, err = s.read(); err != nil {
				if err == io.EOF {
					s.done = true
				}
				return Row{}, err
			}
		}
		rec := raw.cells
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
			return Row{}, &FileError{File: s.file, Row: raw.line, Err: fmt.Errorf("%w: %d cells, but the header has %d%s", ErrRaggedRow, len(rec), len(s.header), hint)}
		}
		for _, i := range s.unnamed {
			if rec[i] != "" {
				return Row{}, &FileError{File: s.file, Row: raw.line, Column: ColumnLabel(s.header, i), Err: fmt.Errorf("%w: column %d has a value but no name in the header row", ErrEmptyHeader, i+1)}
			}
		}
		row := Row{Line: raw.line, FileLine: raw.fileLine, Cells: rec}
		bad := -1
		for i, c := range rec {
			if c == "" || !textenc.HasHighByte(c) {
				continue
			}
			if s.badText(c) {
				bad = i
				break
			}
			if textenc.LooksDoubleEncoded(c) {
				row.Findings = append(row.Findings, mojibakeFinding("", s.header, raw.line, i))
			}
		}
		if bad >= 0 {
			return Row{}, s.encodingErr(raw.line, bad)
		}
		if s.exported {
			for i, c := range rec {
				if c != "" && c[0] == '\'' && !s.keepQuote[i] {
					rec[i] = report.UnescapeFormula(c)
				}
			}
		}
		return row, nil
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

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// hashReader computes the fingerprint of everything read through it.
type hashReader struct {
	r   io.Reader
	h   hash.Hash32
	n   int64
	eof bool
}

func (h *hashReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	if err == io.EOF {
		h.eof = true
	}
	return n, err
}

func (h *hashReader) fingerprint(name string) string {
	return formatFingerprint(name, h.h.Sum32(), h.n)
}
