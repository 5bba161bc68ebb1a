package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/probe"
)

// probeFlags are the flags of `userimport probe`; scripts depend on the
// names.
type probeFlags struct {
	sim       bool
	writeTest bool
	yes       bool
	out       string
	timeout   time.Duration
}

func newProbeCmd(s *streams) *cobra.Command {
	var f probeFlags
	cmd := &cobra.Command{
		Use:   "probe",
		Short: "Measure how a Kintone domain answers, before a first import",
		Long: `probe checks the domain named by the KINTONE_* variables the way an import
will use it, and prints what it observed: the login, the status of
authentication errors, administrator rights, the API token's scope, whether
the guest APIs accept the credentials, the number of users, the custom items,
the services in use, the language of the answers, and the response times.
It changes nothing: its only writes name a login name or a guest that cannot
exist, which the server refuses after checking the caller's rights.

--write-test also creates throwaway users (userimport-probe-<random>-1 and -2,
in one request whose second user is invalid) to see how a rejected request is
reported and whether its valid user was created, then deletes every user it
created and checks they are gone. It asks for confirmation unless --yes.

--out FILE writes the observations as JSON, free of any credential, for an
administrator to share.

Exit codes:
  0    the probe ran (whatever it observed)
  1    the write test's clean-up left users behind (their names are printed)
  2    usage error or bad configuration
  3    the server refused the login`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runProbe(cmd.Context(), s, &f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.sim, "sim", false, "probe an embedded Kintone simulator (no domain needed)")
	fl.BoolVar(&f.writeTest, "write-test", false, "also create and delete throwaway users to observe how writes are answered")
	fl.BoolVar(&f.yes, "yes", false, "run the write test without asking")
	fl.StringVar(&f.out, "out", "", "write the observations to this file as JSON")
	fl.DurationVar(&f.timeout, "timeout", 60*time.Second, "timeout of one HTTP request")
	return cmd
}

func runProbe(ctx context.Context, s *streams, f *probeFlags) error {
	if f.writeTest && !f.yes && !stdinIsTerminal(s.in) {
		return usageErr("--write-test creates and deletes users: confirm with --yes when the standard input is not a terminal")
	}
	client, closeSim, err := connect(s, f.sim, f.timeout)
	if err != nil {
		return err
	}
	defer closeSim()
	anon, err := anonymousClient(client.BaseURL(), f.sim, f.timeout)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if f.writeTest && !f.yes && !confirm(s, client.BaseURL()) {
		return usageErr("the write test was not confirmed; nothing was done")
	}
	opts := probe.Options{Anonymous: anon, Credentials: probe.CredPassword, WriteTest: f.writeTest, Log: s.err}
	if !f.sim {
		if os.Getenv("KINTONE_API_TOKEN") != "" {
			opts.Credentials = probe.CredToken
		}
		opts.BasicAuth = os.Getenv("KINTONE_BASIC_AUTH_USERNAME") != ""
	}
	rep, err := probe.Run(ctx, client, opts)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if err := rep.WriteTable(s.out); err != nil {
		return err
	}
	if f.out != "" {
		if err := writeProbeJSON(f.out, rep); err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("--out: %w", err)}
		}
		fmt.Fprintf(s.err, "observations written to %s\n", f.out)
	}
	switch {
	case rep.WriteTest != nil && !rep.WriteTest.Cleanup.OK:
		return &exitError{code: exitRows, err: fmt.Errorf("the write test left users behind; delete them by hand: %s", strings.Join(rep.WriteTest.Cleanup.Remaining, ", "))}
	case rep.Rights.Verdict == probe.RightsLoginRefused, !rep.Login.OK && rep.Login.HTML:
		return &exitError{code: exitAuth, err: fmt.Errorf("the server refused the login")}
	case !rep.Login.OK:
		return &exitError{code: exitUsage, err: fmt.Errorf("cannot reach the User API at %s", rep.URL)}
	}
	return nil
}

// stdinIsTerminal reports whether r is a terminal, where a person can answer.
// A variable so that tests can stand in for a person.
var stdinIsTerminal = func(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// confirm asks on the standard streams before the write test.
func confirm(s *streams, url string) bool {
	fmt.Fprintf(s.err, "The write test creates users named userimport-probe-<random>-1 and -2 on %s and deletes them again.\nContinue? [y/N] ", url)
	line, _ := bufio.NewReader(s.in).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}

// anonymousClient reaches the domain at base without credentials, with the
// domain's Basic authentication if the environment has it, to see how the
// domain answers an authentication error.
func anonymousClient(base string, sim bool, timeout time.Duration) (*kintone.Client, error) {
	opts := []kintone.Option{kintone.WithHTTPClient(&http.Client{Timeout: timeout}), kintone.WithUserAgent("userimport")}
	if bu := os.Getenv("KINTONE_BASIC_AUTH_USERNAME"); bu != "" && !sim {
		opts = append(opts, kintone.WithBasicAuth(bu, kintone.Secret(os.Getenv("KINTONE_BASIC_AUTH_PASSWORD"))))
	}
	return kintone.NewClient(base, opts...)
}

// writeProbeJSON writes rep to path through a temporary file, so that a
// reader never sees half of it.
func writeProbeJSON(path string, rep *probe.Report) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := rep.WriteJSON(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
