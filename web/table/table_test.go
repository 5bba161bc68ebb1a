package table

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// TestRecheckMatchesFullCheck edits random cells of a file full of near
// duplicates and requires, after every edit, that the findings kept up to
// date by Recheck are exactly those of checking the whole file again.
func TestRecheckMatchesFullCheck(t *testing.T) {
	t.Parallel()
	codes := []string{"alice", "Alice", "bob", "carol", "", "bad/code", " dave"}
	emails := []string{"a@example.com", "A@example.com", "b@example.com", "not-an-address", ""}
	names := []string{"Alice", "", "Bob"}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	header := []string{"code", "name", "email", "password"}
	tbl := &File{Header: header, Unreadable: map[int]Finding{}}
	for i := range 60 {
		tbl.Lines = append(tbl.Lines, i+2)
		tbl.Cells = append(tbl.Cells, []string{pick(codes), pick(names), pick(emails), "Pass-word-1"})
	}
	for _, mode := range []string{"create", "upsert"} {
		t.Run(mode, func(t *testing.T) {
			c, err := NewChecker(header, validate.Users, nil)
			if err != nil {
				t.Fatal(err)
			}
			c.SetUpdate(mode != "create")
			g := &Grid{t: tbl, checker: c}
			g.findings = c.CheckAll(tbl)
			g.recount()
			for step := range 300 {
				row, col := rng.IntN(len(tbl.Cells)), rng.IntN(3)
				val := pick([][]string{codes, names, emails}[col])
				if _, err := g.Edit(row, col, val); err != nil {
					t.Fatal(err)
				}
				fresh, _ := NewChecker(header, validate.Users, nil)
				fresh.SetUpdate(mode != "create")
				want := fresh.CheckAll(tbl)
				for i := range want {
					if !reflect.DeepEqual(g.findings[i], want[i]) {
						t.Fatalf("step %d (row %d col %d = %q): row %d\n got %v\nwant %v", step, row, col, val, i, g.findings[i], want[i])
					}
				}
				wantCounts := (&Grid{t: tbl, checker: fresh, findings: want})
				wantCounts.recount()
				if !reflect.DeepEqual(g.counts, wantCounts.counts) {
					t.Fatalf("step %d: counts %+v, want %+v", step, g.counts, wantCounts.counts)
				}
			}
		})
	}
}

func TestEditRefusesBadCells(t *testing.T) {
	t.Parallel()
	tbl := &File{Header: []string{"code", "name"}, Lines: []int{2, 3}, Cells: [][]string{{"a", "A"}, nil},
		Unreadable: map[int]Finding{1: {Col: -1, Rule: "file.unreadable_row", Severity: SevError, Message: "wrong number of cells"}}}
	c, err := NewChecker(tbl.Header, validate.Users, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := &Grid{t: tbl, checker: c}
	g.findings = c.CheckAll(tbl)
	for _, tt := range []struct{ row, col int }{{-1, 0}, {2, 0}, {0, 2}, {0, -1}, {1, 0}} {
		if _, err := g.Edit(tt.row, tt.col, "x"); err == nil {
			t.Errorf("edit(%d, %d) succeeded", tt.row, tt.col)
		}
	}
	if got := g.findings[1]; len(got) != 1 || got[0].Rule != "file.unreadable_row" {
		t.Errorf("the unreadable row's finding is %v", got)
	}
}

func TestColumnLetters(t *testing.T) {
	t.Parallel()
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := ColumnLetters(i); got != want {
			t.Errorf("ColumnLetters(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestWriteCSVLinesFollowMultilineCells(t *testing.T) {
	t.Parallel()
	tbl := &File{Header: []string{"code", "description"}, Lines: []int{3, 4, 9}, Cells: [][]string{{"a", "one\ntwo\nthree"}, {"b", "x"}, nil}}
	path := filepath.Join(t.TempDir(), "c.csv")
	lines, err := WriteCSV(path, tbl)
	if err != nil {
		t.Fatal(err)
	}
	// A multi-line cell is one row, as in a spreadsheet: every row keeps
	// its number.
	if fmt.Sprint(lines) != "[3 4 9]" {
		t.Errorf("lines %v, want [3 4 9]", lines)
	}
	back, err := Load(path, sheet.Options{HeaderRow: 1})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(back.Lines) != "[3 4 9]" || len(back.Unreadable) != 1 {
		t.Errorf("the importer reads rows %v (unreadable %v)", back.Lines, back.Unreadable)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v", fi.Mode(), err)
	}
}

// TestRecheckFallsBackOnHugeGroups: an edit touching a group of thousands
// of duplicates checks the whole file again, with the same result.
func TestRecheckFallsBackOnHugeGroups(t *testing.T) {
	t.Parallel()
	header := []string{"code", "name", "email", "password"}
	tbl := &File{Header: header, Unreadable: map[int]Finding{}}
	for i := range 3000 {
		tbl.Lines = append(tbl.Lines, i+2)
		tbl.Cells = append(tbl.Cells, []string{"same", fmt.Sprintf("User %d", i), "same@example.com", "Pass-word-1"})
	}
	c, err := NewChecker(header, validate.Users, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := &Grid{t: tbl, checker: c}
	g.findings = c.CheckAll(tbl)
	g.recount()
	tbl.Cells[0][0] = "other"
	if _, all := c.Recheck(tbl, 0); !all {
		t.Fatal("a 3,000-row group was re-checked row by row")
	}
	tbl.Cells[0][0] = "same"
	c.Recheck(tbl, 0)
	if _, err := g.Edit(0, 0, "first"); err != nil {
		t.Fatal(err)
	}
	fresh, _ := NewChecker(header, validate.Users, nil)
	want := fresh.CheckAll(tbl)
	if !reflect.DeepEqual(g.findings, want) {
		t.Error("the fallback's findings differ from a full check")
	}
	if g.counts.Errors != 2998 { // row 1 is now the first "same"; rows 2.. duplicate it
		t.Errorf("%d rows with errors, want 2998", g.counts.Errors)
	}
}
