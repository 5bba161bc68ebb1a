package importer

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// outcome is the fate of one input row: everything its report line says,
// and nothing else builds that line. Stages fill it in as the row passes;
// line renders it once, when the row is finished.
type outcome struct {
	row    int
	code   string
	status report.Status
	// errCode explains a non-success that no error finding explains (a
	// server's error code, "exists"...); it wins over the findings' rule.
	errCode string
	// msgs are what happened to the row, for a person, in order.
	msgs []string
	// findings are the problems and changes found in the row's cells.
	findings []report.Finding
	// warnings are warning texts without a finding of their own: those of
	// a previous report's line that --resume copies.
	warnings []string
	// changes are the fields an update changes or would change
	// ("email: a@x -> b@x").
	changes []string
	// services and departments are the outcomes of the steps after the
	// user write ("assigned: kintone", "failed: …", "not_attempted").
	services, departments string
	// stop says why the row was not (or not fully) sent when the run
	// stopped; a row with a stop reason and no status is not_attempted.
	stop string
	// stepFailed marks a user created or updated whose services or
	// departments step did not end well.
	stepFailed bool
	// uncertain marks a create whose answer was lost: the user may exist.
	uncertain bool
	// pooled marks an outcome of outcomePool, returned to it once its
	// line is built.
	pooled bool
}

// outcomePool recycles the outcomes of the check stage: a validate run
// makes one per row, and most live only until their line is built.
var outcomePool = sync.Pool{New: func() any { return new(outcome) }}

func newOutcome() *outcome {
	o := outcomePool.Get().(*outcome)
	o.pooled = true
	return o
}

// release returns a pooled outcome. Its slices are dropped, not reused:
// the line built from it may still hold them.
func (o *outcome) release() {
	if o.pooled {
		*o = outcome{}
		outcomePool.Put(o)
	}
}

// note appends a message for a person.
func (o *outcome) note(msg string) {
	if msg != "" {
		o.msgs = append(o.msgs, msg)
	}
}

// fail sets a failed status with its code and message.
func (o *outcome) fail(code, msg string) {
	o.status, o.errCode = report.Failed, code
	o.note(msg)
}

// unknown sets the outcome_unknown status: a create was sent and the
// server's answers cannot say whether it was applied. The send log keeps
// its evidence, so --resume checks it again.
func (o *outcome) unknown(msg string) {
	o.status, o.errCode, o.uncertain = report.OutcomeUnknown, "outcome_unknown", true
	o.note(msg)
}

// warn adds a warning finding about the whole row.
func (o *outcome) warn(rule, msg string) {
	o.findings = append(o.findings, report.Finding{Rule: rule, Severity: report.SeverityWarning, Message: msg})
}

// settle gives a row that reached no status its final one: not_attempted
// when the run stopped before it, else an internal failure (a bug, but the
// row still gets its line).
func (o *outcome) settle() {
	switch {
	case o.status != "":
	case o.stop != "":
		o.status = report.NotAttempted
	default:
		o.fail("internal", "internal error: the row reached no outcome")
	}
}

// line renders the report line: the first error finding's rule is the
// error code unless errCode says otherwise; the message joins the error
// findings, then what happened; warnings and changes have columns of their
// own.
func (o *outcome) line(input string) *report.Row {
	r := &report.Row{
		Row: o.row, Code: o.code, Status: o.status, Services: o.services, Departments: o.departments,
		ErrorCode: o.errCode, Input: input, Findings: o.findings,
	}
	var msg, warn strings.Builder
	for i := range o.findings {
		f := &o.findings[i]
		if f.Severity != report.SeverityError {
			joinTo(&warn, findingText(f))
			continue
		}
		if r.ErrorCode == "" {
			r.ErrorCode = f.Rule
		}
		joinTo(&msg, findingText(f))
	}
	for _, m := range o.msgs {
		joinTo(&msg, m)
	}
	joinTo(&msg, o.stop)
	for _, w := range o.warnings {
		joinTo(&warn, w)
	}
	r.Message, r.Warnings = msg.String(), warn.String()
	r.Changes = strings.Join(o.changes, "; ")
	return r
}

