package probe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/password"
)

// UserPrefix starts the login name of every user the write test creates:
// userimport-probe-<random>-1, -2 and -3.
const UserPrefix = "userimport-probe-"

// cleanupTimeout bounds the clean-up, which runs even after the probe's
// context ended (Ctrl-C): leaving test users behind is worse than waiting.
const cleanupTimeout = 2 * time.Minute

// writeTest creates throwaway users to see how the domain answers writes,
// then deletes every one of them. The login names are random and checked
// to be free first, so that the clean-up can only ever delete users this
// test created.
func (p *prober) writeTest(ctx context.Context) *WriteTest {
	wt := &WriteTest{Users: []string{}, ErrorKeys: []string{}, Cleanup: Cleanup{OK: true, Deleted: []string{}, Remaining: []string{}}}
	if reason := p.cannotWrite(); reason != "" {
		wt.Skipped = reason
		return wt
	}
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	prefix := UserPrefix + hex.EncodeToString(b[:])
	valid, invalid, unknown := prefix+"-1", prefix+"-2", prefix+"-3"
	taken, err := p.lookup(ctx, "write test: check the login names are free", []string{valid, invalid, unknown})
	switch {
	case err != nil:
		wt.Skipped = "the login names could not be checked: " + err.Error()
		return wt
	case len(taken) > 0:
		wt.Skipped = fmt.Sprintf("login names %v exist already; they are not this probe's to delete", taken)
		return wt
	}
	wt.Users = []string{valid, invalid, unknown}
	defer func() { wt.Cleanup = p.cleanup(ctx, wt.Users) }()

	created := p.batch(ctx, wt, valid, invalid)
	if p.existsAnswer(ctx, wt, valid, created) {
		wt.CustomItems = p.customItemsMode(ctx, valid)
	}
	wt.UnknownUser = p.step(ctx, p.read, "write test: Update User Services for an unknown login name", "PUT /v1/users/services.json", func(ctx context.Context) error {
		return p.api.UpdateUserServices(ctx, []kintone.UserServices{{Code: unknown, Services: []string{}}})
	})
	return wt
}

// cannotWrite says why the write test would only be refused, "" if it
// may run.
func (p *prober) cannotWrite() string {
	switch {
	case !p.rep.Login.OK:
		return "the login failed"
	case p.rep.Rights.Verdict == RightsNotAdmin, p.rep.Rights.Verdict == RightsTokenScope, p.rep.Rights.Verdict == RightsLoginRefused:
		return "the account may not write users (rights probe: " + p.rep.Rights.Verdict + ")"
	}
	return ""
}

// newUser is a valid throwaway user with a fresh password, which no one
// ever sees.
func newUser(code string) (kintone.UserInput, error) {
	pw, err := password.Generate()
	if err != nil {
		return kintone.UserInput{}, err
	}
	name := "userimport probe"
	secret := kintone.Secret(pw)
	return kintone.UserInput{Code: code, Name: &name, Password: &secret}, nil
}

// batch sends Add Users with a valid user and then one without a name,
// records how the refusal is keyed, and whether the valid user was created
// all the same. It reports whether the valid user exists afterwards.
func (p *prober) batch(ctx context.Context, wt *WriteTest, valid, invalid string) (created bool) {
	first, err1 := newUser(valid)
	second, err2 := newUser(invalid)
	if err1 != nil || err2 != nil {
		wt.Batch = Answer{Error: "generating a password failed"}
		return false
	}
	second.Name = nil // required: the server must refuse this item
	wt.Batch = p.step(ctx, p.write, "write test: Add Users, a valid user then one without a name", "POST /v1/users.json", func(ctx context.Context) error {
		return p.api.AddUsers(ctx, []kintone.UserInput{first, second})
	})
	onlySecond := len(wt.Batch.Errors) > 0
	for k := range wt.Batch.Errors {
		wt.ErrorKeys = append(wt.ErrorKeys, k)
		onlySecond = onlySecond && (k == "users[1].name" || k == "users.name")
	}
	slices.Sort(wt.ErrorKeys)
	wt.ErrorKeyForm = keyForm(wt.Batch, wt.ErrorKeys)
	present, err := p.lookup(ctx, "write test: look the batch's users up", []string{valid, invalid})
	if err != nil {
		return false
	}
	created = slices.Contains(present, valid)
	if !wt.Batch.OK && wt.Batch.Status != 0 && (created || onlySecond) {
		wt.PartialCommit = &created
	}
	return created
}

// keyForm says whether a rejection's field error keys carry item indices.
func keyForm(a Answer, keys []string) string {
	if a.OK || a.Status == 0 {
		return ""
	}
	if len(keys) == 0 {
		return KeysNone
	}
	for _, k := range keys {
		if !slices.Contains([]byte(k), '[') {
			return KeysUnindexed
		}
	}
	return KeysIndexed
}

