package kintonetest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
)

// WithPartialCommit: a rejected Add Users or Add Guests request keeps the
// items before the first invalid one; without it nothing is kept.
func TestPartialCommit(t *testing.T) {
	bad := map[string]any{"code": "bad"} // no name, no password
	tests := []struct {
		name      string
		partial   bool
		path      string
		body      any
		key       string   // the error key expected
		committed []string // users or guests that exist afterwards
	}{
		{"atomic by default", false, "/v1/users.json", users(newUser("a"), newUser("b"), bad, newUser("d")), "users[2].name", nil},
		{"rows before the first invalid one", true, "/v1/users.json", users(newUser("a"), newUser("b"), bad, newUser("d")), "users[2].name", []string{"a", "b"}},
		{"first row invalid", true, "/v1/users.json", users(bad, newUser("b")), "users[0].name", nil},
		{"duplicate inside the batch", true, "/v1/users.json", users(newUser("a"), newUser("a"), newUser("c")), "users[1].code", []string{"a"}},
		{"guests", true, "/k/v1/guests.json",
			map[string]any{"guests": []any{newGuest("g1@example.com"), map[string]any{"code": "nope"}, newGuest("g3@example.com")}},
			"guests[1].code", []string{"g1@example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []Option
			if tt.partial {
				opts = append(opts, WithPartialCommit())
			}
			s := NewServer(opts...)
			defer s.Close()
			wantError(t, do(t, s, req{method: "POST", path: tt.path, body: tt.body}), 400, "CB_VA01", tt.key, "")
			var got []string
			if strings.HasPrefix(tt.path, "/k/") {
				got = s.Guests()
			} else {
				got = codesOf(s.Users())[1:] // without the Administrator
			}
			if !slices.Equal(got, tt.committed) {
				t.Errorf("committed %v, want %v", got, tt.committed)
			}
			wantPartial := 0
			if tt.partial {
				wantPartial = 1
			}
			if st := s.Requests(); st.PartialCommits != wantPartial || st.Committed != 0 {
				t.Errorf("PartialCommits = %d, Committed = %d", st.PartialCommits, st.Committed)
			}
		})
	}
}

// WithUnknownUserStatus: Update User Services naming an unknown login name
// answers 400, 404 or 520, always with the CB_VA01 body; a known one is
// unaffected.
func TestUnknownUserStatus(t *testing.T) {
	for _, status := range []int{0, 400, 404, 520} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			var opts []Option
			if status != 0 {
				opts = append(opts, WithUnknownUserStatus(status))
			}
			s := NewServer(append(opts, WithUsers(userIn("known")))...)
			defer s.Close()
			want := max(status, 400)
			probe := users(map[string]any{"code": "no-such-user-x", "services": []string{}})
			wantError(t, do(t, s, req{method: "PUT", path: "/v1/users/services.json", body: probe}), want, "CB_VA01", "users[0].code", "not found")
			mustOK(t, do(t, s, req{method: "PUT", path: "/v1/users/services.json",
				body: users(map[string]any{"code": "known", "services": []string{"kintone"}})}))
			// Other endpoints keep 400.
			wantError(t, do(t, s, req{method: "PUT", path: "/v1/users.json", body: users(map[string]any{"code": "no-such-user-x"})}), 400, "CB_VA01")
		})
	}
	for _, bad := range []int{200, 403, 500} {
		if _, err := Listen("127.0.0.1:0", WithUnknownUserStatus(bad)); err == nil {
			t.Errorf("status %d accepted", bad)
		}
	}
}

