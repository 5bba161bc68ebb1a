package lifecycle

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
)

const spaceEP = "PUT /k/guest/12/v1/space/guests.json"

func TestPlanSpace(t *testing.T) {
	rows := items("g1@example.com", "g2@example.com", "g1@example.com")
	if _, err := PlanSpace(12, rows, false); !errors.Is(err, ErrReplaceRequired) {
		t.Errorf("without replace: %v, want ErrReplaceRequired", err)
	}
	if _, err := PlanSpace(12, items(""), true); !errors.Is(err, ErrNoGuests) {
		t.Errorf("no guests: %v, want ErrNoGuests", err)
	}
	if _, err := PlanSpace(0, rows, true); err == nil {
		t.Error("space 0 accepted")
	}
	p, err := PlanSpace(12, rows, true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Guests(), []string{"g1@example.com", "g2@example.com"}) {
		t.Errorf("guests %v", p.Guests())
	}
	if s := p.Summary(); !strings.Contains(s, "exactly the 2 guests of this file") || !strings.Contains(s, "removed") {
		t.Errorf("summary %q does not say the list is replaced", s)
	}
}

func TestSetSpaceGuests(t *testing.T) {
	tests := []struct {
		name   string
		rows   []string
		faults []fault
		opts   Options
		puts   int
		want   []string // each row's result, by prefix
		space  []string
	}{
		{name: "sets the list", rows: []string{"g1", "g2", "g1"}, puts: 1,
			want: []string{"assigned: guest space 12", "assigned", "assigned"}, space: []string{"g1", "g2"}},
		{name: "dry run", rows: []string{"g1", "g2"}, opts: Options{DryRun: true},
			want: []string{"would_assign: guest space 12 (its guests become exactly this file's)", "would_assign"}, space: []string{"old"}},
		{name: "a row that is no guest fails, the rest are set", rows: []string{"g1", "nobody", "g2"}, puts: 2,
			want: []string{"assigned", "failed: guests[1]: nobody is not a guest user", "assigned"}, space: []string{"g1", "g2"}},
		{name: "answer lost: the same list again", rows: []string{"g1", "g2"}, faults: []fault{faultDrop}, puts: 2,
			want: []string{"assigned", "assigned"}, space: []string{"g1", "g2"}},
		{name: "500: the same list again", rows: []string{"g1"}, faults: []fault{fault500}, puts: 2,
			want: []string{"assigned"}, space: []string{"g1"}},
		{name: "503: the caller retries", rows: []string{"g1"}, faults: []fault{fault503}, opts: Options{Call: retry}, puts: 2,
			want: []string{"assigned"}, space: []string{"g1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, api := newFakeDomain(t)
			d.guests = map[string]bool{"g1": true, "g2": true, "old": true}
			d.spaces[12] = []string{"old"}
			d.faults[spaceEP] = tt.faults
			plan, err := PlanSpace(12, items(tt.rows...), true)
			if err != nil {
				t.Fatal(err)
			}
			tt.opts.Journal = &memJournal{}
			res := SetSpaceGuests(context.Background(), api, plan, tt.opts)
			for i, r := range res {
				if r.Row != i+2 || r.Code != tt.rows[i] || !strings.HasPrefix(r.Result, tt.want[i]) ||
					r.Done != strings.HasPrefix(tt.want[i], "assigned") {
					t.Errorf("row %d: %+v, want %q", i+2, r, tt.want[i])
				}
			}
			if got := d.count(spaceEP); got != tt.puts {
				t.Errorf("%d PUT requests, want %d", got, tt.puts)
			}
			if !slices.Equal(d.spaces[12], tt.space) {
				t.Errorf("space guests %v, want %v", d.spaces[12], tt.space)
			}
		})
	}
}

// The run dies between the request and its answer; the resume sends the
// same list once more (setting the same state again), and every row ends
// assigned.
func TestSetSpaceGuestsResumeAfterCrash(t *testing.T) {
	d, api := newFakeDomain(t)
	d.guests = map[string]bool{"g1": true, "g2": true}
	d.faults[spaceEP] = []fault{faultDrop}
	plan, _ := PlanSpace(12, items("g1", "g2"), true)
	ctx, crash := context.WithCancel(context.Background())
	dies := func(ctx context.Context, fn func(ctx context.Context) error) error {
		err := fn(ctx)
		if kintone.IsOutcomeUnknown(err) {
			crash()
		}
		return err
	}
	j := &memJournal{}
	first := SetSpaceGuests(ctx, api, plan, Options{Journal: j, Call: dies})
	if first[0].Done || first[0].ErrorCode != CodeOutcomeLost {
		t.Fatalf("crashed run: %+v", first[0])
	}
	resumed := SetSpaceGuests(context.Background(), api, plan, Options{Journal: j, Earlier: NewEvidence(j.Entries())})
	for _, r := range resumed {
		if !r.Done {
			t.Errorf("resume: %+v", r)
		}
	}
	if !slices.Equal(d.spaces[12], []string{"g1", "g2"}) || d.count(spaceEP) != 2 {
		t.Errorf("space %v after %d requests", d.spaces[12], d.count(spaceEP))
	}
	if len(j.Entries()) != 1 {
		t.Errorf("%d journal entries, want 1: the resume's intent was already there", len(j.Entries()))
	}
}
