package importer

import (
	"strings"
	"testing"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

func record(code string, set map[validate.Field]string, keep ...validate.Field) *validate.Record {
	rec := &validate.Record{Row: 7}
	rec.Values[validate.Code], rec.Set[validate.Code] = code, true
	for f, v := range set {
		rec.Values[f], rec.Set[f] = v, true
	}
	for _, f := range keep {
		rec.Set[f], rec.Keep[f], rec.Values[f] = true, true, ""
	}
	return rec
}

// TestSettleChecked: what the check stage does with a row that is not
// sent: errors make it invalid (a "*" where a new user needs a value says
// why), a deletion is skipped with a warning, anything else goes on.
func TestSettleChecked(t *testing.T) {
	required := report.Finding{Column: "password", Rule: "password.required", Severity: report.SeverityError, Message: "the password is empty"}
	for _, tc := range []struct {
		name     string
		rec      *validate.Record
		findings []report.Finding
		settled  bool
		status   report.Status
		text     string
	}{
		{"valid", record("a", nil), nil, false, "", ""},
		{"invalid", record("a", nil), []report.Finding{required}, true, report.Invalid, "the password is empty"},
		{"star password of a new user", record("a", nil, validate.Password), []report.Finding{required}, true, report.Invalid, `"*" means "leave unchanged"`},
		{"delete", func() *validate.Record { r := record("a", nil); r.Delete = true; return r }(), nil, true, report.Skipped, "--allow-delete"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &outcome{row: 7, code: "a", findings: append([]report.Finding(nil), tc.findings...)}
			if got := settleChecked(o, tc.rec, checkLife{}); got != tc.settled {
				t.Fatalf("settled = %v, want %v", got, tc.settled)
			}
			if !tc.settled {
				return
			}
			line := o.line("f", i18n.English)
			if line.Status != tc.status || !strings.Contains(line.Message+line.Warnings, tc.text) {
				t.Errorf("line %+v; want %s saying %q", line, tc.status, tc.text)
			}
		})
	}
}

// TestOutcomeLine: one outcome builds the whole line: the first error's
// rule is the error code unless the outcome names one, messages join the
// errors then what happened, warnings and changes have their columns.
func TestOutcomeLine(t *testing.T) {
	o := &outcome{row: 3, code: "x", status: report.Invalid, findings: []report.Finding{
		{Column: "email", Cell: "C3", Rule: "email.invalid", Severity: report.SeverityError, Message: "no @"},
		{Column: "phone", Cell: "D3", Rule: "cell.leading_zeros", Severity: report.SeverityWarning, Message: "zeros lost?"},
		{Column: "name", Cell: "B3", Rule: "name.required", Severity: report.SeverityError, Message: "empty"},
	}}
	o.note("checked")
	got := o.line("in", i18n.English)
	want := report.Row{Row: 3, Code: "x", Status: report.Invalid, ErrorCode: "email.invalid", Input: "in",
		Message:  `column "email": no @; column "name": empty; checked`,
		Warnings: `column "phone": zeros lost?`}
	if got.ErrorCode != want.ErrorCode || got.Message != want.Message || got.Warnings != want.Warnings || len(got.Findings) != 3 {
		t.Errorf("line %+v\nwant %+v", got, want)
	}
	o = &outcome{row: 4, stop: "not sent: the run was interrupted"}
	o.settle()
	if got := o.line("in", i18n.English); got.Status != report.NotAttempted || got.Message != o.stop {
		t.Errorf("stopped row: %+v", got)
	}
	o = &outcome{row: 5}
	o.settle()
	if got := o.line("in", i18n.English); got.Status != report.Failed || got.ErrorCode != "internal" {
		t.Errorf("row with no outcome: %+v", got)
	}
}

// TestColumnLetters: cell references as spreadsheets write them.
func TestColumnLetters(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := columnLetters(i); got != want {
			t.Errorf("columnLetters(%d) = %q, want %q", i, got, want)
		}
	}
	c := newCellNamer([]string{"code", "name"}, "Staff")
	if got := c.cell("name", 7); got != "Staff!B7" {
		t.Errorf("cell = %q, want Staff!B7", got)
	}
	if got := c.cell(`mapping "x"`, 7); got != "" {
		t.Errorf("a mapped value has cell %q", got)
	}
}
