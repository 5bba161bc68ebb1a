package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/probe"
)

// readProbeJSON decodes the file --out wrote.
func readProbeJSON(t *testing.T, path string) probe.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r probe.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	if r.Schema != probe.Schema {
		t.Errorf("schema %q", r.Schema)
	}
	return r
}

// `probe --sim` prints the read-only table and writes nothing.
func TestProbeSim(t *testing.T) {
	code, stdout, stderr := runCmd(t, t.Context(), "probe", "--sim")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"Login                  ok",
		"Authentication errors  401 CB_AU01",
		"Administrator rights   administrator (400 CB_VA01",
		"Guest APIs             usable",
		"Users                  2",
		"Services in use        kintone 1",
		"Answer language        ja (before login: ja)",
		"Write test             not run",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}

// `probe --sim --write-test --yes` runs the write test and cleans up.
func TestProbeSimWriteTest(t *testing.T) {
	out := filepath.Join(t.TempDir(), "probe.json")
	code, stdout, stderr := runCmd(t, t.Context(), "probe", "--sim", "--write-test", "--yes", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"Error key form       indexed [users[1].name]",
		"Partial commit       no",
		"recognised: yes",
		"Clean-up             ok: deleted 1, none left",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	r := readProbeJSON(t, out)
	if wt := r.WriteTest; wt == nil || !wt.Cleanup.OK || len(wt.Cleanup.Remaining) != 0 || wt.PartialCommit == nil || *wt.PartialCommit {
		t.Errorf("write test %+v", r.WriteTest)
	}
}

// The write test is never run unasked: without --yes it needs a person
// at a terminal to say yes.
func TestProbeWriteTestConfirmation(t *testing.T) {
	code, stdout, stderr := runCmd(t, t.Context(), "probe", "--sim", "--write-test")
	if code != exitUsage || !strings.Contains(stderr, "--yes") || stdout != "" {
		t.Fatalf("without a terminal: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	orig := stdinIsTerminal
	stdinIsTerminal = func(io.Reader) bool { return true }
	t.Cleanup(func() { stdinIsTerminal = orig })
	for _, tc := range []struct {
		answer string
		want   int
	}{{"yes\n", exitOK}, {"y\n", exitOK}, {"n\n", exitUsage}, {"", exitUsage}} {
		var out, errw syncBuffer
		code := run(t.Context(), []string{"probe", "--sim", "--write-test"}, strings.NewReader(tc.answer), &out, &errw)
		if code != tc.want {
			t.Errorf("answer %q: exit %d, want %d; stderr:\n%s", tc.answer, code, tc.want, errw.String())
		}
		ran := strings.Contains(out.String(), "Clean-up")
		if ran != (tc.want == exitOK) {
			t.Errorf("answer %q: write test ran = %v:\n%s", tc.answer, ran, out.String())
		}
	}
}

// Against `userimport sim` in each mode, `probe --write-test --yes`
// reports the mode and leaves no user behind.
func TestProbeSimModes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags []string
		check func(t *testing.T, r probe.Report)
	}{
		{"partial commit", []string{"--partial-commit"}, func(t *testing.T, r probe.Report) {
			if pc := r.WriteTest.PartialCommit; pc == nil || !*pc {
				t.Errorf("partial commit %v", pc)
			}
		}},
		{"unindexed errors", []string{"--unindexed-errors"}, func(t *testing.T, r probe.Report) {
			if r.WriteTest.ErrorKeyForm != probe.KeysUnindexed {
				t.Errorf("key form %q, keys %v", r.WriteTest.ErrorKeyForm, r.WriteTest.ErrorKeys)
			}
		}},
		{"rights probe 404", []string{"--unknown-user-status", "404"}, func(t *testing.T, r probe.Report) {
			if r.Rights.Verdict != probe.RightsUnknown || r.Rights.Answer.Status != 404 || r.WriteTest.UnknownUser.Status != 404 {
				t.Errorf("rights %+v, unknown user %+v", r.Rights, r.WriteTest.UnknownUser)
			}
		}},
		{"rights probe 520", []string{"--unknown-user-status", "520"}, func(t *testing.T, r probe.Report) {
			if r.Rights.Verdict != probe.RightsUnknown || r.Rights.Answer.Status != 520 {
				t.Errorf("rights %+v", r.Rights)
			}
		}},
		{"read token", []string{"--api-token-scope", "read"}, func(t *testing.T, r probe.Report) {
			if r.Credentials != probe.CredToken || r.TokenScope != "read" || r.WriteTest.Skipped == "" {
				t.Errorf("credentials %q, scope %q, write test %+v", r.Credentials, r.TokenScope, r.WriteTest)
			}
		}},
		{"read-write token", []string{"--api-token-scope", "read-write"}, func(t *testing.T, r probe.Report) {
			if r.TokenScope != "read-write+" || r.GuestAPIs.Verdict != probe.GuestsTokenRefused || r.WriteTest.Skipped != "" {
				t.Errorf("scope %q, guests %+v, write test %+v", r.TokenScope, r.GuestAPIs, r.WriteTest)
			}
		}},
		{"Japanese default", []string{"--default-language", "ja"}, func(t *testing.T, r probe.Report) {
			if r.Language.Account != "ja" || r.Language.Anonymous != "ja" {
				t.Errorf("language %+v", r.Language)
			}
		}},
		{"English default", []string{"--default-language", "en"}, func(t *testing.T, r probe.Report) {
			if r.Language.Account != "en" || r.Language.Anonymous != "en" {
				t.Errorf("language %+v", r.Language)
			}
		}},
		{"legacy auth status", []string{"--legacy-auth-status"}, func(t *testing.T, r probe.Report) {
			if r.AuthErrors.Status != 520 {
				t.Errorf("auth errors %+v", r.AuthErrors)
			}
		}},
		{"custom items replaced", []string{"--custom-items", "dept,office", "--custom-items-replace"}, func(t *testing.T, r probe.Report) {
			if r.WriteTest.CustomItems != "replace" {
				t.Errorf("custom items %q", r.WriteTest.CustomItems)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := startSim(t, tc.flags...)
			for _, k := range []string{"KINTONE_BASE_URL", "KINTONE_USERNAME", "KINTONE_PASSWORD", "KINTONE_API_TOKEN", "KINTONE_BASIC_AUTH_USERNAME"} {
				t.Setenv(k, p.env[k])
			}
			out := filepath.Join(t.TempDir(), "probe.json")
			code, stdout, stderr := runCmd(t, t.Context(), "probe", "--write-test", "--yes", "--out", out)
			if code != exitOK {
				t.Fatalf("exit %d; stderr:\n%s", code, stderr)
			}
			for _, secret := range []string{p.env["KINTONE_PASSWORD"], p.env["KINTONE_API_TOKEN"]} {
				data, _ := os.ReadFile(out)
				if secret != "" && (strings.Contains(stdout+stderr, secret) || strings.Contains(string(data), secret)) {
					t.Errorf("a secret was printed")
				}
			}
			tc.check(t, readProbeJSON(t, out))
			noProbeUsers(t, p.env)
		})
	}
}

// noProbeUsers fails if the domain has a user of the write test.
func noProbeUsers(t *testing.T, env map[string]string) {
	t.Helper()
	c, err := kintone.NewClient(env["KINTONE_BASE_URL"], kintone.WithPassword(env["KINTONE_USERNAME"], kintone.Secret(env["KINTONE_PASSWORD"])))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for u, err := range c.AllUsers(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(u.Code, probe.UserPrefix) {
			t.Errorf("user %q left behind", u.Code)
		}
	}
}
