package main

import (
	"strings"

	"github.com/userimport/userimport/i18n"
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

// warnedText is the part of the summary line that counts the rows with
// warnings, or "" when there are none.
func warnedText(l i18n.Lang, n int) string {
	if n == 0 {
		return ""
	}
	return l.Sprintf("summary.warned", n)
}
