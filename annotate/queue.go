package annotate

import (
	"fmt"
	"iter"

	"github.com/userimport/userimport/report"
)

// noteQueue hands out the notes of report rows in row order, for the one
// pass over a CSV input. Report rows with the same row number are merged.
type noteQueue struct {
	next  func() (report.Row, bool)
	stop  func()
	head  *rowNote // the next note, merged
	ahead *rowNote // read past head while merging
	floor int      // rows up to here are written
	done  bool
	sheet string // the sheet the CSV file becomes
}

func newNoteQueue(rows iter.Seq[report.Row], sheet string) *noteQueue {
	next, stop := iter.Pull(rows)
	return &noteQueue{next: next, stop: stop, sheet: sheet}
}

// pull returns the next note with a row number, or nil at the end.
func (q *noteQueue) pull() *rowNote {
	if q.ahead != nil {
		n := q.ahead
		q.ahead = nil
		return n
	}
	for !q.done {
		r, ok := q.next()
		if !ok {
			q.done = true
			break
		}
		if n := noteOf(&r, q.sheet); n.row > 0 {
			return &n
		}
	}
	return nil
}

// peek returns the next note without taking it.
func (q *noteQueue) peek() (*rowNote, error) {
	if q.head != nil {
		return q.head, nil
	}
	h := q.pull()
	if h == nil {
		return nil, nil
	}
	for {
		n := q.pull()
		if n == nil || n.row != h.row {
			q.ahead = n
			break
		}
		merge(h, n)
	}
	if h.row <= q.floor {
		return nil, fmt.Errorf("%w: row %d comes after row %d", ErrOrder, h.row, q.floor)
	}
	q.head = h
	return h, nil
}

// before takes the next note if its row comes before row.
func (q *noteQueue) before(row int) (rowNote, bool, error) {
	h, err := q.peek()
	if err != nil || h == nil || h.row >= row {
		return rowNote{}, false, err
	}
	q.head, q.floor = nil, h.row
	return *h, true, nil
}

// at takes the note of row, if there is one; rows up to row are then
// written.
func (q *noteQueue) at(row int) (rowNote, bool, error) {
	h, err := q.peek()
	if err != nil {
		return rowNote{}, false, err
	}
	q.floor = row
	if h == nil || h.row != row {
		return rowNote{}, false, nil
	}
	q.head = nil
	return *h, true, nil
}

// merge adds the note of a second report row for the same input row.
func merge(dst, src *rowNote) {
	if src.status != "" {
		dst.status = src.status
	}
	dst.sev = worse(dst.sev, src.sev)
	switch {
	case dst.message == "":
		dst.message = src.message
	case src.message != "":
		dst.message += "; " + src.message
	}
	for _, c := range src.cells {
		dst.addCell(c.sheet, c.col, c.row, c.sev, c.text)
	}
}
