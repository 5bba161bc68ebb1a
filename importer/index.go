package importer

import (
	"context"
	"errors"
	"fmt"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/match"
	"github.com/userimport/userimport/preflight"
)

// loadIndex lists every user of the domain into an index, for matching
// rows by employee number or e-mail address.
func loadIndex(r *sender) (*match.Index, error) {
	idx := match.NewIndex()
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
			idx.Add(&page.Users[i])
		}
	}
	return idx, nil
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
