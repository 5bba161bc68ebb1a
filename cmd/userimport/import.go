package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/recovery"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// importFlags are the flags of `userimport import`. Their names are a
// contract (scripts call them).
type importFlags struct {
	inputFlags
	mode        string
	matchOn     string
	services    []string
	concurrency int
	rate        float64
	resume      string
	dryRun      bool
	sim         bool
	timeout     time.Duration
	life        lifeFlags
}

func newImportCmd(s *streams) *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Create or update the users (or guests) of FILE in Kintone, with a per-row report",
		Long: `import reads FILE (CSV, TSV or XLSX), validates every row, and sends the valid
rows to the cybozu.com User API in requests of at most 100 users, --concurrency
at a time and at most --rate requests per second. New users then get their
services (the services column, else --services). Every input row gets exactly
one line in the report.

Credentials come from KINTONE_BASE_URL, KINTONE_USERNAME and KINTONE_PASSWORD
(or KINTONE_API_TOKEN), plus KINTONE_BASIC_AUTH_USERNAME/PASSWORD if the domain
uses Basic authentication. --sim runs against an embedded simulator instead.

Ctrl-C stops sending, lets requests in flight finish, reports the remaining rows
as not_attempted and exits 130; run again with --resume REPORT to finish.

` + exitCodesHelp,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(cmd.Context(), s, &f, args[0])
		},
	}
	f.register(cmd)
	f.life.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.mode, "mode", "create", "what to do with users that exist: create (report them failed), upsert, skip-existing")
	fl.StringVar(&f.matchOn, "match-on", "code", "field that identifies an existing user: code, employeeNumber or email")
	fl.StringSliceVar(&f.services, "services", []string{"kintone"}, "services for new users whose row has no services value (kintone,garoon,office,mailwise,secure_access)")
	fl.IntVar(&f.concurrency, "concurrency", 4, "requests in flight (1-100; the domain allows 100 in all)")
	fl.Float64Var(&f.rate, "rate", 0, "maximum requests per second (0 = no limit)")
	fl.StringVar(&f.resume, "resume", "", "previous report of the same file: run only the rows that did not end well")
	fl.BoolVar(&f.dryRun, "dry-run", false, "check everything against the server but write nothing")
	fl.BoolVar(&f.sim, "sim", false, "import into an embedded Kintone simulator (no domain needed)")
	fl.DurationVar(&f.timeout, "timeout", 60*time.Second, "timeout of one HTTP request")
	return cmd
}

func runImport(ctx context.Context, s *streams, f *importFlags, file string) error {
	opts, err := f.importOptions(file)
	if err != nil {
		return err
	}
	opts.Log = s.err
	if err := guestsNeedPassword(f.sim, opts.Kind); err != nil {
		return err
	}
	api, closeSim, err := connect(s, f.sim, f.timeout)
	if err != nil {
		return err
	}
	defer closeSim()

	suffix := "import"
	if f.dryRun {
		suffix = "dry-run"
	}
	path := f.reportPath(file, suffix, time.Now())
	if err := f.checkReport(path, file); err != nil {
		return err
	}
	if err := f.life.apply(&opts, path); err != nil {
		return err
	}
	if f.resume != "" && sameFile(path, f.resume) {
		return usageErr("--report %s is the report being resumed; choose another --report", path)
	}
	ann, err := f.annotation(path, false)
	if err != nil {
		return err
	}
	w, err := openReport(path)
	if err != nil {
		return err
	}
	opts.Report = ann.tee(w)
	opts.SendLog = recovery.LogPath(path)
	events, done := progressBar(s, "importing")
	opts.Events = events
	sum, err := importer.Import(ctx, api, opts)
	done()
	err = closeReport(w, path, err, sum != nil)
	if err == nil && sum.Settled {
		// Only now, with every line safely in the report, may the
		// evidence go.
		err = recovery.Discard(opts.SendLog)
		if err == nil {
			err = importer.DiscardJournal(opts.Lifecycle.Journal)
		}
	}
	if aerr := ann.finish(s, opts.Lang, file, sum); aerr != nil && err == nil {
		err = fmt.Errorf("annotated copy: %w", aerr)
	}
	if sum != nil {
		fmt.Fprintln(s.err, importLine(opts.Lang, sum))
		fmt.Fprintln(s.err, opts.Lang.Sprintf("summary.report", path))
		printLifecycle(s, sum)
		printSource(s.err, opts.Lang, sum)
		printCauses(s.err, opts.Lang, sum)
	}
	return importExit(s, opts.Lang, file, path, sum, err)
}

