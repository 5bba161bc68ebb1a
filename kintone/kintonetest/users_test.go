package kintonetest

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/userimport/userimport/kintone"
)

// §2 Add Users then Get Users: {} on success, defaults, "" for unset
// strings, string ids, UTC Z times at second precision (§3.2).
func TestAddAndGetUsersWireFormat(t *testing.T) {
	clock := time.Date(2025, 4, 13, 9, 30, 15, 123456789, time.FixedZone("JST", 9*3600))
	s := NewServer(WithClock(func() time.Time { return clock }))
	defer s.Close()
	got := do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("alice"))})
	mustOK(t, got)
	if strings.TrimSpace(string(got.body)) != "{}" {
		t.Errorf("write body = %q, want {}", got.body)
	}
	r := do(t, s, req{method: "GET", path: "/v1/users.json?codes[0]=alice"})
	mustOK(t, r)
	var raw struct{ Users []map[string]any }
	if err := json.Unmarshal(r.body, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Users) != 1 {
		t.Fatalf("users = %v", raw.Users)
	}
	u := raw.Users[0]
	if id, ok := u["id"].(string); !ok || !regexp.MustCompile(`^[0-9]{19}$`).MatchString(id) {
		t.Errorf("id = %#v, want a JSON string of digits", u["id"])
	}
	if u["ctime"] != "2025-04-13T00:30:15Z" || u["mtime"] != "2025-04-13T00:30:15Z" {
		t.Errorf("ctime/mtime = %v/%v, want UTC Z second precision", u["ctime"], u["mtime"])
	}
	for _, f := range []string{"surName", "email", "birthDate", "localNameLocale", "url", "callto"} {
		if u[f] != "" {
			t.Errorf("%s = %#v, want \"\"", f, u[f])
		}
	}
	if u["valid"] != true || u["locale"] != "auto" || u["timezone"] != "Asia/Tokyo" {
		t.Errorf("defaults valid/locale/timezone = %v/%v/%v", u["valid"], u["locale"], u["timezone"])
	}
	if u["primaryOrganization"] != nil || u["sortOrder"] != nil {
		t.Errorf("primaryOrganization/sortOrder = %v/%v, want null", u["primaryOrganization"], u["sortOrder"])
	}
	if v, ok := u["customItemValues"].([]any); !ok || len(v) != 0 {
		t.Errorf("customItemValues = %#v, want []", u["customItemValues"])
	}
	if _, ok := u["password"]; ok {
		t.Error("Get Users exposes a password")
	}
	// §2: new users have no services until Update User Services.
	if sv := s.Services("alice"); len(sv) != 0 {
		t.Errorf("new user services = %v", sv)
	}
}

// §2 Get Users: sorted by id, offset/size paging, Administrator included,
// ids xor codes, empty arrays absent, query and JSON-body forms.
func TestGetUsersSelection(t *testing.T) {
	s := NewServer()
	defer s.Close()
	var items []map[string]any
	for _, c := range []string{"zed", "amy", "kim", "bob"} {
		items = append(items, newUser(c))
	}
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(items...)}))
	all := []string{"Administrator", "zed", "amy", "kim", "bob"} // id order, not code order

	tests := []struct {
		name string
		q    req
		want []string
	}{
		{"all by id", req{method: "GET", path: "/v1/users.json"}, all},
		{"offset+size", req{method: "GET", path: "/v1/users.json?offset=1&size=2"}, all[1:3]},
		{"offset past end", req{method: "GET", path: "/v1/users.json?offset=9"}, []string{}},
		{"codes[i] query, id order", req{method: "GET", path: "/v1/users.json?codes[0]=kim&codes[1]=zed"}, []string{"zed", "kim"}},
		{"plain codes= tolerated", req{method: "GET", path: "/v1/users.json?codes=amy&codes=bob"}, []string{"amy", "bob"}},
		{"unknown codes omitted", req{method: "GET", path: "/v1/users.json?codes[0]=nobody&codes[1]=amy"}, []string{"amy"}},
		{"JSON body GET", req{method: "GET", path: "/v1/users.json", body: map[string]any{"codes": []string{"bob"}}}, []string{"bob"}},
		{"JSON body empty arrays = absent (§2)", req{method: "GET", path: "/v1/users.json",
			body: map[string]any{"ids": []string{}, "codes": []string{}, "offset": 3, "size": 100}}, all[3:]},
		{"method override GET (§1)", req{method: "POST", path: "/v1/users.json", body: map[string]any{"codes": []string{"zed"}},
			header: map[string]string{"X-HTTP-Method-Override": "GET"}}, []string{"zed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, tt.q)
			mustOK(t, r)
			var out struct{ Users []kintone.User }
			if err := json.Unmarshal(r.body, &out); err != nil {
				t.Fatal(err)
			}
			if got := codesOf(out.Users); !slices.Equal(got, tt.want) {
				t.Errorf("codes = %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("ids", func(t *testing.T) {
		kim, _ := s.User("kim")
		amy, _ := s.User("amy")
		got := getUsers(t, s, "?ids[0]="+kim.ID+"&ids[1]="+amy.ID)
		if !slices.Equal(codesOf(got), []string{"amy", "kim"}) {
			t.Errorf("codes = %v", codesOf(got))
		}
		// JSON numbers are accepted for ids too.
		r := do(t, s, req{method: "GET", path: "/v1/users.json", body: `{"ids":[` + kim.ID + `]}`})
		mustOK(t, r)
		if !strings.Contains(string(r.body), `"code":"kim"`) {
			t.Errorf("numeric id: %s", r.body)
		}
	})

	errTests := []struct {
		name, query, key, msg string
	}{
		{"§2 ids and codes together", "?ids[0]=1&codes[0]=a", "ids", "either"},
		{"§2 size 0", "?size=0", "size", "between 1 and 100"},
		{"§2 size 101", "?size=101", "size", "between 1 and 100"},
		{"§2 negative offset", "?offset=-1", "offset", "between 0"},
		{"§2 bad id", "?ids[0]=abc", "ids[0]", "Invalid ID"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, do(t, s, req{method: "GET", path: "/v1/users.json" + tt.query}), 400, "CB_VA01", tt.key, tt.msg)
		})
	}
}

