package report

import (
	"slices"
	"strconv"
	"strings"
)

// statusOrder is the order in which Summary lists statuses: the outcomes
// that ended well first, then the ones that need a look.
var statusOrder = []Status{
	Created, Updated, Renamed, Deleted, Deactivated,
	WouldCreate, WouldUpdate, WouldRename, WouldDelete, WouldDeactivate,
	Valid, Unchanged, Skipped, Invalid, Failed, OutcomeUnknown, NotAttempted,
}

// Known reports whether s is one of the statuses this package defines.
func (s Status) Known() bool {
	return slices.Contains(statusOrder, s)
}

// Summary counts report rows per status, for the line printed at the end of
// a run.
type Summary struct {
	Counts map[Status]int // rows per status; Add creates it
	Rows   int            // rows added
}

// Add counts r.
func (s *Summary) Add(r *Row) {
	if s.Counts == nil {
		s.Counts = make(map[Status]int)
	}
	s.Counts[r.Status]++
	s.Rows++
}

// Each calls f with each status that counts rows and its count, in the
// order String lists them, so that a summary in another language keeps
// that order.
func (s Summary) Each(f func(st Status, n int)) {
	for _, st := range statusOrder {
		if n := s.Counts[st]; n > 0 {
			f(st, n)
		}
	}
	var other []Status
	for st, n := range s.Counts {
		if !st.Known() && n > 0 {
			other = append(other, st)
		}
	}
	slices.Sort(other)
	for _, st := range other {
		f(st, s.Counts[st])
	}
}

// String returns e.g. "created 9,876 · invalid 100 · failed 24 (of 10,000
// rows)": the statuses with a non-zero count, always in the same order
// (statuses this package does not know come last, sorted), so that two
// runs' summaries can be compared by eye.
func (s Summary) String() string {
	var b strings.Builder
	s.Each(func(st Status, n int) {
		if b.Len() > 0 {
			b.WriteString(" · ")
		}
		b.WriteString(string(st))
		b.WriteByte(' ')
		b.WriteString(thousands(n))
	})
	if b.Len() == 0 {
		return "no rows"
	}
	b.WriteString(" (of ")
	b.WriteString(thousands(s.Rows))
	if s.Rows == 1 {
		b.WriteString(" row)")
	} else {
		b.WriteString(" rows)")
	}
	return b.String()
}

// thousands formats n with comma separators: 9876 → "9,876".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
