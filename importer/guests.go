package importer

import (
	"context"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/payload"
	"github.com/userimport/userimport/report"
)

// processGuests sends a batch through Add Guests. The API cannot list
// guests, so existence is learnt from the server's "already exists" answer.
func (s *importSink) processGuests(items []*item) {
	if s.o.DryRun {
		for _, it := range items {
			it.out.status = report.WouldCreate
		}
		return
	}
	s.snd.runStep(&step{
		send: func(ctx context.Context, g []*item) error {
			in := make([]kintone.GuestInput, len(g))
			for i, it := range g {
				in[i] = payload.NewGuest(&it.rec)
			}
			if err := s.assignGuestPasswords(g, in); err != nil {
				return err
			}
			if err := s.logSend(g); err != nil {
				return err
			}
			return createOutcome(s.snd.api.AddGuests(ctx, in))
		},
		ok: func(it *item) { it.out.status = report.Created },
		fail: func(it *item, code, msg string) {
			s.refused(it, code)
			if s.o.Mode == SkipExisting && code == "exists" {
				it.out.status = report.Skipped
				it.out.note("guest already exists")
				return
			}
			it.out.fail(code, msg)
		},
		guests:  true,
		primary: true,
	}, items)
}

// isolateGuests handles a rejected Add Guests request. Rows it names fail
// or, when it says they exist and an earlier request of this run may have
// created them, are confirmed; rows it does not name may have been created
// anyway, which is remembered for their next answer.
func (r *sender) isolateGuests(s *step, group []*item, e *kintone.APIError, byIndex map[int][]string) [][]*item {
	past := rejectedOthers
	if kintone.ClassifyExists(e.Messages()...) == kintone.AlreadyExists {
		past = rejectedUnattributed
	}
	if len(byIndex) == 0 && len(group) > 1 {
		for _, it := range group {
			it.rejected = max(it.rejected, past)
		}
		return halves(group)
	}
	var rest []*item
	for i, it := range group {
		msgs, named := byIndex[i]
		if len(byIndex) == 0 {
			msgs, named = e.Messages(), true
		}
		if !named {
			it.rejected = max(it.rejected, rejectedOthers)
			rest = append(rest, it)
			continue
		}
		r.guestRejected(s, it, e, msgs)
	}
	return [][]*item{rest}
}

// guestRejected settles a guest the server rejected with msgs.
func (r *sender) guestRejected(s *step, it *item, e *kintone.APIError, msgs []string) {
	mayBeOurs := it.out.uncertain || it.rejected != notRejected
	switch exists := kintone.ClassifyExists(msgs...) == kintone.AlreadyExists; {
	case exists && (it.out.uncertain || it.rejected == rejectedOthers):
		it.out.note("confirmed: an earlier request of this run, whose answer was lost or rejected for other rows, had created it")
		it.out.uncertain = false
		s.ok(it)
	case exists && mayBeOurs:
		it.out.unknown("the server says this guest exists, and an earlier request of this run that was rejected without naming its rows may have created it; check the guest on cybozu.com: " + rejectedRow(e, msgs))
	case exists:
		s.fail(it, "exists", rejectedRow(e, msgs))
	case mayBeOurs:
		// A wording no rule knows: the guest may exist, created by the
		// earlier request. Failing it would misreport a guest created.
		it.out.unknown("the server rejected this guest with a message that does not say whether it exists, and an earlier request of this run may have created it; check the guest on cybozu.com: " + rejectedRow(e, msgs))
	default:
		s.fail(it, e.Code, rejectedRow(e, msgs))
	}
}