// §2 Add Users: duplicate login name, existing or within the batch → CB_VA01
// "already exists"; nothing from the batch is committed (§5.3).
func TestAddUsersDuplicates(t *testing.T) {
	s := NewServer()
	defer s.Close()
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("taken"))}))
	got := do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("fresh"), newUser("taken"), newUser("twice"), newUser("twice"))})
	wantError(t, got, 400, "CB_VA01", "users[1].code", "already exists", "users[3].code", "already exists")
	if _, bad := got.err.Errors["users[2].code"]; bad {
		t.Error("first occurrence within the batch reported as duplicate")
	}
	if _, ok := s.User("fresh"); ok {
		t.Error("rejected batch committed fresh")
	}
	if n := s.Requests().DuplicateAdds; n != 2 {
		t.Errorf("DuplicateAdds = %d, want 2", n)
	}
	// §3.1 code is case-sensitive: "Taken" is another user.
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("Taken"))}))
	// ja message carries the words clients match (§5.2).
	got = do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("taken")), header: map[string]string{"Accept-Language": "ja"}})
	wantError(t, got, 400, "CB_VA01", "users[0].code", "すでに登録されています")
}

// §2 Update Users: only present fields change, "" clears an optional
// string, name must stay non-empty, unknown code → "not found", mtime moves.
func TestUpdateUsers(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewServer(WithClock(func() time.Time { return now }))
	defer s.Close()
	u := newUser("a")
	u["email"], u["phone"], u["sortOrder"], u["locale"] = "a@example.com", "123", 5, "ja"
	u["customItemValues"] = []map[string]string{{"code": "c1", "value": "one"}, {"code": "c2", "value": "two"}}
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(u)}))

	now = now.Add(time.Hour)
	mustOK(t, do(t, s, req{method: "PUT", path: "/v1/users.json", body: users(map[string]any{
		"code": "a", "email": "", "surName": "Sur", "valid": false, "locale": "",
		"customItemValues": []map[string]string{{"code": "c2", "value": "TWO"}},
	})}))
	got, _ := s.User("a")
	if got.Email != "" || got.Phone != "123" || got.SurName != "Sur" || got.Valid || got.Name != "Name a" ||
		got.SortOrder == nil || *got.SortOrder != 5 || got.Locale != "auto" {
		t.Errorf("after update: %+v", got)
	}
	if !got.MTime.Equal(now) || got.CTime.Equal(now) {
		t.Errorf("ctime/mtime = %v/%v", got.CTime, got.MTime)
	}
	wantCustom := []kintone.CustomItemValue{{Code: "c1", Value: "one"}, {Code: "c2", Value: "TWO"}}
	if !reflect.DeepEqual(got.CustomItemValues, wantCustom) {
		t.Errorf("custom items = %v", got.CustomItemValues)
	}

	tests := []struct {
		name string
		item map[string]any
		key  string
		msg  string
	}{
		{"§2 unknown code not found", map[string]any{"code": "nobody", "name": "x"}, "users[0].code", "not found"},
		{"§3.1 name present must not be empty", map[string]any{"code": "a", "name": ""}, "users[0].name", "Required"},
		{"§3.1 name present must not be blank", map[string]any{"code": "a", "name": "  "}, "users[0].name", "spaces only"},
		{"§3.1 code required", map[string]any{"name": "x"}, "users[0].code", "Required"},
		{"§3.1 rules apply on update", map[string]any{"code": "a", "timezone": "Nowhere/City"}, "users[0].timezone", "time zone"},
		{"§3.1 password present must not be empty", map[string]any{"code": "a", "password": ""}, "users[0].password", "Required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, do(t, s, req{method: "PUT", path: "/v1/users.json", body: users(tt.item)}), 400, "CB_VA01", tt.key, tt.msg)
		})
	}
	// Password changes take effect for login.
	mustOK(t, do(t, s, req{method: "PUT", path: "/v1/users.json", body: users(map[string]any{"code": "a", "password": "new", "valid": true})}))
	mustOK(t, do(t, s, req{method: "GET", path: "/v1/users.json", login: "a", pass: "new"}))
	// An empty password is rejected at its own index and changes nothing.
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("b"))}))
	r := do(t, s, req{method: "PUT", path: "/v1/users.json", body: users(map[string]any{"code": "b", "name": "B2"}, map[string]any{"code": "a", "password": ""})})
	wantError(t, r, 400, "CB_VA01", "users[1].password", "Required")
	if b, _ := s.User("b"); b.Name != "Name b" {
		t.Errorf("the rejected batch renamed b to %q", b.Name)
	}
	mustOK(t, do(t, s, req{method: "GET", path: "/v1/users.json", login: "a", pass: "new"}))
}

