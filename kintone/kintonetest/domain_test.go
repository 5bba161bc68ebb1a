package kintonetest

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// A Domain is an http.Handler: httptest.NewServer serves it, and its
// accessors see what the requests did.
func TestDomainUnderHTTPTest(t *testing.T) {
	d := NewDomain(WithUsers(userIn("old")))
	ts := httptest.NewServer(d)
	defer ts.Close()
	s := &Server{Domain: d, URL: ts.URL} // the helpers take a *Server for its URL
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("new"))}))
	if _, ok := d.User("new"); !ok {
		t.Fatal("Add Users through httptest did not reach the domain")
	}
	if got := d.Requests().ByEndpoint["POST /v1/users.json"]; got != 1 {
		t.Errorf("requests = %d", got)
	}
	if strings.Contains(d.String(), d.AdminPassword) {
		t.Errorf("String() shows the password: %s", d)
	}
}
