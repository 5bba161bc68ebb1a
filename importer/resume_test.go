package importer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/recovery"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
)

// crashedReport writes the report a crashed run left behind for the input
// at path: only the given lines, fingerprinted as the real run does.
func crashedReport(t *testing.T, path string, rows ...report.Row) string {
	t.Helper()
	fp, err := sheet.Fingerprint(path)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "crashed.csv")
	w, err := report.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		r.Input = fp
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

// sendLog writes the send log a crashed run left next to its report: the
// rows ("ROW CODE") of its create requests, logged a minute ago, so that
// the users the test creates now are younger than the entries, as those
// the crashed run created are.
func sendLog(t *testing.T, reportPath string, rows ...string) {
	t.Helper()
	sendLogAt(t, reportPath, time.Now().Add(-time.Minute), rows...)
}

// sendLogAt writes a send log whose entries carry the server time at.
func sendLogAt(t *testing.T, reportPath string, at time.Time, rows ...string) {
	t.Helper()
	var b strings.Builder
	for _, r := range rows {
		row, code, _ := strings.Cut(r, " ")
		fmt.Fprintf(&b, "s\t%s\t%s\t%d\n", row, code, at.Unix())
	}
	if err := os.WriteFile(recovery.LogPath(reportPath), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestResumeKeepsFinishedSteps: resuming a row whose departments step
// failed runs only that step. Its services step had finished (here:
// nothing to do for an existing user without a services column), so the
// user's services must stay as they are, not be replaced by the
// --services default.
func TestResumeKeepsFinishedSteps(t *testing.T) {
	srv := kintonetest.NewServer(
		kintonetest.WithUsers(kintone.UserInput{Code: "alice", Name: ptr("Alice"), Password: ptr(kintone.Secret("Alice-pw-1"))}),
		kintonetest.WithServices("alice", "kintone", "garoon"),
		kintonetest.WithDepartments([]kintone.Organization{{Code: "sales", Name: "Sales"}}, nil),
	)
	defer srv.Close()
	path := writeFile(t, "users.csv", "code,name,organizations\nalice,Alice Smith,hr\n")
	first := &memReport{}
	opts := baseOptions(path, first)
	opts.Mode = importer.Upsert
	if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
		t.Fatal(err)
	}
	if got := first.rows[0]; got.Status != report.Updated || !strings.HasPrefix(got.Departments, "failed") {
		t.Fatalf("first run: %+v; want updated with a failed departments step (hr does not exist)", got)
	}
	// The admin creates the missing department, then resumes.
	if err := srv.AddDepartments([]kintone.Organization{{Code: "hr", Name: "HR"}}, nil); err != nil {
		t.Fatal(err)
	}
	rep := &memReport{}
	opts = baseOptions(path, rep)
	opts.Mode = importer.Upsert
	opts.Resume = crashedReport(t, path, first.rows[0])
	if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sorted(srv.Services("alice")), ";"); got != "garoon;kintone" {
		t.Errorf("alice's services after resume = %q, want garoon;kintone (the file never asked to change them)", got)
	}
	if got := rep.rows[0]; got.Departments != "assigned: hr" || got.Services != first.rows[0].Services {
		t.Errorf("resumed row %+v; want departments assigned and services as before (%q)", got, first.rows[0].Services)
	}
}

// TestResumeFindsUsersCreatedByCrash: the run died after Add Users and
// before carol's services step and report line; its send log shows the
// create. Resuming must give carol her services and report her created,
// in every mode, also when the row has blank cells that the server filled
// with its defaults.
func TestResumeFindsUsersCreatedByCrash(t *testing.T) {
	for _, mode := range []importer.Mode{importer.Create, importer.Upsert, importer.SkipExisting} {
		for _, blanks := range []bool{false, true} {
			name := string(mode)
			if blanks {
				name += "/blank-cells"
			}
			t.Run(name, func(t *testing.T) {
				srv := kintonetest.NewServer()
				defer srv.Close()
				csv := "code,name,password,locale,timezone\nbob,Bob,Bob-pw-123,ja,Asia/Tokyo\ncarol,Carol,Carol-pw-123,ja,Asia/Tokyo\n"
				carol := kintone.UserInput{Code: "carol", Name: ptr("Carol"), Password: ptr(kintone.Secret("Carol-pw-123")), Locale: ptr("ja"), Timezone: ptr("Asia/Tokyo")}
				if blanks {
					// What the crashed run's Add Users sent: blank cells
					// omitted, so the server chose locale and time zone.
					csv = "code,name,password,locale,timezone\nbob,Bob,Bob-pw-123,,\ncarol,Carol,Carol-pw-123,,\n"
					carol.Locale, carol.Timezone = nil, nil
				}
				path := writeFile(t, "users.csv", csv)
				if err := srv.AddUsers(carol); err != nil {
					t.Fatal(err)
				}
				rep := &memReport{}
				opts := baseOptions(path, rep)
				opts.Mode = mode
				opts.Resume = crashedReport(t, path) // no line at all
				sendLog(t, opts.Resume, "2 bob", "3 carol")
				if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
					t.Fatal(err)
				}
				if got := rep.rows[1]; got.Status != report.Created || got.Services != "assigned: kintone" {
					t.Errorf("carol: %+v; want created by the interrupted run, with services", got)
				}
				if got := srv.Services("carol"); len(got) == 0 {
					t.Errorf("carol has no services after the resume")
				}
				if got := rep.rows[0]; got.Status != report.Created {
					t.Errorf("bob: %+v; want created", got)
				}
			})
		}
	}
}

