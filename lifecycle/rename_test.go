package lifecycle

import (
	"context"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/report"
)

const codesEP = "PUT /v1/users/codes.json"

func TestRename(t *testing.T) {
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
	type want struct {
		st   report.Status
		code string
		msg  string
	}
	wants := []want{
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
	for _, dry := range []bool{false, true} {
		d, api := newFakeDomain(t, "a", "c", "d", "e", "f", "g", "i", "j", "k", "l", "m", "o", "p", "me")
		idA := d.ids["a"]
		outs := Rename(context.Background(), api, changes, Options{DryRun: dry, Self: "me"})
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
		if got := d.count(codesEP); got != wantPuts {
			t.Errorf("dry=%v: %d PUT requests, want %d", dry, got, wantPuts)
		}
		if d.code(idA) != holder {
			t.Errorf("dry=%v: a's user is called %q, want %q", dry, d.code(idA), holder)
		}
		for _, c := range []string{"f", "g", "i", "j", "k", "l", "m", "me"} {
			if _, ok := d.ids[c]; !ok {
				t.Errorf("dry=%v: %s was renamed", dry, c)
			}
		}
	}
}

func TestRenameFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults []fault
		opts   Options
		puts   int
	}{
		{name: "answer lost after commit: confirmed by id, not sent again", faults: []fault{faultDrop}, puts: 1},
		{name: "500: read back, not applied, sent again", faults: []fault{fault500}, puts: 2},
		{name: "503: the caller retries", faults: []fault{fault503}, opts: Options{Call: retry}, puts: 2},
		{name: "150 renames in two requests", puts: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 3
			if tt.faults == nil {
				n = 150
			}
			olds := codes("old", 0, n)
			d, api := newFakeDomain(t, olds...)
			d.faults[codesEP] = tt.faults
			ids := map[string]string{}
			var changes []Change
			for i, c := range olds {
				ids[c] = d.ids[c]
				changes = append(changes, Change{Row: i + 2, Current: c, New: "new" + c[3:]})
			}
			outs := Rename(context.Background(), api, changes, tt.opts)
			for _, o := range outs {
				if o.Status != Renamed {
					t.Errorf("%s: %s %s (%s)", o.Code, o.Status, o.ErrorCode, o.Message)
				}
				if d.code(ids[o.Code]) != "new"+o.Code[3:] {
					t.Errorf("%s is called %q", o.Code, d.code(ids[o.Code]))
				}
			}
			if got := d.count(codesEP); got != tt.puts {
				t.Errorf("%d PUT requests, want %d", got, tt.puts)
			}
		})
	}
}

// Between the lookup and the request someone else renames one user and
// takes another's new name: the server refuses the batch; the rest are
// renamed, those two are reported for what happened to them.
func TestRenameRefusedBatch(t *testing.T) {
	d, api := newFakeDomain(t, "a", "b", "c", "d")
	d.before = func(_ string, n int) {
		if n == 1 {
			d.mu.Lock()
			d.ids["b-elsewhere"] = d.ids["b"]
			delete(d.ids, "b")
			d.add("c2")
			d.mu.Unlock()
		}
	}
	outs := Rename(context.Background(), api, []Change{{2, "a", "a2"}, {3, "b", "b2"}, {4, "c", "c2"}, {5, "d", "d2"}}, Options{})
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
	d, api := newFakeDomain(t, olds...)
	d.faults[codesEP] = []fault{faultDrop}
	var changes []Change
	for i, c := range olds {
		changes = append(changes, Change{Row: i + 2, Current: c, New: "new" + c[3:]})
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
	first := Rename(ctx, api, changes, Options{Journal: j, Call: dies})
	if countStatus(first, report.Failed) != 100 || countStatus(first, report.NotAttempted) != 20 {
		t.Fatalf("crashed run: %d failed, %d not attempted", countStatus(first, report.Failed), countStatus(first, report.NotAttempted))
	}
	control := Rename(context.Background(), api, changes[:1], Options{DryRun: true})
	if control[0].Status != report.Skipped {
		t.Fatalf("control: without the journal the done rename is %s, want skipped", control[0].Status)
	}
	resumed := Rename(context.Background(), api, changes, Options{Journal: j, Earlier: NewEvidence(j.Entries())})
	for _, o := range resumed {
		if o.Status != Renamed {
			t.Errorf("resume: %s %s (%s)", o.Code, o.Status, o.Message)
		}
	}
	if !strings.Contains(resumed[0].Message, "interrupted run") {
		t.Errorf("resume: %q", resumed[0].Message)
	}
	if got := d.count(codesEP); got != 2 {
		t.Errorf("%d PUT requests, want 2", got)
	}
}
