package probe

import (
	"reflect"
	"strings"
	"testing"
)

func want[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

// wantNote fails unless some note contains part.
func wantNote(t *testing.T, r *Report, part string) {
	t.Helper()
	for _, n := range r.Notes {
		if strings.Contains(n, part) {
			return
		}
	}
	t.Errorf("no note says %q; notes:\n%s", part, strings.Join(r.Notes, "\n"))
}
