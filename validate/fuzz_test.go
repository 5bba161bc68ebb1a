package validate

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/userimport/userimport/i18n"
)

// FuzzCheck feeds arbitrary values (invalid UTF-8 included) to every kind
// of field: Check must not panic, must never reveal the password, must
// agree with itself about validity, and its normalisation must be stable
// (checking the normalised row again changes nothing).
func FuzzCheck(f *testing.F) {
	f.Add("taro", "Taro", "pass", "taro@example.com", "Asia/Tokyo", "1990/4/1", "1", "ki gr", "sales:mgr;hr", "0012", "A", false)
	f.Add(" a/b ", "", "x y\t", "a@b", "Local", "2023-02-29", "maybe", "slack", "a;;b", "-1", "\xff", true)
	f.Add("\u3000x", " ", rep("p", 130), "@", "", "0000-01-01", "無効", ";", ":t", "1e3", "", false)
	f.Add("x", "X", "p", "a@b.c", "US/Pacific", "令和7年4月1日", "日本語", "ki", "a", "０３－１２\u3000", "c", false)
	f.Add("x", "X", "p", "a@b.c", "Etc/GMT-9", "4/1/2025", "使用中", "ki", "a", "１２", "c", true)
	f.Fuzz(func(t *testing.T, code, name, pw, email, tz, date, valid, services, orgs, sortOrder, custom string, guests bool) {
		pw = "Zq9!" + pw + "!9qZ"
		inputs := []string{code, name, email, tz, date, valid, services, orgs, sortOrder, custom}
		leakCheck := true
		for _, in := range inputs {
			if strings.Contains(in, "Zq9!") || strings.Contains(in, "!9qZ") {
				leakCheck = false
			}
		}
		kind := Users
		if guests {
			kind = Guests
		}
		mk := func() *Record {
			rec := &Record{Row: 2, Custom: []CustomValue{{"c", custom}}}
			rec.Values[Code], rec.Values[Name], rec.Values[Password] = code, name, pw
			rec.Values[Email], rec.Values[Timezone], rec.Values[BirthDate] = email, tz, date
			rec.Values[Valid], rec.Values[Services], rec.Values[Organizations] = valid, services, orgs
			rec.Values[SortOrder], rec.Values[freeTextField(kind)] = sortOrder, name
			rec.Values[Phone], rec.Values[Locale] = sortOrder, valid
			return rec
		}
		v := New(Options{Kind: kind, File: "f.csv"})
		rec := mk()
		res := v.Check(rec)
		if res.Valid() != (res.FirstError() == nil) {
			t.Fatal("Valid and FirstError disagree")
		}
		for _, is := range res.Issues {
			if leakCheck && (strings.Contains(is.Message, "Zq9!") || strings.Contains(is.Message, "!9qZ")) {
				t.Fatalf("password leaked: %q", is.Message)
			}
			if is.Severity != ruleSeverity[is.Rule] {
				t.Fatalf("unknown rule or wrong severity: %+v", is)
			}
			if !utf8.ValidString(is.Message) {
				t.Fatalf("message is not UTF-8: %q", is.Message)
			}
			for _, l := range i18n.Langs() {
				msg := is.In(l)
				if leakCheck && (strings.Contains(msg, "Zq9!") || strings.Contains(msg, "!9qZ")) {
					t.Fatalf("password leaked in %s: %q", l, msg)
				}
				if !utf8.ValidString(msg) || strings.Contains(msg, "!(MISSING") || strings.Contains(msg, "%!") {
					t.Fatalf("%s message is broken: %q", l, msg)
				}
			}
		}
		for _, c := range res.Changes {
			if leakCheck && (strings.Contains(c.From+c.To, "Zq9!") || strings.Contains(c.From+c.To, "!9qZ")) {
				t.Fatalf("password leaked in change %+v", c)
			}
		}
		// Normalisation is stable: a fresh validator sees the normalised
		// row as needing no further change and finds the same rules.
		again := rec.Values
		rec2 := &Record{Row: 2, Values: again, Custom: rec.Custom}
		res2 := New(Options{Kind: kind}).Check(rec2)
		if len(res2.Changes) != 0 {
			t.Fatalf("normalised row changed again: %+v (first pass %+v)", res2.Changes, res.Changes)
		}
		if res2.Valid() != res.Valid() {
			t.Fatalf("validity changed after normalisation: %+v vs %+v", res.Issues, res2.Issues)
		}
		// Normalised values that passed must parse.
		if res.Valid() && !guests {
			if s := rec.Values[Organizations]; s != "" {
				if _, err := ParseOrganizations(s); err != nil {
					t.Fatalf("valid organizations %q do not parse: %v", s, err)
				}
			}
			if s := rec.Values[Valid]; s != "" && s != "true" && s != "false" {
				t.Fatalf("valid normalised to %q", s)
			}
		}
	})
}