// importOptions turns the flags of import into importer options, checking
// them before anything is created or sent.
func (f *importFlags) importOptions(file string) (importer.Options, error) {
	opts, err := f.options(file)
	if err != nil {
		return opts, err
	}
	if opts.Mode, err = importer.ParseMode(f.mode); err != nil {
		return opts, usageErr("--mode: %v", err)
	}
	if opts.MatchOn, err = importer.ParseMatchOn(f.matchOn); err != nil {
		return opts, usageErr("%v", err)
	}
	if err := checkConcurrency(f.concurrency); err != nil {
		return opts, err
	}
	opts.Services = validate.ParseServices(strings.Join(f.services, ";"))
	for _, svc := range opts.Services {
		if !validate.KnownService(svc) {
			return opts, usageErr("--services: unknown service %q; use kintone, garoon, office, mailwise or secure_access", svc)
		}
	}
	opts.Concurrency, opts.Rate = f.concurrency, f.rate
	opts.Resume, opts.DryRun = f.resume, f.dryRun
	if err := opts.Prepare(); err != nil {
		return opts, &exitError{code: exitUsage, err: err}
	}
	return opts, nil
}

// closeReport closes the report after a run that ended with err. When the
// run wrote no row at all (the input could not be read), the report is
// removed: an empty report next to an unreadable file only misleads.
func closeReport(w report.Writer, path string, err error, ran bool) error {
	cerr := w.Close()
	if !ran && path != report.Stdout {
		os.Remove(path)
		return err
	}
	if err == nil && cerr != nil {
		return fmt.Errorf("writing the report: %w", cerr)
	}
	return err
}

// importExit prints what to do next and returns the exit status of an
// import.
func importExit(s *streams, l i18n.Lang, file, path string, sum *importer.Summary, err error) error {
	var fatal *importer.FatalError
	switch {
	case errors.As(err, &fatal):
		return &exitError{code: exitAuth, err: err}
	case err != nil:
		return &exitError{code: exitUsage, err: err}
	case sum.NoDataRows:
		return &exitError{code: exitUsage, err: errOnlyExample}
	case sum.Interrupted:
		fmt.Fprintln(s.err, l.Sprintf("interrupted.import", fmt.Sprintf("userimport import %s --resume %s", quoteArg(file), quoteArg(path))))
		return &exitError{code: exitInterrupted}
	case !sum.OK():
		if next := nextCommand(l, file, path, sum); next != "" {
			fmt.Fprintln(s.err, l.Sprintf("next.import", next))
		}
		return &exitError{code: exitRows}
	}
	return nil
}

func sameFile(a, b string) bool {
	x, err1 := os.Stat(a)
	y, err2 := os.Stat(b)
	if err1 == nil && err2 == nil {
		return os.SameFile(x, y)
	}
	return filepath.Clean(a) == filepath.Clean(b)
}

// client is the API client of a command, with the server's clock that the
// import's send log records (importer.Options.ServerTime).
type client struct {
	*kintone.Client
	*recovery.ServerClock
}

