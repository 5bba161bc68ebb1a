package importer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/recovery"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// dropUpdateAPI commits Update Users, loses the answer, and Ctrl-C comes.
type dropUpdateAPI struct {
	importer.API
	cancel context.CancelFunc
}

func (a *dropUpdateAPI) UpdateUsers(ctx context.Context, in []kintone.UserInput) error {
	if err := a.API.UpdateUsers(ctx, in); err != nil {
		return err
	}
	a.cancel()
	return &kintone.OutcomeUnknownError{Err: errors.New("connection reset")}
}

// TestResumeAfterLostUpdateAnswer: a user that existed before the run,
// whose update's answer was lost before Ctrl-C, is not taken by the resume
// for a user the run created (only a create leaves such evidence), so its
// services are not replaced.
func TestResumeAfterLostUpdateAnswer(t *testing.T) {
	srv := kintonetest.NewServer(
		kintonetest.WithUsers(kintone.UserInput{Code: "dave", Name: ptr("Dave"), Password: ptr(kintone.Secret("Dave-pw-123"))}),
		kintonetest.WithServices("dave", "garoon"))
	defer srv.Close()
	path := writeFile(t, "users.csv", "code,name\ndave,David\n")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rep1 := &memReport{}
	o := baseOptions(path, rep1)
	o.Mode = importer.Upsert
	if _, err := importer.Import(ctx, &dropUpdateAPI{API: client(t, srv), cancel: cancel}, o); err != nil {
		t.Fatal(err)
	}
	rep2 := &memReport{}
	o = baseOptions(path, rep2)
	o.Mode, o.Resume = importer.Upsert, crashedReport(t, path, rep1.rows...)
	if _, err := importer.Import(t.Context(), client(t, srv), o); err != nil {
		t.Fatal(err)
	}
	// Run 1's update may have been applied before its answer was lost.
	if got := mustRow(t, rep2.rows, "dave"); got.Status != report.Updated && got.Status != report.Unchanged {
		t.Errorf("run 2: pre-existing dave reported %+v; want updated or unchanged", got)
	}
	if got := srv.Services("dave"); strings.Join(got, ";") != "garoon" {
		t.Errorf("dave's services = %v, want [garoon] untouched", got)
	}
}

// blockAPI stands for a run killed at carol's lookup: it calls hold (which
// takes a snapshot of the report and send log), then fails the lookup.
type blockAPI struct {
	importer.API
	hold func()
}

func (a *blockAPI) GetUsers(ctx context.Context, o kintone.GetUsersOptions) ([]kintone.User, error) {
	if slices.Contains(o.Codes, "carol") {
		a.hold()
		return nil, errors.New("killed")
	}
	return a.API.GetUsers(ctx, o)
}

// TestResumeChainWithInsertedRow: the evidence a resumed run carries over
// is kept whatever the rows' numbers became: run 1 dies after creating
// carol, a row is inserted above hers, run 2 dies after reporting the rows
// up to her old number, and run 3 still licenses her.
func TestResumeChainWithInsertedRow(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	var v1 strings.Builder
	v1.WriteString("code,name,password\n")
	for i := range 99 {
		fmt.Fprintf(&v1, "f%03d,F%d,Fill-pw-%03d\n", i, i, i)
	}
	v1.WriteString("carol,Carol,Carol-pw-123\n") // row 101
	path := writeFile(t, "users.csv", v1.String())
	// Run 1 created carol and was killed before any report line.
	if err := srv.AddUsers(kintone.UserInput{Code: "carol", Name: ptr("Carol"), Password: ptr(kintone.Secret("Carol-pw-123"))}); err != nil {
		t.Fatal(err)
	}
	run1 := crashedReport(t, path)
	sendLog(t, run1, "101 carol")
	// The admin inserts a row at the top: carol is now row 102.
	v2 := strings.Replace(v1.String(), "code,name,password\n", "code,name,password\nann,Ann,Ann-pw-1234\n", 1)
	if err := os.WriteFile(path, []byte(v2), 0o600); err != nil {
		t.Fatal(err)
	}
	// Run 2 resumes; it is killed after its first batch (rows 2..101) is
	// flushed and before carol's batch is looked up: snapshot the files.
	dir := t.TempDir()
	run2 := filepath.Join(dir, "run2.csv")
	w, err := report.Create(run2)
	if err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(t.TempDir(), "run2.csv")
	flushed := &flushSignal{Writer: w, rows: 100, done: make(chan struct{})}
	var snapErr error
	hold := func() {
		select {
		case <-flushed.done:
		case <-t.Context().Done():
			return
		}
		b, err1 := os.ReadFile(run2)
		l, err2 := os.ReadFile(recovery.LogPath(run2))
		snapErr = errors.Join(err1, err2, os.WriteFile(snap, b, 0o600), os.WriteFile(recovery.LogPath(snap), l, 0o600))
	}
	o := baseOptions(path, flushed)
	o.Mode, o.Resume, o.SendLog = importer.Upsert, run1, recovery.LogPath(run2)
	if _, err := importer.Import(t.Context(), &blockAPI{API: client(t, srv), hold: hold}, o); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if snapErr != nil {
		t.Fatal(snapErr)
	}
	if got := len(readRows(t, snap)); got != 100 {
		t.Fatalf("setup: run 2's snapshot has %d lines, want the first batch's 100", got)
	}
	if len(srv.Services("carol")) != 0 {
		t.Fatal("setup: run 2 licensed carol")
	}
	// Run 3 resumes the killed run 2.
	rep3 := &memReport{}
	o = baseOptions(path, rep3)
	o.Mode, o.Resume = importer.Upsert, snap
	if _, err := importer.Import(t.Context(), client(t, srv), o); err != nil {
		t.Fatal(err)
	}
	if r := mustRow(t, rep3.rows, "carol"); r.Status != report.Created || len(srv.Services("carol")) == 0 {
		t.Errorf("run 3 carol: %+v, services %v; want created with services", r, srv.Services("carol"))
	}
}

