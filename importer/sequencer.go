package importer

import (
	"sync"

	"github.com/userimport/userimport/progress"
	"github.com/userimport/userimport/report"
)

// sequencer puts report rows back into input order. Batches finish out of
// order (they run concurrently), but the report promises one line per input
// row, in input order; rows wait here until every earlier row is written.
// The wait is bounded by the number of batches in flight, so memory does
// not grow with the file.
//
// The rows are formatted and written by a goroutine of its own, so that
// the goroutine that validates, which bounds a validate run, does not also
// format the report.
type sequencer struct {
	mu       sync.Mutex
	next     int
	pending  map[int]*outcome
	summary  report.Summary
	warned   int // rows with a warning
	causes   causes
	progress func(int)
	ev       *progress.Counter
	input    string // the fingerprint every line carries

	out  chan writeReq
	done chan struct{} // closed when the writer goroutine has finished
	w    report.Writer
	err  error // first write error; owned by the writer goroutine until done
	// failed is called once, from the writer goroutine, on the first write
	// error: a run whose report cannot be written must stop sending, or
	// it would go on changing users with no record of it.
	failed func(error)
}

// writeReq is a row to write, or (row nil) a request to flush, answered by
// closing flushed.
type writeReq struct {
	row     *report.Row
	flushed chan struct{}
}

// writeAhead is how many rows may wait for the writer goroutine.
const writeAhead = 1024

func newSequencer(w report.Writer, input string, ev *progress.Counter, progress func(int)) *sequencer {
	s := &sequencer{w: w, pending: make(map[int]*outcome), progress: progress, ev: ev, input: input,
		out: make(chan writeReq, writeAhead), done: make(chan struct{})}
	go s.writer()
	return s
}

func (s *sequencer) writer() {
	defer close(s.done)
	for req := range s.out {
		if s.err != nil {
			if req.flushed != nil {
				close(req.flushed)
			}
			continue // drain, so that nobody blocks on a dead report
		}
		if req.row != nil {
			s.err = s.w.Write(req.row)
		} else {
			s.err = s.w.Flush()
			close(req.flushed)
		}
		if s.err != nil && s.failed != nil {
			s.failed(s.err)
		}
	}
}

// onFail sets the function called once, from the writer goroutine, on the
// first write error. Call it before the first put.
func (s *sequencer) onFail(f func(error)) { s.failed = f }

// put records the final outcome of the row at input position seq
// (0-based) and writes every row that is now contiguous.
func (s *sequencer) put(seq int, r *outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq != s.next {
		s.pending[seq] = r
		return
	}
	s.write(r)
	for {
		r, ok := s.pending[s.next]
		if !ok {
			break
		}
		delete(s.pending, s.next)
		s.write(r)
	}
}

func (s *sequencer) write(o *outcome) {
	o.settle()
	r := o.line(s.input)
	o.release()
	s.next++
	s.summary.Add(r)
	if r.Warnings != "" {
		s.warned++
	}
	s.causes.add(r)
	s.out <- writeReq{row: r}
	if s.progress != nil {
		s.progress(s.next)
	}
	if s.next%progressEvery == 0 {
		s.ev.Finished(s.next, s.summary.Counts)
	}
}

// progressEvery is how many report lines pass between RowsFinished events
// (besides one after each batch): often enough for a progress bar, rarely
// enough to cost nothing.
const progressEvery = 256

// flush pushes written rows to disk and returns when they are there;
// called after each batch so that a crash loses no finished row.
func (s *sequencer) flush() {
	done := make(chan struct{})
	s.mu.Lock()
	s.out <- writeReq{flushed: done} // after every row written so far
	s.ev.Finished(s.next, s.summary.Counts)
	s.mu.Unlock()
	<-done
}

// result waits for the writer, then returns the summary, the number of
// rows never written, and the first write error. Nothing may be put after
// it.
func (s *sequencer) result() (report.Summary, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.out)
	<-s.done
	s.ev.Finished(s.next, s.summary.Counts)
	return s.summary, len(s.pending), s.err
}
