package importer

import (
	"context"
	"strings"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/payload"
	"github.com/userimport/userimport/recovery"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// wouldChange records, in a dry run, a services or departments step that a
// real run would send; a user whose only change is that step would be
// updated.
func wouldChange(items []*item, set func(*item)) {
	for _, it := range items {
		set(it)
		if it.out.status == report.Unchanged {
			it.out.status = report.WouldUpdate
		}
	}
}

func (s *importSink) servicesFor(it *item) []string {
	if svc := payload.Services(&it.rec); svc != nil {
		return svc
	}
	return s.o.Services
}

// assignServices gives new users their services (a user without services
// cannot use kintone) and brings existing users' services in line with a
// services column.
func (s *importSink) assignServices(items []*item) {
	var send, check []*item
	want := map[*item][]string{}
	for _, it := range items {
		if it.resume == recovery.Steps && !recovery.StepUnfinished(it.prev.Services) {
			continue // finished by the previous run, which it.out.services says
		}
		switch it.out.status {
		case report.Created, report.WouldCreate:
			want[it] = s.servicesFor(it)
			send = append(send, it)
		case report.Updated, report.Unchanged, report.WouldUpdate:
			if svc := s.servicesWanted(&it.rec); svc != nil {
				want[it] = svc
				check = append(check, it)
			} else if it.resume == recovery.Steps {
				want[it] = s.servicesFor(it)
				send = append(send, it)
			}
		}
	}
	if len(check) > 0 {
		cur, err := s.currentServices(check)
		for _, it := range check {
			switch {
			case err != nil:
				it.out.services = "failed: could not read current services: " + err.Error()
				it.out.stepFailed = true
			case payload.SameServices(cur[it.existing.Code], want[it]):
				it.out.services = "unchanged"
			default:
				send = append(send, it)
			}
		}
	}
	s.followUp(send, func(it *item) *string { return &it.out.services },
		func(it *item) string { return strings.Join(want[it], ";") }, "would_assign: ",
		func(ctx context.Context, g []*item) error {
			in := make([]kintone.UserServices, len(g))
			for i, it := range g {
				in[i] = kintone.UserServices{Code: userCode(it), Services: want[it]}
			}
			return s.snd.api.UpdateUserServices(ctx, in)
		})
}

// followUp sends a step that follows the user write (services,
// departments). Its outcome goes in its own report column (*outcome(it)):
// "assigned: …", "failed: …" or "not_attempted", the last two marking a row
// that did not end well and that --resume finishes; a user whose only
// change is this step counts as updated. A dry run records what would be
// sent instead.
func (s *importSink) followUp(items []*item, outcome func(*item) *string, value func(*item) string, dryPrefix string, send func(ctx context.Context, g []*item) error) {
	if s.o.DryRun {
		wouldChange(items, func(it *item) { *outcome(it) = dryPrefix + value(it) })
		return
	}
	s.snd.runStep(&step{
		send: send,
		ok: func(it *item) {
			*outcome(it) = "assigned: " + value(it)
			if it.out.status == report.Unchanged {
				it.out.status = report.Updated
			}
		},
		fail: func(it *item, code, msg string) {
			*outcome(it) = "failed: " + msg
			it.out.stepFailed = true
			if it.out.errCode == "" {
				it.out.errCode = code
			}
		},
	}, items)
	for _, it := range items {
		if *outcome(it) == "" && it.out.stop != "" {
			*outcome(it) = "not_attempted"
			it.out.stepFailed = true
			s.stepsCut.Add(1)
		}
	}
}

func (s *importSink) currentServices(items []*item) (map[string][]string, error) {
	codes := make([]string, len(items))
	for i, it := range items {
		codes[i] = it.existing.Code
	}
	var got []kintone.UserServices
	err := s.snd.call(func(ctx context.Context) error {
		var err error
		got, err = s.snd.api.GetUserServices(ctx, codes, 0, kintone.MaxPerRequest)
		return err
	})
	if err != nil {
		return nil, err
	}
	m := make(map[string][]string, len(got))
	for _, us := range got {
		m[us.Code] = us.Services
	}
	return m, nil
}

// userCode is the login name to address a row's user by: the existing
// user's (it may have been matched by employee number or e-mail).
func userCode(it *item) string {
	if it.existing != nil {
		return it.existing.Code
	}
	return it.code()
}

// assignOrganizations applies the organizations column with Update User's
// Departments. It replaces the user's departments, so it is only sent for
// rows that fill the column, and for existing users only when the
// departments differ.
func (s *importSink) assignOrganizations(items []*item) {
	var send []*item
	want := map[*item][]kintone.OrganizationAssignment{}
	for _, it := range items {
		orgs := s.organizationsWanted(&it.rec)
		if orgs == nil || it.resume == recovery.Steps && !recovery.StepUnfinished(it.prev.Departments) {
			continue
		}
		switch it.out.status {
		case report.Created, report.WouldCreate:
		case report.Updated, report.Unchanged, report.WouldUpdate:
			if it.resume != recovery.Steps {
				var cur []kintone.OrganizationTitle
				err := s.snd.call(func(ctx context.Context) error {
					var err error
					cur, err = s.snd.api.GetUserOrganizations(ctx, it.existing.Code)
					return err
				})
				if err != nil {
					it.out.departments = "failed: could not read current departments: " + err.Error()
					it.out.stepFailed = true
					continue
				}
				if payload.SameOrganizations(orgs, cur) {
					it.out.departments = "unchanged"
					continue
				}
			}
		default:
			continue
		}
		want[it] = orgs
		send = append(send, it)
	}
	s.followUp(send, func(it *item) *string { return &it.out.departments },
		func(it *item) string { return it.rec.Values[validate.Organizations] }, "would_set: ",
		func(ctx context.Context, g []*item) error {
			in := make([]kintone.UserOrganizations, len(g))
			for i, it := range g {
				in[i] = kintone.UserOrganizations{Code: userCode(it), Organizations: want[it]}
			}
			return s.snd.api.UpdateUserOrganizations(ctx, in)
		})
}
