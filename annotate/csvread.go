package annotate

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// maxCSVRecord bounds one record of a CSV input (sheet.MaxRecordBytes), so
// a file without line breaks is refused instead of being read whole.
const maxCSVRecord = 8 << 20

// record is one CSV record at the row a spreadsheet shows it in.
type record struct {
	row   int
	cells []string // nil for a record that could not be parsed
	err   error    // the parse error of such a record
}

// records reads a CSV input record by record, numbering them the way a
// spreadsheet that opens the file does: every record is one row however
// many lines its quoted cells span, and an empty line is an empty row.
type records struct {
	f       *os.File
	r       *csv.Reader
	lim     *limiter
	row     int // row of the last record
	endLine int // physical line the last record ended on
}

func openRecords(in Input) (*records, error) {
	dec, err := decoder(in.Encoding)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(in.Path)
	if err != nil {
		return nil, err
	}
	lim := &limiter{r: transform.NewReader(f, unicode.BOMOverride(dec.NewDecoder())), left: maxCSVRecord}
	r := csv.NewReader(lim)
	r.Comma = delimiter(in)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	return &records{f: f, r: r, lim: lim}, nil
}

// next returns the next record, or io.EOF. A record that cannot be parsed
// (a quote that does not close) is returned with err set, so the row it
// was in still gets its status; reading goes on after it.
func (rs *records) next() (record, error) {
	rs.lim.left = maxCSVRecord
	cells, err := rs.r.Read()
	var pe *csv.ParseError
	switch {
	case err == nil:
		start, _ := rs.r.FieldPos(0)
		last, _ := rs.r.FieldPos(len(cells) - 1)
		rs.advance(start, last+strings.Count(cells[len(cells)-1], "\n"))
		return record{row: rs.row, cells: cells}, nil
	case errors.As(err, &pe):
		rs.advance(pe.StartLine, pe.Line)
		return record{row: rs.row, err: err}, nil
	default:
		return record{}, err
	}
}

// advance counts the empty lines skipped before a record that spans the
// physical lines start to end.
func (rs *records) advance(start, end int) {
	if start > rs.endLine+1 {
		rs.row += start - rs.endLine - 1
	}
	rs.row++
	rs.endLine = max(end, start)
}

func (rs *records) close() error { return rs.f.Close() }

// decoder returns the decoding of a CSV file by the name the reader gave
// its encoding; a byte order mark overrides it (BOMOverride).
func decoder(name string) (encoding.Encoding, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if i := strings.IndexAny(n, " ("); i >= 0 {
		n = n[:i] // "utf-8 (BOM)"
	}
	n = strings.ReplaceAll(n, "_", "-")
	switch n {
	case "", "auto", "utf-8", "utf8":
		return encoding.Nop, nil
	case "shift-jis", "sjis", "cp932", "windows-31j":
		return japanese.ShiftJIS, nil
	case "windows-1252", "cp1252", "latin1", "latin-1", "iso-8859-1":
		return charmap.Windows1252, nil
	case "utf-16", "utf-16le":
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), nil
	case "utf-16be":
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), nil
	}
	return nil, fmt.Errorf("unknown encoding %q", name)
}

// delimiter is the separator the reader used.
func delimiter(in Input) rune {
	if in.Delimiter != 0 {
		return in.Delimiter
	}
	switch strings.ToLower(filepath.Ext(in.Path)) {
	case ".tsv", ".tab":
		return '\t'
	}
	return ','
}

// limiter fails a read once one record has consumed more than its
// budget; records resets it before each record.
type limiter struct {
	r    io.Reader
	left int
}

var errTooLong = errors.New("a CSV record is longer than 8 MiB")

func (l *limiter) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errTooLong
	}
	if len(p) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= n
	return n, err
}
