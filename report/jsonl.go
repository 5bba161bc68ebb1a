package report

import (
	"encoding/json"
	"io"
)

// jsonlWriter writes one JSON object per row, keyed by the names in
// Columns (Row's json tags). Formula escaping is deliberately not applied:
// JSON Lines is read by scripts and jq, never opened by a spreadsheet, and
// a "'-5" there would be data corruption, not protection. Strings that are
// not valid UTF-8 are written with U+FFFD, as encoding/json does.
type jsonlWriter struct {
	sink lineSink
	enc  *json.Encoder // writes into sink.buf; Encode ends each row with \n
}

func newJSONLWriter(w io.Writer, c io.Closer) *jsonlWriter {
	jw := &jsonlWriter{sink: lineSink{dst: w, closer: c}}
	jw.enc = json.NewEncoder(&jw.sink.buf)
	// Messages quote names like "<Sales>"; keep them readable.
	jw.enc.SetEscapeHTML(false)
	return jw
}

func (w *jsonlWriter) Write(r *Row) error {
	if err := w.sink.check(); err != nil {
		return err
	}
	if r == nil {
		return errNilRow
	}
	if err := w.enc.Encode(r); err != nil {
		return err
	}
	return w.sink.rowDone()
}

func (w *jsonlWriter) Flush() error {
	if err := w.sink.check(); err != nil {
		return err
	}
	return w.sink.flush()
}

func (w *jsonlWriter) Close() error { return w.sink.close() }
