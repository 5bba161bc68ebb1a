package kintonetest

import (
	"net/http"
)

// codeChangeRules are the two fields of an Update User Codes item
// (reference §2): both required, at most 128 characters, not empty or
// blank. newCode is a login name, so the login name rules apply to it.
var codeChangeRules = []fieldRule{
	{name: "currentCode", max: 128, required: true, notBlank: true},
	{name: "newCode", max: 128, required: true, notBlank: true, check: checkLoginName},
}

// updateUserCodes is Update User Codes: PUT /v1/users/codes.json,
// {"codes":[{"currentCode":"a","newCode":"b"}]}, at most 100. The whole
// request is checked against the state before it: currentCode must name a
// user and newCode must be free, so a chain or a swap inside one request
// (a→b, b→c) is refused, which is the safe reading of an undocumented
// case. Services, departments and the id go with the user.
func (d *Domain) updateUserCodes(w http.ResponseWriter, _ *http.Request, c *call) {
	d.commitWrite(w, c, func(errs *errList) func() {
		raws := c.items("codes", errs)
		if raws == nil {
			return nil
		}
		type rename struct{ from, to string }
		renames := make([]rename, 0, len(raws))
		var from, to newCodes
		for i, raw := range raws {
			at := path{}.field("codes").at(i)
			it := parseItem(raw, codeChangeRules, true, false, at, errs)
			if it == nil {
				continue
			}
			cur, okCur := it.str("currentCode")
			next, okNext := it.str("newCode")
			if okCur {
				if _, exists := d.users[cur]; !exists {
					errs.add(at.field("currentCode"), msgUserNotFound, cur)
				} else {
					from.check(cur, false, at.field("currentCode"), msgDuplicate, errs)
				}
			}
			if okNext {
				_, exists := d.users[next]
				to.check(next, exists, at.field("newCode"), msgUserExists, errs)
			}
			renames = append(renames, rename{cur, next})
		}
		return func() {
			now := d.now()
			for _, r := range renames {
				rec := d.users[r.from]
				delete(d.users, r.from)
				rec.user.Code = r.to
				rec.user.MTime = now
				d.users[r.to] = rec
			}
		}
	})
}
