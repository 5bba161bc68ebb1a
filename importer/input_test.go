package importer_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
)

// TestImportFromPipe imports from a named pipe, which can be read only
// once: the file is read in one pass, its users are created, the report
// lines carry its name, and the summary the fingerprint of the bytes read,
// the same as of a regular file with that content.
func TestImportFromPipe(t *testing.T) {
	const content = "code,name,password\nann,Ann,Pass-An-2025\nben,Ben,Pass-Be-2025\n"
	dir := t.TempDir()
	fifo := filepath.Join(dir, "users.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	wrote := make(chan error, 1)
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			wrote <- err
			return
		}
		_, err = f.WriteString(content)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		wrote <- err
	}()
	srv := kintonetest.NewServer()
	defer srv.Close()
	rep := &memReport{}
	sum, err := importer.Import(t.Context(), client(t, srv), baseOptions(fifo, rep))
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if err := <-wrote; err != nil {
		t.Fatalf("writing the pipe: %v", err)
	}
	if sum.Counts[report.Created] != 2 || len(rep.rows) != 2 {
		t.Fatalf("summary %s, %d report rows", sum.Summary.String(), len(rep.rows))
	}
	for _, c := range []string{"ann", "ben"} {
		if _, ok := srv.User(c); !ok {
			t.Errorf("%s was not created", c)
		}
	}
	if rep.rows[0].Input != "users.csv" {
		t.Errorf("report input %q, want the pipe's name", rep.rows[0].Input)
	}
	regular := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(regular, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	want, err := sheet.Fingerprint(regular)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Fingerprint != want {
		t.Errorf("fingerprint %q, want %q (that of the same bytes in a file)", sum.Fingerprint, want)
	}

	// A --resume must match the report to the file before reading it,
	// which a pipe cannot be.
	opts := baseOptions(fifo, &memReport{})
	opts.Resume = filepath.Join(dir, "earlier.csv")
	if _, err := importer.Import(t.Context(), client(t, srv), opts); err == nil || !strings.Contains(err.Error(), "regular file") {
		t.Errorf("--resume from a pipe: %v, want a refusal", err)
	}
}
