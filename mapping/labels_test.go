package mapping

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

func TestLabelNormalisation(t *testing.T) {
	tests := []struct {
		header string
		want   string // target name, "" = unknown
	}{
		{"ログイン名\n(必須)", "code"},
		{"ログイン名\r\n（必須）", "code"},
		{"表示名※", "name"},
		{"※表示名", "name"},
		{"パスワード*", "password"},
		{"＊パスワード", "password"},
		{"Login Name (required)", "code"},
		{"LOGIN NAME [Required]", "code"},
		{"ｌｏｇｉｎ　ｎａｍｅ", "code"},
		{"E-MAIL ADDRESS", "email"},
		{"e_mail", "email"},
		{"よみがな (姓)", "surNameReading"},
		{"よみがな（名）", "givenNameReading"},
		{"従業員番号", "employeeNumber"},
		{"携帯電話番号", "mobilePhone"},
		{"内線番号", "extensionNumber"},
		{"メールアドレス【必須】", "email"},
		{"別言語での表示名(言語)", "localNameLocale"},
		{"Language for Localized Name", "localNameLocale"},
		{"新ログイン名", "newCode"},
		{"New Login Name", "newCode"},
		{"新登录名称", "newCode"},
		{"削除", "delete"},
		{"Delete", "delete"},
		{"删除", "delete"},
		{"登录名称", "code"},
		{"显示名称", "name"},
		{"電子郵件地址", "email"},
		{"员工编号", "employeeNumber"},
		{"customItem.拠点", "customItem.拠点"},
		{"CUSTOMITEM.Seat", "customItem.Seat"},
		{"拠点情報", ""},
		{"Notes", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			got, ok := lookupLabel(tt.header)
			name := ""
			if ok {
				name = got.String()
			}
			if name != tt.want {
				t.Errorf("lookupLabel(%q) = %q, want %q", tt.header, name, tt.want)
			}
		})
	}
}

