package importer_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/recovery"
	"github.com/userimport/userimport/report"
)

// modeFaults are the faults every mode runs under: lost answers of
// committed writes, lock errors, overload.
var modeFaults = kintonetest.Faults{Rate503: 0.08, Rate429: 0.04, Rate520: 0.05, RateDropAfterCommit: 0.15}

// preexisting returns the rows of genUsers whose users another
// administrator made before the import (every 40th valid row), and the
// simulator options that preload them with the garoon service only. They
// were made an hour before: their creation time says they are not the
// import's.
func preexisting(n int, admins bool) (pre map[string]bool, opts []kintonetest.Option, old *atomic.Bool) {
	pre = map[string]bool{}
	old = new(atomic.Bool)
	old.Store(true)
	opts = []kintonetest.Option{kintonetest.WithClock(func() time.Time {
		if old.Load() {
			return time.Now().Add(-time.Hour)
		}
		return time.Now()
	})}
	var codes []string
	for i := 5; i < n; i += 40 {
		code := fmt.Sprintf("user%05d", i)
		pre[code] = true
		codes = append(codes, code)
		opts = append(opts,
			kintonetest.WithUsers(kintone.UserInput{Code: code, Name: ptr("Pre " + code), Password: ptr(kintone.Secret("Pre-pass-123"))}),
			kintonetest.WithServices(code, "garoon"))
	}
	if admins {
		opts = append(opts, kintonetest.WithAdministrators(codes[:len(codes)/2]...))
	}
	// The caller turns the clock to the present once the domain is built.
	return pre, opts, old
}

// TestImportModes runs the import in every simulator mode with faults and
// checks the exact end state: every user once, with its services; every
// row's status true to the server; users that existed before untouched in
// create mode; no user of the run sent twice.
func TestImportModes(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	const token = "tok-modes-1"
	for _, tc := range []struct {
		name        string
		opts        []kintonetest.Option
		mode        importer.Mode
		scope       kintonetest.TokenScope // 0: a password login
		admins      bool
		rightsKnown bool
	}{
		{"partial commit", []kintonetest.Option{kintonetest.WithPartialCommit()}, importer.Create, 0, false, true},
		{"unindexed errors", []kintonetest.Option{kintonetest.WithUnindexedErrors()}, importer.Create, 0, false, true},
		{"partial commit, unindexed", []kintonetest.Option{kintonetest.WithPartialCommit(), kintonetest.WithUnindexedErrors()}, importer.Create, 0, false, true},
		{"rights probe 400", []kintonetest.Option{kintonetest.WithUnknownUserStatus(400)}, importer.Create, 0, false, true},
		{"rights probe 404", []kintonetest.Option{kintonetest.WithUnknownUserStatus(404)}, importer.Create, 0, false, false},
		{"rights probe 520", []kintonetest.Option{kintonetest.WithUnknownUserStatus(520)}, importer.Create, 0, false, false},
		{"english messages", []kintonetest.Option{kintonetest.WithDefaultLanguage("en")}, importer.Create, 0, false, true},
		{"japanese messages", []kintonetest.Option{kintonetest.WithDefaultLanguage("ja"), kintonetest.WithPartialCommit()}, importer.Create, 0, false, true},
		{"legacy 520 auth", []kintonetest.Option{kintonetest.WithLegacyAuthStatus(), kintonetest.WithPartialCommit()}, importer.Create, 0, false, true},
		{"skip-existing, partial commit", []kintonetest.Option{kintonetest.WithPartialCommit()}, importer.SkipExisting, 0, false, true},
		{"upsert, token read-write", nil, importer.Upsert, kintonetest.ScopeReadWrite, true, true},
		{"upsert, token dangerous zone", nil, importer.Upsert, kintonetest.ScopeDangerousZone, true, true},
		{"create, token read-write, partial commit", []kintonetest.Option{kintonetest.WithPartialCommit()}, importer.Create, kintonetest.ScopeReadWrite, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, invalid, _ := genUsers(t, t.TempDir(), n)
			pre, preOpts, old := preexisting(n, tc.admins)
			opts := append([]kintonetest.Option{kintonetest.WithSeed(7), kintonetest.WithFaults(modeFaults)}, preOpts...)
			opts = append(opts, tc.opts...)
			if tc.scope != 0 {
				opts = append(opts, kintonetest.WithTokenScope(token, tc.scope))
			}
			srv := kintonetest.NewServer(opts...)
			defer srv.Close()
			old.Store(false)
			api := importer.API(client(t, srv))
			if tc.scope != 0 {
				api = tokenClient(t, srv, token)
			}
			rep := &memReport{}
			o := baseOptions(path, rep)
			o.Mode = tc.mode
			sum, err := importer.Import(t.Context(), api, o)
			if err != nil {
				t.Fatal(err)
			}
			if unknown := strings.Contains(sum.String(), "rights could not be checked"); unknown == tc.rightsKnown {
				t.Errorf("summary %q: rights known %v, want %v", sum, !unknown, tc.rightsKnown)
			}
			checkModes(t, srv, rep.rows, n, invalid, pre, tc.mode, tc.admins && tc.scope == kintonetest.ScopeReadWrite)
			st := srv.Requests()
			wantDups := 0
			if tc.mode == importer.Create {
				// Each user that was there before is sent once: the
				// server's answer is the lookup.
				wantDups = len(pre)
			}
			if st.DuplicateAdds != wantDups {
				t.Errorf("DuplicateAdds = %d, want %d (the users that existed before, once each)", st.DuplicateAdds, wantDups)
			}
			if st.DroppedAfterCommit == 0 {
				t.Errorf("no lost answer was exercised: %+v", st)
			}
			t.Logf("%s; partial commits %d, dropped %d, 520 %d", sum, st.PartialCommits, st.DroppedAfterCommit, st.Injected520)
		})
	}
}

