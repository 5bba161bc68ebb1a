package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

// TestSIGTERM: a service manager or `kill` stops an import with SIGTERM,
// which must mean what Ctrl-C means: stop sending, report every row (the
// unsent ones not_attempted), exit 130; the report matches the server.
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a subprocess")
	}
	dir := t.TempDir()
	const n = 1000
	in := usersFile(t, dir, "term", n)
	k := newKillSwitch()
	srv := kintonetest.NewServer(kintonetest.WithLatency(2*time.Millisecond), kintonetest.WithRequestHook(k.hook))
	defer srv.Close()
	first := filepath.Join(dir, "first.csv")
	cmd := importProcess(srv, in, first, "--concurrency", "1")
	k.arm(2)
	signalWhenHeld(t, k, cmd, syscall.SIGTERM)
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Fatalf("exit %d after SIGTERM, want %d", code, exitInterrupted)
	}
	counts := map[report.Status]int{}
	rows := readReport(t, first)
	for _, r := range rows {
		counts[r.Status]++
	}
	if len(rows) != n || counts[report.NotAttempted] == 0 || counts[report.Created] == 0 {
		t.Fatalf("report after SIGTERM: %d rows, %v", len(rows), counts)
	}
	if counts[report.Created]+counts[report.NotAttempted] != n {
		t.Errorf("rows neither created nor not_attempted: %v", counts)
	}
	if counts[report.Created] != len(srv.Users())-1 {
		t.Errorf("report says %d created, server has %d users", counts[report.Created], len(srv.Users())-1)
	}
	for _, r := range rows {
		if _, ok := srv.User(r.Code); ok != (r.Status == report.Created) {
			t.Errorf("row %d (%s): reported %s, on the server: %v", r.Row, r.Code, r.Status, ok)
		}
	}
}

// TestHopelessTemplateEnds: finding 8. A mapping whose template nests a
// range over a split of a long cell used to run for hours, ignoring the
// first Ctrl-C. Now every row ends invalid with the mapping line named,
// nothing is sent, and the command returns.
func TestHopelessTemplateEnds(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	useServer(t, srv, srv.URL)
	dir := t.TempDir()
	mapping := writeFile(t, dir, "map.yaml", "columns: {login: code, pw: password}\nfields:\n  name: '{{$l := split \"\" (col \"notes\")}}{{range $l}}{{range $l}}{{end}}{{end}}x'\n")
	var b strings.Builder
	b.WriteString("login,pw,notes\n")
	long := strings.Repeat("n", 60000)
	for i := range 50 {
		fmt.Fprintf(&b, "u%03d,Pass-%03d-word,%s\n", i, i, long)
	}
	in := writeFile(t, dir, "users.csv", b.String())
	rep := filepath.Join(dir, "r.csv")
	code, _, stderr := runCmd(t, t.Context(), "import", in, "--mapping", mapping, "--report", rep)
	if code != exitRows {
		t.Fatalf("exit %d, want %d\n%s", code, exitRows, stderr)
	}
	rows := readReport(t, rep)
	if len(rows) != 50 {
		t.Fatalf("report has %d rows, want 50", len(rows))
	}
	for _, r := range rows {
		if r.Status != report.Invalid || !strings.Contains(r.Message, "map.yaml:3: fields.name") {
			t.Errorf("row %d: %s %q, want invalid naming map.yaml:3", r.Row, r.Status, r.Message)
		}
	}
	if got := len(srv.Users()); got != 1 {
		t.Errorf("the server has %d users, want only the Administrator", got)
	}
}
