package importer_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/recovery"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// genUsers writes an n-row users CSV. Every 100th row (offset 37) is invalid
// (a login name with "/"), so 1% of rows are invalid; passwords are unique
// per row so that a test can grep every output for them.
func genUsers(t testing.TB, dir string, n int) (path string, invalid map[int]bool, passwords []string) {
	t.Helper()
	path = filepath.Join(dir, "users.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Write([]string{"code", "name", "password", "email", "employeeNumber", "timezone", "locale", "services"})
	invalid = map[int]bool{}
	for i := range n {
		code := fmt.Sprintf("user%05d", i)
		if i%100 == 37 {
			code = fmt.Sprintf("bad/user%05d", i)
			invalid[i+2] = true // header is line 1
		}
		pw := fmt.Sprintf("Secret-%08x-pw", rand.Uint32())
		passwords = append(passwords, pw)
		svc := ""
		if i%10 == 0 {
			svc = "kintone;garoon"
		}
		w.Write([]string{code, fmt.Sprintf("User %d", i), pw, fmt.Sprintf("user%05d@example.com", i), fmt.Sprintf("E%06d", i), "Asia/Tokyo", "en", svc})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return path, invalid, passwords
}

// memReport collects report rows and checks they arrive in input order.
type memReport struct {
	rows []report.Row
}

func (m *memReport) Write(r *report.Row) error { m.rows = append(m.rows, *r); return nil }
func (m *memReport) Flush() error              { return nil }
func (m *memReport) Close() error              { return nil }

// clocked is a client that knows the server's time, as the command's is.
type clocked struct {
	*kintone.Client
	*recovery.ServerClock
}

func client(t testing.TB, srv *kintonetest.Server) clocked {
	t.Helper()
	clock := new(recovery.ServerClock)
	c, err := kintone.NewClient(srv.URL, kintone.WithPassword(srv.AdminUser, kintone.Secret(srv.AdminPassword)),
		kintone.WithHTTPClient(&http.Client{Transport: clock.Transport(nil)}))
	if err != nil {
		t.Fatal(err)
	}
	return clocked{c, clock}
}

// fastRetry keeps retries real but short, so fault-injection tests run in
// seconds.
var fastRetry = importer.RetryPolicy{MaxAttempts: 12, Base: time.Millisecond, Max: 5 * time.Millisecond}

func baseOptions(file string, w report.Writer) importer.Options {
	return importer.Options{File: file, Report: w, Concurrency: 8, Retry: fastRetry}
}

// checkEndState asserts that every valid row's user exists exactly once with
// its services, and every invalid row is reported invalid with a rule.
func checkEndState(t *testing.T, srv *kintonetest.Server, rows []report.Row, n int, invalid map[int]bool) {
	t.Helper()
	if len(rows) != n {
		t.Fatalf("report has %d rows, want %d", len(rows), n)
	}
	seen := map[string]int{}
	for _, u := range srv.Users() {
		seen[u.Code]++
	}
	for i, r := range rows {
		if r.Row != i+2 {
			t.Fatalf("report line %d is row %d, want %d (input order)", i, r.Row, i+2)
		}
		if invalid[r.Row] {
			if r.Status != report.Invalid || r.ErrorCode == "" {
				t.Errorf("row %d: status %s code %q, want invalid with a rule", r.Row, r.Status, r.ErrorCode)
			}
			if seen[r.Code] != 0 {
				t.Errorf("row %d: invalid user %q exists on the server", r.Row, r.Code)
			}
			continue
		}
		if r.Status != report.Created {
			t.Errorf("row %d (%s): status %s (%s: %s), want created", r.Row, r.Code, r.Status, r.ErrorCode, r.Message)
			continue
		}
		if seen[r.Code] != 1 {
			t.Errorf("row %d: user %q exists %d times", r.Row, r.Code, seen[r.Code])
		}
		want := "kintone"
		if (r.Row-2)%10 == 0 {
			want = "garoon,kintone"
		}
		got := srv.Services(r.Code)
		if strings.Join(sorted(got), ",") != want {
			t.Errorf("row %d: services %v, want %s", r.Row, got, want)
		}
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestImportTenThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("10k-row import")
	}
	const n = 10000
	path, invalid, _ := genUsers(t, t.TempDir(), n)
	srv := kintonetest.NewServer()
	defer srv.Close()
	rep := &memReport{}
	sum, err := importer.Import(t.Context(), client(t, srv), baseOptions(path, rep))
	if err != nil {
		t.Fatal(err)
	}
	checkEndState(t, srv, rep.rows, n, invalid)
	if got := sum.Counts[report.Invalid]; got != len(invalid) {
		t.Errorf("summary: %d invalid, want %d", got, len(invalid))
	}
	// Clean data needs exactly ceil(valid/100) requests per step (add,
	// services: in create mode the server's answer is the lookup), plus
	// the two pre-flight calls.
	batches := (n - len(invalid) + 99) / 100
	if want := int64(2*batches + 2); sum.Requests != want {
		t.Errorf("sent %d requests, want %d: %v", sum.Requests, want, srv.Requests().ByEndpoint)
	}
	if mc := srv.MaxConcurrency(); mc > 8 {
		t.Errorf("saw %d requests in flight, want ≤ 8", mc)
	}
}

func TestImportSurvivesFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("10k-row import with faults")
	}
	for _, tc := range []struct {
		name   string
		n      int
		faults kintonetest.Faults
	}{
		// The mix: 10% 503, 5% 429, 3% commit-then-drop.
		{"issue mix", 10000, kintonetest.Faults{Rate503: 0.10, Rate429: 0.05, RateDropAfterCommit: 0.03}},
		// Every kind at once, including 520 locks and HTML gateway pages.
		{"every fault", 3000, kintonetest.Faults{Rate503: 0.05, Rate429: 0.05, Rate520: 0.05, RateHTML: 0.05, RateDropAfterCommit: 0.05}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, invalid, _ := genUsers(t, t.TempDir(), tc.n)
			srv := kintonetest.NewServer(kintonetest.WithSeed(42), kintonetest.WithFaults(tc.faults))
			defer srv.Close()
			rep := &memReport{}
			sum, err := importer.Import(t.Context(), client(t, srv), baseOptions(path, rep))
			if err != nil {
				t.Fatal(err)
			}
			checkEndState(t, srv, rep.rows, tc.n, invalid)
			st := srv.Requests()
			if st.DuplicateAdds != 0 {
				t.Errorf("the server rejected %d duplicate-create attempts, want 0", st.DuplicateAdds)
			}
			if st.DroppedAfterCommit == 0 || st.Injected503 == 0 || st.Injected429 == 0 {
				t.Errorf("faults were not exercised: %+v", st)
			}
			t.Logf("%s; server stats %+v", sum, st)
		})
	}
}

