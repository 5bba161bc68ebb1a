package recovery

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/userimport/userimport/report"
)

// Mode says how a resumed run treats a row that did not end well before.
type Mode int

const (
	// Again: the previous run reported the row and did not send it (it was
	// invalid, or failed for good): run it as if new.
	Again Mode = iota
	// Unseen: the previous run never reported the row (it was in flight
	// when the run died), or stopped before it, or lost the answer to its
	// create: an earlier run may have created the user (see CreatedBefore).
	Unseen
	// Steps: the user was created or updated, but its services or
	// departments step did not finish; only those steps run again.
	Steps
)

// evidence is what a log says about one login name.
type evidence struct {
	row int
	// serverTime is the server's clock (Unix seconds) before the create
	// was sent; 0 when unknown.
	serverTime int64
	// created: an earlier run's report line said the user was created.
	created bool
}

// Resume is the state of a previous run, read alongside the input: the
// report, streamed in input order (resuming a million rows needs no more
// memory than running them), and its send log.
type Resume struct {
	path string
	next func() (report.Row, error, bool)
	stop func()
	cur  *report.Row
	// changed is set when the input is not byte for byte the file the
	// report was written for (rows were fixed since): rows are then
	// matched by row number and login name.
	changed bool
	warn    io.Writer
	// evidence holds the send log's entries for the rows the report does
	// not settle, by login name.
	evidence map[string]evidence
	// reportLost is set when the report could not be read at all but its
	// send log could: the run starts over with the log's evidence.
	reportLost bool
}

var errStop = errors.New("stop")

// Open reads the report at path (of a run of the input whose fingerprint
// is given) and its send log. A report of another file is refused; a
// changed file is accepted with rows matched by row number and login name,
// which is the retry-after-fixing workflow. A report that cannot be read
// at all (an XLSX report whose run died before writing it) is accepted
// when its send log is there: warn is told what was recovered.
func Open(path, fingerprint string, warn io.Writer) (*Resume, error) {
	rs := &Resume{path: path, warn: warn}
	scan, scanErr := scanReport(path)
	logPath := LogPath(path)
	if scanErr != nil {
		if _, err := os.Stat(logPath); err != nil {
			return nil, fmt.Errorf("reading the report to resume: %w", scanErr)
		}
		rs.reportLost = true
	}
	var err error
	if scan.first != nil {
		if name := inputName(scan.first.Input); name != inputName(fingerprint) {
			return nil, fmt.Errorf("%s is the report of %q, not of %q: refusing to resume from it", path, name, inputName(fingerprint))
		}
		rs.changed = scan.first.Input != fingerprint
	}
	if rs.evidence, err = readLog(logPath, scan.last, scan.open); err != nil {
		return nil, err
	}
	if rs.reportLost {
		fmt.Fprintf(warn, "warning: the report %s cannot be read (%v); resuming from its send log, which names %d users that run may have created: every row runs again, and those users are recognised\n", path, scanErr, len(rs.evidence))
		rs.next, rs.stop = func() (report.Row, error, bool) { return report.Row{}, nil, false }, func() {}
		return rs, nil
	}
	rs.next, rs.stop = iter.Pull2(iter.Seq2[report.Row, error](rows(path)))
	if first, err, ok := rs.next(); ok && err == nil {
		rs.cur = &first
	}
	return rs, nil
}

