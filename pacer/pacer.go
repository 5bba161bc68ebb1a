// Package pacer sends requests to one service at a pace it accepts: a rate
// limit, a cap on the requests in flight, and retries of transient failures
// with backoff, in one place, in the spirit of rclone's lib/pacer.
//
// Every request of a run goes through one Pacer, so that the limits hold
// for the run as a whole (import's writes and lookups, export's pages) and
// not per caller. Whether a failure is transient is the caller's to say
// (Options.Retryable); by default it is kintone's classification: 429,
// 502-504, 520 lock errors and network failures before a write was sent
// are retried, an outcome-unknown write never is (the caller must first
// find out what the server committed).
package pacer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/userimport/userimport/kintone"
)

// ErrRetriesExhausted is wrapped, together with the last failure, by the
// error of a call that failed transiently on every allowed attempt.
var ErrRetriesExhausted = errors.New("retries exhausted")

// ErrStopped is wrapped by the error of a call that the stop context (see
// StopWith) ended: nothing more was sent for it. When a failure came
// first, the error wraps that failure too.
var ErrStopped = errors.New("stopped before it could be sent")

// Defaults of Options.
const (
	DefaultMaxAttempts = 8
	DefaultBase        = 250 * time.Millisecond
	DefaultMax         = 30 * time.Second
)

// Options configure a Pacer. The zero value is usable: no rate limit, one
// request in flight, DefaultMaxAttempts tries with kintone's classification.
type Options struct {
	// Rate is the most requests started per second, with a burst of the
	// same size (at least 1); 0 means no limit.
	Rate float64
	// Concurrency is the most requests in flight at once; 0 means 1.
	Concurrency int
	// MaxAttempts counts the first try; 0 means DefaultMaxAttempts.
	MaxAttempts int
	// Base is the first retry's backoff window; 0 means DefaultBase.
	Base time.Duration
	// Max caps every single wait, Retry-After included; 0 means DefaultMax.
	Max time.Duration

	// Retryable reports whether a failure is transient, so that the same
	// request may be sent again; nil means kintone.IsRetryable.
	Retryable func(error) bool
	// RetryAfter returns the delay a failure asked for (a Retry-After
	// header); nil means kintone.RetryAfterOf.
	RetryAfter func(error) (time.Duration, bool)
	// OnRetry, when set, is told of every retry before its wait: the
	// attempt that failed (1 is the first), the wait and the failure.
	OnRetry func(attempt int, wait time.Duration, err error)

	// Now, Sleep and Rand are the clock, the wait and the jitter source;
	// nil means the real ones. Tests replace them to run without waiting.
	// Sleep must return ctx's error when ctx ends first.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	Rand  func() float64
}

// Pacer paces calls; it is safe for concurrent use.
type Pacer struct {
	opts     Options
	limiter  *rate.Limiter // nil: no rate limit
	slots    chan struct{}
	requests atomic.Int64
	retries  atomic.Int64
}

