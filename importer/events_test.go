package importer_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/progress"
	"github.com/userimport/userimport/report"
)

// eventLog collects the events of a run.
type eventLog struct {
	mu  sync.Mutex
	evs []progress.Event
}

func (l *eventLog) add(ev progress.Event) {
	l.mu.Lock()
	l.evs = append(l.evs, ev)
	l.mu.Unlock()
}

// TestEvents: a run reports its progress as events a web page or a bar can
// draw: rows read with an estimate of the total, rows checked, rows
// finished with counts per status, requests and retries; the figures only
// grow, and the last event carries the final counts.
func TestEvents(t *testing.T) {
	const n = 1200
	path, invalid, _ := genUsers(t, t.TempDir(), n)
	srv := kintonetest.NewServer(kintonetest.WithSeed(7), kintonetest.WithFaults(kintonetest.Faults{Rate503: 0.2}))
	defer srv.Close()
	var log eventLog
	o := baseOptions(path, &memReport{})
	o.Events = log.add
	sum, err := importer.Import(t.Context(), client(t, srv), o)
	if err != nil {
		t.Fatal(err)
	}
	evs := log.evs
	if len(evs) == 0 {
		t.Fatal("no events")
	}
	var prev progress.Event
	estimated, kinds := false, map[progress.Kind]bool{}
	for i, ev := range evs {
		kinds[ev.Kind] = true
		if ev.RowsRead < prev.RowsRead || ev.RowsChecked < prev.RowsChecked || ev.RowsFinished < prev.RowsFinished || ev.Requests < prev.Requests || ev.Retries < prev.Retries {
			t.Fatalf("event %d went back: %+v after %+v", i, ev, prev)
		}
		if ev.EstimatedRows > 0 && !ev.ReadAll {
			estimated = true
		}
		prev = ev
	}
	for _, k := range []progress.Kind{progress.RowsRead, progress.RowsChecked, progress.RowsFinished, progress.RequestSent, progress.Done} {
		if !kinds[k] {
			t.Errorf("no event of kind %d", k)
		}
	}
	if !estimated {
		t.Error("no event estimated the rows of the CSV file before it was read")
	}
	last := evs[len(evs)-1]
	if last.Kind != progress.Done || !last.ReadAll || last.RowsRead != n || last.RowsChecked != n || last.RowsFinished != n {
		t.Errorf("last event %+v; want Done with all %d rows read, checked and finished", last, n)
	}
	if last.Counts[report.Created] != n-len(invalid) || last.Counts[report.Invalid] != len(invalid) {
		t.Errorf("last counts %v; want %d created, %d invalid", last.Counts, n-len(invalid), len(invalid))
	}
	if last.Requests != sum.Requests || last.Retries == 0 {
		t.Errorf("last event: %d requests, %d retries; summary %d requests, and 503s must be retried", last.Requests, last.Retries, sum.Requests)
	}
}

// TestEventsCancel: a library caller (a web server) cancels a run from its
// events, as Ctrl-C does: nothing more is sent, every row still gets its
// line, and the run says it was interrupted.
func TestEventsCancel(t *testing.T) {
	const n = 2000
	path, _, _ := genUsers(t, t.TempDir(), n)
	srv := kintonetest.NewServer()
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rep := &memReport{}
	o := baseOptions(path, rep)
	o.Concurrency = 1
	o.Events = func(ev progress.Event) {
		if ev.Counts[report.Created] >= 200 {
			cancel()
		}
	}
	sum, err := importer.Import(ctx, client(t, srv), o)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Interrupted || len(rep.rows) != n || sum.Counts[report.NotAttempted] == 0 {
		t.Fatalf("after cancel: interrupted %v, %d lines, %v", sum.Interrupted, len(rep.rows), sum.Counts)
	}
	if got := len(srv.Users()) - 1; got != sum.Counts[report.Created] {
		t.Errorf("server has %d users, report says %d created", got, sum.Counts[report.Created])
	}
}

// TestDryRunChanges: a dry run of an upsert says, for each row it would
// update, which fields would change from what to what, and never shows a
// password; a "would_update" without a change in its fields (only its
// services) has an empty changes column.
func TestDryRunChanges(t *testing.T) {
	srv := kintonetest.NewServer(kintonetest.WithUsers(
		kintone.UserInput{Code: "alice", Name: ptr("Alice"), Email: ptr("a@example.com"), Password: ptr(kintone.Secret("Alice-pw-1"))},
		kintone.UserInput{Code: "bob", Name: ptr("Bob"), Password: ptr(kintone.Secret("Bob-pw-1"))},
	))
	defer srv.Close()
	path := writeFile(t, "users.csv", "code,name,email,password\nalice,Alice Smith,alice@example.com,Changed-pw-9\nbob,Bob,,Bob-pw-1\n")
	rep := &memReport{}
	o := baseOptions(path, rep)
	o.Mode, o.DryRun = importer.Upsert, true
	if _, err := importer.Import(t.Context(), client(t, srv), o); err != nil {
		t.Fatal(err)
	}
	alice := rep.rows[0]
	if alice.Status != report.WouldUpdate || alice.Changes != `name: "Alice" -> "Alice Smith"; email: "a@example.com" -> "alice@example.com"` {
		t.Errorf("alice: %s %q", alice.Status, alice.Changes)
	}
	for _, r := range rep.rows {
		if strings.Contains(r.Changes, "pw") || strings.Contains(r.Changes, "password") {
			t.Errorf("%s: changes show a password: %q", r.Code, r.Changes)
		}
	}
	if u := srv.Users(); len(u) != 3 {
		t.Errorf("a dry run changed the users: %d", len(u))
	}
	for _, u := range srv.Users() {
		if u.Code == "alice" && u.Name != "Alice" {
			t.Errorf("a dry run renamed alice to %q", u.Name)
		}
	}
}

// TestRetryPolicySleep: the retries of a run wait through the policy's
// Sleep, each wait within the policy's bounds, so a test (or a caller with
// its own clock) never waits for real.
func TestRetryPolicySleep(t *testing.T) {
	path, _, _ := genUsers(t, t.TempDir(), 500)
	srv := kintonetest.NewServer(kintonetest.WithSeed(3), kintonetest.WithFaults(kintonetest.Faults{Rate503: 0.3}))
	defer srv.Close()
	var mu sync.Mutex
	var waits []time.Duration
	o := baseOptions(path, &memReport{})
	o.Retry = importer.RetryPolicy{MaxAttempts: 20, Base: time.Second, Max: time.Hour, Sleep: func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}}
	sum, err := importer.Import(t.Context(), client(t, srv), o)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts[report.Failed]+sum.Counts[report.NotAttempted] != 0 {
		t.Errorf("rows failed despite the retry budget: %v", sum.Counts)
	}
	if len(waits) == 0 {
		t.Fatal("30% 503s and no retry waited")
	}
	for _, d := range waits {
		if d <= 0 || d > time.Hour {
			t.Errorf("wait %v outside (0, 1h]", d)
		}
	}
}
