package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/sheet/textenc"
)

// Why the worksheet is not read through excelize's Rows iterator: its
// Columns method returns bare strings. With RawCellValue (2× faster, and
// the only way to keep "00123" from being reformatted) a date comes back
// as a serial, and nothing tells which serials are dates, because the
// cell's style id is not exposed; and a formula cell without a cached
// value comes back as "" exactly like an empty cell. Both must be told
// apart here (dates → YYYY-MM-DD; an uncalculated formula is an error,
// never a silent blank), as must hidden rows, error values and merged
// ranges. So the sheet XML is streamed directly from the zip (encoding/xml
// RawToken, one row at a time), and excelize is kept for what it does
// well: date serial conversion (ExcelDateToTime) and rendering numbers
// with a number format (a scratch workbook, see numFormatter).

// Limits for a workbook: Excel's own, and budgets that keep a hostile
// package (tiny compressed, huge unpacked) from costing more than a
// genuine workbook of its size.
const (
	// maxUnzipBytes bounds the declared uncompressed size of all parts;
	// archive/zip fails reads past a part's declared size, so the bound
	// holds against lying headers too.
	maxUnzipBytes = 1 << 30
	// maxMetaBytes bounds each of the small parts read whole before any
	// row (workbook, relationships, styles): Excel's largest style sheets
	// (64,000 formats) are a few MiB.
	maxMetaBytes = 64 << 20
	// maxSSTBytes bounds the shared-string table, which must be held in
	// memory (cells refer to it by index).
	maxSSTBytes = 256 << 20
	// maxSSTCount bounds the number of shared strings (4 bytes each in
	// memory besides their text); a sheet also needs about 20 bytes of
	// XML per string it uses, see sstBudget.
	maxSSTCount = 1 << 24
	// maxStyles is Excel's limit on cell formats in a workbook.
	maxStyles = 64000
	// maxSheets bounds the sheet list.
	maxSheets = 1 << 16
	// maxMerges bounds the merged ranges of a sheet.
	maxMerges = 1 << 20
	// maxXMLRun bounds any run of XML text between two '<' (one text node
	// or one tag), so encoding/xml never buffers more than this. A cell at
	// MaxCellBytes with every character escaped as an entity still fits.
	maxXMLRun = 8 * MaxCellBytes
	// maxColumns and maxRows are Excel's sheet limits.
	maxColumns = 16384
	maxRows    = 1048576
)

const encXLSX = "xlsx"

// styleKind says how a numeric cell in a given style is rendered.
type styleKind uint8

const (
	styleGeneral styleKind = iota // as Excel shows a General number
	styleDate                     // a date: YYYY-MM-DD
	styleText                     // "@": the stored text as is
	styleOther                    // another number format: excelize renders it
)

type cellStyle struct {
	kind    styleKind
	zeroPad bool // the format pads with zeros ("00000"): a code typed as a number
	numID   int
	code    string // custom format code, "" for a built-in id
}

// sharedStrings is the shared-string table, stored as one string and the
// end offset of each entry: 4 bytes an entry instead of a string header's
// 16, so a table of millions of short strings stays small.
type sharedStrings struct {
	text    string
	ends    []uint32
	tooLong map[int]bool // entries beyond MaxCellChars/MaxCellBytes, stored empty
}

func (t *sharedStrings) len() int { return len(t.ends) }

func (t *sharedStrings) get(i int) string {
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.text[start:t.ends[i]]
}

// mergeRange is a merged range of cells, 1-based and inclusive; value is
// the top-left cell's, once its row has been read.
type mergeRange struct {
	r1, c1, r2, c2 int
	value          string
	ref            string
}

// workbook is an opened XLSX package: the sheet list, and the styles and
// shared strings all sheets use.
type workbook struct {
	file        string
	zr          *zip.Reader
	closer      io.Closer // the file, if the workbook opened it
	parts       map[string]*zip.File
	sheets      []sheetInfo
	relByID     map[string]relationship
	sstPath     string
	stylesPath  string
	date1904    bool
	sheetBytes  uint64 // declared uncompressed size of all worksheets
	loaded      bool   // styles and shared strings read
	sst         sharedStrings
	styles      []cellStyle
	fingerprint string
}

type sheetInfo struct{ name, state, rid string }

func (sh sheetInfo) visible() bool { return sh.state == "" || sh.state == "visible" }

// openWorkbook opens an XLSX file and reads its sheet list.
func openWorkbook(p string) (*workbook, error) {
	name := filepath.Base(p)
	f, err := os.Open(p)
	if err != nil {
		return nil, &FileError{File: name, Err: err}
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, &FileError{File: name, Err: err}
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, &FileError{File: name, Err: fmt.Errorf("%w: an XLSX workbook must be read from a file (a ZIP package is read out of order), not from a pipe or device; save it to a file first, or export the sheet as CSV", ErrNotTabular)}
	}
	wb, err := newWorkbook(name, f, fi.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	wb.closer = f
	return wb, nil
}

// newWorkbook reads a package's sheet list from r (size bytes). The
// fingerprint is computed first, over the same open file the workbook is
// then read from.
func newWorkbook(name string, r io.ReaderAt, size int64) (*workbook, error) {
	h := crc32.New(castagnoli)
	if _, err := io.Copy(h, io.NewSectionReader(r, 0, size)); err != nil {
		return nil, &FileError{File: name, Err: err}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = notAWorkbook(r, size, err)
		}
		return nil, &FileError{File: name, Err: err}
	}
	wb := &workbook{file: name, zr: zr, fingerprint: formatFingerprint(name, h.Sum32(), size)}
	if err := wb.readIndex(); err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			return nil, fe
		}
		return nil, &FileError{File: name, Err: err}
	}
	return wb, nil
}

