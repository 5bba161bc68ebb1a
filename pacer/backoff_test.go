package pacer

import (
	"math"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	const (
		ms   = time.Millisecond
		base = 250 * ms
		cp   = 30 * time.Second
	)
	almostOne := math.Nextafter(1, 0)
	tests := []struct {
		name       string
		attempt    int
		retryAfter time.Duration
		base, cap  time.Duration
		rnd        float64
		want       time.Duration
	}{
		{"first retry, lowest jitter", 1, 0, base, cp, 0, 1},
		{"first retry, highest jitter", 1, 0, base, cp, almostOne, base},
		{"first retry, middle", 1, 0, base, cp, 0.5, base/2 + 1},
		{"window doubles", 2, 0, base, cp, almostOne, 2 * base},
		{"third retry", 3, 0, base, cp, 0.5, 2*base + 1},
		{"window stops at the cap", 8, 0, base, cp, almostOne, cp},
		{"huge attempt does not overflow", 1 << 20, 0, base, cp, almostOne, cp},
		{"attempt 63 does not overflow", 63, 0, base, cp, 0.5, cp/2 + 1},
		{"Retry-After as asked", 1, 3 * time.Second, base, cp, 0.9, 3 * time.Second},
		{"Retry-After ignores the attempt", 7, 2 * time.Second, base, cp, 0, 2 * time.Second},
		{"Retry-After capped", 1, 5 * time.Minute, base, cp, 0, cp},
		{"Retry-After under a zero base", 1, time.Second, 0, cp, 0, time.Second},
		{"zero cap: no wait", 3, time.Second, base, 0, 0.5, 0},
		{"zero base: no wait", 3, 0, 0, cp, 0.5, 0},
		{"attempt 0: no wait", 0, 0, base, cp, 0.5, 0},
		{"base above cap", 1, 0, time.Minute, cp, almostOne, cp},
		{"rnd below 0 clamped", 2, 0, base, cp, -3, 1},
		{"rnd 1 clamped", 2, 0, base, cp, 1, 2 * base},
		{"rnd NaN clamped", 2, 0, base, cp, math.NaN(), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Backoff(tt.attempt, tt.retryAfter, tt.base, tt.cap, tt.rnd)
			if got != tt.want {
				t.Errorf("Backoff(%d, %v, %v, %v, %v) = %v, want %v", tt.attempt, tt.retryAfter, tt.base, tt.cap, tt.rnd, got, tt.want)
			}
		})
	}
}

// TestBackoffBounds checks the jitter bounds over a grid: every wait is in
// (0, min(base·2^(attempt-1), cap)], and the highest jitter reaches the top.
func TestBackoffBounds(t *testing.T) {
	const base, cp = 100 * time.Millisecond, 10 * time.Second
	for attempt := 1; attempt <= 80; attempt++ {
		window := cp
		if attempt <= 7 {
			window = base << (attempt - 1)
		}
		for i := 0; i < 100; i++ {
			rnd := float64(i) / 100
			d := Backoff(attempt, 0, base, cp, rnd)
			if d <= 0 || d > window {
				t.Fatalf("Backoff(%d, rnd %v) = %v, outside (0, %v]", attempt, rnd, d, window)
			}
		}
		if top := Backoff(attempt, 0, base, cp, math.Nextafter(1, 0)); top != window {
			t.Errorf("Backoff(%d) at the top of the jitter = %v, want %v", attempt, top, window)
		}
	}
}
