package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/report"
)

// maxCauses is how many causes the summary lists; the report has the rest.
const maxCauses = 5

// printCauses lists the top causes of the rows that did not end well (and
// of the warnings), each with its count, one example row and the fix, then
// the command to run next.
func printCauses(w io.Writer, reportPath string, sum *importer.Summary) {
	if len(sum.Causes) == 0 {
		return
	}
	fmt.Fprintln(w, "top causes:")
	for i, c := range sum.Causes {
		if i == maxCauses {
			fmt.Fprintf(w, "  … and %d more causes: see the report\n", len(sum.Causes)-maxCauses)
			break
		}
		fmt.Fprintf(w, "  %s %s: %s (e.g. row %d: %s)\n", c.Severity, c.Rule, rowCount(c.Count), c.Row, cut(c.Message, 160))
		if fix := fixFor(c.Rule); fix != "" {
			fmt.Fprintf(w, "      fix: %s\n", fix)
		}
	}
}

// errOnlyExample is the error of a file that holds nothing but a
// template's example row, or hidden rows left out by --skip-hidden.
var errOnlyExample = errors.New("the file has no data rows: it holds only the template's example row or hidden rows left out by --skip-hidden, so there is no user to import; write your users in the rows below the example")

// printSource says which sheet was read, when the file is a workbook.
func printSource(w io.Writer, sum *importer.Summary) {
	if sum.Sheet != "" {
		fmt.Fprintf(w, "sheet: %q\n", sum.Sheet)
	}
}

// nextCommand says what to run after an import that did not end well: the
// exact command line, with the file and report filled in.
func nextCommand(file, reportPath string, sum *importer.Summary) string {
	has := func(rule string) bool {
		for _, c := range sum.Causes {
			if c.Rule == rule && c.Severity == report.SeverityError {
				return true
			}
		}
		return false
	}
	switch {
	case has("exists"):
		return fmt.Sprintf("userimport import %s --mode skip-existing   (or --mode upsert to update the existing users)", quoteArg(file))
	case sum.Counts[report.Failed]+sum.Counts[report.NotAttempted]+sum.Counts[report.OutcomeUnknown] > 0 || sum.StepFailures > 0 || sum.Interrupted:
		return fmt.Sprintf("userimport import %s --resume %s", quoteArg(file), quoteArg(reportPath))
	case sum.Counts[report.Invalid] > 0:
		return fmt.Sprintf("fix the invalid rows in %s, then: userimport import %s --resume %s", quoteArg(file), quoteArg(file), quoteArg(reportPath))
	}
	return ""
}

// fixFor is the advice for the rules whose fix is not in their message.
func fixFor(rule string) string {
	switch {
	case rule == "exists":
		return "the user is already there: --mode skip-existing leaves such users alone, --mode upsert updates them"
	case rule == "outcome_unknown":
		return "the server's answer was lost: --resume checks on the server whether the user was created"
	case rule == string(report.NotAttempted):
		return "the run stopped before these rows: --resume sends them"
	case rule == "mapping.column":
		return "rename the column to a known label, or map it with --mapping"
	case strings.HasSuffix(rule, ".required"):
		return "fill in the cell; a new user needs a value (\"*\" means \"leave unchanged\" and only fits an existing user)"
	case strings.HasSuffix(rule, ".normalised"):
		return "nothing to do: the value is sent as the message says; correct the file to silence the warning"
	}
	return ""
}

func rowCount(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}

func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// quoteArg quotes a path for a shell when it needs it.
func quoteArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`;&|<>()*?[]#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
