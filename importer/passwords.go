package importer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/password"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// passwords hands out the generated passwords of a run. Each is written
// to the passwords file and synced before the create request that uses
// it, and nowhere else: not the row, the report, the send log or a
// message.
type passwords struct {
	mu      sync.Mutex
	f       *password.File
	created map[string]bool // login names whose line says created
}

// openPasswords opens the passwords file of this run. A resume takes over
// the file of the run it resumes (moving it here), so that a user created
// by that run keeps the password it was created with and every password
// is in one file.
func openPasswords(path, resumed string, log io.Writer) (*passwords, error) {
	if resumed != "" {
		old := password.PathFor(resumed)
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
	f, err := password.Open(path)
	if err != nil {
		return nil, err
	}
	return &passwords{f: f, created: map[string]bool{}}, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// needsPassword reports whether a new user's row is to get a generated
// password: it has none.
func needsPassword(rec *validate.Record) bool { return rec.Values[validate.Password] == "" }

// assignUsers gives the new users of g that need one their password, in
// their Add Users input, and syncs the file before the request is sent.
func (pw *passwords) assignUsers(g []*item, in []kintone.UserInput) error {
	if pw == nil {
		return nil
	}
	pw.mu.Lock()
	defer pw.mu.Unlock()
	n := 0
	for i, it := range g {
		if !needsPassword(&it.rec) {
			continue
		}
		p, err := pw.f.Assign(it.code(), it.rec.Values[validate.Name], it.rec.Values[validate.Email])
		if err != nil {
			return err
		}
		in[i].Password = ptr(kintone.Secret(p))
		n++
	}
	if n == 0 {
		return nil
	}
	return pw.f.Sync()
}

// assignGuests is assignUsers for Add Guests.
func (pw *passwords) assignGuests(g []*item, in []kintone.GuestInput) error {
	if pw == nil {
		return nil
	}
	pw.mu.Lock()
	defer pw.mu.Unlock()
	n := 0
	for i, it := range g {
		if !needsPassword(&it.rec) {
			continue
		}
		p, err := pw.f.Assign(it.code(), it.rec.Values[validate.Name], it.code())
		if err != nil {
			return err
		}
		in[i].Password = kintone.Secret(p)
		n++
	}
	if n == 0 {
		return nil
	}
	return pw.f.Sync()
}

// noteCreated remembers the rows whose line says created: only their
// passwords stay in the file at the end.
func (pw *passwords) noteCreated(code string, st report.Status) {
	if pw == nil || st != report.Created {
		return
	}
	pw.mu.Lock()
	pw.created[code] = true
	pw.mu.Unlock()
}

// finish ends the passwords file: after a settled run it keeps only the
// users created (as .xlsx for an .xlsx report); otherwise it keeps every
// entry, for the --resume that settles the rows still open.
func (pw *passwords) finish(settled, xlsx bool) (path string, n int, err error) {
	if pw == nil {
		return "", 0, nil
	}
	if !settled {
		n = pw.f.Len()
		if err := pw.f.Close(); err != nil {
			return "", 0, err
		}
		return pw.f.Path(), n, nil
	}
	for login := range pw.created {
		if _, ok := pw.f.Lookup(login); ok {
			n++
		}
	}
	path, err = pw.f.Finish(func(login string) bool { return pw.created[login] }, xlsx)
	return path, n, err
}

// passwordHint is added to a new user's missing-password error: the flag
// that fills it.
const passwordHint = "or run with --generate-passwords to give every new user without a password a generated one (written only to a passwords file next to the report)"

// checkLife is what the check stage needs to know of the lifecycle
// options.
type checkLife struct {
	allowDelete, generate bool
}

// passwords drops the missing-password error of a row whose password is
// to be generated, and otherwise adds the flag that would fill it to the
// error.
func (l checkLife) passwords(o *outcome, rec *validate.Record) {
	kept := o.findings[:0]
	for _, f := range o.findings {
		if f.Rule == string(validate.RulePasswordRequired) && !rec.Keep[validate.Password] {
			if l.generate {
				continue
			}
			f.Message = strings.TrimSuffix(f.Message, ".") + "; " + passwordHint
		}
		kept = append(kept, f)
	}
	o.findings = kept
}

// assignPasswords fills in the generated passwords of an Add Users
// request. A password that cannot be made durable stops the run, as a
// send log that cannot be written does: the user would be created with a
// password nobody knows.
func (s *importSink) assignPasswords(g []*item, in []kintone.UserInput) error {
	if s.life == nil {
		return nil
	}
	return s.passwordFailed(s.life.pw.assignUsers(g, in))
}

// assignGuestPasswords is assignPasswords for Add Guests.
func (s *importSink) assignGuestPasswords(g []*item, in []kintone.GuestInput) error {
	if s.life == nil {
		return nil
	}
	return s.passwordFailed(s.life.pw.assignGuests(g, in))
}

func (s *importSink) passwordFailed(err error) error {
	if err == nil {
		return nil
	}
	s.logErr.CompareAndSwap(nil, &err)
	s.snd.cancelStop()
	return errInterrupted
}

// ptr points at a copy of v, for the payloads' optional fields.
func ptr[T any](v T) *T { return &v }
