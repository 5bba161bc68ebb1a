package importer

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/pacer"
)

// RetryPolicy bounds the retries of transient failures (429, 503, 520 lock
// errors, network errors before the request was sent). Delays grow
// exponentially with full jitter so that concurrent workers that failed
// together do not retry together.
type RetryPolicy struct {
	// MaxAttempts counts the first try; 0 means 8.
	MaxAttempts int
	// Base is the first backoff; 0 means 250ms.
	Base time.Duration
	// Max caps a single backoff; 0 means 30s.
	Max time.Duration
	// Sleep waits (tests replace it); nil means a context-aware timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// SetDefaults fills the zero fields with the documented defaults.
func (p *RetryPolicy) SetDefaults() {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = 8
	}
	if p.Base == 0 {
		p.Base = 250 * time.Millisecond
	}
	if p.Max == 0 {
		p.Max = 30 * time.Second
	}
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Backoff returns the wait before attempt n (n ≥ 1 is the first retry):
// pacer.Backoff with the server's Retry-After, if err carries one.
func (p *RetryPolicy) Backoff(n int, err error) time.Duration {
	ra, _ := kintone.RetryAfterOf(err)
	return pacer.Backoff(n, ra, p.Base, p.Max, rand.Float64())
}

// pacer returns the Pacer that enforces the policy with these limits.
func (p *RetryPolicy) pacer(concurrency int, rate float64, onRetry func(int, time.Duration, error)) (*pacer.Pacer, error) {
	return pacer.New(pacer.Options{
		Rate: rate, Concurrency: concurrency,
		MaxAttempts: p.MaxAttempts, Base: p.Base, Max: p.Max, Sleep: p.Sleep,
		// A write whose answer was lost is never simply sent again: the
		// caller first finds out what the server committed.
		Retryable: func(err error) bool { return kintone.IsRetryable(err) && !kintone.IsOutcomeUnknown(err) },
		OnRetry:   onRetry,
	})
}

// ErrRetriesExhausted wraps the last transient error when the budget ran out.
var ErrRetriesExhausted = pacer.ErrRetriesExhausted
