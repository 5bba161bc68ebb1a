package importer

import (
	"strings"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/password"
	"github.com/userimport/userimport/validate"
)

// needsPassword reports whether a new user's row is to get a generated
// password: it has none.
func needsPassword(rec *validate.Record) bool { return rec.Values[validate.Password] == "" }

// wanting lists the items of g that need a generated password, and their
// positions in g; email is the address the passwords file shows.
func wanting(g []*item, email func(*item) string) (at []int, people []password.Person) {
	for i, it := range g {
		if needsPassword(&it.rec) {
			at = append(at, i)
			people = append(people, password.Person{Login: it.code(), Name: it.rec.Values[validate.Name], Email: email(it)})
		}
	}
	return at, people
}

// assignUsers gives the new users of g that need one their password, in
// their Add Users input; the file is synced before the request is sent.
func assignUsers(pw *password.Handout, g []*item, in []kintone.UserInput) error {
	at, people := wanting(g, func(it *item) string { return it.rec.Values[validate.Email] })
	pws, err := pw.Assign(people)
	for k, p := range pws {
		in[at[k]].Password = ptr(kintone.Secret(p))
	}
	return err
}

// assignGuests is assignUsers for Add Guests, whose login is the e-mail
// address.
func assignGuests(pw *password.Handout, g []*item, in []kintone.GuestInput) error {
	at, people := wanting(g, (*item).code)
	pws, err := pw.Assign(people)
	for k, p := range pws {
		in[at[k]].Password = kintone.Secret(p)
	}
	return err
}

// checkLife is what the check stage needs to know of the lifecycle
// options.
type checkLife struct {
	allowDelete, generate bool
	lang                  i18n.Lang // of the messages the check adds
}

// passwords drops the missing-password error of a row whose password is
// to be generated, and otherwise adds the flag that would fill it to the
// error: the flag that fills it.
func (l checkLife) passwords(o *outcome, rec *validate.Record) {
	kept := o.findings[:0]
	for _, f := range o.findings {
		if f.Rule == string(validate.RulePasswordRequired) && !rec.Keep[validate.Password] {
			if l.generate {
				continue
			}
			f.Message = l.lang.Sprintf("hint.generate_passwords", strings.TrimSuffix(f.Message, "."))
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
	return s.passwordFailed(assignUsers(s.life.pw, g, in))
}

// assignGuestPasswords is assignPasswords for Add Guests.
func (s *importSink) assignGuestPasswords(g []*item, in []kintone.GuestInput) error {
	if s.life == nil {
		return nil
	}
	return s.passwordFailed(assignGuests(s.life.pw, g, in))
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
