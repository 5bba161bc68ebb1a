package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/report"
)

// task is one item on its way through the requests of an operation.
type task struct {
	out     *Outcome
	code    string // the login name the request addresses
	newCode string // a rename's new login name
	id      string // the user's id when it was looked up
	// uncertain: a request carrying it was sent and its answer lost
	// (in this run, or in an earlier one according to the journal).
	uncertain bool
	journaled bool
	lost      int // answers lost so far for requests carrying it
}

func (t *task) set(st report.Status, code, msg string) {
	t.out.Status, t.out.ErrorCode = st, code
	t.out.Message = appendMsg(t.out.Message, msg)
}

// engine sends the tasks of one operation in requests of at most
// kintone.MaxPerRequest and settles every answer.
type engine struct {
	opts  *Options
	op    Op
	space int64
	// send makes one request for the group.
	send func(ctx context.Context, g []*task) error
	// settle reads the server after a lost answer or a refusal: it gives
	// an outcome to every task whose effect is already visible (or that
	// can no longer apply) and returns the tasks still to send. Nil means
	// the write cannot be read back but replaces state, so sending it
	// again is safe.
	settle func(ctx context.Context, g []*task) ([]*task, error)
	// ok gives a task the outcome of a request that succeeded.
	ok func(t *task)
	// noSplit forbids halving a refused group, and whole sends the tasks
	// in one request however many they are: for a write that replaces a
	// whole list, the parts would undo each other.
	noSplit, whole bool

	stopped error // set once no further request may be sent
}

// run sends tasks, MaxPerRequest at a time.
func (e *engine) run(ctx context.Context, tasks []*task) {
	var queue [][]*task
	for len(tasks) > 0 {
		n := min(len(tasks), kintone.MaxPerRequest)
		if e.whole {
			n = len(tasks)
		}
		queue = append(queue, tasks[:n:n])
		tasks = tasks[n:]
	}
	for len(queue) > 0 {
		g := queue[0]
		queue = queue[1:]
		if len(g) == 0 {
			continue
		}
		if e.stopped != nil {
			e.notSent(g, e.stopped)
			continue
		}
		if err := e.intend(ctx, g); err != nil {
			e.stopped = fmt.Errorf("the journal could not record what was about to be sent, so nothing more is sent: %w", err)
			e.notSent(g, e.stopped)
			continue
		}
		err := e.opts.call(ctx, func(ctx context.Context) error { return lostAnswer(e.send(ctx, g)) })
		var apiErr *kintone.APIError
		switch {
		case err == nil:
			for _, t := range g {
				e.ok(t)
			}
		case kintone.IsOutcomeUnknown(err):
			queue = append(queue, e.lost(ctx, g, err))
		case fatal(err):
			// Refused (authentication, permission) or not sent at all
			// (cancelled before it left): nothing of it was applied.
			e.withdraw(ctx, g)
			e.stopped = err
			e.notSent(g, err)
		case errors.As(err, &apiErr) && apiErr.Status == 400 && !apiErr.HTML:
			queue = append(queue, e.isolate(ctx, g, apiErr)...)
		default:
			e.fail(ctx, g, errorCode(err), err.Error())
		}
	}
}

// intend journals the tasks of g that no intent covers yet.
func (e *engine) intend(ctx context.Context, g []*task) error {
	if e.opts.Journal == nil {
		return nil
	}
	var items []EntryItem
	for _, t := range g {
		if !t.journaled {
			items = append(items, EntryItem{Code: t.code, NewCode: t.newCode, ID: t.id})
		}
	}
	if len(items) == 0 {
		return nil
	}
	if err := e.opts.Journal.Append(ctx, Entry{Phase: Intent, Op: e.op, Space: e.space, Items: items}); err != nil {
		return err
	}
	for _, t := range g {
		t.journaled = true
	}
	return nil
}

// lost handles a group whose answer was lost and returns what to send
// again.
func (e *engine) lost(ctx context.Context, g []*task, err error) []*task {
	n := 0
	for _, t := range g {
		t.uncertain = true
		t.lost++
		n = max(n, t.lost)
	}
	if n > e.opts.maxLost() {
		e.fail(ctx, g, CodeOutcomeLost, "the answer to the request was lost repeatedly (the last time: "+err.Error()+"); the change may have been applied: run again with --resume to check")
		return nil
	}
	if e.settle == nil {
		return g
	}
	rest, serr := e.settle(ctx, g)
	if serr != nil {
		if fatal(serr) {
			e.stopped = serr
		}
		e.fail(ctx, g, CodeOutcomeLost, "the answer to the request was lost ("+err.Error()+") and the server could not be asked what it applied ("+serr.Error()+"); run again with --resume to check")
		return nil
	}
	return rest
}

