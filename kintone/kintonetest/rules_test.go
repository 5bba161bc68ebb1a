package kintonetest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest/internal/fields"
)

// TestAddUserFieldRules pins every rule of reference §3.1 on Add Users: each
// case sets one field of an otherwise valid user and expects either success
// or a CB_VA01 error under users[0].<field> containing msg.
func TestAddUserFieldRules(t *testing.T) {
	long := func(n int) string { return strings.Repeat("あ", n) } // multibyte: limits count characters
	tests := []struct {
		name  string
		field string
		value any // nil removes the field
		msg   string
	}{
		{"§3.1 code required", "code", nil, "Required"},
		{"§3.1 code empty", "code", "", "Required"},
		{"§3.1 code whitespace-only", "code", "   ", "spaces only"},
		{"§3.1 code full-width whitespace-only", "code", "\u3000\u3000", "spaces only"},
		{"§3.1 code 128 ok", "code", long(128), ""},
		{"§3.1 code 129", "code", long(129), "up to 128"},
		{"§3.1 code leading space", "code", " a", "start or end"},
		{"§3.1 code trailing full-width space", "code", "a\u3000", "start or end"},
		{"§3.1 code inner space ok", "code", "a b", ""},
		{"§3.1 code e-mail ok", "code", "a.b+c@example.com", ""},
		{"§3.1 code not a string", "code", 5, "type"},
		{"§3.1 name required", "name", nil, "Required"},
		{"§3.1 name whitespace-only", "name", " \t", "spaces only"},
		{"§3.1 name 128 ok", "name", long(128), ""},
		{"§3.1 name 129", "name", long(129), "up to 128"},
		{"§3.1 password required", "password", nil, "Required"},
		{"§3.1 password empty", "password", "", "Required"},
		{"§3.1 password 128 ok (en doc)", "password", strings.Repeat("p", 128), ""},
		{"§3.1 password 129", "password", strings.Repeat("p", 129), "up to 128"},
		{"§3.1 password with space ok", "password", "a b", ""},
		{"§3.1 valid bool", "valid", false, ""},
		{"§3.1 valid not bool", "valid", "yes", "type"},
		{"§3.1 surName 129", "surName", long(129), "up to 128"},
		{"§3.1 givenName 128 ok", "givenName", long(128), ""},
		{"§3.1 surNameReading 129", "surNameReading", long(129), "up to 128"},
		{"§3.1 givenNameReading 129", "givenNameReading", long(129), "up to 128"},
		{"§3.1 localName 129", "localName", long(129), "up to 128"},
		{"§3.1 localNameLocale th ok", "localNameLocale", "th", ""},
		{"§3.1 localNameLocale pt-BR ok", "localNameLocale", "pt-BR", ""},
		{"§3.1 localNameLocale auto invalid", "localNameLocale", "auto", "Allowed values"},
		{"§3.1 localNameLocale fr invalid", "localNameLocale", "fr", "Allowed values"},
		{"§3.1 locale auto ok", "locale", "auto", ""},
		{"§3.1 locale zh-TW ok", "locale", "zh-TW", ""},
		{"§3.1 locale case-sensitive", "locale", "JA", "Allowed values"},
		{"§3.1 timezone IANA ok", "timezone", "America/Los_Angeles", ""},
		{"§3.1 timezone Etc ok", "timezone", "Etc/GMT+9", ""},
		{"§3.1 timezone invalid", "timezone", "Mars/Olympus", "time zone"},
		{"§3.1 timezone Local invalid", "timezone", "Local", "time zone"},
		{"§3.1 timezone offset invalid", "timezone", "+09:00", "time zone"},
		{"§3.1 timezone host directory right/ invalid", "timezone", "right/Asia/Tokyo", "time zone"},
		{"§3.1 timezone host file posixrules invalid", "timezone", "posixrules", "time zone"},
		{"§3.1 description 1000 ok", "description", long(1000), ""},
		{"§3.1 description 1001", "description", long(1001), "up to 1000"},
		{"§3.1 phone 101", "phone", strings.Repeat("1", 101), "up to 100"},
		{"§3.1 mobilePhone 101", "mobilePhone", strings.Repeat("1", 101), "up to 100"},
		{"§3.1 extensionNumber 101", "extensionNumber", strings.Repeat("1", 101), "up to 100"},
		{"§3.1 employeeNumber 100 ok", "employeeNumber", strings.Repeat("1", 100), ""},
		{"§3.1 employeeNumber 101", "employeeNumber", strings.Repeat("1", 101), "up to 100"},
		{"§3.1 email 257", "email", strings.Repeat("e", 257), "up to 256"},
		{"§3.1 url 257", "url", strings.Repeat("u", 257), "up to 256"},
		{"§3.1 url 256 ok", "url", strings.Repeat("u", 256), ""},
		{"§3.1 birthDate ok", "birthDate", "1990-02-28", ""},
		{"§3.1 birthDate slashes", "birthDate", "1990/02/28", "YYYY-MM-DD"},
		{"§3.1 birthDate impossible", "birthDate", "1990-02-30", "YYYY-MM-DD"},
		{"§3.1 joinDate short", "joinDate", "2024-1-5", "YYYY-MM-DD"},
		{"§3.1 joinDate empty ok", "joinDate", "", ""},
		{"§3.1 sortOrder 0 ok", "sortOrder", 0, ""},
		{"§3.1 sortOrder max ok", "sortOrder", 99999999, ""},
		{"§3.1 sortOrder too big", "sortOrder", 100000000, "between 0 and 99999999"},
		{"§3.1 sortOrder negative", "sortOrder", -1, "between 0 and 99999999"},
		{"§3.1 sortOrder fraction", "sortOrder", 1.5, "between 0 and 99999999"},
		{"§3.1 customItemValues ok", "customItemValues", []map[string]string{{"code": "c1", "value": "v"}}, ""},
		{"§3.1 customItemValues code missing", "customItemValues", []map[string]string{{"value": "v"}}, "Required"},
		{"§3.1 customItemValues value 1001", "customItemValues", []map[string]string{{"code": "c", "value": long(1001)}}, "up to 1000"},
		{"§3.1 unknown key ignored", "nickname", "x", ""},
	}
	for _, c := range fields.ForbiddenLoginChars {
		tests = append(tests, struct {
			name  string
			field string
			value any
			msg   string
		}{"§3.1 code forbidden character " + string(c), "code", "a" + string(c) + "b", "following characters"})
	}
	s := NewServer()
	defer s.Close()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUser("u" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + strings.Repeat("0", i/26))
			if tt.value == nil {
				delete(u, tt.field)
			} else {
				u[tt.field] = tt.value
			}
			got := do(t, s, req{method: http.MethodPost, path: "/v1/users.json", body: users(u)})
			if tt.msg == "" {
				mustOK(t, got)
				return
			}
			// Nested fields report a deeper key (customItemValues[0].code).
			key := "users[0]." + tt.field
			for _, k := range got.errKeys() {
				if strings.HasPrefix(k, key) {
					key = k
				}
			}
			wantError(t, got, 400, "CB_VA01", key, tt.msg)
		})
	}
}

