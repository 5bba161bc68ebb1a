package lifecycle

import (
	"context"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/report"
)

const codesEP = "PUT /v1/users/codes.json"

type renameWant struct {
	st   report.Status
	code string
	msg  string
}

func renameCases() ([]Change, []renameWant) {
	changes := []Change{
		{2, "a", "b"},
		{3, "c", "*"},
		{4, "d", "d"},
		{5, "Administrator", "root"},
		{6, "e", "bad/name"},
		{7, "f", "g"}, {8, "g", "h"}, // a chain
		{9, "i", "j"}, {10, "j", "i"}, // a swap
		{11, "k", "z"}, {12, "l", "z"}, // one new name twice
		{13, "m", "n1"}, {14, "m", "n2"}, // one user twice
		{15, "nobody", "q"},
		{16, "o", "p"}, // p is taken
		{17, "me", "me2"},
	}
	wants := []renameWant{
		{Renamed, "", `renamed to "b"`},
		{report.Unchanged, "", "no rename"},
		{report.Unchanged, "", "no rename"},
		{report.Invalid, CodeProtected, "Administrator"},
		{report.Invalid, "newCode.forbidden_char", `contains "/"`},
		{report.Invalid, CodeRenameChain, "row 7 renames \"f\" to \"g\" while row 8 renames \"g\" to \"h\""},
		{report.Invalid, CodeRenameChain, "row 7 renames \"f\" to \"g\" while row 8"},
		{report.Invalid, CodeRenameChain, "row 9"},
		{report.Invalid, CodeRenameChain, "row 10"},
		{report.Invalid, CodeRenameClash, "rows 11 and 12"},
		{report.Invalid, CodeRenameClash, "rows 11 and 12"},
		{report.Invalid, CodeRenameRepeat, "rows 13 and 14"},
		{report.Invalid, CodeRenameRepeat, "rows 13 and 14"},
		{report.Skipped, CodeNoSuchUser, "does not exist"},
		{report.Failed, CodeRenameTaken, `"p" is already`},
		{report.Invalid, CodeProtected, "running this import"},
	}
	return changes, wants
}

func TestRename(t *testing.T) {
	changes, wants := renameCases()
	for _, dry := range []bool{false, true} {
		fp := &faultPlan{endpoint: codesEP}
		d, c := simWith(t, fp, []string{"a", "c", "d", "e", "f", "g", "i", "j", "k", "l", "m", "o", "p", "me"})
		idA := idOf(d, "a")
		outs := Rename(context.Background(), c, changes, Options{DryRun: dry, Self: "me"})
		for i, o := range outs {
			w := wants[i]
			if dry && w.st == Renamed {
				w.st, w.msg = WouldRename, `would be renamed to "b"`
			}
			if dry && w.st == report.Failed {
				w.st = report.Invalid
			}
			if o.Row != changes[i].Row || o.Code != changes[i].Current || o.Status != w.st || o.ErrorCode != w.code || !strings.Contains(o.Message, w.msg) {
				t.Errorf("dry=%v row %d: %s %s %q, want %s %s containing %q", dry, o.Row, o.Status, o.ErrorCode, o.Message, w.st, w.code, w.msg)
			}
		}
		wantPuts, holder := 1, "b"
		if dry {
			wantPuts, holder = 0, "a"
		}
		if got := fp.count(); got != wantPuts {
			t.Errorf("dry=%v: %d PUT requests, want %d", dry, got, wantPuts)
		}
		if codeOf(d, idA) != holder {
			t.Errorf("dry=%v: a's user is called %q, want %q", dry, codeOf(d, idA), holder)
		}
		for _, code := range []string{"f", "g", "i", "j", "k", "l", "m", "me", "Administrator"} {
			if !exists(d, code) {
				t.Errorf("dry=%v: %s was renamed", dry, code)
			}
		}
	}
}