// notAWorkbook says what a file that is not a ZIP package is instead, from
// its first bytes.
func notAWorkbook(r io.ReaderAt, size int64, zerr error) error {
	head := make([]byte, min(size, 4096))
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return fmt.Errorf("%w: this is a password-protected workbook or a legacy .xls file, not an .xlsx package; save it as .xlsx without a password", ErrNotTabular)
	case len(head) == 0:
		return fmt.Errorf("%w: the file is empty", ErrNotTabular)
	case bytes.IndexByte(head, 0) < 0 && (utf8.Valid(textenc.TrimPartialRune(head)) || bytes.HasPrefix(head, []byte("\xEF\xBB\xBF"))):
		what := "a text file"
		if bytes.HasPrefix(bytes.TrimSpace(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))), []byte("<")) {
			what = "a text file (HTML or XML, as some programs save \"Excel\" files)"
		} else if bytes.ContainsAny(head, ",;\t") {
			what = "a text file, probably CSV"
		}
		return fmt.Errorf("%w: this is %s, not an .xlsx workbook; give it the extension of what it is (.csv)", ErrNotTabular, what)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return fmt.Errorf("%w: this is a UTF-16 text file (Excel's \"Unicode Text\"), not an .xlsx workbook; give it the extension .txt", ErrNotTabular)
	}
	return fmt.Errorf("%w: not an .xlsx workbook (the ZIP package is damaged or this is another kind of file): %v", ErrNotTabular, zerr)
}

// readIndex reads the package's relationships and the sheet list.
func (wb *workbook) readIndex() error {
	wb.parts = make(map[string]*zip.File, len(wb.zr.File))
	var total uint64
	for _, f := range wb.zr.File {
		total += f.UncompressedSize64
		wb.parts[strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))] = f
	}
	if total > maxUnzipBytes {
		return fmt.Errorf("%w: the workbook unpacks to more than %d MiB", ErrTooLarge, maxUnzipBytes>>20)
	}
	wbPath := "xl/workbook.xml"
	if rels, err := readRels(wb.parts, "_rels/.rels", ""); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.typ, "/officeDocument") {
				wbPath = r.target
			}
		}
	}
	var err error
	if wb.sheets, wb.date1904, err = readWorkbook(wb.parts, wbPath); err != nil {
		return err
	}
	wbDir := path.Dir(wbPath)
	rels, err := readRels(wb.parts, path.Join(wbDir, "_rels", path.Base(wbPath)+".rels"), wbDir)
	if err != nil {
		return err
	}
	wb.relByID = make(map[string]relationship, len(rels))
	for _, r := range rels {
		wb.relByID[r.id] = r
		switch {
		case strings.HasSuffix(r.typ, "/sharedStrings"):
			wb.sstPath = r.target
		case strings.HasSuffix(r.typ, "/styles"):
			wb.stylesPath = r.target
		case strings.HasSuffix(r.typ, "/worksheet"):
			if f := wb.parts[strings.ToLower(r.target)]; f != nil {
				wb.sheetBytes += f.UncompressedSize64
			}
		}
	}
	return nil
}

// load reads the styles and the shared strings, once.
func (wb *workbook) load() error {
	if wb.loaded {
		return nil
	}
	wb.loaded = true
	var err error
	if wb.stylesPath != "" {
		if wb.styles, err = readStyles(wb.parts, wb.stylesPath); err != nil {
			return err
		}
	}
	if wb.sstPath != "" {
		if wb.sst, err = readSST(wb.parts, wb.sstPath, sstBudget(wb.sheetBytes)); err != nil {
			return err
		}
	}
	return nil
}

// sstBudget is how many shared strings the worksheets can refer to: a
// reference (<c t="s"><v>1</v></c>) takes about 20 bytes of sheet XML.
// Excel writes only strings its cells use, so a table far beyond that
// was not written by a spreadsheet program.
func sstBudget(sheetBytes uint64) int {
	return int(min(sheetBytes/20+1<<16, maxSSTCount))
}

func (wb *workbook) close() error {
	if wb.closer == nil {
		return nil
	}
	err := wb.closer.Close()
	wb.closer = nil
	return err
}

func (wb *workbook) sheetNames() string {
	names := make([]string, len(wb.sheets))
	for i, sh := range wb.sheets {
		names[i] = strconv.Quote(sh.name)
		if !sh.visible() {
			names[i] += " (hidden)"
		}
	}
	return strings.Join(names, ", ")
}

// pick finds the sheet by name (exactly, else ignoring case), or the
// first visible sheet.
func (wb *workbook) pick(want string) (sheetInfo, error) {
	if want == "" {
		for _, sh := range wb.sheets {
			if sh.visible() {
				return sh, nil
			}
		}
		return sheetInfo{}, fmt.Errorf("%w: the workbook has no visible sheet (sheets: %s); choose one with --sheet", ErrNotTabular, wb.sheetNames())
	}
	for _, sh := range wb.sheets {
		if sh.name == want {
			return sh, nil
		}
	}
	for _, sh := range wb.sheets {
		if strings.EqualFold(sh.name, want) {
			return sh, nil
		}
	}
	return sheetInfo{}, fmt.Errorf("%w: no sheet named %q; the workbook has %s", ErrNotTabular, want, wb.sheetNames())
}

// sheetSource opens one sheet for reading, positioned at its first row.
func (wb *workbook) sheetSource(sh sheetInfo, opts Options) (*xlsxSource, error) {
	if err := wb.load(); err != nil {
		return nil, wb.fileErr(err)
	}
	rel, ok := wb.relByID[sh.rid]
	part := wb.parts[strings.ToLower(rel.target)]
	if !ok || part == nil {
		return nil, wb.fileErr(fmt.Errorf("%w: the workbook is damaged: sheet %q has no worksheet part", ErrNotTabular, sh.name))
	}
	merges, err := scanMerges(part)
	if err != nil {
		return nil, wb.fileErr(fmt.Errorf("sheet %q: %w", sh.name, err))
	}
	rc, err := part.Open()
	if err != nil {
		return nil, wb.fileErr(fmt.Errorf("%w: the workbook is damaged: %v", ErrNotTabular, err))
	}
	return &xlsxSource{wb: wb, file: wb.file, sheet: sh.name, part: rc, dec: newXMLDecoder(rc), merges: merges, skipHidden: opts.SkipHidden}, nil
}

func (wb *workbook) fileErr(err error) *FileError {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	return &FileError{File: wb.file, Err: err}
}

