package kintonetest

import (
	"net/http"
	"slices"

	"github.com/userimport/userimport/kintone"
)

// addGuests is Add Guests (reference §2 "Guests"): code is an e-mail
// address; password, timezone and name are required. The per-request
// maximum is not documented; the simulator assumes 100 like every other
// batch API (reference §11.7).
func (d *Domain) addGuests(w http.ResponseWriter, _ *http.Request, c *call) {
	d.commitWrite(w, c, func(errs *errList) func() {
		raws := c.items("guests", errs)
		if raws == nil {
			return nil
		}
		items := make([]*item, len(raws))
		var codes newCodes
		for i, raw := range raws {
			at := path{}.field("guests").at(i)
			it := parseItem(raw, guestRules, true, d.cfg.jaLimits, at, errs)
			items[i] = it
			if it == nil {
				continue
			}
			code, ok := it.str("code")
			if !ok {
				continue
			}
			_, exists := d.guests[code]
			codes.check(code, exists, at.field("code"), msgGuestExists, errs)
		}
		codes.count(d)
		commit := func(n int) {
			now := d.now()
			for _, it := range items[:n] {
				g := kintone.GuestInput{
					Code:             it.get("code"),
					Password:         kintone.Secret(it.get("password")),
					Timezone:         it.get("timezone"),
					Name:             it.get("name"),
					Locale:           it.get("locale"),
					Image:            it.get("image"),
					SurNameReading:   it.get("surNameReading"),
					GivenNameReading: it.get("givenNameReading"),
					Company:          it.get("company"),
					Division:         it.get("division"),
					Phone:            it.get("phone"),
					Callto:           it.get("callto"),
				}
				if g.Locale == "" {
					g.Locale = "auto"
				}
				d.guests[g.Code] = &guest{input: g, ctime: now}
			}
		}
		c.partial = func() { commit(firstBadItem(errs)) }
		return func() { commit(len(items)) }
	})
}

// deleteGuests is Delete Guests: {"guests":["a@example.com"]}; it deletes
// the accounts, and so their guest space memberships.
func (d *Domain) deleteGuests(w http.ResponseWriter, _ *http.Request, c *call) {
	d.commitWrite(w, c, func(errs *errList) func() {
		codes := c.codes("guests", errs)
		for i, code := range codes {
			if _, ok := d.guests[code]; code != "" && !ok {
				errs.add(path{}.field("guests").at(i), msgGuestNotFound, code)
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
