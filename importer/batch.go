package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// resumeMode says how --resume treats a row that did not end well before.
type resumeMode int

const (
	resumeNone resumeMode = iota
	// resumeUnseen: the previous run never reported the row (it was in
	// flight when the run died) or its outcome was unknown. If the user now
	// exists with exactly the row's data, the previous run created it.
	resumeUnseen
	// resumeSteps: the user was created or updated, but its services or
	// departments step did not finish; only those steps run again.
	resumeSteps
)

// item is one valid row on its way through a batch.
type item struct {
	seq    int
	rec    validate.Record
	note   string // warnings and normalisations, for the report
	resume resumeMode
	// prev is the previous run's line of a resumeSteps row: its status,
	// and the outcomes of the steps that need not run again.
	prev *report.Row

	existing  *kintone.User
	uncertain bool // an attempt to create it had an unknown outcome

	status      report.Status
	errCode     string
	msg         string
	services    string
	departments string
	// stepFailed marks a created/updated user whose services or
	// departments step failed: the row did not end well.
	stepFailed  bool
	interrupted bool
}

func (it *item) code() string { return it.rec.Values[validate.Code] }

// process runs one batch of at most 100 valid rows through every step and
// reports each row.
func (r *runner) process(items []*item) {
	if r.stop.Err() != nil {
		// Stopped while this batch waited for its turn: nothing of it
		// was sent.
		r.abandon(items)
		return
	}
	if r.opts.Kind == validate.Guests {
		r.processGuests(items)
	} else {
		r.processUsers(items)
	}
	for _, it := range items {
		r.report(it)
	}
}

func (r *runner) report(it *item) {
	st, code := it.status, it.errCode
	switch {
	case st == "" && it.interrupted:
		st = report.NotAttempted
	case st == "":
		st, code = report.Failed, "internal"
		it.msg = appendMsg(it.msg, "internal error: the row reached no outcome")
	}
	if it.stepFailed {
		r.stepFailures.Add(1)
	}
	r.finish(it, st, code, it.msg)
}

func (r *runner) processUsers(items []*item) {
	if err := r.lookup(items); err != nil {
		r.lookupFailed(items, err)
		return
	}
	crashed := r.createdByCrash(items)
	var create, update []*item
	inputs := map[*item]kintone.UserInput{}
	for _, it := range items {
		switch {
		case it.existing == nil && r.missingForCreate(it):
		case it.existing == nil:
			create = append(create, it)
		case it.resume == resumeSteps:
			it.status = it.prev.Status
			it.msg = appendMsg(it.msg, "resumed: finishing the services/departments steps")
			if !stepUnfinished(it.prev.Services) {
				it.services = it.prev.Services
			}
			if !stepUnfinished(it.prev.Departments) {
				it.departments = it.prev.Departments
			}
		case it.resume == resumeUnseen && crashed[it]:
			it.status, it.uncertain = report.Created, false
			it.msg = appendMsg(it.msg, "confirmed on the server: created by the interrupted run")
			if !sameAsCreated(it) {
				// The row was changed since. The resume finishes the run
				// that died (services, departments); applying changes is
				// an upsert's job, with its own rules for blank cells and
				// passwords, so it is left to one, and said.
				it.errCode, it.stepFailed = "changed_since_created", true
				it.msg = appendMsg(it.msg, "the row was changed after the interrupted run created this user, and the user still has the values it was created with; run the file again with --mode upsert to apply the changes")
			}
		case r.opts.Mode == Create:
			it.status, it.errCode = report.Failed, "exists"
			it.msg = appendMsg(it.msg, fmt.Sprintf("user %q already exists; use --mode upsert to update it or --mode skip-existing to leave it", it.existing.Code))
		case r.opts.Mode == SkipExisting:
			it.status = report.Skipped
			it.msg = appendMsg(it.msg, fmt.Sprintf("user %q already exists", it.existing.Code))
		default: // Upsert
			in, changed := updateInput(&it.rec, it.existing)
			if !changed {
				it.status = report.Unchanged
				continue
			}
			inputs[it] = in
			update = append(update, it)
		}
		if it.existing != nil && it.existing.Code != it.code() {
			it.msg = appendMsg(it.msg, fmt.Sprintf("matched existing user %q by %s", it.existing.Code, r.opts.MatchOn))
		}
	}
	if r.opts.DryRun {
		r.plan(items, create, update)
		r.assignServices(items)
		r.assignOrganizations(items)
		return
	}
	r.runStep(&step{
		send: func(ctx context.Context, g []*item) error {
			if err := r.logSend(g); err != nil {
				return err
			}
			in := make([]kintone.UserInput, len(g))
			for i, it := range g {
				in[i] = newUserInput(&it.rec)
			}
			return createOutcome(r.api.AddUsers(ctx, in))
		},
		ok: func(it *item) { it.status = report.Created },
		fail: func(it *item, code, msg string) {
			r.retractSend(it, code)
			r.failRow(it, code, msg)
		},
		reconcile: r.reconcileAdds,
		primary:   true,
	}, create)
	r.runStep(&step{
		send: func(ctx context.Context, g []*item) error {
			in := make([]kintone.UserInput, len(g))
			for i, it := range g {
				in[i] = inputs[it]
			}
			return r.api.UpdateUsers(ctx, in)
		},
		ok:      func(it *item) { it.status = report.Updated },
		fail:    r.failRow,
		primary: true,
	}, update)
	r.assignServices(items)
	r.assignOrganizations(items)
}

