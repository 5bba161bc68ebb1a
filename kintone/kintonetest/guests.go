package kintonetest

import (
	"net/http"
	"slices"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest/internal/fields"
)

// addGuests is Add Guests (reference §2 "Guests"): code is an e-mail
// address; password, timezone and name are required. The per-request
// maximum is not documented; the simulator assumes 100 like every other
// batch API (reference §11.7).
func (d *Domain) addGuests(w http.ResponseWriter, _ *http.Request, c *call) {
	d.commitWrite(w, c, func(errs *fields.Errors) func() {
		raws := c.items("guests", errs)
		if raws == nil {
			return nil
		}
		items := make([]*fields.Item, len(raws))
		var codes newCodes
		for i, raw := range raws {
			at := fields.Path{}.Field("guests").At(i)
			it := fields.ParseItem(raw, fields.GuestRules, true, d.cfg.jaLimits, at, errs)
			items[i] = it
			if it == nil {
				continue
			}
			code, ok := it.Str("code")
			if !ok {
				continue
			}
			_, exists := d.guests[code]
			codes.check(code, exists, at.Field("code"), fields.MsgGuestExists, errs)
		}
		codes.count(d)
		commit := func(n int) {
			now := d.now()
			for _, it := range items[:n] {
				g := kintone.GuestInput{
					Code:             it.Get("code"),
					Password:         kintone.Secret(it.Get("password")),
					Timezone:         it.Get("timezone"),
					Name:             it.Get("name"),
					Locale:           it.Get("locale"),
					Image:            it.Get("image"),
					SurNameReading:   it.Get("surNameReading"),
					GivenNameReading: it.Get("givenNameReading"),
					Company:          it.Get("company"),
					Division:         it.Get("division"),
					Phone:            it.Get("phone"),
					Callto:           it.Get("callto"),
				}
				if g.Locale == "" {
					g.Locale = "auto"
				}
				d.guests[g.Code] = &guest{input: g, ctime: now}
			}
		}
		c.partial = func() { commit(errs.FirstItem()) }
		return func() { commit(len(items)) }
	})
}

// deleteGuests is Delete Guests: {"guests":["a@example.com"]}; it deletes
// the accounts, and so their guest space memberships.
func (d *Domain) deleteGuests(w http.ResponseWriter, _ *http.Request, c *call) {
	d.commitWrite(w, c, func(errs *fields.Errors) func() {
		codes := c.codes("guests", errs)
		for i, code := range codes {
			if _, ok := d.guests[code]; code != "" && !ok {
				errs.Add(fields.Path{}.Field("guests").At(i), fields.MsgGuestNotFound, code)
			}
		}
		return func() {
			for _, code := range codes {
				delete(d.guests, code)
			}
			for id, members := range d.spaces {
				d.spaces[id] = slices.DeleteFunc(members, func(g string) bool { return slices.Contains(codes, g) })
			}
		}
	})
}