func openXLSX(p string, opts Options) (Source, error) {
	wb, err := openWorkbook(p)
	if err != nil {
		return nil, err
	}
	s, err := wb.open(opts)
	if err != nil {
		wb.close()
		return nil, err
	}
	return s, nil
}

// open chooses the sheet (Options.Sheet, Options.FindHeader) and reads up
// to its header.
func (wb *workbook) open(opts Options) (*xlsxSource, error) {
	if opts.Sheet != "" || opts.HeaderRow > 0 || opts.FindHeader == nil {
		sh, err := wb.pick(opts.Sheet)
		if err != nil {
			return nil, wb.fileErr(err)
		}
		s, err := wb.sheetSource(sh, opts)
		if err != nil {
			return nil, err
		}
		hdr, pending, _, err := locateHeader(s.readRow, opts)
		if err != nil {
			s.closePart()
			if err == io.EOF {
				return nil, noHeaderError(wb.file, fmt.Sprintf("sheet %q", sh.name), opts.HeaderRow)
			}
			return nil, err
		}
		return s, s.setHeader(hdr, pending, opts)
	}
	// Try the visible sheets in order; without a header anywhere, the
	// first sheet with rows is read from its first row.
	var (
		fallback   *xlsxSource
		fbHdr      rawRow
		fbPending  []rawRow
		tried      []string
		anyVisible bool
	)
	for _, sh := range wb.sheets {
		if !sh.visible() {
			continue
		}
		anyVisible = true
		tried = append(tried, strconv.Quote(sh.name))
		s, err := wb.sheetSource(sh, opts)
		if err != nil {
			if fallback != nil {
				fallback.closePart()
			}
			return nil, err
		}
		hdr, pending, ok, err := locateHeader(s.readRow, opts)
		switch {
		case err == io.EOF:
			s.closePart()
			continue
		case err != nil:
			s.closePart()
			if fallback != nil {
				fallback.closePart()
			}
			return nil, err
		case ok:
			if fallback != nil {
				fallback.closePart()
			}
			return s, s.setHeader(hdr, pending, opts)
		case fallback == nil:
			fallback, fbHdr, fbPending = s, hdr, pending
		default:
			s.closePart()
		}
	}
	if fallback != nil {
		return fallback, fallback.setHeader(fbHdr, fbPending, opts)
	}
	if !anyVisible {
		_, err := wb.pick("")
		return nil, wb.fileErr(err)
	}
	return nil, &FileError{File: wb.file, Err: fmt.Errorf("%w: the visible sheets (%s) are empty", ErrEmptyHeader, strings.Join(tried, ", "))}
}

type xlsxSource struct {
	wb         *workbook
	file       string
	sheet      string
	part       io.ReadCloser
	dec        *xml.Decoder
	fmt        *numFormatter
	skipHidden bool
	headerData bool // Options.HeaderIsData: the header row is data

	header     []string
	headerLine int    // the header's sheet row
	textCols   []bool // Options.TextColumns per column; nil: guess
	known      bool   // the header is known (notes can be filtered)
	pending    []rawRow
	cells      []string // Row.Cells, reused
	raw        []string // the current row's cells by column, reused
	notes      []note   // the current row's notes, reused
	val        []byte   // text of the current cell, reused
	fatal      *FileError
	eof        bool
	done       bool         // Next has returned io.EOF
	lastRow    int          // number of the last <row> read
	merges     []mergeRange // sorted by first row
	nextMerge  int          // first merge not yet active
	active     []*mergeRange
}

// setHeader takes the located header row.
func (s *xlsxSource) setHeader(hdr rawRow, pending []rawRow, opts Options) error {
	end := len(hdr.cells)
	for end > 0 && hdr.cells[end-1] == "" {
		end--
	}
	s.header = append([]string(nil), hdr.cells[:end]...)
	s.headerLine = hdr.line
	s.pending = pending
	s.cells = make([]string, len(s.header))
	s.textCols = columnFlags(s.header, opts.TextColumns)
	s.known = true
	if opts.HeaderIsData != nil && opts.HeaderIsData(s.header) {
		s.headerData = true
		return nil
	}
	if err := CheckHeader(s.file, s.header); err != nil {
		s.closePart()
		return err
	}
	return nil
}

func (s *xlsxSource) Header() []string { return s.header }
func (s *xlsxSource) Encoding() string { return encXLSX }
func (s *xlsxSource) Sheet() string    { return s.sheet }

// Fingerprint is computed when the workbook is opened (a ZIP package is
// read out of order, so there is no single pass to hash along); it is
// given once Next has returned io.EOF, like a CSV source's.
func (s *xlsxSource) Fingerprint() string {
	if !s.done {
		return ""
	}
	return s.wb.fingerprint
}

func (s *xlsxSource) closePart() error {
	if s.part == nil {
		return nil
	}
	err := s.part.Close()
	s.part = nil
	return err
}

func (s *xlsxSource) Close() error {
	err := s.closePart()
	if e := s.wb.close(); err == nil {
		err = e
	}
	return err
}

// Next returns the next non-blank row, padded to the header's width.
func (s *xlsxSource) Next() (Row, error) {
	for {
		var raw rawRow
		if len(s.pending) > 0 {
			raw, s.pending = s.pending[0], s.pending[1:]
			if raw.err != nil {
				return Row{}, raw.err
			}
		} else {
			var err error
			if raw, err = s.readRow(); err != nil {
				if err == io.EOF {
					s.done = true
				}
				return Row{}, err
			}
		}
		if IsBlank(raw.cells) && len(raw.notes) == 0 {
			continue
		}
		num := raw.line
		// Excel does not store trailing empty cells, so a short row is
		// normal; a long row is an error only if the extra cells hold
		// something.
		for i := len(s.header); i < len(raw.cells); i++ {
			if raw.cells[i] != "" {
				return Row{}, &FileError{File: s.file, Row: num, Err: fmt.Errorf("%w: cell %s has a value, but the header has only %d columns", ErrRaggedRow, CellRef(s.sheet, num, i), len(s.header))}
			}
		}
		n := copy(s.cells, raw.cells)
		clear(s.cells[n:])
		for i, h := range s.header {
			if s.cells[i] != "" && strings.TrimSpace(h) == "" && !s.headerData {
				return Row{}, &FileError{File: s.file, Row: num, Column: ColumnLabel(s.header, i), Err: fmt.Errorf("%w: column %s has a value but no name in the header row", ErrEmptyHeader, columnName(i+1))}
			}
		}
		row := Row{Line: num, Cells: s.cells}
		if raw.hidden || len(raw.notes) > 0 {
			raw.cells = s.cells
			row.Findings = findingsOf(s.sheet, s.header, &raw, s.textCols)
			row.Skipped = raw.hidden && s.skipHidden
		}
		for i, c := range s.cells {
			if c != "" && textenc.HasHighByte(c) && textenc.LooksDoubleEncoded(c) {
				row.Findings = append(row.Findings, mojibakeFinding(s.sheet, s.header, num, i))
			}
		}
		return row, nil
	}
}

