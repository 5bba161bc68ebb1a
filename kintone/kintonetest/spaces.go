package kintonetest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

// updateGuestMembers is Update Guest Members:
// PUT /k/guest/{ID}/v1/space/guests.json, {"id":ID,"guests":["g@example.com"]}.
// It sets the guest space's guest list: guests not listed leave the space
// (reference §2). id (a number or a string) and guests are required; every
// listed login name must be a guest user. The page states no maximum, so
// none is applied beyond the body size. The space is the one the body's id
// names; the path's ID must be a guest space too.
func (d *Domain) updateGuestMembers(w http.ResponseWriter, _ *http.Request, c *call) {
	d.commitWrite(w, c, func(errs *errList) func() {
		if _, ok := d.spaces[c.space]; !ok {
			errs.add(path{}.field("id"), msgSpaceNotFound, c.space)
			return nil
		}
		id, ok := d.spaceID(c.body["id"], errs)
		if !ok {
			return nil
		}
		raw, present := c.body["guests"]
		list, isArray := decodeArray(raw)
		if !present || isNull(raw) {
			errs.add(path{}.field("guests"), msgRequired)
			return nil
		}
		if !isArray {
			errs.add(path{}.field("guests"), msgType)
			return nil
		}
		codes := make([]string, 0, len(list))
		for i, e := range list {
			at := path{}.field("guests").at(i)
			code, err := unmarshalString(e)
			switch {
			case err != nil:
				errs.add(at, msgType)
			case code == "":
				errs.add(at, msgRequired)
			case d.guests[code] == nil:
				errs.add(at, msgNotGuest, code)
			case !slices.Contains(codes, code):
				codes = append(codes, code)
			}
		}
		return func() { d.spaces[id] = codes }
	})
}

// spaceID reads the id parameter of a space request: a JSON number or a
// string of digits naming a guest space of the domain.
func (d *Domain) spaceID(raw json.RawMessage, errs *errList) (string, bool) {
	at := path{}.field("id")
	if raw == nil || isNull(raw) {
		errs.add(at, msgRequired)
		return "", false
	}
	var id string
	if s, err := unmarshalString(raw); err == nil {
		id = s
	} else {
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			errs.add(at, msgType)
			return "", false
		}
		id = n.String()
	}
	if _, err := strconv.ParseUint(id, 10, 63); err != nil {
		errs.add(at, msgBadID, id)
		return "", false
	}
	if _, ok := d.spaces[id]; !ok {
		errs.add(at, msgSpaceNotFound, id)
		return "", false
	}
	return id, true
}
