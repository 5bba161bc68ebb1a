package annotate

import (
	"os"
	"slices"
	"testing"

	"github.com/userimport/userimport/report"
)

// TestRenderSample writes annotated copies to $ANNOTATE_SAMPLE_DIR for a
// look in a spreadsheet program; without it the test is skipped.
func TestRenderSample(t *testing.T) {
	dir := os.Getenv("ANNOTATE_SAMPLE_DIR")
	if dir == "" {
		t.Skip("ANNOTATE_SAMPLE_DIR not set")
	}
	if err := Write(dir+"/staff.xlsx", Input{Path: "testdata/staff.xlsx", Sheet: "Staff", HeaderRow: 3}, slices.Values(staffRows()), Options{}); err != nil {
		t.Fatal(err)
	}
	rows := []report.Row{{Row: 2, Status: report.Valid}, {Row: 3, Status: report.Invalid, Findings: []report.Finding{{Cell: "A3", Severity: report.SeverityError, Message: "full-width letters"}}}}
	if err := Write(dir+"/users.xlsx", Input{Path: "testdata/users_sjis.csv", Encoding: "shift_jis"}, slices.Values(rows), Options{}); err != nil {
		t.Fatal(err)
	}
}
