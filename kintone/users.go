package kintone

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Endpoint paths, relative to the base URL.
const (
	pathUsers             = "/v1/users.json"
	pathUserServices      = "/v1/users/services.json"
	pathUserOrganizations = "/v1/user/organizations.json"
	pathUserOrgsUpdate    = "/v1/userOrganizations.json"
	pathGuests            = "/k/v1/guests.json"
	pathUserCodes         = "/v1/users/codes.json"
)

// ErrInvalidArgument is returned (wrapped) when a call's arguments can never
// be valid (ids and codes together, a size outside 1..100); nothing is sent.
var ErrInvalidArgument = errors.New("kintone: invalid argument")

// checkCount refuses a request that carries more than MaxPerRequest items.
func checkCount(method, path, what string, n int) error {
	if n > MaxPerRequest {
		return fmt.Errorf("%w: %s %s: %d %s, at most %d per request", ErrTooMany, method, path, n, what, MaxPerRequest)
	}
	return nil
}

// checkPage validates offset and size (0 = server default).
func checkPage(method, path string, offset, size int) error {
	if offset < 0 {
		return fmt.Errorf("%w: %s %s: negative offset %d", ErrInvalidArgument, method, path, offset)
	}
	if size < 0 || size > MaxPerRequest {
		return fmt.Errorf("%w: %s %s: size %d outside 1..%d", ErrInvalidArgument, method, path, size, MaxPerRequest)
	}
	return nil
}

// pageParams appends the array elements (name[i]=v), offset and size.
func pageParams(name string, values []string, offset, size int) []param {
	ps := make([]param, 0, len(values)+2)
	for i, v := range values {
		ps = append(ps, param{name + "[" + strconv.Itoa(i) + "]", v})
	}
	if offset > 0 {
		ps = append(ps, param{"offset", strconv.Itoa(offset)})
	}
	if size > 0 {
		ps = append(ps, param{"size", strconv.Itoa(size)})
	}
	return ps
}

// getUsersBody is the JSON form of Get Users' parameters, used when the
// query string would be too long.
type getUsersBody struct {
	IDs    []string `json:"ids,omitempty"`
	Codes  []string `json:"codes,omitempty"`
	Offset int      `json:"offset,omitempty"`
	Size   int      `json:"size,omitempty"`
}

// GetUsers returns users by IDs or by Codes (at most 100, never both), or,
// with neither, the page of Size users (default 100) from Offset in id order.
// Unknown ids or codes are simply absent from the result.
func (c *Client) GetUsers(ctx context.Context, opt GetUsersOptions) ([]User, error) {
	const m = http.MethodGet
	if len(opt.IDs) > 0 && len(opt.Codes) > 0 {
		return nil, fmt.Errorf("%w: %s %s: ids and codes are mutually exclusive", ErrInvalidArgument, m, pathUsers)
	}
	if err := checkCount(m, pathUsers, "ids", len(opt.IDs)); err != nil {
		return nil, err
	}
	if err := checkCount(m, pathUsers, "codes", len(opt.Codes)); err != nil {
		return nil, err
	}
	if err := checkPage(m, pathUsers, opt.Offset, opt.Size); err != nil {
		return nil, err
	}
	var query []param
	if len(opt.IDs) > 0 {
		query = pageParams("ids", opt.IDs, opt.Offset, opt.Size)
	} else {
		query = pageParams("codes", opt.Codes, opt.Offset, opt.Size)
	}
	var out struct {
		Users []User `json:"users"`
	}
	err := c.do(ctx, call{
		method: m, path: pathUsers, query: query, out: &out,
		body: getUsersBody(opt),
	})
	if err != nil {
		return nil, err
	}
	return out.Users, nil
}

// AllUsers yields every user of the domain one at a time, in id order: the
// pages of UserPages, flattened, with c's requests neither paced nor
// retried. It yields (User{}, err) once and stops on the first error;
// breaking out of the loop sends no further request. Callers that pace or
// retry their requests use UserPages with their own UserGetter.
func (c *Client) AllUsers(ctx context.Context) iter.Seq2[User, error] {
	return func(yield func(User, error) bool) {
		for page, err := range UserPages(ctx, c) {
			if err != nil {
				yield(User{}, err)
				return
			}
			for _, u := range page.Users {
				if !yield(u, nil) {
					return
				}
			}
		}
	}
}

// userPasswords lists the passwords of a batch, to scrub from errors.
func userPasswords(users []UserInput) []string {
	var out []string
	for _, u := range users {
		if u.Password != nil {
			out = append(out, u.Password.Reveal())
		}
	}
	return out
}

// AddUsers creates users (POST /v1/users.json). New users have no services
// until UpdateUserServices grants them. An empty slice sends nothing and
// returns nil; more than MaxPerRequest returns ErrTooMany.
func (c *Client) AddUsers(ctx context.Context, users []UserInput) error {
	return c.writeUsers(ctx, http.MethodPost, users)
}

