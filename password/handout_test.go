package password

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHandoutResume: a resume takes over the passwords file of the run it
// resumes, a login keeps the password it was given, and a settled run
// keeps only the users created.
func TestHandoutResume(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "run1.csv")
	h, err := OpenHandout(PathFor(first), "", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	pws, err := h.Assign([]Person{{Login: "alice", Name: "Alice", Email: "a@example.com"}, {Login: "bob", Name: "Bob"}})
	if err != nil || len(pws) != 2 || pws[0] == pws[1] {
		t.Fatalf("Assign = %v, %v", pws, err)
	}
	if path, n, err := h.Finish(false, false); err != nil || n != 2 || path != PathFor(first) {
		t.Fatalf("unsettled Finish = %q, %d, %v", path, n, err)
	}

	second := filepath.Join(dir, "run2.csv")
	h, err = OpenHandout(PathFor(second), first, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(PathFor(first)); !os.IsNotExist(err) {
		t.Errorf("the resumed run's file is still there: %v", err)
	}
	again, err := h.Assign([]Person{{Login: "alice", Name: "Alice"}})
	if err != nil || len(again) != 1 || again[0] != pws[0] {
		t.Fatalf("alice got %v, want her first password", again)
	}
	h.NoteCreated("alice")
	path, n, err := h.Finish(true, false)
	if err != nil || n != 1 {
		t.Fatalf("settled Finish = %q, %d, %v", path, n, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "alice") || strings.Contains(string(b), "bob") {
		t.Errorf("kept file:\n%s\nwant alice only", b)
	}
}

// TestHandoutRefusesTwoFiles: a resume whose own passwords file exists
// too would mix two runs' passwords; it is refused.
func TestHandoutRefusesTwoFiles(t *testing.T) {
	dir := t.TempDir()
	first, second := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	for _, p := range []string{first, second} {
		h, err := OpenHandout(PathFor(p), "", io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Assign([]Person{{Login: "x"}}); err != nil {
			t.Fatal(err)
		}
		h.Abort()
	}
	if _, err := OpenHandout(PathFor(second), first, io.Discard); err == nil || !strings.Contains(err.Error(), "both") {
		t.Errorf("err %v; want both files named", err)
	}
}

// TestHandoutNil: no generated passwords means no file and no work.
func TestHandoutNil(t *testing.T) {
	var h *Handout
	if pws, err := h.Assign([]Person{{Login: "x"}}); pws != nil || err != nil {
		t.Errorf("nil Assign = %v, %v", pws, err)
	}
	h.NoteCreated("x")
	h.Abort()
	if path, n, err := h.Finish(true, false); path != "" || n != 0 || err != nil {
		t.Errorf("nil Finish = %q, %d, %v", path, n, err)
	}
}