// missingForCreate marks a row invalid when its user does not exist and the
// row lacks what Add Users requires. Outside create mode validation lets
// such rows through (an existing user needs no password to be updated, and
// an export has no password column); this is where a new user is caught.
func (r *runner) missingForCreate(it *item) bool {
	if r.opts.Mode == Create {
		return false // validation already required both
	}
	for _, f := range []validate.Field{validate.Name, validate.Password} {
		if it.rec.Values[f] != "" {
			continue
		}
		it.status, it.errCode = report.Invalid, f.String()+".required"
		it.msg = appendMsg(it.msg, fmt.Sprintf("user %q does not exist yet, and creating it needs a %s; fill in the %s column", it.code(), f, f))
		return true
	}
	return false
}

func (r *runner) failRow(it *item, code, msg string) {
	it.status, it.errCode = report.Failed, code
	it.msg = appendMsg(it.msg, msg)
}

// lookupFailed reports a batch whose existing users could not be read.
func (r *runner) lookupFailed(items []*item, err error) {
	if kintone.IsAuth(err) || kintone.IsPermission(err) {
		r.setFatal(err)
	}
	for _, it := range items {
		switch {
		case it.uncertain:
			// An earlier run may have created it: keep that evidence for
			// the next --resume.
			r.failRow(it, "outcome_unknown", "an earlier run may have created this user, and it could not be looked up ("+err.Error()+"); run again with --resume to check")
		case r.fatal.Load() != nil || isInterrupted(err):
			it.interrupted = true
			it.msg = appendMsg(it.msg, "not sent: "+err.Error())
		default:
			r.failRow(it, errorCode(err), "could not look up existing users: "+err.Error())
		}
	}
}

