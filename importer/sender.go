package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/pacer"
	"github.com/userimport/userimport/progress"
)

// errInterrupted marks work that was not sent because the run is stopping.
var errInterrupted = errors.New("interrupted before it could be sent")

// sender sends requests to the API through the run's pacer (one rate
// limit, at most Options.Concurrency in flight, retries of transient
// failures), and it runs the steps of a batch (runStep). It holds what every batch shares about
// the run's state: whether it is stopping, and the fatal error that stopped
// it.
type sender struct {
	api   API
	retry RetryPolicy
	pacer *pacer.Pacer
	ev    *progress.Counter

	// stop is cancelled on Ctrl-C or a fatal error: nothing new starts.
	// send is what requests run under: it survives a soft stop so that
	// requests in flight can finish or be reconciled.
	stop       context.Context
	cancelStop context.CancelFunc
	send       context.Context
	fatal      atomic.Pointer[FatalError]
}

func newSender(ctx context.Context, api API, o *Options, ev *progress.Counter) (*sender, error) {
	s := &sender{api: api, retry: o.Retry, ev: ev}
	var err error
	if s.pacer, err = s.retry.Writes(o.Concurrency, o.Rate, func(int, time.Duration, error) { ev.Retry() }); err != nil {
		return nil, err
	}
	s.stop, s.cancelStop = context.WithCancel(ctx)
	s.send = context.WithoutCancel(ctx)
	return s, nil
}

// stopping reports whether the run is stopping (Ctrl-C or a fatal error).
func (r *sender) stopping() bool { return r.stop.Err() != nil }

// stopReason says why a row is not sent because the run is stopping.
func (r *sender) stopReason() string {
	if f := r.fatal.Load(); f != nil {
		return "not sent: the run stopped: " + f.Error()
	}
	return "not sent: the run was interrupted"
}

// call sends one request through the pacer, which retries it while the
// failure is transient. It never retries a request whose outcome
// is unknown (the caller reconciles), and it stops retrying at once when the
// run is stopping: a transient failure means nothing was committed, so the
// rows can honestly be reported not_attempted.
func (r *sender) call(fn func(ctx context.Context) error) error {
	return r.do(false, fn)
}

// callUnlessStopping is call for a write that starts new work (see
// step.primary): if the run is stopping by the time a request slot is
// free, it sends nothing and returns errInterrupted. Checking here, at the
// last moment, and not only before waiting for the slot, is what keeps a
// batch that queued for a slot from sending after Ctrl-C.
func (r *sender) callUnlessStopping(fn func(ctx context.Context) error) error {
	return r.do(true, fn)
}

func (r *sender) do(unlessStopping bool, fn func(ctx context.Context) error) error {
	opts := []pacer.CallOption{pacer.StopWith(r.stop)}
	if unlessStopping {
		opts = append(opts, pacer.SkipIfStopped())
	}
	err := r.pacer.Call(r.send, func(ctx context.Context) error {
		r.ev.Request()
		return fn(ctx)
	}, opts...)
	switch {
	case err == nil:
		return nil
	case err == pacer.ErrStopped: // nothing was sent
		return errInterrupted
	case errors.Is(err, pacer.ErrStopped):
		return fmt.Errorf("%w: %w", errInterrupted, err)
	}
	return err
}

// step is one kind of write (add users, update users, set services...) that
// runStep sends in groups, isolating the rows the server rejects.
type step struct {
	send func(ctx context.Context, items []*item) error
	ok   func(it *item)
	fail func(it *item, code, msg string)
	// settle asks the server what a create request committed, after its
	// answer was lost (rej == nil) or it was rejected (rej: a 400, or a
	// 403 for the API token's scope), and returns the groups of items
	// still to send. No public source says a rejected batch is atomic, so
	// a rejection is no proof that nothing was created. Nil means the
	// write is idempotent (a PUT that replaces state) and is simply sent
	// again, or cannot be read back (Add Guests).
	settle func(group []*item, rej *kintone.APIError) ([][]*item, error)
	// guests marks Add Guests, whose result cannot be read back: the
	// server's "already exists" answer is all there is to go on.
	guests bool
	// primary marks the write that creates or changes the rows' users
	// (Add Users, Update Users, Add Guests). Once the run is stopping no
	// group of it is sent any more, not even the rest of a group split by
	// isolation or reconciliation. The steps after it (services,
	// departments) still run for the users this batch has written, so
	// that Ctrl-C leaves no user half set up.
	primary bool
}