func TestImportInterruptThenResume(t *testing.T) {
	const n = 5000
	dir := t.TempDir()
	path, invalid, _ := genUsers(t, dir, n)
	srv := kintonetest.NewServer(kintonetest.WithLatency(2 * time.Millisecond))
	defer srv.Close()
	c := client(t, srv)

	first := filepath.Join(dir, "first.csv")
	w, err := report.Create(first)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	opts := baseOptions(path, w)
	// Early enough that more batches remain than can be in flight (2×8).
	stopAt := int64(300 + rand.IntN(900))
	var once atomic.Bool
	opts.Progress = func(done int) {
		if int64(done) >= stopAt && once.CompareAndSwap(false, true) {
			cancel()
		}
	}
	sum, err := importer.Import(ctx, c, opts)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if !sum.Interrupted || sum.Counts[report.NotAttempted] == 0 {
		t.Fatalf("run was not interrupted: %s", sum)
	}
	var firstRows int
	report.Read(first, func(report.Row) error { firstRows++; return nil })
	if firstRows != n {
		t.Fatalf("interrupted report has %d rows, want %d", firstRows, n)
	}

	rep := &memReport{}
	opts = baseOptions(path, rep)
	opts.Resume = first
	if _, err := importer.Import(t.Context(), c, opts); err != nil {
		t.Fatal(err)
	}
	checkEndState(t, srv, rep.rows, n, invalid)
	if st := srv.Requests(); st.DuplicateAdds != 0 {
		t.Errorf("resume re-sent %d existing users", st.DuplicateAdds)
	}
}