// lookup finds the existing user of every item: by code with one Get Users
// request per batch, or from the index of all users for --match-on
// employeeNumber|email.
func (r *runner) lookup(items []*item) error {
	if r.index != nil {
		for _, it := range items {
			it.existing = r.index.find(r.opts.MatchOn, &it.rec)
		}
		return nil
	}
	found, err := r.getByCodes(items)
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

func (r *runner) getByCodes(items []*item) (map[string]kintone.User, error) {
	codes := make([]string, len(items))
	for i, it := range items {
		codes[i] = it.code()
	}
	var users []kintone.User
	err := r.call(func(ctx context.Context) error {
		var err error
		users, err = r.api.GetUsers(ctx, kintone.GetUsersOptions{Codes: codes})
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

// reconcileAdds asks the server which users of an Add Users request whose
// answer was lost exist now. They were created by that request (the batch
// was checked for existing users before it was sent), so they are done;
// only the rest is sent again. This is what keeps a dropped connection from
// creating a user twice or misreporting it as "exists".
func (r *runner) reconcileAdds(group []*item) ([]*item, error) {
	found, err := r.getByCodes(group)
	if err != nil {
		return nil, err
	}
	var rest []*item
	for _, it := range group {
		if _, ok := found[it.code()]; ok {
			it.status, it.uncertain = report.Created, false
			it.msg = appendMsg(it.msg, "confirmed on the server after the answer to the request was lost")
			continue
		}
		rest = append(rest, it)
	}
	return rest, nil
}

// createdByCrash finds, among the rows --resume runs again because the
// previous run never reported them (or lost the answer to their create),
// the users that run created. The user exists with the row's login name,
// and:
//   - the run sent a create for that login name (send log, unknown
//     outcome) after looking users up by login name and finding none, so
//     a user with that name now is its own, even if the row was changed
//     since; or
//   - it sent one after a lookup by another key (--match-on), which
//     cannot rule out a user that existed under that login name, so the
//     user must also carry every value the row gives; or
//   - in create mode, without such evidence, the user carries every value
//     the row gives: the row asked for a new user.
//
// Such a row is reported created and gets the services step it missed.
func (r *runner) createdByCrash(items []*item) map[*item]bool {
	var out map[*item]bool
	for _, it := range items {
		// The login name must match: with --match-on the existing user
		// may be another person who shares the employee number or e-mail.
		if it.resume != resumeUnseen || it.existing == nil || it.existing.Code != it.code() {
			continue
		}
		sent := r.resume.maybeCreated(&it.rec, it.prev)
		if sent && r.opts.MatchOn == MatchCode || (sent || r.opts.Mode == Create) && sameAsCreated(it) {
			if out == nil {
				out = make(map[*item]bool)
			}
			out[it] = true
		}
	}
	return out
}

// sameAsCreated reports whether the existing user carries every value the
// row gives. A blank cell is not compared: Add Users omitted it, and the
// server filled in its default (locale "auto", the domain's time zone...).
func sameAsCreated(it *item) bool {
	_, changed := updateInput(createdRecord(it), it.existing)
	return !changed
}

// createdRecord is the row as Add Users sent it: a blank cell was omitted
// and left to the server's default, so it is not a value to compare or
// update.
func createdRecord(it *item) *validate.Record {
	rec := it.rec
	for f := range rec.Values {
		if rec.Values[f] == "" {
			rec.Set[f] = false
		}
	}
	return &rec
}

// plan fills in the dry-run outcome of a batch.
func (r *runner) plan(items, create, update []*item) {
	for _, it := range create {
		it.status = report.WouldCreate
	}
	for _, it := range update {
		it.status = report.WouldUpdate
	}
	for _, it := range items {
		if it.status == report.Failed && it.errCode == "exists" {
			// In a dry run nothing fails; the row cannot be imported in
			// this mode, which is a problem of the input.
			it.status = report.Invalid
		}
	}
}

// wouldChange records, in a dry run, a services or departments step that a
// real run would send; a user whose only change is that step would be
// updated.
func wouldChange(items []*item, set func(*item)) {
	for _, it := range items {
		set(it)
		if it.status == report.Unchanged {
			it.status = report.WouldUpdate
		}
	}
}

func (r *runner) servicesFor(it *item) []string {
	if s := wantedServices(&it.rec); s != nil {
		return s
	}
	return r.opts.Services
}

// assignServices gives new users their services (a user without services
// cannot use kintone) and brings existing users' services in line with a
// services column.
func (r *runner) assignServices(items []*item) {
	var send, check []*item
	want := map[*item][]string{}
	for _, it := range items {
		if it.resume == resumeSteps && !stepUnfinished(it.prev.Services) {
			continue // finished by the previous run, which it.services says
		}
		switch it.status {
		case report.Created, report.WouldCreate:
			want[it] = r.servicesFor(it)
			send = append(send, it)
		case report.Updated, report.Unchanged, report.WouldUpdate:
			if s := wantedServices(&it.rec); s != nil {
				want[it] = s
				check = append(check, it)
			} else if it.resume == resumeSteps {
				want[it] = r.servicesFor(it)
				send = append(send, it)
			}
		}
	}
	if len(check) > 0 {
		cur, err := r.currentServices(check)
		for _, it := range check {
			switch {
			case err != nil:
				it.services = "failed: could not read current services: " + err.Error()
				it.stepFailed = true
			case sameServices(cur[it.existing.Code], want[it]):
				it.services = "unchanged"
			default:
				send = append(send, it)
			}
		}
	}
	r.followUp(send, func(it *item) *string { return &it.services },
		func(it *item) string { return strings.Join(want[it], ";") }, "would_assign: ",
		func(ctx context.Context, g []*item) error {
			in := make([]kintone.UserServices, len(g))
			for i, it := range g {
				in[i] = kintone.UserServices{Code: userCode(it), Services: want[it]}
			}
			return r.api.UpdateUserServices(ctx, in)
		})
}

// followUp sends a step that follows the user write (services,
// departments). Its outcome goes in its own report column (*outcome(it)):
// "assigned: …", "failed: …" or "not_attempted", the last two marking a row
// that did not end well and that --resume finishes; a user whose only
// change is this step counts as updated. A dry run records what would be
// sent instead.
func (r *runner) followUp(items []*item, outcome func(*item) *string, value func(*item) string, dryPrefix string, send func(ctx context.Context, g []*item) error) {
	if r.opts.DryRun {
		wouldChange(items, func(it *item) { *outcome(it) = dryPrefix + value(it) })
		return
	}
	r.runStep(&step{
		send: send,
		ok: func(it *item) {
			*outcome(it) = "assigned: " + value(it)
			if it.status == report.Unchanged {
				it.status = report.Updated
			}
		},
		fail: func(it *item, code, msg string) {
			*outcome(it) = "failed: " + msg
			it.stepFailed = true
			if it.errCode == "" {
				it.errCode = code
			}
		},
	}, items)
	for _, it := range items {
		if *outcome(it) == "" && it.interrupted {
			*outcome(it) = "not_attempted"
			it.stepFailed = true
			r.stepsCut.Add(1)
		}
	}
}

func (r *runner) currentServices(items []*item) (map[string][]string, error) {
	codes := make([]string, len(items))
	for i, it := range items {
		codes[i] = it.existing.Code
	}
	var got []kintone.UserServices
	err := r.call(func(ctx context.Context) error {
		var err error
		got, err = r.api.GetUserServices(ctx, codes, 0, kintone.MaxPerRequest)
		return err
	})
	if err != nil {
		return nil, err
	}
	m := make(map[string][]string, len(got))
	for _, us := range got {
		m[us.Code] = us.Services
	}
	return m, nil
}

// userCode is the login name to address a row's user by: the existing
// user's (it may have been matched by employee number or e-mail).
func userCode(it *item) string {
	if it.existing != nil {
		return it.existing.Code
	}
	return it.code()
}

// assignOrganizations applies the organizations column with Update User's
// Departments. It replaces the user's departments, so it is only sent for
// rows that fill the column, and for existing users only when the
// departments differ.
func (r *runner) assignOrganizations(items []*item) {
	var send []*item
	want := map[*item][]kintone.OrganizationAssignment{}
	for _, it := range items {
		orgs := wantedOrganizations(&it.rec)
		if orgs == nil || it.resume == resumeSteps && !stepUnfinished(it.prev.Departments) {
			continue
		}
		switch it.status {
		case report.Created, report.WouldCreate:
		case report.Updated, report.Unchanged, report.WouldUpdate:
			if it.resume != resumeSteps {
				var cur []kintone.OrganizationTitle
				err := r.call(func(ctx context.Context) error {
					var err error
					cur, err = r.api.GetUserOrganizations(ctx, it.existing.Code)
					return err
				})
				if err != nil {
					it.departments = "failed: could not read current departments: " + err.Error()
					it.stepFailed = true
					continue
				}
				if sameOrganizations(orgs, cur) {
					it.departments = "unchanged"
					continue
				}
			}
		default:
			continue
		}
		want[it] = orgs
		send = append(send, it)
	}
	r.followUp(send, func(it *item) *string { return &it.departments },
		func(it *item) string { return it.rec.Values[validate.Organizations] }, "would_set: ",
		func(ctx context.Context, g []*item) error {
			in := make([]kintone.UserOrganizations, len(g))
			for i, it := range g {
				in[i] = kintone.UserOrganizations{Code: userCode(it), Organizations: want[it]}
			}
			return r.api.UpdateUserOrganizations(ctx, in)
		})
}

// processGuests sends a batch through Add Guests. The API cannot list
// guests, so existence is learnt from the server's "already exists" answer.
func (r *runner) processGuests(items []*item) {
	if r.opts.DryRun {
		for _, it := range items {
			it.status = report.WouldCreate
		}
		return
	}
	r.runStep(&step{
		send: func(ctx context.Context, g []*item) error {
			if err := r.logSend(g); err != nil {
				return err
			}
			in := make([]kintone.GuestInput, len(g))
			for i, it := range g {
				in[i] = newGuestInput(&it.rec)
			}
			return createOutcome(r.api.AddGuests(ctx, in))
		},
		ok: func(it *item) { it.status = report.Created },
		fail: func(it *item, code, msg string) {
			r.retractSend(it, code)
			if r.opts.Mode == SkipExisting && mentionsExists([]string{msg}) {
				it.status = report.Skipped
				it.msg = appendMsg(it.msg, "guest already exists")
				return
			}
			r.failRow(it, code, msg)
		},
		existsMeansDone: true,
		primary:         true,
	}, items)
}

func isInterrupted(err error) bool { return errors.Is(err, errInterrupted) }

// retractSend withdraws the send log's evidence for a create the server
// refused. A create whose outcome is unknown keeps it.
func (r *runner) retractSend(it *item, code string) {
	if code == "outcome_unknown" {
		return
	}
	if err := r.sendLog.retract(it); err != nil {
		r.sendLogErr.CompareAndSwap(nil, &err)
		r.cancelStop()
	}
}

// logSend appends a create request's rows to the send log before it is
// sent. A create that cannot be logged is not sent, and the run stops: a
// crash after it would leave no evidence of what was created.
func (r *runner) logSend(g []*item) error {
	if err := r.sendLog.record(g); err != nil {
		r.sendLogErr.CompareAndSwap(nil, &err)
		r.cancelStop()
		return errInterrupted
	}
	return nil
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
