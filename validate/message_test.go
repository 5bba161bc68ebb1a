package validate

import (
	"strings"
	"testing"
)

func TestMessages(t *testing.T) {
	cols := [NumFields]string{Code: "Login Name", Email: "E-mail Address", Timezone: "タイムゾーン"}
	tests := []struct {
		name  string
		file  string
		set   map[Field]string
		rule  Rule
		parts []string // every part must appear in the message
	}{
		{name: "forbidden char example", set: map[Field]string{Code: "ab/cd"}, rule: RuleCodeForbiddenChar,
			parts: []string{`row 7, column "Login Name": "ab/cd" contains "/", which login names cannot contain`, "remove it."}},
		{name: "file prefix", file: "users.csv", set: map[Field]string{Email: "nope"}, rule: RuleEmailInvalid,
			parts: []string{`users.csv: row 7, column "E-mail Address": "nope" has no @`, "taro@example.com"}},
		{name: "user column with Japanese label", set: map[Field]string{Timezone: "Asia/Tokio"}, rule: RuleTimezoneUnknown,
			parts: []string{`column "タイムゾーン": "Asia/Tokio" is not a time zone ID`, "Asia/Tokyo"}},
		{name: "API name without mapping", set: map[Field]string{SortOrder: "x"}, rule: RuleSortOrderInvalid,
			parts: []string{`column "sortOrder": "x"`, "0 to 99999999"}},
		{name: "length counts characters", set: map[Field]string{Name: rep("あ", 129)}, rule: RuleNameTooLong,
			parts: []string{"129 characters", "at most 128", "shorten"}},
		{name: "long value cut", set: map[Field]string{Phone: rep("0123456789", 11)}, rule: RulePhoneTooLong,
			parts: []string{`"` + rep("0123456789", 6) + `"…`, "110 characters"}},
		{name: "invisible char escaped", set: map[Field]string{Code: "ta\x01ro"}, rule: RuleControlChar,
			parts: []string{`"ta\x01ro"`, "U+0001", "delete it"}},
		{name: "missing column", set: map[Field]string{Name: ""}, rule: RuleNameRequired,
			parts: []string{`there is no "name" column`, "add the column"}},
		{name: "doubtful names both limits", set: map[Field]string{SurName: rep("a", 70)}, rule: RuleSurNameLengthDoubtful,
			parts: []string{"70 characters", "128", "64"}},
		{name: "timezone typo suggests the ID", set: map[Field]string{Timezone: "Asia/Tokio"}, rule: RuleTimezoneUnknown,
			parts: []string{`"Asia/Tokio" is not a time zone ID; did you mean "Asia/Tokyo"?`, "mind upper and lower case"}},
		{name: "timezone host file suggests the ID", set: map[Field]string{Timezone: "right/Asia/Tokyo"}, rule: RuleTimezoneUnknown,
			parts: []string{`did you mean "Asia/Tokyo"?`}},
		{name: "timezone junk suggests nothing", set: map[Field]string{Timezone: "Nowhere/1"}, rule: RuleTimezoneUnknown,
			parts: []string{`"Nowhere/1" is not a time zone ID; use an IANA ID such as Asia/Tokyo`}},
		{name: "timezone alias names its ID", set: map[Field]string{Timezone: "US/Pacific"}, rule: RuleTimezoneUnlistedDoubtful,
			parts: []string{`"US/Pacific" is an IANA name that keeps the same time as "America/Los_Angeles"`, `use "America/Los_Angeles" to be safe`}},
		{name: "timezone Etc zone", set: map[Field]string{Timezone: "Etc/GMT-9"}, rule: RuleTimezoneUnlistedDoubtful,
			parts: []string{`"Etc/GMT-9" is an IANA name but not on the list`, "Asia/Tokyo"}},
		{name: "email doubtful names the problem", set: map[Field]string{Email: "admin@localhost"}, rule: RuleEmailFormatDoubtful,
			parts: []string{`column "E-mail Address": "admin@localhost" has no dot in the domain after the @`, "may reject it"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := New(Options{File: tc.file, Columns: cols})
			rec := &Record{Row: 7, Values: baseRow(Users)}
			for f, s := range tc.set {
				rec.Values[f] = s
			}
			res := v.Check(rec)
			var is *Issue
			for i := range res.Issues {
				if res.Issues[i].Rule == tc.rule {
					is = &res.Issues[i]
				}
			}
			if is == nil {
				t.Fatalf("no %s in %+v", tc.rule, res.Issues)
			}
			for _, p := range tc.parts {
				if !strings.Contains(is.Message, p) {
					t.Errorf("message %q lacks %q", is.Message, p)
				}
			}
			if is.Row != 7 {
				t.Errorf("row = %d", is.Row)
			}
			if !strings.HasSuffix(is.Message, ".") {
				t.Errorf("message %q is not a sentence", is.Message)
			}
		})
	}
}

// TestPasswordNeverShown feeds secret passwords that fail every password
// rule (and a few other ways) and checks no Message or Change reveals them.
func TestPasswordNeverShown(t *testing.T) {
	const secret = "Hunter2Secret"
	passwords := []string{
		rep(secret, 10),              // too long
		secret + rep("x", 60),        // doubtful length
		secret + " " + secret,        // space
		" " + secret + " ",           // edge spaces, never trimmed
		secret + "ワード",               // non-ASCII
		secret + "\t",                // control character
		secret + "\x00" + secret,     // NUL
		secret + "\xff",              // invalid UTF-8
		secret + "\u0085",            // C1 control
		"\u3000" + secret + "\u3000", // full-width spaces
	}
	for _, kind := range []Kind{Users, Guests} {
		for _, update := range []bool{false, true} {
			for _, pw := range passwords {
				v := New(Options{Kind: kind, Update: update, File: "f.csv", Columns: [NumFields]string{Password: "Password"}})
				rec := &Record{Row: 2, Values: baseRow(kind)}
				rec.Values[Password] = pw
				rec.Values[Name] = "" // more issues in the same row
				res := v.Check(rec)
				pwIssue := false
				for _, is := range res.Issues {
					pwIssue = pwIssue || is.Field == Password
				}
				if !pwIssue {
					t.Fatalf("%q: no password issue: %+v", pw, res.Issues)
				}
				if rec.Values[Password] != pw {
					t.Errorf("password was changed")
				}
				for _, is := range res.Issues {
					if strings.Contains(is.Message, secret) || strings.Contains(is.Message, "Hunter") {
						t.Errorf("message reveals the password: %q", is.Message)
					}
					if is.Field == Password && !strings.Contains(is.Message, "***") {
						t.Errorf("password message does not show ***: %q", is.Message)
					}
				}
				for _, c := range res.Changes {
					if strings.Contains(c.From, secret) || strings.Contains(c.To, secret) {
						t.Errorf("change reveals the password: %+v", c)
					}
				}
			}
		}
	}
}
