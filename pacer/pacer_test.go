package pacer_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/pacer"
)

// fakeClock is the Pacer's clock and sleep: a sleep moves the clock on at
// once and is recorded, so tests see every wait without waiting.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// newPacer returns a Pacer on a fake clock with jitter fixed at the middle
// of the window, so that every backoff is known: base/2+1 for the first.
func newPacer(t *testing.T, opts pacer.Options) (*pacer.Pacer, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	opts.Now, opts.Sleep = clk.Now, clk.Sleep
	opts.Rand = func() float64 { return 0.5 }
	p, err := pacer.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p, clk
}

var (
	errBusy      = &kintone.APIError{Status: http.StatusServiceUnavailable, Message: "busy"}
	errLocked    = &kintone.APIError{Status: 520, Code: kintone.CodeDBLocked}
	errTooMany   = &kintone.APIError{Status: http.StatusTooManyRequests, Code: kintone.CodeTooManyConns, RetryAfter: 3 * time.Second}
	errInvalid   = &kintone.APIError{Status: http.StatusBadRequest, Code: kintone.CodeInvalidInput}
	errUnknown   = &kintone.OutcomeUnknownError{Err: errBusy}
	errTransient = errors.New("caller's own transient failure")
)

func TestCall(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name      string
		opts      pacer.Options
		errs      []error // fn's answers in turn; nil past the end
		wantCalls int
		wantErr   []error // errors.Is targets; none means success
		wantWaits []time.Duration
	}{
		{name: "success at once", wantCalls: 1},
		{name: "503 then success", opts: pacer.Options{Base: 100 * ms},
			errs: []error{errBusy}, wantCalls: 2, wantWaits: []time.Duration{50*ms + 1}},
		{name: "window doubles", opts: pacer.Options{Base: 100 * ms},
			errs: []error{errBusy, errLocked, errBusy}, wantCalls: 4,
			wantWaits: []time.Duration{50*ms + 1, 100*ms + 1, 200*ms + 1}},
		{name: "Retry-After honoured", opts: pacer.Options{Base: 100 * ms},
			errs: []error{errTooMany}, wantCalls: 2, wantWaits: []time.Duration{3 * time.Second}},
		{name: "Retry-After capped", opts: pacer.Options{Base: 100 * ms, Max: time.Second},
			errs: []error{errTooMany}, wantCalls: 2, wantWaits: []time.Duration{time.Second}},
		{name: "not retryable", errs: []error{errInvalid}, wantCalls: 1, wantErr: []error{errInvalid}},
		{name: "outcome unknown is never retried", errs: []error{errUnknown}, wantCalls: 1, wantErr: []error{errUnknown}},
		{name: "budget exhausted", opts: pacer.Options{MaxAttempts: 3, Base: 100 * ms},
			errs: []error{errBusy, errBusy, errBusy, errBusy}, wantCalls: 3,
			wantErr:   []error{pacer.ErrRetriesExhausted, errBusy},
			wantWaits: []time.Duration{50*ms + 1, 100*ms + 1}},
		{name: "one attempt only", opts: pacer.Options{MaxAttempts: 1},
			errs: []error{errBusy}, wantCalls: 1, wantErr: []error{pacer.ErrRetriesExhausted, errBusy}},
		{name: "caller's classification", opts: pacer.Options{Base: 10 * ms, Retryable: func(err error) bool { return errors.Is(err, errTransient) }},
			errs: []error{errTransient}, wantCalls: 2, wantWaits: []time.Duration{5*ms + 1}},
		{name: "caller's classification refuses a 503", opts: pacer.Options{Retryable: func(err error) bool { return errors.Is(err, errTransient) }},
			errs: []error{errBusy}, wantCalls: 1, wantErr: []error{errBusy}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, clk := newPacer(t, tt.opts)
			calls := 0
			err := p.Call(t.Context(), func(context.Context) error {
				calls++
				if calls <= len(tt.errs) {
					return tt.errs[calls-1]
				}
				return nil
			})
			if calls != tt.wantCalls {
				t.Errorf("fn ran %d times, want %d", calls, tt.wantCalls)
			}
			if len(tt.wantErr) == 0 && err != nil {
				t.Errorf("Call = %v, want nil", err)
			}
			for _, target := range tt.wantErr {
				if !errors.Is(err, target) {
					t.Errorf("Call = %v, want it to wrap %v", err, target)
				}
			}
			if got := clk.Sleeps(); !slices.Equal(got, tt.wantWaits) {
				t.Errorf("waits = %v, want %v", got, tt.wantWaits)
			}
			if p.Requests() != int64(tt.wantCalls) || p.Retries() != int64(tt.wantCalls-1) {
				t.Errorf("Requests, Retries = %d, %d; want %d, %d", p.Requests(), p.Retries(), tt.wantCalls, tt.wantCalls-1)
			}
		})
	}
}

