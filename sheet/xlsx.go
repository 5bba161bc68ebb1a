package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Why the worksheet is not read through excelize's Rows iterator: its
// Columns method returns bare strings. With RawCellValue (2× faster, and
// the only way to keep "00123" from being reformatted) a date comes back
// as a serial, and nothing tells which serials are dates, because the
// cell's style id is not exposed; and a formula cell without a cached
// value comes back as "" exactly like an empty cell. Both must be told
// apart here (dates → YYYY-MM-DD; an uncalculated formula is an error,
// never a silent blank). So the sheet XML is streamed directly from the
// zip (encoding/xml RawToken, one row at a time), and excelize is kept for
// what it does well: date serial conversion (ExcelDateToTime) and rendering
// numbers with a number format (a scratch workbook, see numFormatter).

// Limits for a workbook. They play the role of excelize's UnzipSizeLimit
// and UnzipXMLSizeLimit.
const (
	// maxUnzipBytes bounds the declared uncompressed size of all parts;
	// archive/zip fails reads past a part's declared size, so the bound
	// holds against lying headers too.
	maxUnzipBytes = 1 << 30
	// maxSSTBytes bounds the shared-string table, which must be held in
	// memory (cells refer to it by index).
	maxSSTBytes = 256 << 20
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
	kind  styleKind
	numID int
	code  string // custom format code, "" for a built-in id
}

type xlsxSource struct {
	file     string
	zr       *zip.Reader
	closer   io.Closer // the file, if the source opened it
	part     io.ReadCloser
	dec      *xml.Decoder
	sst      []string
	styles   []cellStyle
	fmt      *numFormatter
	date1904 bool

	header  []string
	cells   []string // Row.Cells, reused
	raw     []string // the current row's cells by column, reused
	val     []byte   // text of the current cell, reused
	fatal   *FileError
	eof     bool
	lastRow int // number of the last <row> read, for rows without r=
}

func openXLSX(p string, opts Options) (Source, error) {
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
	s, err := newXLSXSource(name, f, fi.Size(), opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	s.closer = f
	return s, nil
}

// newXLSXSource reads a workbook from r (size bytes) up to its header row.
func newXLSXSource(name string, r io.ReaderAt, size int64, opts Options) (*xlsxSource, error) {
	if opts.HeaderRow < 1 {
		opts.HeaderRow = 1
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		if errors.Is(err, zip.ErrFormat) {
			err = fmt.Errorf("%w: not an .xlsx workbook (a password-protected or legacy .xls file? save it as .xlsx without a password): %v", ErrNotTabular, err)
		}
		return nil, &FileError{File: name, Err: err}
	}
	s := &xlsxSource{file: name, zr: zr}
	if err := s.open(opts); err != nil {
		s.Close()
		var fe *FileError
		if errors.As(err, &fe) {
			return nil, fe
		}
		return nil, &FileError{File: name, Err: err}
	}
	return s, nil
}

// open reads the workbook's metadata, selects the sheet and reads up to
// the header row.
func (s *xlsxSource) open(opts Options) error {
	parts := make(map[string]*zip.File, len(s.zr.File))
	var total uint64
	for _, f := range s.zr.File {
		total += f.UncompressedSize64
		parts[strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))] = f
	}
	if total > maxUnzipBytes {
		return fmt.Errorf("%w: the workbook unpacks to more than %d MiB", ErrNotTabular, maxUnzipBytes>>20)
	}
	wbPath := "xl/workbook.xml"
	if rels, err := readRels(parts, "_rels/.rels", ""); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.typ, "/officeDocument") {
				wbPath = r.target
			}
		}
	}
	sheets, date1904, err := readWorkbook(parts, wbPath)
	if err != nil {
		return err
	}
	s.date1904 = date1904
	wbDir := path.Dir(wbPath)
	rels, err := readRels(parts, path.Join(wbDir, "_rels", path.Base(wbPath)+".rels"), wbDir)
	if err != nil {
		return err
	}
	relByID := make(map[string]relationship, len(rels))
	sstPath, stylesPath := "", ""
	for _, r := range rels {
		relByID[r.id] = r
		switch {
		case strings.HasSuffix(r.typ, "/sharedStrings"):
			sstPath = r.target
		case strings.HasSuffix(r.typ, "/styles"):
			stylesPath = r.target
		}
	}
	sh, err := pickSheet(sheets, opts.Sheet)
	if err != nil {
		return err
	}
	rel, ok := relByID[sh.rid]
	if !ok || parts[strings.ToLower(rel.target)] == nil {
		return fmt.Errorf("%w: the workbook is damaged: sheet %q has no worksheet part", ErrNotTabular, sh.name)
	}
	if stylesPath != "" {
		if s.styles, err = readStyles(parts, stylesPath); err != nil {
			return err
		}
	}
	if sstPath != "" {
		if s.sst, err = readSST(parts, sstPath); err != nil {
			return err
		}
	}
	if s.part, err = parts[strings.ToLower(rel.target)].Open(); err != nil {
		return fmt.Errorf("%w: the workbook is damaged: %v", ErrNotTabular, err)
	}
	s.dec = newXMLDecoder(s.part)

	for {
		num, raw, err := s.readRow()
		if err == io.EOF {
			return &FileError{File: s.file, Err: fmt.Errorf("%w: sheet %q has no header row (it is empty, or has no rows from row %d on)", ErrEmptyHeader, sh.name, opts.HeaderRow)}
		}
		if err != nil {
			fe := err.(*FileError)
			if s.fatal == nil && fe.Row < opts.HeaderRow {
				continue
			}
			return fe
		}
		if num < opts.HeaderRow || IsBlank(raw) {
			continue
		}
		end := len(raw)
		for end > 0 && raw[end-1] == "" {
			end--
		}
		s.header = append([]string(nil), raw[:end]...)
		break
	}
	s.cells = make([]string, len(s.header))
	return CheckHeader(s.file, s.header)
}

