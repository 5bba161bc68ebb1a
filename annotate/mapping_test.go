package annotate

import (
	"testing"

	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/validate"
)

// TestAnnotatedCopyImportsCleanly: the two columns an annotated copy ends
// with are ignored by the mapping without a finding, so a corrected copy
// imports like the original.
func TestAnnotatedCopyImportsCleanly(t *testing.T) {
	header := []string{"code", "name", "password", StatusHeader, MessageHeader}
	mp, err := mapping.NewMapper(header, validate.Users, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := mp.Findings(); len(f) != 0 {
		t.Fatalf("findings for an annotated copy's header: %+v", f)
	}
}
