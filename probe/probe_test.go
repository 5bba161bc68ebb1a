package probe

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
)

const testToken = "cy.s.api1.probe-test-token-0123456789"

// login says how a probe case logs in.
type login struct {
	token    kintonetest.TokenScope // 0: the Administrator's password
	user     string                 // with password: another account
	password string
}

// probeCase is one simulator mode and what the probe must report of it.
type probeCase struct {
	name  string
	opts  []kintonetest.Option
	login login
	check func(t *testing.T, r *Report)
}

func preloaded(code string, custom ...kintone.CustomItemValue) kintone.UserInput {
	name := "Preloaded " + code
	pw := kintone.Secret("Preloaded-Pass-1")
	return kintone.UserInput{Code: code, Name: &name, Password: &pw, CustomItemValues: custom}
}

// runCase probes a simulator set up for c, with the write test when
// write is set, and checks that no user was left behind and that no
// secret was printed.
func runCase(t *testing.T, c probeCase, write bool) *Report {
	t.Helper()
	opts := append([]kintonetest.Option{kintonetest.WithUsers(preloaded("alice"))}, c.opts...)
	cred := CredPassword
	if c.login.token != 0 {
		opts = append(opts, kintonetest.WithTokenScope(testToken, c.login.token))
		cred = CredToken
	}
	if c.login.user != "" {
		opts = append(opts, kintonetest.WithUser(c.login.user, "Clerk-Pass-1", false))
	}
	srv := kintonetest.NewServer(opts...)
	t.Cleanup(srv.Close)
	var auth kintone.Option
	switch {
	case c.login.token != 0:
		auth = kintone.WithAPIToken(testToken)
	case c.login.user != "":
		auth = kintone.WithPassword(c.login.user, "Clerk-Pass-1")
	case c.login.password != "":
		auth = kintone.WithPassword(srv.AdminUser, kintone.Secret(c.login.password))
	default:
		auth = kintone.WithPassword(srv.AdminUser, kintone.Secret(srv.AdminPassword))
	}
	api, err := kintone.NewClient(srv.URL, auth)
	if err != nil {
		t.Fatal(err)
	}
	anon, err := kintone.NewClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	before := codes(srv.Users())
	r, err := Run(t.Context(), api, Options{Anonymous: anon, Credentials: cred, WriteTest: write})
	if err != nil {
		t.Fatal(err)
	}
	if after := codes(srv.Users()); !slices.Equal(after, before) {
		t.Errorf("users after the probe %v, before %v", after, before)
	}
	var out bytes.Buffer
	if err := r.WriteTable(&out); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{srv.AdminPassword, testToken, "Clerk-Pass-1"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("output holds a secret:\n%s", out.String())
		}
	}
	c.check(t, r)
	return r
}

func codes(users []kintone.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Code
	}
	slices.Sort(out)
	return out
}