func (s *xlsxSource) Header() []string { return s.header }
func (s *xlsxSource) Encoding() string { return encXLSX }

func (s *xlsxSource) Close() error {
	var err error
	if s.part != nil {
		err = s.part.Close()
		s.part = nil
	}
	if s.closer != nil {
		if e := s.closer.Close(); err == nil {
			err = e
		}
		s.closer = nil
	}
	return err
}

// Next returns the next non-blank row, padded to the header's width.
func (s *xlsxSource) Next() (Row, error) {
	for {
		num, raw, err := s.readRow()
		if err != nil {
			return Row{}, err
		}
		if IsBlank(raw) {
			continue
		}
		// Excel does not store trailing empty cells, so a short row is
		// normal; a long row is an error only if the extra cells hold
		// something.
		for i := len(s.header); i < len(raw); i++ {
			if raw[i] != "" {
				col, _ := excelize.ColumnNumberToName(i + 1)
				return Row{}, &FileError{File: s.file, Row: num, Err: fmt.Errorf("%w: cell %s%d has a value, but the header has only %d columns", ErrRaggedRow, col, num, len(s.header))}
			}
		}
		n := copy(s.cells, raw)
		clear(s.cells[n:])
		for i, h := range s.header {
			if s.cells[i] != "" && strings.TrimSpace(h) == "" {
				col, _ := excelize.ColumnNumberToName(i + 1)
				return Row{}, &FileError{File: s.file, Row: num, Column: ColumnLabel(s.header, i), Err: fmt.Errorf("%w: column %s has a value but no name in the header row", ErrEmptyHeader, col)}
			}
		}
		return Row{Line: num, Cells: s.cells}, nil
	}
}

