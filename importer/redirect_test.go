package importer_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/recovery"
	"github.com/userimport/userimport/report"
)

// TestRedirectOnAddIsFatal: a domain whose Add Users answers 307 to
// another host. The run stops with an error naming the location, nothing
// is sent there, no batch starts after it, and every row is reported not
// sent.
func TestRedirectOnAddIsFatal(t *testing.T) {
	var caught atomic.Int64
	catcher := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { caught.Add(1) }))
	defer catcher.Close()
	d := kintonetest.NewDomain()
	var adds atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/users.json" {
			adds.Add(1)
			http.Redirect(w, r, catcher.URL+"/v1/users.json", http.StatusTemporaryRedirect)
			return
		}
		d.ServeHTTP(w, r)
	}))
	defer srv.Close()
	clock := new(recovery.ServerClock)
	c, err := kintone.NewClient(srv.URL, kintone.WithPassword(d.AdminUser, kintone.Secret(d.AdminPassword)),
		kintone.WithHTTPClient(&http.Client{Transport: clock.Transport(nil)}))
	if err != nil {
		t.Fatal(err)
	}
	path, _, _ := genUsers(t, t.TempDir(), 300)
	rep := &memReport{}
	o := baseOptions(path, rep)
	o.Concurrency = 1
	_, err = importer.Import(t.Context(), clocked{c, clock}, o)
	var fe *importer.FatalError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), catcher.URL) {
		t.Fatalf("err = %v, want a fatal error naming %s", err, catcher.URL)
	}
	// A second batch may already be waiting for the request slot the
	// first one frees; no batch starts after the redirect.
	if caught.Load() != 0 || adds.Load() > 2 {
		t.Errorf("the catcher got %d requests and Add Users %d, want 0 and at most 2 (of 3 batches)", caught.Load(), adds.Load())
	}
	for _, r := range rep.rows {
		if r.Status != report.NotAttempted && r.Status != report.Invalid {
			t.Errorf("row %d: %s, want not_attempted", r.Row, r.Status)
		}
	}
	if n := len(d.Users()); n != 1 {
		t.Errorf("%d users on the domain, want only the administrator", n)
	}
}
