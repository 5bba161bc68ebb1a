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