// readRow returns the next <row> element of the sheet: its number and its
// cells by column (trailing missing cells absent). A *FileError with Row >
// 0 is about that row only: the stream stays positioned after it.
func (s *xlsxSource) readRow() (int, []string, error) {
	if s.fatal != nil {
		return 0, nil, s.fatal
	}
	if s.eof {
		return 0, nil, io.EOF
	}
	fail := func(row int, err error) (int, []string, error) {
		fe := &FileError{File: s.file, Row: row, Err: fmt.Errorf("%w: the workbook is damaged: %v", ErrNotTabular, err)}
		if errors.Is(err, errXMLRun) {
			fe.Err = err
		}
		s.fatal = stickyErr(fe)
		return 0, nil, fe
	}
	// Find the next row.
	rowNum := 0
	for {
		tok, err := s.dec.RawToken()
		if err == io.EOF {
			s.eof = true
			return 0, nil, io.EOF
		}
		if err != nil {
			return fail(0, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "row" {
			rowNum = s.lastRow + 1
			if v := attr(se.Attr, "r"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return fail(s.lastRow+1, fmt.Errorf("bad row number %q", v))
				}
				rowNum = n
			}
			if rowNum > maxRows {
				return fail(0, fmt.Errorf("row %d is beyond Excel's last row", rowNum))
			}
			s.lastRow = rowNum
			break
		}
		if ee, ok := tok.(xml.EndElement); ok && ee.Name.Local == "sheetData" {
			s.eof = true
			return 0, nil, io.EOF
		}
	}
	clear(s.raw)
	s.raw = s.raw[:0]
	var (
		rowErr  *FileError
		col     int
		c       cellState
		inCell  bool
		inV     bool
		inIS    bool
		inT     bool
		inRPh   bool
		hasV    bool
		tooLong bool
	)
	for {
		tok, err := s.dec.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return fail(rowNum, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "c":
				col++
				c = cellState{}
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "r":
						n, ok := columnOf(a.Value)
						if !ok {
							return fail(rowNum, fmt.Errorf("bad cell reference %q", a.Value))
						}
						col = n
					case "s":
						c.style, _ = strconv.Atoi(a.Value)
					case "t":
						c.typ = a.Value
					}
				}
				if col > maxColumns {
					return fail(rowNum, fmt.Errorf("column %d is beyond Excel's last column", col))
				}
				inCell, hasV, tooLong = true, false, false
				s.val = s.val[:0]
			case "v":
				inV, hasV = inCell, inCell
			case "f":
				c.formula = inCell
			case "is":
				inIS = inCell
				hasV = inCell
			case "t":
				inT = inIS
			case "rPh":
				inRPh = true
			}
		case xml.CharData:
			if (inV || (inT && !inRPh)) && !tooLong {
				if len(s.val)+len(t) > MaxCellBytes {
					tooLong = true
				} else {
					s.val = append(s.val, t...)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "t":
				inT = false
			case "is":
				inIS = false
			case "rPh":
				inRPh = false
			case "c":
				if !inCell || col < 1 {
					continue // a stray </c>: RawToken does not match tags
				}
				inCell = false
				var v string
				var err error
				switch {
				case tooLong:
					err = fmt.Errorf("%w: more than %d bytes", ErrCellTooLarge, MaxCellBytes)
				case c.formula && !hasV:
					err = fmt.Errorf("%w: the cell has a formula but no stored result; open the file in Excel and save it again (or paste the values)", ErrFormula)
				default:
					v, err = s.cellValue(&c, s.val)
				}
				if err != nil {
					if rowErr == nil {
						rowErr = &FileError{File: s.file, Row: rowNum, Column: ColumnLabel(s.header, col-1), Err: err}
					}
					continue
				}
				if v == "" {
					continue
				}
				for len(s.raw) < col {
					s.raw = append(s.raw, "")
				}
				s.raw[col-1] = v
			case "row":
				if rowErr != nil {
					return 0, nil, rowErr
				}
				return rowNum, s.raw, nil
			}
		}
	}
}

// cellState is what a <c> element's attributes and children say.
type cellState struct {
	style   int
	typ     string
	formula bool
}