// TestResumeAfterCrash simulates a crash: the report lost its last lines
// (rows that were in flight), yet those users exist, and the send log the
// run wrote before each create is there. Resume must recognise them as
// created by the crashed run, not fail them as "exists".
func TestResumeAfterCrash(t *testing.T) {
	const n = 1000
	dir := t.TempDir()
	path, invalid, _ := genUsers(t, dir, n)
	srv := kintonetest.NewServer()
	defer srv.Close()
	c := client(t, srv)
	full := &memReport{}
	crashed := filepath.Join(dir, "crashed.csv")
	o := baseOptions(path, full)
	o.SendLog = recovery.LogPath(crashed)
	if _, err := importer.Import(t.Context(), c, o); err != nil {
		t.Fatal(err)
	}
	// Keep the first 400 lines only, as if the process died there; also
	// turn one created row into an outcome-unknown failure.
	w, err := report.Create(crashed)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range full.rows[:400] {
		if i == 10 {
			r.Status, r.ErrorCode, r.Services = report.Failed, "outcome_unknown", ""
		}
		w.Write(&r)
	}
	w.Close()
	rep := &memReport{}
	opts := baseOptions(path, rep)
	opts.Resume = crashed
	sum, err := importer.Import(t.Context(), c, opts)
	if err != nil {
		t.Fatal(err)
	}
	checkEndState(t, srv, rep.rows, n, invalid)
	if srv.Requests().DuplicateAdds != 0 {
		t.Errorf("resume tried to create existing users")
	}
	t.Log(sum)
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBatchIsolation: the simulator accepts rows our validation passes but
// it rejects (an unknown department), both with indexed and unindexed error
// keys; only the bad rows fail.
func TestBatchIsolation(t *testing.T) {
	var b strings.Builder
	b.WriteString("code,name,password,organizations\n")
	bad := map[string]bool{}
	for i := range 250 {
		org := "sales"
		if i%50 == 7 {
			org = "nosuchdept"
			bad[fmt.Sprintf("u%03d", i)] = true
		}
		fmt.Fprintf(&b, "u%03d,User %d,Pass-%d-word,%s\n", i, i, i, org)
	}
	for _, unindexed := range []bool{false, true} {
		t.Run(fmt.Sprintf("unindexed=%v", unindexed), func(t *testing.T) {
			path := writeFile(t, "users.csv", b.String())
			opts := []kintonetest.Option{kintonetest.WithDepartments([]kintone.Organization{{Code: "sales", Name: "Sales"}}, nil)}
			if unindexed {
				opts = append(opts, kintonetest.WithUnindexedErrors())
			}
			srv := kintonetest.NewServer(opts...)
			defer srv.Close()
			rep := &memReport{}
			if _, err := importer.Import(t.Context(), client(t, srv), baseOptions(path, rep)); err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.rows {
				if r.Status != report.Created {
					t.Errorf("%s: %s, want created (departments are a separate step)", r.Code, r.Status)
				}
				failed := strings.HasPrefix(r.Departments, "failed")
				if failed != bad[r.Code] {
					t.Errorf("%s: departments %q, bad=%v", r.Code, r.Departments, bad[r.Code])
				}
				if !bad[r.Code] && len(srv.Organizations(r.Code)) != 1 {
					t.Errorf("%s: departments on server %v", r.Code, srv.Organizations(r.Code))
				}
			}
		})
	}
}

// TestRejectedAddIsolated: users another administrator creates just
// before the importer's request (after its lookup, in upsert mode) are
// rejected by Add Users; only they fail, whether the server names their
// rows or not, and they are left untouched.
func TestRejectedAddIsolated(t *testing.T) {
	for _, mode := range []importer.Mode{importer.Create, importer.Upsert} {
		for _, unindexed := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/unindexed=%v", mode, unindexed), func(t *testing.T) {
				var b strings.Builder
				b.WriteString("code,name,password,timezone\n")
				for i := range 120 {
					fmt.Fprintf(&b, "v%03d,User %d,Pass-%d-word,Asia/Tokyo\n", i, i, i)
				}
				path := writeFile(t, "users.csv", b.String())
				// The other administrator's users were made a minute
				// before the request: their creation time says so.
				var past atomic.Bool
				opts := []kintonetest.Option{kintonetest.WithClock(func() time.Time {
					if past.Load() {
						return time.Now().Add(-time.Minute)
					}
					return time.Now()
				})}
				if unindexed {
					opts = append(opts, kintonetest.WithUnindexedErrors())
				}
				srv := kintonetest.NewServer(opts...)
				defer srv.Close()
				api := &racingAPI{clocked: client(t, srv), srv: srv, past: &past, steal: map[string]bool{"v005": true, "v050": true, "v110": true}}
				rep := &memReport{}
				o := baseOptions(path, rep)
				o.Mode = mode
				// One request at a time: while the other administrator's
				// users are made, the simulator's clock reads a minute
				// back, and no request of the importer may read it then
				// (its server time would move back with it).
				o.Concurrency = 1
				if _, err := importer.Import(t.Context(), api, o); err != nil {
					t.Fatal(err)
				}
				for _, r := range rep.rows {
					want := report.Created
					if api.steal[r.Code] {
						want = report.Failed
						if mode == importer.Upsert && r.Status == report.Updated {
							// Its batch was looked up after the other
							// administrator made it: an upsert updates it.
							want = report.Updated
						}
						if len(srv.Services(r.Code)) != 0 {
							t.Errorf("%s: the other administrator's user was given services %v", r.Code, srv.Services(r.Code))
						}
					}
					if r.Status != want {
						t.Errorf("%s: %s (%s), want %s", r.Code, r.Status, r.Message, want)
					}
				}
				if n := len(srv.Users()); n != 121 {
					t.Errorf("%d users on the server, want 121", n)
				}
			})
		}
	}
}

