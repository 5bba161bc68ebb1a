package kintonetest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func serve(s *Domain, method, target, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Cybozu-Authorization", xauth(s.AdminUser, s.AdminPassword))
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// FuzzWriteBodies feeds arbitrary bodies to every write endpoint. The server
// must answer 200 or a JSON 400 with a body-parsing or validation code, and
// a 400 must leave the state untouched (reference §5.3).
func FuzzWriteBodies(f *testing.F) {
	for _, seed := range []string{
		`{"users":[{"code":"a","name":"A","password":"p"}]}`,
		`{"users":[{"code":"a","name":"A","password":"p","sortOrder":1e3,"birthDate":"2000-01-01","customItemValues":[{"code":"c","value":"v"}]}]}`,
		`{"users":[{"code":"a","services":["kintone"]}]}`,
		`{"codes":["a"]}`,
		`{"userOrganizations":[{"code":"a","organizations":[{"orgCode":"o","titleCode":"t"}]}]}`,
		`{"guests":[{"code":"g@example.com","password":"p","timezone":"UTC","name":"G"}]}`,
		`{"users":null}`, `{}`, ``, `{"users":[1,"x",null,{}]}`, `{"users":[{"code":"\u3000"}]}`,
		`{"codes":[{"currentCode":"a","newCode":"b"}]}`, `{"id":1,"guests":["g@example.com"]}`,
	} {
		for i := range 8 {
			f.Add(i, seed)
		}
	}
	targets := []struct{ method, path string }{
		{"POST", "/v1/users.json"}, {"PUT", "/v1/users.json"}, {"DELETE", "/v1/users.json"},
		{"PUT", "/v1/users/services.json"}, {"PUT", "/v1/userOrganizations.json"}, {"POST", "/k/v1/guests.json"},
		{"PUT", "/v1/users/codes.json"}, {"PUT", "/k/guest/1/v1/space/guests.json"},
	}
	s := NewDomain(WithDepartments(nil, nil), WithGuestSpace(1))
	f.Fuzz(func(t *testing.T, which int, body string) {
		tg := targets[uint(which)%uint(len(targets))]
		before := s.Users()
		beforeGuests := s.Guests()
		w := serve(s, tg.method, tg.path, body)
		switch w.Code {
		case http.StatusOK:
			if strings.TrimSpace(w.Body.String()) != "{}" {
				t.Fatalf("200 body %q", w.Body.String())
			}
		case http.StatusBadRequest:
			var e errorBody
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
				t.Fatalf("400 body not JSON: %v %q", err, w.Body.String())
			}
			switch e.Code {
			case "CB_VA01", "CB_IJ01", "CB_IL02":
			default:
				t.Fatalf("code %q", e.Code)
			}
			if len(s.Users()) != len(before) || len(s.Guests()) != len(beforeGuests) {
				t.Fatal("rejected request changed state")
			}
		default:
			t.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
	})
}

// FuzzGetUsersQuery feeds arbitrary query strings to Get Users and Get User
// Services: 200 with a users array, or 400 CB_VA01.
func FuzzGetUsersQuery(f *testing.F) {
	for _, q := range []string{"", "codes[0]=a&codes[1]=b", "codes=a", "ids[0]=1", "offset=1&size=2", "size=0", "ids[0]=1&codes[0]=a", "codes[99999999999999999999]=x", "%zz"} {
		f.Add(q)
	}
	s := NewDomain(WithUsers(userIn("a"), userIn("b")))
	f.Fuzz(func(t *testing.T, q string) {
		for _, p := range []string{"/v1/users.json", "/v1/users/services.json"} {
			r := httptest.NewRequest("GET", "/", nil)
			r.URL.Path, r.URL.RawQuery = p, q
			r.Header.Set("X-Cybozu-Authorization", xauth(s.AdminUser, s.AdminPassword))
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			switch w.Code {
			case http.StatusOK:
				var out struct{ Users []json.RawMessage }
				if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || out.Users == nil {
					t.Fatalf("200 body %q", w.Body.String())
				}
			case http.StatusBadRequest:
				if !strings.Contains(w.Body.String(), `"CB_VA01"`) {
					t.Fatalf("400 body %q", w.Body.String())
				}
			default:
				t.Fatalf("status %d for %q", w.Code, q)
			}
		}
	})
}
