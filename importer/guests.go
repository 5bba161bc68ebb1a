package importer

import (
	"context"

	"github.com/userimport/userimport/kintone"
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
				in[i] = newGuestInput(&it.rec)
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
			if s.o.Mode == SkipExisting && mentionsExists([]string{msg}) {
				it.out.status = report.Skipped
				it.out.note("guest already exists")
				return
			}
			it.out.fail(code, msg)
		},
		existsMeansDone: true,
		primary:         true,
	}, items)
}
