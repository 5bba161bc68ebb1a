package progress_test

import (
	"testing"

	"github.com/userimport/userimport/progress"
	"github.com/userimport/userimport/report"
)

// TestCounter: every event carries every figure, a guess the file has
// outgrown is dropped, and the counts handed out are the subscriber's own.
func TestCounter(t *testing.T) {
	var evs []progress.Event
	c := progress.New(func(ev progress.Event) { evs = append(evs, ev) })
	c.RowsRead(10, 100)
	c.RowsChecked(10)
	c.Retry()
	c.Request()
	counts := map[report.Status]int{report.Created: 4}
	c.Finished(4, counts)
	c.RowsRead(200, 0)
	c.ReadDone()
	c.Emit(progress.Done)
	kinds := []progress.Kind{progress.RowsRead, progress.RowsChecked, progress.RequestSent, progress.RowsFinished, progress.RowsRead, progress.RowsRead, progress.Done}
	if len(evs) != len(kinds) {
		t.Fatalf("%d events, want %d", len(evs), len(kinds))
	}
	for i, k := range kinds {
		if evs[i].Kind != k {
			t.Errorf("event %d is %v, want %v", i, evs[i].Kind, k)
		}
	}
	if e := evs[0]; e.RowsRead != 10 || e.EstimatedRows != 100 {
		t.Errorf("first read: %+v", e)
	}
	last := evs[len(evs)-1]
	if last.RowsRead != 210 || last.EstimatedRows != 0 || !last.ReadAll || last.RowsChecked != 10 || last.RowsFinished != 4 ||
		last.Requests != 1 || last.Retries != 1 || last.Counts[report.Created] != 4 || c.Requests() != 1 {
		t.Errorf("last event %+v", last)
	}
	last.Counts[report.Created] = 99
	counts[report.Created] = 5
	c.Emit(progress.Done)
	if got := evs[len(evs)-1].Counts[report.Created]; got != 4 {
		t.Errorf("counts shared with the caller or subscriber: %d", got)
	}
	progress.New(nil).Emit(progress.Done) // nobody listening is fine
}