// racingAPI creates some users behind the importer's back right before its
// first Add Users request, as another administrator might.
type racingAPI struct {
	clocked
	srv   *kintonetest.Server
	past  *atomic.Bool
	steal map[string]bool
	done  atomic.Bool
}

func (a *racingAPI) AddUsers(ctx context.Context, in []kintone.UserInput) error {
	if a.done.CompareAndSwap(false, true) {
		var us []kintone.UserInput
		for c := range a.steal {
			us = append(us, kintone.UserInput{Code: c, Name: ptr("Other"), Password: ptr(kintone.Secret("Other-pass-1"))})
		}
		a.past.Store(true)
		a.srv.AddUsers(us...)
		a.past.Store(false)
	}
	return a.clocked.AddUsers(ctx, in)
}

func ptr[T any](v T) *T { return &v }

func TestUpsertAndUnchanged(t *testing.T) {
	srv := kintonetest.NewServer(kintonetest.WithUsers(
		kintone.UserInput{Code: "alice", Name: ptr("Alice"), Password: ptr(kintone.Secret("Alice-pw-1")), Email: ptr("alice@example.com")},
		kintone.UserInput{Code: "bob", Name: ptr("Bob"), Password: ptr(kintone.Secret("Bob-pw-1")), Email: ptr("bob@example.com")},
	), kintonetest.WithServices("alice", "kintone"), kintonetest.WithServices("bob", "kintone"))
	defer srv.Close()
	path := writeFile(t, "users.csv", "code,name,email,password\nalice,Alice,alice@example.com,New-pw-1\nbob,Robert,bob@example.com,New-pw-2\ncarol,Carol,carol@example.com,Carol-pw-1\n")
	rep := &memReport{}
	opts := baseOptions(path, rep)
	opts.Mode = importer.Upsert
	before := srv.Requests()
	if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
		t.Fatal(err)
	}
	want := map[string]report.Status{"alice": report.Unchanged, "bob": report.Updated, "carol": report.Created}
	for _, r := range rep.rows {
		if r.Status != want[r.Code] {
			t.Errorf("%s: %s (%s), want %s", r.Code, r.Status, r.Message, want[r.Code])
		}
	}
	if u, _ := srv.User("bob"); u.Name != "Robert" {
		t.Errorf("bob's name is %q after upsert", u.Name)
	}
	after := srv.Requests()
	if got := after.ByEndpoint["PUT /v1/users.json"] - before.ByEndpoint["PUT /v1/users.json"]; got != 1 {
		t.Errorf("%d Update Users requests, want 1 (bob only)", got)
	}
}

