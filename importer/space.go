package importer

import (
	"errors"
	"strings"

	"github.com/userimport/userimport/lifecycle"
	"github.com/userimport/userimport/report"
)

// spaceStep puts the file's guests into a guest space after they are
// added. Update Guest Members replaces the space's whole guest list, so it
// is sent once, with every guest of the file, after the last batch; the
// guests' lines wait for it, to carry its outcome.
type spaceStep struct {
	held    []*item
	summary string
}

// hold keeps a guest's finished row until the space step has run, and
// reports whether it did.
func (st *lifeStage) hold(it *item) bool {
	if st == nil || st.space == nil {
		return false
	}
	st.space.held = append(st.space.held, it)
	return true
}

// inSpace reports whether a guest's row leaves a guest that exists (or
// would), to be put in the space.
func inSpace(o *outcome) bool {
	switch o.status {
	case report.Created, report.WouldCreate, report.Skipped:
		return true
	case report.Failed:
		return o.errCode == "exists" || strings.Contains(strings.Join(o.msgs, " "), "already exists")
	}
	return false
}

// setSpace runs the space step and puts the held rows.
func (s *importSink) setSpace() {
	st := s.life
	if st == nil || st.space == nil {
		return
	}
	sp := st.space
	var rows []lifecycle.Item
	for _, it := range sp.held {
		if inSpace(&it.out) {
			rows = append(rows, lifecycle.Item{Row: it.rec.Row, Code: it.code()})
		}
	}
	plan, err := lifecycle.PlanSpace(st.l.GuestSpace, rows, st.l.ReplaceSpaceGuests)
	results := map[int]lifecycle.StepOutcome{}
	switch {
	case errors.Is(err, lifecycle.ErrNoGuests):
		sp.summary = "guest space: " + err.Error() + "; it was left as it is"
	case err != nil:
		sp.summary = "guest space: " + err.Error()
	default:
		sp.summary = plan.Summary()
		for _, r := range lifecycle.SetSpaceGuests(s.snd.send, st.api, plan, st.opts) {
			results[r.Row] = r
		}
	}
	for _, it := range sp.held {
		o := &it.out
		r, ok := results[it.rec.Row]
		switch {
		case !ok && inSpace(o):
			o.note("guest space: not_attempted: " + sp.summary)
			o.stepFailed = true
		case !ok:
			// A guest that was not added is put in no space.
		case r.Done || strings.HasPrefix(r.Result, "would_"):
			o.note("guest space: " + r.Result)
		default:
			o.note("guest space: " + r.Result)
			if o.errCode == "" {
				o.errCode = r.ErrorCode
			}
			o.stepFailed = true
			if strings.HasPrefix(r.Result, "not_attempted") {
				s.stepsCut.Add(1)
			}
		}
		if o.stepFailed {
			s.stepFailures.Add(1)
		}
		s.seq.Put(it.seq, o)
	}
}
