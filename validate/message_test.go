package validate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/userimport/userimport/i18n"
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
			parts: []string{`"Nowhere/1" is not a time zone; write one such as Asia/Tokyo`}},
		{name: "timezone alias names its ID", set: map[Field]string{Timezone: "US/Pacific"}, rule: RuleTimezoneUnlistedDoubtful,
			parts: []string{`"US/Pacific" is an old name for the time zone "America/Los_Angeles"`, `use "America/Los_Angeles" to be safe`}},
		{name: "timezone Etc zone", set: map[Field]string{Timezone: "Etc/GMT-9"}, rule: RuleTimezoneUnlistedDoubtful,
			parts: []string{`"Etc/GMT-9" is not one of the time zones cybozu.com lists`, "Asia/Tokyo"}},
		{name: "email doubtful names the problem", set: map[Field]string{Email: "admin@localhost"}, rule: RuleEmailFormatDoubtful,
			parts: []string{`column "E-mail Address": "admin@localhost" has no dot in the domain after the @`, "cybozu.com may too"}},
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
					if args := fmt.Sprint(is.Detail.Args...); strings.Contains(args, secret) {
						t.Errorf("the arguments of a finding reveal the password: %s", args)
					}
					for _, l := range i18n.Langs() {
						msg := is.In(l)
						if strings.Contains(msg, secret) || strings.Contains(msg, "Hunter") {
							t.Errorf("%s message reveals the password: %q", l, msg)
						}
						if is.Field == Password && !strings.Contains(msg, "***") {
							t.Errorf("%s password message does not show ***: %q", l, msg)
						}
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

// TestMessagesJapanese checks whole Japanese messages of a Validator whose
// Lang is Japanese, and that In gives the same finding in English.
func TestMessagesJapanese(t *testing.T) {
	cols := [NumFields]string{Code: "ログイン名", JoinDate: "入社日", Valid: "使用状態"}
	tests := []struct {
		set  map[Field]string
		rule Rule
		ja   string
		en   string
	}{
		{map[Field]string{Code: "ab/cd"}, RuleCodeForbiddenChar,
			`users.csv 7行目「ログイン名」列: "ab/cd" に、ログイン名に使えない文字 "/" が含まれています（使えない文字: \ [ ] " : ; < > , /）。削除してください。`,
			`users.csv: row 7, column "ログイン名": "ab/cd" contains "/", which login names cannot contain (\ [ ] " : ; < > , /); remove it.`},
		{map[Field]string{Name: ""}, RuleNameRequired,
			`users.csv 7行目「name」列: 「name」列がありません。ユーザーには表示名が必要です。列を追加してください。`,
			`users.csv: row 7, column "name": there is no "name" column, but every user needs a display name; add the column.`},
		{map[Field]string{JoinDate: "令和7年4月1日"}, RuleJoinDateConverted,
			`users.csv 7行目「入社日」列: "令和7年4月1日" を 2025-04-01（年-月-日）として読み取りました。`,
			`users.csv: row 7, column "入社日": "令和7年4月1日" was read as 2025-04-01 (year-month-day, the form cybozu.com takes).`},
		{map[Field]string{JoinDate: "4/1/2025"}, RuleJoinDateAmbiguous,
			`users.csv 7行目「入社日」列: "4/1/2025" は 2025-04-01（月/日/年）とも 2025-01-04（日/月/年）とも読めます。2024-04-01 のように「年-月-日」の形で入力するか、ファイルの日付の順序を指定してください（--date-order mdy または dmy）。`,
			`users.csv: row 7, column "入社日": "4/1/2025" could be 2025-04-01 (month/day/year) or 2025-01-04 (day/month/year); write it as YYYY-MM-DD, or say which order the file uses (--date-order mdy or dmy).`},
		{map[Field]string{Valid: "停止中"}, RuleValidConverted,
			`users.csv 7行目「使用状態」列: "停止中" を false（停止中）として読み取りました。`,
			`users.csv: row 7, column "使用状態": "停止中" was read as false (inactive).`},
		{map[Field]string{JoinDate: "平成31年5月1日"}, RuleJoinDateInvalid,
			`users.csv 7行目「入社日」列: "平成31年5月1日" は日付として読めません。平成は 1989-01-08 から 2019-04-30 までです。2024-04-01 のように「年-月-日」の形で入力してください。`,
			`users.csv: row 7, column "入社日": "平成31年5月1日" is not a date: the era Heisei (平成) ran from 1989-01-08 to 2019-04-30; write the date as YYYY-MM-DD (for example 2024-04-01).`},
	}
	for _, tc := range tests {
		v := New(Options{File: "users.csv", Columns: cols, Lang: i18n.Japanese})
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
			t.Errorf("no %s in %+v", tc.rule, res.Issues)
			continue
		}
		if is.Message != tc.ja {
			t.Errorf("Message\n got %s\nwant %s", is.Message, tc.ja)
		}
		if en := is.In(i18n.English); en != tc.en {
			t.Errorf("In(English)\n got %s\nwant %s", en, tc.en)
		}
	}
}
