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
	"github.com/userimport/userimport/validate"
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
// record remains. The failure is only seen when the first batch's rows
// reach the report, and batches finish in any order, so a few batches may
// have been sent by then, but not all 20.
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
	if got := len(srv.Users()) - 1; got > n/2 {
		t.Errorf("the report failed at its second row, yet the run went on to create %d of %d users", got, n)
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

// dropGuestsAPI commits Add Guests, then loses the answer, with Ctrl-C at
// that very moment.
type dropGuestsAPI struct {
	importer.API
	cancel context.CancelFunc
}

func (a *dropGuestsAPI) AddGuests(ctx context.Context, in []kintone.GuestInput) error {
	if err := a.API.AddGuests(ctx, in); err != nil {
		return err
	}
	a.cancel()
	return &kintone.OutcomeUnknownError{Err: errors.New("connection reset")}
}

// TestUnknownOutcomeThenStop: a guest whose Add Guests committed but whose
// answer was lost, with Ctrl-C right then, is not reported not_attempted
// (which says nothing was sent) but outcome_unknown; the resume that
// follows confirms it from the server's "already exists" answer.
func TestUnknownOutcomeThenStop(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	path := writeFile(t, "guests.csv", "code,name,password,timezone\ng1@example.com,G1,Guest-pw-1,Asia/Tokyo\n")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rep := &memReport{}
	opts := baseOptions(path, rep)
	opts.Kind = validate.Guests
	if _, err := importer.Import(ctx, &dropGuestsAPI{API: client(t, srv), cancel: cancel}, opts); err != nil {
		t.Fatal(err)
	}
	if len(srv.Guests()) != 1 {
		t.Fatalf("server has %d guests, want 1", len(srv.Guests()))
	}
	if got := rep.rows[0]; got.Status != report.Failed || got.ErrorCode != "outcome_unknown" {
		t.Errorf("first run: %+v; want failed outcome_unknown", got)
	}
	rep2 := &memReport{}
	opts = baseOptions(path, rep2)
	opts.Kind = validate.Guests
	opts.Resume = crashedReport(t, path, rep.rows...)
	if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
		t.Fatal(err)
	}
	if got := rep2.rows[0]; got.Status != report.Created {
		t.Errorf("resume: %+v; want created (confirmed)", got)
	}
}

// TestInterruptedResumeKeepsCreatedRows: a resume interrupted before it
// reaches a row whose user an earlier run created (its services step
// failed) must write that row back as it was, not as not_attempted, or
// the next resume forgets the user exists and fails it as "exists".
func TestInterruptedResumeKeepsCreatedRows(t *testing.T) {
	srv := kintonetest.NewServer(
		kintonetest.WithUsers(kintone.UserInput{Code: "fay", Name: ptr("Fay"), Password: ptr(kintone.Secret("Fay-pw-1234"))}),
	)
	defer srv.Close()
	path := writeFile(t, "users.csv", "code,name,password\nfay,Fay,Fay-pw-1234\n")
	run1 := crashedReport(t, path, report.Row{Row: 2, Code: "fay", Status: report.Created, Services: "failed: 503"})
	rep2 := &memReport{}
	opts := baseOptions(path, rep2)
	opts.Resume = run1
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := importer.Import(ctx, client(t, srv), opts); err != nil {
		t.Fatal(err)
	}
	if got := rep2.rows[0]; got.Status != report.Created || got.Services != "failed: 503" {
		t.Errorf("interrupted resume wrote %+v; want the earlier line kept", got)
	}
	rep3 := &memReport{}
	opts = baseOptions(path, rep3)
	opts.Resume = crashedReport(t, path, rep2.rows...)
	if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
		t.Fatal(err)
	}
	if got := rep3.rows[0]; got.Status != report.Created || len(srv.Services("fay")) == 0 {
		t.Errorf("second resume: %+v, services %v; want created with services", got, srv.Services("fay"))
	}
}

// legacyAuthAPI answers Add Users as older domains answer a password that
// no longer works: 520 CB_WA01.
type legacyAuthAPI struct {
	importer.API
	broken atomic.Bool
}

func (a *legacyAuthAPI) AddUsers(context.Context, []kintone.UserInput) error {
	a.broken.Store(true)
	return &kintone.APIError{Status: 520, Code: "CB_WA01", Message: "Password authentication failed."}
}

func (a *legacyAuthAPI) GetUsers(ctx context.Context, o kintone.GetUsersOptions) ([]kintone.User, error) {
	if a.broken.Load() {
		return nil, &kintone.APIError{Status: 520, Code: "CB_WA01", Message: "Password authentication failed."}
	}
	return a.API.GetUsers(ctx, o)
}

// TestLegacyAuthErrorOnCreateIsFatal: a 520 that is the legacy status of a
// refused password is no unknown outcome but a reason to stop (exit 3).
func TestLegacyAuthErrorOnCreateIsFatal(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	path, _, _ := genUsers(t, t.TempDir(), 300)
	rep := &memReport{}
	opts := baseOptions(path, rep)
	opts.Concurrency = 1
	_, err := importer.Import(t.Context(), &legacyAuthAPI{API: client(t, srv)}, opts)
	var fe *importer.FatalError
	if !errors.As(err, &fe) {
		t.Errorf("err = %v; want a FatalError", err)
	}
	for _, r := range rep.rows {
		if r.ErrorCode == "outcome_unknown" {
			t.Fatalf("row %d reported %+v", r.Row, r)
		}
	}
}