// New returns a Pacer with opts' limits. It refuses negative limits.
func New(opts Options) (*Pacer, error) {
	if opts.Rate < 0 || opts.Concurrency < 0 || opts.MaxAttempts < 0 || opts.Base < 0 || opts.Max < 0 {
		return nil, errors.New("pacer: negative rate, concurrency, attempts or delay")
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = 1
	}
	if opts.MaxAttempts == 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.Base == 0 {
		opts.Base = DefaultBase
	}
	if opts.Max == 0 {
		opts.Max = DefaultMax
	}
	if opts.Retryable == nil {
		opts.Retryable = kintone.IsRetryable
	}
	if opts.RetryAfter == nil {
		opts.RetryAfter = kintone.RetryAfterOf
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	if opts.Rand == nil {
		opts.Rand = rand.Float64
	}
	p := &Pacer{opts: opts, slots: make(chan struct{}, opts.Concurrency)}
	if opts.Rate > 0 {
		p.limiter = rate.NewLimiter(rate.Limit(opts.Rate), max(1, int(opts.Rate)))
	}
	return p, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Requests returns how many times a call's function has been run.
func (p *Pacer) Requests() int64 { return p.requests.Load() }

// Retries returns how many of those runs were retries.
func (p *Pacer) Retries() int64 { return p.retries.Load() }

// MaxAttempts returns the attempts allowed per call, first try included,
// for callers that bound their own repetitions (re-sending a write after
// reconciling a lost answer) by the same budget.
func (p *Pacer) MaxAttempts() int { return p.opts.MaxAttempts }

// CallOption changes how one call ends when its run is stopping.
type CallOption func(*callConfig)

type callConfig struct {
	stop          context.Context
	skipIfStopped bool
}

// StopWith ends the call's retries when stop is done: a transient failure
// is then returned at once, wrapped with ErrStopped, instead of being
// waited out. The call's own context keeps governing the request itself,
// so that a request in flight can finish after a soft stop (Ctrl-C) while
// nothing new is tried.
func StopWith(stop context.Context) CallOption {
	return func(c *callConfig) { c.stop = stop }
}

// SkipIfStopped makes the call send nothing once the stop context of
// StopWith is done, checked at the last moment, after the rate limiter and
// a free slot: a write that queued for a slot must not start new work after
// Ctrl-C. The call then returns ErrStopped.
func SkipIfStopped() CallOption {
	return func(c *callConfig) { c.skipIfStopped = true }
}

// Call runs fn under the rate limit and the concurrency cap, and runs it
// again after a backoff while it fails with a retryable error, at most
// MaxAttempts times in all. It returns nil, fn's error when it is not
// retryable, the last error wrapped with ErrRetriesExhausted, ErrStopped
// (see StopWith), or ctx's error wrapped together with the last failure
// when ctx ends while waiting.
func (p *Pacer) Call(ctx context.Context, fn func(ctx context.Context) error, opts ...CallOption) error {
	var cc callConfig
	for _, o := range opts {
		o(&cc)
	}
	if cc.stop == nil {
		cc.stop = ctx
	}
	for attempt := 1; ; attempt++ {
		sent, err := p.attempt(ctx, fn, &cc)
		if !sent || err == nil || !p.opts.Retryable(err) {
			return err
		}
		if attempt >= p.opts.MaxAttempts {
			return fmt.Errorf("%w (%d attempts): %w", ErrRetriesExhausted, attempt, err)
		}
		if cc.stop.Err() != nil {
			return fmt.Errorf("%w: %w", ErrStopped, err)
		}
		ra, _ := p.opts.RetryAfter(err)
		wait := Backoff(attempt, ra, p.opts.Base, p.opts.Max, p.opts.Rand())
		if p.opts.OnRetry != nil {
			p.opts.OnRetry(attempt, wait, err)
		}
		if serr := p.opts.Sleep(cc.stop, wait); serr != nil {
			if cc.stop != ctx {
				return fmt.Errorf("%w: %w", ErrStopped, err)
			}
			return fmt.Errorf("%w (while waiting to retry after: %w)", serr, err)
		}
		p.retries.Add(1)
	}
}

// attempt runs fn once when the limiter and a slot allow. sent is false
// when fn did not run: err is then the reason (ctx ended, or the stop).
func (p *Pacer) attempt(ctx context.Context, fn func(ctx context.Context) error, cc *callConfig) (sent bool, err error) {
	if err := p.wait(ctx); err != nil {
		return false, err
	}
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-p.slots }()
	if cc.skipIfStopped && cc.stop.Err() != nil {
		return false, ErrStopped
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	p.requests.Add(1)
	return true, fn(ctx)
}

// wait takes a token from the rate limiter on the Pacer's clock, so that
// tests with a fake clock and sleep never wait for real.
func (p *Pacer) wait(ctx context.Context) error {
	if p.limiter == nil {
		return ctx.Err()
	}
	now := p.opts.Now()
	r := p.limiter.ReserveN(now, 1)
	d := r.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	if err := p.opts.Sleep(ctx, d); err != nil {
		r.CancelAt(p.opts.Now())
		return err
	}
	return nil
}
