package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

// TestGeneratedPasswordsSurviveKill kills a --generate-passwords run
// (SIGKILL, while an Add Users request is held) and resumes it: every new
// user has exactly one password, all in the resume's passwords file (mode
// 0600), and no password is in any other file the runs left.
func TestGeneratedPasswordsSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a subprocess")
	}
	dir := t.TempDir()
	const n = 500
	var b strings.Builder
	b.WriteString("code,name,email,timezone\n")
	for i := range n {
		fmt.Fprintf(&b, "gen%04d,User %d,gen%04d@example.com,Asia/Tokyo\n", i, i, i)
	}
	in := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	k := newKillSwitch()
	srv := kintonetest.NewServer(kintonetest.WithLatency(2*time.Millisecond), kintonetest.WithRequestHook(k.hook))
	defer srv.Close()
	first := filepath.Join(dir, "first.csv")
	k.arm(2)
	killWhenHeld(t, k, importProcess(srv, in, first, "--concurrency", "1", "--generate-passwords"))
	if _, err := os.Stat(first + ".passwords.csv"); err != nil {
		t.Fatalf("the killed run left no passwords file: %v", err)
	}
	second := filepath.Join(dir, "second.csv")
	out, err := importProcess(srv, in, second, "--concurrency", "1", "--generate-passwords", "--resume", first).CombinedOutput()
	if err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	pwPath := second + ".passwords.csv"
	if !strings.Contains(string(out), pwPath) || !strings.Contains(string(out), "then delete the file") {
		t.Errorf("the summary does not say where the passwords are and to delete them:\n%s", out)
	}
	st, err := os.Stat(pwPath)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("passwords file mode %v, want 0600", st.Mode().Perm())
	}
	f, err := os.Open(pwPath)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	pw := map[string]string{}
	for _, r := range recs[1:] {
		if _, dup := pw[r[0]]; dup {
			t.Errorf("%s has two passwords", r[0])
		}
		pw[r[0]] = r[3]
	}
	for i := range n {
		code := fmt.Sprintf("gen%04d", i)
		if _, ok := srv.User(code); !ok {
			t.Errorf("%s was not created", code)
		}
		if pw[code] == "" {
			t.Errorf("%s has no password in %s", code, pwPath)
		}
	}
	if len(pw) != n || len(srv.Users()) != n+1 {
		t.Errorf("%d passwords, %d users on the server; want %d each", len(pw), len(srv.Users())-1, n)
	}
	for _, r := range readReport(t, second) {
		if r.Status != report.Created {
			t.Errorf("row %d: %s %s", r.Row, r.Status, r.Message)
		}
	}
	// Every other file of the runs, and the command's output.
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, p := range files {
		if p == pwPath {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for code, p2 := range pw {
			if strings.Contains(string(data), p2) {
				t.Errorf("%s's password is in %s", code, p)
			}
			if strings.Contains(string(out), p2) {
				t.Errorf("%s's password is in the command's output", code)
			}
		}
	}
}