// wantNumberNote says whether a number cell in column col (1-based) needs
// a note: under a text column, or when the cell alone suggests lost zeros.
func (s *xlsxSource) numberNote(col int, st cellStyle, raw []byte) noteKind {
	guess := st.zeroPad || (st.kind == styleGeneral || st.kind == styleText) && isLongInteger(raw)
	switch {
	case !s.known:
		if guess {
			return noteNumberGuess
		}
		return noteNumber
	case s.textCols != nil:
		if col <= len(s.textCols) && s.textCols[col-1] {
			return noteNumber
		}
	case guess:
		return noteNumberGuess
	}
	return 0
}

// isLongInteger: a whole number of 5 or more digits, as an employee or
// phone number typed into a General cell.
func isLongInteger(raw []byte) bool {
	if len(raw) < 5 || len(raw) > 15 {
		return false
	}
	for _, b := range raw {
		if b < '0' || b > '9' {
			return false
		}
	}
	return true
}

// readRow returns the next <row> element of the sheet: its number and its
// cells by column (trailing missing cells absent), with what was noticed
// about them. A *FileError with Row > 0 is about that row only: the stream
// stays positioned after it.
func (s *xlsxSource) readRow() (rawRow, error) {
	if s.fatal != nil {
		return rawRow{}, s.fatal
	}
	if s.eof {
		return rawRow{}, io.EOF
	}
	row, err := s.startRow()
	if err != nil {
		return rawRow{}, err
	}
	clear(s.raw)
	s.raw = s.raw[:0]
	s.notes = s.notes[:0]
	sc := rowScan{row: row.line}
	for {
		tok, err := s.dec.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return s.fail(row.line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := s.startElement(&sc, t); err != nil {
				return s.fail(row.line, err)
			}
		case xml.CharData:
			if (sc.inV || (sc.inT && !sc.inRPh)) && !sc.tooLong {
				if len(s.val)+len(t) > MaxCellBytes {
					sc.tooLong = true
				} else {
					s.val = append(s.val, t...)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "c":
				s.endCell(&sc)
			case "row":
				return s.endRow(row, &sc)
			default:
				sc.endElement(t.Name.Local)
			}
		}
	}
}

// fail makes err the sticky error of the source: the sheet's XML cannot be
// followed past it. A limit says so; anything else means the workbook is
// damaged.
func (s *xlsxSource) fail(row int, err error) (rawRow, error) {
	fe := &FileError{File: s.file, Row: row, Err: fmt.Errorf("%w: the workbook is damaged: %v", ErrNotTabular, err)}
	if errors.Is(err, errXMLRun) || errors.Is(err, ErrTooLarge) {
		fe.Err = err
	}
	s.fatal = stickyErr(fe)
	return rawRow{}, fe
}

// startRow reads up to the next <row> start tag and returns the row's
// number and hidden flag; io.EOF at the end of the sheet's data.
func (s *xlsxSource) startRow() (rawRow, error) {
	for {
		tok, err := s.dec.RawToken()
		if err == io.EOF {
			s.eof = true
			return rawRow{}, io.EOF
		}
		if err != nil {
			return s.fail(0, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "row" {
			return s.rowAttrs(se)
		}
		if ee, ok := tok.(xml.EndElement); ok && ee.Name.Local == "sheetData" {
			s.eof = true
			return rawRow{}, io.EOF
		}
	}
}

// rowAttrs checks a <row> tag's number against the rows before it and
// Excel's limit.
func (s *xlsxSource) rowAttrs(se xml.StartElement) (rawRow, error) {
	row := rawRow{line: s.lastRow + 1}
	for _, a := range se.Attr {
		switch a.Name.Local {
		case "r":
			n, err := strconv.Atoi(a.Value)
			if err != nil || n < 1 {
				return s.fail(s.lastRow+1, fmt.Errorf("bad row number %q", a.Value))
			}
			row.line = n
		case "hidden":
			row.hidden = a.Value == "1" || a.Value == "true"
		}
	}
	if row.line <= s.lastRow {
		return s.fail(0, fmt.Errorf("row %d comes after row %d", row.line, s.lastRow))
	}
	if row.line > maxRows {
		return s.fail(0, fmt.Errorf("%w: row %d is beyond Excel's last row (%d)", ErrTooLarge, row.line, maxRows))
	}
	s.lastRow = row.line
	return row, nil
}

// rowScan is where readRow is inside a <row> element.
type rowScan struct {
	row     int        // the row's number
	err     *FileError // the row's first bad cell
	col     int        // the current cell's column, 1-based
	cells   int        // cells so far
	c       cellState
	inCell  bool
	inV     bool
	inIS    bool
	inT     bool
	inRPh   bool
	hasV    bool
	tooLong bool
}

// startElement follows a start tag inside a row; an error is fatal.
func (s *xlsxSource) startElement(sc *rowScan, t xml.StartElement) error {
	switch t.Name.Local {
	case "c":
		return s.startCell(sc, t.Attr)
	case "v":
		sc.inV, sc.hasV = sc.inCell, sc.inCell
	case "f":
		sc.c.formula = sc.inCell
	case "is":
		sc.inIS = sc.inCell
		sc.hasV = sc.inCell
	case "t":
		sc.inT = sc.inIS
	case "rPh":
		sc.inRPh = true
	}
	return nil
}

// startCell reads a <c> tag's reference, style and type.
func (s *xlsxSource) startCell(sc *rowScan, attrs []xml.Attr) error {
	sc.col++
	sc.cells++
	sc.c = cellState{}
	for _, a := range attrs {
		switch a.Name.Local {
		case "r":
			n, ok := columnOf(a.Value)
			if !ok {
				return fmt.Errorf("bad cell reference %q", a.Value)
			}
			sc.col = n
		case "s":
			sc.c.style, _ = strconv.Atoi(a.Value)
		case "t":
			sc.c.typ = a.Value
		}
	}
	if sc.col > maxColumns {
		return fmt.Errorf("%w: column %d is beyond Excel's last column (%d)", ErrTooLarge, sc.col, maxColumns)
	}
	if sc.cells > maxColumns {
		return fmt.Errorf("%w: row %d has more than %d cells", ErrTooLarge, sc.row, maxColumns)
	}
	sc.inCell, sc.hasV, sc.tooLong = true, false, false
	s.val = s.val[:0]
	return nil
}

// endElement follows an end tag inside a cell.
func (sc *rowScan) endElement(local string) {
	switch local {
	case "v":
		sc.inV = false
	case "t":
		sc.inT = false
	case "is":
		sc.inIS = false
	case "rPh":
		sc.inRPh = false
	}
}

// endCell stores the cell's value, or notes what it holds instead: an
// uncalculated formula, an error value, or a value that cannot be read
// (the row's error, reported when the row ends).
func (s *xlsxSource) endCell(sc *rowScan) {
	if !sc.inCell || sc.col < 1 {
		return // a stray </c>: RawToken does not match tags
	}
	sc.inCell = false
	col := sc.col
	if len(s.val) > MaxCellChars && utf8.RuneCount(s.val) > MaxCellChars {
		sc.tooLong = true
	}
	var v string
	var err error
	switch {
	case sc.tooLong:
		err = fmt.Errorf("%w: more than %d characters (Excel's limit is %d)", ErrCellTooLarge, min(MaxCellChars, MaxCellBytes), MaxCellChars)
	case sc.c.formula && (!sc.hasV || len(s.val) == 0 && sc.c.typ != "str" && sc.c.typ != "inlineStr"):
		s.notes = append(s.notes, note{col: col - 1, kind: noteFormula})
		return
	case sc.c.typ == "e":
		v = string(s.val)
		s.notes = append(s.notes, note{col: col - 1, kind: noteErrorValue, text: v})
	default:
		v, err = s.cellValue(col, &sc.c, s.val)
	}
	if err != nil {
		if sc.err == nil {
			sc.err = &FileError{File: s.file, Row: sc.row, Column: ColumnLabel(s.header, col-1), Err: err}
		}
		return
	}
	if v == "" {
		return
	}
	for len(s.raw) < col {
		s.raw = append(s.raw, "")
	}
	s.raw[col-1] = v
}

// endRow returns the row read, with the values of merged ranges filled in,
// or its first bad cell's error.
func (s *xlsxSource) endRow(row rawRow, sc *rowScan) (rawRow, error) {
	if sc.err != nil {
		return rawRow{}, sc.err
	}
	if len(s.merges) > 0 {
		if err := s.applyMerges(row.line); err != nil {
			return s.fail(row.line, err)
		}
	}
	row.cells, row.notes = s.raw, s.notes
	return row, nil
}

// applyMerges gives every cell of a merged range in this row the range's
// value (its top-left cell's), with a note: a spreadsheet shows the value
// across the range, but stores it only once. Merged ranges do not overlap
// in a spreadsheet, so they cover at most a row's 16,384 cells.
func (s *xlsxSource) applyMerges(rowNum int) error {
	for s.nextMerge < len(s.merges) && s.merges[s.nextMerge].r1 <= rowNum {
		s.active = append(s.active, &s.merges[s.nextMerge])
		s.nextMerge++
	}
	kept := s.active[:0]
	covered := 0
	for _, m := range s.active {
		if m.r2 < rowNum {
			continue
		}
		kept = append(kept, m)
		if covered += m.c2 - m.c1 + 1; covered > maxColumns {
			return fmt.Errorf("%w: merged ranges overlap in row %d", ErrTooLarge, rowNum)
		}
		if m.r1 == rowNum && m.c1 <= len(s.raw) {
			m.value = s.raw[m.c1-1]
		}
		if m.value == "" {
			continue
		}
		for col := m.c1; col <= m.c2; col++ {
			if col == m.c1 && rowNum == m.r1 {
				continue
			}
			for len(s.raw) < col {
				s.raw = append(s.raw, "")
			}
			s.raw[col-1] = m.value
			s.notes = append(s.notes, note{col: col - 1, kind: noteMerged, text: m.ref})
		}
	}
	clear(s.active[len(kept):])
	s.active = kept
	return nil
}

// cellState is what a <c> element's attributes and children say.
type cellState struct {
	style   int
	typ     string
	formula bool
}

// cellValue renders one cell's stored value as the user sees it; col is
// 1-based, for the notes.
func (s *xlsxSource) cellValue(col int, c *cellState, raw []byte) (string, error) {
	switch c.typ {
	case "s":
		i, err := strconv.Atoi(string(bytes.TrimSpace(raw)))
		if err != nil || i < 0 || i >= s.wb.sst.len() {
			return "", fmt.Errorf("%w: the workbook is damaged: shared string %q does not exist", ErrNotTabular, raw)
		}
		if s.wb.sst.tooLong[i] {
			return "", fmt.Errorf("%w: more than %d characters (Excel's limit is %d)", ErrCellTooLarge, min(MaxCellChars, MaxCellBytes), MaxCellChars)
		}
		return s.wb.sst.get(i), nil
	case "inlineStr", "str":
		return string(raw), nil
	case "b":
		if string(raw) == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	case "d":
		// An ISO 8601 date-time stored as text (strict OOXML, some
		// generators): the date part is what an import wants.
		if len(raw) >= 10 && raw[4] == '-' && raw[7] == '-' {
			return string(raw[:10]), nil
		}
		return string(raw), nil
	}
	if len(raw) == 0 {
		return "", nil
	}
	st := cellStyle{}
	if c.style > 0 && c.style < len(s.wb.styles) {
		st = s.wb.styles[c.style]
	}
	if st.kind != styleDate {
		if k := s.numberNote(col, st, raw); k != 0 {
			s.notes = append(s.notes, note{col: col - 1, kind: k})
		}
	}
	switch st.kind {
	case styleDate:
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return string(raw), nil
		}
		t, err := excelize.ExcelDateToTime(f, s.wb.date1904)
		if err != nil {
			return string(raw), nil
		}
		return t.Format("2006-01-02"), nil
	case styleText:
		return string(raw), nil
	case styleOther:
		if s.fmt == nil {
			s.fmt = newNumFormatter()
		}
		if v, ok := s.fmt.format(c.style, st, string(raw)); ok {
			return v, nil
		}
	}
	return generalNumber(raw), nil
}

// generalNumber renders a stored number as Excel's General format shows it
// in a wide enough cell: at most 15 significant digits, no exponent for
// ordinary magnitudes, no ".0".
func generalNumber(raw []byte) string {
	plain := len(raw) <= 15
	for i, b := range raw {
		if (b < '0' || b > '9') && !(i == 0 && b == '-') {
			plain = false
			break
		}
	}
	if plain && !(len(raw) > 1 && raw[0] == '0') {
		return string(raw)
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return string(raw)
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	if r != 0 && (r >= 1e21 || r <= -1e21 || (r < 1e-9 && r > -1e-9)) {
		return strconv.FormatFloat(r, 'G', 15, 64)
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// numFormatter renders numbers in a number format through a one-cell
// scratch workbook: excelize's formatter is not exported on its own, and
// this path is only taken for cells with a non-General, non-date,
// non-text format (an employee number shown as "00123"), which are few.
type numFormatter struct {
	f   *excelize.File
	ids map[int]int // source style index → scratch style id; -1 = unusable
}

func newNumFormatter() *numFormatter {
	return &numFormatter{f: excelize.NewFile(), ids: make(map[int]int)}
}

func (n *numFormatter) format(style int, st cellStyle, v string) (string, bool) {
	sid, ok := n.ids[style]
	if !ok {
		es := &excelize.Style{NumFmt: st.numID}
		if st.code != "" {
			code := st.code
			es.CustomNumFmt = &code
		}
		var err error
		if sid, err = n.f.NewStyle(es); err != nil {
			sid = -1
		}
		n.ids[style] = sid
	}
	if sid < 0 {
		return "", false
	}
	if n.f.SetCellDefault("Sheet1", "A1", v) != nil || n.f.SetCellStyle("Sheet1", "A1", "A1", sid) != nil {
		return "", false
	}
	out, err := n.f.GetCellValue("Sheet1", "A1")
	if err != nil {
		return "", false
	}
	return strings.TrimSpace(out), true
}

// columnOf returns the 1-based column of a cell reference such as "AB12".
func columnOf(ref string) (int, bool) {
	col := 0
	i := 0
	for ; i < len(ref); i++ {
		b := ref[i] | 0x20 // lower-case letters
		if b < 'a' || b > 'z' {
			break
		}
		col = col*26 + int(b-'a') + 1
		if col > maxColumns {
			return 0, false
		}
	}
	if i == 0 || i == len(ref) {
		return 0, false
	}
	for ; i < len(ref); i++ {
		if ref[i] < '0' || ref[i] > '9' {
			return 0, false
		}
	}
	return col, true
}

func attr(attrs []xml.Attr, local string) string {
	for _, a := range attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

var errXMLRun = fmt.Errorf("%w: a cell or tag is longer than %d KiB", ErrCellTooLarge, maxXMLRun>>10)

// runLimiter fails once the XML has more than maxXMLRun bytes without a
// '<', so neither a giant text node nor a giant tag is buffered whole.
type runLimiter struct {
	r   io.Reader
	run int
}

func (l *runLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	b := p[:n]
	for len(b) > 0 {
		i := bytes.IndexByte(b, '<')
		if i < 0 {
			l.run += len(b)
			break
		}
		if l.run+i > maxXMLRun {
			return n, errXMLRun
		}
		l.run = 0
		b = b[i+1:]
	}
	if l.run > maxXMLRun {
		return n, errXMLRun
	}
	return n, err
}

func newXMLDecoder(r io.Reader) *xml.Decoder {
	return xml.NewDecoder(bufio.NewReaderSize(&runLimiter{r: r}, 64<<10))
}

// openPart opens a zip part for streaming.
func openPart(parts map[string]*zip.File, name string) (io.ReadCloser, error) {
	f := parts[strings.ToLower(name)]
	if f == nil {
		return nil, fmt.Errorf("%w: the workbook is damaged: %s is missing", ErrNotTabular, name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: the workbook is damaged: %s: %v", ErrNotTabular, name, err)
	}
	return rc, nil
}

// openMeta opens one of the small parts read whole before any row; it
// fails once more than maxMetaBytes are read.
func openMeta(parts map[string]*zip.File, name string) (io.ReadCloser, *xml.Decoder, error) {
	rc, err := openPart(parts, name)
	if err != nil {
		return nil, nil, err
	}
	return rc, newXMLDecoder(&capReader{r: rc, left: maxMetaBytes, name: name}), nil
}

// capReader fails with ErrTooLarge after left bytes.
type capReader struct {
	r    io.Reader
	left int64
	name string
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, fmt.Errorf("%w: %s unpacks to more than %d MiB", ErrTooLarge, c.name, maxMetaBytes>>20)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// partErr describes an error reading a part: a limit says so, anything
// else means the package is damaged.
func partErr(name string, err error) error {
	if errors.Is(err, ErrTooLarge) || errors.Is(err, errXMLRun) {
		return err
	}
	return fmt.Errorf("%w: the workbook is damaged: %s: %v", ErrNotTabular, name, err)
}

type relationship struct{ id, typ, target string }

// readRels reads a .rels part; targets are resolved against dir.
func readRels(parts map[string]*zip.File, name, dir string) ([]relationship, error) {
	rc, dec, err := openMeta(parts, name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var out []relationship
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, partErr(name, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" {
			if len(out) >= maxSheets*4 {
				return nil, fmt.Errorf("%w: %s has more than %d relationships", ErrTooLarge, name, maxSheets*4)
			}
			target := strings.ReplaceAll(attr(se.Attr, "Target"), `\`, "/")
			if strings.HasPrefix(target, "/") {
				target = strings.TrimPrefix(target, "/")
			} else {
				target = path.Join(dir, target)
			}
			out = append(out, relationship{id: attr(se.Attr, "Id"), typ: attr(se.Attr, "Type"), target: target})
		}
	}
}

func readWorkbook(parts map[string]*zip.File, name string) ([]sheetInfo, bool, error) {
	rc, dec, err := openMeta(parts, name)
	if err != nil {
		return nil, false, err
	}
	defer rc.Close()
	var sheets []sheetInfo
	date1904 := false
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return sheets, date1904, nil
		}
		if err != nil {
			return nil, false, partErr(name, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "workbookPr":
			v := attr(se.Attr, "date1904")
			date1904 = v == "1" || v == "true"
		case "sheet":
			sh := sheetInfo{}
			for _, a := range se.Attr {
				switch {
				case a.Name.Local == "name":
					sh.name = a.Value
				case a.Name.Local == "state":
					sh.state = a.Value
				case a.Name.Local == "id" && a.Name.Space != "":
					sh.rid = a.Value
				}
			}
			if len(sheets) >= maxSheets {
				return nil, false, fmt.Errorf("%w: more than %d sheets", ErrTooLarge, maxSheets)
			}
			sheets = append(sheets, sh)
		}
	}
}

// readStyles classifies every cell format (cellXfs) of the workbook once,
// so a cell's rendering is an index lookup. Excel allows 64,000 formats;
// a style sheet with more was not written by it.
func readStyles(parts map[string]*zip.File, name string) ([]cellStyle, error) {
	rc, dec, err := openMeta(parts, name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	custom := map[int]string{}
	var xfs []int
	inXfs := false
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, partErr(name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmt":
				if len(custom) >= maxStyles {
					return nil, fmt.Errorf("%w: more than %d number formats", ErrTooLarge, maxStyles)
				}
				if id, err := strconv.Atoi(attr(t.Attr, "numFmtId")); err == nil {
					custom[id] = attr(t.Attr, "formatCode")
				}
			case "cellXfs":
				inXfs = true
			case "xf":
				if inXfs {
					if len(xfs) >= maxStyles {
						return nil, fmt.Errorf("%w: more than %d cell formats (Excel's limit)", ErrTooLarge, maxStyles)
					}
					id, _ := strconv.Atoi(attr(t.Attr, "numFmtId"))
					xfs = append(xfs, id)
				}
			}
		case xml.EndElement:
			if t.Name.Local == "cellXfs" {
				inXfs = false
			}
		}
	}
	out := make([]cellStyle, len(xfs))
	for i, id := range xfs {
		out[i] = classifyFormat(id, custom)
	}
	return out, nil
}

// classifyFormat decides how numbers in number format id render.
func classifyFormat(id int, custom map[int]string) cellStyle {
	if code, ok := custom[id]; ok {
		st := cellStyle{numID: id, code: code, zeroPad: strings.HasPrefix(strings.TrimSpace(code), "00")}
		switch {
		case strings.EqualFold(strings.TrimSpace(code), "general"):
			st.kind = styleGeneral
		case strings.TrimSpace(code) == "@":
			st.kind = styleText
		case isDateFormat(code):
			st.kind = styleDate
		default:
			st.kind = styleOther
		}
		return st
	}
	st := cellStyle{numID: id}
	switch {
	case id == 0:
		st.kind = styleGeneral
	case id == 49:
		st.kind = styleText
	// Built-in date formats; 18–21, 32–33 and 45–47 are times only.
	case id >= 14 && id <= 17, id == 22, id >= 27 && id <= 31, id >= 34 && id <= 36, id >= 50 && id <= 58:
		st.kind = styleDate
	default:
		st.kind = styleOther
	}
	return st
}

// isDateFormat reports whether a custom number format shows a date (not
// only a time): it has a year, day or era token, or a month ("m" with no
// hour or second next to it), outside quoted text, escapes and [..]
// sections.
func isDateFormat(code string) bool {
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(code); i++ {
		ch := code[i]
		switch {
		case inQuote:
			inQuote = ch != '"'
		case ch == '"':
			inQuote = true
		case ch == '\\' || ch == '_' || ch == '*':
			i++ // the next character is literal (or padding)
		case ch == '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				return false
			}
			i += j
		case ch == ';':
			i = len(code) // only the first section decides
		default:
			b.WriteByte(ch | 0x20)
		}
	}
	s := b.String()
	if strings.Contains(s, "e+") || strings.Contains(s, "e-") {
		return false // scientific notation
	}
	if strings.ContainsAny(s, "ydg") || strings.Contains(s, "e") {
		return true
	}
	return strings.Contains(s, "m") && !strings.ContainsAny(s, "hs")
}

// readSST loads the shared-string table. Phonetic runs (<rPh>, the
// furigana Japanese Excel stores with each name) are not part of the
// text. budget bounds the number of strings (see sstBudget); a string
// beyond Excel's cell limit is kept as a mark, so that only the cells
// that use it are errors.
func readSST(parts map[string]*zip.File, name string, budget int) (sharedStrings, error) {
	rc, err := openPart(parts, name)
	if err != nil {
		return sharedStrings{}, err
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: maxSSTBytes + 1}
	dec := newXMLDecoder(lr)
	b := sstBuilder{budget: budget}
	if f := parts[strings.ToLower(name)]; f != nil {
		b.text.Grow(int(min(f.UncompressedSize64, 16<<20))) // a declared size may lie
	}
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			switch {
			case lr.N <= 0:
				return sharedStrings{}, errSSTTooLarge
			case errors.Is(err, errXMLRun):
				return sharedStrings{}, fmt.Errorf("%w (in the shared-string table)", err)
			}
			return sharedStrings{}, fmt.Errorf("%w: the workbook is damaged: %s: %v", ErrNotTabular, name, err)
		}
		if err := b.token(tok); err != nil {
			return sharedStrings{}, err
		}
	}
	if lr.N <= 0 {
		return sharedStrings{}, errSSTTooLarge
	}
	b.out.text = b.text.String()
	return b.out, nil
}

var errSSTTooLarge = fmt.Errorf("%w: the shared-string table is larger than %d MiB", ErrTooLarge, maxSSTBytes>>20)

// sstBuilder collects the shared-string table as readSST reads it.
type sstBuilder struct {
	budget int
	out    sharedStrings
	text   strings.Builder
	buf    []byte // the text of the current <si>
	inSI   bool
	inT    bool
	inRPh  bool
	long   bool // the current <si> is beyond MaxCellBytes
}

// token follows one token of the shared-string part.
func (b *sstBuilder) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		switch t.Name.Local {
		case "sst":
			if n, err := strconv.Atoi(attr(t.Attr, "uniqueCount")); err == nil && n > 0 {
				b.out.ends = make([]uint32, 0, min(n, b.budget, 1<<16))
			}
		case "si":
			b.inSI, b.buf, b.long = true, b.buf[:0], false
		case "t":
			b.inT = b.inSI
		case "rPh":
			b.inRPh = true
		}
	case xml.CharData:
		if b.inT && !b.inRPh && !b.long {
			if len(b.buf)+len(t) > MaxCellBytes {
				b.long = true
			} else {
				b.buf = append(b.buf, t...)
			}
		}
	case xml.EndElement:
		switch t.Name.Local {
		case "si":
			return b.endSI()
		case "t":
			b.inT = false
		case "rPh":
			b.inRPh = false
		}
	}
	return nil
}

// endSI adds the string just read to the table.
func (b *sstBuilder) endSI() error {
	if len(b.out.ends) >= b.budget {
		return fmt.Errorf("%w: the shared-string table holds more than %d strings, more than the sheets can use", ErrTooLarge, b.budget)
	}
	if b.long || len(b.buf) > MaxCellChars && utf8.RuneCount(b.buf) > MaxCellChars {
		if b.out.tooLong == nil {
			b.out.tooLong = make(map[int]bool)
		}
		b.out.tooLong[len(b.out.ends)] = true
		b.buf = b.buf[:0]
	}
	b.text.Write(b.buf)
	b.out.ends = append(b.out.ends, uint32(b.text.Len()))
	b.inSI = false
	return nil
}

// scanMerges reads the merged ranges of a worksheet. They are stored after
// the rows (<mergeCells> follows <sheetData>), so the part is read once
// before the rows, as plain bytes: a search for "mergeCell", not XML
// parsing, which is what makes a pass over the rows slow.
func scanMerges(part *zip.File) ([]mergeRange, error) {
	rc, err := part.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: the workbook is damaged: %v", ErrNotTabular, err)
	}
	defer rc.Close()
	var out []mergeRange
	const chunk = 256 << 10
	buf := make([]byte, 0, chunk+512)
	tag := []byte("mergeCell ")
	for {
		n, err := io.ReadFull(rc, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		last := err != nil
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("%w: the workbook is damaged: %v", ErrNotTabular, err)
		}
		keep := 0
		for b := buf; ; {
			i := bytes.Index(b, tag)
			if i < 0 {
				keep = min(len(b), len(tag)-1)
				break
			}
			end := bytes.IndexByte(b[i:], '>')
			if end < 0 && !last {
				keep = len(b) - i // the tag goes on in the next chunk
				break
			}
			if end < 0 {
				end = len(b) - i
			}
			if m, ok := parseMergeTag(b[i : i+end]); ok {
				if len(out) >= maxMerges {
					return nil, fmt.Errorf("%w: more than %d merged ranges", ErrTooLarge, maxMerges)
				}
				out = append(out, m)
			}
			b = b[i+end:]
		}
		if keep > 512 {
			return nil, fmt.Errorf("%w: the workbook is damaged: a mergeCell tag longer than 512 bytes", ErrNotTabular)
		}
		if last {
			break
		}
		buf = buf[:copy(buf, buf[len(buf)-keep:])]
	}
	slices.SortStableFunc(out, func(a, b mergeRange) int { return a.r1 - b.r1 })
	return out, nil
}

// parseMergeTag reads the ref="A1:B3" of a mergeCell tag.
func parseMergeTag(tag []byte) (mergeRange, bool) {
	i := bytes.Index(tag, []byte(`ref="`))
	if i < 0 {
		return mergeRange{}, false
	}
	ref := tag[i+5:]
	j := bytes.IndexByte(ref, '"')
	if j < 0 {
		return mergeRange{}, false
	}
	a, b, ok := strings.Cut(string(ref[:j]), ":")
	if !ok {
		return mergeRange{}, false
	}
	c1, r1, ok1 := cellCoords(a)
	c2, r2, ok2 := cellCoords(b)
	if !ok1 || !ok2 || r2 < r1 || c2 < c1 || (r1 == r2 && c1 == c2) {
		return mergeRange{}, false
	}
	return mergeRange{r1: r1, c1: c1, r2: r2, c2: c2, ref: a + ":" + b}, true
}

// cellCoords splits a reference such as "AB12" into column and row.
func cellCoords(ref string) (col, row int, ok bool) {
	col, ok = columnOf(ref)
	if !ok {
		return 0, 0, false
	}
	i := strings.IndexAny(ref, "0123456789")
	row, err := strconv.Atoi(ref[i:])
	if err != nil || row < 1 || row > maxRows {
		return 0, 0, false
	}
	return col, row, true
}

// newXLSXSource reads a workbook from r (size bytes) up to its header
// row, for tests and fuzzing without a file.
func newXLSXSource(name string, r io.ReaderAt, size int64, opts Options) (*xlsxSource, error) {
	wb, err := newWorkbook(name, r, size)
	if err != nil {
		return nil, err
	}
	return wb.open(opts)
}

// Where says where the header was found.
func (s *xlsxSource) Where() Where { return Where{HeaderRow: s.headerLine} }
