package lifecycle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// FileJournal is a Journal in a file of JSON lines, one Entry a line,
// synced before Append returns. It holds login names and user ids, never
// a password.
type FileJournal struct {
	mu sync.Mutex
	f  *os.File
}

// OpenJournal opens (creating it with mode 0600) the journal at path for
// appending. An earlier run's entries stay; read them with ReadJournal
// first.
func OpenJournal(path string) (*FileJournal, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return &FileJournal{f: f}, nil
}

// Append writes e as one line and syncs the file. A line torn by a crash
// before the sync is dropped by ReadJournal: its request was never sent.
func (j *FileJournal) Append(ctx context.Context, e Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("journal %s: %w", j.f.Name(), err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal %s: %w", j.f.Name(), err)
	}
	return nil
}

// Close closes the file.
func (j *FileJournal) Close() error { return j.f.Close() }

// ErrCorruptJournal is wrapped by ReadJournal's error for a line that is
// not an entry and is not the torn last line.
var ErrCorruptJournal = errors.New("journal: not an entry")

// ReadJournal reads the entries of a journal. A missing file has none. A
// last line without its newline is a write a crash cut short, whose
// request was never sent: it is dropped. Any other unreadable line is an
// error, because guessing would make a resume misreport what was sent.
func ReadJournal(path string) ([]Entry, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return parseJournal(bytes.NewReader(data))
}

func parseJournal(r io.Reader) ([]Entry, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if i := bytes.LastIndexByte(data, '\n'); i+1 < len(data) {
		data = data[:i+1] // the torn last line
	}
	var out []Entry
	for n := 1; len(data) > 0; n++ {
		i := bytes.IndexByte(data, '\n')
		line := data[:i]
		data = data[i+1:]
		var e Entry
		if err := json.Unmarshal(line, &e); err != nil || !e.valid() {
			return nil, fmt.Errorf("%w: line %d", ErrCorruptJournal, n)
		}
		out = append(out, e)
	}
	return out, nil
}

func (e *Entry) valid() bool {
	switch e.Op {
	case OpDelete, OpRename, OpDeactivate, OpSpace:
	default:
		return false
	}
	return e.Phase == Intent || e.Phase == Refused
}