// TestMatchOnEmployeeNumber is the seed program's own rule: a row whose
// employee number exists is that user, whatever its login name.
func TestMatchOnEmployeeNumber(t *testing.T) {
	srv := kintonetest.NewServer(kintonetest.WithUsers(
		kintone.UserInput{Code: "jdoe", Name: ptr("John Doe"), Password: ptr(kintone.Secret("Jd-pw-123")), EmployeeNumber: ptr("W100")},
	))
	defer srv.Close()
	path := writeFile(t, "users.csv", "code,name,employeeNumber,password\njohn.doe,John Doe,W100,Pw-123-abc\njane.roe,Jane Roe,W101,Pw-456-abc\n")
	for _, tc := range []struct {
		mode importer.Mode
		want map[string]report.Status
	}{
		{importer.SkipExisting, map[string]report.Status{"john.doe": report.Skipped, "jane.roe": report.Created}},
		{importer.Create, map[string]report.Status{"john.doe": report.Failed, "jane.roe": report.Failed}},
	} {
		rep := &memReport{}
		opts := baseOptions(path, rep)
		opts.Mode = tc.mode
		opts.MatchOn = importer.MatchEmployeeNumber
		if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.rows {
			if r.Status != tc.want[r.Code] {
				t.Errorf("mode %s: %s: %s (%s), want %s", tc.mode, r.Code, r.Status, r.Message, tc.want[r.Code])
			}
		}
	}
	if _, ok := srv.User("john.doe"); ok {
		t.Errorf("john.doe was created although W100 exists as jdoe")
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	srv := kintonetest.NewServer(kintonetest.WithUsers(
		kintone.UserInput{Code: "alice", Name: ptr("Alice"), Password: ptr(kintone.Secret("Alice-pw-1"))},
	))
	defer srv.Close()
	path := writeFile(t, "users.csv", "code,name,password\nalice,Alicia,Pw-1-abcdef\nbob,Bob,Pw-2-abcdef\nbad/code,X,Pw-3-abcdef\n")
	rep := &memReport{}
	opts := baseOptions(path, rep)
	opts.Mode = importer.Upsert
	opts.DryRun = true
	before := len(srv.Users())
	if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
		t.Fatal(err)
	}
	want := []report.Status{report.WouldUpdate, report.WouldCreate, report.Invalid}
	for i, r := range rep.rows {
		if r.Status != want[i] {
			t.Errorf("row %d: %s, want %s", r.Row, r.Status, want[i])
		}
	}
	if len(srv.Users()) != before {
		t.Errorf("dry run created users")
	}
	if st := srv.Requests(); st.ByEndpoint["POST /v1/users.json"]+st.ByEndpoint["PUT /v1/users.json"] != 0 {
		t.Errorf("dry run sent writes: %v", st.ByEndpoint)
	}
	// In create mode a real run learns that alice exists from Add Users;
	// a dry run, which sends none, looks the users up.
	rep = &memReport{}
	opts = baseOptions(path, rep)
	opts.DryRun = true
	if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
		t.Fatal(err)
	}
	want = []report.Status{report.Invalid, report.WouldCreate, report.Invalid}
	for i, r := range rep.rows {
		if r.Status != want[i] {
			t.Errorf("create mode: row %d: %s (%s), want %s", r.Row, r.Status, r.Message, want[i])
		}
	}
}

