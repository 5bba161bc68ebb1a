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
)

// Statuses of a dry run (`import --dry-run`) and of `validate`.
const (
	WouldCreate Status = "would_create"
	WouldUpdate Status = "would_update"
	Valid       Status = "valid"
)

// Columns is the header of the CSV report. The first six are a contract;
// later columns may be added, never renamed or reordered.
var Columns = []string{"row", "code", "status", "services", "error_code", "message", "departments", "input"}

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
