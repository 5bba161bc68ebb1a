package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/annotate"
)

// TestValidateWritesAnnotatedCopy: validate leaves, next to its report, a
// copy of the person's file with each problem cell filled and noted and a
// status and a message column; it is private (mode 0600) because it holds
// the file's passwords, and a clean file gets none.
func TestValidateWritesAnnotatedCopy(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "staff.csv")
	content := "code,name,password,email\nalice,Alice,Secret-Pw-1,alice@example.com\nsales/bob,Bob,Secret-Pw-2,bob@example.com\n"
	if err := os.WriteFile(in, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	rep := filepath.Join(dir, "staff.report.csv")
	if code, _, stderr := runCmd(t, t.Context(), "validate", in, "--report", rep); code != exitRows {
		t.Fatalf("validate: exit %d: %s", code, stderr)
	}
	copyPath := filepath.Join(dir, "staff.report.annotated.xlsx")
	info, err := os.Stat(copyPath)
	if err != nil {
		t.Fatalf("no annotated copy: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("annotated copy has mode %v, want 0600", info.Mode().Perm())
	}
	x, err := excelize.OpenFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheetName := x.GetSheetName(0)
	rows, err := x.GetRows(sheetName)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || len(rows[0]) < 6 || rows[0][4] != annotate.StatusHeader || rows[0][5] != annotate.MessageHeader {
		t.Fatalf("annotated rows = %q", rows)
	}
	if rows[2][0] != "sales/bob" || rows[2][2] != "Secret-Pw-2" || rows[2][4] != "invalid" {
		t.Errorf("row 3 = %q: the cells as typed and the status invalid", rows[2])
	}
	comments, err := x.GetComments(sheetName)
	if err != nil {
		t.Fatal(err)
	}
	if len(comments) == 0 || comments[0].Cell != "A3" {
		t.Errorf("notes %+v: want one on A3, the login name with a /", comments)
	}

	// A clean file gets no copy; --annotate none turns the copy off.
	clean := filepath.Join(dir, "clean.csv")
	if err := os.WriteFile(clean, []byte("code,name,password,timezone\ncarol,Carol,Secret-Pw-3,Asia/Tokyo\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cleanRep := filepath.Join(dir, "clean.report.csv")
	if code, _, stderr := runCmd(t, t.Context(), "validate", clean, "--report", cleanRep); code != exitOK {
		t.Fatalf("validate clean: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "clean.report.annotated.xlsx")); !os.IsNotExist(err) {
		t.Errorf("a clean file got an annotated copy: %v", err)
	}
}

// TestImportAnnotate: import --annotate writes the copy with every row's
// status, and importing the copy again ignores the two added columns.
func TestImportAnnotate(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "staff.csv")
	content := "code,name,password\nalice,Alice,Secret-Pw-1\nbob,,Secret-Pw-2\n"
	if err := os.WriteFile(in, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(dir, "staff.annotated.xlsx")
	if code, _, stderr := runCmd(t, t.Context(), "import", "--sim", in, "--report", filepath.Join(dir, "r.csv"), "--annotate", copyPath); code != exitRows {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	x, err := excelize.OpenFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	x.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[1][3] != "created" || rows[2][3] != "invalid" {
		t.Fatalf("annotated rows = %q", rows)
	}
	// The person fixes the name in the copy and imports the copy.
	fixed := filepath.Join(dir, "fixed.xlsx")
	x, err = excelize.OpenFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.SetCellValue(x.GetSheetName(0), "B3", "Bob"); err != nil {
		t.Fatal(err)
	}
	if err := x.SaveAs(fixed); err != nil {
		t.Fatal(err)
	}
	x.Close()
	code, _, stderr := runCmd(t, t.Context(), "validate", fixed, "--report", filepath.Join(dir, "r2.csv"), "--annotate", "none")
	if code != exitOK {
		t.Fatalf("validate of the fixed copy: exit %d: %s", code, stderr)
	}
	for _, r := range readReport(t, filepath.Join(dir, "r2.csv")) {
		if strings.Contains(r.Warnings, "userimport") {
			t.Errorf("row %d warns %q: the copy's own columns must be ignored without a word", r.Row, r.Warnings)
		}
	}
}

// TestValidateBigFileNoDefaultCopy: a file too big to annotate cheaply gets
// no copy by default, and the summary says how to ask for one.
func TestValidateBigFileNoDefaultCopy(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("code,name,password,timezone\n")
	for i := range maxDefaultAnnotated + 1 {
		fmt.Fprintf(&b, "user%d,User %d,Secret-Pw-%d,Asia/Tokio\n", i, i, i)
	}
	in := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	rep := filepath.Join(dir, "big.report.csv")
	_, _, stderr := runCmd(t, t.Context(), "validate", in, "--report", rep)
	if _, err := os.Stat(filepath.Join(dir, "big.report.annotated.xlsx")); !os.IsNotExist(err) {
		t.Errorf("a file of %d rows got a default annotated copy: %v", maxDefaultAnnotated+1, err)
	}
	if !strings.Contains(stderr, "--annotate FILE.xlsx") {
		t.Errorf("the summary does not say how to ask for a copy:\n%s", stderr)
	}
}