// freeTextField returns a field that holds free text for kind k (to exercise the
// not-for-guests path with guests).
func freeTextField(k Kind) Field {
	if k == Guests {
		return SurName // not a guest field
	}
	return SurNameReading
}

// FuzzParseOrganizations checks the departments grammar: no panic, errors
// are typed, results obey the limits and survive a round trip.
func FuzzParseOrganizations(f *testing.F) {
	for _, s := range []string{"", "sales:manager;hr", "a;;b", ":x", "a:b:c", "a;", " a : b ; c ", rep("o;", 101), "\xff:\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseOrganizations(s)
		if err != nil {
			var oe *OrganizationsError
			if !errors.As(err, &oe) || oe.Entry < 1 || ruleSeverity[oe.Rule] != Error {
				t.Fatalf("untyped or malformed error %#v", err)
			}
			return
		}
		if len(got) > maxOrganizations {
			t.Fatalf("%d departments", len(got))
		}
		var b strings.Builder
		for i, ot := range got {
			if ot.Org == "" || strings.ContainsAny(ot.Org+ot.Title, ";:") ||
				utf8.RuneCountInString(ot.Org) > maxOrgCodeLen || utf8.RuneCountInString(ot.Title) > maxOrgCodeLen {
				t.Fatalf("bad entry %q", ot)
			}
			if trimBlank(ot.Org) != ot.Org || trimBlank(ot.Title) != ot.Title {
				t.Fatalf("entry not trimmed %q", ot)
			}
			if i > 0 {
				b.WriteByte(';')
			}
			b.WriteString(ot.Org)
			if ot.Title != "" {
				b.WriteString(":" + ot.Title)
			}
		}
		again, err := ParseOrganizations(b.String())
		if err != nil || len(again) != len(got) {
			t.Fatalf("round trip of %q: %q, %v", b.String(), again, err)
		}
		for i := range got {
			if again[i] != got[i] {
				t.Fatalf("round trip changed %q to %q", got[i], again[i])
			}
		}
	})
}

// FuzzParseServices: no panic, no empty or duplicate names, idempotent.
func FuzzParseServices(f *testing.F) {
	for _, s := range []string{"", "kintone;garoon", "KI, gr of", "a、b；c", "\xff;\u3000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ParseServices(s)
		seen := map[string]bool{}
		for _, n := range got {
			if n == "" || seen[n] {
				t.Fatalf("ParseServices(%q) = %q", s, got)
			}
			seen[n] = true
		}
		again := ParseServices(strings.Join(got, ";"))
		if strings.Join(again, ";") != strings.Join(got, ";") {
			t.Fatalf("not idempotent: %q then %q", got, again)
		}
	})
}

// cleanRef is the obvious definition text() must agree with.
func cleanRef(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			if multiline && (r == '\t' || r == '\n' || r == '\r') {
				continue
			}
			return false
		}
	}
	return true
}

// FuzzText checks the word-at-a-time text scan against cleanRef.
func FuzzText(f *testing.F) {
	for _, s := range []string{"plain ascii text", "abcdefg\x7fhijklmno", "abcdefgh\x1fijk", "日本語テキストです", "a\xffbcdefghijk", "12345678\u0085", "line\nbreak\ttab\r"} {
		f.Add(s, false)
	}
	v := New(Options{})
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		fld := Name
		if multiline {
			fld = Description
		}
		var res Result
		got := v.text(&res, &Record{}, fld, "", s)
		if want := cleanRef(s, multiline); got != want {
			t.Fatalf("text(%q, multiline=%v) = %v, want %v", s, multiline, got, want)
		}
	})
}