// creates reports whether the step creates users or guests: only then can
// a lost answer leave a user that may or may not exist.
func (s *step) creates() bool { return s.settle != nil || s.guests }

// runStep sends items in one request, then handles the answer:
//   - rejected (a 400, or a 403 for an API token's scope) with indexed
//     field errors: those rows fail with the server's message, the rest
//     are sent again;
//   - rejected without an index (users.code): the group is halved until the
//     bad rows are alone, so one bad row never fails the other 99;
//   - a create rejected or whose outcome is unknown: settle (look the
//     group up), then send only what is missing;
//   - a redirect, or refused credentials or rights: the run stops;
//   - transient failure after the retry budget: the group fails, resumable.
func (r *sender) runStep(s *step, items []*item) {
	queue := [][]*item{items}
	unknown := 0
	for len(queue) > 0 {
		group := queue[0]
		queue = queue[1:]
		if len(group) == 0 {
			continue
		}
		if f := r.fatal.Load(); f != nil {
			r.stopGroup(s, group, "not sent: the run stopped: "+f.Error())
			continue
		}
		if s.primary && r.stop.Err() != nil {
			r.stopGroup(s, group, "not sent: the run was interrupted")
			continue
		}
		send := r.call
		if s.primary {
			send = r.callUnlessStopping
		}
		err := send(func(ctx context.Context) error { return s.send(ctx, group) })
		queue = append(queue, r.answered(s, group, err, &unknown)...)
	}
}

// answered handles the answer to one group and returns the groups to send
// again.
func (r *sender) answered(s *step, group []*item, err error, unknown *int) [][]*item {
	var apiErr *kintone.APIError
	loc, redirected := kintone.IsRedirect(err)
	switch {
	case err == nil:
		for _, it := range group {
			s.ok(it)
			it.out.uncertain = false
		}
	case redirected:
		// The User API does not redirect: every request would be sent
		// to the same place, so nothing more is sent anywhere.
		r.setFatal(fmt.Errorf("the server answered with a redirect to %q, which the User API never does: check KINTONE_BASE_URL (https://<subdomain>.cybozu.com): %w", loc, err))
		r.stopGroup(s, group, "not sent: "+r.fatal.Load().Error())
	case kintone.IsOutcomeUnknown(err):
		*unknown++
		return r.lostAnswer(s, group, err, *unknown)
	case kintone.Refusal(err) == kintone.RefusedTokenScope && errors.As(err, &apiErr):
		// The pre-flight showed the token may write; a refusal now is
		// about these rows (a member of the Administrators group needs
		// the Dangerous Zone scope), so only they fail.
		return r.isolate(s, group, apiErr)
	case kintone.IsAuth(err) || kintone.IsPermission(err):
		r.setFatal(err)
		r.stopGroup(s, group, "not sent: "+err.Error())
	case errors.Is(err, errInterrupted):
		r.stopGroup(s, group, "not sent: the run was interrupted")
	case errors.As(err, &apiErr) && apiErr.Status == 400 && !apiErr.HTML:
		return r.isolate(s, group, apiErr)
	default:
		r.failGroup(s, group, errorCode(err), err.Error())
	}
	return nil
}

// lostAnswer handles a group whose answer was lost (the unknown-th time in
// this step) and returns the groups to send again: an update is sent
// again as it is; a create is reconciled first, and only what the server
// does not have is sent again.
func (r *sender) lostAnswer(s *step, group []*item, err error, unknown int) [][]*item {
	if !s.creates() {
		// An update or a replacement may be sent again safely; only a
		// create leaves a user that may or may not exist.
		if unknown > r.retry.MaxAttempts {
			r.failGroup(s, group, "network", "the answer to the request was lost repeatedly (the last time: "+err.Error()+"); the change may have been applied, and running again is safe: it replaces the same values")
			return nil
		}
		return [][]*item{group}
	}
	for _, it := range group {
		it.out.uncertain = true
	}
	if unknown > r.retry.MaxAttempts {
		r.failGroup(s, group, "outcome_unknown", "the answer to the request was lost repeatedly (the last time: "+err.Error()+"); the change may have been applied: run again with --resume to check")
		return nil
	}
	if s.settle == nil {
		return [][]*item{group}
	}
	rest, rerr := s.settle(group, nil)
	if rerr != nil {
		r.failGroup(s, group, "outcome_unknown", "the answer to the request was lost ("+err.Error()+") and the server could not be asked what it applied ("+rerr.Error()+"); run again with --resume to check")
		return nil
	}
	if n := countItems(rest); n > 0 {
		// A server failure (a database lock) may last a moment: back off
		// before sending the rest, as for any retry.
		if r.retry.Sleep(r.stop, r.retry.Backoff(unknown, err)) != nil {
			for _, g := range rest {
				r.stopGroup(s, g, "not sent: the run was interrupted")
			}
			return nil
		}
	}
	return rest
}