func TestPreflightExplains(t *testing.T) {
	path := writeFile(t, "users.csv", "code,name,password\nalice,Alice,Pw-1-abcdef\n")
	srv := kintonetest.NewServer(kintonetest.WithUser("clerk", "clerk-pw-1", false))
	defer srv.Close()
	for _, tc := range []struct {
		name  string
		login string
		pw    string
		want  string
	}{
		{"bad password", srv.AdminUser, "wrong-password", "KINTONE_PASSWORD"},
		{"not an admin", "clerk", "clerk-pw-1", "administrator"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := kintone.NewClient(srv.URL, kintone.WithPassword(tc.login, kintone.Secret(tc.pw)))
			if err != nil {
				t.Fatal(err)
			}
			_, err = importer.Import(t.Context(), c, baseOptions(path, &memReport{}))
			var fe *importer.FatalError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a FatalError mentioning %q", err, tc.want)
			}
			if strings.Contains(err.Error(), tc.pw) {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}

// TestNoPasswordInOutput runs imports that fail in every way a row can and
// greps every byte they produce for the input's passwords.
func TestNoPasswordInOutput(t *testing.T) {
	dir := t.TempDir()
	path, _, passwords := genUsers(t, dir, 600)
	srv := kintonetest.NewServer(kintonetest.WithSeed(7), kintonetest.WithFaults(kintonetest.Faults{Rate503: 0.2, Rate429: 0.1, Rate520: 0.1, RateHTML: 0.05, RateDropAfterCommit: 0.1}))
	defer srv.Close()
	var log bytes.Buffer
	for _, ext := range []string{".csv", ".jsonl"} {
		rp := filepath.Join(dir, "report"+ext)
		w, err := report.Create(rp)
		if err != nil {
			t.Fatal(err)
		}
		opts := baseOptions(path, w)
		opts.Log = &log
		opts.Retry.MaxAttempts = 2 // let some rows fail for good
		sum, err := importer.Import(t.Context(), client(t, srv), opts)
		w.Close()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&log, sum)
		data, _ := os.ReadFile(rp)
		log.Write(data)
	}
	out := log.String()
	for _, pw := range passwords {
		if strings.Contains(out, pw) {
			t.Fatalf("output contains a password from the input")
		}
	}
}

func TestGuests(t *testing.T) {
	srv := kintonetest.NewServer(kintonetest.WithSeed(3), kintonetest.WithFaults(kintonetest.Faults{RateDropAfterCommit: 0.5}))
	defer srv.Close()
	var b strings.Builder
	b.WriteString("code,name,password,timezone\n")
	for i := range 150 {
		fmt.Fprintf(&b, "guest%03d@example.com,Guest %d,Guest-pw-%d,Asia/Tokyo\n", i, i, i)
	}
	b.WriteString("not-an-email,Bad Guest,Guest-pw-x,Asia/Tokyo\n")
	path := writeFile(t, "guests.csv", b.String())
	rep := &memReport{}
	opts := baseOptions(path, rep)
	opts.Kind = validate.Guests
	if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
		t.Fatal(err)
	}
	created := 0
	for _, r := range rep.rows {
		switch r.Status {
		case report.Created:
			created++
		case report.Invalid:
			if r.Code != "not-an-email" {
				t.Errorf("%s invalid: %s", r.Code, r.Message)
			}
		default:
			t.Errorf("%s: %s (%s)", r.Code, r.Status, r.Message)
		}
	}
	if created != 150 || len(srv.Guests()) != 150 {
		t.Errorf("created %d, server has %d guests, want 150", created, len(srv.Guests()))
	}
	if len(srv.Users()) > 1 {
		t.Errorf("guests appeared among users")
	}
}

// TestUpsertWithoutPasswords: an upsert file (like an export) has no
// password column; existing users update, a new user is invalid for want of
// a password rather than failing at the server.
func TestUpsertWithoutPasswords(t *testing.T) {
	srv := kintonetest.NewServer(kintonetest.WithUsers(
		kintone.UserInput{Code: "alice", Name: ptr("Alice"), Password: ptr(kintone.Secret("Alice-pw-1"))},
	))
	defer srv.Close()
	path := writeFile(t, "users.csv", "code,name\nalice,Alice Liddell\nnewbie,New Person\n")
	rep := &memReport{}
	opts := baseOptions(path, rep)
	opts.Mode = importer.Upsert
	if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
		t.Fatal(err)
	}
	if got := rep.rows[0]; got.Status != report.Updated {
		t.Errorf("alice: %s (%s)", got.Status, got.Message)
	}
	if got := rep.rows[1]; got.Status != report.Invalid || got.ErrorCode != "password.required" {
		t.Errorf("newbie: %s %s (%s), want invalid password.required", got.Status, got.ErrorCode, got.Message)
	}
	if srv.Requests().ByEndpoint["POST /v1/users.json"] != 0 {
		t.Errorf("a create was sent for a row without a password")
	}
}

