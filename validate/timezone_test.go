package validate

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/userimport/userimport/i18n"
	_ "time/tzdata" // so that LoadLocation knows every name on any host
)

// TestTimezoneListsAreIANA checks the embedded lists: real IANA names,
// each in one list only, and every suggested ID a listed one.
func TestTimezoneListsAreIANA(t *testing.T) {
	z := zones()
	if len(z.listed) < 400 || len(z.other) < 150 {
		t.Fatalf("lists too short: %d listed, %d other", len(z.listed), len(z.other))
	}
	seen := map[string]bool{}
	check := func(name string) {
		if seen[name] {
			t.Errorf("%s listed twice", name)
		}
		seen[name] = true
		if _, err := time.LoadLocation(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, id := range z.listed {
		check(id)
		if c, _ := classifyTimezone(id); c != tzListed {
			t.Errorf("%s classified %d", id, c)
		}
	}
	for _, n := range z.other {
		check(n.name)
		if c, same := classifyTimezone(n.name); c != tzOther || same != n.same {
			t.Errorf("%s classified %d, %q", n.name, c, same)
		}
		if _, ok := slices.BinarySearch(z.listed, n.same); n.same != "" && !ok {
			t.Errorf("%s suggests %s, which is not listed", n.name, n.same)
		}
		if n.same == "" && !strings.HasPrefix(n.name, "Etc/GMT") {
			t.Errorf("%s suggests nothing", n.name)
		}
	}
}

// TestTimezoneNotFromHost feeds names that time.LoadLocation accepts on a
// Linux host with a full zoneinfo directory but that are no zone IDs.
func TestTimezoneNotFromHost(t *testing.T) {
	for _, s := range []string{
		"right/Asia/Tokyo", "posix/Asia/Tokyo", "posixrules", "localtime", "Factory", "Local", "",
		"zone.tab", "zone1970.tab", "tzdata.zi", "leapseconds", "iso3166.tab", "posix/Factory",
		"/usr/share/zoneinfo/Asia/Tokyo", "Asia/../Asia/Tokyo", "Asia//Tokyo", "Asia/Tokyo/", "Asia/Tokyo\x00",
	} {
		if c, _ := classifyTimezone(s); c != tzUnknown {
			t.Errorf("%q classified %d", s, c)
		}
		if New(Options{}).knownTimezone(s) {
			t.Errorf("%q is known", s)
		}
	}
}

func TestSuggestTimezone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Asia/Tokio", "Asia/Tokyo"},
		{"asia/tokyo", "Asia/Tokyo"},
		{"ASIA/TOKYO", "Asia/Tokyo"},
		{"Tokyo", "Asia/Tokyo"},
		{"tokyo", "Asia/Tokyo"},
		{"Tokio", "Asia/Tokyo"},
		{"new york", "America/New_York"},
		{"Los-Angeles", "America/Los_Angeles"},
		{"Amerika/New_York", "America/New_York"},
		{"Europe/Pari", "Europe/Paris"},
		{"right/Asia/Tokyo", "Asia/Tokyo"},
		{"posix/Europe/Berlin", "Europe/Berlin"},
		{"posix/US/Pacific", "America/Los_Angeles"},
		{"asia/calcutta", "Asia/Kolkata"},
		{"utc", "UTC"},
		{"Nowhere/1", ""},
		{"Local", ""},
		{"", ""},
		{strings.Repeat("Asia/Tokyo", 5), ""},
	}
	for _, tc := range tests {
		if got := suggestTimezone(tc.in); got != tc.want {
			t.Errorf("suggestTimezone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFoldedDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"Tokyo", "tokyo", 3, 0},
		{"Tokyo", "Tokio", 3, 1},
		{"Tokyo", "Toky", 3, 1},
		{"Tokyo", "kyoto", 9, 4},
		{"", "abc", 9, 3},
		{"abc", "", 9, 3},
		{"Tokyo", "Paris", 2, 2}, // capped at the limit
		{"a", "abcdefgh", 3, 3},  // lengths too far apart
		{"Asia/Tokyo", "Asia/Tokyo", 1, 0},
	}
	for _, tc := range tests {
		if got := foldedDistance(tc.a, tc.b, tc.limit); got != tc.want {
			t.Errorf("foldedDistance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.limit, got, tc.want)
		}
	}
}

// TestTimezoneVerdictCached checks that the suggestion of an unknown value
// is worked out once and that warnings are not taken for the fast path.
func TestTimezoneVerdictCached(t *testing.T) {
	v := New(Options{})
	for range 3 {
		if got := v.timezoneVerdict("Asia/Tokio"); got.class != tzUnknown || got.hint != "Asia/Tokyo" || !strings.Contains(got.msg.In(i18n.English), `did you mean "Asia/Tokyo"?`) {
			t.Fatalf("Asia/Tokio: %+v", got)
		}
		if got := v.timezoneVerdict("US/Pacific"); got.class != tzOther || got.hint != "America/Los_Angeles" || got.msg.IsZero() {
			t.Fatalf("US/Pacific: %+v", got)
		}
	}
	if len(v.tz) != 2 || v.tzBad != 2 || v.recentTZ[0] != "" {
		t.Errorf("cache %v, %d bad, last %q", v.tz, v.tzBad, v.recentTZ[0])
	}
	if v.timezoneVerdict("Asia/Tokyo").class != tzListed || v.recentTZ[0] != "Asia/Tokyo" {
		t.Errorf("a listed ID must become the fast path's, got %q", v.recentTZ[0])
	}
	// Past the bound, values are still classified, without a suggestion.
	v.tzBad = maxBadTimezones
	if got := v.timezoneVerdict("Europe/Pari"); got.class != tzUnknown || got.hint != "" || !got.msg.IsZero() {
		t.Errorf("past the bound: %+v", got)
	}
	if got := v.timezoneVerdict("Japan"); got.class != tzOther || got.hint != "Asia/Tokyo" || !got.msg.IsZero() {
		t.Errorf("alias past the bound: %+v", got)
	}
}

// FuzzTimezone checks that no value makes the lookup or the suggestion
// fail, and that both only ever name listed IDs.
func FuzzTimezone(f *testing.F) {
	for _, s := range []string{"Asia/Tokyo", "Asia/Tokio", "tokyo", "US/Pacific", "right/Asia/Tokyo", "Etc/GMT-9", "", "/", "a/", "\xff"} {
		f.Add(s)
	}
	z := zones()
	f.Fuzz(func(t *testing.T, s string) {
		c, same := classifyTimezone(s)
		if c == tzListed && !slices.Contains(z.listed, s) {
			t.Fatalf("%q listed", s)
		}
		hint := suggestTimezone(s)
		for _, id := range []string{same, hint} {
			if _, ok := slices.BinarySearch(z.listed, id); id != "" && !ok {
				t.Fatalf("%q: suggests unlisted %q", s, id)
			}
		}
	})
}