func countItems(groups [][]*item) int {
	n := 0
	for _, g := range groups {
		n += len(g)
	}
	return n
}

// isolate handles a rejected group (a 400, or a 403 for the API token's
// scope) and returns the groups to send again: rows the server names
// fail with its message, the others are sent again; without an index the
// group is halved until the bad rows are alone. A create is first
// settled: the server may have committed part of the group.
func (r *sender) isolate(s *step, group []*item, e *kintone.APIError) [][]*item {
	if s.settle != nil {
		rest, err := s.settle(group, e)
		if err != nil {
			for _, it := range group {
				it.out.uncertain = true
			}
			r.failGroup(s, group, "outcome_unknown", "the server rejected the request ("+rejection(e)+"), which may still have created some of its users, and it could not be asked which ("+err.Error()+"); run again with --resume to check")
			return nil
		}
		return rest
	}
	byIndex := e.MessagesByIndex(len(group))
	if s.guests {
		return r.isolateGuests(s, group, e, byIndex)
	}
	if len(byIndex) > 0 {
		var rest []*item
		for i, it := range group {
			if msgs, bad := byIndex[i]; bad {
				s.fail(it, e.Code, rejectedRow(e, msgs))
			} else {
				rest = append(rest, it)
			}
		}
		return [][]*item{rest}
	}
	if len(group) > 1 {
		return halves(group)
	}
	s.fail(group[0], e.Code, rejectedRow(e, e.Messages()))
	return nil
}

// rejectedRow is the message of a row the server rejected; a refusal for
// the API token's scope says which scope the row needs.
func rejectedRow(e *kintone.APIError, msgs []string) string {
	msg := "the server rejected this row: " + strings.Join(msgs, "; ")
	if kintone.Refusal(e) == kintone.RefusedTokenScope {
		msg = "the API token may not write this row (403 " + e.Code + "): a member of the Administrators group can only be changed with a token that has the Dangerous Zone scope, or with a password login; " + strings.Join(msgs, "; ")
	}
	return msg
}

// rejection describes a rejection in a few words.
func rejection(e *kintone.APIError) string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, strings.Join(e.Messages(), "; "))
}

func halves(group []*item) [][]*item {
	half := len(group) / 2
	return [][]*item{group[:half], group[half:]}
}

func (r *sender) failGroup(s *step, group []*item, code, msg string) {
	for _, it := range group {
		s.fail(it, code, msg)
	}
}

// stopGroup reports a group that will not be sent (again) because the run
// is stopping. An item whose earlier attempt had an unknown outcome may
// have been applied, so it fails as outcome_unknown, which --resume
// checks, rather than not_attempted, which says nothing was sent.
func (r *sender) stopGroup(s *step, group []*item, why string) {
	var unsent []*item
	for _, it := range group {
		if it.out.uncertain {
			s.fail(it, "outcome_unknown", "the answer to an earlier attempt was lost, and the run stopped before it could be checked; run again with --resume to check")
			continue
		}
		unsent = append(unsent, it)
	}
	r.notAttempted(unsent, why)
}

func (r *sender) notAttempted(group []*item, why string) {
	for _, it := range group {
		it.out.stop = why
	}
}

func (r *sender) setFatal(err error) {
	if r.fatal.CompareAndSwap(nil, &FatalError{Err: err}) {
		r.cancelStop()
	}
}

// errorCode names a failure for the report's error_code column: the
// server's code when it sent one.
func errorCode(err error) string {
	var e *kintone.APIError
	switch {
	case errors.As(err, &e) && e.Code != "":
		return e.Code
	case errors.As(err, &e) && e.HTML:
		return "html_error"
	case errors.As(err, &e):
		return fmt.Sprintf("http_%d", e.Status)
	case errors.Is(err, errInterrupted):
		return "interrupted"
	case kintone.IsOutcomeUnknown(err):
		return "outcome_unknown"
	}
	return "network"
}
