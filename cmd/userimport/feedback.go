package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/report"
)

// maxCauses is how many causes the summary lists; the report has the rest.
const maxCauses = 5

// printCauses lists, in l, the top causes of the rows that did not end
// well (and of the warnings), each with its count, one example row and the
// fix. Severities and rule ids stay as the report writes them.
func printCauses(w io.Writer, l i18n.Lang, sum *importer.Summary) {
	if len(sum.Causes) == 0 {
		return
	}
	fmt.Fprintln(w, l.Sprintf("causes.top"))
	for i, c := range sum.Causes {
		if i == maxCauses {
			fmt.Fprintln(w, l.Sprintf("causes.more", len(sum.Causes)-maxCauses))
			break
		}
		sev := string(c.Severity)
		if k := i18n.Key("severity." + sev); i18n.Has(k) {
			sev = l.Sprintf(k)
		}
		fmt.Fprintln(w, l.Sprintf("causes.line", sev, c.Rule, l.Sprintf("causes.rows", c.Count), strconv.Itoa(c.Row), cut(c.Message, 160)))
		if fix := fixFor(c.Rule); fix != "" {
			fmt.Fprintln(w, l.Sprintf("causes.fix", i18n.M(fix)))
		}
	}
}

// errOnlyExample is the error of a file that holds nothing but a
// template's example row, or hidden rows left out by --skip-hidden.
var errOnlyExample = errors.New("the file has no data rows: it holds only the template's example row or hidden rows left out by --skip-hidden, so there is no user to import; write your users in the rows below the example")

// printSource says, in l, which sheet was read, when the file is a
// workbook.
func printSource(w io.Writer, l i18n.Lang, sum *importer.Summary) {
	if sum.Sheet != "" {
		fmt.Fprintln(w, l.Sprintf("summary.sheet", sum.Sheet))
	}
}

// nextCommand says, in l, what to run after an import that did not end
// well: the exact command line, with the file and report filled in.
func nextCommand(l i18n.Lang, file, reportPath string, sum *importer.Summary) string {
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
		return l.Sprintf("next.existing", "userimport import "+quoteArg(file)+" --mode skip-existing")
	case sum.Counts[report.Failed]+sum.Counts[report.NotAttempted]+sum.Counts[report.OutcomeUnknown] > 0 || sum.StepFailures > 0 || sum.Interrupted:
		return fmt.Sprintf("userimport import %s --resume %s", quoteArg(file), quoteArg(reportPath))
	case sum.Counts[report.Invalid] > 0:
		return l.Sprintf("next.fix_then", quoteArg(file), fmt.Sprintf("userimport import %s --resume %s", quoteArg(file), quoteArg(reportPath)))
	}
	return ""
}

// fixFor is the catalog key of the advice for the rules whose fix is not
// in their message, or "" for the others.
func fixFor(rule string) i18n.Key {
	switch {
	case rule == "exists":
		return "fix.exists"
	case rule == "outcome_unknown":
		return "fix.outcome_unknown"
	case rule == string(report.NotAttempted):
		return "fix.not_attempted"
	case rule == "mapping.column":
		return "fix.mapping_column"
	case strings.HasSuffix(rule, ".required"):
		return "fix.required"
	case strings.HasSuffix(rule, ".normalised"):
		return "fix.normalised"
	}
	return ""
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
