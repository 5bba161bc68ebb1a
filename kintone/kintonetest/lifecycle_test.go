package kintonetest

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func renames(pairs ...string) map[string]any {
	list := []any{}
	for i := 0; i+1 < len(pairs); i += 2 {
		list = append(list, map[string]any{"currentCode": pairs[i], "newCode": pairs[i+1]})
	}
	return map[string]any{"codes": list}
}

// Update User Codes renames users: every rule of the request is checked
// against the state before it, and a rejected request renames nobody.
func TestUpdateUserCodes(t *testing.T) {
	tooMany := make([]string, 0, 202)
	for i := range 101 {
		tooMany = append(tooMany, "a", "n"+strconv.Itoa(i))
	}
	tests := []struct {
		name string
		body any
		key  string // error key; "" = success
		msg  string
		want []string // the users afterwards, without the Administrator
	}{
		{"rename", renames("a", "x"), "", "", []string{"x", "b"}},
		{"two renames", renames("a", "x", "b", "y"), "", "", []string{"x", "y"}},
		{"unknown current code", renames("nobody", "x"), "codes[0].currentCode", "not found", nil},
		{"new code taken", renames("a", "b"), "codes[0].newCode", "already exists", nil},
		{"swap", renames("a", "b", "b", "a"), "codes[0].newCode", "already exists", nil},
		{"chain", renames("a", "x", "x", "y"), "codes[1].currentCode", "not found", nil},
		{"same new code twice", renames("a", "x", "b", "x"), "codes[1].newCode", "already exists", nil},
		{"same user twice", renames("a", "x", "a", "y"), "codes[1].currentCode", "Duplicate", nil},
		{"forbidden character", renames("a", "x/y"), "codes[0].newCode", "Cannot contain", nil},
		{"edge space", renames("a", "x "), "codes[0].newCode", "start or end", nil},
		{"empty current code", renames("", "x"), "codes[0].currentCode", "Required", nil},
		{"blank new code", renames("a", "   "), "codes[0].newCode", "spaces only", nil},
		{"too long", renames("a", strings.Repeat("x", 129)), "codes[0].newCode", "128", nil},
		{"missing new code", map[string]any{"codes": []any{map[string]any{"currentCode": "a"}}}, "codes[0].newCode", "Required", nil},
		{"no codes", map[string]any{}, "codes", "Required", nil},
		{"more than 100", renames(tooMany...), "codes", "Up to 100", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(WithUsers(userIn("a"), userIn("b")), WithServices("a", "kintone"))
			defer s.Close()
			before, _ := s.User("a")
			r := do(t, s, req{method: "PUT", path: "/v1/users/codes.json", body: tt.body})
			want := tt.want
			if tt.key == "" {
				mustOK(t, r)
			} else {
				wantError(t, r, 400, "CB_VA01", tt.key, tt.msg)
				want = []string{"a", "b"}
			}
			if got := codesOf(s.Users())[1:]; !slices.Equal(got, want) {
				t.Fatalf("users %v, want %v", got, want)
			}
			if tt.key == "" && want[0] == "x" {
				after, _ := s.User("x")
				if after.ID != before.ID || !slices.Equal(s.Services("x"), []string{"kintone"}) {
					t.Errorf("renamed user lost its id or services: %+v %v", after, s.Services("x"))
				}
				if got := getUsers(t, s, "?codes[0]=x"); len(got) != 1 || got[0].ID != before.ID {
					t.Errorf("Get Users by the new code: %+v", got)
				}
			}
		})
	}
}

// The renamed user logs in under the new name; Update User Codes needs
// the Read and Write scope.
func TestUpdateUserCodesRights(t *testing.T) {
	in := userIn("boss")
	s := NewServer(WithUsers(in, userIn("c")), WithAdministrators("boss"), WithTokenScope("r", ScopeRead), WithTokenScope("rw", ScopeReadWrite))
	defer s.Close()
	wantError(t, do(t, s, req{method: "PUT", path: "/v1/users/codes.json", noAuth: true,
		header: map[string]string{"Authorization": "Bearer r"}, body: renames("c", "d")}), 403, "CB_NO02")
	mustOK(t, do(t, s, req{method: "PUT", path: "/v1/users/codes.json", noAuth: true,
		header: map[string]string{"Authorization": "Bearer rw"}, body: renames("c", "d")}))
	mustOK(t, do(t, s, req{method: "PUT", path: "/v1/users/codes.json", body: renames("boss", "chief")}))
	mustOK(t, do(t, s, req{method: "GET", path: "/v1/users.json", login: "chief", pass: string(*in.Password)}))
	wantError(t, do(t, s, req{method: "GET", path: "/v1/users.json", login: "boss", pass: string(*in.Password)}), 401, "CB_WA01")
}