// Token scopes: Read reads; Read and Write writes, but not Update or
// Delete Users on a member of the Administrators group; Dangerous Zone
// does everything. Password logins are not limited by scopes.
func TestTokenScopes(t *testing.T) {
	newDomain := func() *Server {
		return NewServer(
			WithTokenScope("r", ScopeRead), WithTokenScope("rw", ScopeReadWrite), WithTokenScope("dz", ScopeDangerousZone),
			WithUsers(userIn("boss"), userIn("staff")), WithAdministrators("boss"),
		)
	}
	update := func(code string) any { return users(map[string]any{"code": code, "name": "New"}) }
	tests := []struct {
		token  string
		q      req
		status int
	}{
		{"r", req{method: "GET", path: "/v1/users.json"}, 200},
		{"r", req{method: "POST", path: "/v1/users.json", body: users(newUser("n"))}, 403},
		{"rw", req{method: "POST", path: "/v1/users.json", body: users(newUser("n"))}, 200},
		{"rw", req{method: "PUT", path: "/v1/users.json", body: update("staff")}, 200},
		{"rw", req{method: "PUT", path: "/v1/users.json", body: update("boss")}, 403},
		{"rw", req{method: "PUT", path: "/v1/users.json", body: update(AdminLogin)}, 403},
		{"rw", req{method: "DELETE", path: "/v1/users.json", body: map[string]any{"codes": []string{"staff", "boss"}}}, 403},
		{"rw", req{method: "DELETE", path: "/v1/users.json", body: map[string]any{"codes": []string{"staff"}}}, 200},
		{"rw", req{method: "PUT", path: "/v1/users/services.json", body: users(map[string]any{"code": "boss", "services": []string{"kintone"}})}, 200},
		{"dz", req{method: "PUT", path: "/v1/users.json", body: update("boss")}, 200},
		{"dz", req{method: "DELETE", path: "/v1/users.json", body: map[string]any{"codes": []string{"boss"}}}, 200},
		{"", req{method: "PUT", path: "/v1/users.json", body: update("boss")}, 200}, // the Administrator's password
	}
	for _, tt := range tests {
		t.Run(tt.token+" "+tt.q.method+" "+tt.q.path+" "+strconv.Itoa(tt.status), func(t *testing.T) {
			s := newDomain()
			defer s.Close()
			q := tt.q
			if tt.token != "" {
				q.noAuth, q.header = true, map[string]string{"Authorization": "Bearer " + tt.token}
			}
			r := do(t, s, q)
			if tt.status == 200 {
				mustOK(t, r)
				return
			}
			wantError(t, r, tt.status, "CB_NO02")
			if u, _ := s.User("boss"); u.Name == "New" || len(s.Users()) != 3 {
				t.Error("a refused request changed the domain")
			}
		})
	}
}

// A member of the Administrators group logs in with write rights.
func TestAdministratorsGroupLogin(t *testing.T) {
	boss := userIn("boss")
	s := NewServer(WithUsers(boss, userIn("staff")), WithAdministrators("boss"))
	defer s.Close()
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", login: "boss", pass: string(*boss.Password), body: users(newUser("n"))}))
	staff := userIn("staff")
	wantError(t, do(t, s, req{method: "POST", path: "/v1/users.json", login: "staff", pass: string(*staff.Password), body: users(newUser("m"))}), 403, "CB_NO02")
	if _, err := Listen("127.0.0.1:0", WithAdministrators("ghost")); err == nil {
		t.Error("WithAdministrators accepted a user that does not exist")
	}
}

// The guest APIs ignore an API token unless WithTokenOnGuestAPIs: alone it
// is no login; beside a password header the password is used.
func TestTokenOnGuestAPIs(t *testing.T) {
	tests := []struct {
		name     string
		enabled  bool
		password bool
		status   int
		code     string
	}{
		{"token alone refused", false, false, 401, "CB_AU01"},
		{"token ignored beside a password", false, true, 200, ""},
		{"token accepted when enabled", true, false, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []Option{WithTokenScope("dz", ScopeDangerousZone)}
			if tt.enabled {
				opts = append(opts, WithTokenOnGuestAPIs())
			}
			s := NewServer(opts...)
			defer s.Close()
			q := req{method: "POST", path: "/k/v1/guests.json", noAuth: !tt.password,
				header: map[string]string{"Authorization": "Bearer dz"},
				body:   map[string]any{"guests": []any{newGuest("g@example.com")}}}
			r := do(t, s, q)
			if tt.code == "" {
				mustOK(t, r)
				return
			}
			wantError(t, r, tt.status, tt.code)
		})
	}
}

