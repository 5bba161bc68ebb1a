package validate

import (
	"strings"
	"testing"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/validate/tz"
)

// TestTimezoneNotFromHost feeds the Validator names that time.LoadLocation accepts on a
// Linux host with a full zoneinfo directory but that are no zone IDs.
func TestTimezoneNotFromHost(t *testing.T) {
	for _, s := range []string{
		"right/Asia/Tokyo", "posix/Asia/Tokyo", "posixrules", "localtime", "Factory", "Local", "",
		"zone.tab", "zone1970.tab", "tzdata.zi", "leapseconds", "iso3166.tab", "posix/Factory",
		"/usr/share/zoneinfo/Asia/Tokyo", "Asia/../Asia/Tokyo", "Asia//Tokyo", "Asia/Tokyo/", "Asia/Tokyo\x00",
	} {
		if New(Options{}).knownTimezone(s) {
			t.Errorf("%q is known", s)
		}
	}
}

// TestTimezoneVerdictCached checks that the suggestion of an unknown value
// is worked out once and that warnings are not taken for the fast path.
func TestTimezoneVerdictCached(t *testing.T) {
	v := New(Options{})
	for range 3 {
		if got := v.timezoneVerdict("Asia/Tokio"); got.class != tz.Unknown || got.hint != "Asia/Tokyo" || !strings.Contains(got.msg.In(i18n.English), `did you mean "Asia/Tokyo"?`) {
			t.Fatalf("Asia/Tokio: %+v", got)
		}
		if got := v.timezoneVerdict("US/Pacific"); got.class != tz.Other || got.hint != "America/Los_Angeles" || got.msg.IsZero() {
			t.Fatalf("US/Pacific: %+v", got)
		}
	}
	if len(v.tz) != 2 || v.tzBad != 2 || v.recentTZ[0] != "" {
		t.Errorf("cache %v, %d bad, last %q", v.tz, v.tzBad, v.recentTZ[0])
	}
	if v.timezoneVerdict("Asia/Tokyo").class != tz.Listed || v.recentTZ[0] != "Asia/Tokyo" {
		t.Errorf("a listed ID must become the fast path's, got %q", v.recentTZ[0])
	}
	// Past the bound, values are still classified, without a suggestion.
	v.tzBad = maxBadTimezones
	if got := v.timezoneVerdict("Europe/Pari"); got.class != tz.Unknown || got.hint != "" || !got.msg.IsZero() {
		t.Errorf("past the bound: %+v", got)
	}
	if got := v.timezoneVerdict("Japan"); got.class != tz.Other || got.hint != "Asia/Tokyo" || !got.msg.IsZero() {
		t.Errorf("alias past the bound: %+v", got)
	}
}
