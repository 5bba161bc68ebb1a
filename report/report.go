// Package report writes and reads the per-row results report: one line per
// input row, in input order, saying what happened to that row. The same
// writer serves `validate`, `import --dry-run` and `import`; the reader
// serves `import --resume`.
//
// Reports are written as CSV, JSON Lines or XLSX (see Format). An XLSX
// report bigger than a sheet continues on further sheets, so a
// million-row input gets its whole report in every format.
//
// An error writing a row or a file is sticky: every later Write, Flush
// and Close returns it and no later row is written, because a report with
// a hole in it would mislead --resume. Close still finishes the file as
// far as it can (an XLSX workbook is still written, with every row before
// the error) and returns the error, so a report is never silently short.
package report

// Status is the outcome of one input row. The spellings are a contract:
// scripts outside this repository grep for them.
type Status string

// Statuses of an import.
const (
	Created      Status = "created"
	Updated      Status = "updated"
	Unchanged    Status = "unchanged"
	Skipped      Status = "skipped"
	Invalid      Status = "invalid"
	Failed       Status = "failed"
	NotAttempted Status = "not_attempted"
	// OutcomeUnknown: a create was sent and nothing the server said tells
	// whether it was applied (an answer no wording known can classify);
	// --resume checks it again.
	OutcomeUnknown Status = "outcome_unknown"
)

// Statuses of the lifecycle operations (deletion, renames, leavers) and
// their dry runs.
const (
	Deleted         Status = "deleted"
	WouldDelete     Status = "would_delete"
	Renamed         Status = "renamed"
	WouldRename     Status = "would_rename"
	Deactivated     Status = "deactivated"
	WouldDeactivate Status = "would_deactivate"
)

// Statuses of a dry run (`import --dry-run`) and of `validate`.
const (
	WouldCreate Status = "would_create"
	WouldUpdate Status = "would_update"
	Valid       Status = "valid"
)

// Columns is the header of the CSV report. Every name is a contract:
// columns are only ever added at the end, never renamed or reordered. The
// first eight are required when a report is read back; the later ones
// (warnings, changes) are optional, so reports written before they existed
// still resume.
var Columns = []string{"row", "code", "status", "services", "error_code", "message", "departments", "input", "warnings", "changes"}

// requiredCols is how many leading Columns a report must have to be read.
const requiredCols = 8

// Severity says whether a finding stops a row (Error) or only needs a
// person's eye (Warning).
type Severity string

// Severities of a finding.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding is one problem or change found in one row: where it is in the
// person's file, which rule found it, and what to do. Rows carry a list of
// them; the CSV and XLSX reports show their messages (error_code, message,
// warnings), the JSONL report the whole list.
type Finding struct {
	// Column is the column as named in the person's file ("" for the
	// whole row).
	Column string `json:"column,omitempty"`
	// Cell is the cell reference the person sees: "C7" or "Staff!C7"
	// for XLSX, "C7" for CSV (the spreadsheet's row and column).
	Cell string `json:"cell,omitempty"`
	// Rule is a stable id such as "code.forbidden_char" or
	// "cell.leading_zeros"; scripts may branch on it.
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Message is for a person; it never holds a password.
	Message string `json:"message"`
}

// Row is one line of the report.
type Row struct {
	// Row is the input row number as the user sees it (CSV physical line,
	// XLSX sheet row).
	Row int `csv:"row" json:"row"`
	// Code is the login name (e-mail address for guests), as normalised.
	Code   string `csv:"code" json:"code"`
	Status Status `csv:"status" json:"status"`
	// Services is the outcome of the Update User Services step, e.g.
	// "assigned: kintone", "failed", "would_assign: kintone", or "".
	Services string `csv:"services" json:"services"`
	// ErrorCode is the validation rule id (e.g. "code.forbidden_char") or the
	// server's error code (e.g. "CB_VA01") that explains a non-success.
	ErrorCode string `csv:"error_code" json:"error_code"`
	// Message is for a person: what went wrong and what to do. It never
	// contains a password.
	Message string `csv:"message" json:"message"`
	// Departments is the outcome of the Update User's Departments step.
	Departments string `csv:"departments" json:"departments"`
	// Input fingerprints the input file ("name crc32c:… size:…") so that --resume
	// can refuse a report that belongs to another file.
	Input string `csv:"input" json:"input"`
	// Warnings are the messages of the row's warning findings, joined
	// with "; ": what the tool changed, guessed or could not be sure of.
	Warnings string `csv:"warnings" json:"warnings,omitempty"`
	// Changes lists, for would_update and updated rows, the fields that
	// change: "email: a@x -> b@x; phone: 1 -> 2" (never a password).
	Changes string `csv:"changes" json:"changes,omitempty"`
	// Findings is every finding of the row, errors and warnings, in the
	// order found. Only the JSONL report keeps the list itself.
	Findings []Finding `csv:"-" json:"findings,omitempty"`
}

// Writer receives report rows in input order.
type Writer interface {
	// Write appends one row. Formula-like cells are escaped by the writer.
	Write(r *Row) error
	// Flush pushes buffered rows to the file so that a crash loses no
	// finished row; the importer calls it after each batch.
	Flush() error
	// Close flushes and finishes the file (the XLSX writer only produces a
	// readable file at Close), also after a Write error, which it returns
	// again: the file then holds the rows written before the error.
	Close() error
}