// §2 Delete Users removes the user with its services and departments;
// unknown code → "not found" and nothing is deleted.
func TestDeleteUsers(t *testing.T) {
	s := NewServer(WithDepartments([]kintone.Organization{{Code: "o1", Name: "O1"}}, nil))
	defer s.Close()
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("a"), newUser("b"))}))
	if err := s.SetServices("a", "kintone"); err != nil {
		t.Fatal(err)
	}
	got := do(t, s, req{method: "DELETE", path: "/v1/users.json", body: map[string]any{"codes": []string{"a", "ghost"}}})
	wantError(t, got, 400, "CB_VA01", "codes[1]", "not found")
	if _, ok := s.User("a"); !ok {
		t.Fatal("rejected delete removed a")
	}
	mustOK(t, do(t, s, req{method: "DELETE", path: "/v1/users.json", body: map[string]any{"codes": []string{"a"}}}))
	if _, ok := s.User("a"); ok || s.Services("a") != nil {
		t.Error("a still present")
	}
	// Re-adding the code starts clean: no services (§2).
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("a"))}))
	if sv := s.Services("a"); len(sv) != 0 {
		t.Errorf("re-added user has services %v", sv)
	}
}

// §2 Get/Update User Services: full replacement, [] removes all, values from
// the documented list, Administrator excluded from Get.
func TestUserServices(t *testing.T) {
	s := NewServer()
	defer s.Close()
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("a"), newUser("b"))}))
	put := func(items ...map[string]any) resp {
		return do(t, s, req{method: "PUT", path: "/v1/users/services.json", body: users(items...)})
	}
	mustOK(t, put(map[string]any{"code": "a", "services": []string{"kintone", "garoon"}}, map[string]any{"code": "b", "services": []string{"kintone"}}))
	mustOK(t, put(map[string]any{"code": "a", "services": []string{"office"}}))
	if got := s.Services("a"); !slices.Equal(got, []string{"office"}) {
		t.Errorf("after replace: %v", got)
	}
	r := do(t, s, req{method: "GET", path: "/v1/users/services.json"})
	mustOK(t, r)
	var out struct{ Users []kintone.UserServices }
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	want := []kintone.UserServices{{Code: "a", Services: []string{"office"}}, {Code: "b", Services: []string{"kintone"}}}
	if !reflect.DeepEqual(out.Users, want) {
		t.Errorf("Get User Services = %+v (Administrator must be excluded)", out.Users)
	}
	mustOK(t, put(map[string]any{"code": "a", "services": []string{}}))
	if got := s.Services("a"); len(got) != 0 {
		t.Errorf("[] did not remove all: %v", got)
	}
	r = do(t, s, req{method: "GET", path: "/v1/users/services.json?codes[0]=a&size=1"})
	if !strings.Contains(string(r.body), `{"code":"a","services":[]}`) {
		t.Errorf("codes filter: %s", r.body)
	}

	tests := []struct {
		name string
		item map[string]any
		key  string
		msg  string
	}{
		{"§2 unknown service", map[string]any{"code": "a", "services": []string{"kintone", "excel"}}, "users[0].services[1]", "Allowed values"},
		{"§2 unknown user", map[string]any{"code": "ghost", "services": []string{}}, "users[0].code", "not found"},
		{"§2 services required", map[string]any{"code": "a"}, "users[0].services", "Required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, put(tt.item), 400, "CB_VA01", tt.key, tt.msg)
		})
	}
}

