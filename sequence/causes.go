package sequence

import (
	"cmp"
	"slices"

	"github.com/userimport/userimport/report"
)

// Cause is one reason rows did not end well, or carry a warning, with how
// many rows it concerns and the first of them, so that a person can look
// at an example and fix them all.
type Cause struct {
	// Rule is the error code of the rows (or the rule of a warning
	// finding, or the status not_attempted when the run stopped).
	Rule     string
	Severity report.Severity
	Count    int
	// Row and Message are the first row with this cause and its message.
	Row     int
	Message string
}

// causes groups report lines by their cause. It holds one entry per rule,
// not per row.
type causes map[string]*Cause

func (c *causes) add(r *report.Row) {
	switch r.Status {
	case report.Invalid, report.Failed:
		c.count(r.ErrorCode, report.SeverityError, r.Row, r.Message)
	case report.OutcomeUnknown:
		c.count(string(report.OutcomeUnknown), report.SeverityError, r.Row, r.Message)
	case report.NotAttempted:
		c.count(string(report.NotAttempted), report.SeverityError, r.Row, r.Message)
	}
	for i := range r.Findings {
		if f := &r.Findings[i]; f.Severity == report.SeverityWarning {
			c.count(f.Rule, report.SeverityWarning, r.Row, f.Message)
		}
	}
}

func (c *causes) count(rule string, sev report.Severity, row int, msg string) {
	if rule == "" {
		rule = "unknown"
	}
	if *c == nil {
		*c = causes{}
	}
	key := string(sev) + " " + rule
	if e, ok := (*c)[key]; ok {
		e.Count++
		return
	}
	(*c)[key] = &Cause{Rule: rule, Severity: sev, Count: 1, Row: row, Message: msg}
}

// top returns the causes, errors before warnings, most frequent first.
func (c causes) top() []Cause {
	out := make([]Cause, 0, len(c))
	for _, e := range c {
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b Cause) int {
		return cmp.Or(cmp.Compare(a.Severity, b.Severity), cmp.Compare(b.Count, a.Count), cmp.Compare(a.Rule, b.Rule))
	})
	return out
}
