package importer

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"strings"

	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// resumeState walks a previous report alongside the input. Both are in
// input order, so the previous report is streamed, not loaded: resuming a
// million-row file needs no more memory than running it.
type resumeState struct {
	path string
	next func() (report.Row, error, bool)
	stop func()
	cur  *report.Row
	// changed is set when the input is not byte for byte the file the
	// report was written for (rows were fixed since): rows are then
	// matched by row number and login name.
	changed bool
	log     io.Writer
	// sent is the previous run's send log, if it left one.
	sent sentRows
}

var errStopReading = errors.New("stop")

// loadResume opens a previous report and checks that it belongs to the
// input: the file name must match (a report of another file is refused); a
// changed file is accepted with rows matched by row number and login name,
// which is the retry-after-fixing workflow.
func loadResume(path, fingerprint string, log io.Writer) (*resumeState, error) {
	seq := func(yield func(report.Row, error) bool) {
		err := report.Read(path, func(r report.Row) error {
			if !yield(r, nil) {
				return errStopReading
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopReading) {
			yield(report.Row{}, err)
		}
	}
	next, stop := iter.Pull2(iter.Seq2[report.Row, error](seq))
	rs := &resumeState{path: path, next: next, stop: stop, log: log}
	first, err, ok := next()
	if err != nil {
		stop()
		return nil, fmt.Errorf("reading the report to resume: %w", err)
	}
	if ok {
		if name := inputName(first.Input); name != inputName(fingerprint) {
			stop()
			return nil, fmt.Errorf("%s is the report of %q, not of %q: refusing to resume from it", path, name, inputName(fingerprint))
		}
		rs.cur = &first
		rs.changed = first.Input != fingerprint
	}
	// A second, quick pass finds where the report ends: only the rows
	// after it can have been in flight when the previous run died. (A
	// damaged report gives the last row before the damage; seek warns.)
	last, _ := lastReportedRow(path)
	if rs.sent, err = readSendLog(SendLogPath(path), last); err != nil {
		stop()
		return nil, err
	}
	return rs, nil
}

// maybeCreated reports whether a run before this one sent a create for
// the login name of a row it did not finish (prev is its line, if any):
// the create had an unknown outcome, or the send log shows it.
func (rs *resumeState) maybeCreated(rec *validate.Record, prev *report.Row) bool {
	return prev != nil && prev.ErrorCode == "outcome_unknown" || rs.sent.sent(rec)
}

// inputName is the file name part of a sheet.Fingerprint (a name may contain
// spaces, so it is cut at the last " crc32c:").
func inputName(fp string) string {
	if i := strings.LastIndex(fp, " crc32c:"); i >= 0 {
		fp = fp[:i]
	}
	return filepath.Base(fp)
}

// seek returns the previous report's line for an input row, if any.
func (rs *resumeState) seek(row int) *report.Row {
	for rs.cur != nil && rs.cur.Row < row {
		r, err, ok := rs.next()
		if err != nil {
			// A report cut short by a crash, or damaged since: the rows
			// after the damage run again, which is safe (a user created
			// before is recognised), but the admin should know why.
			fmt.Fprintf(rs.log, "warning: %s cannot be read past row %d (%v); the rows after it run again\n", rs.path, rs.cur.Row, err)
		}
		if err != nil || !ok {
			rs.cur = nil
			break
		}
		rs.cur = &r
	}
	if rs.cur != nil && rs.cur.Row == row {
		return rs.cur
	}
	return nil
}

// endedWell reports whether a previous line needs no further work.
func endedWell(r *report.Row) bool {
	switch r.Status {
	case report.Created, report.Updated, report.Unchanged, report.Skipped:
	default:
		return false
	}
	return !stepUnfinished(r.Services) && !stepUnfinished(r.Departments)
}

// stepUnfinished reports whether a services or departments outcome still
// needs doing: it failed, was not attempted, or was only planned (a dry
// run's would_…, should its report be resumed).
func stepUnfinished(s string) bool {
	return strings.HasPrefix(s, "failed") || strings.HasPrefix(s, "not_attempted") || strings.HasPrefix(s, "would_")
}

// done returns a copy of the previous line when the row ended well there.
func (rs *resumeState) done(rec *validate.Record) (*report.Row, bool) {
	if rs == nil {
		return nil, false
	}
	prev := rs.seek(rec.Row)
	if prev == nil || prev.Code != rec.Values[validate.Code] || !endedWell(prev) {
		return nil, false
	}
	cp := *prev
	return &cp, true
}

// mode says how to treat a row that did not end well before. It also
// returns the previous line of a resumeSteps row, whose finished steps are
// kept as they are, and of a row whose outcome was unknown.
func (rs *resumeState) mode(rec *validate.Record) (resumeMode, *report.Row) {
	prev := rs.seek(rec.Row)
	switch {
	case prev == nil || prev.Code != rec.Values[validate.Code]:
		return resumeUnseen, nil
	case prev.Status == report.Failed && prev.ErrorCode == "outcome_unknown",
		prev.Status == report.NotAttempted:
		// Not sent by that run, but perhaps by one before it, whose
		// evidence the resumed run carried on (see maybeCreated).
		cp := *prev
		return resumeUnseen, &cp
	case (prev.Status == report.Created || prev.Status == report.Updated || prev.Status == report.Unchanged) &&
		(stepUnfinished(prev.Services) || stepUnfinished(prev.Departments)):
		cp := *prev
		return resumeSteps, &cp
	}
	return resumeNone, nil
}

func (rs *resumeState) close() {
	if rs != nil {
		rs.stop()
	}
}
