package report

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// sheetName is the name of the first sheet of an XLSX report; the sheets
// that continue it are named by reportSheet.
const sheetName = "report"

// maxSheetRows is how many rows, the header included, the writer puts on
// one sheet before it continues on the next: Excel's limit. A variable
// only so that tests can roll over after a few rows instead of a million.
var maxSheetRows = excelize.TotalRows

// reportSheet returns the name of the n-th (1-based) sheet of an XLSX
// report: "report", then "report (2)", "report (3)", ..., Excel's own
// style for a copied sheet.
func reportSheet(n int) string {
	if n == 1 {
		return sheetName
	}
	return sheetName + " (" + strconv.Itoa(n) + ")"
}

// Fill colours of XLSX rows: Excel's own "bad" red for rows that need
// attention, a light yellow for rows that never ran.
const (
	colourBad          = "FFC7CE"
	colourNotAttempted = "FFF2CC"
)

// colWidths are the XLSX column widths, in Columns order; the message
// column is the one people read.
var colWidths = [numCols]float64{8, 24, 14, 22, 22, 80, 22, 30, 60, 60}

// xlsxWriter writes through excelize's StreamWriter, never the in-memory
// API: the notes measured 100k rows at 81 MB RSS streamed against 1.5 GB
// in memory, and the StreamWriter spills its sheet to a temporary file past
// 16 MiB, so memory stays flat however many rows come. A full sheet is
// finished and the rows continue on a new one (see XLSX).
type xlsxWriter struct {
	dst     io.Writer
	closer  io.Closer
	f       *excelize.File
	sw      *excelize.StreamWriter // the sheet being written; nil once finished
	sheets  int                    // sheets started
	row     int                    // last row written on the current sheet; the header is row 1
	maxRows int                    // maxSheetRows when the writer was made

	header                      []any
	styleBad, styleNotAttempted int
	rec                         [numCols]string
	vals                        [numCols]any
	ref                         []byte
	// err is the first error of Write; it is sticky because a report with
	// a hole is worse than one that stops, and Close returns it too.
	err error
	// lost is set when a sheet could not be finished, so that no workbook
	// can be written at all.
	lost   bool
	closed bool
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
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	xw := &xlsxWriter{dst: w, closer: c, f: f, ref: make([]byte, 0, 16),
		maxRows: max(maxSheetRows, 2), header: make([]any, len(Columns))}
	for i, name := range Columns {
		xw.header[i] = excelize.Cell{StyleID: bold, Value: name}
	}
	if xw.styleBad, err = fillStyle(f, colourBad); err != nil {
		return nil, err
	}
	if xw.styleNotAttempted, err = fillStyle(f, colourNotAttempted); err != nil {
		return nil, err
	}
	if err := xw.startSheet(); err != nil {
		return nil, err
	}
	return xw, nil
}

func fillStyle(f *excelize.File, colour string) (int, error) {
	return f.NewStyle(&excelize.Style{
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}},
	})
}

// startSheet starts the next report sheet (creating it unless it is the
// first, which the new workbook already has) with its widths, frozen
// header and header row.
func (w *xlsxWriter) startSheet() error {
	name := reportSheet(w.sheets + 1)
	if w.sheets > 0 {
		if _, err := w.f.NewSheet(name); err != nil {
			return err
		}
	}
	sw, err := w.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	w.sheets++
	w.sw = sw
	// Widths and panes must precede the first SetRow (StreamWriter rule).
	for i, width := range colWidths {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
	}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", w.header); err != nil {
		return err
	}
	w.row = 1
	return nil
}

// nextSheet finishes the full sheet and starts the next one.
func (w *xlsxWriter) nextSheet() error {
	sw := w.sw
	w.sw = nil
	if err := sw.Flush(); err != nil {
		w.lost = true
		return fmt.Errorf("finish XLSX report sheet %q: %w", sw.Sheet, err)
	}
	if err := w.startSheet(); err != nil {
		return fmt.Errorf("start XLSX report sheet %q: %w", reportSheet(w.sheets+1), err)
	}
	return nil
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
	if w.row >= w.maxRows {
		if err := w.nextSheet(); err != nil {
			w.err = err
			return err
		}
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
	case NotAttempted, OutcomeUnknown:
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
// temporary files and closes the file that Create opened. After a Write
// error it still writes the workbook and returns that error: the report
// must say as much as is known, and the caller must learn that it is
// short. The workbook holds every row before the one that failed. (The
// failed row is either not there at all, when excelize refused its
// reference, or whole, when only excelize's temporary file failed and
// Close's retry succeeded: SetRow can fail midway through a row only on
// a value it cannot convert, and this writer passes only an int and
// strings.)
func (w *xlsxWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.err
	if w.sw != nil {
		if ferr := w.sw.Flush(); ferr != nil {
			err = errors.Join(err, fmt.Errorf("finish XLSX report: %w", ferr))
			w.lost = true
		}
	}
	if w.lost {
		err = errors.Join(err, errors.New("the XLSX report could not be written"))
	} else if werr := w.f.Write(w.dst); werr != nil {
		err = errors.Join(err, fmt.Errorf("write XLSX report: %w", werr))
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
