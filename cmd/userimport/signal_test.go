package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

// TestMain lets a test run the real binary: the test executable re-executes
// itself with USERIMPORT_RUN_MAIN=1 and behaves as `userimport`.
func TestMain(m *testing.M) {
	if os.Getenv("USERIMPORT_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// usersFile writes n valid user rows, login names prefix00000 and on.
func usersFile(t *testing.T, dir, prefix string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("code,name,password\n")
	for i := range n {
		fmt.Fprintf(&b, "%s%05d,User %d,Pass-%d-word\n", prefix, i, i, i)
	}
	in := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return in
}

// importProcess returns the real binary (this test executable, see
// TestMain) set to import in into srv with the given report.
func importProcess(srv *kintonetest.Server, in, reportPath string, extra ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"import", in, "--report", reportPath}, extra...)...)
	cmd.Env = append(os.Environ(), "USERIMPORT_RUN_MAIN=1",
		"KINTONE_BASE_URL="+srv.URL, "KINTONE_USERNAME="+srv.AdminUser, "KINTONE_PASSWORD="+srv.AdminPassword, "KINTONE_API_TOKEN=")
	return cmd
}

// TestCtrlC sends SIGINT to a real import process in the middle of a run:
// it must stop sending, report every row (the rest as not_attempted) and
// exit 130; --resume then finishes the job.
func TestCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a subprocess")
	}
	dir := t.TempDir()
	const n = 2000
	in := usersFile(t, dir, "sig", n)
	// Ctrl-C comes while the third Add Users request is held by the
	// server: two batches are done, one is in flight, the rest unsent.
	k := newKillSwitch()
	srv := kintonetest.NewServer(kintonetest.WithLatency(2*time.Millisecond), kintonetest.WithRequestHook(k.hook))
	defer srv.Close()
	start := func(reportPath string, extra ...string) *exec.Cmd {
		return importProcess(srv, in, reportPath, append([]string{"--concurrency", "1"}, extra...)...)
	}
	first := filepath.Join(dir, "first.csv")
	cmd := start(first)
	k.arm(2)
	signalWhenHeld(t, k, cmd, syscall.SIGINT)
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Fatalf("exit %d, want %d", code, exitInterrupted)
	}
	counts := map[report.Status]int{}
	rows := readReport(t, first)
	for _, r := range rows {
		counts[r.Status]++
	}
	if len(rows) != n || counts[report.NotAttempted] == 0 || counts[report.Created] == 0 {
		t.Fatalf("report after Ctrl-C: %d rows, %v", len(rows), counts)
	}
	if counts[report.Created] != len(srv.Users())-1 { // the Administrator
		t.Errorf("report says %d created, server has %d users", counts[report.Created], len(srv.Users())-1)
	}

	second := filepath.Join(dir, "second.csv")
	cmd = start(second, "--resume", first)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	for _, r := range readReport(t, second) {
		if r.Status != report.Created {
			t.Errorf("row %d after resume: %s %s", r.Row, r.Status, r.Message)
		}
	}
	if got := len(srv.Users()) - 1; got != n {
		t.Errorf("server has %d users after resume, want %d", got, n)
	}
	if srv.Requests().DuplicateAdds != 0 {
		t.Errorf("resume re-sent existing users")
	}
}

// TestKillThenResume kills a real import process (SIGKILL: no chance to
// write another report line) in the middle of an upsert, then resumes from
// the report it left. Every user must exist exactly once and have its
// services, and every row must end created: the users the dead run created
// but never reported are recognised from its send log.
func TestKillThenResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a subprocess")
	}
	dir := t.TempDir()
	const n = 2000
	in := usersFile(t, dir, "kill", n)
	// After the first 8 services requests, services requests hang: the
	// batches whose users are created from then on can never report them,
	// and the run can never finish, whatever the machine's speed.
	hang, hanging := make(chan struct{}), make(chan struct{})
	var services atomic.Int64
	var once sync.Once
	srv := kintonetest.NewServer(kintonetest.WithLatency(20*time.Millisecond), kintonetest.WithRequestHook(func(r *http.Request) {
		if r.URL.Path == "/v1/users/services.json" && r.Method == http.MethodPut && services.Add(1) > 8 {
			once.Do(func() { close(hanging) })
			select {
			case <-hang:
			case <-r.Context().Done():
			}
		}
	}))
	defer srv.Close()
	start := func(reportPath string, extra ...string) *exec.Cmd {
		return importProcess(srv, in, reportPath, append([]string{"--mode", "upsert", "--concurrency", "4"}, extra...)...)
	}
	first := filepath.Join(dir, "first.csv")
	cmd := start(first)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-hanging:
	case err := <-exited:
		t.Fatalf("the import ended (%v) before its ninth services request", err)
	}
	cmd.Process.Kill()
	<-exited
	close(hang)
	if _, err := os.Stat(first + ".sent"); err != nil {
		t.Fatalf("the killed run left no send log: %v", err)
	}
	reported := len(readReport(t, first))
	if created := len(srv.Users()) - 1; reported >= created {
		t.Fatalf("the killed run reported %d rows and created %d users; the test needs created users without a report line", reported, created)
	}

	second := filepath.Join(dir, "second.csv")
	cmd = start(second, "--resume", first)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	rows := readReport(t, second)
	if len(rows) != n {
		t.Fatalf("resume report has %d rows, want %d", len(rows), n)
	}
	for _, r := range rows {
		if r.Status != report.Created {
			t.Errorf("row %d after resume: %s %s", r.Row, r.Status, r.Message)
		}
		if len(srv.Services(r.Code)) == 0 {
			t.Errorf("row %d: user %s has no services", r.Row, r.Code)
		}
	}
	if got := len(srv.Users()) - 1; got != n {
		t.Errorf("server has %d users after resume, want %d", got, n)
	}
	if srv.Requests().DuplicateAdds != 0 {
		t.Errorf("resume re-sent existing users")
	}
	if _, err := os.Stat(second + ".sent"); !os.IsNotExist(err) {
		t.Errorf("the completed resume left its send log (stat: %v)", err)
	}
	t.Logf("killed after %d reported rows; resume finished all %d", reported, n)
}
