package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/userimport/userimport/importer"
)

// Exit codes. They are a contract: scripts branch on them.
const (
	exitOK          = 0   // every row ended well
	exitRows        = 1   // some row was invalid or failed
	exitUsage       = 2   // usage, unreadable file, bad configuration
	exitAuth        = 3   // authentication or permission refused
	exitInterrupted = 130 // interrupted (Ctrl-C)
)

const exitCodesHelp = `Exit codes:
  0    every row ended well
  1    some row was invalid or failed (see the report)
  2    usage error, unreadable file or bad configuration
  3    authentication or permission refused by the server
  130  interrupted (Ctrl-C); remaining rows are reported not_attempted`

// exitError carries an exit code through cobra's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

// streams are the process's standard streams, injectable for tests.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

func newRootCmd(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "userimport",
		Short: "Bulk-import users and guests into Kintone (cybozu.com) from CSV and Excel files",
		Long: `userimport reads a CSV, TSV or Excel file of users (or guests), checks every row
against the cybozu.com User API's rules, and creates or updates the users in
100-user requests, sent concurrently and rate-limited, with a report line for
every input row. New users also get their services (kintone by default).

Credentials come from the environment, the names cli-kintone uses:
  KINTONE_BASE_URL                 https://example.cybozu.com
  KINTONE_USERNAME, KINTONE_PASSWORD  a cybozu.com administrator
  KINTONE_API_TOKEN                a cybozu.com API token (instead of a password)
  KINTONE_BASIC_AUTH_USERNAME, KINTONE_BASIC_AUTH_PASSWORD  the domain's Basic auth, if any

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.AddCommand(newValidateCmd(s), newImportCmd(s), newExportCmd(s), newTemplateCmd(s), newSimCmd(s))
	root.AddCommand(newProbeCmd(s))
	root.AddCommand(newServeCmd(s))
	return root
}

// run executes the command line and returns the process exit code.
func run(ctx context.Context, args []string, in io.Reader, out, errw io.Writer) int {
	s := &streams{in: in, out: out, err: errw}
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(errw, "userimport:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(errw, "userimport:", err)
	var fe *importer.FatalError
	if errors.As(err, &fe) {
		return exitAuth
	}
	return exitUsage
}
