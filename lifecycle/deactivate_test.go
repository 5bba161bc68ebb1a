package lifecycle

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/report"
)

const updateEP = "PUT /v1/users.json"

// inFile matches the users whose login names the file lists.
func inFile(cs []string) func(kintone.User) bool {
	return func(u kintone.User) bool { return slices.Contains(cs, u.Code) }
}

func TestPlanDeactivation(t *testing.T) {
	users := []kintone.User{{Code: "Administrator", Valid: true}, {Code: "me", Valid: true}}
	for _, c := range codes("u", 0, 98) {
		users = append(users, kintone.User{Code: c, Valid: true})
	}
	users[10].Valid = false // u008: inactive already
	five, _ := ParseLimit("5")
	tests := []struct {
		name    string
		file    []string
		limit   Limit
		want    []string
		refused bool
	}{
		{name: "every user in the file", file: codes("u", 0, 98)},
		{name: "5 of 100 at 5%", file: codes("u", 0, 93), want: codes("u", 93, 5)},
		{name: "6 of 100 at 5% is refused", file: codes("u", 0, 92), want: codes("u", 92, 6), refused: true},
		{name: "an inactive user is not counted", file: slices.Concat(codes("u", 0, 8), codes("u", 9, 84)), want: codes("u", 93, 5)},
		{name: "a count", file: codes("u", 0, 93), limit: five, want: codes("u", 93, 5)},
		{name: "an empty file is refused", want: slices.DeleteFunc(codes("u", 0, 98), func(c string) bool { return c == "u008" }), refused: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlanDeactivation(users, inFile(tt.file), []string{"Administrator", "me"}, tt.limit)
			var got []string
			for _, u := range p.Users {
				got = append(got, u.Code)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("plan %v, want %v", got, tt.want)
			}
			var over *OverLimitError
			if tt.refused != errors.As(err, &over) {
				t.Fatalf("err = %v, refused = %v", err, tt.refused)
			}
			if tt.refused && (over.Count != len(tt.want) || over.Total != 100 || over.Max != 5 ||
				!strings.Contains(err.Error(), "nothing was changed")) {
				t.Errorf("refusal %+v: %v", over, err)
			}
		})
	}
}

func TestDeactivate(t *testing.T) {
	tests := []struct {
		name  string
		plan  map[int]fault
		opts  Options
		puts  int
		want  report.Status
		inact bool
	}{
		{name: "deactivates", puts: 1, want: Deactivated, inact: true},
		{name: "dry run", opts: Options{DryRun: true}, want: WouldDeactivate},
		{name: "answer lost after commit: not sent again", plan: map[int]fault{1: faultDrop}, puts: 1, want: Deactivated, inact: true},
		{name: "520: read back, sent again", plan: map[int]fault{1: fault520}, puts: 2, want: Deactivated, inact: true},
		{name: "HTML 502 twice, then through", plan: map[int]fault{1: faultHTML, 2: faultHTML}, puts: 3, want: Deactivated, inact: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fp := &faultPlan{endpoint: updateEP, plan: tt.plan}
			s, c := newSim(t, 120, fp)
			before, _ := s.User("u110")
			plan, err := PlanDeactivation(s.Users(), inFile(codes("u", 0, 110)), []string{"Administrator"}, Limit{set: true, n: 10})
			if err != nil {
				t.Fatal(err)
			}
			tt.opts.Journal = &memJournal{}
			outs := Deactivate(context.Background(), c, plan, tt.opts)
			if len(outs) != 10 {
				t.Fatalf("%d outcomes, want 10", len(outs))
			}
			for _, o := range outs {
				if o.Row != 0 || o.Status != tt.want {
					t.Errorf("%s: row %d %s (%s)", o.Code, o.Row, o.Status, o.Message)
				}
			}
			for _, u := range s.Users() {
				want := !(tt.inact && slices.Contains(codes("u", 110, 10), u.Code))
				if u.Valid != want {
					t.Errorf("%s: valid %v, want %v", u.Code, u.Valid, want)
				}
			}
			after, _ := s.User("u110")
			after.Valid, after.MTime = before.Valid, before.MTime
			if after.Name != before.Name || after.Locale != "en" || after.Email != before.Email || after.Timezone != before.Timezone {
				t.Errorf("deactivation changed more than valid: %+v -> %+v", before, after)
			}
			if got := fp.count(); got != tt.puts {
				t.Errorf("%d PUT requests, want %d", got, tt.puts)
			}
		})
	}
}

