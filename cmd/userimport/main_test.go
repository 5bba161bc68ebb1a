package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

// syncBuffer is a bytes.Buffer safe for the command's goroutine and the
// test's.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func runCmd(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errw syncBuffer
	code = run(ctx, args, strings.NewReader(""), &out, &errw)
	return code, out.String(), errw.String()
}

func sample(name string) string { return filepath.Join("..", "..", "samples", name) }

func readReport(t *testing.T, path string) []report.Row {
	t.Helper()
	var rows []report.Row
	if err := report.Read(path, func(r report.Row) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestValidateExitCodes(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"valid file", []string{"validate", sample("users.csv")}, exitOK},
		{"xlsx", []string{"validate", sample("users.xlsx")}, exitOK},
		{"shift_jis", []string{"validate", sample("users-sjis.csv")}, exitOK},
		{"guests", []string{"validate", "--kind", "guests", sample("guests.csv")}, exitOK},
		{"legacy with mapping", []string{"validate", "--mapping", sample("legacy-hr.mapping.yaml"), sample("legacy-hr.csv")}, exitOK},
		{"invalid rows", []string{"validate", sample("users-with-errors.csv")}, exitRows},
		{"missing file", []string{"validate", filepath.Join(dir, "nope.csv")}, exitUsage},
		{"bad kind", []string{"validate", "--kind", "robots", sample("users.csv")}, exitUsage},
		{"no file", []string{"validate"}, exitUsage},
		{"unknown flag", []string{"validate", "--frobnicate", sample("users.csv")}, exitUsage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(tc.args, "--report", filepath.Join(dir, tc.name+".csv"))
			code, _, stderr := runCmd(t, t.Context(), args...)
			if code != tc.want {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.want, stderr)
			}
		})
	}
}

func TestValidateReportHasEveryRow(t *testing.T) {
	rp := filepath.Join(t.TempDir(), "r.csv")
	code, _, stderr := runCmd(t, t.Context(), "validate", sample("users-with-errors.csv"), "--report", rp)
	if code != exitRows {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := readReport(t, rp)
	data, _ := os.ReadFile(sample("users-with-errors.csv"))
	if want := strings.Count(string(data), "\n") - 1; len(rows) != want {
		t.Fatalf("report has %d rows, input has %d", len(rows), want)
	}
	invalid := 0
	for i, r := range rows {
		if r.Row != i+2 {
			t.Errorf("line %d is row %d", i, r.Row)
		}
		switch r.Status {
		case report.Invalid:
			invalid++
			if r.ErrorCode == "" || r.Message == "" {
				t.Errorf("row %d invalid without a rule or message", r.Row)
			}
		case report.Valid:
		default:
			t.Errorf("row %d: status %s", r.Row, r.Status)
		}
	}
	if invalid == 0 || !strings.Contains(stderr, "invalid") {
		t.Errorf("no invalid rows reported; stderr: %s", stderr)
	}
}

func TestImportSimQuickStart(t *testing.T) {
	rp := filepath.Join(t.TempDir(), "r.csv")
	code, _, stderr := runCmd(t, t.Context(), "import", "--sim", sample("users.csv"), "--report", rp)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, r := range readReport(t, rp) {
		if r.Status != report.Created || !strings.HasPrefix(r.Services, "assigned: kintone") {
			t.Errorf("row %d: %s services %q (%s)", r.Row, r.Status, r.Services, r.Message)
		}
	}
	if !strings.Contains(stderr, "created 25") {
		t.Errorf("summary missing: %s", stderr)
	}
}

func TestImportFlagErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"import", "--sim", "--concurrency", "101", sample("users.csv")},
		{"import", "--sim", "--concurrency", "0", sample("users.csv")},
		{"import", "--sim", "--mode", "merge", sample("users.csv")},
		{"import", "--sim", "--match-on", "phone", sample("users.csv")},
		{"import", "--sim", "--report", filepath.Join(dir, "r.txt"), sample("users.csv")},
		{"import", "--sim", "--kind", "guests", "--mode", "upsert", sample("guests.csv")},
		{"import", "--sim", "--services", "kintone,excel", sample("users.csv")},
	} {
		if code, _, stderr := runCmd(t, t.Context(), args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, stderr)
		}
	}
}

