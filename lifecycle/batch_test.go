package lifecycle

import (
	"context"
	"errors"
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/report"
)

// runEngine sends three tasks through an engine whose requests answer in
// turn with answers[0], answers[1], ... (nil: success).
func runEngine(t *testing.T, j *memJournal, noSplit bool, answers ...error) ([]Outcome, [][]string) {
	t.Helper()
	out := make([]Outcome, 3)
	tasks := make([]*task, 3)
	for i, c := range []string{"a", "b", "c"} {
		out[i].Code = c
		tasks[i] = &task{out: &out[i], code: c}
	}
	var sent [][]string
	e := &engine{
		opts: &Options{Journal: j}, op: OpDeactivate, noSplit: noSplit,
		send: func(_ context.Context, g []*task) error {
			sent = append(sent, taskCodes(g))
			if len(sent) > len(answers) {
				return nil
			}
			return answers[len(sent)-1]
		},
		ok: func(t *task) { t.set(Deactivated, "", "") },
	}
	e.run(context.Background(), tasks)
	return out, sent
}

func refusal(indexes ...int) error {
	e := &kintone.APIError{Status: 400, Code: "CB_VA01", Message: "Missing or invalid input."}
	for _, i := range indexes {
		e.Errors = append(e.Errors, kintone.FieldError{Key: "users.code", Index: i, Field: "code", Messages: []string{"bad"}})
	}
	return e
}

func TestEngineIsolation(t *testing.T) {
	tests := []struct {
		name    string
		noSplit bool
		answers []error
		want    []report.Status
		sends   int
	}{
		{name: "indexed: the named item fails, the rest go again", answers: []error{refusal(1)},
			want: []report.Status{Deactivated, report.Failed, Deactivated}, sends: 2},
		{name: "unindexed: halved until the bad item is alone", answers: []error{refusal(-1), nil, refusal(-1), refusal(-1)},
			want: []report.Status{Deactivated, report.Failed, Deactivated}, sends: 5},
		{name: "unindexed, never split: every item fails", noSplit: true, answers: []error{refusal(-1)},
			want: []report.Status{report.Failed, report.Failed, report.Failed}, sends: 1},
		{name: "a permission refusal stops everything", answers: []error{&kintone.APIError{Status: 403, Code: kintone.CodeNoPrivilege}},
			want: []report.Status{report.NotAttempted, report.NotAttempted, report.NotAttempted}, sends: 1},
		{name: "an unexpected answer fails the group", answers: []error{&kintone.APIError{Status: 404, Code: "CB_NF01"}},
			want: []report.Status{report.Failed, report.Failed, report.Failed}, sends: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := &memJournal{}
			out, sent := runEngine(t, j, tt.noSplit, tt.answers...)
			for i, o := range out {
				if o.Status != tt.want[i] {
					t.Errorf("%s: %s (%s), want %s", o.Code, o.Status, o.Message, tt.want[i])
				}
				_, evidence := NewEvidence(j.Entries()).Sent(OpDeactivate, 0, o.Code)
				if evidence != (o.Status == Deactivated) {
					t.Errorf("%s: %s, yet the journal's evidence says sent=%v", o.Code, o.Status, evidence)
				}
			}
			if len(sent) != tt.sends {
				t.Errorf("%d requests %v, want %d", len(sent), sent, tt.sends)
			}
		})
	}
}

// A lost answer on an operation that cannot be read back sends the same
// items again, at most MaxLost times, and then fails them as
// outcome_unknown, keeping their evidence for --resume.
func TestEngineLostAnswerWithoutSettle(t *testing.T) {
	lost := &kintone.OutcomeUnknownError{Err: errors.New("connection reset")}
	j := &memJournal{}
	out, sent := runEngine(t, j, true, lost, lost, lost, lost, lost, lost, lost, lost, lost)
	if len(sent) != 9 {
		t.Errorf("%d requests, want 9 (the first and 8 more)", len(sent))
	}
	for _, o := range out {
		_, evidence := NewEvidence(j.Entries()).Sent(OpDeactivate, 0, o.Code)
		if o.Status != report.Failed || o.ErrorCode != CodeOutcomeLost || !evidence {
			t.Errorf("%s: %s %s, evidence %v", o.Code, o.Status, o.ErrorCode, evidence)
		}
	}
	if n := len(j.Entries()); n != 1 {
		t.Errorf("%d journal entries, want 1 intent", n)
	}
}
