package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/userimport/userimport/export"
)

func newTemplateCmd(s *streams) *cobra.Command {
	var kind, lang string
	cmd := &cobra.Command{
		Use:   "template FILE",
		Short: "Write an empty import file (.xlsx or .csv) with every column and an example row",
		Long: `template writes FILE with a header row of every field for --kind and one
example row to replace. Its column names are the ones import reads, so a filled
in template validates without warnings about unknown columns.

An .xlsx template also marks the required columns in red, explains each
column's rules in a note on its header, offers drop-down lists for valid,
locale, localNameLocale and timezone, and formats the date columns as dates and
the others as text (so "00123" stays as typed). A .csv template is UTF-8 with a
BOM, so Excel opens it correctly.

--lang ja writes the headers of cybozu.com's own users file in Japanese
(ログイン名, 表示名, パスワード, ...), marks the required columns with ※ and
explains them on a second sheet, 記入方法; without --lang the locale decides
(LANG=ja_JP.UTF-8 is Japanese). Both read back into import with no mapping
file; the example row is never imported.

Exit codes: 0 written, 2 usage error or the file cannot be written.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			k, err := parseKind(kind)
			if err != nil {
				return err
			}
			l, err := resolveLang(lang)
			if err != nil {
				return err
			}
			if err := export.WriteTemplate(args[0], k, export.TemplateOptions{Lang: l}); err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			fmt.Fprintf(s.err, "wrote a %s template to %s\n", k, args[0])
			return nil
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "users", "what the file will hold: users or guests")
	cmd.Flags().StringVar(&lang, "lang", "", "language of the headers and notes: ja or en (default: from LANG)")
	return cmd
}
