package lifecycle

import (
	"context"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

const deleteEP = "DELETE /v1/users.json"

// deleteCase is one case of TestDelete. want and codes are the status and
// error code of each item (nil: all deleted); gone are deleted on the
// server; sends counts the DELETE requests.
type deleteCase struct {
	name  string
	users int
	items []string
	opts  Options
	plan  map[int]fault
	want  []report.Status
	codes []string
	gone  []string
	sends int
}

func deleteCases() []deleteCase {
	const (
		del  = Deleted
		skip = report.Skipped
		inv  = report.Invalid
		fail = report.Failed
	)
	return []deleteCase{
		{
			name:  "deletes, skips the unknown and the repeated, refuses the protected",
			users: 4, items: []string{"u001", "nobody", "Administrator", "u002", "u001", "u003", "administrator"},
			opts:  Options{Self: "u003"},
			want:  []report.Status{del, skip, inv, del, skip, inv, inv},
			codes: []string{"", CodeNoSuchUser, CodeProtected, "", CodeDeleteRepeat, CodeProtected, CodeProtected},
			gone:  []string{"u001", "u002"}, sends: 1,
		},
		{
			name: "dry run sends no write", users: 3, items: []string{"u000", "u001", "nobody"},
			opts:  Options{DryRun: true},
			want:  []report.Status{WouldDelete, WouldDelete, skip},
			codes: []string{"", "", CodeNoSuchUser},
		},
		{
			name: "250 users in batches of 100", users: 250, items: codes("u", 0, 250),
			gone: codes("u", 0, 250), sends: 3,
		},
		{
			name: "answer lost after commit: reconciled, nothing sent again", users: 5, items: codes("u", 0, 5),
			plan: map[int]fault{1: faultDrop},
			gone: codes("u", 0, 5), sends: 1,
		},
		{
			name: "520 lock: reconciled, then sent again", users: 5, items: codes("u", 0, 5),
			plan: map[int]fault{1: fault520},
			gone: codes("u", 0, 5), sends: 2,
		},
		{
			name: "503: the caller retries", users: 5, items: codes("u", 0, 5),
			opts: Options{Call: retry},
			plan: map[int]fault{1: fault503},
			gone: codes("u", 0, 5), sends: 2,
		},
		{
			name: "one lost answer in each of three batches: MaxLost counts per item", users: 250, items: codes("u", 0, 250),
			opts: Options{MaxLost: 1},
			plan: map[int]fault{1: faultDrop, 2: faultDrop, 3: faultDrop},
			gone: codes("u", 0, 250), sends: 3,
		},
		{
			name: "every answer lost: outcome_unknown after MaxLost", users: 2, items: codes("u", 0, 2),
			opts:  Options{MaxLost: 2},
			plan:  map[int]fault{1: fault520, 2: fault520, 3: fault520},
			want:  []report.Status{fail, fail},
			codes: []string{CodeOutcomeLost, CodeOutcomeLost},
			sends: 3,
		},
	}
}

func TestDelete(t *testing.T) {
	for _, tt := range deleteCases() {
		t.Run(tt.name, func(t *testing.T) {
			fp := &faultPlan{endpoint: deleteEP, plan: tt.plan}
			s, c := newSim(t, tt.users, fp)
			outs := Delete(context.Background(), c, items(tt.items...), tt.opts)
			if len(outs) != len(tt.items) {
				t.Fatalf("%d outcomes for %d items", len(outs), len(tt.items))
			}
			for i, o := range outs {
				want, code := Deleted, ""
				if tt.want != nil {
					want = tt.want[i]
				}
				if tt.codes != nil {
					code = tt.codes[i]
				}
				if o.Row != i+2 || o.Code != tt.items[i] || o.Status != want || o.ErrorCode != code {
					t.Errorf("item %d: row %d %q %s %q (%s), want row %d %q %s %q",
						i, o.Row, o.Code, o.Status, o.ErrorCode, o.Message, i+2, tt.items[i], want, code)
				}
			}
			for _, code := range tt.gone {
				if exists(s, code) {
					t.Errorf("%s still exists", code)
				}
			}
			if left, want := len(s.Users()), tt.users+1-len(tt.gone); left != want {
				t.Errorf("%d users left, want %d", left, want)
			}
			if got := fp.count(); got != tt.sends {
				t.Errorf("%d DELETE requests, want %d", got, tt.sends)
			}
		})
	}
}

// A user deleted by someone else between the lookup and the request makes
// the server refuse the batch; the rest is deleted, that one skipped,
// whether the server names the item or not.
func TestDeleteRefusedBatchIsolatesTheGoneUser(t *testing.T) {
	for _, unindexed := range []bool{false, true} {
		var opts []kintonetest.Option
		if unindexed {
			opts = append(opts, kintonetest.WithUnindexedErrors())
		}
		fp := &faultPlan{endpoint: deleteEP}
		s, c := newSim(t, 6, fp, opts...)
		fp.before = func(n int) {
			if n == 1 { // someone else deletes u002 first
				if err := c.DeleteUsers(context.Background(), []string{"u002"}); err != nil {
					t.Error(err)
				}
			}
		}
		outs := Delete(context.Background(), c, items(codes("u", 0, 6)...), Options{})
		st := statuses(outs)
		for _, code := range codes("u", 0, 6) {
			want := Deleted
			if code == "u002" {
				want = report.Skipped
			}
			if st[code] != want {
				t.Errorf("unindexed=%v: %s is %s, want %s: %+v", unindexed, code, st[code], want, outs)
			}
			if exists(s, code) {
				t.Errorf("%s still exists", code)
			}
		}
		if !strings.Contains(outs[2].Message, "someone else") {
			t.Errorf("message %q does not say someone else deleted it", outs[2].Message)
		}
	}
}

// The intent is durable before the request leaves: when the DELETE
// arrives, the journal already names every user in it.
func TestDeleteJournalsBeforeSending(t *testing.T) {
	j := &memJournal{}
	fp := &faultPlan{endpoint: deleteEP}
	_, c := newSim(t, 3, fp)
	fp.before = func(int) {
		for _, code := range codes("u", 0, 3) {
			if !j.intended(OpDelete, code) {
				t.Errorf("DELETE sent before the intent for %s was journaled", code)
			}
		}
	}
	Delete(context.Background(), c, items(codes("u", 0, 3)...), Options{Journal: j})
	if fp.count() != 1 {
		t.Fatalf("%d DELETE requests", fp.count())
	}
}

// A journal that cannot record the intent stops the operation before
// anything is sent.
func TestDeleteJournalFailureSendsNothing(t *testing.T) {
	fp := &faultPlan{endpoint: deleteEP}
	s, c := newSim(t, 3, fp)
	outs := Delete(context.Background(), c, items(codes("u", 0, 3)...), Options{Journal: &memJournal{failAt: 1}})
	for _, o := range outs {
		if o.Status != report.NotAttempted || !strings.Contains(o.Message, "disk full") {
			t.Errorf("%s: %s %q, want not_attempted naming the journal's failure", o.Code, o.Status, o.Message)
		}
	}
	if len(s.Users()) != 4 || fp.count() != 0 {
		t.Error("something was deleted without an intent in the journal")
	}
}

// The run dies between a DELETE and its answer (the request committed,
// the connection dropped, and the process is gone before it could ask the
// server). The resume, given the journal, reports those users deleted
// without sending them again; without the journal it could only say
// "no such user".
func TestDeleteResumeAfterCrashBetweenRequestAndAnswer(t *testing.T) {
	fp := &faultPlan{endpoint: deleteEP, plan: map[int]fault{1: faultDrop}}
	s, c := newSim(t, 150, fp)
	ctx, crash := context.WithCancel(context.Background())
	dies := func(ctx context.Context, fn func(ctx context.Context) error) error {
		err := fn(ctx)
		if kintone.IsOutcomeUnknown(err) {
			crash() // the process dies here: nothing more reaches the server
		}
		return err
	}
	j := &memJournal{}
	all := items(codes("u", 0, 150)...)
	first := Delete(ctx, c, all, Options{Journal: j, Call: dies})
	if n := countStatus(first, report.Failed); n != 100 {
		t.Fatalf("crashed run: %d failed, want the 100 of the lost batch: %+v", n, first[0])
	}
	if n := countStatus(first, report.NotAttempted); n != 50 {
		t.Fatalf("crashed run: %d not attempted, want 50", n)
	}
	if first[0].ErrorCode != CodeOutcomeLost {
		t.Fatalf("lost batch reported %s, want %s", first[0].ErrorCode, CodeOutcomeLost)
	}

	withoutJournal := Delete(context.Background(), c, all, Options{DryRun: true})
	if withoutJournal[0].Status != report.Skipped {
		t.Fatalf("control: without evidence a gone user is %s, want skipped", withoutJournal[0].Status)
	}

	resumed := Delete(context.Background(), c, all, Options{Journal: j, Earlier: NewEvidence(j.Entries())})
	for _, o := range resumed {
		if o.Status != Deleted {
			t.Errorf("resume: %s is %s (%s)", o.Code, o.Status, o.Message)
		}
	}
	if !strings.Contains(resumed[0].Message, "interrupted run") {
		t.Errorf("resume: %q does not say the interrupted run deleted it", resumed[0].Message)
	}
	if got := fp.count(); got != 2 {
		t.Errorf("%d DELETE requests in all, want 2 (the lost one, then the 50 never sent)", got)
	}
	if len(s.Users()) != 1 {
		t.Errorf("%d users left, want only the Administrator", len(s.Users()))
	}
}
