package lifecycle

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
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

// spaceSim is a simulated domain with guest space 12 holding the guest
// old@example.com, and the guests g1 and g2 in no space.
func spaceSim(t *testing.T, fp *faultPlan) (*kintonetest.Domain, *kintone.Client) {
	t.Helper()
	d, c := simWith(t, fp, nil, kintonetest.WithGuestSpace(12))
	var guests []kintone.GuestInput
	for _, g := range []string{"old", "g1", "g2"} {
		guests = append(guests, kintone.GuestInput{Code: g + "@example.com", Password: "Pw-guest-1", Timezone: "Asia/Tokyo", Name: g})
	}
	ctx := context.Background()
	if err := c.AddGuests(ctx, guests); err != nil {
		t.Fatal(err)
	}
	fp.mu.Lock()
	plan := fp.plan
	fp.plan = nil
	fp.mu.Unlock()
	if err := c.UpdateGuestSpaceMembers(ctx, 12, []string{"old@example.com"}); err != nil {
		t.Fatal(err)
	}
	fp.mu.Lock()
	fp.n, fp.plan = 0, plan
	fp.mu.Unlock()
	return d, c
}

func TestSetSpaceGuests(t *testing.T) {
	tests := []struct {
		name   string
		rows   []string
		faults map[int]fault
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
			want: []string{"assigned", "failed: guests[1]: ", "assigned"}, space: []string{"g1", "g2"}},
		{name: "answer lost: the same list again", rows: []string{"g1", "g2"}, faults: map[int]fault{1: faultDrop}, puts: 2,
			want: []string{"assigned", "assigned"}, space: []string{"g1", "g2"}},
		{name: "520: the same list again", rows: []string{"g1"}, faults: map[int]fault{1: fault520}, puts: 2,
			want: []string{"assigned"}, space: []string{"g1"}},
		{name: "503: the caller retries", rows: []string{"g1"}, faults: map[int]fault{1: fault503}, opts: Options{Call: retry}, puts: 2,
			want: []string{"assigned"}, space: []string{"g1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fp := &faultPlan{endpoint: spaceEP, plan: tt.faults}
			d, c := spaceSim(t, fp)
			var rows []string
			for _, r := range tt.rows {
				rows = append(rows, r+"@example.com")
			}
			plan, err := PlanSpace(12, items(rows...), true)
			if err != nil {
				t.Fatal(err)
			}
			tt.opts.Journal = &memJournal{}
			res := SetSpaceGuests(context.Background(), c, plan, tt.opts)
			for i, r := range res {
				if r.Row != i+2 || r.Code != rows[i] || !strings.HasPrefix(r.Result, tt.want[i]) ||
					r.Done != strings.HasPrefix(tt.want[i], "assigned") {
					t.Errorf("row %d: %+v, want %q", i+2, r, tt.want[i])
				}
			}
			if got := fp.count(); got != tt.puts {
				t.Errorf("%d PUT requests, want %d", got, tt.puts)
			}
			var want []string
			for _, g := range tt.space {
				want = append(want, g+"@example.com")
			}
			if got := d.SpaceGuests(12); !slices.Equal(got, want) {
				t.Errorf("space guests %v, want %v", got, want)
			}
		})
	}
}

// The run dies between the request and its answer; the resume sends the
// same list once more (setting the same state again), and every row ends
// assigned.
func TestSetSpaceGuestsResumeAfterCrash(t *testing.T) {
	fp := &faultPlan{endpoint: spaceEP, plan: map[int]fault{1: faultDrop}}
	d, c := spaceSim(t, fp)
	plan, _ := PlanSpace(12, items("g1@example.com", "g2@example.com"), true)
	ctx, crash := context.WithCancel(context.Background())
	dies := func(ctx context.Context, fn func(ctx context.Context) error) error {
		err := fn(ctx)
		if kintone.IsOutcomeUnknown(err) {
			crash()
		}
		return err
	}
	j := &memJournal{}
	first := SetSpaceGuests(ctx, c, plan, Options{Journal: j, Call: dies})
	if first[0].Done || first[0].ErrorCode != CodeOutcomeLost {
		t.Fatalf("crashed run: %+v", first[0])
	}
	resumed := SetSpaceGuests(context.Background(), c, plan, Options{Journal: j, Earlier: NewEvidence(j.Entries())})
	for _, r := range resumed {
		if !r.Done {
			t.Errorf("resume: %+v", r)
		}
	}
	if got := d.SpaceGuests(12); !slices.Equal(got, []string{"g1@example.com", "g2@example.com"}) || fp.count() != 2 {
		t.Errorf("space %v after %d requests", got, fp.count())
	}
	if len(j.Entries()) != 1 {
		t.Errorf("%d journal entries, want 1: the resume's intent was already there", len(j.Entries()))
	}
}