// TestDryRunPlansSteps: a dry run reports the services and departments a
// real run would change, and a user whose only change is one of those steps
// as would_update — the same outcome the real run then reports.
func TestDryRunPlansSteps(t *testing.T) {
	srv := kintonetest.NewServer(
		kintonetest.WithDepartments([]kintone.Organization{{Code: "sales", Name: "Sales"}, {Code: "hr", Name: "HR"}}, nil),
		kintonetest.WithUsers(
			kintone.UserInput{Code: "alice", Name: ptr("Alice"), Password: ptr(kintone.Secret("Alice-pw-1"))},
			kintone.UserInput{Code: "bob", Name: ptr("Bob"), Password: ptr(kintone.Secret("Bob-pw-1"))},
			kintone.UserInput{Code: "carol", Name: ptr("Carol"), Password: ptr(kintone.Secret("Carol-pw-1"))},
		),
		kintonetest.WithServices("alice", "kintone"), kintonetest.WithServices("bob", "kintone"), kintonetest.WithServices("carol", "kintone"),
	)
	defer srv.Close()
	path := writeFile(t, "users.csv", "code,name,services,organizations\nalice,Alice,kintone;garoon,\nbob,Bob,kintone,hr\ncarol,Carol,kintone,\n")
	for _, dry := range []bool{true, false} {
		rep := &memReport{}
		opts := baseOptions(path, rep)
		opts.Mode, opts.DryRun = importer.Upsert, dry
		if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
			t.Fatal(err)
		}
		changed, prefix := report.Updated, "assigned: "
		if dry {
			changed, prefix = report.WouldUpdate, "would_"
		}
		want := []struct {
			st                    report.Status
			services, departments string
		}{
			{changed, prefix, ""},
			{changed, "unchanged", prefix},
			{report.Unchanged, "unchanged", ""},
		}
		for i, r := range rep.rows {
			w := want[i]
			if r.Status != w.st || !strings.HasPrefix(r.Services, w.services) || !strings.HasPrefix(r.Departments, w.departments) || (w.departments == "" && r.Departments != "") {
				t.Errorf("dry=%v %s: %s services %q departments %q, want %s %q… %q…", dry, r.Code, r.Status, r.Services, r.Departments, w.st, w.services, w.departments)
			}
		}
	}
}

// TestResumeRefusesOtherFile: a report is tied to its input by name; a
// report of another file is refused before anything is sent.
func TestResumeRefusesOtherFile(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	a := writeFile(t, "a.csv", "code,name,password\nalice,Alice,Pw-1-abcdef\n")
	b := writeFile(t, "b.csv", "code,name,password\nbob,Bob,Pw-2-abcdef\n")
	rp := filepath.Join(t.TempDir(), "a-report.csv")
	w, err := report.Create(rp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Import(t.Context(), client(t, srv), baseOptions(a, w)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	opts := baseOptions(b, &memReport{})
	opts.Resume = rp
	before := srv.Requests().Total
	_, err = importer.Import(t.Context(), client(t, srv), opts)
	if err == nil || !strings.Contains(err.Error(), "a.csv") {
		t.Fatalf("resume from another file's report: %v, want a refusal naming a.csv", err)
	}
	if srv.Requests().Total != before {
		t.Errorf("requests were sent before the refusal")
	}
}

// TestInvalidUTF8Reported: with the source's own UTF-8 scan left to
// validation, a row with bytes that are not UTF-8 is still invalid, with a
// message that points at the encoding.
func TestInvalidUTF8Reported(t *testing.T) {
	// Enough valid UTF-8 first that detection settles on UTF-8.
	var b strings.Builder
	b.WriteString("code,name,password\n")
	const n = 3000
	for i := range n {
		fmt.Fprintf(&b, "user%04d,ユーザー %d,Pw-%d-abcdef\n", i, i, i)
	}
	b.WriteString("bob,B\xff\xfeb,Pw-2-abcdef\n")
	path := writeFile(t, "users.csv", b.String())
	rep := &memReport{}
	if _, err := importer.Validate(t.Context(), importer.Options{File: path, Report: rep}); err != nil {
		t.Fatal(err)
	}
	if got := rep.rows[n]; got.Status != report.Invalid || got.ErrorCode != "field.invalid_utf8" || !strings.Contains(got.Message, "Shift_JIS") {
		t.Errorf("bad row: %s %s %q", got.Status, got.ErrorCode, got.Message)
	}
	if got := rep.rows[0]; got.Status != report.Valid {
		t.Errorf("row 2: %s", got.Status)
	}
}
