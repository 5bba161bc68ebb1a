package annotate

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseRef checks that any reference parses without a panic, and that
// what parses names the cell it was written for.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"C7", "Staff!C7", "'My staff'!C7", "'it''s'!AB12", "$C$7", "!C7", "'a'b'!C7", "C0", "XFE1", "Q2:Q4", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		sh, col, row, err := parseRef(ref)
		if err != nil {
			return
		}
		if col < 1 || row < 1 {
			t.Fatalf("%q: column %d row %d", ref, col, row)
		}
		sh2, col2, row2, err := parseRef(cellName(col, row))
		if err != nil || sh2 != "" || col2 != col || row2 != row {
			t.Fatalf("%q (sheet %q): %s reads back as %d,%d (%v)", ref, sh, cellName(col, row), col2, row2, err)
		}
	})
}

// FuzzRecords reads any bytes as a CSV file: the rows of the records only
// grow, and reading ends.
func FuzzRecords(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a\n\n\"x\ny\"\nb", "\"unclosed\n1,2\n", "\xef\xbb\xbfa;b\r\n", "\xff\xfea\x00\n\x00"} {
		f.Add([]byte(s), "")
	}
	f.Add([]byte("a;b\n"), "windows-1252")
	f.Add([]byte("\x82\xa0,b\n"), "shift_jis")
	f.Fuzz(func(t *testing.T, data []byte, enc string) {
		p := filepath.Join(t.TempDir(), "f.csv")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		rs, err := openRecords(Input{Path: p, Encoding: enc})
		if err != nil {
			return
		}
		defer rs.close()
		last := 0
		for range len(data) + 2 {
			rec, err := rs.next()
			if err != nil {
				return
			}
			if rec.row <= last {
				t.Fatalf("row %d after row %d", rec.row, last)
			}
			last = rec.row
		}
		t.Fatalf("more records than bytes")
	})
}
