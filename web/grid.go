package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// grid is a job's file in memory with its findings: what the Check step
// pages, filters and edits. It lives as long as the server does and is
// rebuilt from the job's files (input, options, mapping, edits) after a
// restart.
type grid struct {
	t        *Table
	findings [][]Finding
	checker  *Checker
	counts   gridCounts
}

// gridCounts are the numbers the Check step shows.
type gridCounts struct {
	Rows     int
	Errors   int // rows with an error
	Warnings int // rows with a warning and no error
	Rules    map[string]int
	Severity map[string]string // rule -> severity
}

// buildGrid reads the job's file, applies its edits and checks every row.
func (j *Job) buildGrid() (*grid, error) {
	t, err := LoadTable(j.path(j.Input), j.Read)
	if err != nil {
		return nil, err
	}
	c, err := NewChecker(t.Header, j.Kind, j.MappingYAML)
	if err != nil {
		return nil, err
	}
	c.SetUpdate(j.Mode != "create")
	for k, v := range j.Edits {
		var row, col int
		if _, err := fmt.Sscanf(k, "%d:%d", &row, &col); err != nil {
			continue
		}
		if row >= 0 && row < len(t.Cells) && t.Cells[row] != nil && col >= 0 && col < len(t.Cells[row]) {
			t.Cells[row][col] = v
		}
	}
	g := &grid{t: t, checker: c}
	g.findings = c.CheckAll(t)
	g.recount()
	return g, nil
}

// loadGrid returns the job's grid, building it on first use. j.mu must be
// held.
func (j *Job) loadGrid() (*grid, error) {
	if j.g != nil {
		return j.g, nil
	}
	g, err := j.buildGrid()
	if err != nil {
		return nil, err
	}
	j.g = g
	if j.st != nil {
		j.st.keepGrid(j)
	}
	return g, nil
}

func (g *grid) recount() {
	g.counts = gridCounts{Rows: len(g.t.Cells), Rules: map[string]int{}, Severity: map[string]string{}}
	for _, fs := range g.findings {
		g.count(fs, 1)
	}
}

// count adds (d = 1) or removes (d = -1) one row's findings.
func (g *grid) count(fs []Finding, d int) {
	sev := rowSeverity(fs)
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

// rowSeverity is the worst severity of a row's findings, or "".
func rowSeverity(fs []Finding) string {
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

const pageSize = 50

// rows returns the indexes of the rows the filter shows on its page, and
// how many rows it shows in all.
func (g *grid) rows(f Filter) ([]int, int) {
	var out []int
	total := 0
	first := (max(f.Page, 1) - 1) * pageSize
	for i, fs := range g.findings {
		if !g.matches(fs, f) {
			continue
		}
		if total >= first && total < first+pageSize {
			out = append(out, i)
		}
		total++
	}
	return out, total
}

func (g *grid) matches(fs []Finding, f Filter) bool {
	switch f.Show {
	case "errors":
		if rowSeverity(fs) != SevError {
			return false
		}
	case "warnings":
		if rowSeverity(fs) != SevWarning {
			return false
		}
	}
	if f.Rule != "" {
		return slices.ContainsFunc(fs, func(x Finding) bool { return x.Rule == f.Rule })
	}
	return true
}

// edit sets one cell and re-checks what it affects. It returns the rows
// whose findings were recomputed.
func (g *grid) edit(row, col int, value string) ([]int, error) {
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
func (g *grid) cellRef(row, col int) string {
	line := g.t.Lines[row]
	if col < 0 {
		return strconv.Itoa(line)
	}
	return columnLetters(col) + strconv.Itoa(line)
}

// columnLetters turns a 0-based column index into A, B, ..., Z, AA, ...
func columnLetters(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append(b, byte('A'+(i-1)%26))
	}
	slices.Reverse(b)
	return string(b)
}

// cellView is one cell as the Check step shows it. A password cell never
// carries its value: only whether there is one.
type cellView struct {
	Col      int    `json:"col"`
	Value    string `json:"value"`
	Password bool   `json:"password,omitempty"`
	Present  bool   `json:"present,omitempty"`
	Severity string `json:"severity,omitempty"`
	Messages string `json:"messages,omitempty"`
	Ref      string `json:"ref"`
}

// rowView is one row of the Check step.
type rowView struct {
	Index    int        `json:"index"`
	Line     int        `json:"line"`
	Severity string     `json:"severity,omitempty"`
	Cells    []cellView `json:"cells"`
	RowMsgs  []string   `json:"rowMessages,omitempty"` // findings not tied to a cell
}

func (g *grid) view(i int) rowView {
	fs := g.findings[i]
	rv := rowView{Index: i, Line: g.t.Lines[i], Severity: rowSeverity(fs)}
	byCol := map[int][]Finding{}
	for _, f := range fs {
		if f.Col < 0 {
			rv.RowMsgs = append(rv.RowMsgs, f.Message)
			continue
		}
		byCol[f.Col] = append(byCol[f.Col], f)
	}
	for c := range g.t.Header {
		cv := cellView{Col: c, Ref: g.cellRef(i, c)}
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
		cv.Severity = rowSeverity(byCol[c])
		cv.Messages = strings.Join(msgs, "\n")
		rv.Cells = append(rv.Cells, cv)
	}
	return rv
}
