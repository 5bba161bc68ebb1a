package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestReportIsNotInput: --report naming the input file would truncate the
// input before it is read; both commands refuse it with exit 2 and leave
// the file alone.
func TestReportIsNotInput(t *testing.T) {
	for _, cmd := range []string{"validate", "import"} {
		t.Run(cmd, func(t *testing.T) {
			in := filepath.Join(t.TempDir(), "users.csv")
			content := "code,name,password\nalice,Alice,Alice-pw-123\n"
			if err := os.WriteFile(in, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			args := []string{cmd, in, "--report", in}
			if cmd == "import" {
				args = append(args, "--sim")
			}
			code, _, stderr := runCmd(t, t.Context(), args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, exitUsage, stderr)
			}
			if got, _ := os.ReadFile(in); string(got) != content {
				t.Errorf("the input file was overwritten: now %q", got)
			}
		})
	}
}

// TestReportIsNotMapping: the same for the --mapping file.
func TestReportIsNotMapping(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "users.csv")
	mapping := filepath.Join(dir, "map.csv") // a YAML mapping under an odd name; .yaml is no report format anyway
	if err := os.WriteFile(in, []byte("code,name,password\nalice,Alice,Alice-pw-123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	content := "constants:\n  timezone: Asia/Tokyo\n"
	if err := os.WriteFile(mapping, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, t.Context(), "validate", in, "--mapping", mapping, "--report", mapping)
	if code != exitUsage {
		t.Errorf("exit %d, want %d; stderr %q", code, exitUsage, stderr)
	}
	if got, _ := os.ReadFile(mapping); string(got) != content {
		t.Errorf("the mapping file was overwritten: now %q", got)
	}
}

// TestDefaultReportNamesDoNotCollide: two imports started in the same
// second get two reports; the second must not overwrite the report a
// --resume of the first needs.
func TestDefaultReportNamesDoNotCollide(t *testing.T) {
	t.Chdir(t.TempDir())
	var f inputFlags
	now := time.Date(2026, 11, 23, 15, 4, 5, 0, time.UTC)
	seen := map[string]bool{}
	for range 3 {
		p := f.reportPath("in/users.csv", "import", now)
		if seen[p] {
			t.Fatalf("report name %s given twice", p)
		}
		seen[p] = true
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if !seen["users.import-20261123-150405.csv"] || !seen["users.import-20261123-150405-2.csv"] {
		t.Errorf("names %v; want users.import-20261123-150405.csv, then -2, -3", seen)
	}
}
