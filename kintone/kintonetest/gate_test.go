package kintonetest

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// §6 / §5.2 GAIA_TO04: with a limit of 2 and two requests held in flight by
// the hook, a third is refused with 429 and the concurrency headers. The
// hook makes this deterministic: no sleeps, no timing.
func TestConcurrencyGate(t *testing.T) {
	admitted := make(chan struct{})
	release := make(chan struct{})
	s := NewServer(WithMaxConcurrent(2), WithRequestHook(func(r *http.Request) {
		if r.Header.Get("X-Test-Hold") != "" {
			admitted <- struct{}{}
			<-release
		}
	}))
	defer s.Close()

	var wg sync.WaitGroup
	held := make([]resp, 2)
	for i := range held {
		wg.Add(1)
		go func() {
			defer wg.Done()
			held[i] = do(t, s, req{method: "GET", path: "/v1/users.json", header: map[string]string{"X-Test-Hold": "1"}})
		}()
	}
	<-admitted
	<-admitted
	third := do(t, s, req{method: "GET", path: "/v1/users.json"})
	close(release)
	wg.Wait()

	wantError(t, third, 429, "GAIA_TO04")
	if third.err.Message != "The number of concurrent API requests exceeds the limit." {
		t.Errorf("message = %q", third.err.Message)
	}
	if third.header.Get("X-ConcurrencyLimit-Limit") != "2" || third.header.Get("X-ConcurrencyLimit-Running") != "3" {
		t.Errorf("limit headers = %q/%q", third.header.Get("X-ConcurrencyLimit-Limit"), third.header.Get("X-ConcurrencyLimit-Running"))
	}
	if ra := third.header.Get("Retry-After"); ra != "" {
		t.Errorf("Retry-After = %q; the service sends none (§6)", ra)
	}
	for _, h := range held {
		mustOK(t, h)
		if h.header.Get("X-ConcurrencyLimit-Limit") != "2" || h.header.Get("X-ConcurrencyLimit-Running") == "" {
			t.Errorf("success lacks limit headers: %v", h.header)
		}
	}
	if got := s.MaxConcurrency(); got != 3 {
		t.Errorf("MaxConcurrency = %d, want 3", got)
	}
	st := s.Requests()
	if st.Throttled != 1 || st.ByStatus[429] != 1 || st.ByStatus[200] != 2 || st.Total != 3 {
		t.Errorf("stats = %+v", st)
	}
	// After the burst the gate admits again.
	mustOK(t, do(t, s, req{method: "GET", path: "/v1/users.json"}))
}

// §6: every response carries the concurrency headers, the default limit
// being 100.
func TestConcurrencyHeadersDefault(t *testing.T) {
	s := NewServer()
	defer s.Close()
	for _, q := range []req{{method: "GET", path: "/v1/users.json"}, {method: "GET", path: "/v1/users.json", noAuth: true}} {
		got := do(t, s, q)
		if got.header.Get("X-ConcurrencyLimit-Limit") != "100" || got.header.Get("X-ConcurrencyLimit-Running") != "1" {
			t.Errorf("headers = %v", got.header)
		}
	}
}

// WithLatency delays every request. Only a lower bound is asserted, which
// a slow machine cannot break.
func TestLatency(t *testing.T) {
	const d = 30 * time.Millisecond
	s := NewServer(WithLatency(d))
	defer s.Close()
	start := time.Now()
	mustOK(t, do(t, s, req{method: "GET", path: "/v1/users.json"}))
	if el := time.Since(start); el < d {
		t.Errorf("request took %v, want at least %v", el, d)
	}
}

// outcome sends a raw write and returns its status, or -1 when the
// connection was dropped without a response.
func outcome(t *testing.T, s *Server, method, path, body string) (int, http.Header, string) {
	t.Helper()
	return outcomeB(t, s, method, path, body)
}

// outcomeB is outcome for tests and benchmarks alike.
func outcomeB(t testing.TB, s *Server, method, path, body string) (int, http.Header, string) {
	t.Helper()
	hr, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("X-Cybozu-Authorization", xauth(s.AdminUser, s.AdminPassword))
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "connection reset") {
			t.Fatalf("unexpected transport error: %v", err)
		}
		return -1, nil, ""
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = io.Copy(&b, res.Body)
	return res.StatusCode, res.Header, b.String()
}

