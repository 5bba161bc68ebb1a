package annotate

import (
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/report"
)

// csvBook is a CSV input being written as a workbook, one row at a time.
type csvBook struct {
	f         *excelize.File
	sw        *excelize.StreamWriter
	sheet     string
	in        Input
	opts      Options
	statusCol int                     // 1-based; 0 when Plain
	styles    map[report.Severity]int // text style with each fill ("" none)
	bold      int                     // the header row's style
	edits     map[int]map[int]string  // row -> col -> value
	notes     []pendingNote           // added after the stream is flushed
}

// pendingNote is a note that waits for the end of the stream.
type pendingNote struct{ ref, text string }

// convertCSV writes a CSV input as a workbook of text cells, row for row
// where a spreadsheet shows them, with the annotations. The file is read
// twice: once for its widest row (the two columns go after it, so a row
// with cells beyond the header keeps them), once to write it.
func convertCSV(w io.Writer, in Input, rows iter.Seq[report.Row], opts Options) error {
	width, header, err := csvShape(in)
	if err != nil {
		return err
	}
	b := &csvBook{f: excelize.NewFile(), in: in, opts: opts, sheet: sheetName(in.Path)}
	defer b.f.Close()
	if err := b.f.SetSheetName("Sheet1", b.sheet); err != nil {
		return err
	}
	if b.edits, err = editsByRow(opts.Edits); err != nil {
		return err
	}
	if !opts.Plain {
		b.statusCol = width + 1
		for i := 0; i+1 < len(header); i++ {
			if isHeader(header[i], StatusHeader) && isHeader(header[i+1], MessageHeader) {
				b.statusCol = i + 1
				break
			}
		}
	}
	if err := b.start(); err != nil {
		return err
	}
	if err := b.copyRows(rows); err != nil {
		return err
	}
	if err := b.sw.Flush(); err != nil {
		return err
	}
	var bulk []bulkNote
	for i, n := range b.notes {
		if i == 0 {
			if err := b.f.AddComment(b.sheet, noteComment(n.ref, n.text)); err != nil {
				return err
			}
			continue
		}
		col, row, _ := excelize.CellNameToCoordinates(n.ref)
		bulk = append(bulk, bulkNote{col: col, row: row, text: noteText(n.text)})
	}
	return writeBook(w, b.f, b.sheet, bulk)
}

// csvShape returns the width of the widest record and the header
// record's cells.
func csvShape(in Input) (int, []string, error) {
	rs, err := openRecords(in)
	if err != nil {
		return 0, nil, err
	}
	defer rs.close()
	width := 0
	var header []string
	for {
		rec, err := rs.next()
		if err == io.EOF {
			return width, header, nil
		}
		if err != nil {
			return 0, nil, err
		}
		width = max(width, len(rec.cells))
		if rec.row == in.HeaderRow {
			header = append([]string(nil), rec.cells...)
		}
	}
}

// start creates the styles and the stream, and sets the column widths
// (which a stream takes only before its first row).
func (b *csvBook) start() error {
	f := b.f
	text := &excelize.Style{NumFmt: 49} // "@": what the person types stays text
	var err error
	b.styles = map[report.Severity]int{}
	if b.styles[""], err = f.NewStyle(text); err != nil {
		return err
	}
	for sev, color := range map[report.Severity]string{report.SeverityError: colorError, report.SeverityWarning: colorWarning} {
		st := *text
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
		if b.styles[sev], err = f.NewStyle(&st); err != nil {
			return err
		}
	}
	if b.bold, err = f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}}); err != nil {
		return err
	}
	if b.sw, err = f.NewStreamWriter(b.sheet); err != nil {
		return err
	}
	if b.statusCol > 0 {
		if err := b.sw.SetColWidth(b.statusCol, b.statusCol, statusWidth); err != nil {
			return err
		}
		return b.sw.SetColWidth(b.statusCol+1, b.statusCol+1, messageWidth)
	}
	return nil
}

