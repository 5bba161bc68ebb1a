package main

import (
	"strings"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/report"
)

// countsLine is the count of each status in l: the statuses stay as the
// report writes them (scripts grep for them), the rest is translated.
func countsLine(l i18n.Lang, s report.Summary) string {
	if s.Rows == 0 {
		return l.Sprintf("summary.no_rows")
	}
	counts, _, _ := strings.Cut(s.String(), " (of ")
	return counts + " " + l.Sprintf("summary.of_rows", s.Rows)
}
