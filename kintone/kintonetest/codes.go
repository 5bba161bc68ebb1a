package kintonetest

import (
	"net/http"

	"github.com/userimport/userimport/kintone/kintonetest/internal/fields"
)

// updateUserCodes is Update User Codes: PUT /v1/users/codes.json,
// {"codes":[{"currentCode":"a","newCode":"b"}]}, at most 100. The whole
// request is checked against the state before it: currentCode must name a
// user and newCode must be free, so a chain or a swap inside one request
// (a→b, b→c) is refused, which is the safe reading of an undocumented
// case. Services, departments and the id go with the user.
func (d *Domain) updateUserCodes(w http.ResponseWriter, _ *http.Request, c *call) {
	d.commitWrite(w, c, func(errs *fields.Errors) func() {
		raws := c.items("codes", errs)
		if raws == nil {
			return nil
		}
		type rename struct{ from, to string }
		renames := make([]rename, 0, len(raws))
		var from, to newCodes
		for i, raw := range raws {
			at := fields.Path{}.Field("codes").At(i)
			it := fields.ParseItem(raw, fields.CodeChangeRules, true, false, at, errs)
			if it == nil {
				continue
			}
			cur, okCur := it.Str("currentCode")
			next, okNext := it.Str("newCode")
			if okCur {
				if _, exists := d.users[cur]; !exists {
					errs.Add(at.Field("currentCode"), fields.MsgUserNotFound, cur)
				} else {
					from.check(cur, false, at.Field("currentCode"), fields.MsgDuplicate, errs)
				}
			}
			if okNext {
				_, exists := d.users[next]
				to.check(next, exists, at.Field("newCode"), fields.MsgUserExists, errs)
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