func joinTo(b *strings.Builder, s string) {
	if s == "" {
		return
	}
	if b.Len() > 0 {
		b.WriteString("; ")
	}
	b.WriteString(s)
}

// findingText is a finding as the CSV report's message shows it: the
// column, then the message (the line has the row already).
func findingText(f *report.Finding) string {
	if f.Column == "" {
		return f.Message
	}
	return "column " + strconv.Quote(f.Column) + ": " + f.Message
}

// keptOutcome is a previous report's line that --resume copies because the
// row ended well there.
func keptOutcome(prev *report.Row) *outcome {
	o := &outcome{
		row: prev.Row, code: prev.Code, status: prev.Status, errCode: prev.ErrorCode,
		services: prev.Services, departments: prev.Departments, findings: prev.Findings,
	}
	o.note(prev.Message)
	if prev.Changes != "" {
		o.changes = []string{prev.Changes}
	}
	if len(prev.Findings) == 0 && prev.Warnings != "" {
		o.warnings = []string{prev.Warnings}
	}
	return o
}

// cellNamer turns a column of the person's file into the cell reference
// they look up ("C7", or "Staff!C7" for a named sheet).
type cellNamer struct {
	sheet string
	index map[string]int // header cell -> 0-based column
}

func newCellNamer(header []string, sheetName string) *cellNamer {
	c := &cellNamer{sheet: sheetName, index: make(map[string]int, len(header))}
	for i, h := range header {
		if _, dup := c.index[h]; !dup {
			c.index[h] = i
		}
	}
	return c
}

// cell returns the reference of column col in row, or "" when col is not
// a column of the file (a value a mapping builds).
func (c *cellNamer) cell(col string, row int) string {
	i, ok := c.index[col]
	if !ok || row <= 0 {
		return ""
	}
	ref := columnLetters(i) + strconv.Itoa(row)
	if c.sheet != "" {
		return c.sheet + "!" + ref
	}
	return ref
}

// columnLetters names a 0-based column the way spreadsheets do: A..Z, AA...
func columnLetters(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

// issueFinding turns a validation issue into a finding: its Detail, the
// message without the file and row that the report line has already.
func (c *cellNamer) issueFinding(is *validate.Issue, lang i18n.Lang) report.Finding {
	sev := report.SeverityError
	if is.Severity == validate.Warning {
		sev = report.SeverityWarning
	}
	msg := is.Message
	if !is.Detail.IsZero() {
		msg = is.Detail.In(lang)
	}
	return report.Finding{Column: is.Column, Cell: c.cell(is.Column, is.Row), Rule: string(is.Rule), Severity: sev, Message: msg}
}

// changeFinding records a normalisation as a warning: the report says
// what will be sent instead of what the file holds.
func (c *cellNamer) changeFinding(ch *validate.Change, row int) report.Finding {
	col := ch.Column
	if col == "" {
		col = ch.Field.String()
	}
	return report.Finding{
		Column: col, Cell: c.cell(col, row), Rule: ch.Field.String() + ".normalised", Severity: report.SeverityWarning,
		Message: fmt.Sprintf("%q is read as %q", ch.From, ch.To),
	}
}

// skippedOutcome is the line of a hidden row left out by --skip-hidden:
// skipped, with the reader's findings about it.
// codeCol is the index of the login name's cell (-1 if none), so that the
// line says whose row it is.
func skippedOutcome(row *sheet.Row, codeCol int) *outcome {
	o := &outcome{row: row.Line, status: report.Skipped, findings: row.Findings}
	if codeCol >= 0 && codeCol < len(row.Cells) {
		o.code = strings.TrimSpace(row.Cells[codeCol])
	}
	o.note("hidden row left out (--skip-hidden)")
	return o
}

// fileErrorOutcome is the line of a row the reader could not read.
func fileErrorOutcome(fe *sheet.FileError, err error) *outcome {
	o := &outcome{row: fe.Row, status: report.Invalid}
	msg := fe.Err.Error()
	o.findings = []report.Finding{{Column: fe.Column, Rule: "file." + fileErrorCode(err), Severity: report.SeverityError, Message: msg}}
	return o
}
