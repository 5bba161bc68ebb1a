package importer

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/userimport/userimport/kintone"
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
// Retry-After when the server sent one, else full jitter over an
// exponentially growing window.
func (p *RetryPolicy) Backoff(n int, err error) time.Duration {
	if d, ok := kintone.RetryAfterOf(err); ok && d > 0 {
		return min(d, p.Max)
	}
	window := p.Base << min(n-1, 20)
	if window <= 0 || window > p.Max {
		window = p.Max
	}
	return time.Duration(rand.Int64N(int64(window)) + 1)
}

// ErrRetriesExhausted wraps the last transient error when the budget ran out.
var ErrRetriesExhausted = errors.New("retries exhausted")
