package lifecycle

import (
	"context"
	"fmt"

	"github.com/userimport/userimport/report"
)

// Delete deletes the users with the given login names (Delete Users,
// DELETE /v1/users.json, at most 100 a request) and returns one Outcome
// per item, in order:
//   - deleted (would_delete in a dry run);
//   - skipped, no_such_user: no user has that login name;
//   - skipped, code.deleted_twice: an earlier item already deletes it;
//   - invalid, code.protected: the Administrator or the account running
//     the import, which are never deleted;
//   - failed (the server's code, or outcome_unknown when the answer was
//     lost for good) and not_attempted (the run stopped first).
//
// The users are looked up first, so that an absent one is told apart
// from a deletion whose answer was lost: after a lost answer, a user that
// is gone now was deleted by the request, and only those still present
// are sent again. With opts.Earlier, a user an interrupted run sent for
// deletion and that is gone now is reported deleted, not skipped.
func Delete(ctx context.Context, api DeleteAPI, items []Item, opts Options) []Outcome {
	out := make([]Outcome, len(items))
	tasks := make([]*task, 0, len(items))
	first := map[string]int{}
	for i, it := range items {
		out[i] = Outcome{Row: it.Row, Code: it.Code}
		t := &task{out: &out[i], code: it.Code}
		if why := opts.protected(it.Code); why != "" {
			t.set(report.Invalid, CodeProtected, why+"; remove the delete mark from this row")
			continue
		}
		if row, dup := first[it.Code]; dup {
			t.set(report.Skipped, CodeDeleteRepeat, fmt.Sprintf("row %d already deletes %q", row, it.Code))
			continue
		}
		first[it.Code] = it.Row
		tasks = append(tasks, t)
	}
	found, err := lookup(ctx, &opts, api, taskCodes(tasks))
	if err != nil {
		lookupFailed(tasks, "the users to delete", err)
		return out
	}
	var send []*task
	for _, t := range tasks {
		u, exists := found[t.code]
		_, sent := opts.Earlier.Sent(OpDelete, 0, t.code)
		switch {
		case !exists && sent:
			t.set(Deleted, "", "confirmed on the server: deleted by the interrupted run, whose answer was lost")
		case !exists:
			t.set(report.Skipped, CodeNoSuchUser, fmt.Sprintf("no such user: %q does not exist", t.code))
		case opts.DryRun:
			t.set(WouldDelete, "", "")
		default:
			t.id = u.ID
			t.journaled = sent // its intent is in the journal already
			send = append(send, t)
		}
	}
	if opts.DryRun {
		return out
	}
	e := &engine{
		opts: &opts, op: OpDelete,
		send: func(ctx context.Context, g []*task) error { return api.DeleteUsers(ctx, taskCodes(g)) },
		settle: func(ctx context.Context, g []*task) ([]*task, error) {
			return settleDeletes(ctx, &opts, api, g)
		},
		ok: func(t *task) { t.set(Deleted, "", confirmNote(t)) },
	}
	e.run(ctx, send)
	return out
}

// settleDeletes reads the users of g again: those gone are deleted, by
// this run's request when its answer was lost, by someone else otherwise.
func settleDeletes(ctx context.Context, opts *Options, api Getter, g []*task) ([]*task, error) {
	found, err := lookup(ctx, opts, api, taskCodes(g))
	if err != nil {
		return nil, err
	}
	var rest []*task
	for _, t := range g {
		u, exists := found[t.code]
		switch {
		case exists && u.ID == t.id:
			rest = append(rest, t)
		case t.uncertain && !exists:
			t.set(Deleted, "", "confirmed on the server after the answer to the request was lost")
		case !exists:
			t.set(report.Skipped, CodeNoSuchUser, fmt.Sprintf("no such user: %q was deleted by someone else meanwhile", t.code))
		default:
			t.set(report.Skipped, CodeNoSuchUser, fmt.Sprintf("%q is now another user (id %s, was %s): it was deleted and created again meanwhile, so it is left alone", t.code, u.ID, t.id))
		}
	}
	return rest, nil
}

// confirmNote is the message of a task that succeeded.
func confirmNote(t *task) string {
	if t.uncertain {
		return "sent again after the answer to an earlier attempt was lost"
	}
	return ""
}