// Update Guest Members sets a guest space's guests: the listed ones, and
// only they, are members afterwards.
func TestUpdateGuestMembers(t *testing.T) {
	const path = "/k/guest/3/v1/space/guests.json"
	put := func(id any, guests ...string) map[string]any {
		return map[string]any{"id": id, "guests": append([]string{}, guests...)}
	}
	tests := []struct {
		name   string
		path   string
		body   any
		status int
		key    string // error key
		want   []string
	}{
		{"set", path, put(3, "g1@example.com", "g2@example.com"), 200, "", []string{"g1@example.com", "g2@example.com"}},
		{"id as a string", path, put("3", "g3@example.com"), 200, "", []string{"g3@example.com"}},
		{"empty list removes all", path, put(3), 200, "", []string{}},
		{"listed twice", path, put(3, "g1@example.com", "g1@example.com"), 200, "", []string{"g1@example.com"}},
		{"not a guest", path, put(3, "g1@example.com", "user-a"), 400, "guests[1]", []string{"g2@example.com"}},
		{"unknown guest", path, put(3, "nobody@example.com"), 400, "guests[0]", []string{"g2@example.com"}},
		{"unknown space in the body", path, put(4, "g1@example.com"), 400, "id", []string{"g2@example.com"}},
		{"unknown space in the path", "/k/guest/9/v1/space/guests.json", put(3, "g1@example.com"), 400, "id", []string{"g2@example.com"}},
		{"bad id", path, put("x", "g1@example.com"), 400, "id", []string{"g2@example.com"}},
		{"no id", path, map[string]any{"guests": []string{"g1@example.com"}}, 400, "id", []string{"g2@example.com"}},
		{"no guests", path, map[string]any{"id": 3}, 400, "guests", []string{"g2@example.com"}},
		{"guests not a list", path, map[string]any{"id": 3, "guests": "g1@example.com"}, 400, "guests", []string{"g2@example.com"}},
		{"not under /k/guest/", "/k/v1/space/guests.json", put(3, "g1@example.com"), 404, "", []string{"g2@example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(WithGuestSpace(3), WithUsers(userIn("user-a")))
			defer s.Close()
			guests := []any{newGuest("g1@example.com"), newGuest("g2@example.com"), newGuest("g3@example.com")}
			mustOK(t, do(t, s, req{method: "POST", path: "/k/v1/guests.json", body: map[string]any{"guests": guests}}))
			mustOK(t, do(t, s, req{method: "PUT", path: path, body: put(3, "g2@example.com")}))
			r := do(t, s, req{method: "PUT", path: tt.path, body: tt.body})
			switch {
			case tt.status == 200:
				mustOK(t, r)
			case tt.key != "":
				wantError(t, r, tt.status, "CB_VA01", tt.key, "")
			default:
				wantError(t, r, tt.status, "CB_NF01")
			}
			if got := s.SpaceGuests(3); !slices.Equal(got, tt.want) {
				t.Errorf("space guests %v, want %v", got, tt.want)
			}
		})
	}
}

// Guest members: password authentication only, deleted guests leave the
// space, and SpaceGuests of a space that does not exist is nil.
func TestGuestSpaceMembership(t *testing.T) {
	s := NewServer(WithGuestSpace(3), WithTokenScope("dz", ScopeDangerousZone))
	defer s.Close()
	mustOK(t, do(t, s, req{method: "POST", path: "/k/v1/guests.json", body: map[string]any{"guests": []any{newGuest("g1@example.com"), newGuest("g2@example.com")}}}))
	body := map[string]any{"id": 3, "guests": []string{"g1@example.com", "g2@example.com"}}
	wantError(t, do(t, s, req{method: "PUT", path: "/k/guest/3/v1/space/guests.json", noAuth: true,
		header: map[string]string{"Authorization": "Bearer dz"}, body: body}), 401, "CB_AU01")
	wantError(t, do(t, s, req{method: "GET", path: "/k/guest/3/v1/space/guests.json"}), 405, "CB_NF01")
	mustOK(t, do(t, s, req{method: "PUT", path: "/k/guest/3/v1/space/guests.json", body: body}))
	mustOK(t, do(t, s, req{method: "DELETE", path: "/k/v1/guests.json", body: map[string]any{"guests": []string{"g1@example.com"}}}))
	if got := s.SpaceGuests(3); !slices.Equal(got, []string{"g2@example.com"}) {
		t.Errorf("space guests after Delete Guests: %v", got)
	}
	if s.SpaceGuests(4) != nil {
		t.Error("SpaceGuests of an unknown space is not nil")
	}
	if _, err := Listen("127.0.0.1:0", WithGuestSpace(0)); err == nil {
		t.Error("WithGuestSpace(0) accepted")
	}
}
