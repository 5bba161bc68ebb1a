package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/recovery"
	"github.com/userimport/userimport/report"
)

// killSwitch is a request hook that, once armed, lets `after` more Add
// Users requests through and then holds every request until released:
// the test then kills the process at a moment that does not depend on the
// machine's speed.
type killSwitch struct {
	mu      sync.Mutex
	adds    int
	after   int // -1: disarmed
	holding chan struct{}
	release chan struct{}
	held    bool
}

func newKillSwitch() *killSwitch {
	return &killSwitch{after: -1, holding: make(chan struct{}), release: make(chan struct{})}
}

func (k *killSwitch) hook(r *http.Request) {
	if r.URL.Path != "/v1/users.json" || r.Method != http.MethodPost {
		return
	}
	k.mu.Lock()
	if k.after < 0 {
		k.mu.Unlock()
		return
	}
	k.adds++
	if k.adds <= k.after {
		k.mu.Unlock()
		return
	}
	if !k.held {
		k.held = true
		close(k.holding)
	}
	release := k.release
	k.mu.Unlock()
	select {
	case <-release:
	case <-r.Context().Done():
	}
}

// arm makes the switch hold from the (after+1)-th Add Users request on.
func (k *killSwitch) arm(after int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.adds, k.after, k.held = 0, after, false
	k.holding, k.release = make(chan struct{}), make(chan struct{})
}

// disarm releases held requests and lets every later one through.
func (k *killSwitch) disarm() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.after = -1
	close(k.release)
}

// killWhenHeld starts cmd, waits until the switch holds a request, kills
// the process (SIGKILL: no further report line) and disarms the switch.
// It fails the test if the run ends first.
func killWhenHeld(t *testing.T, k *killSwitch, cmd *exec.Cmd) {
	t.Helper()
	signalWhenHeld(t, k, cmd, os.Kill)
}

// signalWhenHeld is killWhenHeld with another signal: after os.Interrupt
// the held requests are released and the run finishes its report.
func signalWhenHeld(t *testing.T, k *killSwitch, cmd *exec.Cmd, sig os.Signal) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	k.mu.Lock()
	holding := k.holding
	k.mu.Unlock()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-holding:
		cmd.Process.Signal(sig)
		if sig == os.Kill {
			<-exited
			k.disarm()
		} else {
			k.disarm()
			<-exited
		}
	case err := <-exited:
		k.disarm()
		t.Fatalf("the run %v ended (%v) before the request at which it was to be stopped", cmd.Args[1:], err)
	}
}

// TestResumeLeavesExistingUser is the first finding of the red-team round
// (issue 15): a user that existed before the import, whose values match
// its row, must not be taken for one the killed run created. In create
// mode it is reported failed (exists) and keeps its three services, as it
// is without the interruption.
func TestResumeLeavesExistingUser(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a subprocess")
	}
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("code,name,email,password,services\n")
	for i := range 800 {
		fmt.Fprintf(&b, "new%04d,User %d,new%04d@example.com,Pass-%d-word,kintone\n", i, i, i, i)
	}
	b.WriteString("existing.user,Existing User,existing.user@example.com,Another-Pw-99,garoon\n")
	in := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	k := newKillSwitch()
	srv := kintonetest.NewServer(
		kintonetest.WithUsers(kintone.UserInput{Code: "existing.user", Name: ptr("Existing User"), Email: ptr("existing.user@example.com"), Password: ptr(kintone.Secret("Old-Pw-1234"))}),
		kintonetest.WithServices("existing.user", "kintone", "garoon", "office"),
		kintonetest.WithLatency(5*time.Millisecond), kintonetest.WithRequestHook(k.hook))
	defer srv.Close()

	first := filepath.Join(dir, "first.csv")
	k.arm(3)
	killWhenHeld(t, k, importProcess(srv, in, first, "--concurrency", "1"))
	second := filepath.Join(dir, "second.csv")
	if out, err := importProcess(srv, in, second, "--concurrency", "1", "--resume", first).CombinedOutput(); err == nil {
		t.Fatalf("the resume exited 0 though existing.user exists:\n%s", out)
	}
	rows := readReport(t, second)
	if len(rows) != 801 {
		t.Fatalf("resume report has %d rows, want 801", len(rows))
	}
	last := rows[800]
	if last.Code != "existing.user" || last.Status != report.Failed || last.ErrorCode != "exists" {
		t.Errorf("existing.user: %s (%s) %s; want failed (exists)", last.Status, last.ErrorCode, last.Message)
	}
	if got := sortedServices(srv, "existing.user"); got != "garoon,kintone,office" {
		t.Errorf("existing.user's services = %s, want its three: garoon,kintone,office", got)
	}
	for _, r := range rows[:800] {
		if r.Status != report.Created {
			t.Errorf("row %d (%s): %s %s; want created", r.Row, r.Code, r.Status, r.Message)
		}
	}
}

func sortedServices(srv *kintonetest.Server, code string) string {
	s := slices.Clone(srv.Services(code))
	slices.Sort(s)
	return strings.Join(s, ",")
}

