package validate

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/userimport/userimport/validate/tz"
)

func TestParseBool(t *testing.T) {
	tests := []struct {
		in        string
		value, ok bool
	}{
		{"true", true, true}, {"TRUE", true, true}, {"1", true, true}, {"yes", true, true},
		{"Yes", true, true}, {"on", true, true}, {"有効", true, true},
		{"false", false, true}, {"False", false, true}, {"0", false, true}, {"no", false, true},
		{"NO", false, true}, {"off", false, true}, {"無効", false, true},
		{"", false, false}, {"2", false, false}, {"y", false, false}, {"truee", false, false}, {" true", false, false},
	}
	for _, tc := range tests {
		v, ok := ParseBool(tc.in)
		if v != tc.value || ok != tc.ok {
			t.Errorf("ParseBool(%q) = %v, %v; want %v, %v", tc.in, v, ok, tc.value, tc.ok)
		}
	}
}

func TestParseServices(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" ; , ", nil},
		{"kintone", []string{"kintone"}},
		{"kintone;garoon", []string{"kintone", "garoon"}},
		{"Kintone, GAROON office", []string{"kintone", "garoon", "office"}},
		{"ki;gr;of;mw;sa", []string{"kintone", "garoon", "office", "mailwise", "secure_access"}},
		{"kintone;ki;KINTONE", []string{"kintone"}},
		{"kintone\u3000garoon、office；mailwise，secure_access", []string{"kintone", "garoon", "office", "mailwise", "secure_access"}},
		{"Slack;kintone;slack", []string{"slack", "kintone"}},
	}
	for _, tc := range tests {
		if got := ParseServices(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("ParseServices(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseOrganizations(t *testing.T) {
	tests := []struct {
		in       string
		want     []OrgTitle
		errRule  Rule
		errEntry int
	}{
		{in: "", want: nil},
		{in: "  ", want: nil},
		{in: "sales", want: []OrgTitle{{"sales", ""}}},
		{in: "sales:manager;hr", want: []OrgTitle{{"sales", "manager"}, {"hr", ""}}},
		{in: " sales : manager ;\thr ; ", want: []OrgTitle{{"sales", "manager"}, {"hr", ""}}},
		{in: "sales;", want: []OrgTitle{{"sales", ""}}},
		{in: "営業部:部長", want: []OrgTitle{{"営業部", "部長"}}},
		{in: "sales:", want: []OrgTitle{{"sales", ""}}},
		{in: ";", errRule: RuleOrganizationsInvalid, errEntry: 1},
		{in: "a;;b", errRule: RuleOrganizationsInvalid, errEntry: 2},
		{in: "a;;", errRule: RuleOrganizationsInvalid, errEntry: 2},
		{in: "a; :t", errRule: RuleOrganizationsInvalid, errEntry: 2},
		{in: "a:b:c", errRule: RuleOrganizationsInvalid, errEntry: 1},
		{in: rep("x", 129), errRule: RuleOrganizationsTooLong, errEntry: 1},
		{in: "a:" + rep("x", 129), errRule: RuleOrganizationsTooLong, errEntry: 1},
		{in: rep("o;", 100) + "x", errRule: RuleOrganizationsTooMany, errEntry: 101},
	}
	for _, tc := range tests {
		got, err := ParseOrganizations(tc.in)
		if tc.errRule != "" {
			var oe *OrganizationsError
			if !errors.As(err, &oe) || oe.Rule != tc.errRule || oe.Entry != tc.errEntry {
				t.Errorf("ParseOrganizations(%q) error = %v, want %s at entry %d", tc.in, err, tc.errRule, tc.errEntry)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseOrganizations(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if got, err := ParseOrganizations(rep("o;", 100)); err != nil || len(got) != 100 {
		t.Errorf("100 departments: %d, %v", len(got), err)
	}
}

func TestFieldByName(t *testing.T) {
	for f := Field(0); f < NumFields; f++ {
		for _, name := range []string{f.String(), toUpper(f.String())} {
			if got, ok := FieldByName(name); !ok || got != f {
				t.Errorf("FieldByName(%q) = %v, %v", name, got, ok)
			}
		}
	}
	if got, ok := FieldByName("surname"); !ok || got != SurName {
		t.Errorf("surname = %v, %v", got, ok)
	}
	for _, bad := range []string{"", "login", "customItemValues", "sur_name"} {
		if _, ok := FieldByName(bad); ok {
			t.Errorf("FieldByName(%q) matched", bad)
		}
	}
}

func toUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func TestFieldsFor(t *testing.T) {
	users, guests := FieldsFor(Users), FieldsFor(Guests)
	for f := Field(0); f < NumFields; f++ {
		if !slices.Contains(users, f) && !slices.Contains(guests, f) {
			t.Errorf("%v is in neither template", f)
		}
		if Applies(Users, f) != slices.Contains(users, f) || Applies(Guests, f) != slices.Contains(guests, f) {
			t.Errorf("Applies disagrees with FieldsFor for %v", f)
		}
	}
	for _, f := range []Field{Company, Division} {
		if slices.Contains(users, f) || !slices.Contains(guests, f) {
			t.Errorf("%v should be guests-only", f)
		}
	}
	for _, f := range []Field{Email, Services, Organizations, SurName, Valid} {
		if slices.Contains(guests, f) {
			t.Errorf("%v is not a guest field", f)
		}
	}
	users[0] = Division
	if FieldsFor(Users)[0] != Code {
		t.Error("FieldsFor returned shared state")
	}
}

func TestRequired(t *testing.T) {
	for _, k := range []Kind{Users, Guests} {
		for f := Field(0); f < NumFields; f++ {
			want := f == Code || f == Name || f == Password || (k == Guests && f == Timezone)
			if Required(k, f) != want {
				t.Errorf("Required(%v, %v) = %v", k, f, !want)
			}
		}
	}
}

func TestRuleTable(t *testing.T) {
	seen := map[Rule]bool{}
	for _, ri := range Rules() {
		if seen[ri.Rule] {
			t.Errorf("%s listed twice", ri.Rule)
		}
		seen[ri.Rule] = true
		if ri.Description == "" {
			t.Errorf("%s has no description", ri.Rule)
		}
		if ri.Field < AnyField || ri.Field > CustomItem {
			t.Errorf("%s has field %d", ri.Rule, ri.Field)
		}
		if ri.Field >= 0 && ri.Field < NumFields {
			if want := ri.Field.String() + "."; len(ri.Rule) <= len(want) || string(ri.Rule[:len(want)]) != want {
				t.Errorf("%s does not start with its field name %q", ri.Rule, want)
			}
		}
	}
	// Every limit names rules of its own field that are in the table.
	for f, l := range limits {
		for _, r := range []Rule{l.tooLong, l.lengthDoubtful} {
			if r == "" {
				continue
			}
			if !seen[r] {
				t.Errorf("limit of %v names unknown rule %s", Field(f), r)
			}
		}
	}
	users, guests := RulesFor(Users), RulesFor(Guests)
	if !slices.ContainsFunc(guests, func(ri RuleInfo) bool { return ri.Rule == RuleCodeNotEmail }) ||
		slices.ContainsFunc(users, func(ri RuleInfo) bool { return ri.Rule == RuleCodeNotEmail }) {
		t.Error("code.not_email must be for guests only")
	}
	if len(users)+len(guests) < len(Rules()) {
		t.Error("some rule applies to no kind")
	}
}

func TestFoldHash(t *testing.T) {
	pairs := [][2]string{{"Taro@Example.COM", "taro@example.com"}, {"ÉMILE", "émile"}, {"\u212a", "k"}}
	for _, p := range pairs {
		if foldHash(p[0]) != foldHash(p[1]) {
			t.Errorf("foldHash(%q) != foldHash(%q)", p[0], p[1])
		}
	}
	if foldHash("taro") == foldHash("jiro") || foldHash("ab") == foldHash("ba") {
		t.Error("distinct strings collide")
	}
}

// TestTimezoneCacheBounded feeds more junk IDs than the cache keeps.
func TestTimezoneCacheBounded(t *testing.T) {
	v := New(Options{})
	for i := range maxBadTimezones + 50 {
		if v.knownTimezone("Nowhere/" + itoa(i)) {
			t.Fatal("junk accepted")
		}
	}
	if len(v.tz) != maxBadTimezones {
		t.Errorf("cache holds %d entries, want %d", len(v.tz), maxBadTimezones)
	}
	if !v.knownTimezone("Europe/Paris") || v.tz["Europe/Paris"].class != tz.Listed {
		t.Error("valid IDs must still be cached")
	}
	if _, err := time.LoadLocation("Europe/Paris"); err != nil {
		t.Fatal(err)
	}
}

// TestTextEveryByte puts every byte value at every position of a 17-byte
// value, so each lane of the word-at-a-time scan sees it.
func TestTextEveryByte(t *testing.T) {
	v := New(Options{})
	base := []byte("abcdefghijklmnopq")
	for c := 0; c < 256; c++ {
		for pos := range base {
			b := append([]byte(nil), base...)
			b[pos] = byte(c)
			for _, f := range []Field{Name, Description} {
				var res Result
				got := v.text(&res, &Record{}, f, "", string(b))
				if want := cleanRef(string(b), f == Description); got != want {
					t.Fatalf("byte %#x at %d (%v): got %v, want %v", c, pos, f, got, want)
				}
			}
		}
	}
}
