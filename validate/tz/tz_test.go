package tz

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // so that LoadLocation knows every name on any host
)

// table parses the lists that package validate embeds, so that the tests
// check the lists the product uses.
func table(t testing.TB) *Table {
	t.Helper()
	var text [2]string
	for i, name := range []string{"../timezones.txt", "../timezone_aliases.txt"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		text[i] = string(b)
	}
	return Parse(text[0], text[1])
}

// TestListsAreIANA checks the embedded lists: real IANA names,
// each in one list only, and every suggested ID a listed one.
func TestListsAreIANA(t *testing.T) {
	z := table(t)
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
		if c, _ := z.Classify(id); c != Listed {
			t.Errorf("%s classified %d", id, c)
		}
	}
	for _, n := range z.other {
		check(n.name)
		if c, same := z.Classify(n.name); c != Other || same != n.same {
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

// TestNotFromHost feeds names that time.LoadLocation accepts on a
// Linux host with a full zoneinfo directory but that are no zone IDs.
func TestNotFromHost(t *testing.T) {
	for _, s := range []string{
		"right/Asia/Tokyo", "posix/Asia/Tokyo", "posixrules", "localtime", "Factory", "Local", "",
		"zone.tab", "zone1970.tab", "tzdata.zi", "leapseconds", "iso3166.tab", "posix/Factory",
		"/usr/share/zoneinfo/Asia/Tokyo", "Asia/../Asia/Tokyo", "Asia//Tokyo", "Asia/Tokyo/", "Asia/Tokyo\x00",
	} {
		if c, _ := table(t).Classify(s); c != Unknown {
			t.Errorf("%q classified %d", s, c)
		}
	}
}

func TestSuggest(t *testing.T) {
	z := table(t)
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
		if got := z.Suggest(tc.in); got != tc.want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.in, got, tc.want)
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

// FuzzSuggest checks that no value makes the lookup or the suggestion
// fail, and that both only ever name listed IDs.
func FuzzSuggest(f *testing.F) {
	for _, s := range []string{"Asia/Tokyo", "Asia/Tokio", "tokyo", "US/Pacific", "right/Asia/Tokyo", "Etc/GMT-9", "", "/", "a/", "\xff"} {
		f.Add(s)
	}
	z := table(f)
	f.Fuzz(func(t *testing.T, s string) {
		c, same := z.Classify(s)
		if c == Listed && !slices.Contains(z.listed, s) {
			t.Fatalf("%q listed", s)
		}
		hint := z.Suggest(s)
		for _, id := range []string{same, hint} {
			if _, ok := slices.BinarySearch(z.listed, id); id != "" && !ok {
				t.Fatalf("%q: suggests unlisted %q", s, id)
			}
		}
	})
}