// TestResumeLeavesPreexistingUsers: a resumed row whose user existed
// before the run, even one without services and with the row's values, is
// not mistaken for one the interrupted run created when nothing says that
// run sent its create: neither with a send log that lacks it nor without
// a send log. Its services are left alone. (Create mode takes a user that
// carries exactly the row's values as its own: the row asked for a new
// user; TestResumeFindsUsersCreatedByCrash.)
func TestResumeLeavesPreexistingUsers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mode    importer.Mode
		log     []string // nil: no send log
		want    report.Status
		licence []string
	}{
		{"upsert, no log", importer.Upsert, nil, report.Unchanged, []string{"garoon"}},
		{"upsert, log without the row", importer.Upsert, []string{"9 zed"}, report.Unchanged, []string{"garoon"}},
		{"skip-existing, unlicensed, no log", importer.SkipExisting, nil, report.Skipped, nil},
		{"skip-existing, unlicensed, log without the row", importer.SkipExisting, []string{"9 zed"}, report.Skipped, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := []kintonetest.Option{kintonetest.WithUsers(kintone.UserInput{Code: "dave", Name: ptr("Dave"), Password: ptr(kintone.Secret("Dave-pw-123"))})}
			if tc.licence != nil {
				opts = append(opts, kintonetest.WithServices("dave", tc.licence...))
			}
			srv := kintonetest.NewServer(opts...)
			defer srv.Close()
			path := writeFile(t, "users.csv", "code,name,password\ndave,Dave,Dave-pw-123\n")
			rep := &memReport{}
			o := baseOptions(path, rep)
			o.Mode = tc.mode
			o.Resume = crashedReport(t, path)
			if tc.log != nil {
				sendLog(t, o.Resume, tc.log...)
			}
			if _, err := importer.Import(t.Context(), client(t, srv), o); err != nil {
				t.Fatal(err)
			}
			if got := rep.rows[0]; got.Status != tc.want || got.Services != "" {
				t.Errorf("dave: %+v; want %s, services not touched", got, tc.want)
			}
			if got := srv.Services("dave"); strings.Join(got, ";") != strings.Join(tc.licence, ";") {
				t.Errorf("dave's services = %v, want %v", got, tc.licence)
			}
		})
	}
}

// TestSendLogLifecycle: an import keeps a send log next to its report
// while it runs, and leaves it for its caller to remove once the report is
// closed (Summary.Settled says it may go); the log of a run that died is
// what the resume reads.
func TestSendLogLifecycle(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	path, _, _ := genUsers(t, t.TempDir(), 250)
	reportPath := filepath.Join(t.TempDir(), "r.csv")
	w, err := report.Create(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	logPath := recovery.LogPath(reportPath)
	var logged atomic.Int64
	o := baseOptions(path, w)
	o.SendLog = logPath
	o.Progress = func(int) {
		if b, err := os.ReadFile(logPath); err == nil {
			logged.Store(int64(strings.Count(string(b), "\n")))
		}
	}
	sum, err := importer.Import(t.Context(), client(t, srv), o)
	if err != nil {
		t.Fatal(err)
	}
	if logged.Load() == 0 {
		t.Error("the send log never held a row while the import ran")
	}
	// The report is not closed yet: the log must stay until it is.
	if _, err := os.Stat(logPath); err != nil {
		t.Errorf("send log gone before the report was closed: %v", err)
	}
	if !sum.Settled {
		t.Error("a complete run is not settled: its caller would keep the send log")
	}
}

// TestResumeWarnsOnDamagedReport: a report that cannot be read to its end
// (cut by a crash, or edited by hand) is used up to the damage; the rows
// after it run again, and the admin is told why.
func TestResumeWarnsOnDamagedReport(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	path := writeFile(t, "users.csv", "code,name,password\nann,Ann,Ann-pw-1234\nben,Ben,Ben-pw-1234\n")
	prev := filepath.Join(t.TempDir(), "prev.csv")
	w, err := report.Create(prev)
	if err != nil {
		t.Fatal(err)
	}
	opts := baseOptions(path, w)
	opts.SendLog = recovery.LogPath(prev) // as if the run died before removing it
	if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// Damage ben's line (a torn last line is what a crash leaves and is
	// read as never written; a damaged line before others is an error).
	data, err := os.ReadFile(prev)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	damaged := lines[0] + lines[1] + "3,ben\n" + lines[2]
	if err := os.WriteFile(prev, []byte(damaged), 0o600); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	rep := &memReport{}
	opts = baseOptions(path, rep)
	opts.Resume, opts.Log = prev, &log
	if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "cannot be read past row 2") {
		t.Errorf("log %q; want a warning about the damaged report", log.String())
	}
	if got := rep.rows[1]; got.Status != report.Created {
		t.Errorf("ben: %+v; want created (confirmed on the server)", got)
	}
}

