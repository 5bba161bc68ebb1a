package lifecycle

import (
	"context"
	"fmt"
	"slices"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/report"
)

// Plan is the leavers of a --deactivate-missing run: the active users of
// the domain that no row of the file matches.
type Plan struct {
	// Users are the users to deactivate, in the order the domain listed
	// them.
	Users []kintone.User
	// Total is how many users the domain has (active or not); Max is how
	// many the limit allows out of them.
	Total, Max int
	Limit      Limit
}

// OverLimitError refuses a plan that would deactivate more users than the
// limit allows. Nothing has been changed when it is returned; the CLI
// exits 2.
type OverLimitError struct {
	Count, Max, Total int
	Limit             Limit
}

func (e *OverLimitError) Error() string {
	return fmt.Sprintf("%d users would be deactivated, more than --max-deactivate %s allows (%d of the domain's %d users); nothing was changed. Check that the file lists every active user (a missing sheet or a filter in the export?), or raise --max-deactivate",
		e.Count, e.Limit, e.Max, e.Total)
}

// PlanDeactivation lists the active users that matched does not claim,
// except those in protect (the Administrator and the account running the
// import). When they are more than limit allows of the domain's users, it
// returns the whole plan (for a dry run to list) with an *OverLimitError.
//
// users are every user of the domain (kintone.Client.AllUsers), read after
// the file's renames and deletions; matched must then claim a renamed user
// under its new login name, or the person just renamed would be taken for
// a leaver.
func PlanDeactivation(users []kintone.User, matched func(kintone.User) bool, protect []string, limit Limit) (Plan, error) {
	p := Plan{Total: len(users), Max: limit.Max(len(users)), Limit: limit}
	if !limit.set {
		p.Limit = DefaultLimit
	}
	for _, u := range users {
		if !u.Valid || slices.ContainsFunc(protect, func(p string) bool { return sameLogin(p, u.Code) }) || matched(u) {
			continue
		}
		p.Users = append(p.Users, u)
	}
	if len(p.Users) > p.Max {
		return p, &OverLimitError{Count: len(p.Users), Max: p.Max, Total: p.Total, Limit: p.Limit}
	}
	return p, nil
}

// Deactivate sets the plan's users inactive (Update Users with only code
// and valid: false, so that nothing else of the user changes) and returns
// one Outcome per user, with Row 0: deactivated (would_deactivate in a
// dry run), skipped (no such user: deleted meanwhile), invalid (a
// protected account in the plan), failed or not_attempted. A lost answer
// is settled by reading the users again: those inactive now are done.
//
// On a resume (opts.Earlier), users the interrupted run sent for
// deactivation are no longer active, so no plan lists them; those still
// inactive are reported deactivated after the plan's own.
func Deactivate(ctx context.Context, api DeactivateAPI, plan Plan, opts Options) []Outcome {
	out := make([]Outcome, len(plan.Users), len(plan.Users)+len(opts.Earlier.codes(OpDeactivate)))
	var send []*task
	for i, u := range plan.Users {
		out[i] = Outcome{Code: u.Code}
		t := &task{out: &out[i], code: u.Code, id: u.ID}
		_, t.journaled = opts.Earlier.Sent(OpDeactivate, 0, u.Code)
		switch why := opts.protected(u.Code); {
		case why != "":
			t.set(report.Invalid, CodeProtected, why)
		case opts.DryRun:
			t.set(WouldDeactivate, "", "no row of the file matches this active user")
		default:
			send = append(send, t)
		}
	}
	out = append(out, confirmEarlier(ctx, api, plan, &opts)...)
	if opts.DryRun {
		return out
	}
	e := &engine{
		opts: &opts, op: OpDeactivate,
		send: func(ctx context.Context, g []*task) error {
			in := make([]kintone.UserInput, len(g))
			for i, t := range g {
				in[i] = kintone.UserInput{Code: t.code, Valid: ptrTo(false)}
			}
			return api.UpdateUsers(ctx, in)
		},
		settle: func(ctx context.Context, g []*task) ([]*task, error) {
			return settleDeactivations(ctx, &opts, api, g)
		},
		ok: func(t *task) {
			t.set(Deactivated, "", appendMsg("no row of the file matches this active user", confirmNote(t)))
		},
	}
	e.run(ctx, send)
	return out
}

// confirmEarlier reports the users an interrupted run sent for
// deactivation that the plan does not list and that are inactive now.
func confirmEarlier(ctx context.Context, api Getter, plan Plan, opts *Options) []Outcome {
	var earlier []string
	for _, code := range opts.Earlier.codes(OpDeactivate) {
		if !slices.ContainsFunc(plan.Users, func(u kintone.User) bool { return u.Code == code }) {
			earlier = append(earlier, code)
		}
	}
	if len(earlier) == 0 {
		return nil
	}
	slices.Sort(earlier)
	found, err := lookup(ctx, opts, api, earlier)
	var out []Outcome
	for _, code := range earlier {
		switch u, ok := found[code]; {
		case err != nil:
			out = append(out, Outcome{Code: code, Status: report.Failed, ErrorCode: CodeOutcomeLost,
				Message: "the interrupted run sent this user's deactivation, and it could not be checked (" + err.Error() + "); run again with --resume to check"})
		case ok && !u.Valid:
			out = append(out, Outcome{Code: code, Status: Deactivated,
				Message: "confirmed on the server: deactivated by the interrupted run, whose answer was lost"})
		}
	}
	return out
}

// settleDeactivations reads the users of g again: an inactive one is
// done, a missing one was deleted meanwhile, the rest go again.
func settleDeactivations(ctx context.Context, opts *Options, api Getter, g []*task) ([]*task, error) {
	found, err := lookup(ctx, opts, api, taskCodes(g))
	if err != nil {
		return nil, err
	}
	var rest []*task
	for _, t := range g {
		switch u, ok := found[t.code]; {
		case !ok:
			t.set(report.Skipped, CodeNoSuchUser, fmt.Sprintf("no such user: %q was deleted meanwhile", t.code))
		case !u.Valid && t.uncertain:
			t.set(Deactivated, "", "confirmed on the server after the answer to the request was lost")
		case !u.Valid:
			t.set(Deactivated, "", "already inactive: someone else deactivated this user meanwhile")
		default:
			rest = append(rest, t)
		}
	}
	return rest, nil
}

func ptrTo[T any](v T) *T { return &v }
