package report

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// sheetName is the name of the only sheet of an XLSX report.
const sheetName = "report"

// Fill colours of XLSX rows: Excel's own "bad" red for rows that need
// attention, a light yellow for rows that never ran.
const (
	colourBad          = "FFC7CE"
	colourNotAttempted = "FFF2CC"
)

// colWidths are the XLSX column widths, in Columns order; the message
// column is the one people read.
var colWidths = [numCols]float64{8, 24, 14, 22, 22, 80, 22, 30}

// xlsxWriter writes through excelize's StreamWriter, never the in-memory
// API: the notes measured 100k rows at 81 MB RSS streamed against 1.5 GB
// in memory, and the StreamWriter spills its sheet to a temporary file past
// 16 MiB, so memory stays flat however many rows come.
type xlsxWriter struct {
	dst    io.Writer
	closer io.Closer
	f      *excelize.File
	sw     *excelize.StreamWriter
	row    int // last sheet row written; the header is row 1

	styleBad, styleNotAttempted int
	rec                         [numCols]string
	vals                        [numCols]any
	ref                         []byte
	err                         error
	closed                      bool
}

func newXLSXWriter(w io.Writer, c io.Closer) (_ *xlsxWriter, err error) {
	f := excelize.NewFile()
	defer func() {
		if err != nil {
			err = errors.Join(fmt.Errorf("start XLSX report: %w", err), f.Close())
		}
	}()
	if err := f.SetSheetName(f.GetSheetName(0), sheetName); err != nil {
		return nil, err
	}
	// Styles are created once, up front: excelize caps a workbook at about
	// 65k styles and a style per row would also cost a lookup per row.
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	xw := &xlsxWriter{dst: w, closer: c, f: f, ref: make([]byte, 0, 16)}
	if xw.styleBad, err = fillStyle(f, colourBad); err != nil {
		return nil, err
	}
	if xw.styleNotAttempted, err = fillStyle(f, colourNotAttempted); err != nil {
		return nil, err
	}
	if xw.sw, err = f.NewStreamWriter(sheetName); err != nil {
		return nil, err
	}
	// Widths and panes must precede the first SetRow (StreamWriter rule).
	for i, width := range colWidths {
		if err := xw.sw.SetColWidth(i+1, i+1, width); err != nil {
			return nil, err
		}
	}
	if err := xw.sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
	}); err != nil {
		return nil, err
	}
	hdr := make([]any, len(Columns))
	for i, name := range Columns {
		hdr[i] = excelize.Cell{StyleID: header, Value: name}
	}
	if err := xw.sw.SetRow("A1", hdr); err != nil {
		return nil, err
	}
	xw.row = 1
	return xw, nil
}

func fillStyle(f *excelize.File, colour string) (int, error) {
	return f.NewStyle(&excelize.Style{
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}},
	})
}

func (w *xlsxWriter) Write(r *Row) error {
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if r == nil {
		return errNilRow
	}
	cells(&w.rec, r, EscapeFormula)
	w.vals[0] = r.Row // a number cell, so Excel sorts and filters it as one
	for i := 1; i < numCols; i++ {
		if w.rec[i] == "" {
			w.vals[i] = nil // no cell at all: a smaller sheet
		} else {
			w.vals[i] = w.rec[i]
		}
	}
	var opts []excelize.RowOpts
	switch r.Status {
	case Failed, Invalid:
		opts = []excelize.RowOpts{{StyleID: w.styleBad}}
	case NotAttempted:
		opts = []excelize.RowOpts{{StyleID: w.styleNotAttempted}}
	}
	w.ref = strconv.AppendInt(append(w.ref[:0], 'A'), int64(w.row+1), 10)
	if err := w.sw.SetRow(string(w.ref), w.vals[:], opts...); err != nil {
		w.err = fmt.Errorf("write XLSX report row %d: %w", r.Row, err)
		return w.err
	}
	w.row++
	return nil
}

// Flush does nothing: a workbook is a zip archive that only exists once
// finished, so an XLSX report cannot be made crash-safe. The importer's
// crash recovery (--resume) needs a .csv or .jsonl report.
func (w *xlsxWriter) Flush() error {
	if w.closed {
		return ErrClosed
	}
	return w.err
}

// Close finishes the sheet, writes the workbook, removes excelize's
// temporary files and closes the file that Create opened.
func (w *xlsxWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.err
	if err == nil {
		if ferr := w.sw.Flush(); ferr != nil {
			err = fmt.Errorf("finish XLSX report: %w", ferr)
		} else if werr := w.f.Write(w.dst); werr != nil {
			err = fmt.Errorf("write XLSX report: %w", werr)
		}
	}
	if cerr := w.f.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close XLSX workbook: %w", cerr))
	}
	if w.closer != nil {
		if cerr := w.closer.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close report: %w", cerr))
		}
	}
	return err
}