func rows(path string) iter.Seq2[report.Row, error] {
	return func(yield func(report.Row, error) bool) {
		err := report.Read(path, func(r report.Row) error {
			if !yield(r, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			yield(report.Row{}, err)
		}
	}
}

// reportScan is what a first, quick pass over a report finds.
type reportScan struct {
	first *report.Row
	// last is the highest row the report lists: only rows after it can
	// have been in flight when the run died. (A damaged report gives the
	// last row before the damage; seek warns.)
	last int
	// open holds the login names of lines that leave an outcome open (a
	// lost answer, a stop): their send-log entries are kept wherever they
	// are in the file.
	open map[string]bool
}

func scanReport(path string) (reportScan, error) {
	s := reportScan{open: map[string]bool{}}
	err := report.Read(path, func(r report.Row) error {
		if s.first == nil {
			cp := r
			s.first = &cp
		}
		s.last = max(s.last, r.Row)
		if mayBeOpen(&r) {
			s.open[r.Code] = true
		}
		return nil
	})
	if s.first == nil && err != nil {
		return s, err
	}
	return s, nil
}

func mayBeOpen(r *report.Row) bool {
	return r.Status == report.NotAttempted || r.Status == report.OutcomeUnknown ||
		r.Status == report.Failed && r.ErrorCode == "outcome_unknown"
}

// readLog reads the send log at path, keeping the entries for rows after
// lastRow and for the login names in open. A missing log is no evidence.
func readLog(path string, lastRow int, open map[string]bool) (map[string]evidence, error) {
	ev := map[string]evidence{}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return ev, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the send log: %w", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	for {
		line, err := br.ReadString('\n')
		if err == io.EOF {
			return ev, nil // a last line without its newline was torn by the crash
		}
		if err != nil {
			return nil, fmt.Errorf("reading the send log %s: %w", path, err)
		}
		parseLine(strings.TrimSuffix(line, "\n"), lastRow, open, ev)
	}
}

func parseLine(line string, lastRow int, open map[string]bool, ev map[string]evidence) {
	f := strings.Split(line, "\t")
	if len(f) < 3 {
		return
	}
	code := f[2]
	if f[0] == kindRefused {
		delete(ev, code)
		return
	}
	row, err := strconv.Atoi(f[1])
	if err != nil || row <= lastRow && !open[code] {
		return
	}
	switch f[0] {
	case kindSent:
		var ts int64
		if len(f) > 3 {
			ts, _ = strconv.ParseInt(f[3], 10, 64)
		}
		if e, ok := ev[code]; !ok || !e.created {
			ev[code] = evidence{row: row, serverTime: ts}
		}
	case kindCreated:
		ev[code] = evidence{row: row, created: true}
	}
}

// inputName is the file name part of a sheet.Fingerprint (a name may contain
// spaces, so it is cut at the last " crc32c:").
func inputName(fp string) string {
	if i := strings.LastIndex(fp, " crc32c:"); i >= 0 {
		fp = fp[:i]
	}
	return filepath.Base(fp)
}

// Changed reports whether the input changed since the report was written.
func (rs *Resume) Changed() bool { return rs != nil && rs.changed }

// seek returns the previous report's line for an input row, if any.
func (rs *Resume) seek(row int) *report.Row {
	for rs.cur != nil && rs.cur.Row < row {
		r, err, ok := rs.next()
		if err != nil {
			// A report cut short by a crash, or damaged since: the rows
			// after the damage run again, which is safe (a user created
			// before is recognised by its evidence), but the admin should
			// know why.
			fmt.Fprintf(rs.warn, "warning: %s cannot be read past row %d (%v); the rows after it run again\n", rs.path, rs.cur.Row, err)
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

// EndedWell reports whether a report line needs no further work.
func EndedWell(r *report.Row) bool {
	switch r.Status {
	case report.Created, report.Updated, report.Unchanged, report.Skipped,
		report.Renamed, report.Deleted, report.Deactivated:
	default:
		return false
	}
	return !StepUnfinished(r.Services) && !StepUnfinished(r.Departments)
}

// StepUnfinished reports whether a services or departments outcome still
// needs doing: it failed, was not attempted, or was only planned (a dry
// run's would_…, should its report be resumed).
func StepUnfinished(s string) bool {
	return strings.HasPrefix(s, "failed") || strings.HasPrefix(s, "not_attempted") || strings.HasPrefix(s, "would_")
}

// Done returns a copy of the previous line of a row (by row number and
// login name) when the row ended well there. A nil *Resume has none.
func (rs *Resume) Done(row int, code string) (*report.Row, bool) {
	if rs == nil {
		return nil, false
	}
	prev := rs.seek(row)
	if prev == nil || prev.Code != code || !EndedWell(prev) {
		return nil, false
	}
	cp := *prev
	return &cp, true
}

// Mode says how to treat a row that did not end well before. It also
// returns the previous line of a Steps row, whose finished steps are kept
// as they are, and of a row that may have been sent.
func (rs *Resume) Mode(row int, code string) (Mode, *report.Row) {
	prev := rs.seek(row)
	switch {
	case prev == nil || prev.Code != code:
		return Unseen, nil
	case mayBeOpen(prev):
		// Not sent by that run, but perhaps by one before it, whose
		// evidence the resumed run carried on.
		cp := *prev
		return Unseen, &cp
	case (prev.Status == report.Created || prev.Status == report.Updated || prev.Status == report.Unchanged) &&
		(StepUnfinished(prev.Services) || StepUnfinished(prev.Departments)):
		cp := *prev
		return Steps, &cp
	}
	return Again, nil
}

// MaySent reports whether a run before this one may have sent a create for
// the login name (prev is its line, if any): the create's answer was lost,
// or the send log names it. Such a row is uncertain: if this run stops
// before settling it, it is reported outcome_unknown, not not_attempted.
func (rs *Resume) MaySent(code string, prev *report.Row) bool {
	if rs == nil {
		return false
	}
	_, ok := rs.evidence[code]
	return ok || prev != nil && (prev.ErrorCode == "outcome_unknown" || prev.Status == report.OutcomeUnknown)
}

// CreatedBefore decides whether the existing user with this login name,
// created at ctime, was created by an earlier run of the chain: an
// earlier report line said so, or a send-log entry was written before its
// create was sent and the user is not older than the server time logged
// with it. Without such evidence it was not, whatever its values.
func (rs *Resume) CreatedBefore(code string, ctime time.Time) bool {
	if rs == nil {
		return false
	}
	e, ok := rs.evidence[code]
	switch {
	case !ok:
		return false
	case e.created:
		return true
	}
	return e.serverTime > 0 && !ctime.IsZero() && ctime.Unix() >= e.serverTime
}

// carriedRow is the row number of a send-log entry a resumed run
// inherits. The rows of the input may have been renumbered since (a fixed
// file), and the entry is matched by login name anyway, so it is kept
// whatever row the new report ends at.
const carriedRow = math.MaxInt32

// CarryInto starts the log of the resumed run with the evidence it
// inherits: the previous log's entries, and every line of the previous
// report that says created. If this run dies before writing a row's line
// too, the next resume reads only this run's report and log, and must
// still recognise every user created so far in the chain.
func (rs *Resume) CarryInto(l *Log) error {
	if rs == nil || l == nil {
		return nil
	}
	return l.carry(func(w *bufio.Writer) error {
		var b []byte
		if !rs.reportLost {
			// A damaged report carries what it holds before the damage
			// (seek warns about it); a failed write shows at Flush.
			_ = report.Read(rs.path, func(r report.Row) error {
				if r.Status != report.Created {
					return nil
				}
				b = appendLine(b[:0], kindCreated, strconv.Itoa(r.Row), r.Code)
				_, err := w.Write(b)
				return err
			})
		}
		for code, e := range rs.evidence {
			if e.created {
				b = appendLine(b[:0], kindCreated, strconv.Itoa(e.row), code)
			} else {
				b = appendLine(b[:0], kindSent, strconv.Itoa(carriedRow), code, strconv.FormatInt(e.serverTime, 10))
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	})
}

// Close releases the report.
func (rs *Resume) Close() {
	if rs != nil && rs.stop != nil {
		rs.stop()
	}
}
