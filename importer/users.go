package importer

import (
	"context"
	"errors"
	"fmt"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/payload"
	"github.com/userimport/userimport/recovery"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// processUsers runs a batch of users: look up those that need it, decide
// each row's write, send the creates and the updates, then the services and
// departments steps.
func (s *importSink) processUsers(items []*item) {
	ask := s.toLookUp(items)
	if err := s.lookup(ask); err != nil {
		s.lookupFailed(items, err)
		return
	}
	for _, it := range ask {
		it.absent = it.existing == nil
	}
	create, update, inputs := s.classify(items)
	defer s.life.finishRenames(items)
	if s.o.DryRun {
		plan(items, create, update)
		s.assignServices(items)
		s.assignOrganizations(items)
		return
	}
	s.snd.runStep(&step{
		send: func(ctx context.Context, g []*item) error {
			in := make([]kintone.UserInput, len(g))
			for i, it := range g {
				in[i] = payload.NewUser(&it.rec)
			}
			if err := s.assignPasswords(g, in); err != nil {
				return err
			}
			if err := s.logSend(g); err != nil {
				return err
			}
			return createOutcome(s.snd.api.AddUsers(ctx, in))
		},
		ok: func(it *item) { it.out.status = report.Created },
		fail: func(it *item, code, msg string) {
			s.refused(it, code)
			it.out.fail(code, msg)
		},
		settle:  s.settleAdds,
		primary: true,
	}, create)
	s.snd.runStep(&step{
		send: func(ctx context.Context, g []*item) error {
			in := make([]kintone.UserInput, len(g))
			for i, it := range g {
				in[i] = inputs[it]
			}
			return s.snd.api.UpdateUsers(ctx, in)
		},
		ok:      func(it *item) { it.out.status = report.Updated },
		fail:    func(it *item, code, msg string) { it.out.fail(code, msg) },
		primary: true,
	}, update)
	s.assignServices(items)
	s.assignOrganizations(items)
}

// classify decides what each looked-up row needs: a create, an update (with
// its payload), or nothing more (its status is then set).
func (s *importSink) classify(items []*item) (create, update []*item, inputs map[*item]kintone.UserInput) {
	inputs = map[*item]kintone.UserInput{}
	for _, it := range items {
		o := &it.out
		switch {
		case s.updateOnlyMissing(it):
		case it.existing == nil && s.missingForCreate(it):
		case it.existing == nil:
			create = append(create, it)
		case it.resume == recovery.Steps:
			o.status = it.prev.Status
			o.note("resumed: finishing the services/departments steps")
			if !recovery.StepUnfinished(it.prev.Services) {
				o.services = it.prev.Services
			}
			if !recovery.StepUnfinished(it.prev.Departments) {
				o.departments = it.prev.Departments
			}
		case s.createdEarlier(it):
			o.status, o.uncertain = report.Created, false
			o.note("confirmed on the server: created by an earlier run of this import")
			if _, changed, _ := payload.Update(createdRecord(it), it.existing); changed {
				// The row was changed since. The resume finishes the run
				// that died (services, departments); applying changes is
				// an upsert's job, with its own rules for blank cells and
				// passwords, so it is left to one, and said.
				o.errCode, o.stepFailed = "changed_since_created", true
				o.note("the row was changed after the earlier run created this user, and the user still has the values it was created with; run the file again with --mode upsert to apply the changes")
			}
		case s.o.Mode == Create && !s.updatesOnly:
			o.fail("exists", fmt.Sprintf("user %q already exists; use --mode upsert to update it or --mode skip-existing to leave it", it.existing.Code))
		case s.o.Mode == SkipExisting && !s.updatesOnly:
			o.status = report.Skipped
			o.note(fmt.Sprintf("user %q already exists", it.existing.Code))
		default: // Upsert
			in, changed, changes := payload.Update(&it.rec, it.existing)
			o.changes = changes
			if !changed {
				o.status = report.Unchanged
				continue
			}
			inputs[it] = in
			update = append(update, it)
		}
		if it.existing != nil && it.existing.Code != it.code() {
			o.note(fmt.Sprintf("matched existing user %q by %s", it.existing.Code, s.o.MatchOn))
		}
	}
	return create, update, inputs
}

// createdEarlier asks recovery whether an earlier run of this resume chain
// created the existing user of a row that run did not settle. The login
// name must match: with --match-on the existing user may be another person
// who shares the employee number or e-mail.
func (s *importSink) createdEarlier(it *item) bool {
	return it.resume == recovery.Unseen && it.existing.Code == it.code() && s.resume.CreatedBefore(it.code(), it.existing.CTime)
}

// createdRecord is the row as Add Users sent it: a blank cell was omitted
// and left to the server's default, so it is not a value to compare.
func createdRecord(it *item) *validate.Record {
	rec := it.rec
	for f := range rec.Values {
		if rec.Values[f] == "" {
			rec.Set[f] = false
		}
	}
	return &rec
}

// missingForCreate marks a row invalid when its user does not exist and the
// row lacks what Add Users requires. Outside create mode validation lets
// such rows through (an existing user needs no password to be updated, and
// an export has no password column); this is where a new user is caught.
func (s *importSink) missingForCreate(it *item) bool {
	for _, f := range []validate.Field{validate.Name, validate.Password} {
		if it.rec.Values[f] != "" || f == validate.Password && s.o.Lifecycle.GeneratePasswords {
			continue
		}
		if s.o.Mode == Create && !it.rec.Keep[f] {
			continue // validation already required it
		}
		o := &it.out
		o.status, o.errCode = report.Invalid, f.String()+".required"
		if it.rec.Keep[f] {
			o.note(keepForNewUser(it.code(), f, s.o.Lang))
		} else {
			o.note(s.o.Lang.Sprintf("msg.create_needs", it.code(), i18n.M(i18n.Key("field."+f.String())), f.String()))
			if f == validate.Password {
				o.note(s.o.Lang.Sprintf("hint.generate_passwords.alone"))
			}
		}
		return true
	}
	return false
}

// keepForNewUser explains a "*" in a field a new user must have.
func keepForNewUser(code string, f validate.Field, lang i18n.Lang) string {
	return lang.Sprintf("msg.keep_new_user", code, i18n.M(i18n.Key("field."+f.String())))
}

// lookupFailed reports a batch whose existing users could not be read.
func (s *importSink) lookupFailed(items []*item, err error) {
	if kintone.IsAuth(err) || kintone.IsPermission(err) {
		s.snd.setFatal(err)
	}
	for _, it := range items {
		switch {
		case it.out.uncertain:
			// An earlier run may have created it: keep that evidence for
			// the next --resume.
			it.out.fail("outcome_unknown", "an earlier run may have created this user, and it could not be looked up ("+err.Error()+"); run again with --resume to check")
		case s.snd.fatal.Load() != nil || errors.Is(err, errInterrupted):
			it.out.stop = "not sent: " + err.Error()
		default:
			it.out.fail(errorCode(err), "could not look up existing users: "+err.Error())
		}
	}
}

// lookup finds the existing user of every item: by code with one Get Users
// request per batch, or from the index of all users for --match-on
// employeeNumber|email.
func (s *importSink) lookup(items []*item) error {
	if len(items) == 0 {
		return nil
	}
	if s.index != nil {
		for _, it := range items {
			it.existing = s.index.Find(s.o.MatchOn, &it.rec)
		}
		return nil
	}
	found, err := s.getByCodes(items)
	if err != nil {
		return err
	}
	for _, it := range items {
		if u, ok := found[it.code()]; ok {
			it.existing = &u
		}
	}
	return nil
}

func (s *importSink) getByCodes(items []*item) (map[string]kintone.User, error) {
	codes := make([]string, len(items))
	for i, it := range items {
		codes[i] = it.code()
	}
	var users []kintone.User
	err := s.snd.call(func(ctx context.Context) error {
		var err error
		users, err = s.snd.api.GetUsers(ctx, kintone.GetUsersOptions{Codes: codes})
		return err
	})
	if err != nil {
		return nil, err
	}
	found := make(map[string]kintone.User, len(users))
	for _, u := range users {
		found[u.Code] = u
	}
	return found, nil
}

// toLookUp returns the rows to look up before anything is sent. In create
// mode none: the server's own "already exists" answer is the lookup, and a
// rejected or lost request is settled by looking its rows up then
// (settleAdds). Other modes must know which users exist to choose between
// create and update, and a dry run, which sends no create, to say which
// rows would fail; a resumed row may name a user an earlier run created.
func (s *importSink) toLookUp(items []*item) []*item {
	if s.o.Mode != Create || s.o.DryRun || s.index != nil || s.o.ServerTime == nil || s.updatesOnly {
		// A services or departments file only changes users that exist, so
		// it must know which do.
		// Without the server's time a user found after a rejected
		// request could not be told from one that was there before.
		return items
	}
	var ask []*item
	for _, it := range items {
		if it.resume != recovery.Again || it.out.uncertain {
			ask = append(ask, it)
		}
	}
	return ask
}

// settleAdds finds out what an Add Users request committed after it was
// rejected (rej: a 400, or a 403 for the token's scope) or its answer was
// lost (rej nil), and returns the groups still to send. The group is
// looked up: a user that exists now was created by this run when it was
// seen absent before, or when its creation time is not earlier than the
// server's time logged before this run first sent it (addedBy); it is
// then reported created and gets its services and departments. A user
// that existed before fails as "exists" and is left untouched. Rows the
// rejection names fail with its message; the rest are sent again, halved
// when the rejection names no row.
func (s *importSink) settleAdds(group []*item, rej *kintone.APIError) ([][]*item, error) {
	var byIndex map[int][]string
	unattributed := false
	if rej != nil {
		byIndex = rej.MessagesByIndex(len(group))
		unattributed = len(byIndex) == 0 && kintone.ClassifyExists(rej.Messages()...) == kintone.AlreadyExists
	}
	found, err := s.getByCodes(group)
	if err != nil {
		return nil, err
	}
	var rest []*item
	for i, it := range group {
		msgs, named := byIndex[i]
		u, exists := found[it.code()]
		if !exists {
			it.absent = true
			if named {
				s.addRefused(it, rej, msgs)
			} else {
				rest = append(rest, it)
			}
			continue
		}
		namedExists := named && kintone.ClassifyExists(msgs...) == kintone.AlreadyExists
		s.existsAfterAdd(it, &u, addedBy(it, &u, namedExists, unattributed), rej)
	}
	switch {
	case rej == nil || len(byIndex) > 0:
		return [][]*item{rest}, nil
	case len(rest) > 1:
		return halves(rest), nil
	case len(rest) == 1 && len(group) == 1:
		s.addRefused(rest[0], rej, rej.Messages())
		return nil, nil
	}
	return [][]*item{rest}, nil
}

// addRefused fails a row Add Users refused, with the server's words.
func (s *importSink) addRefused(it *item, rej *kintone.APIError, msgs []string) {
	code := rej.Code
	if kintone.ClassifyExists(msgs...) == kintone.AlreadyExists {
		code = "exists"
	}
	s.refused(it, code)
	it.out.fail(code, rejectedRow(rej, msgs))
}

// origin is who made a user found after an Add Users request.
type origin int

const (
	existedBefore origin = iota
	createdByRun
	cannotTell
)

// addedBy decides whether this run created a user that exists after one of
// its Add Users requests was rejected or lost. Named by the rejection as
// existing: only if an earlier request of this run, whose answer was lost,
// may have made it. Seen absent before, and the rejection said nothing of
// an existing user it did not place: yes. Otherwise the evidence is the
// user's creation time against the server's time logged (and synced to
// the send log) before this run first sent it: not earlier means this
// run made it. Both clocks count whole seconds, so a user another program
// made in that very second before the request would be taken for this
// run's; values that match the row are never evidence.
func addedBy(it *item, u *kintone.User, namedExists, unattributed bool) origin {
	switch {
	case namedExists && !it.out.uncertain:
		// Another program made it after this run looked, if it was
		// seen absent.
		return existedBefore
	case it.absent && !unattributed:
		return createdByRun
	case it.firstSent.IsZero() || u.CTime.IsZero():
		if it.absent {
			return cannotTell
		}
		return existedBefore
	}
	if u.CTime.Unix() < it.firstSent.Unix() {
		return existedBefore
	}
	return createdByRun
}

// existsAfterAdd reports a row whose user exists after its Add Users
// request was rejected (rej) or lost (rej nil).
func (s *importSink) existsAfterAdd(it *item, u *kintone.User, by origin, rej *kintone.APIError) {
	o := &it.out
	switch by {
	case createdByRun:
		o.status, o.uncertain = report.Created, false
		if rej == nil {
			o.note("confirmed on the server after the answer to the request was lost")
		} else {
			o.note("confirmed on the server: created by this run although the server rejected the request (" + rejection(rej) + ")")
		}
	case cannotTell:
		why := "the answer to the request was lost"
		if rej != nil {
			why = "the server's rejection (" + rejection(rej) + ") does not say whether it existed before this run's request"
		}
		o.unknown(fmt.Sprintf("user %q exists, and %s; check the user on cybozu.com, or run again with --resume", u.Code, why))
	default:
		s.refused(it, "exists")
		it.existing = u
		switch s.o.Mode {
		case SkipExisting:
			o.status = report.Skipped
			o.note(fmt.Sprintf("user %q already exists", u.Code))
		default:
			o.fail("exists", fmt.Sprintf("user %q already exists; use --mode upsert to update it or --mode skip-existing to leave it", u.Code))
		}
	}
}

// plan fills in the dry-run outcome of a batch.
func plan(items, create, update []*item) {
	for _, it := range create {
		it.out.status = report.WouldCreate
	}
	for _, it := range update {
		it.out.status = report.WouldUpdate
	}
	for _, it := range items {
		if it.out.status == report.Failed && (it.out.errCode == "exists" || it.out.errCode == "user_not_found") {
			// In a dry run nothing fails; the row cannot be imported in
			// this mode, which is a problem of the input.
			it.out.status = report.Invalid
		}
	}
}

// createOutcome treats a server-side failure of a create (a 5xx answer
// other than 503) as an unknown outcome, which the caller reconciles
// instead of re-sending blindly. A 502 or 504 comes from a proxy in front
// of the service, which may have given up after the service committed; a
// 500 or a 520 (GAIA_DA02, database locked) comes from the service in the
// middle of the work, and the reference (§5.3) cannot say whether a batch
// is atomic at commit time, so it asks importers to reconcile after any
// failure. Re-sending such a create could be rejected as a duplicate and
// misreported. A 503 or a 429 is an answer given before anything was done.
func createOutcome(err error) error {
	var e *kintone.APIError
	if errors.As(err, &e) && e.Status >= 500 && e.Status != 503 && !kintone.IsAuth(err) && !kintone.IsPermission(err) {
		// (A 520 is also the legacy status of a refused password, which
		// is no outcome but a reason to stop.)
		return &kintone.OutcomeUnknownError{Err: err}
	}
	return err
}
