package pacer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/userimport/userimport/pacer"
)

// TestRetryPolicy: the zero policy gets the documented defaults, and the
// writes' pacer retries a transient failure up to MaxAttempts but never a
// write whose answer was lost.
func TestRetryPolicy(t *testing.T) {
	var p pacer.RetryPolicy
	p.SetDefaults()
	if p.MaxAttempts != pacer.DefaultMaxAttempts || p.Base != pacer.DefaultBase || p.Max != pacer.DefaultMax || p.Sleep == nil {
		t.Fatalf("defaults: %+v", p)
	}
	if d := p.Backoff(1, errTooMany); d < errTooMany.RetryAfter {
		t.Errorf("Backoff ignores Retry-After: %v", d)
	}
	for _, tc := range []struct {
		name      string
		err       error
		wantCalls int
	}{
		{"transient", errBusy, 3},
		{"outcome unknown", errUnknown, 1},
		{"invalid", errInvalid, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := pacer.RetryPolicy{MaxAttempts: 3, Sleep: func(context.Context, time.Duration) error { return nil }}
			p.SetDefaults()
			w, err := p.Writes(1, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			calls := 0
			err = w.Call(context.Background(), func(context.Context) error { calls++; return tc.err })
			if calls != tc.wantCalls || !errors.Is(err, tc.err) {
				t.Errorf("%d calls, err %v; want %d calls and %v", calls, err, tc.wantCalls, tc.err)
			}
		})
	}
}
