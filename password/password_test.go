package password

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestGenerate(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		pw, err := Generate()
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) != Length {
			t.Fatalf("%q has %d characters, want %d", pw, len(pw), Length)
		}
		if !hasEveryClass([]byte(pw)) {
			t.Fatalf("%q lacks a character class", pw)
		}
		if !strings.ContainsRune(upper+lower, rune(pw[0])) {
			t.Fatalf("%q starts with %q; a spreadsheet may take a symbol for a formula", pw, pw[0])
		}
		if strings.ContainsAny(pw, "\"',\\ \t0O1lI") {
			t.Fatalf("%q has a character that CSV, Excel or a reader mangles", pw)
		}
		if seen[pw] {
			t.Fatalf("%q generated twice", pw)
		}
		seen[pw] = true
	}
}

func TestHasEveryClass(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"Ab3#", true},
		{"Abc#", false},
		{"ab3#", false},
		{"AB3#", false},
		{"Ab34", false},
		{"", false},
	} {
		if got := hasEveryClass([]byte(tt.in)); got != tt.want {
			t.Errorf("hasEveryClass(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestFileReusesPasswordsAcrossRuns(t *testing.T) {
	path := PathFor(filepath.Join(t.TempDir(), "report.csv"))
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.Assign("alice", "Alice", "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := f.Assign("alice", "Alice", "alice@example.com"); again != a {
		t.Fatalf("second Assign gave %q, want the first %q", again, a)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != Mode {
		t.Fatalf("mode %v, want %v", info.Mode().Perm(), Mode)
	}

	// A resume: the same login gets the same password, a new one a new one.
	f, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Assign("alice", "Alice", "alice@example.com"); got != a {
		t.Fatalf("resume gave alice %q, want %q", got, a)
	}
	b, err := f.Assign("bob", "山田 太郎", "bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if b == a {
		t.Fatal("two users got the same password")
	}
	if f.Len() != 2 {
		t.Fatalf("Len = %d, want 2", f.Len())
	}
	out, err := f.Finish(func(login string) bool { return login == "alice" }, false)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := bom + "login,name,email,password\nalice,Alice,alice@example.com," + a + "\n"
	if string(data) != want {
		t.Fatalf("file after Finish:\n%q\nwant\n%q", data, want)
	}
	if info, _ := os.Stat(out); info.Mode().Perm() != Mode {
		t.Fatalf("mode after Finish %v, want %v", info.Mode().Perm(), Mode)
	}
}

func TestFileDropsTornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.csv")
	content := bom + "login,name,email,password\nalice,Alice,a@example.com,Secret-1234567ab\nbob,Bob,b@exa"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, ok := f.Lookup("bob"); ok {
		t.Fatal("a torn last line was taken as an entry")
	}
	if pw, ok := f.Lookup("alice"); !ok || pw != "Secret-1234567ab" {
		t.Fatalf("alice = %q, %v", pw, ok)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != Mode {
		t.Fatalf("an existing file keeps mode %v, want %v", info.Mode().Perm(), Mode)
	}
	if _, err := f.Assign("carol", "Carol", ""); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "b@exa") || !strings.Contains(string(data), "\ncarol,Carol,,") {
		t.Fatalf("file = %q: the torn line must go and carol must follow alice", data)
	}
}

func TestFileRefusesOtherFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.csv")
	if err := os.WriteFile(path, []byte("row,code,status\n2,a,created\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err == nil {
		t.Fatal("Open appended to a file that is not a passwords file")
	}
}

func TestFinishXLSX(t *testing.T) {
	path := PathFor(filepath.Join(t.TempDir(), "report.xlsx"))
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	pw, err := f.Assign("alice", "Alice", "a@example.com")
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.Finish(func(string) bool { return true }, true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out, ".passwords.xlsx") {
		t.Fatalf("Finish wrote %s, want a .passwords.xlsx", out)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the CSV is still there: %v", err)
	}
	x, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("passwords")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1][0] != "alice" || rows[1][3] != pw {
		t.Fatalf("rows = %q", rows)
	}
}

func TestFinishWithoutCreatedUsersRemovesFile(t *testing.T) {
	path := PathFor(filepath.Join(t.TempDir(), "report.csv"))
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Assign("alice", "Alice", ""); err != nil {
		t.Fatal(err)
	}
	out, err := f.Finish(func(string) bool { return false }, false)
	if err != nil || out != "" {
		t.Fatalf("Finish = %q, %v; want no file", out, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("file left behind: %v", err)
	}
}

// FuzzOpen: whatever an existing file holds, Open either refuses it or
// reads it, and never turns a torn line into an entry.
func FuzzOpen(f *testing.F) {
	f.Add(bom + "login,name,email,password\nalice,A,a@x,Secret-1\n")
	f.Add("login,name,email,password\n\"a\nb\",x,y,z\n")
	f.Add("garbage")
	f.Add("login,name,email,password")
	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(t.TempDir(), "p.csv")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		pf, err := Open(path)
		if err != nil {
			return
		}
		defer pf.Close()
		if _, err := pf.Assign("new-user", "N", ""); err != nil {
			t.Fatal(err)
		}
		if err := pf.Sync(); err != nil {
			t.Fatal(err)
		}
		again, err := Open(path)
		if err != nil {
			t.Fatalf("a file Open accepted and appended to no longer opens: %v", err)
		}
		defer again.Close()
		if _, ok := again.Lookup("new-user"); !ok {
			t.Fatal("the appended entry is lost")
		}
	})
}
