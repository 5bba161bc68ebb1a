package probe

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/userimport/userimport/kintone"
)

// readOnly runs the steps that change nothing: login, authentication
// errors, rights, guest APIs, users, custom items, services, language.
func (p *prober) readOnly(ctx context.Context) {
	r := p.rep
	r.Login = p.step(ctx, p.read, "login: Get Users (1 user)", "GET /v1/users.json", func(ctx context.Context) error {
		_, err := p.api.GetUsers(ctx, kintone.GetUsersOptions{Size: 1})
		return err
	})
	if p.opts.Anonymous != nil {
		r.AuthErrors = p.step(ctx, p.read, "authentication error: Get Users without credentials", "GET /v1/users.json", func(ctx context.Context) error {
			_, err := p.opts.Anonymous.GetUsers(ctx, kintone.GetUsersOptions{Size: 1})
			return err
		})
		r.Language.Anonymous = languageOf(serverMessages(r.AuthErrors)...)
	}
	if !r.Login.OK {
		r.Rights.Verdict = RightsUnknown
		if isAuthAnswer(r.Login) {
			r.Rights.Verdict = RightsLoginRefused
		}
		r.GuestAPIs.Verdict = GuestsUnknown
		return
	}
	p.rights(ctx)
	p.guestAPIs(ctx)
	p.listUsers(ctx)
	p.listServices(ctx)
	for _, a := range []Answer{r.Rights.Answer, r.GuestAPIs.Answer} {
		if ms := serverMessages(a); len(ms) > 0 {
			r.Language.Account, r.Language.Sample = languageOf(ms...), ms[0]
			break
		}
	}
}

// rights runs the rights probe: Update User Services for a login name no
// user can have.
func (p *prober) rights(ctx context.Context) {
	a := p.step(ctx, p.read, "rights: Update User Services for an impossible login name", "PUT /v1/users/services.json", func(ctx context.Context) error {
		return p.api.UpdateUserServices(ctx, []kintone.UserServices{{Code: probeCode, Services: []string{}}})
	})
	v := RightsUnknown
	switch {
	case a.OK, a.Status == http.StatusBadRequest && !a.HTML:
		v = RightsAdministrator
	case a.Code == kintone.CodeNoPrivilege && p.opts.Credentials == CredToken:
		v = RightsTokenScope
	case a.Code == kintone.CodeNoPrivilege:
		v = RightsNotAdmin
	case isAuthAnswer(a):
		v = RightsLoginRefused
	}
	p.rep.Rights = Rights{Verdict: v, Answer: a}
	if p.opts.Credentials != CredToken {
		return
	}
	switch v {
	case RightsAdministrator:
		p.rep.TokenScope = "read-write+"
	case RightsTokenScope:
		p.rep.TokenScope = "read"
	default:
		p.rep.TokenScope = RightsUnknown
	}
}

// guestAPIs asks Delete Guests for a guest that cannot exist, as the
// importer's pre-flight of a guest import does.
func (p *prober) guestAPIs(ctx context.Context) {
	a := p.step(ctx, p.read, "guest APIs: Delete Guests for an impossible guest", "DELETE /k/v1/guests.json", func(ctx context.Context) error {
		return p.api.DeleteGuests(ctx, []string{probeGuest})
	})
	v := GuestsUnknown
	switch {
	case a.OK, a.Status == http.StatusBadRequest && !a.HTML:
		v = GuestsUsable
	case a.Code == kintone.CodeNoPrivilege:
		v = GuestsNotPermitted
	case isAuthAnswer(a) && p.opts.Credentials == CredToken:
		v = GuestsTokenRefused
	}
	p.rep.GuestAPIs = GuestAPIs{Verdict: v, Answer: a}
}

// listUsers counts the users and their custom items, one page of 100 at a
// time.
func (p *prober) listUsers(ctx context.Context) {
	p.logf("users: Get Users, every page")
	c := Call{Name: "users: Get Users, every page", Request: "GET /v1/users.json"}
	get := kintone.GetUsersFunc(func(ctx context.Context, opt kintone.GetUsersOptions) (users []kintone.User, err error) {
		err = p.read.Call(ctx, p.timed(&c, func(ctx context.Context) error {
			users, err = p.api.GetUsers(ctx, opt)
			return err
		}))
		return users, err
	})
	var (
		n          int
		set        = map[string]int{}
		order      []string
		minN, maxN = -1, 0
		err        error
	)
	for page, perr := range kintone.UserPages(ctx, get) {
		if perr != nil {
			err = perr
			break
		}
		for _, u := range page.Users {
			n++
			for _, cv := range u.CustomItemValues {
				if _, ok := set[cv.Code]; !ok {
					order = append(order, cv.Code)
					set[cv.Code] = 0
				}
				if cv.Value != "" {
					set[cv.Code]++
				}
			}
			k := len(u.CustomItemValues)
			minN, maxN = minOrFirst(minN, k), max(maxN, k)
		}
	}
	c.Answer = answerOf(err)
	p.rep.Calls = append(p.rep.Calls, c)
	if err != nil {
		return
	}
	p.rep.Users = &n
	for _, code := range order {
		p.rep.CustomItems = append(p.rep.CustomItems, CustomItem{Code: code, Set: set[code]})
	}
	if len(order) > 0 {
		all := minN == len(order) && maxN == len(order)
		p.rep.CustomItemsAllListed = &all
	}
}

func minOrFirst(cur, v int) int {
	if cur < 0 || v < cur {
		return v
	}
	return cur
}

// errServicesStuck stops a listing of services whose pages repeat.
var errServicesStuck = errors.New("probe: Get User Services paging made no progress")

// listServices counts the users of each service, one page of 100 at a time.
func (p *prober) listServices(ctx context.Context) {
	p.logf("services: Get User Services, every page")
	c := Call{Name: "services: Get User Services, every page", Request: "GET /v1/users/services.json"}
	counts := map[string]int{}
	seen := map[string]bool{}
	var err error
	for offset := 0; ; {
		var page []kintone.UserServices
		err = p.read.Call(ctx, p.timed(&c, func(ctx context.Context) error {
			var e error
			page, e = p.api.GetUserServices(ctx, nil, offset, kintone.MaxPerRequest)
			return e
		}))
		if err != nil {
			break
		}
		fresh := 0
		for _, u := range page {
			if seen[u.Code] {
				continue
			}
			seen[u.Code] = true
			fresh++
			for _, s := range u.Services {
				counts[s]++
			}
		}
		if len(page) < kintone.MaxPerRequest {
			break
		}
		if fresh == 0 {
			err = fmt.Errorf("%w (from #%d)", errServicesStuck, offset+1)
			break
		}
		offset += len(page)
	}
	c.Answer = answerOf(err)
	p.rep.Calls = append(p.rep.Calls, c)
	if err == nil {
		p.rep.Services = counts
	}
}

// isAuthAnswer reports an authentication refusal (see kintone.IsAuth).
func isAuthAnswer(a Answer) bool {
	switch a.Code {
	case kintone.CodeLoginRequired, kintone.CodeWrongAuth, kintone.CodeTwoFactor:
		return true
	}
	return a.HTML && a.Status == http.StatusUnauthorized
}

// serverMessages returns the texts of a JSON error answer, which the
// server wrote; an HTML page's or an unreadable body's message is the
// client's own, in English whatever the server speaks.
func serverMessages(a Answer) []string {
	if a.OK || a.HTML || a.Code == "" {
		return nil
	}
	return a.messages()
}
