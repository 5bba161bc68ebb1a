package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/payload"
	"github.com/userimport/userimport/sheet"
)

// simFlags are the flags of `userimport sim`; scripts depend on the names.
type simFlags struct {
	addr          string
	latency       time.Duration
	maxConcurrent int
	rate503       float64
	rate429       float64
	rate520       float64
	rateDrop      float64
	seed          int64
	users         string
	unindexed     bool
	stats         string

	// Modes for what the documents leave open (kintonetest options).
	partialCommit     bool
	unknownUserStatus int
	tokenScope        string
	tokenOnGuestAPIs  bool
	defaultLanguage   string
	legacyAuthStatus  bool
	customItems       []string
	customReplace     bool
	administrators    []string
	guestSpaces       []int
}

func newSimCmd(s *streams) *cobra.Command {
	var f simFlags
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run the Kintone simulator on loopback until interrupted",
		Long: `sim serves an in-memory cybozu.com domain on loopback: the User API endpoints
userimport uses, with Kintone's field rules, error format, concurrency limit and
optional fault injection. It first prints three lines,

  export KINTONE_BASE_URL=...
  export KINTONE_USERNAME=...
  export KINTONE_PASSWORD=...

so that  eval "$(userimport sim --addr 127.0.0.1:0 | head -3)"  works, then
serves until Ctrl-C (or SIGTERM). With --api-token-scope a fourth line
exports KINTONE_API_TOKEN. With --stats FILE it then writes the
requests it saw to FILE as JSON (total, per endpoint, per status, writes,
committed, throttled, injected faults): bench/ counts an import's requests
that way.

The mode flags (--partial-commit, --unknown-user-status, --api-token-scope,
--token-on-guest-apis, --default-language, --legacy-auth-status,
--custom-items, --custom-items-replace, --administrators) make the
simulator behave the way the service may where its documents are silent, so
that a run can be tried against each possibility.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSim(cmd.Context(), s, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "loopback address to listen on (port 0 = any free port)")
	fl.DurationVar(&f.latency, "latency", 0, "latency added to every request, e.g. 50ms")
	fl.IntVar(&f.maxConcurrent, "max-concurrent", 100, "requests in flight before answering 429 GAIA_TO04")
	fl.Float64Var(&f.rate503, "rate-503", 0, "share of write requests answered 503")
	fl.Float64Var(&f.rate429, "rate-429", 0, "share of write requests answered 429")
	fl.Float64Var(&f.rate520, "rate-520", 0, "share of write requests answered 520 GAIA_DA02 (database lock)")
	fl.Float64Var(&f.rateDrop, "rate-drop-after-commit", 0, "share of write requests committed and then answered by a dropped connection")
	fl.Int64Var(&f.seed, "seed", 1, "seed of the fault injection (same seed, same faults)")
	fl.StringVar(&f.users, "users", "", "CSV or XLSX file of users to preload")
	fl.BoolVar(&f.unindexed, "unindexed-errors", false, "report field errors as users.code instead of users[3].code")
	fl.StringVar(&f.stats, "stats", "", "on exit, write the request counters to this file as JSON")
	fl.BoolVar(&f.partialCommit, "partial-commit", false, "a rejected Add Users/Add Guests request commits the rows before the first invalid one, then answers 400")
	fl.IntVar(&f.unknownUserStatus, "unknown-user-status", 400, "status of Update User Services naming an unknown login name: 400, 404 or 520")
	fl.StringVar(&f.tokenScope, "api-token-scope", "", "also accept an API token of this scope (read, read-write, dangerous-zone), printed as a fourth line: export KINTONE_API_TOKEN=...")
	fl.BoolVar(&f.tokenOnGuestAPIs, "token-on-guest-apis", false, "accept the API token on the guest APIs (/k/...) too")
	fl.StringVar(&f.defaultLanguage, "default-language", "ja", "language of the answers when Accept-Language asks for neither en nor ja: ja or en")
	fl.BoolVar(&f.legacyAuthStatus, "legacy-auth-status", false, "answer authentication errors with 520 instead of 401")
	fl.StringSliceVar(&f.customItems, "custom-items", nil, "the domain's custom item codes (default: learned from writes)")
	fl.BoolVar(&f.customReplace, "custom-items-replace", false, "a partial customItemValues list in Update Users replaces the whole list instead of merging")
	fl.StringSliceVar(&f.administrators, "administrators", nil, "preloaded users (--users) that are members of the Administrators group")
	fl.IntSliceVar(&f.guestSpaces, "guest-space", nil, "IDs of guest spaces the domain has (Update Guest Members sets their guests)")
	return cmd
}

func runSim(ctx context.Context, s *streams, f *simFlags) error {
	for name, r := range map[string]float64{"--rate-503": f.rate503, "--rate-429": f.rate429, "--rate-520": f.rate520, "--rate-drop-after-commit": f.rateDrop} {
		if r < 0 || r > 1 {
			return usageErr("%s %v: want a share between 0 and 1", name, r)
		}
	}
	if f.maxConcurrent < 1 {
		return usageErr("--max-concurrent %d: want at least 1", f.maxConcurrent)
	}
	opts := append(demoOptions(),
		kintonetest.WithLatency(f.latency),
		kintonetest.WithMaxConcurrent(f.maxConcurrent),
		kintonetest.WithSeed(f.seed),
		kintonetest.WithFaults(kintonetest.Faults{Rate503: f.rate503, Rate429: f.rate429, Rate520: f.rate520, RateDropAfterCommit: f.rateDrop}),
	)
	if f.unindexed {
		opts = append(opts, kintonetest.WithUnindexedErrors())
	}
	modes, token, err := simModes(f)
	if err != nil {
		return err
	}
	opts = append(opts, modes...)
	if f.users != "" {
		users, err := payload.LoadUsers(f.users, sheet.Options{})
		if err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("--users: %w", err)}
		}
		opts = append(opts, kintonetest.WithUsers(users...))
	}
	srv, err := kintonetest.Listen(f.addr, opts...)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	fmt.Fprintf(s.out, "export KINTONE_BASE_URL=%s\nexport KINTONE_USERNAME=%s\nexport KINTONE_PASSWORD=%s\n", srv.URL, srv.AdminUser, srv.AdminPassword)
	if token != "" {
		fmt.Fprintf(s.out, "export KINTONE_API_TOKEN=%s\n", token)
	}
	fmt.Fprintf(s.err, "simulator serving on %s; Ctrl-C to stop\n", srv.URL)
	<-ctx.Done()
	srv.Close()
	if f.stats != "" {
		if err := writeSimStats(f.stats, srv.Requests()); err != nil {
			return fmt.Errorf("--stats: %w", err)
		}
	}
	return nil
}

// simModes turns the mode flags into options. token is the API token to
// print, "" without --api-token-scope.
func simModes(f *simFlags) (opts []kintonetest.Option, token string, err error) {
	switch f.unknownUserStatus {
	case 400, 404, 520:
		opts = append(opts, kintonetest.WithUnknownUserStatus(f.unknownUserStatus))
	default:
		return nil, "", usageErr("--unknown-user-status %d: want 400, 404 or 520", f.unknownUserStatus)
	}
	switch f.defaultLanguage {
	case "ja", "en":
		opts = append(opts, kintonetest.WithDefaultLanguage(f.defaultLanguage))
	default:
		return nil, "", usageErr("--default-language %q: want ja or en", f.defaultLanguage)
	}
	if f.tokenScope != "" {
		scope, ok := map[string]kintonetest.TokenScope{
			"read": kintonetest.ScopeRead, "read-write": kintonetest.ScopeReadWrite, "dangerous-zone": kintonetest.ScopeDangerousZone,
		}[f.tokenScope]
		if !ok {
			return nil, "", usageErr("--api-token-scope %q: want read, read-write or dangerous-zone", f.tokenScope)
		}
		var b [24]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
		token = "cy.s.api1.sim-" + base64.RawURLEncoding.EncodeToString(b[:])
		opts = append(opts, kintonetest.WithTokenScope(token, scope))
	}
	for _, m := range []struct {
		on  bool
		opt kintonetest.Option
	}{
		{f.partialCommit, kintonetest.WithPartialCommit()},
		{f.tokenOnGuestAPIs, kintonetest.WithTokenOnGuestAPIs()},
		{f.legacyAuthStatus, kintonetest.WithLegacyAuthStatus()},
		{len(f.customItems) > 0, kintonetest.WithCustomItems(f.customItems...)},
		{f.customReplace, kintonetest.WithCustomItemsReplace()},
		{len(f.administrators) > 0, kintonetest.WithAdministrators(f.administrators...)},
	} {
		if m.on {
			opts = append(opts, m.opt)
		}
	}
	for _, id := range f.guestSpaces {
		if id < 1 {
			return nil, "", usageErr("--guest-space %d: want a positive space ID", id)
		}
		opts = append(opts, kintonetest.WithGuestSpace(id))
	}
	return opts, token, nil
}

// writeSimStats writes st as JSON to path, through a temporary file so that
// a reader never sees half of it.
func writeSimStats(path string, st kintonetest.Stats) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// demoOptions seed a simulator with what a newcomer's first run needs: the
// departments and titles the sample files use and a few existing users.
func demoOptions() []kintonetest.Option {
	orgs := []kintone.Organization{
		{Code: "sales", Name: "Sales"},
		{Code: "hr", Name: "Human Resources"},
		{Code: "dev", Name: "Development"},
		{Code: "support", Name: "Support"},
		{Code: "finance", Name: "Finance"},
		{Code: "marketing", Name: "Marketing"},
	}
	titles := []kintone.Title{{Code: "manager", Name: "Manager"}, {Code: "leader", Name: "Team Leader"}}
	return []kintonetest.Option{
		kintonetest.WithDepartments(orgs, titles),
		kintonetest.WithUsers(
			kintone.UserInput{Code: "existing.user", Name: ptr("Existing User"), Password: ptr(kintone.Secret("Existing-Pass-1")), Email: ptr("existing.user@example.com"), EmployeeNumber: ptr("E0001")},
		),
		kintonetest.WithServices("existing.user", "kintone"),
	}
}

func ptr[T any](v T) *T { return &v }