// §3.1 / §11.6: the ja documentation's 64-character limits.
func TestJapaneseLimits(t *testing.T) {
	s := NewServer(WithJapaneseLimits())
	defer s.Close()
	u := newUser("a")
	u["password"] = strings.Repeat("p", 65)
	u["surName"] = strings.Repeat("s", 65)
	got := do(t, s, req{method: "POST", path: "/v1/users.json", body: users(u)})
	wantError(t, got, 400, "CB_VA01", "users[0].password", "up to 64", "users[0].surName", "up to 64")
	u["password"], u["surName"] = strings.Repeat("p", 64), strings.Repeat("s", 64)
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(u)}))
}

// §5.1: every invalid item is reported in one response, keyed by index; a
// valid item between them is not committed (§5.3).
func TestAllInvalidItemsReported(t *testing.T) {
	s := NewServer()
	defer s.Close()
	bad1 := newUser("a/b")
	bad3 := newUser("c")
	delete(bad3, "name")
	bad3["locale"] = "xx"
	got := do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("ok0"), bad1, newUser("ok2"), bad3)})
	wantError(t, got, 400, "CB_VA01", "users[1].code", "following characters",
		"users[3].name", "Required", "users[3].locale", "Allowed values")
	if len(got.err.Errors) != 3 {
		t.Errorf("errors = %v, want exactly 3 keys", got.errKeys())
	}
	if got.err.Message != "Missing or invalid input." {
		t.Errorf("message = %q", got.err.Message)
	}
	if len(s.Users()) != 1 {
		t.Errorf("rejected batch committed users: %v", codesOf(s.Users()))
	}
}