// Read-only: each simulator mode is reported as it is.
func TestReadOnlyModes(t *testing.T) {
	for _, c := range []probeCase{
		{name: "defaults", check: func(t *testing.T, r *Report) {
			want(t, "login", r.Login.OK, true)
			want(t, "auth status", r.AuthErrors.Status, 401)
			want(t, "rights", r.Rights.Verdict, RightsAdministrator)
			want(t, "rights status", r.Rights.Answer.Status, 400)
			want(t, "token scope", r.TokenScope, "")
			want(t, "guest APIs", r.GuestAPIs.Verdict, GuestsUsable)
			want(t, "users", *r.Users, 2)
			want(t, "services", len(r.Services), 0)
			want(t, "language", r.Language, Language{Account: "ja", Anonymous: "ja", Sample: "入力内容が正しくありません。"})
			want(t, "write test", r.WriteTest == nil, true)
		}},
		{name: "English by default", opts: []kintonetest.Option{kintonetest.WithDefaultLanguage("en")}, check: func(t *testing.T, r *Report) {
			want(t, "language", r.Language, Language{Account: "en", Anonymous: "en", Sample: "Missing or invalid input."})
		}},
		{name: "Japanese by default", opts: []kintonetest.Option{kintonetest.WithDefaultLanguage("ja")}, check: func(t *testing.T, r *Report) {
			want(t, "account language", r.Language.Account, "ja")
			want(t, "anonymous language", r.Language.Anonymous, "ja")
			wantNote(t, r, "Japanese")
		}},
		{name: "English by default", opts: []kintonetest.Option{kintonetest.WithDefaultLanguage("en")}, check: func(t *testing.T, r *Report) {
			want(t, "account language", r.Language.Account, "en")
			want(t, "anonymous language", r.Language.Anonymous, "en")
		}},
		{name: "legacy auth status", opts: []kintonetest.Option{kintonetest.WithLegacyAuthStatus()}, check: func(t *testing.T, r *Report) {
			want(t, "auth status", r.AuthErrors.Status, 520)
			want(t, "auth code", r.AuthErrors.Code, kintone.CodeLoginRequired)
			wantNote(t, r, "520")
		}},
		{name: "rights probe 404", opts: []kintonetest.Option{kintonetest.WithUnknownUserStatus(404)}, check: func(t *testing.T, r *Report) {
			want(t, "rights", r.Rights.Verdict, RightsUnknown)
			want(t, "rights status", r.Rights.Answer.Status, 404)
			wantNote(t, r, "rights are unknown")
		}},
		{name: "rights probe 520", opts: []kintonetest.Option{kintonetest.WithUnknownUserStatus(520)}, check: func(t *testing.T, r *Report) {
			want(t, "rights", r.Rights.Verdict, RightsUnknown)
			want(t, "rights status", r.Rights.Answer.Status, 520)
		}},
		{name: "not an administrator", login: login{user: "clerk"}, check: func(t *testing.T, r *Report) {
			want(t, "rights", r.Rights.Verdict, RightsNotAdmin)
			want(t, "guest APIs", r.GuestAPIs.Verdict, GuestsNotPermitted)
		}},
		{name: "wrong password", login: login{password: "not-the-password"}, check: func(t *testing.T, r *Report) {
			want(t, "login", r.Login.OK, false)
			want(t, "login code", r.Login.Code, kintone.CodeWrongAuth)
			want(t, "rights", r.Rights.Verdict, RightsLoginRefused)
			want(t, "users", r.Users == nil, true)
		}},
		{name: "token, read", login: login{token: kintonetest.ScopeRead}, check: func(t *testing.T, r *Report) {
			want(t, "credentials", r.Credentials, CredToken)
			want(t, "rights", r.Rights.Verdict, RightsTokenScope)
			want(t, "token scope", r.TokenScope, "read")
			want(t, "guest APIs", r.GuestAPIs.Verdict, GuestsTokenRefused)
		}},
		{name: "token, read and write", login: login{token: kintonetest.ScopeReadWrite}, check: func(t *testing.T, r *Report) {
			want(t, "rights", r.Rights.Verdict, RightsAdministrator)
			want(t, "token scope", r.TokenScope, "read-write+")
			want(t, "guest APIs", r.GuestAPIs.Verdict, GuestsTokenRefused)
			wantNote(t, r, "password login")
		}},
		{name: "token, dangerous zone, on guest APIs", login: login{token: kintonetest.ScopeDangerousZone}, opts: []kintonetest.Option{kintonetest.WithTokenOnGuestAPIs()}, check: func(t *testing.T, r *Report) {
			want(t, "token scope", r.TokenScope, "read-write+")
			want(t, "guest APIs", r.GuestAPIs.Verdict, GuestsUsable)
		}},
		{name: "custom items and services", opts: []kintonetest.Option{
			kintonetest.WithCustomItems("dept", "office"),
			kintonetest.WithUsers(preloaded("bob", kintone.CustomItemValue{Code: "office", Value: "Osaka"})),
			kintonetest.WithServices("bob", "kintone", "garoon"), kintonetest.WithServices("alice", "kintone"),
		}, check: func(t *testing.T, r *Report) {
			want(t, "users", *r.Users, 3)
			want(t, "custom items", r.CustomItems, []CustomItem{{"dept", 0}, {"office", 1}})
			want(t, "all listed", *r.CustomItemsAllListed, true)
			want(t, "services", r.Services, map[string]int{"kintone": 2, "garoon": 1})
		}},
	} {
		t.Run(c.name, func(t *testing.T) { runCase(t, c, false) })
	}
}

