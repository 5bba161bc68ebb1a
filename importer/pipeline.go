package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/userimport/userimport/progress"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// A run is a pipeline of stages, each in its own goroutine or called from
// the one before it:
//
//	read (sheet.Source -> chunks of rows)
//	  -> check (map + validate -> a finished outcome, or an item to send)
//	    -> sink (validate: report valid; import: batch -> send -> report)
//	      -> sequencer (report lines back in input order -> report.Writer)
//
// Validate and Import differ only in their sink.

// sink receives the rows that passed the check stage, in input order.
type sink interface {
	// take receives one valid row at input position seq, with its outcome
	// so far. It may keep o, but not rec, which the check stage reuses.
	take(seq int, rec *validate.Record, o *outcome)
	// drain returns when every row taken has its report line.
	drain()
}

// piped is what a pipe run leaves.
type piped struct {
	sum report.Summary
	// pending counts rows that never got their line (a bug if not 0).
	pending int
	// cut is set when the reader stopped before the end of the file.
	cut bool
	// onlyExamples is set when every row was a template's example row or
	// a hidden row left out (--skip-hidden): the file holds no user.
	onlyExamples bool
}

// pipe runs the read and check stages into sk and returns the report's
// summary. readCtx stops the reader: validate stops reading on Ctrl-C;
// import reads on, so that every row gets its not_attempted line.
func pipe(readCtx context.Context, in *input, o *Options, seq *sequencer, ev *progress.Counter, sk sink) (piped, error) {
	// Outside create mode a row may name an existing user, for which only
	// the login name is needed (an export has no password column); what
	// creating a user needs is checked once the batch knows which users are
	// new, before anything is sent.
	v := validate.New(validate.Options{Kind: o.Kind, Columns: in.mapper.Columns(), CustomColumns: in.mapper.CustomColumns(),
		Update: o.Mode != Create || updatesOnly(in.mapper.Layout()), Lang: o.Lang, DateOrder: o.DateOrder})
	ck := &checker{in: in, v: v, seq: seq, ev: ev, sink: sk, lang: o.Lang,
		life: checkLife{allowDelete: o.Lifecycle.AllowDelete && o.Kind == validate.Users, generate: o.Lifecycle.GeneratePasswords, lang: o.Lang}}

	// Reading runs a few chunks ahead of mapping and validation, on a core
	// of its own. Chunks and their cell slices are recycled.
	chunks, free := make(chan *rowChunk, readAhead), make(chan *rowChunk, readAhead+1)
	for range readAhead + 1 {
		free <- new(rowChunk)
	}
	rd := &reader{src: in.src, ctx: readCtx, seq: seq, ev: ev, codeCol: in.codeCol()}
	if in.mapper.HeaderIsData() {
		// A cybozu.com file without a header: its first row is a user.
		rd.first = in.src.Header()
	}
	var readErr error
	go func() {
		err := rd.run(chunks, free)
		readErr = err // read after chunks is closed
		close(chunks)
	}()
	for c := range chunks {
		ck.chunk(c)
		free <- c
	}
	sk.drain()
	var out piped
	var werr error
	out.sum, out.pending, werr = seq.Result()
	out.cut = rd.cut
	out.onlyExamples = out.sum.Rows > 0 && out.sum.Rows == ck.examples+rd.skipped
	switch {
	case readErr != nil:
		return out, readErr
	case out.sum.Rows == 0 && !out.cut:
		return out, &sheet.FileError{File: filepath.Base(o.File), Err: ErrNoRows}
	case werr != nil:
		return out, fmt.Errorf("writing the report: %w", werr)
	case out.pending != 0:
		return out, fmt.Errorf("internal error: %d report rows were never written", out.pending)
	}
	return out, nil
}

// ErrNoRows is wrapped by the error of a run whose file has a header but
// no data row below it: nothing to import is a mistake (a wrong sheet, a
// wrong --header-row, line ends the reader did not see), never a success.
var ErrNoRows = errors.New("the file has no data rows below its header; check --sheet and --header-row")

// readAhead is how many chunks of rows the reader may be ahead of
// validation.
const readAhead = 2

