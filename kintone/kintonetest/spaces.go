package kintonetest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/userimport/userimport/kintone/kintonetest/internal/fields"
)

// updateGuestMembers is Update Guest Members:
// PUT /k/guest/{ID}/v1/space/guests.json, {"id":ID,"guests":["g@example.com"]}.
// It sets the guest space's guest list: guests not listed leave the space
// (reference §2). id (a number or a string) and guests are required; every
// listed login name must be a guest user. The page states no maximum, so
// none is applied beyond the body size. The space is the one the body's id
// names; the path's ID must be a guest space too.
func (d *Domain) updateGuestMembers(w http.ResponseWriter, _ *http.Request, c *call) {
	d.commitWrite(w, c, func(errs *fields.Errors) func() {
		if _, ok := d.spaces[c.space]; !ok {
			errs.Add(fields.Path{}.Field("id"), fields.MsgSpaceNotFound, c.space)
			return nil
		}
		id, ok := d.spaceID(c.body["id"], errs)
		if !ok {
			return nil
		}
		raw, present := c.body["guests"]
		list, isArray := fields.DecodeArray(raw)
		if !present || fields.IsNull(raw) {
			errs.Add(fields.Path{}.Field("guests"), fields.MsgRequired)
			return nil
		}
		if !isArray {
			errs.Add(fields.Path{}.Field("guests"), fields.MsgType)
			return nil
		}
		codes := make([]string, 0, len(list))
		for i, e := range list {
			at := fields.Path{}.Field("guests").At(i)
			code, err := fields.UnmarshalString(e)
			switch {
			case err != nil:
				errs.Add(at, fields.MsgType)
			case code == "":
				errs.Add(at, fields.MsgRequired)
			case d.guests[code] == nil:
				errs.Add(at, fields.MsgNotGuest, code)
			case !slices.Contains(codes, code):
				codes = append(codes, code)
			}
		}
		return func() { d.spaces[id] = codes }
	})
}

// spaceID reads the id parameter of a space request: a JSON number or a
// string of digits naming a guest space of the domain.
func (d *Domain) spaceID(raw json.RawMessage, errs *fields.Errors) (string, bool) {
	at := fields.Path{}.Field("id")
	if raw == nil || fields.IsNull(raw) {
		errs.Add(at, fields.MsgRequired)
		return "", false
	}
	var id string
	if s, err := fields.UnmarshalString(raw); err == nil {
		id = s
	} else {
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			errs.Add(at, fields.MsgType)
			return "", false
		}
		id = n.String()
	}
	if _, err := strconv.ParseUint(id, 10, 63); err != nil {
		errs.Add(at, fields.MsgBadID, id)
		return "", false
	}
	if _, ok := d.spaces[id]; !ok {
		errs.Add(at, fields.MsgSpaceNotFound, id)
		return "", false
	}
	return id, true
}
