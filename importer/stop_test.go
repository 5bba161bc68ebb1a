package importer_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

// failingReport accepts the first ok rows, then fails every write, as a
// full disk does.
type failingReport struct {
	ok, rows int
}

func (f *failingReport) Write(*report.Row) error {
	f.rows++
	if f.rows > f.ok {
		return errors.New("no space left on device")
	}
	return nil
}
func (f *failingReport) Flush() error { return nil }
func (f *failingReport) Close() error { return nil }

// TestReportFailureStopsImport: once the report cannot be written, the
// run must stop sending; otherwise it goes on creating users of which no
// record remains. Only batches already under way may finish.
func TestReportFailureStopsImport(t *testing.T) {
	const n = 2000
	path, _, _ := genUsers(t, t.TempDir(), n)
	srv := kintonetest.NewServer()
	defer srv.Close()
	opts := baseOptions(path, &failingReport{ok: 1})
	opts.Concurrency = 1
	_, err := importer.Import(t.Context(), client(t, srv), opts)
	if err == nil {
		t.Fatal("Import succeeded with a report that cannot be written")
	}
	// Concurrency 1 runs at most 2 batches at once, plus one waiting.
	if got := len(srv.Users()) - 1; got > 3*kintone.MaxPerRequest {
		t.Errorf("the report failed at its second row, yet the run went on to create %d users", got)
	}
}

// gateAPI holds the first Add Users until released, and counts the Add
// Users requests that start after the run was cancelled.
type gateAPI struct {
	importer.API
	once      sync.Once
	entered   chan struct{}
	release   chan struct{}
	cancelled atomic.Bool
	addsAfter atomic.Int64
}

func (a *gateAPI) AddUsers(ctx context.Context, in []kintone.UserInput) error {
	if a.cancelled.Load() {
		a.addsAfter.Add(1)
	}
	first := false
	a.once.Do(func() { first = true })
	if first {
		close(a.entered)
		<-a.release
	}
	return a.API.AddUsers(ctx, in)
}

// TestCancelStopsWaitingBatches: after Ctrl-C, batches that were queued
// or between their lookup and their Add Users send nothing more. Only the
// request in flight completes (and its users get their services).
func TestCancelStopsWaitingBatches(t *testing.T) {
	const n = 1000
	path, _, _ := genUsers(t, t.TempDir(), n)
	srv := kintonetest.NewServer()
	defer srv.Close()
	api := &gateAPI{API: client(t, srv), entered: make(chan struct{}), release: make(chan struct{})}
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-api.entered
		cancel()
		api.cancelled.Store(true)
		close(api.release)
	}()
	rep := &memReport{}
	opts := baseOptions(path, rep)
	// One request slot: every other batch waits for the slot the blocked
	// Add Users holds, and gets it only after the cancel.
	opts.Concurrency = 1
	sum, err := importer.Import(ctx, api, opts)
	if err != nil {
		t.Fatal(err)
	}
	if a := api.addsAfter.Load(); a > 0 {
		t.Errorf("%d Add Users requests started after Ctrl-C (one was in flight)", a)
	}
	if !sum.Interrupted || len(rep.rows) != n {
		t.Fatalf("summary %s, %d report rows; want interrupted with all %d rows", sum, len(rep.rows), n)
	}
	for _, r := range rep.rows {
		if r.Status == report.Created && srv.Services(r.Code) == nil {
			t.Errorf("row %d: created but left without services", r.Row)
		}
	}
}