// chunkRows is the number of rows read, mapped and validated together.
const chunkRows = 256

// rowChunk carries rows from the reader to the check stage.
type rowChunk struct {
	n int
	// expect, when not 0, is the source's estimate of the rows in the
	// file, sent once with the first full chunk.
	expect   int
	seq      [chunkRows]int // input position of each row
	lines    [chunkRows]int
	cells    [chunkRows][]string // copies: a sheet.Source reuses its Cells slice
	findings [chunkRows][]report.Finding
}

// reader is the read stage.
type reader struct {
	src sheet.Source
	ctx context.Context
	seq *sequencer
	ev  *progress.Counter
	// first, when set, is a row the source returned as its header but
	// which is data (a file without a header row): it is read first, and
	// the row read to number it waits in pending.
	first      []string
	pending    sheet.Row
	pendingErr error
	hasPending bool
	// cut is set when ctx stopped the reading before the end.
	cut bool
	// skipped counts the hidden rows left out (--skip-hidden).
	skipped int
	// codeCol is the login name's column, for the line of a skipped row.
	codeCol int
}

// run reads every row into chunks taken from free and sent to out,
// numbering rows by input position. Rows that cannot be read are reported
// here, straight to the sequencer. It returns the error that stopped
// reading, if any.
func (rd *reader) run(out chan<- *rowChunk, free <-chan *rowChunk) error {
	c := <-free
	c.n, c.expect = 0, 0
	est, _ := rd.src.(sheet.RowEstimator)
	send := func() {
		rd.ev.RowsRead(c.n, c.expect)
		out <- c
	}
	for seq := 0; ; seq++ {
		row, err := rd.next()
		if err == io.EOF {
			if c.n > 0 {
				send()
			}
			rd.ev.ReadDone()
			return nil
		}
		if err != nil {
			var fe *sheet.FileError
			if errors.As(err, &fe) && fe.Row > 0 {
				// A bad row (ragged, bad encoding, huge cell) is reported on
				// its own line; the rows around it still run.
				rd.seq.Put(seq, fileErrorOutcome(fe, err))
				continue
			}
			if c.n > 0 {
				send()
			}
			return err
		}
		if row.Skipped {
			// A hidden row left out (--skip-hidden): reported, not read.
			rd.skipped++
			rd.seq.Put(seq, skippedOutcome(&row, rd.codeCol))
			continue
		}
		c.cells[c.n] = append(c.cells[c.n][:0], row.Cells...)
		c.lines[c.n], c.seq[c.n], c.findings[c.n] = row.Line, seq, row.Findings
		c.n++
		if c.n < chunkRows {
			continue
		}
		if rd.ctx.Err() != nil {
			// Ctrl-C in a validate run: nothing is in flight, so stop
			// reading; the rows not read are not reported.
			rd.cut = true
			return nil
		}
		if est != nil {
			// The source is ours alone here: ask once, from the reading
			// goroutine.
			c.expect = est.EstimateRows(seq + 1)
			est = nil
		}
		send()
		c = <-free
		c.n, c.expect = 0, 0
	}
}

// next returns the next row: the header-that-is-data first, numbered as
// the row before the first data row (a file without a header has no
// blank rows above its first user to tell otherwise).
func (rd *reader) next() (sheet.Row, error) {
	if rd.hasPending {
		rd.hasPending = false
		return rd.pending, rd.pendingErr
	}
	if rd.first == nil {
		return rd.src.Next()
	}
	first := rd.first
	rd.first = nil
	row, err := rd.src.Next()
	rd.pending, rd.pendingErr, rd.hasPending = row, err, true
	line := 1
	if err == nil && row.Line > 1 {
		line = row.Line - 1
	}
	return sheet.Row{Line: line, Cells: first}, nil
}

func fileErrorCode(err error) string {
	switch {
	case errors.Is(err, sheet.ErrRaggedRow):
		return "ragged_row"
	case errors.Is(err, sheet.ErrEncoding):
		return "encoding"
	case errors.Is(err, sheet.ErrCellTooLarge):
		return "cell_too_large"
	case errors.Is(err, sheet.ErrFormula):
		return "formula"
	}
	return "unreadable_row"
}
