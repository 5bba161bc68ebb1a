package report

import (
	"encoding/csv"
	"errors"
	"io"
	"strconv"
)

// numCols is the number of columns this package writes, in Columns order.
const numCols = 10

// csvWriter writes with encoding/csv and not gocsv: validate writes one
// report row per input row of million-row files and must stay within 2× a
// bare csv read, and gocsv's per-field reflection costs about 4.6× (see
// shared/go-library-notes.md). The record is a reused array filled field by
// field, so a row costs its escaping and quoting and nothing else.
type csvWriter struct {
	sink lineSink
	cw   *csv.Writer // writes into sink.buf
	rec  [numCols]string
}

func newCSVWriter(w io.Writer, c io.Closer) (*csvWriter, error) {
	cw := &csvWriter{sink: lineSink{dst: w, closer: c}}
	cw.cw = csv.NewWriter(&cw.sink.buf)
	// The header goes out at once: a file this package created is never
	// empty, so Read can tell "not a report" from "no row finished yet".
	if err := cw.cw.Write(Columns); err != nil {
		return nil, err
	}
	if err := cw.Flush(); err != nil {
		return nil, err
	}
	return cw, nil
}

// cells fills dst with r's values in Columns order, formula-escaped.
// TestColumnsOrder pins this order to Columns.
func cells(dst *[numCols]string, r *Row, escape func(string) string) {
	dst[0] = strconv.Itoa(r.Row)
	dst[1] = escape(r.Code)
	dst[2] = escape(string(r.Status))
	dst[3] = escape(r.Services)
	dst[4] = escape(r.ErrorCode)
	dst[5] = escape(r.Message)
	dst[6] = escape(r.Departments)
	dst[7] = escape(r.Input)
	dst[8] = escape(r.Warnings)
	dst[9] = escape(r.Changes)
}

var errNilRow = errors.New("report: nil row")

func (w *csvWriter) Write(r *Row) error {
	if err := w.sink.check(); err != nil {
		return err
	}
	if r == nil {
		return errNilRow
	}
	cells(&w.rec, r, EscapeFormula)
	if err := w.cw.Write(w.rec[:]); err != nil {
		return err
	}
	// csv.Writer buffers internally; moving the row into sink.buf now keeps
	// the sink's "whole rows only" invariant. It is a memmove into a
	// buffer, not a system call.
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return err
	}
	return w.sink.rowDone()
}

func (w *csvWriter) Flush() error {
	if err := w.sink.check(); err != nil {
		return err
	}
	w.cw.Flush()
	return w.sink.flush()
}

func (w *csvWriter) Close() error {
	if !w.sink.closed {
		w.cw.Flush()
	}
	return w.sink.close()
}
