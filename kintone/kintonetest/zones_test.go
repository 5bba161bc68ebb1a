package kintonetest

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // so that LoadLocation knows every name on any host

	"github.com/userimport/userimport/kintone"
)

// TestValidTimezone pins the simulator's time zone rule: reference §3.1
// asks for an ID from the help-site list, an IANA name. Names that only a
// host's zoneinfo directory holds (leap-second "right/" and "posix/"
// copies, posixrules, localtime) and the Factory placeholder are not zones
// a user can have, whatever the host.
func TestValidTimezone(t *testing.T) {
	tests := []struct {
		zone string
		want bool
	}{
		{"Asia/Tokyo", true},
		{"UTC", true},
		{"America/Argentina/Buenos_Aires", true},
		{"America/Los_Angeles", true},
		{"Etc/GMT+9", true},
		{"Asia/Calcutta", true}, // an old alias: accepted, see validTimezone
		{"US/Pacific", true},
		{"right/Asia/Tokyo", false},
		{"posix/Asia/Tokyo", false},
		{"posixrules", false},
		{"localtime", false},
		{"Factory", false},
		{"Local", false},
		{"", false},
		{"asia/tokyo", false},
		{"Tokyo", false},
		{"Asia/Tokyo/", false},
		{" Asia/Tokyo", false},
		{"Asia/../Asia/Tokyo", false},
		{"/usr/share/zoneinfo/Asia/Tokyo", false},
		{"zone.tab", false},
		{"+09:00", false},
	}
	for _, tt := range tests {
		if got := validTimezone(tt.zone); got != tt.want {
			t.Errorf("validTimezone(%q) = %v, want %v", tt.zone, got, tt.want)
		}
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

// TestZoneList checks zones.txt: every name is a zone Go's tzdata can load,
// and every ID the template offers (importer/timezones.txt, the help-site
// list) is accepted, so an import of a filled-in template never fails on
// the simulator for its time zone.
func TestZoneList(t *testing.T) {
	n := 0
	for name := range zoneNames() {
		n++
		if _, err := time.LoadLocation(name); err != nil {
			t.Errorf("zones.txt lists %q, which does not load: %v", name, err)
		}
	}
	if n < 400 {
		t.Errorf("zones.txt has %d names; the IANA database has about 600", n)
	}
	b, err := os.ReadFile("../../validate/timezones.txt")
	if err != nil {
		t.Fatalf("reading the template's list: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && l[0] != '#' && !validTimezone(l) {
			t.Errorf("the template offers %q, which the simulator refuses", l)
		}
	}
}