func TestImportCredentials(t *testing.T) {
	srv := kintonetest.NewServer(kintonetest.WithUser("clerk", "clerk-secret-9", false))
	defer srv.Close()
	dir := t.TempDir()
	for _, tc := range []struct {
		name, user, pass string
		want             int
	}{
		{"admin", srv.AdminUser, srv.AdminPassword, exitOK},
		{"wrong password", srv.AdminUser, "not-the-password-7", exitAuth},
		{"not an admin", "clerk", "clerk-secret-9", exitAuth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("KINTONE_BASE_URL", srv.URL)
			t.Setenv("KINTONE_USERNAME", tc.user)
			t.Setenv("KINTONE_PASSWORD", tc.pass)
			t.Setenv("KINTONE_API_TOKEN", "")
			code, stdout, stderr := runCmd(t, t.Context(), "import", "--mode", "skip-existing", sample("guests.csv"), "--kind", "guests", "--report", filepath.Join(dir, tc.name+".csv"))
			if code != tc.want {
				t.Fatalf("exit %d, want %d: %s", code, tc.want, stderr)
			}
			if strings.Contains(stdout+stderr, tc.pass) {
				t.Errorf("output contains the password")
			}
		})
	}
	t.Run("unset", func(t *testing.T) {
		t.Setenv("KINTONE_BASE_URL", "")
		if code, _, _ := runCmd(t, t.Context(), "import", sample("users.csv"), "--report", filepath.Join(dir, "x.csv")); code != exitUsage {
			t.Errorf("exit %d without KINTONE_BASE_URL, want %d", code, exitUsage)
		}
	})
}

func TestImportInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // Ctrl-C before anything was sent
	rp := filepath.Join(t.TempDir(), "r.csv")
	code, _, stderr := runCmd(t, ctx, "import", "--sim", sample("users.csv"), "--report", rp)
	if code != exitInterrupted {
		t.Fatalf("exit %d, want %d: %s", code, exitInterrupted, stderr)
	}
}

// TestSimCommand runs `userimport sim` the way a script does: read the three
// export lines, then use the server.
func TestSimCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"sim", "--addr", "127.0.0.1:0", "--seed", "3", "--users", sample("users.xlsx")}, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	env := map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(env) < 3 && sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "export ")
		if !ok {
			t.Fatalf("unexpected line %q", sc.Text())
		}
		k, v, _ := strings.Cut(line, "=")
		env[k] = v
	}
	go io.Copy(io.Discard, pr)
	for _, k := range []string{"KINTONE_BASE_URL", "KINTONE_USERNAME", "KINTONE_PASSWORD"} {
		if env[k] == "" {
			t.Fatalf("sim did not print %s", k)
		}
		t.Setenv(k, env[k])
	}
	rp := filepath.Join(t.TempDir(), "r.csv")
	if code, _, stderr := runCmd(t, t.Context(), "import", sample("users.csv"), "--report", rp); code != exitOK {
		t.Fatalf("import into the sim: exit %d: %s", code, stderr)
	}
	// The preloaded users exist: importing their file again skips them all.
	rp = filepath.Join(t.TempDir(), "r2.csv")
	if code, _, stderr := runCmd(t, t.Context(), "import", sample("users.xlsx"), "--mode", "skip-existing", "--report", rp); code != exitOK || !strings.Contains(stderr, "skipped 15") {
		t.Fatalf("re-import of the preloaded users: exit %d: %s", code, stderr)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("sim exited %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sim did not stop on cancel")
	}
}

func TestSimFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"sim", "--addr", "0.0.0.0:0"},
		{"sim", "--rate-503", "1.5"},
		{"sim", "--max-concurrent", "0"},
		{"sim", "--users", "no-such-file.csv", "--addr", "127.0.0.1:0"},
	} {
		if code, _, _ := runCmd(t, t.Context(), args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
