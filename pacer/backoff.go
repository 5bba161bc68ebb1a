package pacer

import "time"

// Backoff returns the wait before retry number attempt (1 is the first
// retry, after the first failure). It is a pure function so that its
// bounds can be tested exhaustively; the Pacer supplies the randomness.
//
// A positive retryAfter (the server's Retry-After) is used as asked, up to
// capDelay: the server knows when it will have room again, and waiting a
// random shorter time only earns another refusal. It gets no jitter.
//
// Otherwise the wait is "full jitter" over a window that doubles with each
// attempt from base and stops growing at capDelay: rnd (in [0, 1)) picks a
// point in (0, window]. Spreading the waits over the whole window is what
// keeps workers that failed together (one 503 hits every request in
// flight) from all coming back at the same instant.
//
// A non-positive base or capDelay, or an attempt below 1, gives no wait;
// rnd outside [0, 1) is clamped into it.
func Backoff(attempt int, retryAfter, base, capDelay time.Duration, rnd float64) time.Duration {
	if capDelay <= 0 {
		return 0
	}
	if retryAfter > 0 {
		return min(retryAfter, capDelay)
	}
	if attempt < 1 || base <= 0 {
		return 0
	}
	window := capDelay
	if shift := attempt - 1; shift < 62 && base <= capDelay>>shift {
		window = base << shift
	}
	switch {
	case rnd < 0 || rnd != rnd: // rnd != rnd: NaN
		rnd = 0
	case rnd >= 1:
		rnd = 1 - 1e-16
	}
	// At least 1ns, at most window: a zero wait would retry at once.
	return min(time.Duration(rnd*float64(window))+1, window)
}