// The write test reports each mode of a rejected batch and leaves no user
// behind (runCase checks the end state).
func TestWriteTestModes(t *testing.T) {
	for _, c := range []probeCase{
		{name: "atomic batch, indexed keys", check: func(t *testing.T, r *Report) {
			wt := r.WriteTest
			want(t, "skipped", wt.Skipped, "")
			want(t, "batch status", wt.Batch.Status, 400)
			want(t, "keys", wt.ErrorKeys, []string{"users[1].name"})
			want(t, "key form", wt.ErrorKeyForm, KeysIndexed)
			want(t, "partial commit", *wt.PartialCommit, false)
			want(t, "exists status", wt.Exists.Status, 400)
			want(t, "exists recognised", *wt.ExistsRecognised, true)
			want(t, "unknown user", wt.UnknownUser.Status, 400)
			want(t, "custom items", wt.CustomItems, "")
			want(t, "clean-up ok", wt.Cleanup.OK, true)
			want(t, "deleted", wt.Cleanup.Deleted, wt.Users[:1])
			for _, u := range wt.Users {
				if !strings.HasPrefix(u, UserPrefix) {
					t.Errorf("test user %q", u)
				}
			}
		}},
		{name: "partial commit", opts: []kintonetest.Option{kintonetest.WithPartialCommit()}, check: func(t *testing.T, r *Report) {
			want(t, "partial commit", *r.WriteTest.PartialCommit, true)
			want(t, "clean-up ok", r.WriteTest.Cleanup.OK, true)
			wantNote(t, r, "look its users up")
		}},
		{name: "unindexed keys", opts: []kintonetest.Option{kintonetest.WithUnindexedErrors()}, check: func(t *testing.T, r *Report) {
			want(t, "keys", r.WriteTest.ErrorKeys, []string{"users.name"})
			want(t, "key form", r.WriteTest.ErrorKeyForm, KeysUnindexed)
			want(t, "partial commit", *r.WriteTest.PartialCommit, false)
			wantNote(t, r, "splitting")
		}},
		{name: "unknown user 404", opts: []kintonetest.Option{kintonetest.WithUnknownUserStatus(404)}, check: func(t *testing.T, r *Report) {
			want(t, "unknown user", r.WriteTest.UnknownUser.Status, 404)
			want(t, "clean-up ok", r.WriteTest.Cleanup.OK, true)
		}},
		{name: "unknown user 520", opts: []kintonetest.Option{kintonetest.WithUnknownUserStatus(520)}, check: func(t *testing.T, r *Report) {
			want(t, "unknown user", r.WriteTest.UnknownUser.Status, 520)
			wantNote(t, r, "not 400")
		}},
		{name: "Japanese messages", opts: []kintonetest.Option{kintonetest.WithDefaultLanguage("ja")}, check: func(t *testing.T, r *Report) {
			want(t, "exists recognised", *r.WriteTest.ExistsRecognised, true)
			want(t, "language", languageOf(r.WriteTest.Exists.messages()...), "ja")
		}},
		{name: "custom items merged", opts: []kintonetest.Option{kintonetest.WithCustomItems("dept", "office")}, check: func(t *testing.T, r *Report) {
			want(t, "custom items", r.WriteTest.CustomItems, "merge")
		}},
		{name: "custom items replaced", opts: []kintonetest.Option{kintonetest.WithCustomItems("dept", "office"), kintonetest.WithCustomItemsReplace()}, check: func(t *testing.T, r *Report) {
			want(t, "custom items", r.WriteTest.CustomItems, "replace")
			wantNote(t, r, "every custom item")
		}},
		{name: "token, read and write", login: login{token: kintonetest.ScopeReadWrite}, check: func(t *testing.T, r *Report) {
			want(t, "skipped", r.WriteTest.Skipped, "")
			want(t, "clean-up ok", r.WriteTest.Cleanup.OK, true)
		}},
		{name: "token, read: skipped", login: login{token: kintonetest.ScopeRead}, check: func(t *testing.T, r *Report) {
			if !strings.Contains(r.WriteTest.Skipped, "may not write") {
				t.Errorf("skipped = %q", r.WriteTest.Skipped)
			}
			want(t, "users", len(r.WriteTest.Users), 0)
		}},
	} {
		t.Run(c.name, func(t *testing.T) { runCase(t, c, true) })
	}
}

// refusingDeletes is a client whose Delete Users fails without sending.
type refusingDeletes struct{ *kintone.Client }

func (refusingDeletes) DeleteUsers(context.Context, []string) error {
	return errors.New("connection refused")
}

// A clean-up that fails names the users to delete by hand.
func TestCleanupFailure(t *testing.T) {
	srv := kintonetest.NewServer(kintonetest.WithPartialCommit())
	defer srv.Close()
	c, err := kintone.NewClient(srv.URL, kintone.WithPassword(srv.AdminUser, kintone.Secret(srv.AdminPassword)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(t.Context(), refusingDeletes{c}, Options{Credentials: CredPassword, WriteTest: true})
	if err != nil {
		t.Fatal(err)
	}
	cl := r.WriteTest.Cleanup
	left := codes(srv.Users())
	want(t, "clean-up ok", cl.OK, false)
	want(t, "remaining", cl.Remaining, r.WriteTest.Users[:1])
	want(t, "on the server", left, []string{"Administrator", r.WriteTest.Users[0]})
	if !strings.Contains(cl.Error, "connection refused") {
		t.Errorf("clean-up error %q", cl.Error)
	}
	wantNote(t, r, "delete these users by hand: "+r.WriteTest.Users[0])
	var out bytes.Buffer
	if err := r.WriteTable(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "FAILED: delete by hand: "+r.WriteTest.Users[0]) {
		t.Errorf("table:\n%s", out.String())
	}
}

// A cancelled probe still cleans up what its write test created.
func TestCleanupAfterCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	srv := kintonetest.NewServer(kintonetest.WithPartialCommit(), kintonetest.WithRequestHook(func(r *http.Request) {
		// The look-up after the batch is where the person pressed Ctrl-C.
		q := r.URL.RawQuery
		if r.Method == http.MethodGet && strings.Contains(q, "-2") && !strings.Contains(q, "-3") {
			cancel()
		}
	}))
	defer srv.Close()
	c, err := kintone.NewClient(srv.URL, kintone.WithPassword(srv.AdminUser, kintone.Secret(srv.AdminPassword)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(ctx, c, Options{Credentials: CredPassword, WriteTest: true})
	if err != nil {
		t.Fatal(err)
	}
	want(t, "batch status", r.WriteTest.Batch.Status, 400)
	want(t, "clean-up ok", r.WriteTest.Cleanup.OK, true)
	want(t, "deleted", r.WriteTest.Cleanup.Deleted, r.WriteTest.Users[:1])
	want(t, "on the server", codes(srv.Users()), []string{"Administrator"})
}