// TestResumeOfDryRunReport: a dry run of a resume reports a user the dead
// run created as created with services would_assign; resuming from that
// report must still assign them (a planned step is not a finished one).
func TestResumeOfDryRunReport(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	if err := srv.AddUsers(kintone.UserInput{Code: "carol", Name: ptr("Carol"), Password: ptr(kintone.Secret("Carol-pw-123"))}); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "users.csv", "code,name,password\ncarol,Carol,Carol-pw-123\n")
	run1 := crashedReport(t, path)
	sendLog(t, run1, "2 carol")
	dry := &memReport{}
	o := baseOptions(path, dry)
	o.Mode, o.Resume, o.DryRun = importer.Upsert, run1, true
	if _, err := importer.Import(t.Context(), client(t, srv), o); err != nil {
		t.Fatal(err)
	}
	if got := mustRow(t, dry.rows, "carol"); got.Status != report.Created || got.Services != "would_assign: kintone" {
		t.Fatalf("dry run: carol %+v; want created, services would_assign: kintone", got)
	}
	rep := &memReport{}
	o = baseOptions(path, rep)
	o.Mode, o.Resume = importer.Upsert, crashedReport(t, path, dry.rows...)
	if _, err := importer.Import(t.Context(), client(t, srv), o); err != nil {
		t.Fatal(err)
	}
	if got := mustRow(t, rep.rows, "carol"); got.Status != report.Created || len(srv.Services("carol")) == 0 {
		t.Errorf("carol: %+v, services %v; want created and licensed", got, srv.Services("carol"))
	}
}

// TestResumeGuestsRefusedAreNotEvidence: guests cannot be looked up, so a
// create request holds every guest of its rows, also one that existed
// already. The server's refusal withdraws that guest from the send log: a
// resume after the run died reports it failed, not created, and confirms
// the guest the run did create.
func TestResumeGuestsRefusedAreNotEvidence(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	c := client(t, srv)
	if err := c.AddGuests(t.Context(), []kintone.GuestInput{{Code: "g1@example.com", Name: "G1", Password: kintone.Secret("Guest-pw-1"), Timezone: "Asia/Tokyo"}}); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "guests.csv", "code,name,password,timezone\ng1@example.com,G1,Guest-pw-1,Asia/Tokyo\ng2@example.com,G2,Guest-pw-2,Asia/Tokyo\n")
	// Run 1: its report cannot be written, so, as after a crash, the
	// report has no line and the send log stays.
	run1 := crashedReport(t, path)
	o := baseOptions(path, &failingReport{})
	o.Kind, o.SendLog = validate.Guests, recovery.LogPath(run1)
	if _, err := importer.Import(t.Context(), c, o); err == nil {
		t.Fatal("run 1 succeeded with a report that cannot be written")
	}
	if len(srv.Guests()) != 2 {
		t.Fatalf("run 1 left %d guests, want 2", len(srv.Guests()))
	}
	rep := &memReport{}
	o = baseOptions(path, rep)
	o.Kind, o.Resume = validate.Guests, run1
	if _, err := importer.Import(t.Context(), c, o); err != nil {
		t.Fatal(err)
	}
	if got := mustRow(t, rep.rows, "g1@example.com"); got.Status != report.Failed {
		t.Errorf("g1, which existed before: %+v; want failed", got)
	}
	if got := mustRow(t, rep.rows, "g2@example.com"); got.Status != report.Created {
		t.Errorf("g2, created by run 1: %+v; want created", got)
	}
}

