package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/userimport/userimport/importer"
)

func newValidateCmd(s *streams) *cobra.Command {
	var f inputFlags
	cmd := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check every row of a file offline and write a per-row report (a dry run that needs no server)",
		Long: `validate reads FILE (CSV, TSV or XLSX), maps its columns, checks every row
against the documented field rules, and writes a report with one line per input
row (status valid or invalid). Nothing is sent anywhere.

Exit codes: 0 every row is valid, 1 some row is invalid, 2 the file cannot be read,
130 interrupted (Ctrl-C; the report covers the rows read before it).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runValidate(cmd, s, &f, args[0])
		},
	}
	f.register(cmd)
	return cmd
}

func runValidate(cmd *cobra.Command, s *streams, f *inputFlags, file string) error {
	opts, err := f.options(file)
	if err != nil {
		return err
	}
	path := f.reportPath(file, "", time.Now())
	if err := f.checkReport(path, file); err != nil {
		return err
	}
	ann, err := f.annotation(path, true)
	if err != nil {
		return err
	}
	w, err := openReport(path)
	if err != nil {
		return err
	}
	opts.Report = ann.tee(w)
	opts.Log = s.err
	events, done := progressBar(s, "validating")
	opts.Events = events
	sum, err := importer.Validate(cmd.Context(), opts)
	done()
	if err = closeReport(w, path, err, sum != nil); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if err := ann.finish(s, opts.Lang, file, sum); err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("annotated copy: %w", err)}
	}
	l := opts.Lang
	fmt.Fprintln(s.err, l.Sprintf("summary.validate", countsLine(l, sum.Summary), warnedText(l, sum.Warned), sum.Encoding, path))
	printSource(s.err, l, sum)
	printCauses(s.err, l, sum)
	if sum.NoDataRows {
		return &exitError{code: exitUsage, err: errOnlyExample}
	}
	if sum.Interrupted {
		fmt.Fprintln(s.err, l.Sprintf("interrupted.validate"))
		return &exitError{code: exitInterrupted}
	}
	if !sum.OK() {
		fmt.Fprintln(s.err, l.Sprintf("next.validate", "userimport validate "+quoteArg(file)))
		return &exitError{code: exitRows}
	}
	return nil
}