// Answers are Japanese unless Accept-Language asks for English, with
// WithDefaultLanguage("ja"); English when nothing asks otherwise without it.
func TestDefaultLanguage(t *testing.T) {
	tests := []struct {
		option, accept string
		want           string
	}{
		{"ja", "", "ログインしてください。"},
		{"ja", "fr-FR", "ログインしてください。"},
		{"ja", "en-US,en;q=0.9", "Please login."},
		{"ja", "ja", "ログインしてください。"},
		{"en", "", "Please login."},
		{"", "", "ログインしてください。"},
		{"", "ja-JP", "ログインしてください。"},
	}
	for _, tt := range tests {
		t.Run(tt.option+"/"+tt.accept, func(t *testing.T) {
			var opts []Option
			if tt.option != "" {
				opts = append(opts, WithDefaultLanguage(tt.option))
			}
			d := NewDomain(opts...)
			r, _ := http.NewRequest("GET", "/v1/users.json", nil)
			if tt.accept != "" {
				r.Header.Set("Accept-Language", tt.accept)
			}
			if got := errNoLogin.message(d.langOf(r)); got != tt.want {
				t.Errorf("message %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := Listen("127.0.0.1:0", WithDefaultLanguage("fr")); err == nil {
		t.Error("WithDefaultLanguage(fr) accepted")
	}
}

// Delete Users and Delete Guests take their codes from the query string
// when the body has none, with the same limits.
func TestDeleteWithQueryString(t *testing.T) {
	many := make([]string, 101)
	for i := range many {
		many[i] = "codes[" + strconv.Itoa(i) + "]=u" + strconv.Itoa(i)
	}
	tests := []struct {
		name   string
		path   string
		status int
		left   []string
	}{
		{"users", "/v1/users.json?codes%5B0%5D=a&codes%5B1%5D=b", 200, []string{"c"}},
		{"unknown user", "/v1/users.json?codes[0]=a&codes[1]=nobody", 400, []string{"a", "b", "c"}},
		{"more than 100", "/v1/users.json?" + strings.Join(many, "&"), 400, []string{"a", "b", "c"}},
		{"empty element", "/v1/users.json?codes[0]=", 400, []string{"a", "b", "c"}},
		{"nothing at all", "/v1/users.json", 400, []string{"a", "b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(WithUsers(userIn("a"), userIn("b"), userIn("c")))
			defer s.Close()
			r := do(t, s, req{method: "DELETE", path: tt.path})
			if tt.status == 200 {
				mustOK(t, r)
			} else {
				wantError(t, r, tt.status, "CB_VA01")
			}
			if got := codesOf(s.Users())[1:]; !slices.Equal(got, tt.left) {
				t.Errorf("users left %v, want %v", got, tt.left)
			}
		})
	}
	s := NewServer()
	defer s.Close()
	mustOK(t, do(t, s, req{method: "POST", path: "/k/v1/guests.json", body: map[string]any{"guests": []any{newGuest("g@example.com")}}}))
	mustOK(t, do(t, s, req{method: "DELETE", path: "/k/v1/guests.json?guests%5B0%5D=g%40example.com"}))
	if len(s.Guests()) != 0 {
		t.Errorf("guests left: %v", s.Guests())
	}
}

// sortOrder "" clears the sort order (connector-kintone sends it).
func TestSortOrderEmptyClears(t *testing.T) {
	u := userIn("a")
	u.SortOrder = ptr(int64(5))
	s := NewServer(WithUsers(u))
	defer s.Close()
	mustOK(t, do(t, s, req{method: "PUT", path: "/v1/users.json", body: `{"users":[{"code":"a","sortOrder":""}]}`}))
	if got, _ := s.User("a"); got.SortOrder != nil {
		t.Errorf("sortOrder = %d, want cleared", *got.SortOrder)
	}
	wantError(t, do(t, s, req{method: "PUT", path: "/v1/users.json", body: `{"users":[{"code":"a","sortOrder":"x"}]}`}), 400, "CB_VA01", "users[0].sortOrder", "")
}

// Get Users returns every custom item of the domain, "" when not set;
// WithCustomItems fixes the list and refuses other codes.
func TestAllCustomItems(t *testing.T) {
	cv := func(kv ...string) []kintone.CustomItemValue {
		var out []kintone.CustomItemValue
		for i := 0; i < len(kv); i += 2 {
			out = append(out, kintone.CustomItemValue{Code: kv[i], Value: kv[i+1]})
		}
		return out
	}
	t.Run("defined", func(t *testing.T) {
		s := NewServer(WithCustomItems("dept", "grade", "site"))
		defer s.Close()
		a := newUser("a")
		a["customItemValues"] = []any{map[string]any{"code": "grade", "value": "G2"}}
		mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(a, newUser("b"))}))
		got := getUsers(t, s, "?codes[0]=a&codes[1]=b")
		if !slices.Equal(got[0].CustomItemValues, cv("dept", "", "grade", "G2", "site", "")) ||
			!slices.Equal(got[1].CustomItemValues, cv("dept", "", "grade", "", "site", "")) {
			t.Errorf("custom items %v / %v", got[0].CustomItemValues, got[1].CustomItemValues)
		}
		c := newUser("c")
		c["customItemValues"] = []any{map[string]any{"code": "nosuch", "value": "x"}}
		wantError(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(c)}), 400, "CB_VA01", "users[0].customItemValues[0].code", "not found")
	})
	t.Run("learned", func(t *testing.T) {
		s := NewServer()
		defer s.Close()
		a := newUser("a")
		a["customItemValues"] = []any{map[string]any{"code": "x", "value": "1"}}
		mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(a, newUser("b"))}))
		got := getUsers(t, s, "?codes[0]=b")
		if !slices.Equal(got[0].CustomItemValues, cv("x", "")) {
			t.Errorf("custom items of b: %v", got[0].CustomItemValues)
		}
	})
}