// TestResumeAfterFixedRow: run 1 created carol and died; the admin then
// fixed a typo in her row. The send log shows run 1 sent her create after
// a lookup by login name, so the resume takes her as created and gives her
// services, in every mode. It leaves applying the change to an upsert, and
// says so (exit code 1 through the row's error code).
func TestResumeAfterFixedRow(t *testing.T) {
	for _, mode := range []importer.Mode{importer.Create, importer.Upsert, importer.SkipExisting} {
		t.Run(string(mode), func(t *testing.T) {
			srv := kintonetest.NewServer()
			defer srv.Close()
			if err := srv.AddUsers(kintone.UserInput{Code: "carol", Name: ptr("Carl"), Password: ptr(kintone.Secret("Carol-pw-123"))}); err != nil {
				t.Fatal(err)
			}
			path := writeFile(t, "users.csv", "code,name,password\ncarol,Carol,Carol-pw-123\n")
			rep := &memReport{}
			o := baseOptions(path, rep)
			o.Mode, o.Resume = mode, crashedReport(t, path)
			sendLog(t, o.Resume, "2 carol")
			sum, err := importer.Import(t.Context(), client(t, srv), o)
			if err != nil {
				t.Fatal(err)
			}
			got := mustRow(t, rep.rows, "carol")
			if got.Status != report.Created || got.ErrorCode != "changed_since_created" || !strings.Contains(got.Message, "--mode upsert") {
				t.Errorf("carol: %+v; want created, with the change left to an upsert", got)
			}
			if sum.OK() {
				t.Error("the run counts as fully successful, though a change was not applied")
			}
			if len(srv.Services("carol")) == 0 {
				t.Error("carol has no services")
			}
		})
	}
}

// TestResumeMatchOnFixedRowLeavesPreexisting: with --match-on email the
// dead run's lookup could not see that carol existed (her e-mail in the
// file had a typo), so its create for carol was refused, but it died
// before the refusal was logged. After the e-mail is fixed the resume
// finds carol by it: she must not be taken for a user the run created,
// since her values differ from the row's; her services stay.
func TestResumeMatchOnFixedRowLeavesPreexisting(t *testing.T) {
	srv := kintonetest.NewServer(
		kintonetest.WithUsers(kintone.UserInput{Code: "carol", Name: ptr("Carol Old"), Email: ptr("c1@example.com"), Password: ptr(kintone.Secret("Carol-pw-123"))}),
		kintonetest.WithServices("carol", "garoon"))
	defer srv.Close()
	path := writeFile(t, "users.csv", "code,name,email,password\ncarol,Carol,c2@example.com,Carol-pw-123\n")
	run1 := crashedReport(t, path)
	sendLogAt(t, run1, time.Now().Add(time.Minute), "2 carol") // the dead run sent it after carol existed
	path = writeFile(t, "users.csv", "code,name,email,password\ncarol,Carol,c1@example.com,Carol-pw-123\n")
	rep := &memReport{}
	o := baseOptions(path, rep)
	o.Mode, o.MatchOn, o.Resume = importer.Upsert, importer.MatchEmail, run1
	if _, err := importer.Import(t.Context(), client(t, srv), o); err != nil {
		t.Fatal(err)
	}
	if got := mustRow(t, rep.rows, "carol"); got.Status != report.Updated || got.Changes != `name: "Carol Old" -> "Carol"` {
		t.Errorf("carol, who existed before: %+v; want updated, name changed", got)
	}
	if got := srv.Services("carol"); strings.Join(got, ";") != "garoon" {
		t.Errorf("carol's services = %v, want garoon", got)
	}
}

// mustRow returns the report line of a login name, failing the test when
// there is none.
func mustRow(t *testing.T, rows []report.Row, code string) report.Row {
	t.Helper()
	for _, r := range rows {
		if r.Code == code {
			return r
		}
	}
	t.Fatalf("no report line for %q in %d lines", code, len(rows))
	return report.Row{}
}

// readRows reads a report file.
func readRows(t *testing.T, path string) []report.Row {
	t.Helper()
	var rows []report.Row
	if err := report.Read(path, func(r report.Row) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return rows
}

// flushSignal closes done at the first Flush after rows lines were
// written: the test then knows those lines are in the file.
type flushSignal struct {
	report.Writer
	rows, n int // written by the report's one writer goroutine
	done    chan struct{}
	once    sync.Once
}

func (f *flushSignal) Write(r *report.Row) error { f.n++; return f.Writer.Write(r) }

func (f *flushSignal) Flush() error {
	err := f.Writer.Flush()
	if f.n >= f.rows {
		f.once.Do(func() { close(f.done) })
	}
	return err
}
