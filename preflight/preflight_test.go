package preflight_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/preflight"
)

// TestExplain: each failure says what to fix, and only the ones no request
// could get past are refusals.
func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		name    string
		err     error
		refused bool
		says    string
	}{
		{"login", &kintone.APIError{Status: 401, Code: kintone.CodeWrongAuth}, true, "KINTONE_USERNAME"},
		{"rights", &kintone.APIError{Status: 403, Code: kintone.CodeNoPrivilege}, true, "administrator"},
		{"web page", &kintone.APIError{Status: 403, HTML: true}, true, "IP address"},
		{"path", &kintone.APIError{Status: 404}, false, "without a path"},
		{"host", errors.New("dial tcp: lookup x: no such host"), false, "does not resolve"},
		{"other", errors.New("connection reset"), false, "cannot reach"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := preflight.Explain(tc.err)
			var re *preflight.RefusedError
			if errors.As(err, &re) != tc.refused || !strings.Contains(err.Error(), tc.says) || !errors.Is(err, tc.err) {
				t.Errorf("Explain = %v (refused %v); want refused %v saying %q, wrapping the cause", err, re != nil, tc.refused, tc.says)
			}
		})
	}
}

// TestCheck: against the simulator, an administrator passes for users and
// guests, the probe changes nothing, and a wrong password is refused.
func TestCheck(t *testing.T) {
	srv := kintonetest.NewServer()
	t.Cleanup(srv.Close)
	c, err := kintone.NewClient(srv.URL, kintone.WithPassword(srv.AdminUser, kintone.Secret(srv.AdminPassword)))
	if err != nil {
		t.Fatal(err)
	}
	call := func(fn func(ctx context.Context) error) error { return fn(context.Background()) }
	for _, guests := range []bool{false, true} {
		if warning, err := preflight.Check(call, c, guests); warning != "" || err != nil {
			t.Errorf("guests=%v: warning %q, err %v", guests, warning, err)
		}
	}
	if users, err := c.GetUsers(context.Background(), kintone.GetUsersOptions{}); err != nil || len(users) != 1 {
		t.Errorf("after the probes: %d users, err %v; want the administrator only", len(users), err)
	}
	bad, err := kintone.NewClient(srv.URL, kintone.WithPassword(srv.AdminUser, "wrong-password"))
	if err != nil {
		t.Fatal(err)
	}
	var re *preflight.RefusedError
	if _, err := preflight.Check(call, bad, false); !errors.As(err, &re) {
		t.Errorf("wrong password: %v; want a RefusedError", err)
	}
}