// Fault injection: each kind, alone at rate 1, on a valid Add Users.
func TestFaultKinds(t *testing.T) {
	body := `{"users":[{"code":"f","name":"F","password":"p"}]}`
	tests := []struct {
		name      string
		faults    Faults
		status    int
		ctype     string
		contains  string
		committed bool
		count     func(Stats) int
	}{
		{"503", Faults{Rate503: 1}, 503, "text/plain", "Service Unavailable", false, func(s Stats) int { return s.Injected503 }},
		{"§5.2 429 GAIA_TO04", Faults{Rate429: 1}, 429, "application/json", `"code":"GAIA_TO04"`, false, func(s Stats) int { return s.Injected429 }},
		{"§5.2 520 GAIA_DA02", Faults{Rate520: 1}, 520, "application/json", `"code":"GAIA_DA02"`, false, func(s Stats) int { return s.Injected520 }},
		{"§5.2 HTML error page", Faults{RateHTML: 1}, 502, "text/html", "<title>Error</title>", false, func(s Stats) int { return s.InjectedHTML }},
		{"§5.3 drop after commit", Faults{RateDropAfterCommit: 1}, -1, "", "", true, func(s Stats) int { return s.DroppedAfterCommit }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(WithFaults(tt.faults), WithSeed(1))
			defer s.Close()
			status, h, got := outcome(t, s, "POST", "/v1/users.json", body)
			if status != tt.status || (h != nil && !strings.HasPrefix(h.Get("Content-Type"), tt.ctype)) || !strings.Contains(got, tt.contains) {
				t.Fatalf("got %d %v %q", status, h, got)
			}
			if tt.status == 429 || tt.status == 520 {
				if h.Get("X-Cybozu-Error") == "" {
					t.Error("no X-Cybozu-Error")
				}
				if ra := h.Get("Retry-After"); ra != "" && ra != "0" && ra != "1" {
					t.Errorf("Retry-After = %q", ra)
				}
			}
			if _, ok := s.User("f"); ok != tt.committed {
				t.Errorf("user committed = %v, want %v", ok, tt.committed)
			}
			st := s.Requests()
			if tt.count(st) != 1 || st.Writes != 1 {
				t.Errorf("stats = %+v", st)
			}
			if tt.committed != (st.Committed == 1) {
				t.Errorf("Committed = %d", st.Committed)
			}
			// Reads are never faulted; invalid writes answer their own error.
			mustOK(t, do(t, s, req{method: "GET", path: "/v1/users.json"}))
			wantError(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(map[string]any{"code": "x"})}), 400, "CB_VA01")
			if tt.count(s.Requests()) != 1 {
				t.Error("a fault hit a read or an invalid write")
			}
		})
	}
}

// §5.3 the hard case: the write is applied, then the connection closes
// without a response; the client sees EOF, yet the user exists and a retry
// of the same Add Users is a duplicate.
func TestDropAfterCommit(t *testing.T) {
	s := NewServer(WithFaults(Faults{RateDropAfterCommit: 1}))
	defer s.Close()
	status, _, _ := outcome(t, s, "POST", "/v1/users.json", `{"users":[{"code":"d","name":"D","password":"p"}]}`)
	if status != -1 {
		t.Fatalf("status %d, want a dropped connection", status)
	}
	if _, ok := s.User("d"); !ok {
		t.Fatal("dropped write was not committed")
	}
	// A fault hits only a write that would succeed, so the retry gets the
	// duplicate error.
	wantError(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("d"))}), 400, "CB_VA01", "users[0].code", "already exists")
	if st := s.Requests(); st.DroppedAfterCommit != 1 || st.ByStatus[0] != 0 {
		t.Errorf("stats = %+v", st)
	}
}

// Equal seeds give equal fault sequences; the sequence depends on the seed.
func TestFaultReproducibility(t *testing.T) {
	f := Faults{Rate503: 0.15, Rate429: 0.15, Rate520: 0.15, RateHTML: 0.15, RateDropAfterCommit: 0.15}
	run := func(seed int64) []int {
		s := NewServer(WithFaults(f), WithSeed(seed), WithUsers(userIn("u")))
		defer s.Close()
		if s.Seed() != seed {
			t.Fatalf("Seed() = %d", s.Seed())
		}
		var seq []int
		for range 30 {
			st, _, _ := outcome(t, s, "PUT", "/v1/users.json", `{"users":[{"code":"u","name":"N"}]}`)
			seq = append(seq, st)
		}
		return seq
	}
	a, b, c := run(42), run(42), run(43)
	if !equalInts(a, b) {
		t.Errorf("same seed, different faults:\n%v\n%v", a, b)
	}
	if equalInts(a, c) {
		t.Errorf("seeds 42 and 43 gave the same sequence %v", a)
	}
	kinds := map[int]bool{}
	for _, st := range a {
		kinds[st] = true
	}
	for _, want := range []int{200, 503, 429, 520, 502, -1} {
		if !kinds[want] {
			t.Errorf("outcome %d never drawn in %v", want, a)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Fault rates are fixed at construction; invalid ones are refused there.
func TestInvalidFaults(t *testing.T) {
	for _, f := range []Faults{{Rate503: 0.6, Rate429: 0.6}, {Rate520: -0.1}, {RateHTML: 1.5}} {
		if _, err := Listen("127.0.0.1:0", WithFaults(f)); err == nil {
			t.Errorf("Listen accepted %+v", f)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewDomain accepted %+v", f)
				}
			}()
			NewDomain(WithFaults(f))
		}()
	}
}
