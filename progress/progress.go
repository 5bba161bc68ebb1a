// Package progress numbers a run's progress (rows read, checked and
// reported, requests sent) and hands snapshots of it to one subscriber, a
// progress bar or the web page, one at a time.
package progress

import (
	"sync"
	"sync/atomic"

	"github.com/userimport/userimport/report"
)

// Kind says what an Event reports.
type Kind int

// Kinds of events, in the order a run first emits them.
const (
	// RowsRead: a chunk of rows was read (Event.RowsRead, and
	// Event.EstimatedRows once the reader can guess the file's size).
	RowsRead Kind = iota
	// RowsChecked: a chunk of rows was mapped and validated.
	RowsChecked
	// RowsFinished: rows got their report lines (Event.RowsFinished,
	// Event.Counts).
	RowsFinished
	// RequestSent: an API request was sent (Event.Requests, Event.Retries).
	RequestSent
	// Done: the run ended; the event carries the final counts.
	Done
)

// Event is a snapshot of a run's progress. Every event carries every
// figure, so a subscriber can render any of them on any event.
type Event struct {
	Kind Kind
	// RowsRead counts data rows read so far; EstimatedRows is the
	// reader's guess of the rows in the file (0 = no guess yet). Once
	// ReadAll is set, RowsRead is the exact total.
	RowsRead, EstimatedRows int
	ReadAll                 bool
	// RowsChecked counts rows mapped and validated.
	RowsChecked int
	// RowsFinished counts rows with a report line.
	RowsFinished int
	// Counts is report lines per status (a copy the subscriber may keep).
	Counts map[report.Status]int
	// Requests counts API requests sent, retries included; Retries counts
	// the retries alone.
	Requests, Retries int64
}

// Counter numbers a run's progress and hands snapshots to its
// subscriber, one at a time (the stages run in goroutines of their own).
// A Counter is safe for concurrent use.
type Counter struct {
	fn func(Event)

	read, estimate, checked atomic.Int64
	readAll                 atomic.Bool
	requests, retries       atomic.Int64

	mu     sync.Mutex
	rows   int // report lines written
	counts map[report.Status]int
}

// New returns a Counter that hands its snapshots to fn (nil: nobody).
func New(fn func(Event)) *Counter {
	return &Counter{fn: fn, counts: make(map[report.Status]int)}
}

// RowsRead counts n more rows read; estimate, when not 0, is the
// reader's latest guess of the rows in the file.
func (e *Counter) RowsRead(n, estimate int) {
	e.read.Add(int64(n))
	if estimate > 0 {
		e.estimate.Store(int64(estimate))
	}
	e.Emit(RowsRead)
}

// ReadDone says the reader reached the end of the file.
func (e *Counter) ReadDone() {
	e.readAll.Store(true)
	e.Emit(RowsRead)
}

// RowsChecked counts n more rows mapped and validated.
func (e *Counter) RowsChecked(n int) {
	e.checked.Add(int64(n))
	e.Emit(RowsChecked)
}

// Request counts a request sent.
func (e *Counter) Request() {
	e.requests.Add(1)
	e.Emit(RequestSent)
}

// Retry counts a retry; the Request that sends it follows.
func (e *Counter) Retry() { e.retries.Add(1) }

// Finished records the report lines written so far (the sequencer's
// counts, copied here).
func (e *Counter) Finished(n int, counts map[report.Status]int) {
	e.mu.Lock()
	e.rows = n
	clear(e.counts)
	for st, c := range counts {
		e.counts[st] = c
	}
	e.mu.Unlock()
	e.Emit(RowsFinished)
}

// Emit hands the subscriber a snapshot of kind k.
func (e *Counter) Emit(k Kind) {
	if e.fn == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ev := Event{
		Kind: k, RowsRead: int(e.read.Load()), EstimatedRows: int(e.estimate.Load()), RowsChecked: int(e.checked.Load()),
		ReadAll:      e.readAll.Load(),
		RowsFinished: e.rows, Requests: e.requests.Load(), Retries: e.retries.Load(),
		Counts: make(map[report.Status]int, len(e.counts)),
	}
	for st, n := range e.counts {
		ev.Counts[st] = n
	}
	if ev.EstimatedRows < ev.RowsRead {
		ev.EstimatedRows = 0 // a guess the file has outgrown says nothing
	}
	e.fn(ev)
}

// Requests is the number of requests sent so far, retries included.
func (e *Counter) Requests() int64 { return e.requests.Load() }