// TestKillChain stops an import with Ctrl-C, then kills its resumes twice
// (the first at its first create, the next at a random one), then lets a
// last resume finish. An XLSX report, only written at the end, never exists
// for a killed run: each resume starts from the send log alone. Every row's final status must match what the chain did:
// created for every user some run of the chain created, skipped or
// unchanged for the users that existed before; every user exists once,
// with services; and no send log is left.
func TestKillChain(t *testing.T) {
	if testing.Short() {
		t.Skip("runs subprocesses")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 15))
	for _, tc := range []struct{ mode, ext string }{{"skip-existing", ".csv"}, {"upsert", ".xlsx"}} {
		mode := tc.mode
		t.Run(mode+tc.ext, func(t *testing.T) {
			dir := t.TempDir()
			const n, preexisting = 1100, 22
			in := usersFile(t, dir, "chain", n)
			var pre []kintone.UserInput
			for i := range preexisting {
				// Spread over the file, with the row's values: resemblance
				// must not make them the chain's.
				j := i * (n / preexisting)
				pre = append(pre, kintone.UserInput{Code: fmt.Sprintf("chain%05d", j), Name: ptr(fmt.Sprintf("User %d", j)), Password: ptr(kintone.Secret("Other-pw-123"))})
			}
			k := newKillSwitch()
			srv := kintonetest.NewServer(kintonetest.WithUsers(pre...), kintonetest.WithServices(pre[0].Code, "garoon"),
				kintonetest.WithLatency(2*time.Millisecond), kintonetest.WithRequestHook(k.hook))
			defer srv.Close()
			args := []string{"--mode", mode, "--concurrency", "2"}
			prev := ""
			for run := range 4 {
				rp := filepath.Join(dir, fmt.Sprintf("run%d%s", run, tc.ext))
				a := slices.Clone(args)
				if prev != "" {
					a = append(a, "--resume", prev)
				}
				switch {
				case run == 0:
					// Ctrl-C after a few creates: the report says
					// created for the batches that finished.
					k.arm(2 + rng.IntN(2))
					signalWhenHeld(t, k, importProcess(srv, in, rp, a...), os.Interrupt)
				case run == 1:
					// Killed at its first create: the resume has copied
					// run 0's created lines but not yet written them, so
					// only its send log can tell the next run.
					k.arm(0)
					killWhenHeld(t, k, importProcess(srv, in, rp, a...))
				case run < 3:
					k.arm(rng.IntN(3))
					killWhenHeld(t, k, importProcess(srv, in, rp, a...))
				default:
					out, err := importProcess(srv, in, rp, a...).CombinedOutput()
					if err != nil {
						t.Fatalf("final resume: %v\n%s", err, out)
					}
				}
				prev = rp
			}
			isPre := map[string]bool{}
			for _, u := range pre {
				isPre[u.Code] = true
			}
			rows := readReport(t, prev)
			if len(rows) != n {
				t.Fatalf("final report has %d rows, want %d", len(rows), n)
			}
			for _, r := range rows {
				want := []report.Status{report.Created}
				if isPre[r.Code] {
					want = []report.Status{report.Skipped}
					if mode == "upsert" {
						want = []report.Status{report.Updated, report.Unchanged}
					}
				}
				if !slices.Contains(want, r.Status) {
					t.Errorf("row %d (%s): %s %s; want %v", r.Row, r.Code, r.Status, r.Message, want)
				}
			}
			if got := len(srv.Users()) - 1; got != n {
				t.Errorf("server has %d users, want %d", got, n)
			}
			if srv.Requests().DuplicateAdds != 0 {
				t.Errorf("the chain re-sent %d existing users", srv.Requests().DuplicateAdds)
			}
			if mode == "skip-existing" {
				if got := sortedServices(srv, pre[0].Code); got != "garoon" {
					t.Errorf("%s existed with garoon and now has %s", pre[0].Code, got)
				}
			}
			if _, err := os.Stat(recovery.LogPath(prev)); !os.IsNotExist(err) {
				t.Errorf("the finished chain left its send log (stat: %v)", err)
			}
		})
	}
}

// TestXLSXReportFailingLateKeepsEvidence: when the XLSX report cannot be
// put in place at the end (here the name is taken by a directory; a full
// disk fails the same way), the users are created but the report is lost,
// so the send log must stay for a resume, and the command fails.
func TestXLSXReportFailingLateKeepsEvidence(t *testing.T) {
	dir := t.TempDir()
	in := usersFile(t, dir, "late", 150)
	rp := filepath.Join(dir, "r.xlsx")
	if err := os.MkdirAll(filepath.Join(rp, "taken"), 0o700); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, t.Context(), "import", in, "--sim", "--report", rp)
	if code != exitUsage {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
	}
	b, err := os.ReadFile(recovery.LogPath(rp))
	if err != nil {
		t.Fatalf("the send log is gone with the report: %v", err)
	}
	if got := strings.Count(string(b), "\n"); got != 150 {
		t.Errorf("the send log names %d creates, want 150", got)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".r.xlsx.*")); len(m) != 0 {
		t.Errorf("temporary report files left: %v", m)
	}
}
