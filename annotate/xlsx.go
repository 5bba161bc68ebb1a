package annotate

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/report"
)

// Fill colours: Excel's own "Bad" and "Neutral" cell styles, which a
// person already reads as "wrong" and "look at this".
const (
	colorError   = "FFC7CE"
	colorWarning = "FFEB9C"
)

// Widths of the two added columns, in characters.
const (
	statusWidth  = 16
	messageWidth = 80
)

// workbook is an XLSX input being annotated in place, in memory.
type workbook struct {
	f      *excelize.File
	sheet  string           // the sheet that was read
	styles map[styleKey]int // (style, severity) -> style with the fill
	// loaded holds, per sheet, the notes it had when read: cell -> author.
	loaded map[string]map[string]string
	placed map[string]map[string]bool // sheet -> cells that got a note now
	reused bool                       // the two columns are an earlier annotation's
	// bulk are the data sheet's notes after its first, added to the
	// written file (see appendNotes).
	bulk  []bulkNote
	first bool // the data sheet has had a note through AddComment
}

type styleKey struct {
	id  int
	sev report.Severity
}

// copyWorkbook copies the workbook at in.Path to w with the annotations:
// excelize keeps every part it does not touch, so only the cells that get
// a fill, a note, a status or an edit change.
func copyWorkbook(w io.Writer, in Input, rows iter.Seq[report.Row], opts Options) error {
	f, err := openWorkbook(in.Path)
	if err != nil {
		return fmt.Errorf("reading the workbook: %w", err)
	}
	defer f.Close()
	wb := &workbook{f: f, styles: map[styleKey]int{}, loaded: map[string]map[string]string{}, placed: map[string]map[string]bool{}}
	if wb.sheet, err = dataSheet(f, in.Sheet); err != nil {
		return err
	}
	header, err := headerCells(f, wb.sheet, in.HeaderRow)
	if err != nil {
		return err
	}
	for ref, v := range opts.Edits {
		if err := f.SetCellStr(wb.sheet, ref, v); err != nil {
			return fmt.Errorf("edit %s: %w", ref, err)
		}
	}
	if !opts.Plain {
		if err := wb.annotate(in, header, rows); err != nil {
			return err
		}
	}
	// The content type follows the name: the copy is an .xlsx, even of
	// an .xlsm input.
	f.Path = "annotated.xlsx"
	return writeBook(w, f, wb.sheet, wb.bulk)
}

// writeBook writes the workbook with the notes that wait for it.
func writeBook(w io.Writer, f *excelize.File, sheet string, bulk []bulkNote) error {
	if len(bulk) == 0 {
		if err := f.Write(w); err != nil {
			return fmt.Errorf("writing the workbook: %w", err)
		}
		return nil
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return fmt.Errorf("writing the workbook: %w", err)
	}
	if err := appendNotes(w, buf.Bytes(), sheet, bulk); err != nil {
		return fmt.Errorf("writing the notes: %w", err)
	}
	return nil
}

// openWorkbook opens a workbook with its note parts named the way
// excelize can add to them (see openParts).
func openWorkbook(p string) (*excelize.File, error) {
	data, err := openParts(p)
	if err != nil {
		return nil, err
	}
	if data == nil {
		return excelize.OpenFile(p)
	}
	return excelize.OpenReader(bytes.NewReader(data))
}

// annotate marks the problem cells of every row and fills the two
// columns.
func (wb *workbook) annotate(in Input, header []string, rows iter.Seq[report.Row]) error {
	var notes []rowNote
	for r := range rows {
		if n := noteOf(&r, wb.sheet); n.row > 0 {
			notes = append(notes, n)
		}
	}
	statusCol, err := wb.statusColumn(header, in.HeaderRow, notes)
	if err != nil {
		return err
	}
	if err := wb.addColumns(in.HeaderRow, len(header), statusCol); err != nil {
		return err
	}
	for i := range notes {
		if err := wb.markRow(&notes[i], statusCol); err != nil {
			return err
		}
	}
	return wb.clearOldNotes()
}

// dataSheet names the sheet that was read: name, or the first visible
// sheet.
func dataSheet(f *excelize.File, name string) (string, error) {
	list := f.GetSheetList()
	if name != "" {
		for _, s := range list {
			if s == name {
				return s, nil
			}
		}
		return "", fmt.Errorf("the workbook has no sheet %q (it has %s)", name, strings.Join(list, ", "))
	}
	for _, s := range list {
		if v, err := f.GetSheetVisible(s); err == nil && v {
			return s, nil
		}
	}
	return "", fmt.Errorf("the workbook has no visible sheet")
}

