// Package sequence writes a run's report lines in input order while rows
// finish out of order, and tallies them as they pass: the summary counts,
// the rows with a warning, and the causes of the rows that did not end
// well.
package sequence

import (
	"sync"

	"github.com/userimport/userimport/progress"
	"github.com/userimport/userimport/report"
)

// Writer puts report rows back into input order. Batches finish out of
// order (they run concurrently), but the report promises one line per input
// row, in input order; rows wait here until every earlier row is written.
// The wait is bounded by the number of batches in flight, so memory does
// not grow with the file.
//
// The rows are formatted and written by a goroutine of its own, so that
// the goroutine that validates, which bounds a validate run, does not also
// format the report.
//
// T is what a finished row is handed in as; line turns it into its report
// line when its turn comes (and may release it then).
type Writer[T any] struct {
	mu       sync.Mutex
	next     int
	pending  map[int]T
	line     func(T) *report.Row
	summary  report.Summary
	warned   int // rows with a warning
	causes   causes
	progress func(int)
	ev       *progress.Counter

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

// New starts a Writer that writes to w. progress, when not nil, is told
// the number of lines written after each line; ev gets RowsFinished
// events.
func New[T any](w report.Writer, line func(T) *report.Row, ev *progress.Counter, progress func(int)) *Writer[T] {
	s := &Writer[T]{w: w, pending: make(map[int]T), line: line, progress: progress, ev: ev,
		out: make(chan writeReq, writeAhead), done: make(chan struct{})}
	go s.writer()
	return s
}

func (s *Writer[T]) writer() {
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

// OnFail sets the function called once, from the writer goroutine, on the
// first write error. Call it before the first put.
func (s *Writer[T]) OnFail(f func(error)) { s.failed = f }

// Put records the final outcome of the row at input position seq
// (0-based) and writes every row that is now contiguous.
func (s *Writer[T]) Put(seq int, r T) {
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

func (s *Writer[T]) write(o T) {
	r := s.line(o)
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

// Flush pushes written rows to disk and returns when they are there;
// called after each batch so that a crash loses no finished row.
func (s *Writer[T]) Flush() {
	done := make(chan struct{})
	s.mu.Lock()
	s.out <- writeReq{flushed: done} // after every row written so far
	s.ev.Finished(s.next, s.summary.Counts)
	s.mu.Unlock()
	<-done
}

// Result waits for the writer, then returns the summary, the number of
// rows never written, and the first write error. Nothing may be put after
// it.
func (s *Writer[T]) Result() (report.Summary, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.out)
	<-s.done
	s.ev.Finished(s.next, s.summary.Counts)
	return s.summary, len(s.pending), s.err
}

// Written is the number of lines written so far: the position the next
// row put in takes when it is not one of the file's rows.
func (s *Writer[T]) Written() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.next
}

// Warned is the number of lines with a warning. Call it after Result.
func (s *Writer[T]) Warned() int { return s.warned }

// Causes returns the causes of the lines written, errors before warnings,
// most frequent first. Call it after Result.
func (s *Writer[T]) Causes() []Cause { return s.causes.top() }
