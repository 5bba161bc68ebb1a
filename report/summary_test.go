package report

import "testing"

func TestSummaryString(t *testing.T) {
	add := func(s *Summary, st Status, n int) {
		for range n {
			s.Add(&Row{Status: st})
		}
	}
	tests := []struct {
		name string
		fill func(*Summary)
		want string
	}{
		{"empty", func(*Summary) {}, "no rows"},
		{"one", func(s *Summary) { add(s, Valid, 1) }, "valid 1 (of 1 row)"},
		{"import", func(s *Summary) {
			// Added out of order: the output order is fixed.
			add(s, Failed, 24)
			add(s, Invalid, 100)
			add(s, Created, 9876)
		}, "created 9,876 · invalid 100 · failed 24 (of 10,000 rows)"},
		{"every status", func(s *Summary) {
			for i, st := range []Status{NotAttempted, Failed, Invalid, Skipped, Unchanged, Valid, WouldUpdate, WouldCreate, Updated, Created} {
				add(s, st, i+1)
			}
		}, "created 10 · updated 9 · would_create 8 · would_update 7 · valid 6 · unchanged 5 · skipped 4 · invalid 3 · failed 2 · not_attempted 1 (of 55 rows)"},
		{"unknown statuses last, sorted", func(s *Summary) {
			add(s, "zeta", 1)
			add(s, "alpha", 1)
			add(s, Created, 1234567)
		}, "created 1,234,567 · alpha 1 · zeta 1 (of 1,234,569 rows)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Summary
			tt.fill(&s)
			if got := s.String(); got != tt.want {
				t.Errorf("String() =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 100000: "100,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestStatusKnown(t *testing.T) {
	for _, st := range []Status{Created, Updated, Unchanged, Skipped, Invalid, Failed, NotAttempted, WouldCreate, WouldUpdate, Valid} {
		if !st.Known() {
			t.Errorf("%q.Known() = false", st)
		}
	}
	for _, st := range []Status{"", "Created", "done"} {
		if st.Known() {
			t.Errorf("%q.Known() = true", st)
		}
	}
}
