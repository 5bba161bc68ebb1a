package table

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Grid is a file in memory with its findings: what the Check step pages,
// filters and edits. It is not safe for concurrent use.
type Grid struct {
	t        *File
	findings [][]Finding
	checker  *Checker
	counts   Counts
}

// Counts are the numbers the Check step shows.
type Counts struct {
	Rows     int
	Errors   int // rows with an error
	Warnings int // rows with a warning and no error
	Rules    map[string]int
	Severity map[string]string // rule -> severity
}

// NewGrid checks every row of t with c and counts the findings.
func NewGrid(t *File, c *Checker) *Grid {
	g := &Grid{t: t, checker: c}
	g.findings = c.CheckAll(t)
	g.recount()
	return g
}

// File is the grid's file, edits included.
func (g *Grid) File() *File { return g.t }

// Findings are row i's findings.
func (g *Grid) Findings(i int) []Finding { return g.findings[i] }

// Counts are the numbers the Check step shows; the maps are the grid's
// own, to be read, not kept across an edit.
func (g *Grid) Counts() Counts { return g.counts }

// PasswordCol is the column that feeds the password, or -1.
func (g *Grid) PasswordCol() int { return g.checker.PasswordCol }

func (g *Grid) recount() {
	g.counts = Counts{Rows: len(g.t.Cells), Rules: map[string]int{}, Severity: map[string]string{}}
	for _, fs := range g.findings {
		g.count(fs, 1)
	}
}

// count adds (d = 1) or removes (d = -1) one row's findings.
func (g *Grid) count(fs []Finding, d int) {
	sev := RowSeverity(fs)
	switch sev {
	case SevError:
		g.counts.Errors += d
	case SevWarning:
		g.counts.Warnings += d
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if !seen[f.Rule] {
			seen[f.Rule] = true
			g.counts.Rules[f.Rule] += d
			g.counts.Severity[f.Rule] = f.Severity
			if g.counts.Rules[f.Rule] == 0 {
				delete(g.counts.Rules, f.Rule)
			}
		}
	}
}

// RowSeverity is the worst severity of a row's findings, or "".
func RowSeverity(fs []Finding) string {
	sev := ""
	for _, f := range fs {
		if f.Severity == SevError {
			return SevError
		}
		sev = SevWarning
	}
	return sev
}

// Filter selects the rows a grid or result table shows.
type Filter struct {
	Show string // "all", "errors", "warnings"
	Rule string // a rule id, or ""
	Page int    // 1-based
}

// PageSize is how many rows a page of the grid or of a result table
// shows.
const PageSize = 50

// Rows returns the indexes of the rows the filter shows on its page, and
// how many rows it shows in all.
func (g *Grid) Rows(f Filter) ([]int, int) {
	var out []int
	total := 0
	first := (max(f.Page, 1) - 1) * PageSize
	for i, fs := range g.findings {
		if !g.matches(fs, f) {
			continue
		}
		if total >= first && total < first+PageSize {
			out = append(out, i)
		}
		total++
	}
	return out, total
}

func (g *Grid) matches(fs []Finding, f Filter) bool {
	switch f.Show {
	case "errors":
		if RowSeverity(fs) != SevError {
			return false
		}
	case "warnings":
		if RowSeverity(fs) != SevWarning {
			return false
		}
	}
	if f.Rule != "" {
		return slices.ContainsFunc(fs, func(x Finding) bool { return x.Rule == f.Rule })
	}
	return true
}

// Edit sets one cell and re-checks what it affects. It returns the rows
// whose findings were recomputed.
func (g *Grid) Edit(row, col int, value string) ([]int, error) {
	if row < 0 || row >= len(g.t.Cells) {
		return nil, fmt.Errorf("no row %d", row)
	}
	if g.t.Cells[row] == nil {
		return nil, fmt.Errorf("row %d could not be read and cannot be edited", row)
	}
	if col < 0 || col >= len(g.t.Cells[row]) {
		return nil, fmt.Errorf("no column %d", col)
	}
	g.t.Cells[row][col] = value
	changed, all := g.checker.Recheck(g.t, row)
	if all {
		g.findings = make([][]Finding, len(g.t.Cells))
		for r, fs := range changed {
			g.findings[r] = fs
		}
		g.recount()
		return []int{row}, nil
	}
	rows := make([]int, 0, len(changed))
	for r, fs := range changed {
		g.count(g.findings[r], -1)
		g.findings[r] = fs
		g.count(fs, 1)
		rows = append(rows, r)
	}
	slices.Sort(rows)
	return rows, nil
}

// cellRef names a cell as the person's spreadsheet does ("C7"), or the
// row and column of a CSV file.
func (g *Grid) cellRef(row, col int) string {
	line := g.t.Lines[row]
	if col < 0 {
		return strconv.Itoa(line)
	}
	return ColumnLetters(col) + strconv.Itoa(line)
}

// ColumnLetters turns a 0-based column index into A, B, ..., Z, AA, ...
func ColumnLetters(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append(b, byte('A'+(i-1)%26))
	}
	slices.Reverse(b)
	return string(b)
}

// CellView is one cell as the Check step shows it. A password cell never
// carries its value: only whether there is one.
type CellView struct {
	Col      int    `json:"col"`
	Value    string `json:"value"`
	Password bool   `json:"password,omitempty"`
	Present  bool   `json:"present,omitempty"`
	Severity string `json:"severity,omitempty"`
	Messages string `json:"messages,omitempty"`
	Ref      string `json:"ref"`
}

// RowView is one row of the Check step.
type RowView struct {
	Index    int        `json:"index"`
	Line     int        `json:"line"`
	Severity string     `json:"severity,omitempty"`
	Cells    []CellView `json:"cells"`
	RowMsgs  []string   `json:"rowMessages,omitempty"` // findings not tied to a cell
}

// View is row i as the Check step shows it.
func (g *Grid) View(i int) RowView {
	fs := g.findings[i]
	rv := RowView{Index: i, Line: g.t.Lines[i], Severity: RowSeverity(fs)}
	byCol := map[int][]Finding{}
	for _, f := range fs {
		if f.Col < 0 {
			rv.RowMsgs = append(rv.RowMsgs, f.Message)
			continue
		}
		byCol[f.Col] = append(byCol[f.Col], f)
	}
	for c := range g.t.Header {
		cv := CellView{Col: c, Ref: g.cellRef(i, c)}
		if cells := g.t.Cells[i]; c < len(cells) {
			cv.Value = cells[c]
		}
		if c == g.checker.PasswordCol {
			cv.Password, cv.Present, cv.Value = true, cv.Value != "", ""
		}
		var msgs []string
		for _, f := range byCol[c] {
			msgs = append(msgs, f.Message)
		}
		cv.Severity = RowSeverity(byCol[c])
		cv.Messages = strings.Join(msgs, "\n")
		rv.Cells = append(rv.Cells, cv)
	}
	return rv
}
