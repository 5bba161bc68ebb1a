package annotate

import (
	"errors"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/report"
)

// cellNote is what one cell gets: a fill for the worst severity of its
// findings and a note with their messages.
type cellNote struct {
	sheet    string // "" for the sheet that was read
	col, row int    // 1-based
	sev      report.Severity
	text     string
}

// rowNote is what one report row puts into the copy.
type rowNote struct {
	row     int
	status  report.Status
	sev     report.Severity // worst severity of the row's findings
	message string          // for the message column
	cells   []cellNote
}

// noteOf gathers a report row's findings by cell. A finding without a
// cell, or with a cell that cannot be read, goes into the message column
// only; every finding goes there, each after its cell reference, so the
// column alone tells the whole story (a filter on it, a printout).
func noteOf(r *report.Row, dataSheet string) rowNote {
	n := rowNote{row: r.Row, status: r.Status}
	var lines []string
	for _, f := range r.Findings {
		n.sev = worse(n.sev, f.Severity)
		sh, col, row, err := parseRef(f.Cell)
		if err == nil && sh == dataSheet {
			sh = "" // the sheet the row is on goes without saying
		}
		switch {
		case f.Cell == "":
			lines = append(lines, f.Message)
		case err == nil && sh == "":
			ref, _ := excelize.CoordinatesToCellName(col, row)
			lines = append(lines, ref+": "+f.Message)
		default:
			lines = append(lines, f.Cell+": "+f.Message)
		}
		if err == nil {
			n.addCell(sh, col, row, f.Severity, f.Message)
		}
	}
	// A row read back from a CSV report has no findings, and a failure of
	// the server is only in Message: what the findings do not say yet is
	// added.
	all := strings.Join(lines, "\n")
	for _, s := range []string{r.Message, r.Warnings} {
		for part := range strings.SplitSeq(s, "; ") {
			if part = strings.TrimSpace(part); part != "" && !covered(part, all, r.Findings) {
				lines = append(lines, part)
				all += "\n" + part
			}
		}
	}
	if n.sev == "" && r.Message != "" && isFailure(r.Status) {
		n.sev = report.SeverityError
	}
	// One line: a cell shows the first line of its text only, and the
	// lines of a taller text run over the rows below it.
	n.message = strings.Join(lines, "; ")
	return n
}

// covered says whether a part of a row's message only repeats what the
// findings say (the report may prefix it with the column name).
func covered(part, all string, fs []report.Finding) bool {
	if strings.Contains(all, part) {
		return true
	}
	for _, f := range fs {
		if f.Message != "" && strings.Contains(part, f.Message) {
			return true
		}
	}
	return false
}

// addCell merges a finding into the note of its cell.
func (n *rowNote) addCell(sheet string, col, row int, sev report.Severity, msg string) {
	for i := range n.cells {
		c := &n.cells[i]
		if c.sheet == sheet && c.col == col && c.row == row {
			c.sev = worse(c.sev, sev)
			if !strings.Contains(c.text, msg) {
				c.text += "\n" + msg
			}
			return
		}
	}
	n.cells = append(n.cells, cellNote{sheet: sheet, col: col, row: row, sev: sev, text: msg})
}

// worse returns the more serious of two severities ("" is none).
func worse(a, b report.Severity) report.Severity {
	if a == report.SeverityError || b == report.SeverityError {
		return report.SeverityError
	}
	if a == report.SeverityWarning || b == report.SeverityWarning {
		return report.SeverityWarning
	}
	return ""
}

// isFailure says whether a status means the row did not go in.
func isFailure(s report.Status) bool {
	return s == report.Invalid || s == report.Failed
}

var errRef = errors.New("not a cell reference")

// parseRef splits a finding's cell reference, "C7", "Staff!C7" or
// "'My staff'!C7" (an apostrophe in the name doubled), into the sheet
// name ("" when none is given) and 1-based column and row.
func parseRef(ref string) (sheet string, col, row int, err error) {
	cell := ref
	if i := strings.LastIndexByte(ref, '!'); i >= 0 {
		sheet, cell = ref[:i], ref[i+1:]
		if len(sheet) >= 2 && sheet[0] == '\'' && sheet[len(sheet)-1] == '\'' {
			inner := sheet[1 : len(sheet)-1]
			if strings.Contains(strings.ReplaceAll(inner, "''", ""), "'") {
				return "", 0, 0, errRef
			}
			sheet = strings.ReplaceAll(inner, "''", "'")
		} else if strings.ContainsAny(sheet, "'") {
			return "", 0, 0, errRef
		}
		if sheet == "" {
			return "", 0, 0, errRef
		}
	}
	if cell == "" || strings.ContainsAny(cell, ": ") {
		return "", 0, 0, errRef
	}
	col, row, err = excelize.CellNameToCoordinates(cell)
	if err != nil {
		return "", 0, 0, errRef
	}
	return sheet, col, row, nil
}
