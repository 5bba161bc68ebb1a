package lifecycle

import (
	"testing"

	"github.com/userimport/userimport/kintone"
)

// The client has every call the package makes.
var _ API = (*kintone.Client)(nil)

func TestCrossCheck(t *testing.T) {
	deletes := []Item{{Row: 2, Code: "a"}, {Row: 3, Code: "z"}, {Row: 4, Code: "q"}}
	changes := []Change{
		{Row: 5, Current: "a", New: "b"}, // renames a deleted user
		{Row: 6, Current: "y", New: "z"}, // renames to a deleted name
		{Row: 7, Current: "c", New: "d"}, // unrelated
		{Row: 8, Current: "q", New: "*"}, // no rename
	}
	got := map[int]string{}
	for _, c := range CrossCheck(deletes, changes) {
		if c.ErrorCode != CodeDeleteAndRename {
			t.Errorf("%+v", c)
		}
		got[c.Row] = c.Message
	}
	for _, row := range []int{2, 3, 5, 6} {
		if got[row] == "" {
			t.Errorf("row %d not refused", row)
		}
	}
	for _, row := range []int{4, 7, 8} {
		if got[row] != "" {
			t.Errorf("row %d refused: %s", row, got[row])
		}
	}
	if want := `row 5 renames "a" to "b" while row 2 deletes "a": the order would decide the result; do one in a later run`; got[5] != want {
		t.Errorf("message %q", got[5])
	}
}

// FuzzCheckChanges: whatever the file, the renames let through never
// depend on their order: their current names are distinct, their new
// names are distinct, and no new name is the current name of another
// rename of the file.
func FuzzCheckChanges(f *testing.F) {
	f.Add([]byte{0, 1, 1, 0})       // a swap
	f.Add([]byte{0, 1, 1, 2, 3, 4}) // a chain and one more
	f.Add([]byte{0, 1, 2, 1})       // one new name twice
	f.Fuzz(func(t *testing.T, data []byte) {
		names := []string{"a", "b", "c", "d", "e", "*", ""}
		var changes []Change
		for i := 0; i+1 < len(data) && len(changes) < 50; i += 2 {
			changes = append(changes, Change{Row: len(changes) + 2,
				Current: names[int(data[i])%5], New: names[int(data[i+1])%len(names)]})
		}
		out := make([]Outcome, len(changes))
		tasks := checkChanges(changes, out, &Options{})
		cur, nw := map[string]bool{}, map[string]bool{}
		for _, t2 := range tasks {
			if cur[t2.code] || nw[t2.newCode] {
				t.Fatalf("%v: %q -> %q let through twice", changes, t2.code, t2.newCode)
			}
			cur[t2.code], nw[t2.newCode] = true, true
		}
		for _, c := range changes {
			if c.New == "" || c.New == "*" || c.New == c.Current {
				continue
			}
			for _, t2 := range tasks {
				if t2.newCode == c.Current || (t2.code == c.New && t2.newCode != c.New) {
					t.Fatalf("%v: %q -> %q let through while %q -> %q is in the file", changes, t2.code, t2.newCode, c.Current, c.New)
				}
			}
		}
		for i, o := range out {
			if o.Status == "" && !slicesContainsTask(tasks, &out[i]) {
				t.Fatalf("row %d has no outcome and is not sent", changes[i].Row)
			}
		}
	})
}

func slicesContainsTask(tasks []*task, o *Outcome) bool {
	for _, t := range tasks {
		if t.out == o {
			return true
		}
	}
	return false
}