// Update Users with a partial customItemValues list merges by default and
// replaces with WithCustomItemsReplace.
func TestCustomItemsMergeOrReplace(t *testing.T) {
	tests := []struct {
		replace bool
		want    []kintone.CustomItemValue
	}{
		{false, []kintone.CustomItemValue{{Code: "a", Value: "9"}, {Code: "b", Value: "2"}}},
		{true, []kintone.CustomItemValue{{Code: "a", Value: "9"}, {Code: "b", Value: ""}}},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatBool(tt.replace), func(t *testing.T) {
			opts := []Option{WithCustomItems("a", "b")}
			if tt.replace {
				opts = append(opts, WithCustomItemsReplace())
			}
			s := NewServer(opts...)
			defer s.Close()
			u := newUser("u")
			u["customItemValues"] = []any{map[string]any{"code": "a", "value": "1"}, map[string]any{"code": "b", "value": "2"}}
			mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(u)}))
			mustOK(t, do(t, s, req{method: "PUT", path: "/v1/users.json",
				body: users(map[string]any{"code": "u", "customItemValues": []any{map[string]any{"code": "a", "value": "9"}}})}))
			if got := getUsers(t, s, "?codes[0]=u")[0].CustomItemValues; !slices.Equal(got, tt.want) {
				t.Errorf("custom items %v, want %v", got, tt.want)
			}
		})
	}
}

// WithLegacyAuthStatus answers authentication errors 520, as older
// servers did; the default is 401.
func TestAuthStatusModes(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		var opts []Option
		want := 401
		if legacy {
			opts, want = append(opts, WithLegacyAuthStatus()), 520
		}
		s := NewServer(opts...)
		wantError(t, do(t, s, req{method: "GET", path: "/v1/users.json", noAuth: true}), want, "CB_AU01")
		wantError(t, do(t, s, req{method: "GET", path: "/v1/users.json", login: AdminLogin, pass: "wrong"}), want, "CB_WA01")
		s.Close()
	}
}
