package importer

import (
	"sync"

	"github.com/userimport/userimport/report"
)

// sequencer puts report rows back into input order. Batches finish out of
// order (they run concurrently), but the report promises one line per input
// row, in input order; rows wait here until every earlier row is written.
// The wait is bounded by the number of batches in flight, so memory does
// not grow with the file.
type sequencer struct {
	mu       sync.Mutex
	w        report.Writer
	next     int
	pending  map[int]*report.Row
	summary  report.Summary
	err      error
	progress func(int)
}

func newSequencer(w report.Writer, progress func(int)) *sequencer {
	return &sequencer{w: w, pending: make(map[int]*report.Row), progress: progress}
}

// put records the final row for input position seq (0-based) and writes
// every row that is now contiguous.
func (s *sequencer) put(seq int, r *report.Row) {
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

func (s *sequencer) write(r *report.Row) {
	s.next++
	s.summary.Add(r)
	if s.err == nil {
		s.err = s.w.Write(r)
	}
	if s.progress != nil {
		s.progress(s.next)
	}
}

// flush pushes written rows to disk; called after each batch so that a crash
// loses no finished row.
func (s *sequencer) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = s.w.Flush()
	}
}

// result returns the summary and the first write error.
func (s *sequencer) result() (report.Summary, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.summary, len(s.pending), s.err
}