// UpdateUsers changes existing users, identified by Code (PUT
// /v1/users.json); nil fields are left alone. An empty slice sends nothing
// and returns nil; more than MaxPerRequest returns ErrTooMany.
func (c *Client) UpdateUsers(ctx context.Context, users []UserInput) error {
	return c.writeUsers(ctx, http.MethodPut, users)
}

func (c *Client) writeUsers(ctx context.Context, method string, users []UserInput) error {
	if len(users) == 0 {
		return nil
	}
	if err := checkCount(method, pathUsers, "users", len(users)); err != nil {
		return err
	}
	return c.do(ctx, call{
		method: method, path: pathUsers,
		body: struct {
			Users []UserInput `json:"users"`
		}{users},
		secrets: userPasswords(users),
	})
}

// DeleteUsers deletes users by code (DELETE /v1/users.json with a JSON body,
// or the query string if the server refuses the body; see deleteCall).
// An empty slice sends nothing and returns nil; more than MaxPerRequest
// returns ErrTooMany.
func (c *Client) DeleteUsers(ctx context.Context, codes []string) error {
	const m = http.MethodDelete
	if len(codes) == 0 {
		return nil
	}
	if err := checkCount(m, pathUsers, "codes", len(codes)); err != nil {
		return err
	}
	return c.deleteCall(ctx, pathUsers, "codes", codes)
}

// deleteCall sends a DELETE whose one parameter is the array name. The
// documents send it as a JSON body, Cybozu's own SDK in the query string
// (name[0]=a&name[1]=b); both are accepted by the service as far as is
// known. A server that refuses the body (see refusesBody) is sent the
// query-string form once, at once, and every later DELETE of this Client
// goes in that form: a 400 means nothing was deleted, so sending again is
// safe. A query string longer than the URL limit goes as a POST with
// X-HTTP-Method-Override: DELETE and the JSON body.
func (c *Client) deleteCall(ctx context.Context, path, name string, values []string) error {
	q := &queryArray{name: name, values: values}
	asQuery := call{method: http.MethodDelete, path: path, query: pageParams(name, values, 0, 0), inQuery: q}
	if c.deleteInQuery.Load() {
		return c.do(ctx, asQuery)
	}
	err := c.do(ctx, call{method: http.MethodDelete, path: path, body: map[string][]string{name: values}, inQuery: q})
	if !refusesBody(err, name) {
		return err
	}
	c.deleteInQuery.Store(true)
	return c.do(ctx, asQuery)
}

// refusesBody reports a 400 that says the DELETE's parameter did not
// arrive, which is what a server that ignores a DELETE body answers:
// CB_IL02 (the body is empty or not JSON), or CB_VA01 whose every field
// error names the parameter as a whole ("codes": required), none an item
// of it ("codes[3]") or another field. Any other 400 is about the values
// and is returned as it is.
func refusesBody(err error, name string) bool {
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || ae.HTML {
		return false
	}
	switch ae.Code {
	case CodeInvalidJSON:
		return true
	case CodeInvalidInput:
		if len(ae.Errors) == 0 {
			return false
		}
		for _, fe := range ae.Errors {
			if fe.Key != name {
				return false
			}
		}
		return true
	}
	return false
}

// CodeChange renames one user: Current is the login name now, New the one
// it becomes.
type CodeChange struct {
	Current string `json:"currentCode"`
	New     string `json:"newCode"`
}

// maxCodeLength is the documented limit of a login name, in characters.
const maxCodeLength = 128

// UpdateUserCodes changes users' login names (PUT /v1/users/codes.json,
// {"codes":[{"currentCode","newCode"}]}). Both names of every change must
// be non-blank and at most 128 characters (ErrInvalidArgument otherwise;
// nothing is sent). An empty slice sends nothing and returns nil; more than
// MaxPerRequest returns ErrTooMany. With an API token it needs the Read and
// Write scope.
func (c *Client) UpdateUserCodes(ctx context.Context, changes []CodeChange) error {
	const m = http.MethodPut
	if len(changes) == 0 {
		return nil
	}
	if err := checkCount(m, pathUserCodes, "code changes", len(changes)); err != nil {
		return err
	}
	for i, ch := range changes {
		for _, code := range []string{ch.Current, ch.New} {
			if strings.TrimSpace(code) == "" || utf8.RuneCountInString(code) > maxCodeLength {
				return fmt.Errorf("%w: %s %s: change %d: a login name must be 1 to %d characters, not blank", ErrInvalidArgument, m, pathUserCodes, i, maxCodeLength)
			}
		}
	}
	return c.do(ctx, call{
		method: m, path: pathUserCodes,
		body: struct {
			Codes []CodeChange `json:"codes"`
		}{changes},
	})
}

