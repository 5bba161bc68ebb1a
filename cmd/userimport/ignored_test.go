package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIgnoredColumnValueWarned: a value in a column no field takes is not
// dropped silently: its row carries a warning naming the column (never the
// value), and the summary counts the row as warned.
func TestIgnoredColumnValueWarned(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "staff.csv")
	content := "code,name,password,timezone,Notes\n" +
		"alice,Alice,Secret-Pw-1,Asia/Tokyo,moves to Osaka\n" +
		"bob,Bob,Secret-Pw-2,Asia/Tokyo,\n"
	if err := os.WriteFile(in, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	rep := filepath.Join(dir, "r.csv")
	code, _, stderr := runCmd(t, t.Context(), "validate", in, "--report", rep, "--annotate", "none")
	if code != exitOK {
		t.Fatalf("validate: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "1 row with warnings") {
		t.Errorf("summary does not count the warned row:\n%s", stderr)
	}
	rows := readReport(t, rep)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	if !strings.Contains(rows[0].Warnings, `"Notes"`) || strings.Contains(rows[0].Warnings, "Osaka") {
		t.Errorf("row 2 warnings %q: want the column named and the value not repeated", rows[0].Warnings)
	}
	if rows[1].Warnings != "" {
		t.Errorf("row 3 has no value in Notes, yet warns %q", rows[1].Warnings)
	}
}
