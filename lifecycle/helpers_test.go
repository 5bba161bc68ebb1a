package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

func ptr[T any](v T) *T { return &v }

// fault is what faultPlan does to one request instead of letting the
// simulator answer it. The simulator's own faults are drawn at random;
// these hit exactly the requests a test names.
type fault string

const (
	faultDrop fault = "drop" // the simulator applies the write, then the connection closes unanswered
	fault520  fault = "520"  // 520 GAIA_DA02 (database locked), nothing applied
	fault503  fault = "503"  // 503, nothing applied
	faultHTML fault = "html" // 502 with an HTML page from a proxy, nothing applied
)

// faultPlan serves a simulated domain and injects faults into chosen
// requests of one endpoint ("DELETE /v1/users.json"): the n-th such
// request (from 1) gets plan[n].
type faultPlan struct {
	d        *kintonetest.Domain
	endpoint string
	plan     map[int]fault

	mu sync.Mutex
	n  int
	// before runs at each request of the endpoint, before it is handled.
	before func(n int)
}

func (f *faultPlan) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method+" "+r.URL.Path != f.endpoint {
		f.d.ServeHTTP(w, r)
		return
	}
	f.mu.Lock()
	f.n++
	n, ft := f.n, f.plan[f.n]
	f.mu.Unlock()
	if f.before != nil {
		f.before(n) // may send a request of its own, which counts too
	}
	switch ft {
	case faultDrop:
		f.d.ServeHTTP(httptest.NewRecorder(), r)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		conn.Close()
	case fault520:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(520)
		fmt.Fprint(w, `{"code":"GAIA_DA02","id":"x","message":"database locked"}`)
	case fault503:
		w.WriteHeader(http.StatusServiceUnavailable)
	case faultHTML:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html><head><title>Error</title></head><body><h3>Error</h3></body></html>")
	default:
		f.d.ServeHTTP(w, r)
	}
}

// count returns how many requests of the endpoint arrived.
func (f *faultPlan) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// newSim serves a simulated domain with users u000..u(n-1) through fp (a
// plan without faults when nil) and returns it with an administrator
// client.
func newSim(t *testing.T, n int, fp *faultPlan, opts ...kintonetest.Option) (*kintonetest.Domain, *kintone.Client) {
	t.Helper()
	return simWith(t, fp, codes("u", 0, n), opts...)
}

// simWith is newSim with users of the given login names.
func simWith(t *testing.T, fp *faultPlan, logins []string, opts ...kintonetest.Option) (*kintonetest.Domain, *kintone.Client) {
	t.Helper()
	users := make([]kintone.UserInput, len(logins))
	for i, code := range logins {
		users[i] = kintone.UserInput{
			Code: code, Name: ptr(fmt.Sprintf("User %d", i)),
			Password: ptr(kintone.Secret("Pw-secret-1")), Locale: ptr("en"),
			Email: ptr(fmt.Sprintf("user%d@example.com", i)),
		}
	}
	opts = append(opts, kintonetest.WithUsers(users...), kintonetest.WithAdminPassword("admin-pw"))
	if fp == nil {
		fp = &faultPlan{}
	}
	fp.d = kintonetest.NewDomain(opts...)
	srv := httptest.NewServer(fp)
	t.Cleanup(srv.Close)
	c, err := kintone.NewClient(srv.URL, kintone.WithPassword(kintonetest.AdminLogin, "admin-pw"))
	if err != nil {
		t.Fatal(err)
	}
	return fp.d, c
}

// idOf returns the id of the user called code, "" if none.
func idOf(d *kintonetest.Domain, code string) string {
	u, _ := d.User(code)
	return u.ID
}

// codeOf returns the login name of the user with id, "" if none.
func codeOf(d *kintonetest.Domain, id string) string {
	for _, u := range d.Users() {
		if u.ID == id {
			return u.Code
		}
	}
	return ""
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

func exists(s *kintonetest.Domain, code string) bool {
	_, ok := s.User(code)
	return ok
}
