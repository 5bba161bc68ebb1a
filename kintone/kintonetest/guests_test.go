package kintonetest

import (
	"strings"
	"testing"
)

func newGuest(code string) map[string]any {
	return map[string]any{"code": code, "password": "pw", "timezone": "Asia/Tokyo", "name": "Guest"}
}

func guestsBody(items ...map[string]any) map[string]any {
	list := make([]any, len(items))
	for i, it := range items {
		list[i] = it
	}
	return map[string]any{"guests": list}
}

// §2 Guests: Add Guests stores guests apart from users; Get Users does not
// return them; duplicate → "already exists"; Delete Guests removes them.
func TestGuests(t *testing.T) {
	s := NewServer()
	defer s.Close()
	g := newGuest("g1@example.com")
	g["company"] = "ACME"
	mustOK(t, do(t, s, req{method: "POST", path: "/k/v1/guests.json", body: guestsBody(g, newGuest("g2@example.com"))}))
	if got := s.Guests(); len(got) != 2 || got[0] != "g1@example.com" {
		t.Errorf("Guests = %v", got)
	}
	if gi, ok := s.Guest("g1@example.com"); !ok || gi.Company != "ACME" || gi.Locale != "auto" || gi.Password != "" {
		t.Errorf("Guest = %+v", gi)
	}
	if us := getUsers(t, s, ""); len(us) != 1 {
		t.Errorf("Get Users returns guests: %v", codesOf(us))
	}
	got := do(t, s, req{method: "POST", path: "/k/v1/guests.json", body: guestsBody(newGuest("g3@example.com"), newGuest("g1@example.com"))})
	wantError(t, got, 400, "CB_VA01", "guests[1].code", "already exists")
	if len(s.Guests()) != 2 {
		t.Error("rejected guest batch committed")
	}
	wantError(t, do(t, s, req{method: "DELETE", path: "/k/v1/guests.json", body: map[string]any{"guests": []string{"nobody@example.com"}}}),
		400, "CB_VA01", "guests[0]", "not found")
	mustOK(t, do(t, s, req{method: "DELETE", path: "/k/v1/guests.json", body: map[string]any{"guests": []string{"g1@example.com"}}}))
	if got := s.Guests(); len(got) != 1 || got[0] != "g2@example.com" {
		t.Errorf("after delete: %v", got)
	}
	wantError(t, do(t, s, req{method: "GET", path: "/k/v1/guests.json"}), 405, "CB_NF01")
}

// §2 Guests field rules.
func TestGuestRules(t *testing.T) {
	tests := []struct {
		name  string
		field string
		value any
		msg   string
	}{
		{"code must be an e-mail", "code", "not-an-email", "e-mail"},
		{"code with display name rejected", "code", "Bob <bob@example.com>", "e-mail"},
		{"code required", "code", nil, "Required"},
		{"password required", "password", nil, "Required"},
		{"timezone required", "timezone", nil, "Required"},
		{"timezone empty", "timezone", "", "Required"},
		{"timezone IANA", "timezone", "Tokyo", "time zone"},
		{"name required", "name", nil, "Required"},
		{"name 129", "name", strings.Repeat("n", 129), "up to 128"},
		{"locale zh-TW not allowed for guests", "locale", "zh-TW", "Allowed values"},
		{"locale en ok", "locale", "en", ""},
		{"surNameReading 65", "surNameReading", strings.Repeat("r", 65), "up to 64"},
		{"givenNameReading 64 ok", "givenNameReading", strings.Repeat("r", 64), ""},
		{"company 101", "company", strings.Repeat("c", 101), "up to 100"},
		{"division 101", "division", strings.Repeat("c", 101), "up to 100"},
		{"phone 101", "phone", strings.Repeat("1", 101), "up to 100"},
		{"callto 257", "callto", strings.Repeat("c", 257), "up to 256"},
	}
	s := NewServer()
	defer s.Close()
	for i, tt := range tests {
		t.Run("§2 guests "+tt.name, func(t *testing.T) {
			g := newGuest("g" + itoa(i) + "@example.com")
			if tt.value == nil {
				delete(g, tt.field)
			} else {
				g[tt.field] = tt.value
			}
			got := do(t, s, req{method: "POST", path: "/k/v1/guests.json", body: guestsBody(g)})
			if tt.msg == "" {
				mustOK(t, got)
				return
			}
			wantError(t, got, 400, "CB_VA01", "guests[0]."+tt.field, tt.msg)
		})
	}
}
