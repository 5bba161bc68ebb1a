package sheet

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/userimport/userimport/report"
)

// noteKind is something a reader noticed about one cell while reading it,
// before it knows the header; it becomes a report.Finding when the row is
// returned (see findings).
type noteKind uint8

const (
	noteErrorValue  noteKind = iota + 1 // an Excel error value
	noteFormula                         // a formula without a stored result
	noteNumber                          // a number cell
	noteNumberGuess                     // a number cell that looks like it lost zeros
	noteMerged                          // took the value of a merged range
)

type note struct {
	col  int // 0-based
	kind noteKind
	text string // the error value, the number format, or the merged range
}

// rawRow is a row as a reader found it, before the header is chosen.
type rawRow struct {
	line     int // the row the person sees
	fileLine int // CSV: the physical line, when it differs from line
	cells    []string
	notes    []note
	hidden   bool
	err      *FileError // a problem of this row only; cells are nil
}

// clone copies what the reader reuses, for a row kept while the header is
// searched.
func (r rawRow) clone() rawRow {
	r.cells = append([]string(nil), r.cells...)
	r.notes = append([]note(nil), r.notes...)
	return r
}

// locateHeader reads rows up to the header (see Options.HeaderRow and
// Options.FindHeader). It returns the header row and the rows read after
// it, to be returned before any further row. ok is false when FindHeader
// found no header; the header is then the first non-blank row. read
// returns row errors as *FileError with Row > 0; any other error ends the
// search.
func locateHeader(read func() (rawRow, error), opts Options) (header rawRow, pending []rawRow, ok bool, err error) {
	if opts.HeaderRow > 0 || opts.FindHeader == nil {
		want := max(opts.HeaderRow, 1)
		for {
			r, err := read()
			if err != nil {
				var fe *FileError
				if errors.As(err, &fe) && fe.Row > 0 && fe.Row < want {
					continue // a bad row above the header does not matter
				}
				return rawRow{}, nil, false, err
			}
			if r.line < want || IsBlank(r.cells) {
				continue
			}
			return r.clone(), nil, true, nil
		}
	}
	var (
		kept []rawRow
		rows [][]string
		at   []int // index in kept of each of rows
	)
	for len(rows) < HeaderScanRows {
		r, err := read()
		if err != nil {
			var fe *FileError
			if errors.As(err, &fe) && fe.Row > 0 {
				kept = append(kept, rawRow{line: fe.Row, err: fe})
				continue
			}
			if err == io.EOF || len(rows) > 0 {
				break // a fatal error is returned again by the next read
			}
			return rawRow{}, nil, false, err
		}
		if IsBlank(r.cells) {
			continue
		}
		r = r.clone()
		at = append(at, len(kept))
		kept = append(kept, r)
		rows = append(rows, r.cells)
	}
	if len(rows) == 0 {
		for _, k := range kept {
			return rawRow{}, nil, false, k.err // a row error in a file without rows
		}
		return rawRow{}, nil, false, io.EOF
	}
	i, found := opts.FindHeader(rows)
	if !found || i < 0 || i >= len(rows) {
		i, found = 0, false
		// A row that could not be read above the first one read is
		// most likely the header (in another encoding): its error says
		// more than "no header".
		for _, k := range kept[:at[0]] {
			return rawRow{}, nil, false, k.err
		}
	}
	return kept[at[i]], kept[at[i]+1:], found, nil
}

// noHeaderError says that no header row was found.
func noHeaderError(file, where string, headerRow int) *FileError {
	if headerRow > 1 {
		return &FileError{File: file, Err: fmt.Errorf("%w: %s has no header row (it is empty, or has no rows from row %d on)", ErrEmptyHeader, where, headerRow)}
	}
	return &FileError{File: file, Err: fmt.Errorf("%w: %s has no header row (it is empty)", ErrEmptyHeader, where)}
}

// columnFlags evaluates a per-column predicate once, so that the per-cell
// test is an index.
func columnFlags(header []string, f func(string) bool) []bool {
	if f == nil {
		return nil
	}
	out := make([]bool, len(header))
	for i, h := range header {
		out[i] = f(h)
	}
	return out
}

// findingsOf turns a row's notes and its hidden flag into findings, given
// the header. textCols nil means: guess (noteNumberGuess only). Messages
// never quote a cell's value: it may be a password.
func findingsOf(sheet string, header []string, r *rawRow, textCols []bool) []report.Finding {
	var out []report.Finding
	if r.hidden {
		out = append(out, report.Finding{Rule: RuleHidden, Severity: report.SeverityWarning,
			Message: fmt.Sprintf("row %d is hidden in the workbook (by hand or by a filter); it is imported like the others unless --skip-hidden is given", r.line)})
	}
	slices.SortStableFunc(r.notes, func(a, b note) int { return a.col - b.col })
	for _, n := range r.notes {
		if n.col >= len(header) {
			continue
		}
		f := report.Finding{Column: ColumnLabel(header, n.col), Cell: CellRef(sheet, r.line, n.col), Severity: report.SeverityWarning}
		switch n.kind {
		case noteErrorValue:
			f.Rule, f.Severity = RuleErrorValue, report.SeverityError
			f.Message = fmt.Sprintf("cell %s holds the Excel error %s, not a value; fix the formula or type the value", f.Cell, n.text)
		case noteFormula:
			f.Rule, f.Severity = RuleFormulaNoValue, report.SeverityError
			f.Message = fmt.Sprintf("cell %s has a formula but no stored result (the file was written by a program that does not calculate); open it in a spreadsheet program and save it again, or paste the values", f.Cell)
		case noteNumber, noteNumberGuess:
			if textCols != nil && !textCols[n.col] || textCols == nil && n.kind != noteNumberGuess {
				continue
			}
			f.Rule = RuleNumberAsText
			f.Message = fmt.Sprintf("cell %s is a number cell, imported as the spreadsheet shows it; leading zeros typed into a number cell are lost, so check the value, and format the column as Text to keep them", f.Cell)
		case noteMerged:
			f.Rule = RuleMerged
			f.Message = fmt.Sprintf("cell %s is part of the merged cells %s and took their value; unmerge them if this row should differ", f.Cell, n.text)
		default:
			continue
		}
		out = append(out, f)
	}
	return out
}

// mojibakeFinding is the warning for a double-encoded cell.
func mojibakeFinding(sheet string, header []string, line, col int) report.Finding {
	ref := CellRef(sheet, line, col)
	return report.Finding{Column: ColumnLabel(header, col), Cell: ref, Rule: RuleMojibake, Severity: report.SeverityWarning,
		Message: fmt.Sprintf("cell %s looks double-encoded (UTF-8 text that was read in another encoding and saved again, such as \"Ã¼\" for \"ü\" or \"ç”°\" for \"田\"); check the value, and take it from the original file", ref)}
}