// TestResumeOfInterruptedResume: the evidence that a dead run created a
// user survives a resume that is itself cut short, by Ctrl-C before the
// row's batch (the row is written outcome_unknown, not not_attempted) or
// by dying before the row's report line (the new send log carries the old
// one's entries). The third run still recognises carol and licenses her.
func TestResumeOfInterruptedResume(t *testing.T) {
	for _, mode := range []importer.Mode{importer.Create, importer.Upsert} {
		for _, how := range []string{"ctrl-c", "died"} {
			t.Run(string(mode)+"/"+how, func(t *testing.T) {
				srv := kintonetest.NewServer()
				defer srv.Close()
				path := writeFile(t, "users.csv", "code,name,password\nbob,Bob,Bob-pw-1234\ncarol,Carol,Carol-pw-123\n")
				// Run 1 created bob and carol and died: no report line,
				// both in its send log.
				for _, u := range []string{"bob", "carol"} {
					if err := srv.AddUsers(kintone.UserInput{Code: u, Name: ptr(strings.ToUpper(u[:1]) + u[1:]), Password: ptr(kintone.Secret(strings.ToUpper(u[:1]) + u[1:] + "-pw-123"))}); err != nil {
						t.Fatal(err)
					}
				}
				run1 := crashedReport(t, path)
				sendLog(t, run1, "2 bob", "3 carol")

				// Run 2 resumes run 1. "died": its report cannot be written
				// at all, so, as after a crash, no line of it reaches the
				// file and its send log stays.
				run2 := crashedReport(t, path) // the header alone
				var w report.Writer = &failingReport{}
				if how == "ctrl-c" {
					var err error
					if w, err = report.Create(run2); err != nil {
						t.Fatal(err)
					}
				}
				o := baseOptions(path, w)
				o.Mode, o.Resume, o.SendLog = mode, run1, recovery.LogPath(run2)
				ctx, cancel := context.WithCancel(t.Context())
				if how == "ctrl-c" {
					cancel()
				}
				_, err := importer.Import(ctx, client(t, srv), o)
				cancel()
				if how == "died" {
					if err == nil {
						t.Fatal("run 2 succeeded with a report that cannot be written")
					}
					if _, err := os.Stat(recovery.LogPath(run2)); err != nil {
						t.Fatalf("run 2 left no send log: %v", err)
					}
				} else {
					if err != nil {
						t.Fatal(err)
					}
					if err := w.Close(); err != nil {
						t.Fatal(err)
					}
				}

				// Run 3 resumes run 2.
				rep3 := &memReport{}
				o = baseOptions(path, rep3)
				o.Mode, o.Resume = mode, run2
				if _, err := importer.Import(t.Context(), client(t, srv), o); err != nil {
					t.Fatal(err)
				}
				for _, r := range rep3.rows {
					if r.Status != report.Created || len(srv.Services(r.Code)) == 0 {
						t.Errorf("run 3, %s: %s (%s) %s; services %v; want created with services", r.Code, r.Status, r.ErrorCode, r.Message, srv.Services(r.Code))
					}
				}
			})
		}
	}
}

// TestResumeMatchOnOtherLoginName: with --match-on employeeNumber, a row
// that the dead run sent matches by employee number a user with another
// login name. That user is not the one the dead run created for the row,
// so it is not licensed on the row's behalf.
func TestResumeMatchOnOtherLoginName(t *testing.T) {
	srv := kintonetest.NewServer(kintonetest.WithUsers(
		kintone.UserInput{Code: "taro.y", Name: ptr("Taro"), Password: ptr(kintone.Secret("Taro-pw-123")), EmployeeNumber: ptr("E1")}))
	defer srv.Close()
	path := writeFile(t, "users.csv", "code,name,password,employeeNumber\ntaro,Taro,Taro-pw-123,E1\n")
	rep := &memReport{}
	o := baseOptions(path, rep)
	o.Mode, o.MatchOn = importer.Upsert, importer.MatchEmployeeNumber
	o.Resume = crashedReport(t, path)
	sendLog(t, o.Resume, "2 taro")
	if _, err := importer.Import(t.Context(), client(t, srv), o); err != nil {
		t.Fatal(err)
	}
	if got := rep.rows[0]; got.Status == report.Created {
		t.Errorf("row: %+v; taro.y was taken for the user created for taro", got)
	}
	if got := srv.Services("taro.y"); len(got) != 0 {
		t.Errorf("taro.y was given services %v", got)
	}
}