// TestCancelAfterLastRow: a Ctrl-C that arrives once every row is done
// cut nothing short, so the run is not "interrupted" (exit 130 would tell
// a script to resume a run that is complete).
func TestCancelAfterLastRow(t *testing.T) {
	path, _, _ := genUsers(t, t.TempDir(), 50)
	srv := kintonetest.NewServer()
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	rep := &memReport{}
	opts := baseOptions(path, rep)
	opts.Progress = func(done int) {
		if done == 50 {
			cancel()
		}
	}
	sum, err := importer.Import(ctx, client(t, srv), opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Interrupted {
		t.Errorf("summary %s: interrupted, though every row was done before Ctrl-C", sum)
	}
}

// TestCancelDuringListing: Ctrl-C while the users are listed for
// --match-on employeeNumber reports every row not_attempted and counts as
// an interruption, not as a failure of the run.
func TestCancelDuringListing(t *testing.T) {
	path, _, _ := genUsers(t, t.TempDir(), 30)
	ctx, cancel := context.WithCancel(t.Context())
	var lists atomic.Int64
	srv := kintonetest.NewServer(kintonetest.WithRequestHook(func(req *http.Request) {
		// The pre-flight reads one user; the listing pages by size 100.
		if req.Method == http.MethodGet && req.URL.Path == "/v1/users.json" && req.URL.Query().Get("size") == "100" && lists.Add(1) == 1 {
			cancel()
		}
	}))
	defer srv.Close()
	rep := &memReport{}
	opts := baseOptions(path, rep)
	opts.MatchOn = importer.MatchEmployeeNumber
	opts.Mode = importer.Upsert
	sum, err := importer.Import(ctx, client(t, srv), opts)
	if err != nil {
		t.Fatalf("Import: %v; want an interrupted run, not an error", err)
	}
	if !sum.Interrupted || len(rep.rows) != 30 || sum.Counts[report.NotAttempted] == 0 {
		t.Errorf("summary %s with %d rows; want interrupted, all 30 rows reported, not_attempted among them", sum, len(rep.rows))
	}
}

// committingFailAPI commits the first Add Users and then answers it with a
// 520 database-lock error, as a service that failed after its commit
// would.
type committingFailAPI struct {
	importer.API
	once sync.Once
	adds atomic.Int64
}

func (a *committingFailAPI) AddUsers(ctx context.Context, in []kintone.UserInput) error {
	a.adds.Add(1)
	err := a.API.AddUsers(ctx, in)
	fail := false
	a.once.Do(func() { fail = true })
	if err == nil && fail {
		return &kintone.APIError{Status: 520, Code: "GAIA_DA02", Message: "database locked"}
	}
	return err
}

// TestServerFailureOfCreateIsReconciled: a 5xx answer to Add Users is an
// unknown outcome (the reference cannot say a batch is atomic at commit
// time): the importer asks Get Users what exists instead of re-sending,
// so the users are reported created, exactly once, with services.
func TestServerFailureOfCreateIsReconciled(t *testing.T) {
	path, invalid, _ := genUsers(t, t.TempDir(), 150)
	srv := kintonetest.NewServer()
	defer srv.Close()
	api := &committingFailAPI{API: client(t, srv)}
	rep := &memReport{}
	opts := baseOptions(path, rep)
	opts.Concurrency = 1
	if _, err := importer.Import(t.Context(), api, opts); err != nil {
		t.Fatal(err)
	}
	checkEndState(t, srv, rep.rows, 150, invalid)
	if got := api.adds.Load(); got != 2 {
		t.Errorf("%d Add Users requests, want 2 (the committed one is not sent again)", got)
	}
	if s := srv.Requests(); s.DuplicateAdds != 0 {
		t.Errorf("%d duplicate adds", s.DuplicateAdds)
	}
}

// TestValidateStopsOnCancel: Ctrl-C stops a validate run at the next chunk
// of rows (nothing is in flight in a dry run); the summary says it was
// interrupted, so the command exits 130 instead of reporting a partial
// file as complete.
func TestValidateStopsOnCancel(t *testing.T) {
	path, _, _ := genUsers(t, t.TempDir(), 2000)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rep := &memReport{}
	sum, err := importer.Validate(ctx, importer.Options{File: path, Report: rep})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Interrupted || len(rep.rows) >= 2000 || sum.Rows != len(rep.rows) {
		t.Errorf("summary %s, %d report rows; want interrupted before the end", sum, len(rep.rows))
	}
}