// checkModes checks the end state of TestImportModes.
func checkModes(t *testing.T, srv *kintonetest.Server, rows []report.Row, n int, invalid map[int]bool, pre map[string]bool, mode importer.Mode, adminsRefused bool) {
	t.Helper()
	if len(rows) != n {
		t.Fatalf("report has %d rows, want %d", len(rows), n)
	}
	seen := map[string]int{}
	for _, u := range srv.Users() {
		seen[u.Code]++
	}
	for _, r := range rows {
		i := r.Row - 2
		switch {
		case invalid[r.Row]:
			if r.Status != report.Invalid || seen[r.Code] != 0 {
				t.Errorf("row %d: %s, %d users; want invalid, none", r.Row, r.Status, seen[r.Code])
			}
			continue
		case pre[r.Code]:
			checkPre(t, srv, r, mode, adminsRefused)
			continue
		}
		if r.Status != report.Created || seen[r.Code] != 1 {
			t.Errorf("row %d (%s): %s (%s: %s), %d users; want created, 1", r.Row, r.Code, r.Status, r.ErrorCode, r.Message, seen[r.Code])
			continue
		}
		want := []string{"kintone"}
		if i%10 == 0 {
			want = []string{"garoon", "kintone"}
		}
		if got := sorted(srv.Services(r.Code)); !slices.Equal(got, want) {
			t.Errorf("row %d: services %v, want %v", r.Row, got, want)
		}
	}
}

// checkPre checks a row whose user existed before the import.
func checkPre(t *testing.T, srv *kintonetest.Server, r report.Row, mode importer.Mode, adminsRefused bool) {
	t.Helper()
	u, _ := srv.User(r.Code)
	untouched := u.Name == "Pre "+r.Code && slices.Equal(srv.Services(r.Code), []string{"garoon"})
	switch mode {
	case importer.Create:
		if r.Status != report.Failed || r.ErrorCode != "exists" || !untouched {
			t.Errorf("row %d (%s): %s %s (%s), untouched %v; want failed exists, untouched", r.Row, r.Code, r.Status, r.ErrorCode, r.Message, untouched)
		}
	case importer.SkipExisting:
		if r.Status != report.Skipped || !untouched {
			t.Errorf("row %d (%s): %s (%s), untouched %v; want skipped, untouched", r.Row, r.Code, r.Status, r.Message, untouched)
		}
	case importer.Upsert:
		if r.Status == report.Failed && adminsRefused && untouched && strings.Contains(r.Message, "Dangerous Zone") {
			return // an administrator, which this token may not change
		}
		if r.Status != report.Updated || u.Name != fmt.Sprintf("User %d", r.Row-2) {
			t.Errorf("row %d (%s): %s (%s), name %q; want updated", r.Row, r.Code, r.Status, r.Message, u.Name)
		}
	}
}

// tokenClient is a client that logs in with an API token.
func tokenClient(t testing.TB, srv *kintonetest.Server, token string) clocked {
	t.Helper()
	clock := new(recovery.ServerClock)
	c, err := kintone.NewClient(srv.URL, kintone.WithAPIToken(kintone.Secret(token)),
		kintone.WithHTTPClient(&http.Client{Transport: clock.Transport(nil)}))
	if err != nil {
		t.Fatal(err)
	}
	return clocked{c, clock}
}
