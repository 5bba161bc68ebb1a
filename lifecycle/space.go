package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/userimport/userimport/report"
)

// Update Guest Members (PUT /k/guest/{id}/v1/space/guests.json) sets a
// guest space's guest list: guests it does not name leave the space. No
// API reads a space's guests (Get Space Members leaves guests out), so
// the tool cannot send the union of the current guests and the file's:
// it only sets the list when told that the file's guests are to be the
// space's whole list (--replace-space-guests), and says so in the plan.

// ErrReplaceRequired is returned by PlanSpace without replace.
var ErrReplaceRequired = errors.New("setting a guest space's guests replaces them all, and no API can read who is in the space now, so guests not in this file would be removed from it; run again with --replace-space-guests if the file lists every guest the space is to have")

// ErrNoGuests is returned by PlanSpace for an empty list, which would
// remove every guest from the space.
var ErrNoGuests = errors.New("no guest to put in the guest space: sending an empty list would remove every guest from it")

// SpacePlan is a guest space's guest list to be set: exactly the guests of
// the file. Only PlanSpace makes one, so none exists without the
// caller's explicit consent to replace.
type SpacePlan struct {
	Space  int64
	rows   []Item
	guests []string // unique, in file order
}

// PlanSpace plans setting guest space's guests to those of rows. It
// refuses without replace (ErrReplaceRequired), with no guest
// (ErrNoGuests) or with a space id that is not positive.
func PlanSpace(space int64, rows []Item, replace bool) (SpacePlan, error) {
	if space <= 0 {
		return SpacePlan{}, fmt.Errorf("guest space id %d: ids are positive numbers", space)
	}
	if !replace {
		return SpacePlan{}, ErrReplaceRequired
	}
	p := SpacePlan{Space: space, rows: rows}
	seen := map[string]bool{}
	for _, r := range rows {
		if r.Code != "" && !seen[r.Code] {
			seen[r.Code] = true
			p.guests = append(p.guests, r.Code)
		}
	}
	if len(p.guests) == 0 {
		return SpacePlan{}, ErrNoGuests
	}
	return p, nil
}

// Guests returns the guest list the plan sends.
func (p SpacePlan) Guests() []string { return append([]string(nil), p.guests...) }

// Summary says what the plan does to the space, for the dry run and the
// summary.
func (p SpacePlan) Summary() string {
	return fmt.Sprintf("guest space %d: its guests become exactly the %d guests of this file; any other guest is removed from the space (no API can read a space's guests, so the tool cannot add to them)", p.Space, len(p.guests))
}

// StepOutcome is one row's result of a follow-up step, for its report
// column (like services and departments): "assigned: …",
// "would_assign: …", "failed: …" or "not_attempted". Done says whether
// the step ended well; ErrorCode is set when it did not.
type StepOutcome struct {
	Row       int
	Code      string
	Result    string
	ErrorCode string
	Done      bool
}

// SetSpaceGuests sets the plan's guest space's guests (one request: the
// list replaces the space's, so it cannot be split) and returns one
// StepOutcome per row of the plan. A guest the server refuses by index
// (not a guest account, inactive, deleted) fails and the list is sent
// again without it; a refusal that names no guest fails every row. A
// lost answer sends the same list again, which is harmless: it sets the
// same state.
func SetSpaceGuests(ctx context.Context, api SpaceAPI, plan SpacePlan, opts Options) []StepOutcome {
	what := fmt.Sprintf("guest space %d", plan.Space)
	outs := make([]Outcome, len(plan.guests))
	tasks := make([]*task, len(plan.guests))
	byCode := map[string]*task{}
	for i, g := range plan.guests {
		outs[i] = Outcome{Code: g}
		tasks[i] = &task{out: &outs[i], code: g}
		_, tasks[i].journaled = opts.Earlier.Sent(OpSpace, plan.Space, g)
		byCode[g] = tasks[i]
	}
	if !opts.DryRun {
		e := &engine{
			opts: &opts, op: OpSpace, space: plan.Space, whole: true, noSplit: true,
			send: func(ctx context.Context, g []*task) error {
				return api.UpdateGuestSpaceMembers(ctx, plan.Space, taskCodes(g))
			},
			ok: func(t *task) { t.set(report.Updated, "", "") },
		}
		e.run(ctx, tasks)
	}
	res := make([]StepOutcome, len(plan.rows))
	for i, r := range plan.rows {
		res[i] = StepOutcome{Row: r.Row, Code: r.Code}
		t := byCode[r.Code]
		switch {
		case t == nil:
			res[i].Result, res[i].ErrorCode = "failed: no guest login name", "code.required"
		case opts.DryRun:
			res[i].Result = "would_assign: " + what + " (its guests become exactly this file's)"
		case t.out.Status == report.Updated:
			res[i].Result, res[i].Done = "assigned: "+what, true
		case t.out.Status == report.NotAttempted:
			res[i].Result, res[i].ErrorCode = "not_attempted", t.out.ErrorCode
		default:
			res[i].Result = "failed: " + strings.TrimPrefix(t.out.Message, "the server refused it: ")
			res[i].ErrorCode = t.out.ErrorCode
		}
	}
	return res
}