// existsAnswer adds the valid user (alone, unless the batch created it)
// and then adds it again, to record how "already exists" is worded. It
// reports whether the user exists.
func (p *prober) existsAnswer(ctx context.Context, wt *WriteTest, code string, created bool) bool {
	if !created {
		u, err := newUser(code)
		if err != nil {
			return false
		}
		a := p.step(ctx, p.write, "write test: Add Users, the valid user alone", "POST /v1/users.json", func(ctx context.Context) error {
			return p.api.AddUsers(ctx, []kintone.UserInput{u})
		})
		if !a.OK {
			return false
		}
	}
	u, err := newUser(code)
	if err != nil {
		return true
	}
	a := p.step(ctx, p.write, "write test: Add Users for a login name that exists", "POST /v1/users.json", func(ctx context.Context) error {
		return p.api.AddUsers(ctx, []kintone.UserInput{u})
	})
	wt.Exists = &a
	if !a.OK {
		// The item's own messages, as an import reads them: the
		// request's message is about the request as a whole.
		texts := a.fieldMessages()
		if len(texts) == 0 {
			texts = a.messages()
		}
		ok := kintone.ClassifyExists(texts...) == kintone.AlreadyExists
		wt.ExistsRecognised = &ok
	}
	return true
}

// customItemsMode sets two custom items of user code, then one of them
// alone, and reads the other back: kept means the server merges a partial
// customItemValues list into the user's, cleared that it replaces the
// whole list. "" when the domain has fewer than two custom items or a
// step failed.
func (p *prober) customItemsMode(ctx context.Context, code string) string {
	if len(p.rep.CustomItems) < 2 {
		return ""
	}
	a, b := p.rep.CustomItems[0].Code, p.rep.CustomItems[1].Code
	for _, vals := range [][]kintone.CustomItemValue{
		{{Code: a, Value: "userimport-probe-a"}, {Code: b, Value: "userimport-probe-b"}},
		{{Code: a, Value: "userimport-probe-a2"}},
	} {
		ans := p.step(ctx, p.read, fmt.Sprintf("write test: Update Users, %d custom item(s)", len(vals)), "PUT /v1/users.json", func(ctx context.Context) error {
			return p.api.UpdateUsers(ctx, []kintone.UserInput{{Code: code, CustomItemValues: vals}})
		})
		if !ans.OK {
			return ""
		}
	}
	var users []kintone.User
	ans := p.step(ctx, p.read, "write test: Get Users, the custom items read back", "GET /v1/users.json", func(ctx context.Context) (err error) {
		users, err = p.api.GetUsers(ctx, kintone.GetUsersOptions{Codes: []string{code}})
		return err
	})
	if !ans.OK || len(users) != 1 {
		return ""
	}
	for _, cv := range users[0].CustomItemValues {
		if cv.Code == b {
			switch cv.Value {
			case "userimport-probe-b":
				return "merge"
			case "":
				return "replace"
			}
		}
	}
	return "replace" // the item is no longer listed at all
}

// lookup returns which of codes are users now, sorted.
func (p *prober) lookup(ctx context.Context, name string, codes []string) ([]string, error) {
	var users []kintone.User
	a := p.step(ctx, p.read, name, "GET /v1/users.json", func(ctx context.Context) (err error) {
		users, err = p.api.GetUsers(ctx, kintone.GetUsersOptions{Codes: codes})
		return err
	})
	if !a.OK {
		return nil, fmt.Errorf("looking the users up: %s", describe(a))
	}
	out := []string{}
	for _, u := range users {
		if slices.Contains(codes, u.Code) {
			out = append(out, u.Code)
		}
	}
	slices.Sort(out)
	return out, nil
}

// cleanup deletes whichever of codes exist and checks they are gone. It
// runs on a context of its own, since the probe's may have ended.
func (p *prober) cleanup(ctx context.Context, codes []string) Cleanup {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	c := Cleanup{Deleted: []string{}, Remaining: []string{}}
	before, err := p.lookup(ctx, "clean-up: look the test's users up", codes)
	if err != nil {
		c.Remaining, c.Error = slices.Clone(codes), err.Error()
		return c
	}
	var del Answer
	if len(before) > 0 {
		del = p.step(ctx, p.read, "clean-up: Delete Users", "DELETE /v1/users.json", func(ctx context.Context) error {
			return p.api.DeleteUsers(ctx, before)
		})
	}
	after, err := p.lookup(ctx, "clean-up: check the users are gone", codes)
	if err != nil {
		c.Remaining, c.Error = before, err.Error()
		return c
	}
	for _, code := range before {
		if !slices.Contains(after, code) {
			c.Deleted = append(c.Deleted, code)
		}
	}
	c.Remaining = after
	c.OK = len(after) == 0
	if !c.OK && !del.OK {
		c.Error = "Delete Users: " + describe(del)
	}
	return c
}

// describe is an answer in a few words, for messages.
func describe(a Answer) string {
	switch {
	case a.OK:
		return "ok"
	case a.Status == 0:
		return a.Error
	case a.Code != "":
		return fmt.Sprintf("%d %s: %s", a.Status, a.Code, a.Message)
	}
	return fmt.Sprintf("%d: %s", a.Status, a.Message)
}
