package kintonetest

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
)

// §4 authentication and §5.2 CB_AU01 / CB_WA01 / CB_NO02.
func TestAuth(t *testing.T) {
	s := NewServer(
		WithUser("reader", "rpw", false),
		WithUser("admin2", "apw", true),
		WithAPIToken("tok-admin", true),
		WithAPIToken("tok-read", false),
	)
	defer s.Close()
	add := func(code string) any { return users(newUser(code)) }

	tests := []struct {
		name   string
		q      req
		status int
		code   string // "" = success
	}{
		{"§4 no credentials → CB_AU01", req{method: "GET", path: "/v1/users.json", noAuth: true}, 401, "CB_AU01"},
		{"§4 wrong password → CB_WA01", req{method: "GET", path: "/v1/users.json", login: "Administrator", pass: "nope"}, 401, "CB_WA01"},
		{"§4 unknown login → CB_WA01", req{method: "GET", path: "/v1/users.json", login: "ghost", pass: "x"}, 401, "CB_WA01"},
		{"§4 bad base64 → CB_WA01", req{method: "GET", path: "/v1/users.json", noAuth: true,
			header: map[string]string{"X-Cybozu-Authorization": "%%%not-base64"}}, 401, "CB_WA01"},
		{"§4 base64 without colon → CB_WA01", req{method: "GET", path: "/v1/users.json", noAuth: true,
			header: map[string]string{"X-Cybozu-Authorization": base64.StdEncoding.EncodeToString([]byte("Administrator"))}}, 401, "CB_WA01"},
		{"§2 reads allowed to non-admin", req{method: "GET", path: "/v1/users.json", login: "reader", pass: "rpw"}, 200, ""},
		{"§5.2 CB_NO02 non-admin write", req{method: "POST", path: "/v1/users.json", login: "reader", pass: "rpw", body: add("a")}, 403, "CB_NO02"},
		{"§2 extra admin account may write", req{method: "POST", path: "/v1/users.json", login: "admin2", pass: "apw", body: add("b")}, 200, ""},
		{"§4 admin API token writes", req{method: "POST", path: "/v1/users.json", noAuth: true, body: add("c"),
			header: map[string]string{"Authorization": "Bearer tok-admin"}}, 200, ""},
		{"§5.2 CB_NO02 read-only token write", req{method: "POST", path: "/v1/users.json", noAuth: true, body: add("d"),
			header: map[string]string{"Authorization": "Bearer tok-read"}}, 403, "CB_NO02"},
		{"§4 read-only token reads", req{method: "GET", path: "/v1/users.json", noAuth: true,
			header: map[string]string{"Authorization": "Bearer tok-read"}}, 200, ""},
		{"§4 token beats a wrong password header", req{method: "GET", path: "/v1/users.json", login: "Administrator", pass: "wrong",
			header: map[string]string{"Authorization": "Bearer tok-read"}}, 200, ""},
		{"§4 bad token wins over a good password", req{method: "GET", path: "/v1/users.json",
			header: map[string]string{"Authorization": "Bearer nope"}}, 401, "CB_WA01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, tt.q)
			if tt.code == "" {
				mustOK(t, r)
				return
			}
			wantError(t, r, tt.status, tt.code)
		})
	}
	if got := do(t, s, req{method: "GET", path: "/v1/users.json", noAuth: true}); got.err.Message != "Please login." {
		t.Errorf("CB_AU01 message = %q", got.err.Message)
	}
	if _, ok := s.User("a"); ok {
		t.Error("a refused write changed state")
	}
}

// §4: a user of the domain logs in with its own password as a
// non-administrator; an inactive user cannot log in.
func TestAuthDomainUsers(t *testing.T) {
	s := NewServer()
	defer s.Close()
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(
		newUser("alice"), map[string]any{"code": "bob", "name": "Bob", "password": "pw-bob", "valid": false})}))
	mustOK(t, do(t, s, req{method: "GET", path: "/v1/users.json", login: "alice", pass: "pw-alice"}))
	wantError(t, do(t, s, req{method: "DELETE", path: "/v1/users.json", login: "alice", pass: "pw-alice",
		body: map[string]any{"codes": []string{"bob"}}}), 403, "CB_NO02")
	wantError(t, do(t, s, req{method: "GET", path: "/v1/users.json", login: "bob", pass: "pw-bob"}), 401, "CB_WA01")
}

