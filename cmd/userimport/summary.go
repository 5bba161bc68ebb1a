package main

import (
	"fmt"
	"strings"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/importer"
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

// inputLine says what was read: the encoding, and the sheet when it is
// not the one a spreadsheet opens on.
func inputLine(sum *importer.Summary) string {
	if sum.SheetChosen {
		return fmt.Sprintf("read sheet %q (the first sheet has no header row with known column names)", sum.Sheet)
	}
	return ""
}