// isolate handles a group the server refused with 400 and returns the
// groups to send again: the items it named fail, the rest go again; with
// no item named, the group is halved until the bad items are alone.
func (e *engine) isolate(ctx context.Context, g []*task, ae *kintone.APIError) [][]*task {
	bad := map[*task][]string{}
	var all []string
	for _, fe := range ae.Errors {
		msg := fieldMessage(fe)
		all = append(all, msg)
		if fe.Index >= 0 && fe.Index < len(g) {
			bad[g[fe.Index]] = append(bad[g[fe.Index]], msg)
		}
	}
	if len(all) == 0 {
		all = []string{ae.Message}
	}
	rest := g
	if e.settle != nil {
		var err error
		if rest, err = e.settle(ctx, g); err != nil {
			if fatal(err) {
				e.stopped = err
			}
			e.fail(ctx, g, ae.Code, "the server refused the request ("+strings.Join(all, "; ")+") and could not be read again ("+err.Error()+")")
			return nil
		}
	}
	switch {
	case len(bad) > 0:
		var again, refused []*task
		for _, t := range rest {
			if msgs, ok := bad[t]; ok {
				t.set(report.Failed, ae.Code, "the server refused it: "+strings.Join(msgs, "; "))
				refused = append(refused, t)
				continue
			}
			again = append(again, t)
		}
		e.withdraw(ctx, refused)
		return [][]*task{again}
	case len(rest) < len(g):
		// Some items were already settled; the refusal may have been
		// about them, so the rest go again as they are.
		return [][]*task{rest}
	case len(rest) > 1 && !e.noSplit:
		half := len(rest) / 2
		return [][]*task{rest[:half], rest[half:]}
	}
	e.fail(ctx, rest, ae.Code, "the server refused it: "+strings.Join(all, "; "))
	return nil
}

// fail gives every task of g a failure and withdraws the intents of those
// the server surely did not apply.
func (e *engine) fail(ctx context.Context, g []*task, code, msg string) {
	var refused []*task
	for _, t := range g {
		t.set(report.Failed, code, msg)
		if code != CodeOutcomeLost && !t.uncertain {
			refused = append(refused, t)
		}
	}
	e.withdraw(ctx, refused)
}

// withdraw journals that the server refused g, so that a resume does not
// take their intents for evidence. A journal that fails now stops the
// operation, as before a request.
func (e *engine) withdraw(ctx context.Context, g []*task) {
	if e.opts.Journal == nil || len(g) == 0 || e.stopped != nil {
		return
	}
	items := make([]EntryItem, 0, len(g))
	for _, t := range g {
		if t.journaled && !t.uncertain {
			items = append(items, EntryItem{Code: t.code, NewCode: t.newCode, ID: t.id})
		}
	}
	if len(items) == 0 {
		return
	}
	// A local write, kept even when the run is being cancelled: the
	// refusal is what keeps a resume from taking these for done.
	if err := e.opts.Journal.Append(context.WithoutCancel(ctx), Entry{Phase: Refused, Op: e.op, Space: e.space, Items: items}); err != nil {
		e.stopped = fmt.Errorf("the journal could not record a refusal, so nothing more is sent: %w", err)
	}
}

// notSent reports a group that will not be sent (again). A task whose
// earlier attempt lost its answer may have been applied: it fails as
// outcome_unknown, which --resume checks, not as not_attempted.
func (e *engine) notSent(g []*task, why error) {
	for _, t := range g {
		if t.uncertain {
			t.set(report.Failed, CodeOutcomeLost, "the answer to an earlier attempt was lost and the run stopped before it could be checked ("+why.Error()+"); run again with --resume to check")
			continue
		}
		t.set(report.NotAttempted, CodeInterrupted, "not sent: "+why.Error())
	}
}

func fieldMessage(fe kintone.FieldError) string {
	f := fe.Field
	if f == "" {
		f = fe.Key
	}
	return f + ": " + strings.Join(fe.Messages, ", ")
}

// lookup reads the users with the given login names, MaxPerRequest a
// request; absent names are simply missing from the map.
func lookup(ctx context.Context, opts *Options, api Getter, codes []string) (map[string]kintone.User, error) {
	found := make(map[string]kintone.User, len(codes))
	for len(codes) > 0 {
		n := min(len(codes), kintone.MaxPerRequest)
		var users []kintone.User
		err := opts.call(ctx, func(ctx context.Context) error {
			var err error
			users, err = api.GetUsers(ctx, kintone.GetUsersOptions{Codes: codes[:n]})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			found[u.Code] = u
		}
		codes = codes[n:]
	}
	return found, nil
}

// lookupFailed reports tasks whose users could not be read first.
func lookupFailed(tasks []*task, what string, err error) {
	for _, t := range tasks {
		if fatal(err) {
			t.set(report.NotAttempted, errorCode(err), "not sent: could not look up "+what+": "+err.Error())
			continue
		}
		t.set(report.Failed, errorCode(err), "could not look up "+what+": "+err.Error())
	}
}

func taskCodes(tasks []*task) []string {
	out := make([]string, len(tasks))
	for i, t := range tasks {
		out[i] = t.code
	}
	return out
}