// cellValue renders one cell's stored value as the user sees it.
func (s *xlsxSource) cellValue(c *cellState, raw []byte) (string, error) {
	switch c.typ {
	case "s":
		i, err := strconv.Atoi(string(bytes.TrimSpace(raw)))
		if err != nil || i < 0 || i >= len(s.sst) {
			return "", fmt.Errorf("%w: the workbook is damaged: shared string %q does not exist", ErrNotTabular, raw)
		}
		return s.sst[i], nil
	case "inlineStr", "str", "e":
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
	if c.style > 0 && c.style < len(s.styles) {
		st = s.styles[c.style]
	}
	switch st.kind {
	case styleDate:
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return string(raw), nil
		}
		t, err := excelize.ExcelDateToTime(f, s.date1904)
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

type relationship struct{ id, typ, target string }

// readRels reads a .rels part; targets are resolved against dir.
func readRels(parts map[string]*zip.File, name, dir string) ([]relationship, error) {
	rc, err := openPart(parts, name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var out []relationship
	dec := newXMLDecoder(rc)
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: the workbook is damaged: %s: %v", ErrNotTabular, name, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" {
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

type sheetInfo struct{ name, state, rid string }

func readWorkbook(parts map[string]*zip.File, name string) ([]sheetInfo, bool, error) {
	rc, err := openPart(parts, name)
	if err != nil {
		return nil, false, err
	}
	defer rc.Close()
	var sheets []sheetInfo
	date1904 := false
	dec := newXMLDecoder(rc)
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return sheets, date1904, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("%w: the workbook is damaged: %s: %v", ErrNotTabular, name, err)
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
			sheets = append(sheets, sh)
		}
	}
}

// pickSheet finds the sheet by name (exactly, else ignoring case), or the
// first visible sheet.
func pickSheet(sheets []sheetInfo, want string) (sheetInfo, error) {
	names := make([]string, len(sheets))
	for i, sh := range sheets {
		names[i] = strconv.Quote(sh.name)
	}
	if want == "" {
		for _, sh := range sheets {
			if sh.state == "" || sh.state == "visible" {
				return sh, nil
			}
		}
		return sheetInfo{}, fmt.Errorf("%w: the workbook has no visible sheet (sheets: %s); choose one with --sheet", ErrNotTabular, strings.Join(names, ", "))
	}
	for _, sh := range sheets {
		if sh.name == want {
			return sh, nil
		}
	}
	for _, sh := range sheets {
		if strings.EqualFold(sh.name, want) {
			return sh, nil
		}
	}
	return sheetInfo{}, fmt.Errorf("%w: no sheet named %q; the workbook has %s", ErrNotTabular, want, strings.Join(names, ", "))
}

// readStyles classifies every cell format (cellXfs) of the workbook once,
// so a cell's rendering is an index lookup.
func readStyles(parts map[string]*zip.File, name string) ([]cellStyle, error) {
	rc, err := openPart(parts, name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	custom := map[int]string{}
	var xfs []int
	inXfs := false
	dec := newXMLDecoder(rc)
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: the workbook is damaged: %s: %v", ErrNotTabular, name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmt":
				if id, err := strconv.Atoi(attr(t.Attr, "numFmtId")); err == nil {
					custom[id] = attr(t.Attr, "formatCode")
				}
			case "cellXfs":
				inXfs = true
			case "xf":
				if inXfs {
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
		st := cellStyle{numID: id, code: code}
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
// text.
func readSST(parts map[string]*zip.File, name string) ([]string, error) {
	rc, err := openPart(parts, name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: maxSSTBytes + 1}
	dec := newXMLDecoder(lr)
	var (
		out   []string
		buf   []byte
		inSI  bool
		inT   bool
		inRPh bool
	)
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			if lr.N <= 0 {
				return nil, fmt.Errorf("%w: the shared-string table is larger than %d MiB", ErrNotTabular, maxSSTBytes>>20)
			}
			if errors.Is(err, errXMLRun) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: the workbook is damaged: %s: %v", ErrNotTabular, name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "sst":
				if n, err := strconv.Atoi(attr(t.Attr, "uniqueCount")); err == nil && n > 0 {
					out = make([]string, 0, min(n, 1<<16))
				}
			case "si":
				inSI, buf = true, buf[:0]
			case "t":
				inT = inSI
			case "rPh":
				inRPh = true
			}
		case xml.CharData:
			if inT && !inRPh {
				buf = append(buf, t...)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				out = append(out, string(buf))
				inSI = false
			case "t":
				inT = false
			case "rPh":
				inRPh = false
			}
		}
	}
	if lr.N <= 0 {
		return nil, fmt.Errorf("%w: the shared-string table is larger than %d MiB", ErrNotTabular, maxSSTBytes>>20)
	}
	return out, nil
}
