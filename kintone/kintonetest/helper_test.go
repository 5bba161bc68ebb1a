package kintonetest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
)

// resp is a decoded response.
type resp struct {
	status int
	header http.Header
	body   []byte
	err    errorBody // decoded when the body is a JSON error
}

// messages returns the messages under an error key.
func (r resp) messages(key string) []string { return r.err.Errors[key].Messages }

func (r resp) errKeys() []string {
	var ks []string
	for k := range r.err.Errors {
		ks = append(ks, k)
	}
	return ks
}

// req describes one raw request.
type req struct {
	method string
	path   string // path and query
	body   any    // marshalled to JSON unless string/[]byte
	header map[string]string
	noAuth bool
	login  string // X-Cybozu-Authorization login (default admin)
	pass   string
	noCT   bool // omit Content-Type
}

func xauth(login, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(login + ":" + password))
}

func do(t *testing.T, s *Server, q req) resp {
	t.Helper()
	var rd io.Reader
	switch b := q.body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	hr, err := http.NewRequest(q.method, s.URL+q.path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil && !q.noCT {
		hr.Header.Set("Content-Type", "application/json")
	}
	if !q.noAuth {
		login, pass := s.AdminUser, s.AdminPassword
		if q.login != "" {
			login, pass = q.login, q.pass
		}
		hr.Header.Set("X-Cybozu-Authorization", xauth(login, pass))
	}
	// English unless the test asks otherwise: most assertions read the
	// English messages; the default language has its own test.
	hr.Header.Set("Accept-Language", "en")
	for k, v := range q.header {
		hr.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", q.method, q.path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := resp{status: res.StatusCode, header: res.Header, body: body}
	if res.StatusCode != http.StatusOK && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(body, &r.err); err != nil {
			t.Fatalf("error body is not JSON: %v: %s", err, body)
		}
	}
	return r
}

// mustOK fails unless the response is 200 with body {}.
func mustOK(t *testing.T, r resp) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", r.status, r.body)
	}
}

// wantError checks status and code, and that each key/substring pair
// appears among the errors.
func wantError(t *testing.T, r resp, status int, code string, keyMsgs ...string) {
	t.Helper()
	if r.status != status || r.err.Code != code {
		t.Fatalf("got %d %s, want %d %s: %s", r.status, r.err.Code, status, code, r.body)
	}
	if r.header.Get("X-Cybozu-Error") != code {
		t.Errorf("X-Cybozu-Error = %q, want %q", r.header.Get("X-Cybozu-Error"), code)
	}
	if len(r.err.ID) != 20 {
		t.Errorf("error id %q is not 20 characters", r.err.ID)
	}
	for i := 0; i+1 < len(keyMsgs); i += 2 {
		key, sub := keyMsgs[i], keyMsgs[i+1]
		msgs := r.messages(key)
		found := false
		for _, m := range msgs {
			if strings.Contains(m, sub) {
				found = true
			}
		}
		if !found {
			t.Errorf("errors[%q] = %q, want a message containing %q (all: %s)", key, msgs, sub, r.body)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func secret(s string) *kintone.Secret { v := kintone.Secret(s); return &v }

// newUser returns a minimal valid Add Users item.
func newUser(code string) map[string]any {
	return map[string]any{"code": code, "name": "Name " + code, "password": "pw-" + code}
}

func users(items ...map[string]any) map[string]any {
	list := make([]any, len(items))
	for i, it := range items {
		list[i] = it
	}
	return map[string]any{"users": list}
}

// getUsers decodes a Get Users response.
func getUsers(t *testing.T, s *Server, query string) []kintone.User {
	t.Helper()
	r := do(t, s, req{method: http.MethodGet, path: "/v1/users.json" + query})
	mustOK(t, r)
	var out struct{ Users []kintone.User }
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Users
}

func codesOf(us []kintone.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Code
	}
	return out
}
