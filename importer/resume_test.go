package importer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

// crashedReport writes the report a crashed run left behind for the input
// at path: only the given lines, fingerprinted as the real run does.
func crashedReport(t *testing.T, path string, rows ...report.Row) string {
	t.Helper()
	fp, err := importer.Fingerprint(path)
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
// before carol's services step and report line. Resuming must give carol
// her services and report her created, in every mode, also when the row
// has blank cells that the server filled with its defaults.
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

// TestResumeLeavesPreexistingUsers: outside create mode, a resumed row
// whose user existed before the run (it has services) is not mistaken for
// one the interrupted run created: its services are left alone.
func TestResumeLeavesPreexistingUsers(t *testing.T) {
	srv := kintonetest.NewServer(
		kintonetest.WithUsers(kintone.UserInput{Code: "dave", Name: ptr("Dave"), Password: ptr(kintone.Secret("Dave-pw-123"))}),
		kintonetest.WithServices("dave", "garoon"),
	)
	defer srv.Close()
	path := writeFile(t, "users.csv", "code,name\ndave,Dave\n")
	rep := &memReport{}
	opts := baseOptions(path, rep)
	opts.Mode = importer.Upsert
	opts.Resume = crashedReport(t, path)
	if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
		t.Fatal(err)
	}
	if got := rep.rows[0]; got.Status != report.Unchanged || got.Services != "" {
		t.Errorf("dave: %+v; want unchanged, services not touched", got)
	}
	if got := strings.Join(srv.Services("dave"), ";"); got != "garoon" {
		t.Errorf("dave's services = %q, want garoon", got)
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
