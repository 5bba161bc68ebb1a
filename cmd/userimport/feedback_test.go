package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSummaryLeadsToTheFix: after a run that did not end well, the
// terminal shows the top causes grouped by rule, each with its count, one
// example row and the fix, and the exact command to run next.
func TestSummaryLeadsToTheFix(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "users.csv")
	csv := "code,name,password,timezone\nexisting.user,Existing User,Some-pw-123,Asia/Tokyo\nnew.one,New One,Some-pw-123,Asia/Tokyo\nbad/one,Bad,Some-pw-123,Asia/Tokyo\nno.tz,No TZ,Some-pw-123,\n"
	if err := os.WriteFile(in, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	rp := filepath.Join(dir, "r.csv")
	code, _, stderr := runCmd(t, t.Context(), "import", in, "--sim", "--report", rp)
	if code != exitRows {
		t.Fatalf("exit %d, want %d:\n%s", code, exitRows, stderr)
	}
	for _, want := range []string{
		"top causes:",
		"error exists: 1 row (e.g. row 2:",
		"fix: the user is already there: --mode skip-existing",
		"error code.forbidden_char: 1 row (e.g. row 4:",
		"warning timezone.",
		"1 row with warnings",
		"next: userimport import " + in + " --mode skip-existing",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if i, j := strings.Index(stderr, "error exists"), strings.Index(stderr, "warning timezone"); i < 0 || j < i {
		t.Errorf("errors are not listed before warnings:\n%s", stderr)
	}
}

// TestUnreadableInputLeavesNoReport: an input that cannot be read, or has
// no data row at all, gives exit 2, says why, and leaves no report file.
func TestUnreadableInputLeavesNoReport(t *testing.T) {
	for _, tc := range []struct{ name, content, says string }{
		{"duplicate header", "code,code\nx,y\n", "duplicate"},
		{"header only", "code,name,password\n\n", "no data rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "users.csv")
			if err := os.WriteFile(in, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, cmd := range [][]string{{"validate", in}, {"import", in, "--sim"}} {
				rp := filepath.Join(dir, cmd[0]+".csv")
				code, _, stderr := runCmd(t, t.Context(), append(cmd, "--report", rp)...)
				if code != exitUsage || !strings.Contains(stderr, tc.says) {
					t.Errorf("%s: exit %d, want %d saying %q:\n%s", cmd[0], code, exitUsage, tc.says, stderr)
				}
				if _, err := os.Stat(rp); !os.IsNotExist(err) {
					t.Errorf("%s left a report behind (stat: %v)", cmd[0], err)
				}
				if _, err := os.Stat(rp + ".sent"); !os.IsNotExist(err) {
					t.Errorf("%s left a send log behind (stat: %v)", cmd[0], err)
				}
			}
		})
	}
}

// TestColumnWarningsCapped: a file with many unknown columns (a data row
// taken for the header) prints 20 warnings and a count, not one per cell.
func TestColumnWarningsCapped(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "users.csv")
	var b strings.Builder
	b.WriteString("code,name,password")
	for i := range 30 {
		b.WriteString(",extra" + strings.Repeat("x", i))
	}
	b.WriteString("\nann,Ann,Ann-pw-1234" + strings.Repeat(",v", 30) + "\n")
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, stderr := runCmd(t, t.Context(), "validate", in, "--report", filepath.Join(dir, "r.csv"))
	if n := strings.Count(stderr, "is not a known field"); n != 20 {
		t.Errorf("%d column warnings printed, want 20:\n%s", n, stderr)
	}
	if !strings.Contains(stderr, "10 more findings about columns are not shown") {
		t.Errorf("no count of the rest:\n%s", stderr)
	}
}
