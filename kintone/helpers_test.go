package kintone

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// prefix mounts every test server below a non-root path, so that a client
// which builds absolute paths ("/v1/...") instead of joining them to the
// base URL hits a 404.
const prefix = "/base/prefix"

// Secrets used throughout the tests; none may ever show up in output.
const (
	adminLogin = "admin"
	adminPass  = "Adm1n-pässwörd-秘密"
	apiToken   = "cy.s.api1.TOKENSECRET"
	basicUser  = "basic"
	basicPass  = "Basic-Secret-9"
	userPass   = "User-Passw0rd-xyz"
	guestPass  = "Guest-Passw0rd-abc"
)

// recorded is one request as the test server saw it.
type recorded struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
}

// testServer records requests and answers them with handler. Requests
// outside prefix get a 404 JSON error and are recorded all the same.
type testServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newTestServer(t *testing.T, handler http.HandlerFunc) *testServer {
	t.Helper()
	ts := &testServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts.mu.Lock()
		ts.reqs = append(ts.reqs, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
		ts.mu.Unlock()
		if !strings.HasPrefix(r.URL.Path, prefix+"/") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"code":"TEST_NOPREFIX","message":"path outside the base prefix"}`)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		handler(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *testServer) requests() []recorded {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]recorded(nil), ts.reqs...)
}

// clientFor returns a password-authenticated client for ts, with the base
// URL given with a trailing slash.
func clientFor(t *testing.T, ts *testServer, opts ...Option) *Client {
	t.Helper()
	if len(opts) == 0 {
		opts = []Option{WithPassword(adminLogin, adminPass)}
	}
	c, err := NewClient(ts.URL+prefix+"/", opts...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// replyJSON answers every request with status and body as JSON.
func replyJSON(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// jsonEqual compares two JSON texts by value.
func jsonEqual(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %q is not JSON: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body = %s\nwant   %s", got, want)
	}
}

// allSecrets lists every secret, and the encoded header forms of the
// credentials, that must never appear in any output.
func allSecrets() []string {
	return []string{
		adminPass, apiToken, basicPass, userPass, guestPass,
		base64.StdEncoding.EncodeToString([]byte(adminLogin + ":" + adminPass)),
		base64.StdEncoding.EncodeToString([]byte(basicUser + ":" + basicPass)),
	}
}

// assertNoSecret fails when s contains any secret.
func assertNoSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, sec := range allSecrets() {
		if strings.Contains(s, sec) {
			t.Errorf("%s leaks a secret: %q", what, s)
		}
	}
}
