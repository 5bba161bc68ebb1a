package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/preflight"
	"github.com/userimport/userimport/validate"
)

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

// fatalIfRefused makes a pre-flight failure no request could get past
// fatal (exit code 3).
func fatalIfRefused(err error) error {
	var re *preflight.RefusedError
	if errors.As(err, &re) {
		return &FatalError{Err: err}
	}
	return err
}
