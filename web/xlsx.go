package web

import (
	"github.com/userimport/userimport/web/table"
	"io"
	"mime"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// writeGridXLSX writes the table with the person's edits as a workbook.
// The annotated copy also fills each problem cell (red for an error,
// yellow for a warning), puts the messages in a note on the cell, and adds
// "userimport status" and "userimport message" columns. Passwords never
// leave the server, so the password column is written empty, and the
// header's note says so.
func writeGridXLSX(w io.Writer, g *table.Grid, annotated bool, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sheet1"
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	styles, err := gridStyles(f)
	if err != nil {
		return err
	}
	header := make([]any, 0, len(g.File().Header)+2)
	for _, h := range g.File().Header {
		header = append(header, excelize.Cell{Value: h, StyleID: styles.header})
	}
	if annotated {
		header = append(header, excelize.Cell{Value: "userimport status", StyleID: styles.header},
			excelize.Cell{Value: "userimport message", StyleID: styles.header})
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	var notes []note
	for i := range g.File().Cells {
		row, rowNotes := gridRow(g, i, annotated, styles)
		notes = append(notes, rowNotes...)
		if err := sw.SetRow("A"+strconv.Itoa(i+2), row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if g.PasswordCol() >= 0 {
		notes = append(notes, note{table.ColumnLetters(g.PasswordCol()) + "1", T(lang, "xlsx.no_passwords")})
	}
	for _, n := range notes {
		if err := f.AddComment(sheet, excelize.Comment{Cell: n.ref, Author: "userimport", Text: n.text}); err != nil {
			return err
		}
	}
	return f.Write(w)
}

// note is a cell comment of the annotated copy.
type note struct{ ref, text string }

// gridRow builds row i of the workbook and, for the annotated copy, the
// notes of its problem cells.
func gridRow(g *table.Grid, i int, annotated bool, styles xlsxStyles) ([]any, []note) {
	cells, fs := g.File().Cells[i], g.Findings(i)
	byCol := map[int][]string{}
	sev := map[int]string{}
	var all []string
	for _, fd := range fs {
		all = append(all, fd.Message)
		if fd.Col >= 0 {
			byCol[fd.Col] = append(byCol[fd.Col], fd.Message)
			if sev[fd.Col] != table.SevError {
				sev[fd.Col] = fd.Severity
			}
		}
	}
	var notes []note
	row := make([]any, 0, len(g.File().Header)+2)
	for c := range g.File().Header {
		v := ""
		if c < len(cells) && c != g.PasswordCol() {
			v = cells[c]
		}
		cell := excelize.Cell{Value: v}
		if annotated {
			switch sev[c] {
			case table.SevError:
				cell.StyleID = styles.err
			case table.SevWarning:
				cell.StyleID = styles.warn
			}
			if len(byCol[c]) > 0 {
				notes = append(notes, note{table.ColumnLetters(c) + strconv.Itoa(i+2), strings.Join(byCol[c], "\n")})
			}
		}
		row = append(row, cell)
	}
	if annotated {
		status := "ok"
		if s := table.RowSeverity(fs); s != "" {
			status = s
		}
		row = append(row, status, strings.Join(all, "\n"))
	}
	return row, notes
}

type xlsxStyles struct{ header, err, warn int }

func gridStyles(f *excelize.File) (xlsxStyles, error) {
	var s xlsxStyles
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return s, err
	}
	if s.err, err = f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F8B4B4"}}}); err != nil {
		return s, err
	}
	s.warn, err = f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FDE68A"}}})
	return s, err
}

// stem is a file name without its extension.
func stem(name string) string { return strings.TrimSuffix(name, filepath.Ext(name)) }

// contentDisposition names a download, also when the name is Japanese.
func contentDisposition(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}
