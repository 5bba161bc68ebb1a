package importer

import (
	"errors"
	"fmt"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/lifecycle"
	"github.com/userimport/userimport/report"
)

// planLeavers lists the domain's users and plans the deactivation of the
// active ones no row matches. Over the limit, a real run stops here,
// before anything is sent; a dry run goes on to list them all and fails
// at its end.
func (s *importSink) planLeavers(sc *scanned) error {
	st := s.life
	if sc.unmapped > 0 {
		return fmt.Errorf("--deactivate-missing: %s of the file could not be read, so the users it lists are not known for sure and nobody is deactivated; fix them first (run `userimport validate`)", plural(sc.unmapped, "row"))
	}
	idx := s.index
	if idx == nil {
		var err error
		if idx, err = loadIndex(s.snd); err != nil {
			return fatalOr(err)
		}
	}
	users := idx.Users()
	kept, err := keptLeavers(s.o.Resume)
	if err != nil {
		return err
	}
	st.kept = kept
	st.keptDeac = map[string]bool{}
	for _, o := range kept {
		st.keptDeac[o.code] = true
	}
	matched := func(u kintone.User) bool { return sc.matched.Has(s.o.MatchOn, u) }
	protect := []string{st.l.Administrator, st.l.Self}
	if st.l.Administrator == "" {
		protect[0] = lifecycle.DefaultAdministrator
	}
	plan, err := lifecycle.PlanDeactivation(users, matched, protect, st.l.MaxDeactivate)
	var over *lifecycle.OverLimitError
	switch {
	case errors.As(err, &over) && s.o.DryRun:
		st.over = err
	case err != nil:
		return err
	}
	st.plan = &plan
	return nil
}

// keptLeavers returns the leavers a resumed report says were deactivated:
// their lines carry over, as the rows' do.
func keptLeavers(path string) ([]*outcome, error) {
	if path == "" {
		return nil, nil
	}
	var kept []*outcome
	err := report.Read(path, func(r report.Row) error {
		if r.Row == 0 && r.Status == lifecycle.Deactivated {
			kept = append(kept, keptOutcome(&r))
		}
		return nil
	})
	return kept, err
}

// deactivate runs the planned deactivation once every row is done, and
// reports each leaver on a line without a row number, after the rows.
func (s *importSink) deactivate() {
	st := s.life
	if st == nil || st.plan == nil {
		return
	}
	outs := lifecycle.Deactivate(s.snd.send, st.api, *st.plan, st.opts)
	next := s.seq.Written()
	put := func(o *outcome) {
		s.seq.Put(next, o)
		next++
	}
	for _, o := range st.kept {
		put(o)
	}
	for _, out := range outs {
		if st.keptDeac[out.Code] {
			continue
		}
		o := &outcome{code: out.Code}
		st.setLife(o, out)
		put(o)
	}
}