// connect returns the client a command talks to: the embedded demo
// simulator for --sim (closed by the returned func), else the domain named
// by the KINTONE_* variables.
func connect(s *streams, sim bool, timeout time.Duration) (*client, func(), error) {
	if !sim {
		c, err := clientFromEnv(timeout)
		if err != nil {
			return nil, nil, &exitError{code: exitUsage, err: err}
		}
		return c, func() {}, nil
	}
	srv := demoServer()
	fmt.Fprintf(s.err, "simulator: %s (embedded; its users vanish when this command ends)\n", srv.URL)
	clock := new(recovery.ServerClock)
	c, err := kintone.NewClient(srv.URL, kintone.WithPassword(srv.AdminUser, kintone.Secret(srv.AdminPassword)),
		kintone.WithHTTPClient(&http.Client{Transport: clock.Transport(nil)}))
	if err != nil {
		srv.Close()
		return nil, nil, &exitError{code: exitUsage, err: err}
	}
	return &client{c, clock}, srv.Close, nil
}

// checkConcurrency checks a --concurrency value: more than the domain's
// cap of requests in flight can only earn 429s.
func checkConcurrency(n int) error {
	if n < 1 || n > importer.MaxConcurrency {
		return usageErr("--concurrency %d: want 1..%d (Kintone refuses more than %d requests in flight per domain)", n, importer.MaxConcurrency, importer.MaxConcurrency)
	}
	return nil
}

// guestsNeedPassword refuses a guest import with an API token: the guest
// APIs are kintone REST APIs, whose pages list password login only, so
// every request would be refused after the run had started. With a
// password set too the token would still be the one used (clientFromEnv).
func guestsNeedPassword(sim bool, kind validate.Kind) error {
	if sim || kind != validate.Guests || os.Getenv("KINTONE_API_TOKEN") == "" {
		return nil
	}
	if os.Getenv("KINTONE_USERNAME") == "" || os.Getenv("KINTONE_PASSWORD") == "" {
		return usageErr("importing guests needs a password login: the guest APIs do not accept an API token; set KINTONE_USERNAME and KINTONE_PASSWORD (a cybozu.com administrator) and unset KINTONE_API_TOKEN")
	}
	return usageErr("importing guests needs a password login: the guest APIs do not accept an API token, which is used when KINTONE_API_TOKEN is set; unset KINTONE_API_TOKEN to log in with KINTONE_USERNAME and KINTONE_PASSWORD")
}

// clientFromEnv builds the API client from the KINTONE_* variables. Secrets
// are read from the environment only, never from flags, so they do not end
// up in shell history or `ps` output.
func clientFromEnv(timeout time.Duration) (*client, error) {
	base := os.Getenv("KINTONE_BASE_URL")
	if base == "" {
		return nil, errors.New("KINTONE_BASE_URL is not set (e.g. https://example.cybozu.com); or use --sim to try the embedded simulator")
	}
	clock := new(recovery.ServerClock)
	opts := []kintone.Option{
		kintone.WithHTTPClient(&http.Client{Timeout: timeout, Transport: clock.Transport(nil)}),
		kintone.WithUserAgent("userimport"),
	}
	token := os.Getenv("KINTONE_API_TOKEN")
	user, pass := os.Getenv("KINTONE_USERNAME"), os.Getenv("KINTONE_PASSWORD")
	switch {
	case token != "":
		opts = append(opts, kintone.WithAPIToken(kintone.Secret(token)))
	case user != "" && pass != "":
		opts = append(opts, kintone.WithPassword(user, kintone.Secret(pass)))
	default:
		return nil, errors.New("set KINTONE_USERNAME and KINTONE_PASSWORD (a cybozu.com administrator), or KINTONE_API_TOKEN")
	}
	if bu := os.Getenv("KINTONE_BASIC_AUTH_USERNAME"); bu != "" {
		opts = append(opts, kintone.WithBasicAuth(bu, kintone.Secret(os.Getenv("KINTONE_BASIC_AUTH_PASSWORD"))))
	}
	c, err := kintone.NewClient(strings.TrimSpace(base), opts...)
	if err != nil {
		return nil, err
	}
	return &client{c, clock}, nil
}

// demoServer is the embedded simulator of --sim: a domain that already has
// an Administrator, a couple of users and the departments the samples use,
// so that a first run shows real outcomes.
func demoServer() *kintonetest.Server {
	return kintonetest.NewServer(demoOptions()...)
}
