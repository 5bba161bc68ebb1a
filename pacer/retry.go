package pacer

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/userimport/userimport/kintone"
)

// RetryPolicy bounds the retries of transient failures (429, 503, 520 lock
// errors, network errors before the request was sent). Delays grow
// exponentially with full jitter so that concurrent workers that failed
// together do not retry together. Import and export share it, so that one
// set of flags and defaults governs every run.
type RetryPolicy struct {
	// MaxAttempts counts the first try; 0 means DefaultMaxAttempts.
	MaxAttempts int
	// Base is the first backoff; 0 means DefaultBase.
	Base time.Duration
	// Max caps a single backoff; 0 means DefaultMax.
	Max time.Duration
	// Sleep waits (tests replace it); nil means a context-aware timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// SetDefaults fills the zero fields with the documented defaults.
func (p *RetryPolicy) SetDefaults() {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.Base == 0 {
		p.Base = DefaultBase
	}
	if p.Max == 0 {
		p.Max = DefaultMax
	}
	if p.Sleep == nil {
		p.Sleep = sleep
	}
}

// Backoff returns the wait before attempt n (n ≥ 1 is the first retry):
// Backoff with the server's Retry-After, if err carries one.
func (p *RetryPolicy) Backoff(n int, err error) time.Duration {
	ra, _ := kintone.RetryAfterOf(err)
	return Backoff(n, ra, p.Base, p.Max, rand.Float64())
}

// Writes returns the Pacer that enforces the policy with these limits for
// requests that change the domain.
func (p *RetryPolicy) Writes(concurrency int, rate float64, onRetry func(int, time.Duration, error)) (*Pacer, error) {
	return New(Options{
		Rate: rate, Concurrency: concurrency,
		MaxAttempts: p.MaxAttempts, Base: p.Base, Max: p.Max, Sleep: p.Sleep,
		// A write whose answer was lost is never simply sent again: the
		// caller first finds out what the server committed.
		Retryable: func(err error) bool { return kintone.IsRetryable(err) && !kintone.IsOutcomeUnknown(err) },
		OnRetry:   onRetry,
	})
}
