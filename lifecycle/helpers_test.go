package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

func ptr[T any](v T) *T { return &v }

// faultPlan injects simulator faults into chosen requests of one endpoint
// ("DELETE /v1/users.json"): the n-th such request (from 1) gets plan[n].
// It runs in the request hook, before the simulator draws its fault, so
// the faults are deterministic.
type faultPlan struct {
	mu       sync.Mutex
	s        *kintonetest.Server
	endpoint string
	plan     map[int]kintonetest.Faults
	n        int
	// before runs at each request of the endpoint, before it is handled.
	before func(n int)
}

func (f *faultPlan) hook(r *http.Request) {
	if r.Method+" "+r.URL.Path != f.endpoint {
		return
	}
	f.mu.Lock()
	f.n++
	n, faults := f.n, f.plan[f.n]
	f.mu.Unlock()
	if f.before != nil {
		f.before(n) // may send a request of its own, which counts too
	}
	f.s.SetFaults(faults)
}

// count returns how many requests of the endpoint arrived. The
// simulator's own counters are updated after the handler returns, which a
// dropped connection lets the client outrun; the hook runs first.
func (f *faultPlan) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

var (
	drop = kintonetest.Faults{RateDropAfterCommit: 1}
	f503 = kintonetest.Faults{Rate503: 1}
	f520 = kintonetest.Faults{Rate520: 1}
)

// newSim starts a simulator with users u000..u(n-1) and returns it with
// an administrator client.
func newSim(t *testing.T, n int, fp *faultPlan, opts ...kintonetest.Option) (*kintonetest.Server, *kintone.Client) {
	t.Helper()
	users := make([]kintone.UserInput, n)
	for i := range users {
		users[i] = kintone.UserInput{
			Code: fmt.Sprintf("u%03d", i), Name: ptr(fmt.Sprintf("User %d", i)),
			Password: ptr(kintone.Secret("Pw-secret-1")), Locale: ptr("en"),
			Email: ptr(fmt.Sprintf("u%03d@example.com", i)),
		}
	}
	opts = append(opts, kintonetest.WithUsers(users...), kintonetest.WithSeed(1))
	if fp != nil {
		opts = append(opts, kintonetest.WithRequestHook(fp.hook))
	}
	s := kintonetest.NewServer(opts...)
	t.Cleanup(s.Close)
	if fp != nil {
		fp.s = s
	}
	c, err := kintone.NewClient(s.URL, kintone.WithPassword(s.AdminUser, kintone.Secret(s.AdminPassword)))
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// retry is a Caller that retries transient failures at once, as the
// pacer would after its backoff.
func retry(ctx context.Context, fn func(ctx context.Context) error) error {
	var err error
	for range 5 {
		if err = fn(ctx); err == nil || !kintone.IsRetryable(err) {
			return err
		}
	}
	return err
}

// memJournal is a Journal in memory; failAt makes the n-th Append (from 1)
// fail.
type memJournal struct {
	mu      sync.Mutex
	entries []Entry
	failAt  int
}

var errDiskFull = errors.New("disk full")

func (j *memJournal) Append(_ context.Context, e Entry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.failAt > 0 && len(j.entries)+1 == j.failAt {
		return errDiskFull
	}
	e.Items = slices.Clone(e.Items)
	j.entries = append(j.entries, e)
	return nil
}

func (j *memJournal) Entries() []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.entries)
}

// intended reports whether an intent for code in op was journaled.
func (j *memJournal) intended(op Op, code string) bool {
	_, ok := NewEvidence(j.Entries()).Sent(op, 0, code)
	return ok
}

func codes(prefix string, from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%03d", prefix, from+i)
	}
	return out
}

func items(cs ...string) []Item {
	out := make([]Item, len(cs))
	for i, c := range cs {
		out[i] = Item{Row: i + 2, Code: c}
	}
	return out
}

// statuses maps each outcome's code to its status (the last one wins).
func statuses(outs []Outcome) map[string]report.Status {
	m := map[string]report.Status{}
	for _, o := range outs {
		m[o.Code] = o.Status
	}
	return m
}

func countStatus(outs []Outcome, st report.Status) int {
	n := 0
	for _, o := range outs {
		if o.Status == st {
			n++
		}
	}
	return n
}

func exists(s *kintonetest.Server, code string) bool {
	_, ok := s.User(code)
	return ok
}