// §4: older servers answered CB_AU01/CB_WA01 with 520.
func TestAuthLegacyStatus(t *testing.T) {
	s := NewServer(WithLegacyAuthStatus())
	defer s.Close()
	wantError(t, do(t, s, req{method: "GET", path: "/v1/users.json", noAuth: true}), 520, "CB_AU01")
	wantError(t, do(t, s, req{method: "GET", path: "/v1/users.json", login: "x", pass: "y"}), 520, "CB_WA01")
	mustOK(t, do(t, s, req{method: "GET", path: "/v1/users.json"}))
}

// §1 / §5.2: messages follow Accept-Language.
func TestAuthJapaneseMessages(t *testing.T) {
	s := NewServer(WithUser("reader", "rpw", false))
	defer s.Close()
	ja := map[string]string{"Accept-Language": "ja-JP,ja;q=0.9"}
	tests := []struct {
		q    req
		want string
	}{
		{req{method: "GET", path: "/v1/users.json", noAuth: true, header: ja}, "ログインしてください。"},
		{req{method: "GET", path: "/v1/users.json", login: "x", pass: "y", header: ja}, "ユーザーのパスワード認証に失敗しました。"},
		{req{method: "POST", path: "/v1/users.json", login: "reader", pass: "rpw", header: ja, body: users(newUser("a"))}, "権限がありません。"},
		{req{method: "POST", path: "/v1/users.json", header: ja, body: users(map[string]any{"code": "a"})}, "入力内容が正しくありません。"},
	}
	for _, tt := range tests {
		got := do(t, s, tt.q)
		if !strings.HasPrefix(got.err.Message, tt.want) {
			t.Errorf("message = %q, want prefix %q", got.err.Message, tt.want)
		}
	}
	got := do(t, s, req{method: "POST", path: "/v1/users.json", header: ja, body: users(map[string]any{"code": "a", "password": "p"})})
	if m := got.messages("users[0].name"); len(m) != 1 || m[0] != "必須です。" {
		t.Errorf("ja field message = %q", m)
	}
}

// §4 Basic auth: missing or wrong → HTML 401 page, not JSON; right → API.
func TestBasicAuth(t *testing.T) {
	s := NewServer(WithBasicAuth("bu", "bp"))
	defer s.Close()
	basic := func(u, p string) map[string]string {
		return map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(u+":"+p))}
	}
	for _, h := range []map[string]string{nil, basic("bu", "wrong")} {
		got := do(t, s, req{method: "GET", path: "/v1/users.json", header: h})
		if got.status != 401 || !strings.HasPrefix(got.header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(got.body), "<title>Unauthorized</title>") {
			t.Errorf("without Basic auth: %d %q %s", got.status, got.header.Get("Content-Type"), got.body)
		}
		if got.header.Get("WWW-Authenticate") == "" {
			t.Error("no WWW-Authenticate header")
		}
	}
	mustOK(t, do(t, s, req{method: "GET", path: "/v1/users.json", header: basic("bu", "bp")}))
	// Basic auth does not replace the API login.
	wantError(t, do(t, s, req{method: "GET", path: "/v1/users.json", noAuth: true, header: basic("bu", "bp")}), 401, "CB_AU01")
}

// §4 / §9 IP restriction: an HTML "認証が必要です" page unless Basic auth is
// configured and given.
func TestIPRestriction(t *testing.T) {
	s := NewServer(WithIPRestriction())
	defer s.Close()
	got := do(t, s, req{method: "GET", path: "/v1/users.json"})
	if got.status != 401 || !strings.HasPrefix(got.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(got.body), "認証が必要です") {
		t.Fatalf("IP restricted: %d %s", got.status, got.body)
	}

	s2 := NewServer(WithIPRestriction(), WithBasicAuth("bu", "bp"))
	defer s2.Close()
	h := map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("bu:bp"))}
	mustOK(t, do(t, s2, req{method: "GET", path: "/v1/users.json", header: h}))
	if got := do(t, s2, req{method: "GET", path: "/v1/users.json"}); got.status != http.StatusUnauthorized ||
		!strings.Contains(string(got.body), "認証が必要です") {
		t.Fatalf("IP restricted without Basic: %d %s", got.status, got.body)
	}
}

// §4: Basic auth and a Bearer token both use Authorization; the simulator
// accepts both as two header lines.
func TestBasicAuthWithToken(t *testing.T) {
	s := NewServer(WithBasicAuth("bu", "bp"), WithAPIToken("tok", true))
	defer s.Close()
	hr, _ := http.NewRequest("GET", s.URL+"/v1/users.json", nil)
	hr.Header.Add("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("bu:bp")))
	hr.Header.Add("Authorization", "Bearer tok")
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
}
