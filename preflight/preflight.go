// Package preflight checks, with two cheap requests before any row is
// sent, that the address, the credentials and the account's rights are
// right for an import, and explains a failure in terms of what to fix.
package preflight

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/userimport/userimport/kintone"
)

// API is what the checks send: one read and one write that cannot change
// anything.
type API interface {
	GetUsers(ctx context.Context, opt kintone.GetUsersOptions) ([]kintone.User, error)
	DeleteGuests(ctx context.Context, codes []string) error
	UpdateUserServices(ctx context.Context, users []kintone.UserServices) error
}

// RefusedError is a failure no request of the run could get past: the
// login or the rights were refused, or the address is not the API.
type RefusedError struct {
	Err error
}

func (e *RefusedError) Error() string { return e.Err.Error() }

// Unwrap returns the explained failure.
func (e *RefusedError) Unwrap() error { return e.Err }

// probeCode is a login name no user can have: ':' and '/' are forbidden in
// login names (§3.1). Writing services for it therefore cannot change
// anything, yet the server must check the caller's rights first — which is
// the cheapest way to learn, before sending any row, whether the account is
// an administrator.
const probeCode = "userimport:preflight/probe"

// Check checks the URL, the credentials and the account's rights with
// two cheap calls, and explains any failure in terms of what to fix. The
// calls are independent (the probe cannot change anything), so they run at
// the same time; the read's failure is the one explained when both fail,
// since it is the more basic one.
//
// The answer to the rights probe is not documented. A 400 (the expected
// "no such user") or a 2xx says the rights are there. Any other JSON
// answer that is not a refusal of the login or the rights (a 404 or 520
// for the unknown login name, say) leaves them unknown: the read already
// proved the address and the login, so the run goes on and the returned
// warning says so; a batch refused later for want of rights stops the run
// then.
//
// call sends one request the way the run sends every request (paced and
// retried); guests probes the guest API instead of the users'.
func Check(call func(fn func(ctx context.Context) error) error, api API, guests bool) (warning string, err error) {
	readErr := make(chan error, 1)
	go func() {
		readErr <- call(func(ctx context.Context) error {
			_, err := api.GetUsers(ctx, kintone.GetUsersOptions{Size: 1})
			return err
		})
	}()
	err = call(func(ctx context.Context) error {
		if guests {
			return api.DeleteGuests(ctx, []string{probeCode})
		}
		return api.UpdateUserServices(ctx, []kintone.UserServices{{Code: probeCode, Services: []string{}}})
	})
	if rerr := <-readErr; rerr != nil {
		return "", Explain(rerr)
	}
	var e *kintone.APIError
	_, redirected := kintone.IsRedirect(err)
	switch {
	case err == nil:
		return "", nil
	case errors.As(err, &e) && e.Status == 400 && !e.HTML:
		return "", nil // the expected "not found / invalid": rights are fine
	case kintone.IsAuth(err) || kintone.IsPermission(err) || redirected:
	case errors.As(err, &e) && !e.HTML && e.Status >= 400:
		return fmt.Sprintf("the account's rights could not be checked before sending: the rights probe (a write for a login name no user can have) was answered %d %s %q instead of the expected 400; the run goes on, and stops if the server refuses a batch for want of rights", e.Status, e.Code, e.Message), nil
	}
	return "", Explain(err)
}

// Explain turns a pre-flight failure into an error that says what to fix.
// Refused credentials and rights, and an address that is not the API, are
// *RefusedError: no request of the run could get past them.
func Explain(err error) error {
	var e *kintone.APIError
	switch {
	case kintone.IsAuth(err):
		return &RefusedError{Err: fmt.Errorf("the server refused the login: check KINTONE_USERNAME and KINTONE_PASSWORD (or KINTONE_API_TOKEN); accounts with two-factor authentication cannot use the API: %w", err)}
	case kintone.IsPermission(err) && kintone.Refusal(err) == kintone.RefusedTokenScope:
		return &RefusedError{Err: fmt.Errorf("the API token may not write users: it needs the Read and Write scope (and the Dangerous Zone scope to change members of the Administrators group): %w", err)}
	case kintone.IsPermission(err):
		return &RefusedError{Err: fmt.Errorf("the account is not allowed to add users: it must be a cybozu.com administrator (or an API token with the Read and Write scope): %w", err)}
	case isRedirect(err):
		loc, _ := kintone.IsRedirect(err)
		return &RefusedError{Err: fmt.Errorf("the server answered with a redirect to %q, which the User API never does: KINTONE_BASE_URL must be the domain itself, like https://example.cybozu.com: %w", loc, err)}
	case errors.As(err, &e) && e.HTML:
		return &RefusedError{Err: fmt.Errorf("the server answered with a web page instead of the API: the domain probably restricts access by IP address or requires Basic authentication; run from an allowed network or set KINTONE_BASIC_AUTH_USERNAME and KINTONE_BASIC_AUTH_PASSWORD: %w", err)}
	case errors.As(err, &e) && (e.Status == 404 || e.Status == 405):
		return fmt.Errorf("the API was not found at this address: KINTONE_BASE_URL must be the domain only, like https://example.cybozu.com, without a path: %w", err)
	}
	if strings.Contains(err.Error(), "no such host") {
		return fmt.Errorf("the domain in KINTONE_BASE_URL does not resolve; check its spelling: %w", err)
	}
	return fmt.Errorf("cannot reach the User API: %w", err)
}

func isRedirect(err error) bool {
	_, ok := kintone.IsRedirect(err)
	return ok
}