// GetUserServices returns the services of the given users (at most 100), or
// with no codes a page of all users from offset (size 0 = server default).
// The Administrator user is never listed.
func (c *Client) GetUserServices(ctx context.Context, codes []string, offset, size int) ([]UserServices, error) {
	const m = http.MethodGet
	if err := checkCount(m, pathUserServices, "codes", len(codes)); err != nil {
		return nil, err
	}
	if err := checkPage(m, pathUserServices, offset, size); err != nil {
		return nil, err
	}
	var out struct {
		Users []UserServices `json:"users"`
	}
	err := c.do(ctx, call{
		method: m, path: pathUserServices, out: &out,
		query: pageParams("codes", codes, offset, size),
		body:  getUsersBody{Codes: codes, Offset: offset, Size: size},
	})
	if err != nil {
		return nil, err
	}
	return out.Users, nil
}

// UpdateUserServices replaces each user's service list (PUT
// /v1/users/services.json). A nil Services is sent as [] (remove every
// service), never as null. An empty slice sends nothing and returns nil; more
// than MaxPerRequest returns ErrTooMany.
func (c *Client) UpdateUserServices(ctx context.Context, users []UserServices) error {
	const m = http.MethodPut
	if len(users) == 0 {
		return nil
	}
	if err := checkCount(m, pathUserServices, "users", len(users)); err != nil {
		return err
	}
	sent := make([]UserServices, len(users))
	for i, u := range users {
		if u.Services == nil {
			u.Services = []string{}
		}
		sent[i] = u
	}
	return c.do(ctx, call{
		method: m, path: pathUserServices,
		body: struct {
			Users []UserServices `json:"users"`
		}{sent},
	})
}

// GetUserOrganizations returns the departments of one user with the title
// held in each (GET /v1/user/organizations.json?code=).
func (c *Client) GetUserOrganizations(ctx context.Context, code string) ([]OrganizationTitle, error) {
	const m = http.MethodGet
	if code == "" {
		return nil, fmt.Errorf("%w: %s %s: empty code", ErrInvalidArgument, m, pathUserOrganizations)
	}
	var out struct {
		OrganizationTitles []OrganizationTitle `json:"organizationTitles"`
	}
	err := c.do(ctx, call{
		method: m, path: pathUserOrganizations, out: &out,
		query: []param{{"code", code}},
		body: struct {
			Code string `json:"code"`
		}{code},
	})
	if err != nil {
		return nil, err
	}
	return out.OrganizationTitles, nil
}

// UpdateUserOrganizations replaces each user's departments (PUT
// /v1/userOrganizations.json); the first is the primary one and departments
// not listed are removed. A nil Organizations is sent as []. Each request
// carries at most MaxPerRequest users and each user at most MaxPerRequest
// departments (ErrTooMany otherwise). An empty slice sends nothing.
func (c *Client) UpdateUserOrganizations(ctx context.Context, users []UserOrganizations) error {
	const m = http.MethodPut
	if len(users) == 0 {
		return nil
	}
	if err := checkCount(m, pathUserOrgsUpdate, "users", len(users)); err != nil {
		return err
	}
	sent := make([]UserOrganizations, len(users))
	for i, u := range users {
		if err := checkCount(m, pathUserOrgsUpdate, "departments for user "+strconv.Quote(u.Code), len(u.Organizations)); err != nil {
			return err
		}
		if u.Organizations == nil {
			u.Organizations = []OrganizationAssignment{}
		}
		sent[i] = u
	}
	return c.do(ctx, call{
		method: m, path: pathUserOrgsUpdate,
		body: struct {
			UserOrganizations []UserOrganizations `json:"userOrganizations"`
		}{sent},
	})
}

// AddGuests creates kintone guest users (POST /k/v1/guests.json). Guests are
// not cybozu.com users: Get Users does not return them. The documented
// maximum is not stated; MaxPerRequest is assumed. An empty slice sends
// nothing and returns nil.
func (c *Client) AddGuests(ctx context.Context, guests []GuestInput) error {
	const m = http.MethodPost
	if len(guests) == 0 {
		return nil
	}
	if err := checkCount(m, pathGuests, "guests", len(guests)); err != nil {
		return err
	}
	secrets := make([]string, 0, len(guests))
	for _, g := range guests {
		secrets = append(secrets, g.Password.Reveal())
	}
	return c.do(ctx, call{
		method: m, path: pathGuests,
		body: struct {
			Guests []GuestInput `json:"guests"`
		}{guests},
		secrets: secrets,
	})
}

// DeleteGuests deletes guest accounts by e-mail address (DELETE
// /k/v1/guests.json with {"guests":[...]}, or the query string if the
// server refuses the body; see deleteCall). An empty slice sends nothing and
// returns nil; more than MaxPerRequest returns ErrTooMany.
func (c *Client) DeleteGuests(ctx context.Context, codes []string) error {
	const m = http.MethodDelete
	if len(codes) == 0 {
		return nil
	}
	if err := checkCount(m, pathGuests, "guests", len(codes)); err != nil {
		return err
	}
	return c.deleteCall(ctx, pathGuests, "guests", codes)
}
