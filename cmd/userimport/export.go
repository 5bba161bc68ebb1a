package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/userimport/userimport/export"
	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/validate"
)

// exportFlags are the flags of `userimport export`; scripts depend on the
// names.
type exportFlags struct {
	kind        string
	concurrency int
	rate        float64
	sim         bool
	timeout     time.Duration
	lang        string
	layout      string
	encoding    string
	noHeader    bool
}

func newExportCmd(s *streams) *cobra.Command {
	var f exportFlags
	cmd := &cobra.Command{
		Use:   "export FILE",
		Short: "Write every user of the domain to FILE (.csv or .xlsx) in the format import reads",
		Long: `export writes every user of the domain, with their services, departments
(organizations column, primary first) and custom items, to FILE (.csv or .xlsx,
by extension), with the columns import reads and no password column. Edit the
file and import it again with --mode upsert: untouched rows are reported
unchanged and cost no write.

Users are read 100 at a time and written as they arrive. Departments are read
with one request per user (the API has no batch call), --concurrency at a time.
Cells that a spreadsheet would run as a formula are escaped in CSV files; XLSX
cells are plain text. Prefer .xlsx for editing in Excel: opened from CSV, Excel
turns "00123" into 123 and dates into its own format.

Guests cannot be exported: the API has no way to list them.

--lang ja writes the headers in Japanese (cybozu.com's own labels); import
reads them back with no mapping file. --layout cybozu writes the users file
of cybozu.com's own "Import from File" screen (25 fixed columns, custom
items after 削除, the password column "*" = unchanged), --encoding shift_jis
for that screen's default, --no-header without the header row.

Credentials come from the same KINTONE_* variables as import; --sim exports
the embedded simulator's demo users.

Exit codes: 0 done, 2 usage or configuration error, 3 authentication or
permission refused, 130 interrupted (no file is written).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExport(cmd.Context(), s, &f, args[0])
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.kind, "kind", "users", "what to export: users (guests cannot be listed by the API)")
	fl.IntVar(&f.concurrency, "concurrency", 4, "requests in flight (1-100; the domain allows 100 in all)")
	fl.Float64Var(&f.rate, "rate", 0, "maximum requests per second (0 = no limit)")
	fl.BoolVar(&f.sim, "sim", false, "export from an embedded Kintone simulator (no domain needed)")
	fl.DurationVar(&f.timeout, "timeout", 60*time.Second, "timeout of one HTTP request")
	fl.StringVar(&f.lang, "lang", "", "language of the headers: ja or en (default: from LANG)")
	fl.StringVar(&f.layout, "layout", "", "cybozu: the users file of cybozu.com's own import screen (.csv)")
	fl.StringVar(&f.encoding, "encoding", "", "encoding of a --layout cybozu file: utf-8 (default) or shift_jis")
	fl.BoolVar(&f.noHeader, "no-header", false, "leave out the header row of a --layout cybozu file")
	return cmd
}

func runExport(ctx context.Context, s *streams, f *exportFlags, file string) error {
	kind, err := parseKind(f.kind)
	if err != nil {
		return err
	}
	if kind == validate.Guests {
		return &exitError{code: exitUsage, err: export.ErrGuestsNotListable}
	}
	if err := checkConcurrency(f.concurrency); err != nil {
		return err
	}
	if f.rate < 0 {
		return usageErr("--rate %v: must not be negative", f.rate)
	}
	lang, err := resolveLang(f.lang)
	if err != nil {
		return err
	}
	layout, err := mapping.ParseLayout(f.layout)
	if err != nil {
		return usageErr("--layout: %v", err)
	}
	client, closeSim, err := connect(s, f.sim, f.timeout)
	if err != nil {
		return err
	}
	defer closeSim()
	tick, done := progress(s, "exporting")
	n, err := export.Users(ctx, client.Client, file, export.Options{
		Kind:        kind,
		Concurrency: f.concurrency,
		Rate:        f.rate,
		Progress:    tick,
		Log:         s.err,
		Lang:        lang,
		Layout:      layout,
		Encoding:    f.encoding,
		NoHeader:    f.noHeader,
	})
	done()
	var fatal *importer.FatalError
	switch {
	case ctx.Err() != nil:
		fmt.Fprintln(s.err, "interrupted: no file was written")
		return &exitError{code: exitInterrupted}
	case errors.As(err, &fatal):
		return &exitError{code: exitAuth, err: err}
	case err != nil:
		return &exitError{code: exitUsage, err: err}
	}
	fmt.Fprintf(s.err, "exported %d users to %s\n", n, file)
	return nil
}

// parseKind reads a --kind value, with the spellings import accepts.
func parseKind(s string) (validate.Kind, error) {
	switch strings.ToLower(s) {
	case "users", "user":
		return validate.Users, nil
	case "guests", "guest":
		return validate.Guests, nil
	}
	return 0, usageErr("--kind %q: want users or guests", s)
}
