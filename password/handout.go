package password

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// Handout hands out the generated passwords of a run. Each is written to
// the passwords file and synced before the create request that uses it,
// and nowhere else: not the row, the report, the send log or a message.
// A nil *Handout hands out nothing. It is safe for concurrent use.
type Handout struct {
	mu      sync.Mutex
	f       *File
	created map[string]bool // login names whose line says created
}

// OpenHandout opens the passwords file of a run. A resume takes over the
// file of the run it resumes (report resumed; moving it to path), so that
// a user created by that run keeps the password it was created with and
// every password is in one file. Notes for the person go to log.
func OpenHandout(path, resumed string, log io.Writer) (*Handout, error) {
	if resumed != "" {
		old := PathFor(resumed)
		_, errOld := os.Stat(old)
		_, errNew := os.Stat(path)
		switch {
		case errOld == nil && errors.Is(errNew, os.ErrNotExist):
			if err := os.Rename(old, path); err != nil {
				return nil, fmt.Errorf("taking over the passwords file of %s: %w", resumed, err)
			}
		case errOld == nil:
			return nil, fmt.Errorf("both %s and %s exist: a resume takes over the passwords of the run it resumes; hand out and delete one of them first", old, path)
		}
		if x := strings.TrimSuffix(old, ".csv") + ".xlsx"; fileExists(x) {
			fmt.Fprintf(log, "note: the passwords of the users %s created are in %s\n", resumed, x)
		}
	}
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	return &Handout{f: f, created: map[string]bool{}}, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Person is a new user to be given a generated password.
type Person struct {
	Login, Name, Email string
}

// Assign returns the password of each person, in order: the one the file
// already has for the login (a resumed run), else a new one. The file is
// synced before Assign returns, so that no request can use a password
// that could still be lost.
func (h *Handout) Assign(people []Person) ([]string, error) {
	if h == nil || len(people) == 0 {
		return nil, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	pws := make([]string, len(people))
	for i, p := range people {
		pw, err := h.f.Assign(p.Login, p.Name, p.Email)
		if err != nil {
			return nil, err
		}
		pws[i] = pw
	}
	return pws, h.f.Sync()
}

// NoteCreated remembers a login whose line says created: only their
// passwords stay in the file at the end.
func (h *Handout) NoteCreated(login string) {
	if h == nil {
		return
	}
	h.mu.Lock()
	h.created[login] = true
	h.mu.Unlock()
}

// Finish ends the passwords file: after a settled run it keeps only the
// users created (as .xlsx when xlsx is set), and n counts them; otherwise
// it keeps every entry, for the --resume that settles the rows still
// open.
func (h *Handout) Finish(settled, xlsx bool) (path string, n int, err error) {
	if h == nil {
		return "", 0, nil
	}
	if !settled {
		n = h.f.Len()
		if err := h.f.Close(); err != nil {
			return "", 0, err
		}
		return h.f.Path(), n, nil
	}
	for login := range h.created {
		if _, ok := h.f.Lookup(login); ok {
			n++
		}
	}
	path, err = h.f.Finish(func(login string) bool { return h.created[login] }, xlsx)
	return path, n, err
}

// Abort closes the file of a run that ended before sending anything, and
// removes it when it holds no password.
func (h *Handout) Abort() {
	if h == nil {
		return
	}
	h.f.Close()
	if h.f.Len() == 0 {
		removeFile(h.f.Path())
	}
}