func TestRenameFaults(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		faults map[int]fault
		opts   Options
		puts   int
	}{
		{name: "answer lost after commit: confirmed by id, not sent again", n: 3, faults: map[int]fault{1: faultDrop}, puts: 1},
		{name: "520: read back, not applied, sent again", n: 3, faults: map[int]fault{1: fault520}, puts: 2},
		{name: "HTML 502: read back, sent again", n: 3, faults: map[int]fault{1: faultHTML}, puts: 2},
		{name: "503: the caller retries", n: 3, faults: map[int]fault{1: fault503}, opts: Options{Call: retry}, puts: 2},
		{name: "150 renames in two requests", n: 150, puts: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			olds := codes("old", 0, tt.n)
			fp := &faultPlan{endpoint: codesEP, plan: tt.faults}
			d, c := simWith(t, fp, olds)
			ids := map[string]string{}
			var changes []Change
			for i, code := range olds {
				ids[code] = idOf(d, code)
				changes = append(changes, Change{Row: i + 2, Current: code, New: "new" + code[3:]})
			}
			outs := Rename(context.Background(), c, changes, tt.opts)
			for _, o := range outs {
				if o.Status != Renamed {
					t.Errorf("%s: %s %s (%s)", o.Code, o.Status, o.ErrorCode, o.Message)
				}
				if got := codeOf(d, ids[o.Code]); got != "new"+o.Code[3:] {
					t.Errorf("%s is called %q", o.Code, got)
				}
			}
			if got := fp.count(); got != tt.puts {
				t.Errorf("%d PUT requests, want %d", got, tt.puts)
			}
		})
	}
}

// Between the lookup and the request someone else renames one user and
// takes another's new name: the server refuses the batch; the rest are
// renamed, those two are reported for what happened to them.
func TestRenameRefusedBatch(t *testing.T) {
	fp := &faultPlan{endpoint: codesEP}
	_, c := simWith(t, fp, []string{"a", "b", "c", "d"})
	fp.before = func(n int) {
		if n == 1 {
			ctx := context.Background()
			if err := c.UpdateUserCodes(ctx, []kintone.CodeChange{{Current: "b", New: "b-elsewhere"}}); err != nil {
				t.Error(err)
			}
			if err := c.AddUsers(ctx, []kintone.UserInput{{Code: "c2", Name: ptr("C2"), Password: ptr(kintone.Secret("Pw-secret-2"))}}); err != nil {
				t.Error(err)
			}
		}
	}
	outs := Rename(context.Background(), c, []Change{{2, "a", "a2"}, {3, "b", "b2"}, {4, "c", "c2"}, {5, "d", "d2"}}, Options{})
	want := []report.Status{Renamed, report.Skipped, report.Failed, Renamed}
	for i, o := range outs {
		if o.Status != want[i] {
			t.Errorf("%s: %s %s (%s), want %s", o.Code, o.Status, o.ErrorCode, o.Message, want[i])
		}
	}
	if outs[2].ErrorCode != CodeRenameTaken {
		t.Errorf("c: %s, want %s", outs[2].ErrorCode, CodeRenameTaken)
	}
}

// The run dies between the request and its answer; the resume confirms
// the renames by the ids the journal kept and sends only the rest.
func TestRenameResumeAfterCrash(t *testing.T) {
	olds := codes("old", 0, 120)
	fp := &faultPlan{endpoint: codesEP, plan: map[int]fault{1: faultDrop}}
	_, c := simWith(t, fp, olds)
	var changes []Change
	for i, code := range olds {
		changes = append(changes, Change{Row: i + 2, Current: code, New: "new" + code[3:]})
	}
	ctx, crash := context.WithCancel(context.Background())
	dies := func(ctx context.Context, fn func(ctx context.Context) error) error {
		err := fn(ctx)
		if kintone.IsOutcomeUnknown(err) {
			crash()
		}
		return err
	}
	j := &memJournal{}
	first := Rename(ctx, c, changes, Options{Journal: j, Call: dies})
	if countStatus(first, report.Failed) != 100 || countStatus(first, report.NotAttempted) != 20 {
		t.Fatalf("crashed run: %d failed, %d not attempted", countStatus(first, report.Failed), countStatus(first, report.NotAttempted))
	}
	control := Rename(context.Background(), c, changes[:1], Options{DryRun: true})
	if control[0].Status != report.Skipped {
		t.Fatalf("control: without the journal the done rename is %s, want skipped", control[0].Status)
	}
	resumed := Rename(context.Background(), c, changes, Options{Journal: j, Earlier: NewEvidence(j.Entries())})
	for _, o := range resumed {
		if o.Status != Renamed {
			t.Errorf("resume: %s %s (%s)", o.Code, o.Status, o.Message)
		}
	}
	if !strings.Contains(resumed[0].Message, "interrupted run") {
		t.Errorf("resume: %q", resumed[0].Message)
	}
	if got := fp.count(); got != 2 {
		t.Errorf("%d PUT requests, want 2", got)
	}
}