// copyRows writes every record, and every report row, in row order.
func (b *csvBook) copyRows(rows iter.Seq[report.Row]) error {
	rs, err := openRecords(b.in)
	if err != nil {
		return err
	}
	defer rs.close()
	notes := newNoteQueue(rows, b.sheet)
	defer notes.stop()
	for {
		rec, err := rs.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		for n, ok, err := notes.before(rec.row); ok || err != nil; n, ok, err = notes.before(rec.row) {
			if err != nil {
				return err
			}
			if err := b.writeRow(n.row, nil, &n); err != nil {
				return err
			}
		}
		n, ok, err := notes.at(rec.row)
		if err != nil {
			return err
		}
		var np *rowNote
		if ok {
			np = &n
		}
		if err := b.writeRow(rec.row, rec.cells, np); err != nil {
			return err
		}
	}
	for {
		n, ok, err := notes.before(excelize.TotalRows + 1)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		if err := b.writeRow(n.row, nil, &n); err != nil {
			return err
		}
	}
}

// writeRow writes one row: the record's cells as text, edited where the
// person edited them, filled where a finding names them, and the status
// and message when the row has a report row.
func (b *csvBook) writeRow(row int, cells []string, n *rowNote) error {
	if row > excelize.TotalRows {
		return fmt.Errorf("row %d is beyond a sheet's %d rows", row, excelize.TotalRows)
	}
	width := len(cells)
	if b.statusCol > 0 {
		width = min(width, b.statusCol-1) // an old status column is replaced
	}
	edits := b.edits[row]
	for col := range edits {
		width = max(width, col)
	}
	var marks map[int]*cellNote
	if n != nil && !b.opts.Plain {
		marks = map[int]*cellNote{}
		for i := range n.cells {
			c := &n.cells[i]
			if c.row == row && (c.sheet == "" || c.sheet == b.sheet) && (b.statusCol == 0 || c.col < b.statusCol) {
				marks[c.col] = c
				width = max(width, c.col)
			}
		}
	}
	style := b.styles[""]
	if row == b.in.HeaderRow {
		style = b.bold
	}
	out := make([]any, width, width+2)
	for i := range width {
		v := ""
		if i < len(cells) {
			v = cells[i]
		}
		if e, ok := edits[i+1]; ok {
			v = e
		}
		c := excelize.Cell{Value: v, StyleID: style}
		if m := marks[i+1]; m != nil {
			c.StyleID = b.styles[m.sev]
			ref, _ := excelize.CoordinatesToCellName(i+1, row)
			b.notes = append(b.notes, pendingNote{ref, m.text})
		}
		out[i] = c
	}
	if b.statusCol > 0 {
		for len(out) < b.statusCol-1 {
			out = append(out, nil)
		}
		switch {
		case row == b.in.HeaderRow:
			out = append(out, excelize.Cell{Value: StatusHeader, StyleID: b.bold}, excelize.Cell{Value: MessageHeader, StyleID: b.bold})
		case n != nil:
			sev := n.sev
			if isFailure(n.status) {
				sev = report.SeverityError
			}
			out = append(out, excelize.Cell{Value: string(n.status), StyleID: b.styles[sev]}, excelize.Cell{Value: n.message, StyleID: b.styles[""]})
		}
	}
	if len(out) == 0 {
		return nil
	}
	ref, _ := excelize.CoordinatesToCellName(1, row)
	return b.sw.SetRow(ref, out)
}

// editsByRow indexes Options.Edits by row and column.
func editsByRow(edits map[string]string) (map[int]map[int]string, error) {
	out := map[int]map[int]string{}
	for ref, v := range edits {
		sh, col, row, err := parseRef(ref)
		if err != nil || sh != "" {
			return nil, fmt.Errorf("edit %q: not a cell reference such as C7", ref)
		}
		if out[row] == nil {
			out[row] = map[int]string{}
		}
		out[row][col] = v
	}
	return out, nil
}

// sheetName names the sheet after the CSV file, within Excel's rules for
// sheet names (31 characters, none of : \ / ? * [ ]).
func sheetName(path string) string {
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, "'")
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if strings.TrimSpace(name) == "" || strings.EqualFold(name, "history") {
		return "Sheet1"
	}
	return name
}

// noteText is text cut to what a note can hold.
func noteText(text string) string {
	const maxNote = 32000 // Excel's limit on a note's text is 32,767 characters
	if len(text) > maxNote {
		return truncate(text, maxNote)
	}
	return text
}

// noteComment is the note of a problem cell.
func noteComment(ref, text string) excelize.Comment {
	text = noteText(text)
	lines := strings.Count(text, "\n") + 1 + len(text)/60
	return excelize.Comment{
		Cell: ref, Author: noteAuthor, Text: text,
		Width: 320, Height: uint(min(24+16*lines, 400)),
	}
}