// §1 request conventions: write Content-Type, CB_IL02 empty body, CB_IJ01
// malformed JSON, method checks, unknown paths.
func TestRequestConventions(t *testing.T) {
	s := NewServer()
	defer s.Close()
	tests := []struct {
		name   string
		q      req
		status int
		code   string
	}{
		{"§5.2 CB_IL02 empty body", req{method: "POST", path: "/v1/users.json", body: ""}, 400, "CB_IL02"},
		{"§5.2 CB_IL02 whitespace body", req{method: "PUT", path: "/v1/users.json", body: " \n"}, 400, "CB_IL02"},
		{"§5.2 CB_IL02 no body", req{method: "DELETE", path: "/v1/users.json", header: map[string]string{"Content-Type": "application/json"}}, 400, "CB_IL02"},
		{"§5.2 CB_IJ01 trailing comma", req{method: "POST", path: "/v1/users.json", body: `{"users":[],}`}, 400, "CB_IJ01"},
		{"§5.2 CB_IJ01 single quotes", req{method: "POST", path: "/v1/users.json", body: `{'users':[]}`}, 400, "CB_IJ01"},
		{"§5.2 CB_IJ01 not an object", req{method: "POST", path: "/v1/users.json", body: `[1]`}, 400, "CB_IJ01"},
		{"§5.2 CB_IJ01 trailing data", req{method: "POST", path: "/v1/users.json", body: `{"users":[]} {}`}, 400, "CB_IJ01"},
		{"§1 no Content-Type: body not parsed", req{method: "POST", path: "/v1/users.json", body: users(newUser("x")), noCT: true}, 400, "CB_VA01"},
		{"§2 wrong method → 405", req{method: "PATCH", path: "/v1/users.json"}, 405, "CB_NF01"},
		{"§2 no POST on services → 405", req{method: "POST", path: "/v1/users/services.json", body: "{}"}, 405, "CB_NF01"},
		{"unknown path → 404", req{method: "GET", path: "/v1/nothing.json"}, 404, "CB_NF01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, do(t, s, tt.q), tt.status, tt.code)
		})
	}
	if got := do(t, s, req{method: "PATCH", path: "/v1/users.json"}); got.header.Get("Allow") != "GET, POST, PUT, DELETE" {
		t.Errorf("Allow = %q", got.header.Get("Allow"))
	}
	// Content-Type with parameters is still JSON.
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("ct")),
		header: map[string]string{"Content-Type": "application/json; charset=utf-8"}}))
	// §1 X-HTTP-Method-Override on POST performs the overridden write.
	deletes := s.Requests().ByEndpoint["DELETE /v1/users.json"]
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: map[string]any{"codes": []string{"ct"}},
		header: map[string]string{"X-HTTP-Method-Override": "DELETE"}}))
	if _, ok := s.User("ct"); ok {
		t.Error("override DELETE did not delete")
	}
	if n := s.Requests().ByEndpoint["DELETE /v1/users.json"]; n != deletes+1 {
		t.Errorf("ByEndpoint counts the effective method: %v", s.Requests().ByEndpoint)
	}
}

// §5.3: a rejected batch changes nothing, for every write endpoint.
func TestAtomicity(t *testing.T) {
	s := NewServer(WithDepartments([]kintone.Organization{{Code: "o1"}}, nil))
	defer s.Close()
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("a"), newUser("b"))}))
	before := s.Users()
	bad := []req{
		{method: "POST", path: "/v1/users.json", body: users(newUser("c"), newUser("d"), newUser("bad,code"))},
		{method: "PUT", path: "/v1/users.json", body: users(map[string]any{"code": "a", "name": "A2"}, map[string]any{"code": "zz"})},
		{method: "DELETE", path: "/v1/users.json", body: map[string]any{"codes": []string{"a", "zz"}}},
		{method: "PUT", path: "/v1/users/services.json", body: users(map[string]any{"code": "a", "services": []string{"kintone"}}, map[string]any{"code": "zz", "services": []string{}})},
		{method: "PUT", path: "/v1/userOrganizations.json", body: map[string]any{"userOrganizations": []any{
			map[string]any{"code": "a", "organizations": []any{map[string]string{"orgCode": "o1"}}},
			map[string]any{"code": "b", "organizations": []any{map[string]string{"orgCode": "o9"}}}}}},
	}
	for _, q := range bad {
		wantError(t, do(t, s, q), 400, "CB_VA01")
	}
	if after := s.Users(); !reflect.DeepEqual(before, after) {
		t.Errorf("users changed:\n%+v\n%+v", before, after)
	}
	if s.Services("a") != nil || s.Organizations("a") != nil {
		t.Error("services or departments changed")
	}
	if st := s.Requests(); st.Committed != 1 {
		t.Errorf("Committed = %d, want 1", st.Committed)
	}
}