func TestCallOnRetry(t *testing.T) {
	type retry struct {
		attempt int
		wait    time.Duration
		err     error
	}
	var got []retry
	p, _ := newPacer(t, pacer.Options{Base: time.Second, OnRetry: func(a int, w time.Duration, err error) {
		got = append(got, retry{a, w, err})
	}})
	errs := []error{errBusy, errTooMany}
	n := 0
	if err := p.Call(t.Context(), func(context.Context) error {
		n++
		if n <= len(errs) {
			return errs[n-1]
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []retry{{1, 500*time.Millisecond + 1, errBusy}, {2, 3 * time.Second, errTooMany}}
	if !slices.Equal(got, want) {
		t.Errorf("OnRetry saw %v, want %v", got, want)
	}
}

func TestCallStop(t *testing.T) {
	stopped, stop := context.WithCancel(context.Background())
	stop()
	tests := []struct {
		name      string
		opts      []pacer.CallOption
		wantCalls int
		wantErr   []error
	}{
		// The request itself runs under ctx, which a soft stop leaves
		// alone; only the retry is given up.
		{"stop ends the retries", []pacer.CallOption{pacer.StopWith(stopped)}, 1, []error{pacer.ErrStopped, errBusy}},
		{"skip sends nothing", []pacer.CallOption{pacer.StopWith(stopped), pacer.SkipIfStopped()}, 0, []error{pacer.ErrStopped}},
		{"skip without a stop context uses ctx", []pacer.CallOption{pacer.SkipIfStopped()}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, clk := newPacer(t, pacer.Options{})
			calls := 0
			err := p.Call(t.Context(), func(ctx context.Context) error {
				calls++
				if ctx.Err() != nil {
					t.Error("the request ran under a cancelled context")
				}
				if calls == 1 {
					return errBusy
				}
				return nil
			}, tt.opts...)
			if calls != tt.wantCalls {
				t.Errorf("fn ran %d times, want %d", calls, tt.wantCalls)
			}
			if len(tt.wantErr) == 0 && err != nil {
				t.Errorf("Call = %v, want nil", err)
			}
			for _, target := range tt.wantErr {
				if !errors.Is(err, target) {
					t.Errorf("Call = %v, want it to wrap %v", err, target)
				}
			}
			if len(tt.wantErr) > 0 && len(clk.Sleeps()) != 0 {
				t.Errorf("a stopped call waited %v", clk.Sleeps())
			}
		})
	}
}

// TestCallContextEndsWait cancels the call's context during the backoff:
// the call returns the context's error and the failure it was waiting out,
// and sends nothing more.
func TestCallContextEndsWait(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	p, _ := newPacer(t, pacer.Options{OnRetry: func(int, time.Duration, error) { cancel() }})
	calls := 0
	err := p.Call(ctx, func(context.Context) error { calls++; return errBusy })
	if calls != 1 || !errors.Is(err, context.Canceled) || !errors.Is(err, errBusy) {
		t.Errorf("Call = %v after %d calls, want context.Canceled and the 503 after 1", err, calls)
	}

	// A context already done sends nothing at all.
	calls = 0
	err = p.Call(ctx, func(context.Context) error { calls++; return nil })
	if calls != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("Call on a done context = %v after %d calls", err, calls)
	}
}

// TestRate checks the rate limit on the fake clock: a burst of Rate
// requests, then one every 1/Rate seconds.
func TestRate(t *testing.T) {
	p, clk := newPacer(t, pacer.Options{Rate: 4})
	for range 7 {
		if err := p.Call(t.Context(), func(context.Context) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{250 * time.Millisecond, 250 * time.Millisecond, 250 * time.Millisecond}
	if got := clk.Sleeps(); !slices.Equal(got, want) {
		t.Errorf("rate waits = %v, want %v", got, want)
	}
	// Retries are paced too: each retry waits its backoff, then its turn.
	p, clk = newPacer(t, pacer.Options{Rate: 1, Base: 100 * time.Millisecond})
	n := 0
	if err := p.Call(t.Context(), func(context.Context) error {
		if n++; n == 1 {
			return errBusy
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want = []time.Duration{50*time.Millisecond + 1, 950*time.Millisecond - 1}
	if got := clk.Sleeps(); !slices.Equal(got, want) {
		t.Errorf("retry waits = %v, want %v", got, want)
	}
}

// TestConcurrency runs more calls than slots, each blocking until
// released one at a time, and checks that no more than Concurrency ran at
// once and every call ran.
func TestConcurrency(t *testing.T) {
	const slots, calls = 2, 6
	p, _ := newPacer(t, pacer.Options{Concurrency: slots})
	var inFlight, most atomic.Int32
	entered := make(chan struct{})
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range calls {
		wg.Go(func() {
			err := p.Call(t.Context(), func(context.Context) error {
				n := inFlight.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				entered <- struct{}{}
				<-release
				inFlight.Add(-1)
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	for range calls {
		<-entered
		release <- struct{}{}
	}
	wg.Wait()
	if m := most.Load(); m > slots {
		t.Errorf("%d calls in flight at once, want at most %d", m, slots)
	}
	if p.Requests() != calls {
		t.Errorf("Requests = %d, want %d", p.Requests(), calls)
	}
}

// TestNetworkFailureRetried uses the real client against a port nobody
// listens on: a connection refused before anything was sent is retried,
// even for a write.
func TestNetworkFailureRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := kintone.NewClient("http://"+addr, kintone.WithPassword("admin", "pw-secret"))
	if err != nil {
		t.Fatal(err)
	}
	p, clk := newPacer(t, pacer.Options{MaxAttempts: 3})
	err = p.Call(t.Context(), func(ctx context.Context) error { return c.DeleteUsers(ctx, []string{"x"}) })
	if !errors.Is(err, pacer.ErrRetriesExhausted) || kintone.IsOutcomeUnknown(err) {
		t.Errorf("Call = %v, want retries exhausted on a refused connection", err)
	}
	if p.Requests() != 3 || len(clk.Sleeps()) != 2 {
		t.Errorf("requests %d, waits %v; want 3 and 2", p.Requests(), clk.Sleeps())
	}
}

func TestNewRefusesNegative(t *testing.T) {
	for _, o := range []pacer.Options{{Rate: -1}, {Concurrency: -1}, {MaxAttempts: -1}, {Base: -1}, {Max: -1}} {
		if _, err := pacer.New(o); err == nil {
			t.Errorf("New(%+v) accepted a negative limit", o)
		}
	}
}
