package sequence_test

import (
	"errors"
	"testing"

	"github.com/userimport/userimport/progress"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sequence"
)

type memWriter struct {
	rows    []report.Row
	flushes int
	fail    error
}

func (m *memWriter) Write(r *report.Row) error {
	if m.fail != nil {
		return m.fail
	}
	m.rows = append(m.rows, *r)
	return nil
}
func (m *memWriter) Flush() error { m.flushes++; return nil }
func (m *memWriter) Close() error { return nil }

// TestWriterOrder: rows put out of order are written in input order, a
// row waits for every earlier one, and the tallies count every line.
func TestWriterOrder(t *testing.T) {
	w := &memWriter{}
	var seen []int
	s := sequence.New(w, func(r *report.Row) *report.Row { return r }, progress.New(nil), func(n int) { seen = append(seen, n) })
	rows := []*report.Row{
		{Row: 2, Status: report.Created},
		{Row: 3, Status: report.Failed, ErrorCode: "GAIA_X", Message: "no"},
		{Row: 4, Status: report.Invalid, ErrorCode: "GAIA_X", Message: "again",
			Findings: []report.Finding{{Rule: "cell.merged", Severity: report.SeverityWarning, Message: "merged"}}, Warnings: "merged"},
	}
	s.Put(2, rows[2])
	s.Put(1, rows[1])
	if s.Written() != 0 {
		t.Fatalf("written %d before row 0 came", s.Written())
	}
	s.Put(0, rows[0])
	s.Flush()
	sum, pending, err := s.Result()
	if err != nil || pending != 0 {
		t.Fatalf("pending %d, err %v", pending, err)
	}
	for i, r := range w.rows {
		if r.Row != i+2 {
			t.Errorf("line %d is row %d", i, r.Row)
		}
	}
	if len(w.rows) != 3 || w.flushes == 0 || len(seen) != 3 || seen[2] != 3 {
		t.Fatalf("rows %d, flushes %d, progress %v", len(w.rows), w.flushes, seen)
	}
	if sum.Counts[report.Created] != 1 || s.Warned() != 1 {
		t.Errorf("counts %v, warned %d", sum.Counts, s.Warned())
	}
	causes := s.Causes()
	if len(causes) != 2 || causes[0].Rule != "GAIA_X" || causes[0].Count != 2 || causes[0].Row != 3 || causes[1].Rule != "cell.merged" {
		t.Errorf("causes %+v; want GAIA_X twice from row 3, then the warning", causes)
	}
}

// TestWriterFails: the first write error is reported once, and the rows
// after it drain instead of blocking.
func TestWriterFails(t *testing.T) {
	boom := errors.New("disk full")
	w := &memWriter{fail: boom}
	s := sequence.New(w, func(r *report.Row) *report.Row { return r }, progress.New(nil), nil)
	calls := 0
	s.OnFail(func(error) { calls++ })
	for i := range 3 {
		s.Put(i, &report.Row{Row: i + 2, Status: report.Created})
	}
	s.Flush()
	if _, _, err := s.Result(); !errors.Is(err, boom) || calls != 1 {
		t.Errorf("err %v after %d calls; want disk full once", err, calls)
	}
}