// A user deleted between the plan and the request makes the server refuse
// the batch; the others are deactivated, that one skipped.
func TestDeactivateUserDeletedMeanwhile(t *testing.T) {
	fp := &faultPlan{endpoint: updateEP}
	s, c := newSim(t, 10, fp)
	plan, _ := PlanDeactivation(s.Users(), inFile(codes("u", 0, 7)), []string{"Administrator"}, Limit{n: 3, set: true})
	fp.before = func(n int) {
		if n == 1 {
			_ = c.DeleteUsers(context.Background(), []string{"u008"})
		}
	}
	outs := Deactivate(context.Background(), c, plan, Options{})
	want := map[string]report.Status{"u007": Deactivated, "u008": report.Skipped, "u009": Deactivated}
	for _, o := range outs {
		if want[o.Code] != o.Status {
			t.Errorf("%s: %s (%s), want %s", o.Code, o.Status, o.Message, want[o.Code])
		}
	}
	if u, _ := s.User("u009"); u.Valid {
		t.Error("u009 still active")
	}
}

// The run dies between the PUT and its answer. The resume plans again
// from the domain (where those users are inactive now, so no plan lists
// them) and, from the journal, still reports each one deactivated, once,
// without sending anything again.
func TestDeactivateResumeAfterCrash(t *testing.T) {
	fp := &faultPlan{endpoint: updateEP, plan: map[int]fault{1: faultDrop}}
	s, c := newSim(t, 100, fp)
	ctx, crash := context.WithCancel(context.Background())
	dies := func(ctx context.Context, fn func(ctx context.Context) error) error {
		err := fn(ctx)
		if kintone.IsOutcomeUnknown(err) {
			crash()
		}
		return err
	}
	file := inFile(codes("u", 0, 96))
	plan, err := PlanDeactivation(s.Users(), file, []string{"Administrator"}, Limit{})
	if err != nil {
		t.Fatal(err)
	}
	j := &memJournal{}
	first := Deactivate(ctx, c, plan, Options{Journal: j, Call: dies})
	if n := countStatus(first, report.Failed); n != 4 {
		t.Fatalf("crashed run: %d failed, want 4: %+v", n, first)
	}
	plan2, err := PlanDeactivation(s.Users(), file, []string{"Administrator"}, Limit{})
	if err != nil || len(plan2.Users) != 0 {
		t.Fatalf("resume plan %v, %v; want empty: the users are inactive", plan2.Users, err)
	}
	resumed := Deactivate(context.Background(), c, plan2, Options{Journal: j, Earlier: NewEvidence(j.Entries())})
	got := map[string]int{}
	for _, o := range resumed {
		if o.Status != Deactivated || o.Row != 0 {
			t.Errorf("resume: %s %s (%s)", o.Code, o.Status, o.Message)
		}
		got[o.Code]++
	}
	for _, code := range codes("u", 96, 4) {
		if got[code] != 1 {
			t.Errorf("resume reports %s %d times, want once", code, got[code])
		}
	}
	if n := fp.count(); n != 1 {
		t.Errorf("%d PUT requests, want 1", n)
	}
}

// A plan that names a protected account (built by hand, not by
// PlanDeactivation) still never touches it.
func TestDeactivateRefusesProtected(t *testing.T) {
	s, c := newSim(t, 2, nil)
	outs := Deactivate(context.Background(), c, Plan{Users: s.Users()}, Options{Self: "u001"})
	st := statuses(outs)
	if st["Administrator"] != report.Invalid || st["u001"] != report.Invalid || st["u000"] != Deactivated {
		t.Errorf("outcomes %+v", outs)
	}
	if a, _ := s.User("Administrator"); !a.Valid {
		t.Error("the Administrator was deactivated")
	}
}
