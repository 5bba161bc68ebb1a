package kintone

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// UserGetter is the one call the pager needs. *Client has it; so does any
// wrapper that paces or retries each request (a pacer.Pacer around
// Client.GetUsers, see GetUsersFunc), which is how callers give every page
// the run's rate limit and retries.
type UserGetter interface {
	GetUsers(ctx context.Context, opt GetUsersOptions) ([]User, error)
}

// GetUsersFunc adapts a function to UserGetter.
type GetUsersFunc func(ctx context.Context, opt GetUsersOptions) ([]User, error)

// GetUsers calls f.
func (f GetUsersFunc) GetUsers(ctx context.Context, opt GetUsersOptions) ([]User, error) {
	return f(ctx, opt)
}

// UserPage is one page of UserPages.
type UserPage struct {
	// Offset is where the page was asked for: the number of users that
	// came before it, for messages such as "listing users from #101".
	Offset int
	// Users are the page's users in id order, without any already
	// yielded on an earlier page.
	Users []User
}

// ErrPagingStuck is returned (wrapped) when a full page holds no user not
// already seen: a server that ignores the offset would otherwise be asked
// for the same page forever.
var ErrPagingStuck = errors.New("kintone: paging made no progress")

// UserPages is the pager of every listing of the domain's users: it asks g
// for pages of MaxPerRequest users by offset (Get Users without ids or
// codes, in id order), yields each page as it arrives, and ends after a
// short page. Breaking out of the loop is the stop: no further page is
// asked for. An error (g's, ctx's, or ErrPagingStuck) is yielded once,
// with the offset of the page that failed, and ends the walk.
//
// Paging by offset is not a snapshot. Users added meanwhile get higher ids
// and are included or not; a user seen on an earlier page that turns up
// again (the pages shifted) is left out, so no user is yielded twice; but a
// user deleted during the walk shifts the later pages down and can hide
// another user from it. Callers that must see every user (a complete
// index) must say so or check afterwards.
//
// Memory: the ids seen so far, a few bytes a user, so that a repeat can
// be recognised whatever order the server's ids sort in.
func UserPages(ctx context.Context, g UserGetter) iter.Seq2[UserPage, error] {
	return func(yield func(UserPage, error) bool) {
		seen := make(map[string]struct{})
		for offset := 0; ; {
			if err := ctx.Err(); err != nil {
				yield(UserPage{Offset: offset}, err)
				return
			}
			raw, err := g.GetUsers(ctx, GetUsersOptions{Offset: offset, Size: MaxPerRequest})
			if err != nil {
				yield(UserPage{Offset: offset}, err)
				return
			}
			fresh := make([]User, 0, len(raw))
			for _, u := range raw {
				if _, dup := seen[u.ID]; dup {
					continue
				}
				seen[u.ID] = struct{}{}
				fresh = append(fresh, u)
			}
			full := len(raw) >= MaxPerRequest
			if full && len(fresh) == 0 {
				yield(UserPage{Offset: offset}, fmt.Errorf("%w: the page from #%d repeats users already listed", ErrPagingStuck, offset+1))
				return
			}
			if len(fresh) > 0 && !yield(UserPage{Offset: offset, Users: fresh}, nil) {
				return
			}
			if !full {
				return
			}
			offset += len(raw)
		}
	}
}
