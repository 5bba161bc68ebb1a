// Package recovery keeps the evidence that lets `import --resume` finish a
// run that died, and is the one place that decides whether a user that
// exists now was created by an earlier run of the chain.
//
// The report is written in input order and flushed after every batch, so
// a run that dies (killed, out of memory, power cut) loses the lines of the
// batches in flight: their creates may or may not have been applied. So
// before each create request the importer appends the row, login name and
// server time of every user in it to the send log next to the report
// (REPORT.sent), and syncs it to disk. A resume reads the previous report
// and its send log: a user counts as created by an earlier run only when
// an entry was logged before its create was sent and the user's creation
// time is not earlier than the server time logged with it. Resembling the
// row is never evidence: a user who existed before with the same values is
// not one the run created.
//
// The log is removed only after the report holding every row was closed
// safely (Discard); a resumed run carries the evidence it inherits into
// its own log until a report line of its own records it.
package recovery

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/userimport/userimport/report"
)

// suffix names the send log of a report.
const suffix = ".sent"

// LogPath returns the path of the send log kept next to a report, or ""
// when the report goes to standard output.
func LogPath(reportPath string) string {
	if reportPath == "" || reportPath == report.Stdout {
		return ""
	}
	return reportPath + suffix
}

// Entry kinds, the first field of a log line.
const (
	kindSent    = "s" // a create is about to be sent: s ROW CODE UNIXTIME
	kindCreated = "c" // an earlier run's report line said created: c ROW CODE
	kindRefused = "r" // the server refused the create: r - CODE
)

// Entry is one user of a create request.
type Entry struct {
	Row  int
	Code string // a valid login name has no tab or newline
}

// Log is the send log of a running import. Its methods are safe for
// concurrent use; a nil *Log records nothing (a dry run, a report on
// standard output).
type Log struct {
	mu   sync.Mutex
	path string
	f    *os.File
	buf  []byte
}

// Create starts a send log at path, replacing any file there.
func Create(path string) (*Log, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("creating the send log: %w", err)
	}
	return &Log{path: path, f: f}, nil
}

// Sending records the users of a create request before it is sent, with
// serverTime, the server's clock as of a response received before this
// call, and returns when the entries are on disk: a crash right after the
// request must still find them. A zero serverTime is logged as 0, which
// is no evidence.
func (l *Log) Sending(serverTime time.Time, entries []Entry) error {
	if l == nil || len(entries) == 0 {
		return nil
	}
	var ts int64
	if !serverTime.IsZero() {
		ts = serverTime.Unix()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buf[:0]
	for _, e := range entries {
		b = appendLine(b, kindSent, strconv.Itoa(e.Row), e.Code, strconv.FormatInt(ts, 10))
	}
	l.buf = b
	return l.write(b, true)
}

// Refused withdraws the evidence for a create the server refused (a guest
// that existed already, a rejected value): a resume must not take that
// user for one this run created.
func (l *Log) Refused(code string) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = appendLine(l.buf[:0], kindRefused, "-", code)
	return l.write(l.buf, false)
}

func (l *Log) write(b []byte, sync bool) error {
	if _, err := l.f.Write(b); err != nil {
		return fmt.Errorf("writing the send log %s: %w", l.path, err)
	}
	if sync {
		if err := l.f.Sync(); err != nil {
			return fmt.Errorf("syncing the send log %s: %w", l.path, err)
		}
	}
	return nil
}

func appendLine(b []byte, fields ...string) []byte {
	for i, f := range fields {
		if i > 0 {
			b = append(b, '\t')
		}
		b = append(b, f...)
	}
	return append(b, '\n')
}

// Close closes the log and leaves it on disk: only once the report is
// safely closed may it go (Discard).
func (l *Log) Close() error {
	if l == nil {
		return nil
	}
	return l.f.Close()
}

// Discard removes the send log of a report whose every row has its line
// and which was closed without error. A missing log is no error.
func Discard(path string) error {
	if path == "" {
		return nil
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("removing the send log: %w", err)
	}
	return nil
}

// carry writes the evidence a resumed run inherits, in one synced write.
func (l *Log) carry(lines func(w *bufio.Writer) error) error {
	w := bufio.NewWriter(l.f)
	if err := lines(w); err != nil {
		return fmt.Errorf("writing the send log %s: %w", l.path, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("writing the send log %s: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("syncing the send log %s: %w", l.path, err)
	}
	return nil
}
