package recovery

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/userimport/userimport/report"
)

const fp = "users.csv crc32c:00000000 size:1"

// writeReport writes a CSV report of fp with the given lines.
func writeReport(t *testing.T, path string, rows ...report.Row) {
	t.Helper()
	w, err := report.Create(path)
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
}

// TestLogRoundTrip: what Sending writes, Open reads back, keeping only the
// rows after the report's last row and those whose line left the outcome
// open; a refusal withdraws an entry; a torn last line (the crash came
// mid-write) is ignored.
func TestLogRoundTrip(t *testing.T) {
	dir := t.TempDir()
	rp := filepath.Join(dir, "r.csv")
	writeReport(t, rp,
		report.Row{Row: 2, Code: "ann", Status: report.Created},
		report.Row{Row: 3, Code: "ben", Status: report.Failed, ErrorCode: "outcome_unknown"},
		report.Row{Row: 4, Code: "cat", Status: report.Failed, ErrorCode: "CB_VA01"})
	l, err := Create(LogPath(rp))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Unix(1_700_000_000, 0)
	if err := l.Sending(at, []Entry{{2, "ann"}, {3, "ben"}, {4, "cat"}}); err != nil {
		t.Fatal(err)
	}
	if err := l.Sending(at, []Entry{{5, "山田.taro"}, {7, "a b"}, {8, "dan"}}); err != nil {
		t.Fatal(err)
	}
	if err := l.Refused("dan"); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(LogPath(rp), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("s\t9\tto") // torn
	f.Close()

	rs, err := Open(rp, fp, &strings.Builder{})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	after := at.Add(time.Second)
	for _, tc := range []struct {
		code string
		want bool
	}{
		{"ann", false},    // its line says created: settled, no entry kept
		{"ben", true},     // outcome unknown: kept though before the last row
		{"cat", false},    // refused by the server, reported so
		{"山田.taro", true}, // in flight when the run died
		{"a b", true},
		{"a", false},
		{"dan", false}, // refused after it was logged
		{"to", false},  // torn
	} {
		if got := rs.MaySent(tc.code, nil); got != tc.want {
			t.Errorf("MaySent(%q) = %v, want %v", tc.code, got, tc.want)
		}
		if got := rs.CreatedBefore(tc.code, after); got != tc.want {
			t.Errorf("CreatedBefore(%q) = %v, want %v", tc.code, got, tc.want)
		}
	}
}

// TestCreatedBeforeNeedsEvidence: a log entry counts only together with a
// creation time not earlier than the server time logged with it; an entry
// without a server time, or no entry, is no evidence whatever the user.
func TestCreatedBeforeNeedsEvidence(t *testing.T) {
	at := time.Unix(1_700_000_000, 0)
	for _, tc := range []struct {
		name  string
		log   string
		ctime time.Time
		want  bool
	}{
		{"created after the entry", "s\t2\tann\t1700000000\n", at.Add(3 * time.Second), true},
		{"created in the same second", "s\t2\tann\t1700000000\n", at.Add(500 * time.Millisecond), true},
		{"existed before the entry", "s\t2\tann\t1700000000\n", at.Add(-time.Second), false},
		{"entry without a server time", "s\t2\tann\t0\n", at, false},
		{"entry of the old format", "2\tann\n", at, false},
		{"unknown creation time", "s\t2\tann\t1700000000\n", time.Time{}, false},
		{"no entry", "s\t2\tbob\t1700000000\n", at, false},
		{"earlier report said created", "c\t2\tann\n", at.Add(-time.Hour), true},
		{"refused after it was sent", "s\t2\tann\t1700000000\nr\t-\tann\n", at, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rp := filepath.Join(t.TempDir(), "r.csv")
			writeReport(t, rp)
			if err := os.WriteFile(LogPath(rp), []byte(tc.log), 0o600); err != nil {
				t.Fatal(err)
			}
			rs, err := Open(rp, fp, &strings.Builder{})
			if err != nil {
				t.Fatal(err)
			}
			defer rs.Close()
			if got := rs.CreatedBefore("ann", tc.ctime); got != tc.want {
				t.Errorf("CreatedBefore = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestCarryKeepsTheChain: a resumed run's log starts with every created
// line of the report it resumes and the evidence it inherited, so that a
// run after it, which may see neither, still recognises those users.
func TestCarryKeepsTheChain(t *testing.T) {
	dir := t.TempDir()
	run1 := filepath.Join(dir, "run1.csv")
	writeReport(t, run1,
		report.Row{Row: 2, Code: "ann", Status: report.Created, Services: "assigned: kintone"},
		report.Row{Row: 3, Code: "ben", Status: report.Invalid})
	if err := os.WriteFile(LogPath(run1), []byte("s\t4\tcat\t1700000000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rs, err := Open(run1, fp, &strings.Builder{})
	if err != nil {
		t.Fatal(err)
	}
	run2 := filepath.Join(dir, "run2.csv")
	l, err := Create(LogPath(run2))
	if err != nil {
		t.Fatal(err)
	}
	if err := rs.CarryInto(l); err != nil {
		t.Fatal(err)
	}
	rs.Close()
	l.Close()
	// Run 2 died before writing any line.
	writeReport(t, run2)
	rs2, err := Open(run2, fp, &strings.Builder{})
	if err != nil {
		t.Fatal(err)
	}
	defer rs2.Close()
	if !rs2.CreatedBefore("ann", time.Time{}) {
		t.Error("ann, reported created by run 1, is not recognised after run 2 died")
	}
	if !rs2.CreatedBefore("cat", time.Unix(1_700_000_001, 0)) {
		t.Error("cat, in run 1's log, is not recognised after run 2 died")
	}
	if rs2.MaySent("ben", nil) {
		t.Error("ben, never sent, counts as maybe sent")
	}
}

// TestOpenLostReport: a report that cannot be read at all is accepted
// when its send log is there (an XLSX report whose run died before
// writing it), and the resume says so; without a log it is an error.
func TestOpenLostReport(t *testing.T) {
	dir := t.TempDir()
	rp := filepath.Join(dir, "r.xlsx")
	if _, err := Open(rp, fp, &strings.Builder{}); err == nil {
		t.Error("a missing report without a send log was accepted")
	}
	if err := os.WriteFile(rp, []byte("PK\x03\x04 torn"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(LogPath(rp), []byte("s\t2\tann\t1700000000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var warn strings.Builder
	rs, err := Open(rp, fp, &warn)
	if err != nil {
		t.Fatalf("a damaged report with its send log: %v", err)
	}
	defer rs.Close()
	if !strings.Contains(warn.String(), "resuming from its send log") || !strings.Contains(warn.String(), "1 users") {
		t.Errorf("warning %q; want what was recovered", warn.String())
	}
	if m, _ := rs.Mode(2, "ann"); m != Unseen {
		t.Errorf("Mode = %v, want Unseen: every row runs again", m)
	}
	if !rs.CreatedBefore("ann", time.Unix(1_700_000_000, 0)) {
		t.Error("ann's evidence was lost with the report")
	}
}

// TestDiscard removes a log and accepts one that is gone already.
func TestDiscard(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.csv.sent")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := Discard(p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Errorf("log still there: %v", err)
	}
	if LogPath(report.Stdout) != "" || LogPath("") != "" {
		t.Error("a report on standard output has a send log path")
	}
}

// TestEndedWell: a resume leaves alone exactly the lines that need no more
// work, the lifecycle outcomes included (a second delete would only say
// "no such user").
func TestEndedWell(t *testing.T) {
	for _, tt := range []struct {
		row  report.Row
		want bool
	}{
		{report.Row{Status: report.Created}, true},
		{report.Row{Status: report.Created, Services: "failed: 503"}, false},
		{report.Row{Status: report.Updated, Departments: "not_attempted"}, false},
		{report.Row{Status: report.Unchanged}, true},
		{report.Row{Status: report.Skipped}, true},
		{report.Row{Status: report.Renamed}, true},
		{report.Row{Status: report.Deleted}, true},
		{report.Row{Status: report.Deactivated}, true},
		{report.Row{Status: report.WouldDelete}, false},
		{report.Row{Status: report.WouldCreate}, false},
		{report.Row{Status: report.Failed}, false},
		{report.Row{Status: report.Invalid}, false},
		{report.Row{Status: report.NotAttempted}, false},
	} {
		if got := EndedWell(&tt.row); got != tt.want {
			t.Errorf("EndedWell(%s, services %q, departments %q) = %v, want %v", tt.row.Status, tt.row.Services, tt.row.Departments, got, tt.want)
		}
	}
}