// headerCells returns the cells of the header row, read from the sheet's
// XML before excelize loads the whole sheet.
func headerCells(f *excelize.File, sheet string, headerRow int) ([]string, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("reading sheet %q: %w", sheet, err)
	}
	defer rows.Close()
	for i := 1; rows.Next(); i++ {
		if i < headerRow {
			continue
		}
		cells, err := rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("reading the header row %d of sheet %q: %w", headerRow, sheet, err)
		}
		for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
			cells = cells[:len(cells)-1]
		}
		return cells, nil
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("reading sheet %q: %w", sheet, err)
	}
	return nil, nil
}

// statusColumn chooses the 1-based column of StatusHeader: where an
// earlier annotation put it, else right after the last header cell,
// moved further right while any cell it would write holds a value (data
// under no header must not be overwritten).
func (wb *workbook) statusColumn(header []string, headerRow int, notes []rowNote) (int, error) {
	for i := 0; i+1 < len(header); i++ {
		if isHeader(header[i], StatusHeader) && isHeader(header[i+1], MessageHeader) {
			wb.reused = true
			return i + 1, nil
		}
	}
	col := len(header) + 1
	for ; col < excelize.MaxColumns; col++ {
		free, err := wb.columnsFree(col, headerRow, notes)
		if err != nil {
			return 0, err
		}
		if free {
			return col, nil
		}
	}
	return 0, fmt.Errorf("sheet %q has no free column for the status", wb.sheet)
}

// columnsFree says whether columns col and col+1 are empty in the header
// row and in every row that gets a status.
func (wb *workbook) columnsFree(col, headerRow int, notes []rowNote) (bool, error) {
	check := func(row int) (bool, error) {
		for c := col; c <= col+1; c++ {
			ref, err := excelize.CoordinatesToCellName(c, row)
			if err != nil {
				return false, err
			}
			v, err := wb.f.GetCellValue(wb.sheet, ref, excelize.Options{RawCellValue: true})
			if err != nil || v != "" {
				return false, err
			}
		}
		return true, nil
	}
	if ok, err := check(headerRow); !ok || err != nil {
		return ok, err
	}
	for _, n := range notes {
		if ok, err := check(n.row); !ok || err != nil {
			return ok, err
		}
	}
	return true, nil
}

func isHeader(cell, want string) bool {
	return strings.EqualFold(strings.TrimSpace(cell), want)
}

// addColumns writes the two headers in the style of the last header
// cell, so they look like the rest of the header, and widens them.
func (wb *workbook) addColumns(headerRow, width, statusCol int) error {
	f, sh := wb.f, wb.sheet
	style := 0
	if width > 0 {
		last, _ := excelize.CoordinatesToCellName(width, headerRow)
		var err error
		if style, err = f.GetCellStyle(sh, last); err != nil {
			return err
		}
	}
	if wb.reused {
		return nil
	}
	for i, h := range []string{StatusHeader, MessageHeader} {
		ref, _ := excelize.CoordinatesToCellName(statusCol+i, headerRow)
		if err := f.SetCellStr(sh, ref, h); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, ref, ref, style); err != nil {
			return err
		}
	}
	sc, _ := excelize.ColumnNumberToName(statusCol)
	mc, _ := excelize.ColumnNumberToName(statusCol + 1)
	if err := f.SetColWidth(sh, sc, sc, statusWidth); err != nil {
		return err
	}
	return f.SetColWidth(sh, mc, mc, messageWidth)
}

// markRow writes a row's status and message and marks its cells.
func (wb *workbook) markRow(n *rowNote, statusCol int) error {
	f, sh := wb.f, wb.sheet
	sref, _ := excelize.CoordinatesToCellName(statusCol, n.row)
	mref, _ := excelize.CoordinatesToCellName(statusCol+1, n.row)
	if err := f.SetCellStr(sh, sref, string(n.status)); err != nil {
		return err
	}
	err := f.SetCellStr(sh, mref, n.message)
	if err != nil {
		return err
	}
	sev := n.sev
	if isFailure(n.status) {
		sev = report.SeverityError
	}
	if sev == "" && wb.reused {
		err = wb.unfill(sh, sref)
	} else {
		err = wb.fill(sh, sref, sev)
	}
	if err != nil {
		return err
	}
	for _, c := range n.cells {
		sheet := c.sheet
		if sheet == "" {
			sheet = sh
		}
		if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
			continue // a sheet the workbook does not have: the message column says it
		}
		ref, err := excelize.CoordinatesToCellName(c.col, c.row)
		if err != nil {
			continue
		}
		if err := wb.fill(sheet, ref, c.sev); err != nil {
			return err
		}
		if err := wb.note(sheet, ref, c.text); err != nil {
			return err
		}
	}
	return nil
}

