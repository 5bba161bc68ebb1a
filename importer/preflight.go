package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/validate"
)

// probeCode is a login name no user can have: ':' and '/' are forbidden in
// login names (§3.1). Writing services for it therefore cannot change
// anything, yet the server must check the caller's rights first — which is
// the cheapest way to learn, before sending any row, whether the account is
// an administrator.
const probeCode = "userimport:preflight/probe"

// preflight checks the URL, the credentials and the account's rights with
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
func preflight(r *sender, kind validate.Kind) (warning string, err error) {
	readErr := make(chan error, 1)
	go func() {
		readErr <- r.call(func(ctx context.Context) error {
			_, err := r.api.GetUsers(ctx, kintone.GetUsersOptions{Size: 1})
			return err
		})
	}()
	err = r.call(func(ctx context.Context) error {
		if kind == validate.Guests {
			return r.api.DeleteGuests(ctx, []string{probeCode})
		}
		return r.api.UpdateUserServices(ctx, []kintone.UserServices{{Code: probeCode, Services: []string{}}})
	})
	if rerr := <-readErr; rerr != nil {
		return "", explain(rerr)
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
	return "", explain(err)
}

// explain turns a pre-flight failure into an error that says what to fix.
// Refused credentials and rights are *FatalError (exit code 3).
func explain(err error) error {
	var e *kintone.APIError
	switch {
	case kintone.IsAuth(err):
		return &FatalError{Err: fmt.Errorf("the server refused the login: check KINTONE_USERNAME and KINTONE_PASSWORD (or KINTONE_API_TOKEN); accounts with two-factor authentication cannot use the API: %w", err)}
	case kintone.IsPermission(err) && kintone.Refusal(err) == kintone.RefusedTokenScope:
		return &FatalError{Err: fmt.Errorf("the API token may not write users: it needs the Read and Write scope (and the Dangerous Zone scope to change members of the Administrators group): %w", err)}
	case kintone.IsPermission(err):
		return &FatalError{Err: fmt.Errorf("the account is not allowed to add users: it must be a cybozu.com administrator (or an API token with the Read and Write scope): %w", err)}
	case isRedirect(err):
		loc, _ := kintone.IsRedirect(err)
		return &FatalError{Err: fmt.Errorf("the server answered with a redirect to %q, which the User API never does: KINTONE_BASE_URL must be the domain itself, like https://example.cybozu.com: %w", loc, err)}
	case errors.As(err, &e) && e.HTML:
		return &FatalError{Err: fmt.Errorf("the server answered with a web page instead of the API: the domain probably restricts access by IP address or requires Basic authentication; run from an allowed network or set KINTONE_BASIC_AUTH_USERNAME and KINTONE_BASIC_AUTH_PASSWORD: %w", err)}
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

// userIndex holds every user of the domain, for matching rows by employee
// number or e-mail address (the seed program's own rule). Users that are
// only matched by code need no index: one Get Users request per batch
// finds them.
type userIndex struct {
	byCode, byEmp, byEmail map[string]*kintone.User
}

func loadIndex(r *sender) (*userIndex, error) {
	idx := &userIndex{byCode: map[string]*kintone.User{}, byEmp: map[string]*kintone.User{}, byEmail: map[string]*kintone.User{}}
	// Every page goes through the sender: paced and retried like any
	// request of the run.
	paced := kintone.GetUsersFunc(func(_ context.Context, o kintone.GetUsersOptions) ([]kintone.User, error) {
		var page []kintone.User
		err := r.call(func(ctx context.Context) error {
			var err error
			page, err = r.api.GetUsers(ctx, o)
			return err
		})
		return page, err
	})
	for page, err := range kintone.UserPages(r.stop, paced) {
		if err != nil {
			return nil, fmt.Errorf("listing existing users: %w", err)
		}
		for i := range page.Users {
			u := &page.Users[i]
			idx.byCode[u.Code] = u
			if u.EmployeeNumber != "" {
				idx.byEmp[u.EmployeeNumber] = u
			}
			if u.Email != "" {
				idx.byEmail[strings.ToLower(u.Email)] = u
			}
		}
	}
	return idx, nil
}

// find returns the existing user a row refers to: by the matching key when
// the row has one, else by login name (a login name is unique, so a row
// whose code is taken can never be created anyway).
func (idx *userIndex) find(on MatchOn, rec *validate.Record) *kintone.User {
	switch v := rec.Values; on {
	case MatchEmployeeNumber:
		if u := idx.byEmp[v[validate.EmployeeNumber]]; u != nil && v[validate.EmployeeNumber] != "" {
			return u
		}
	case MatchEmail:
		if u := idx.byEmail[strings.ToLower(v[validate.Email])]; u != nil && v[validate.Email] != "" {
			return u
		}
	}
	return idx.byCode[rec.Values[validate.Code]]
}

// fatalOr makes an error that refuses the credentials or rights fatal.
func fatalOr(err error) error {
	if kintone.IsAuth(err) || kintone.IsPermission(err) {
		return &FatalError{Err: err}
	}
	return err
}
