package kintone

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
)

// guestSpacePath is the path of a guest space's Update Guest Members.
func guestSpacePath(spaceID int64) string {
	return "/k/guest/" + strconv.FormatInt(spaceID, 10) + "/v1/space/guests.json"
}

// UpdateGuestSpaceMembers sets the guests of guest space spaceID (PUT
// /k/guest/{spaceID}/v1/space/guests.json, {"id":spaceID,"guests":[...]}).
// It replaces the space's guest list: a guest of the space not in guests
// is removed from it. No API reads a space's guests, so a caller that must
// not remove anyone has to know the list is complete.
//
// Each guest is a guest user's e-mail address, added before with
// AddGuests; an inactive or deleted user is refused. The documents state no
// maximum, and the whole list must go in one request, so no count is
// enforced. An empty list would remove every guest and is refused as
// ErrInvalidArgument, as is a spaceID below 1; nothing is sent then. It
// needs the guest space's administrator, signed in with a password: the
// kintone API accepts no cybozu.com API token here.
func (c *Client) UpdateGuestSpaceMembers(ctx context.Context, spaceID int64, guests []string) error {
	const m = http.MethodPut
	path := guestSpacePath(spaceID)
	if spaceID < 1 {
		return fmt.Errorf("%w: %s /k/guest/{id}/v1/space/guests.json: space id %d is not positive", ErrInvalidArgument, m, spaceID)
	}
	if len(guests) == 0 {
		return fmt.Errorf("%w: %s %s: no guests: the call would remove every guest of the space", ErrInvalidArgument, m, path)
	}
	return c.do(ctx, call{
		method: m, path: path,
		body: struct {
			ID     int64    `json:"id"`
			Guests []string `json:"guests"`
		}{spaceID, guests},
	})
}
