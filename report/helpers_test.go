package report

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

const fingerprint = "users.csv sha256:0f1e2d3c"

// sampleRows covers every status, every formula trigger, CSV
// metacharacters, Japanese text and a value that only looks quoted.
func sampleRows() []Row {
	return []Row{
		{Row: 2, Code: "alice", Status: Created, Services: "assigned: kintone", Input: fingerprint},
		{Row: 3, Code: "bob", Status: Updated, Services: "assigned: kintone;garoon", Departments: "assigned: Sales", Input: fingerprint},
		{Row: 4, Code: "carol", Status: Unchanged, Input: fingerprint},
		{Row: 5, Code: "dave", Status: Skipped, Message: "user exists; --mode skip-existing", Input: fingerprint},
		{Row: 6, Code: "=HYPERLINK(\"http://evil\",\"x\")", Status: Invalid, ErrorCode: "code.forbidden_char", Message: "column \"ログイン名\": \"=\" is not allowed in a login name; remove it", Input: fingerprint},
		{Row: 7, Code: "+81312345678", Status: Failed, ErrorCode: "CB_VA01", Message: "-5 is out of range, the server said:\nline two, with \"quotes\", and commas", Input: fingerprint},
		{Row: 8, Code: "@sum", Status: NotAttempted, Message: "\tinterrupted", Input: fingerprint},
		{Row: 9, Code: "\rcr", Status: WouldCreate, Services: "would_assign: kintone", Input: fingerprint},
		{Row: 10, Code: "'=already quoted", Status: WouldUpdate, Message: "'plain quote stays", Input: fingerprint, Changes: "email: a@example.com -> b@example.com"},
		{Row: 11, Code: "山田太郎", Status: Valid, Message: "表示名を「山田 太郎」に正規化しました", Departments: "営業部, 東京", Input: fingerprint,
			Warnings: "E11: 00123 was a number; leading zeros may be lost",
			Findings: []Finding{{Column: "従業員番号", Cell: "E11", Rule: "cell.number_as_text", Severity: SeverityWarning, Message: "00123 was a number; leading zeros may be lost"}}},
		{Row: 1048576, Code: "last", Status: Failed, ErrorCode: "-", Message: "", Input: fingerprint},
	}
}

// writeAll writes rows to a new report at path and closes it.
func writeAll(t testing.TB, path string, rows []Row) {
	t.Helper()
	w, err := Create(path)
	if err != nil {
		t.Fatalf("Create(%q): %v", path, err)
	}
	for i := range rows {
		if err := w.Write(&rows[i]); err != nil {
			t.Fatalf("Write(row %d): %v", rows[i].Row, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// readAll reads every row of the report at path.
func readAll(t testing.TB, path string) ([]Row, error) {
	t.Helper()
	var got []Row
	err := Read(path, func(r Row) error {
		got = append(got, r)
		return nil
	})
	return got, err
}

// writeFile writes content to name in a fresh temporary directory.
func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// sameRows compares reports row by row; a Row holds a slice, so it is not
// comparable with ==, and an empty and a nil list of rows are the same.
func sameRows(a, b []Row) bool {
	return len(a) == len(b) && slices.EqualFunc(a, b, func(x, y Row) bool { return reflect.DeepEqual(x, y) })
}
