package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// TestValidateGolden pins the whole report of the errors sample: every rule
// id, every message a person reads, the column order. A change to any of
// them shows up here as a diff to review (go test -update to accept).
func TestValidateGolden(t *testing.T) {
	for _, tc := range []struct {
		name, file, ext string
		exit            int
	}{
		{"users-with-errors", "users-with-errors.csv", ".csv", exitRows},
		// The JSONL report keeps every finding, with its column and cell.
		{"users-with-errors-jsonl", "users-with-errors.csv", ".jsonl", exitRows},
		{"users-sjis", "users-sjis.csv", ".csv", exitOK},
		{"users-xlsx", "users.xlsx", ".csv", exitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rp := filepath.Join(t.TempDir(), "r"+tc.ext)
			if code, _, stderr := runCmd(t, t.Context(), "validate", sample(tc.file), "--report", rp); code != tc.exit {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.exit, stderr)
			}
			got, err := os.ReadFile(rp)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.name+".report.golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("report differs from %s (go test -update to accept):\n--- got\n%s\n--- want\n%s", golden, got, want)
			}
		})
	}
}