// fill gives a cell the fill of sev on top of the style it has (its font,
// border and number format stay). Styles are shared through a cache, so a
// large file adds at most two styles per style it uses.
func (wb *workbook) fill(sheet, ref string, sev report.Severity) error {
	color := ""
	switch sev {
	case report.SeverityError:
		color = colorError
	case report.SeverityWarning:
		color = colorWarning
	default:
		return nil
	}
	id, err := wb.f.GetCellStyle(sheet, ref)
	if err != nil {
		return err
	}
	key := styleKey{id, sev}
	nid, ok := wb.styles[key]
	if !ok {
		st, err := wb.f.GetStyle(id)
		if err != nil {
			return err
		}
		rgbColors(st)
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
		if nid, err = wb.f.NewStyle(st); err != nil {
			return err
		}
		wb.styles[key] = nid
	}
	return wb.f.SetCellStyle(sheet, ref, ref, nid)
}

// note puts text in the note of a cell. A note of an earlier annotation
// is replaced; a note the person wrote is left alone (the message column
// still has the text).
func (wb *workbook) note(sheet, ref, text string) error {
	existing, err := wb.sheetNotes(sheet)
	if err != nil {
		return err
	}
	if author, ok := existing[ref]; ok {
		if author != noteAuthor {
			return nil
		}
		if err := wb.f.DeleteComment(sheet, ref); err != nil {
			return err
		}
		delete(existing, ref)
	}
	if wb.placed[sheet] == nil {
		wb.placed[sheet] = map[string]bool{}
	}
	wb.placed[sheet][ref] = true
	if sheet == wb.sheet {
		if wb.first {
			col, row, _ := excelize.CellNameToCoordinates(ref)
			wb.bulk = append(wb.bulk, bulkNote{col: col, row: row, text: noteText(text)})
			return nil
		}
		wb.first = true
	}
	return wb.f.AddComment(sheet, noteComment(ref, text))
}

// sheetNotes returns the notes a sheet had when it was read, cell ->
// author.
func (wb *workbook) sheetNotes(sheet string) (map[string]string, error) {
	if m, ok := wb.loaded[sheet]; ok {
		return m, nil
	}
	cs, err := wb.f.GetComments(sheet)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(cs))
	for _, c := range cs {
		m[c.Cell] = c.Author
	}
	wb.loaded[sheet] = m
	return m, nil
}

// clearOldNotes removes, on the data sheet, the notes and fills of an
// earlier annotation whose problem is gone, so that an annotated copy
// annotated again shows only what is still wrong.
func (wb *workbook) clearOldNotes() error {
	sh := wb.sheet
	existing, err := wb.sheetNotes(sh)
	if err != nil {
		return err
	}
	for ref, author := range existing {
		if author != noteAuthor || wb.placed[sh][ref] {
			continue
		}
		if err := wb.f.DeleteComment(sh, ref); err != nil {
			return err
		}
		if err := wb.unfill(sh, ref); err != nil {
			return err
		}
	}
	return nil
}

// unfill takes our fill off a cell again; a fill of another colour is the
// person's and stays.
func (wb *workbook) unfill(sheet, ref string) error {
	id, err := wb.f.GetCellStyle(sheet, ref)
	if err != nil {
		return err
	}
	st, err := wb.f.GetStyle(id)
	if err != nil {
		return err
	}
	if len(st.Fill.Color) != 1 || !isOurFill(st.Fill.Color[0]) {
		return nil
	}
	rgbColors(st)
	st.Fill = excelize.Fill{}
	nid, err := wb.f.NewStyle(st)
	if err != nil {
		return err
	}
	return wb.f.SetCellStyle(sheet, ref, ref, nid)
}

// rgbColors turns the ARGB colours GetStyle returns ("000000FF", as
// openpyxl writes them) into the RGB NewStyle takes: NewStyle puts an
// alpha of FF before any colour, and "FF000000FF" is no colour at all.
func rgbColors(st *excelize.Style) {
	argb := func(c string) string {
		if len(c) == 8 {
			return c[2:]
		}
		return c
	}
	if st.Font != nil {
		st.Font.Color = argb(st.Font.Color)
	}
	for i := range st.Border {
		st.Border[i].Color = argb(st.Border[i].Color)
	}
	for i := range st.Fill.Color {
		st.Fill.Color[i] = argb(st.Fill.Color[i])
	}
}

// isOurFill says whether a fill colour (RGB or ARGB) is one of ours.
func isOurFill(c string) bool {
	c = strings.ToUpper(c)
	return strings.HasSuffix(c, colorError) || strings.HasSuffix(c, colorWarning)
}

// truncate cuts s to at most n bytes at a character boundary.
func truncate(s string, n int) string {
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
