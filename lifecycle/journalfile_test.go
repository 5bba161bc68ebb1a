package lifecycle

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
)

func TestFileJournalRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Phase: Intent, Op: OpDelete, Items: []EntryItem{{Code: "a", ID: "7"}, {Code: "b", ID: "8"}}},
		{Phase: Intent, Op: OpRename, Items: []EntryItem{{Code: "c", NewCode: "c2", ID: "9"}}},
		{Phase: Refused, Op: OpDelete, Items: []EntryItem{{Code: "b", ID: "8"}}},
		{Phase: Intent, Op: OpSpace, Space: 12, Items: []EntryItem{{Code: "g@example.com"}}},
	}
	for _, e := range want {
		if err := j.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	got, err := ReadJournal(path)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ReadJournal = %+v, %v", got, err)
	}
	ev := NewEvidence(got)
	if _, ok := ev.Sent(OpDelete, 0, "a"); !ok {
		t.Error("a's intent lost")
	}
	if _, ok := ev.Sent(OpDelete, 0, "b"); ok {
		t.Error("b was refused, yet it counts as sent")
	}
	if it, ok := ev.Sent(OpRename, 0, "c"); !ok || it.NewCode != "c2" || it.ID != "9" {
		t.Errorf("rename evidence %+v %v", it, ok)
	}
	if _, ok := ev.Sent(OpSpace, 12, "g@example.com"); !ok {
		t.Error("space intent lost")
	}
}

func TestReadJournal(t *testing.T) {
	good := `{"phase":"intent","op":"delete","items":[{"code":"a"}]}` + "\n"
	tests := []struct {
		name, data string
		n          int
		bad        bool
	}{
		{name: "empty", data: ""},
		{name: "one", data: good, n: 1},
		{name: "torn last line dropped", data: good + `{"phase":"intent","op":"de`, n: 1},
		{name: "garbage in the middle", data: good + "xx\n" + good, bad: true},
		{name: "unknown op", data: `{"phase":"intent","op":"explode","items":[]}` + "\n", bad: true},
		{name: "unknown phase", data: `{"phase":"done","op":"delete","items":[]}` + "\n", bad: true},
	}
	for _, tt := range tests {
		got, err := parseJournal(strings.NewReader(tt.data))
		if tt.bad != errors.Is(err, ErrCorruptJournal) || len(got) != tt.n {
			t.Errorf("%s: %d entries, %v", tt.name, len(got), err)
		}
	}
	if got, err := ReadJournal(filepath.Join(t.TempDir(), "none")); got != nil || err != nil {
		t.Errorf("missing file: %v, %v", got, err)
	}
}

// The whole chain through a file: a run journals and dies between the
// request and its answer, the resume reads the file and reports the users
// deleted without sending them again.
func TestDeleteResumeFromFileJournal(t *testing.T) {
	fp := &faultPlan{endpoint: deleteEP, plan: map[int]fault{1: faultDrop}}
	s, c := newSim(t, 3, fp)
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, crash := context.WithCancel(context.Background())
	first := Delete(ctx, c, items(codes("u", 0, 3)...), Options{Journal: j, Call: func(ctx context.Context, fn func(context.Context) error) error {
		err := fn(ctx)
		if kintone.IsOutcomeUnknown(err) {
			crash()
		}
		return err
	}})
	j.Close()
	if first[0].ErrorCode != CodeOutcomeLost {
		t.Fatalf("crashed run: %+v", first[0])
	}
	entries, err := ReadJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	resumed := Delete(context.Background(), c, items(codes("u", 0, 3)...), Options{Earlier: NewEvidence(entries)})
	if countStatus(resumed, Deleted) != 3 || fp.count() != 1 || len(s.Users()) != 1 {
		t.Errorf("resume %+v after %d requests", resumed, fp.count())
	}
}

func FuzzReadJournal(f *testing.F) {
	f.Add(`{"phase":"intent","op":"delete","items":[{"code":"a"}]}` + "\n")
	f.Add(`{"phase":"refused","op":"rename","items":[{"code":"a","newCode":"b","id":"1"}]}` + "\n{")
	f.Fuzz(func(t *testing.T, data string) {
		entries, err := parseJournal(strings.NewReader(data))
		if err != nil {
			return
		}
		for _, e := range entries {
			if !e.valid() {
				t.Fatalf("invalid entry accepted: %+v", e)
			}
		}
		NewEvidence(entries) // must not panic
	})
}
