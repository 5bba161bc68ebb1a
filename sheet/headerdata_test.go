package sheet_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/userimport/userimport/sheet"
)

// TestHeaderIsData opens a file without a header row whose first row has
// two equal cells and a blank one: as a header it is refused, as data it
// is read, and a value under its blank cell is no error.
func TestHeaderIsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "noheader.csv")
	if err := os.WriteFile(path, []byte("kato,*,*,\nsuzuki,*,x,1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := sheet.Open(path, sheet.Options{}); !errors.Is(err, sheet.ErrDuplicateHeader) {
		t.Fatalf("as a header: %v, want a duplicate column name", err)
	}
	for _, data := range []bool{true, false} {
		asked := 0
		src, err := sheet.Open(path, sheet.Options{HeaderIsData: func(first []string) bool {
			asked++
			return data && len(first) == 4 && first[0] == "kato"
		}})
		if !data {
			if !errors.Is(err, sheet.ErrDuplicateHeader) {
				t.Fatalf("HeaderIsData false: %v, want a duplicate column name", err)
			}
			continue
		}
		if err != nil || asked != 1 {
			t.Fatalf("Open: %v (asked %d times)", err, asked)
		}
		row, err := src.Next()
		if err != nil || row.Cells[3] != "1" || src.Header()[0] != "kato" {
			t.Fatalf("Next: %v %q, header %q", err, row.Cells, src.Header())
		}
		src.Close()
	}
}

// TestUnreadableHeaderIsTheError reads a Windows-1252 file as UTF-8 with
// a header search: the header row cannot be read and no other row is a
// header, so the error is the header row's encoding, not a data row taken
// for a header.
func TestUnreadableHeaderIsTheError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "latin.csv")
	if err := os.WriteFile(path, []byte("code,nom\xe9,password\nann,Ann,Pass-An-2025\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := sheet.Open(path, sheet.Options{Encoding: "utf-8", FindHeader: func([][]string) (int, bool) { return 0, false }})
	var fe *sheet.FileError
	if !errors.Is(err, sheet.ErrEncoding) || !errors.As(err, &fe) || fe.Row != 1 {
		t.Fatalf("Open: %v, want the encoding error of row 1", err)
	}
}
