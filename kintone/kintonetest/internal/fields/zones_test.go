package fields

import (
	"os"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // so that LoadLocation knows every name on any host
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
	b, err := os.ReadFile("../../../../validate/timezones.txt")
	if err != nil {
		t.Fatalf("reading the template's list: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && l[0] != '#' && !validTimezone(l) {
			t.Errorf("the template offers %q, which the simulator refuses", l)
		}
	}
}