// TestEveryCybozuLabelKnown: every column of cybozu's users file, as the
// Japanese export writes it and as the English help spells it, maps to
// the column's meaning.
func TestEveryCybozuLabelKnown(t *testing.T) {
	ja := CybozuUsersHeader(nil)
	for i, c := range cybozuUserColumns {
		for _, label := range []string{c.label, ja[i]} {
			got, ok := lookupLabel(label)
			if !ok || got != c.t {
				t.Errorf("column %d %q -> %v (%v), want %v", i+1, label, got, ok, c.t)
			}
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct{ header, want string }{
		{"Emial", "email"},
		{"Login Nmae", "Login Name"},
		{"ログイン明", "ログイン名"},
		{"ログイン名(半角英数)", "ログイン名"},
		{"社員のメールアドレス", "メールアドレス"},
		{"Employe Number", "employeeNumber"},
		{"Notes", ""},
		{"拠点情報", ""},
		{"x", ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.header); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"email", "emial", 5, 1},
		{"abc", "abc", 5, 0},
		{"", "abc", 5, 3},
		{"kitten", "sitting", 5, 3},
		{"kitten", "sitting", 2, 2},
		{"ログイン名", "ログイン", 5, 1},
	}
	for _, tt := range tests {
		if got := editDistance([]rune(tt.a), []rune(tt.b), tt.limit); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

func TestLooksLikePassword(t *testing.T) {
	for s, want := range map[string]bool{
		"Secret-123": true, "hunter2x": true, "P@ss": true, "1234-5678": true,
		"ログイン名": false, "Login Name": false, "abc": false, "password": false, "12345": false,
	} {
		if got := looksLikePassword(s); got != want {
			t.Errorf("looksLikePassword(%q) = %v", s, got)
		}
	}
}

func TestFindingsCapped(t *testing.T) {
	header := []string{"code"}
	for i := range 30 {
		header = append(header, fmt.Sprintf("Unknown Thing %d", i))
	}
	mp, err := NewMapper(header, validate.Users, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := mp.Findings()
	if len(f) != maxFindings+1 {
		t.Fatalf("%d findings, want %d", len(f), maxFindings+1)
	}
	for _, x := range f[:maxFindings] {
		if x.Rule != "column.unknown" || x.Column == "" || x.Severity != "warning" {
			t.Errorf("finding %+v", x)
		}
	}
	if last := f[maxFindings]; last.Rule != "column.more" || !strings.Contains(last.Message, "10 more") {
		t.Errorf("last finding %+v", last)
	}
}

// TestNoPasswordInMessages: a "header" that is really a data row never
// puts a password-like cell in an error or finding.
func TestNoPasswordInMessages(t *testing.T) {
	const secret = "Tr0ub4dor&3"
	other := "Passw0rd"
	tests := []struct {
		name   string
		header []string
		m      string
	}{
		{"data row as header", []string{"taro", secret, "Taro Yamada"}, ""},
		{"data row with a mapping", []string{"taro", secret, "Taro Yamada"}, "columns: {taro: code}"},
		{"data row, mapping names a missing column", []string{"taro", secret}, "columns: {Login: code}"},
		{"data row with one label-like cell and a near-label password", []string{"taro", "名", "Passw0rd"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m *File
			if tt.m != "" {
				var err error
				if m, err = Parse([]byte(tt.m), "m.yaml"); err != nil {
					t.Fatal(err)
				}
			}
			mp, err := NewMapper(tt.header, validate.Users, m)
			var text []string
			if err != nil {
				text = append(text, err.Error())
			} else {
				for _, f := range mp.Findings() {
					text = append(text, f.Message, f.Column)
				}
				if err := mp.Diagnose(validate.Code, validate.Name); err != nil {
					text = append(text, err.Error())
				}
			}
			if len(text) == 0 {
				t.Fatal("no message at all")
			}
			for _, s := range text {
				if strings.Contains(s, secret) || strings.Contains(s, other) {
					t.Errorf("message holds the password: %s", s)
				}
			}
		})
	}
	rows := [][]string{{"ユーザー一覧"}, {"taro", secret}}
	if _, ok := FindHeader(rows); ok {
		t.Fatal("FindHeader found a header in data")
	}
	if e := NoHeaderError(rows); strings.Contains(e.Error(), secret) || !errors.Is(e, ErrNoHeader) {
		t.Errorf("NoHeaderError: %v", e)
	}
}

func TestFindHeader(t *testing.T) {
	tests := []struct {
		name string
		rows [][]string
		want int
		ok   bool
	}{
		{"header first", [][]string{{"code", "name"}, {"a", "b"}}, 0, true},
		{"title row above", [][]string{{"社員名簿 2025年4月"}, {"ログイン名\n(必須)", "表示名※", "パスワード"}, {"taro", "太郎", "x"}}, 1, true},
		{"two title rows", [][]string{{"Staff"}, {"as of April", ""}, {"Login Name", "Display Name"}}, 2, true},
		{"best match wins", [][]string{{"code", "x"}, {"code", "name", "email"}}, 1, true},
		{"tie: earliest", [][]string{{"code", "name"}, {"email", "phone"}}, 0, true},
		{"no header", [][]string{{"taro", "x"}, {"hanako", "y"}}, 0, false},
		{"beyond 20 rows", append(make([][]string, 20), []string{"code"}), 0, false},
		{"empty", nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FindHeader(tt.rows)
			if got != tt.want || ok != tt.ok {
				t.Errorf("FindHeader = %d, %v; want %d, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestDiagnose(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		req    []validate.Field
		want   []string // substrings; nil = no error
		is     error
	}{
		{"all there", []string{"code", "name", "password"}, []validate.Field{validate.Code, validate.Name, validate.Password}, nil, nil},
		{"code missing, near miss", []string{"Logn Name", "表示名"}, nil,
			[]string{"no column gives code", `"Logn Name" (did you mean "Login Name"?)`, `the header has "Logn Name", "表示名"`}, ErrMissingColumn},
		{"name and password for creating", []string{"ログイン名"}, []validate.Field{validate.Code, validate.Name, validate.Password},
			[]string{"no column gives name, password"}, ErrMissingColumn},
		{"no header", []string{"foo", "bar"}, nil, []string{"no header row found", "--header-row"}, ErrNoHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			mp, err := NewMapper(tt.header, validate.Users, nil)
			if err == nil {
				err = mp.Diagnose(tt.req...)
			}
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var he *HeaderError
			if !errors.As(err, &he) || !errors.Is(err, tt.is) {
				t.Fatalf("error %T %v, want a *HeaderError %v", err, err, tt.is)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	if err := Diagnose([]string{"email"}, validate.Users); !errors.Is(err, ErrMissingColumn) {
		t.Errorf("Diagnose: %v", err)
	}
}

func TestKeepDeleteRename(t *testing.T) {
	header := []string{"ログイン名", "表示名", "新ログイン名", "パスワード", "従業員番号", "入社日", "customItem.seat", "削除"}
	mp, err := NewMapper(header, validate.Users, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := mp.Findings(); len(f) != 0 {
		t.Fatalf("findings %+v", f)
	}
	tests := []struct {
		name  string
		cells []string
		check func(t *testing.T, r *validate.Record)
		err   error
	}{
		{"stars keep", []string{"taro", "*", "*", " * ", "*", "*", "*", "*"}, func(t *testing.T, r *validate.Record) {
			for _, f := range []validate.Field{validate.Name, validate.Password, validate.EmployeeNumber, validate.JoinDate} {
				if !r.Keep[f] || r.Set[f] || r.Values[f] != "" {
					t.Errorf("%s: keep %v set %v value %q", f, r.Keep[f], r.Set[f], r.Values[f])
				}
			}
			if !r.Set[validate.Code] || r.Keep[validate.Code] || r.NewCode != "" || r.Delete {
				t.Errorf("record %+v", r)
			}
			if !slices.Equal(r.KeepCustom, []string{"seat"}) || len(r.Custom) != 0 {
				t.Errorf("custom %+v keep %q", r.Custom, r.KeepCustom)
			}
		}, nil},
		{"rename and delete", []string{"taro", "Taro", "taro2", "pw", "", "", "A", "1"}, func(t *testing.T, r *validate.Record) {
			if r.NewCode != "taro2" || !r.Delete || r.Values[validate.Password] != "pw" || !r.Set[validate.EmployeeNumber] {
				t.Errorf("record %+v", r)
			}
		}, nil},
		{"new code same as code is no rename", []string{"taro", "Taro", " taro ", "pw", "", "", "", "0"}, func(t *testing.T, r *validate.Record) {
			if r.NewCode != "" || r.Delete {
				t.Errorf("record %+v", r)
			}
		}, nil},
		{"bad delete value", []string{"taro", "Taro", "*", "pw", "", "", "", "yes"}, nil, ErrDeleteValue},
		{"star inside a value is a value", []string{"taro", "T*", "*", "a*b", "", "", "", ""}, func(t *testing.T, r *validate.Record) {
			if r.Values[validate.Name] != "T*" || r.Values[validate.Password] != "a*b" || r.Keep[validate.Name] {
				t.Errorf("record %+v", r)
			}
		}, nil},
	}
	var rec validate.Record
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mp.Map(sheet.Row{Line: 5, Cells: tt.cells}, &rec)
			if tt.err != nil {
				var fe *sheet.FileError
				if !errors.Is(err, tt.err) || !errors.As(err, &fe) || fe.Row != 5 || fe.Column != "削除" {
					t.Fatalf("error %v, want %v on row 5, column 削除", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, &rec)
		})
	}
}

// TestCustomItemNameAfterDelete: cybozu's export names custom items by
// their display name after 削除; the finding says how to name them.
func TestCustomItemNameAfterDelete(t *testing.T) {
	mp, err := NewMapper(append(CybozuUsersHeader(nil), "拠点情報", "customItem.seat"), validate.Users, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := mp.Findings()
	if len(f) != 1 || f[0].Rule != "column.custom_unnamed" || f[0].Column != "拠点情報" || !strings.Contains(f[0].Message, "customItem.<its code>") {
		t.Errorf("findings %+v", f)
	}
	if mp.CustomColumns()["seat"] != "customItem.seat" {
		t.Errorf("custom columns %v", mp.CustomColumns())
	}
}

func TestStarFromMappingIsAValue(t *testing.T) {
	m, err := Parse([]byte("constants: {description: '*'}\nfields: {name: '{{col \"n\"}}'}"), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mp, err := NewMapper([]string{"code", "n"}, validate.Users, m)
	if err != nil {
		t.Fatal(err)
	}
	var rec validate.Record
	must(t, mp.Map(sheet.Row{Line: 2, Cells: []string{"a", "*"}}, &rec))
	if rec.Values[validate.Description] != "*" || rec.Values[validate.Name] != "*" || rec.Keep[validate.Name] {
		t.Errorf("record %+v", rec)
	}
}

func TestMappingCannotBuildDeleteOrRename(t *testing.T) {
	for _, y := range []string{"constants: {delete: '1'}", "fields: {newCode: x}", "defaults: {削除: '1'}"} {
		if _, err := Parse([]byte(y), "m.yaml"); err == nil || !strings.Contains(err.Error(), "only come from a column") {
			t.Errorf("%s: %v", y, err)
		}
	}
	m, err := Parse([]byte("columns: {Gone: delete}"), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mp, err := NewMapper([]string{"code", "Gone"}, validate.Users, m)
	if err != nil {
		t.Fatal(err)
	}
	var rec validate.Record
	must(t, mp.Map(sheet.Row{Line: 2, Cells: []string{"a", "1"}}, &rec))
	if !rec.Delete {
		t.Error("a renamed column did not feed delete")
	}
}

func TestExampleRow(t *testing.T) {
	for c, want := range map[string]bool{
		"e.g. taro.yamada": true, "E.g.: x": true, "例: 山田": true, "例：山田": true, "（例）": true, "【例】yamada": true,
		"記入例": true, "Example: x": true, "例)": true,
		"e.g.smith": false, "example": false, "taro": false, "例えば": false, "": false, "sample": false, "eg": false,
	} {
		if got := isExampleMarker(c); got != want {
			t.Errorf("isExampleMarker(%q) = %v", c, got)
		}
	}
	mp, err := NewMapper([]string{"code", "name"}, validate.Users, nil)
	if err != nil {
		t.Fatal(err)
	}
	var rec validate.Record
	err = mp.Map(sheet.Row{Line: 2, Cells: []string{"e.g. taro.yamada", "Taro"}}, &rec)
	var fe *sheet.FileError
	if !errors.Is(err, ErrExampleRow) || !errors.As(err, &fe) || fe.Row != 2 {
		t.Fatalf("Map(example) = %v", err)
	}
}

// TestManyUnknownColumns: a "header" of 100,000 unknown cells (a data row
// of a file without line ends) plans with 21 findings.
func TestManyUnknownColumns(t *testing.T) {
	header := make([]string, 100000)
	header[0] = "code"
	for i := 1; i < len(header); i++ {
		header[i] = fmt.Sprintf("c%d", i)
	}
	mp, err := NewMapper(header, validate.Users, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := mp.Findings(); len(f) != maxFindings+1 || !strings.Contains(f[maxFindings].Message, "99979 more") {
		t.Errorf("%d findings, last %+v", len(f), f[len(f)-1])
	}
}
