package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/report"
)

// countsLine is the count of each status in l. In English the statuses
// read as the report writes them (scripts grep for them); in Japanese
// each is named by its label, in the same order.
func countsLine(l i18n.Lang, s report.Summary) string {
	if s.Rows == 0 {
		return l.Sprintf("summary.no_rows")
	}
	var b strings.Builder
	s.Each(func(st report.Status, n int) {
		if b.Len() > 0 {
			b.WriteString(l.Sprintf("summary.sep"))
		}
		label := string(st)
		if k := i18n.Key("label." + st); i18n.Has(k) {
			label = l.Sprintf(k)
		}
		b.WriteString(l.Sprintf("summary.count", label, l.Printer().Sprintf("%d", n)))
	})
	return l.Sprintf("summary.counts", b.String(), l.Sprintf("summary.of_rows", s.Rows))
}

// importLine is the summary line of an import in l: the counts, the rows
// with warnings, whether the account's rights were checked, and the
// requests sent in how long.
func importLine(l i18n.Lang, sum *importer.Summary) string {
	var b strings.Builder
	b.WriteString(countsLine(l, sum.Summary))
	b.WriteString(warnedText(l, sum.Warned))
	for _, f := range sum.FileFindings {
		if f.Rule == importer.RuleRightsUnknown {
			b.WriteString(l.Sprintf("summary.rights_unknown"))
		}
	}
	b.WriteString(l.Sprintf("summary.requests", strconv.FormatInt(sum.Requests, 10), sum.Elapsed.Round(time.Millisecond).String()))
	return b.String()
}

// warnedText is the part of the summary line that counts the rows with
// warnings, or "" when there are none.
func warnedText(l i18n.Lang, n int) string {
	if n == 0 {
		return ""
	}
	return l.Sprintf("summary.warned", n)
}