// §5.1 / §11.1: WithUnindexedErrors renders users.code instead of
// users[3].code, for every nested key.
func TestUnindexedErrors(t *testing.T) {
	s := NewServer(WithUnindexedErrors(), WithDepartments(nil, nil))
	defer s.Close()
	got := do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("a:"), newUser("b;"))})
	wantError(t, got, 400, "CB_VA01", "users.code", "following characters")
	if ks := got.errKeys(); len(ks) != 1 {
		t.Errorf("keys = %v, want only users.code", ks)
	}
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: users(newUser("a"))}))
	got = do(t, s, req{method: "PUT", path: "/v1/userOrganizations.json", body: map[string]any{
		"userOrganizations": []any{map[string]any{"code": "a", "organizations": []any{map[string]string{"orgCode": "nope"}}}}}})
	wantError(t, got, 400, "CB_VA01", "userOrganizations.organizations.orgCode", "not found")
}

// §2 / §6: more than 100 items per request → CB_VA01; 100 is accepted.
func TestPerRequestCap(t *testing.T) {
	s := NewServer()
	defer s.Close()
	mk := func(n, from int) map[string]any {
		items := make([]map[string]any, n)
		for i := range items {
			items[i] = newUser("u" + itoa(from+i))
		}
		return users(items...)
	}
	wantError(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: mk(101, 0)}), 400, "CB_VA01", "users", "Up to 100")
	mustOK(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: mk(100, 0)}))
	codes := make([]string, 101)
	for i := range codes {
		codes[i] = "u" + itoa(i)
	}
	wantError(t, do(t, s, req{method: "DELETE", path: "/v1/users.json", body: map[string]any{"codes": codes}}), 400, "CB_VA01", "codes", "Up to 100")
	wantError(t, do(t, s, req{method: "GET", path: "/v1/users.json", body: map[string]any{"codes": codes}}), 400, "CB_VA01", "codes", "Up to 100")
	svc := make([]map[string]any, 101)
	for i := range svc {
		svc[i] = map[string]any{"code": "u" + itoa(i%100), "services": []string{}}
	}
	wantError(t, do(t, s, req{method: "PUT", path: "/v1/users/services.json", body: users(svc...)}), 400, "CB_VA01", "users", "Up to 100")
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// Rules that only the ja page documents, stated for completeness: an empty
// users array is invalid (nothing to add).
func TestEmptyBatch(t *testing.T) {
	s := NewServer()
	defer s.Close()
	wantError(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: map[string]any{"users": []any{}}}), 400, "CB_VA01", "users", "Required")
	wantError(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: map[string]any{"users": "x"}}), 400, "CB_VA01", "users", "type")
	wantError(t, do(t, s, req{method: "POST", path: "/v1/users.json", body: map[string]any{"users": []any{"x"}}}), 400, "CB_VA01", "users[0]", "type")
}

// §6: the body size is not documented; the simulator bounds it so a runaway
// client gets an error instead of exhausting memory.
func TestBodyLimit(t *testing.T) {
	s := NewDomain()
	s.cfg.maxRequestBody = 64
	w := serve(s, "POST", "/v1/users.json", `{"users":[{"code":"`+strings.Repeat("x", 100)+`"}]}`)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), `"CB_IJ01"`) {
		t.Errorf("got %d %s", w.Code, w.Body.String())
	}
}

// TestTimezoneRejectedOnWrite checks the rule through every endpoint that
// takes a time zone: Add Users, Update Users and Add Guests answer 400
// CB_VA01 at the item's timezone key (reference §3.1, §2 "Guests").
func TestTimezoneRejectedOnWrite(t *testing.T) {
	s := NewServer(WithUsers(kintone.UserInput{Code: "taro", Name: ptr("Taro"), Password: secret("Init-Passw0rd")}))
	defer s.Close()
	for _, zone := range []string{"right/Asia/Tokyo", "posix/Asia/Tokyo", "posixrules", "localtime", "Factory"} {
		user, guest := newUser("new"), newGuest("g@example.com")
		user["timezone"], guest["timezone"] = zone, zone
		tests := []struct {
			name   string
			method string
			path   string
			body   any
			key    string
		}{
			{"add users", http.MethodPost, "/v1/users.json", users(user), "users[0].timezone"},
			{"update users", http.MethodPut, "/v1/users.json", users(map[string]any{"code": "taro", "timezone": zone}), "users[0].timezone"},
			{"add guests", http.MethodPost, "/k/v1/guests.json", guestsBody(guest), "guests[0].timezone"},
		}
		for _, tt := range tests {
			t.Run(tt.name+" "+zone, func(t *testing.T) {
				got := do(t, s, req{method: tt.method, path: tt.path, body: tt.body})
				wantError(t, got, 400, "CB_VA01", tt.key, "time zone")
			})
		}
	}
}
