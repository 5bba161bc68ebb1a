package importer

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// The send log is the evidence that lets --resume tell a user the
// interrupted run created from one that existed before it.
//
// The report is written in input order and flushed after every batch, so
// a run that dies (killed, out of memory, power cut) loses the report
// lines of the batches in flight: their creates may or may not have been
// applied. Before each create request the importer appends the row number
// and login name of every user in it to the send log, next to the report
// (REPORT.sent). When the run ends with every row reported, the log has
// served its purpose and is removed; when it dies, the log is left, and a
// --resume of its report reads it: a row that has no report line, was in
// a create request, and whose user now exists with the row's values was
// created by that run.
//
// The log is written with plain writes, so it survives the death of the
// process, not of the machine (the report is not synced either).

// sendLogSuffix names the send log of a report.
const sendLogSuffix = ".sent"

// SendLogPath returns the path of the send log kept next to a report, or
// "" when the report goes to standard output.
func SendLogPath(reportPath string) string {
	if reportPath == "" || reportPath == report.Stdout {
		return ""
	}
	return reportPath + sendLogSuffix
}

type sendLog struct {
	mu   sync.Mutex
	path string
	f    *os.File
	buf  []byte
}

func createSendLog(path string) (*sendLog, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating the send log: %w", err)
	}
	return &sendLog{path: path, f: f}, nil
}

// record appends the rows of a create request, in one write, before the
// request is sent. A nil log records nothing.
func (l *sendLog) record(items []*item) error {
	if l == nil || len(items) == 0 {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buf[:0]
	for _, it := range items {
		b = appendEntry(b, it.rec.Row, it.code())
	}
	l.buf = b
	return l.write(b)
}

func (l *sendLog) write(b []byte) error {
	if _, err := l.f.Write(b); err != nil {
		return fmt.Errorf("writing the send log %s: %w", l.path, err)
	}
	return nil
}

// retract appends a line that withdraws the evidence for a create the
// server refused (a guest that existed already, a rejected value): a
// --resume must not take that user for one this run created. A nil log
// records nothing.
func (l *sendLog) retract(it *item) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := append(l.buf[:0], retracted...)
	b = append(b, '\t')
	b = append(b, it.code()...)
	b = append(b, '\n')
	l.buf = b
	return l.write(b)
}

// retracted stands for the row number in a retraction line.
const retracted = "-"

// carriedRow is the row number of an entry a resumed run inherits. The
// rows of the input may have been renumbered since (a fixed file), and the
// entry is matched by login name anyway, so it is kept whatever row the
// new report ends at.
const carriedRow = math.MaxInt32

func appendEntry(b []byte, row int, code string) []byte {
	b = strconv.AppendInt(b, int64(row), 10)
	b = append(b, '\t')
	b = append(b, code...) // a valid login name has no tab or newline
	return append(b, '\n')
}

// carryOver starts the log of a resumed run with the evidence it inherits:
// the previous log's entries, and the rows the previous report says were
// created, or may have been, and still have work to do. If this run dies
// too, the next --resume reads only this run's report and log, and the
// rows this run never reached must still be recognised.
func (l *sendLog) carryOver(prevReport string, prev sentRows) error {
	if l == nil {
		return nil
	}
	w := bufio.NewWriter(l.f)
	var b []byte
	// A damaged report carries what it holds before the damage (the
	// resume warns about it); a failed write shows at Flush.
	_ = report.Read(prevReport, func(r report.Row) error {
		maybe := r.Status == report.Failed && r.ErrorCode == "outcome_unknown"
		unfinished := r.Status == report.Created && (stepUnfinished(r.Services) || stepUnfinished(r.Departments))
		if maybe || unfinished {
			b = appendEntry(b[:0], carriedRow, r.Code)
			_, err := w.Write(b)
			return err
		}
		return nil
	})
	for code := range prev.rows {
		b = appendEntry(b[:0], carriedRow, code)
		if _, err := w.Write(b); err != nil {
			break
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("writing the send log %s: %w", l.path, err)
	}
	return nil
}

// finish closes the log, and removes it when the report holds every row
// (complete), since a resume of a complete report needs no evidence.
func (l *sendLog) finish(complete bool) error {
	if l == nil {
		return nil
	}
	err := l.f.Close()
	if complete {
		if rerr := os.Remove(l.path); err == nil {
			err = rerr
		}
	}
	return err
}

// sentRows is what a previous run's send log says about the rows its
// report does not list.
type sentRows struct {
	// found is false when there was no log: the previous run ended with
	// every row reported, or predates send logs, or reported to standard
	// output.
	found bool
	// rows maps a login name to its row. A row is found by its login
	// name alone, which is unique in a file, so that rows added or removed
	// above it since (a fixed input file) do not hide it.
	rows map[string]int
}

// readSendLog reads the send log at path, keeping the entries for rows
// after lastRow (the last row the report lists; the report is a prefix of
// the input), which are at most the rows in flight when the run died.
func readSendLog(path string, lastRow int) (sentRows, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return sentRows{}, nil
	}
	if err != nil {
		return sentRows{}, fmt.Errorf("reading the send log: %w", err)
	}
	defer f.Close()
	s := sentRows{found: true, rows: map[string]int{}}
	br := bufio.NewReader(f)
	for {
		line, err := br.ReadString('\n')
		if err == io.EOF {
			return s, nil // a last line without its newline was torn by the crash
		}
		if err != nil {
			return sentRows{}, fmt.Errorf("reading the send log %s: %w", path, err)
		}
		rowText, code, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		if ok && rowText == retracted {
			delete(s.rows, code)
			continue
		}
		row, err := strconv.Atoi(rowText)
		if ok && err == nil && row > lastRow {
			s.rows[code] = row
		}
	}
}

// sent reports whether the row's login name was in a create request of
// the run that wrote the log (or in the evidence that run inherited).
func (s *sentRows) sent(rec *validate.Record) bool {
	_, ok := s.rows[rec.Values[validate.Code]]
	return ok
}

// lastReportedRow returns the highest row number in a report.
func lastReportedRow(path string) (int, error) {
	last := 0
	err := report.Read(path, func(r report.Row) error {
		last = max(last, r.Row)
		return nil
	})
	return last, err
}
