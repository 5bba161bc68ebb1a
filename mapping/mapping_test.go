package mapping

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/userimport/userimport/sheet"

	"github.com/userimport/userimport/validate"
)

func TestHeaderLabels(t *testing.T) {
	tests := []struct {
		name   string
		kind   validate.Kind
		header []string
		want   []validate.Field // per header cell
	}{
		{
			name:   "API names, any case",
			header: []string{"CODE", "surName", "givenname", "Email", "employee_number", "services", "organizations", "sortOrder"},
			want:   []validate.Field{validate.Code, validate.SurName, validate.GivenName, validate.Email, validate.EmployeeNumber, validate.Services, validate.Organizations, validate.SortOrder},
		},
		{
			name: "Departments & Users CSV, English",
			header: []string{"Login Name", "Display Name", "Password", "Surname", "Given Name", "Phonetic Surname", "Phonetic Given Name",
				"Localized Name", "Language of Localized Name", "E-mail Address", "Status", "Language", "Time Zone", "Phone", "Extension",
				"Mobile Phone", "URL", "Employee ID", "Hire Date", "Birthday", "About Me", "Display Order", "Skype Name"},
			want: []validate.Field{validate.Code, validate.Name, validate.Password, validate.SurName, validate.GivenName, validate.SurNameReading, validate.GivenNameReading,
				validate.LocalName, validate.LocalNameLocale, validate.Email, validate.Valid, validate.Locale, validate.Timezone, validate.Phone, validate.ExtensionNumber,
				validate.MobilePhone, validate.URL, validate.EmployeeNumber, validate.JoinDate, validate.BirthDate, validate.Description, validate.SortOrder, validate.Callto},
		},
		{
			name: "Departments & Users CSV, Japanese (full-width parentheses too)",
			header: []string{"ログイン名", "表示名", "パスワード", "姓", "名", "よみがな（姓）", "よみがな(名)", "別言語での表示名", "別言語の名前を表示する言語",
				"E-mail", "使用状態", "言語", "タイムゾーン", "電話番号", "内線", "携帯", "従業員ID", "入社日", "誕生日", "コメント/メモ", "表示優先度", "Skype名"},
			want: []validate.Field{validate.Code, validate.Name, validate.Password, validate.SurName, validate.GivenName, validate.SurNameReading, validate.GivenNameReading, validate.LocalName, validate.LocalNameLocale,
				validate.Email, validate.Valid, validate.Locale, validate.Timezone, validate.Phone, validate.ExtensionNumber, validate.MobilePhone, validate.EmployeeNumber, validate.JoinDate, validate.BirthDate, validate.Description, validate.SortOrder, validate.Callto},
		},
		{
			name:   "guests",
			kind:   validate.Guests,
			header: []string{"code", "name", "password", "timezone", "company", "division", "phone", "callto", "locale"},
			want:   []validate.Field{validate.Code, validate.Name, validate.Password, validate.Timezone, validate.Company, validate.Division, validate.Phone, validate.Callto, validate.Locale},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mp, err := NewMapper(tt.header, tt.kind, nil)
			if err != nil {
				t.Fatal(err)
			}
			if w := mp.Warnings(); len(w) > 0 {
				t.Errorf("warnings: %q", w)
			}
			cols := mp.Columns()
			row := sheet.Row{Line: 2, Cells: make([]string, len(tt.header))}
			for i := range row.Cells {
				row.Cells[i] = "v" + tt.header[i]
			}
			var rec validate.Record
			must(t, mp.Map(row, &rec))
			for i, f := range tt.want {
				if cols[f] != tt.header[i] {
					t.Errorf("column for %s = %q, want %q", f, cols[f], tt.header[i])
				}
				if !rec.Set[f] || rec.Values[f] != "v"+tt.header[i] {
					t.Errorf("%s = %q (set %v)", f, rec.Values[f], rec.Set[f])
				}
			}
			if rec.Row != 2 {
				t.Errorf("rec.Row = %d", rec.Row)
			}
		})
	}
}

func TestMapperWarningsAndErrors(t *testing.T) {
	tests := []struct {
		name    string
		kind    validate.Kind
		header  []string
		mapping string
		warn    []string // substrings, in order
		err     string
	}{
		{name: "unknown columns; rename and delete are known", header: []string{"code", "Foo", "New Login Name", "削除", "", "Emial"},
			warn: []string{`"Foo" is not a known field`, `column "Emial" is not a known field and is ignored; did you mean "email"?`}},
		{name: "a header of nothing known is no header", header: []string{"a", "b"}, err: "no header row found"},
		{name: "a header that is data hides its cells", header: []string{"taro", "Secret-123", "x"}, err: "3 cells (not shown"},
		{name: "guest-only field in a users file", header: []string{"code", "company"},
			warn: []string{`"company" (company) is not used for users`}},
		{name: "user-only field in a guests file", kind: validate.Guests, header: []string{"code", "email", "customItem.x"},
			warn: []string{`"email" (email) is not used for guests`, `"customItem.x" (customItem.x) is not used for guests`}},
		{name: "two columns for one field", header: []string{"code", "Login Name"}, err: `columns "code" and "Login Name" both give code`},
		{name: "duplicate header", header: []string{"code", "Code"}, err: "duplicate column name"},
		{name: "mapping names a missing column", header: []string{"a"}, mapping: "columns: {b: code}", err: `the file has no column "b"`},
		{name: "template reads a missing column", header: []string{"a"}, mapping: `fields: {code: '{{col "b"}}'}`, err: `m.yaml:1: fields.code: the file has no column "b"`},
		{name: "template reads a missing .Field", header: []string{"a"}, mapping: `fields: {code: '{{.B}}'}`, err: `no column "B" for {{.B}}`},
		{name: "mapping replaces a matched column", header: []string{"code", "timezone"}, mapping: "constants: {timezone: Asia/Tokyo}",
			warn: []string{`column "timezone" is not used: constants.timezone replaces it`}},
		{name: "ignored columns are silent; missing ones warn", header: []string{"code", "Notes"}, mapping: "ignore: [notes, Gone]",
			warn: []string{`mapping ignore: the file has no column "Gone"`}},
		{name: "password column renamed to another field", header: []string{"code", "Password"}, mapping: "columns: {Password: description}",
			err: `column "Password" holds passwords and may only become password`},
		{name: "template puts the password elsewhere", header: []string{"code", "パスワード"}, mapping: `fields: {name: '{{col "パスワード"}}'}`,
			err: `which holds passwords`},
		{name: "template puts a renamed password column elsewhere", header: []string{"login", "Geheim"}, mapping: `{columns: {login: code, Geheim: password}, fields: {name: '{{col "Geheim"}}'}}`,
			err: `m.yaml:1: fields.name: the template reads column "Geheim", which holds passwords`},
		{name: "template puts a renamed password column elsewhere with .Field", header: []string{"login", "Geheim"}, mapping: `{columns: {login: code, Geheim: password}, fields: {name: '{{.Geheim}}'}}`,
			err: `which holds passwords`},
		{name: "two templates read the password's source column", header: []string{"login", "Geheim"}, mapping: `{columns: {login: code}, fields: {password: '{{col "Geheim"}}', surName: '{{col "Geheim" | upper}}'}}`,
			err: `fields.surName: the template reads column "Geheim", which holds passwords`},
		{name: "template builds the password from it", header: []string{"code", "pw", "password"}, mapping: `fields: {password: '{{col "password"}}x'}`,
			warn: []string{`column "pw" is not a known field`}},
		{name: "guest mapping to a user field", kind: validate.Guests, header: []string{"code"}, mapping: "constants: {email: x}", err: "email is not a field of guests"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m *File
			if tt.mapping != "" {
				var err error
				if m, err = Parse([]byte(tt.mapping), "m.yaml"); err != nil {
					t.Fatal(err)
				}
			}
			mp, err := NewMapper(tt.header, tt.kind, m)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := mp.Warnings()
			if len(got) != len(tt.warn) {
				t.Fatalf("warnings %q, want %q", got, tt.warn)
			}
			for i := range got {
				if !strings.Contains(got[i], tt.warn[i]) {
					t.Errorf("warning %q, want %q", got[i], tt.warn[i])
				}
			}
		})
	}
}

func TestParseMappingErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"empty", "", "empty"},
		{"unknown section", "columns: {a: code}\ncolums: {b: name}\n", "line 2: field colums not found"},
		{"unknown field", "constants:\n  timezone: x\n  tz: y\n", "m.yaml:3: constants.tz: \"tz\" is not a field"},
		{"unknown rename target", "columns:\n  a: nope\n", `m.yaml:2: columns.a: "nope" is not a field`},
		{"two renames to one field", "columns:\n  a: code\n  b: code\n", `columns "a" and "b" both map to code`},
		{"field and constant", "fields:\n  name: x\nconstants:\n  name: y\n", "m.yaml:4: constants.name: name is also set by fields.name"},
		{"rename and field", "columns:\n  a: name\nfields:\n  name: x\n", `m.yaml:4: fields.name: name is also the target of column "a"`},
		{"template syntax", "fields:\n  name: '{{ col \"a\" '\n", "m.yaml:2: fields.name: template: name:1: unclosed action"},
		{"unknown function", "fields:\n  name: '{{ shout .a }}'\n", `function "shout" not defined`},
		{"bad default", "defaults:\n  nope: x\n", `defaults.nope`},
		{"empty ignore entry", "ignore: ['']\n", "ignore: entry 1 is empty"},
		{"not a mapping", "- a\n- b\n", "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "m.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestTemplateFunctions(t *testing.T) {
	header := []string{"First Name", "Last", "Email", "Tags", "Empty"}
	cells := []string{"  jOHN ", "smith-jones", "John.Smith@Example.COM", "a,b,c", ""}
	tests := []struct{ tmpl, want string }{
		{`{{ col "First Name" | trim | lower | title }}`, "John"},
		{`{{ col "first name" | upper }}`, "  JOHN "},
		{`{{ .Last | title }}`, "Smith-Jones"},
		{`{{ col "Email" | lower | replace "@example.com" "" }}`, "john.smith"},
		{`{{ col "Empty" | default "n/a" }}`, "n/a"},
		{`{{ col "Tags" | split "," | join ";" }}`, "a;b;c"},
		{`{{ .Email | trimPrefix "John." | trimSuffix ".COM" }}`, "Smith@Example"},
		{`{{ "山田太郎" | substr 2 2 }}`, "太郎"},
		{`{{ "abc" | substr 1 -1 }}`, "bc"},
		{`{{ "abc" | substr 5 2 }}`, ""},
		{`{{ printf "%s-%03d" .Last 7 }}`, "smith-jones-007"},
		{`{{ if .Empty }}x{{ else }}{{ .Last }}{{ end }}`, "smith-jones"},
	}
	for _, tt := range tests {
		t.Run(tt.tmpl, func(t *testing.T) {
			m, err := Parse([]byte("fields:\n  description: '"+tt.tmpl+"'\n"), "m.yaml")
			if err != nil {
				t.Fatal(err)
			}
			mp, err := NewMapper(header, validate.Users, m)
			if err != nil {
				t.Fatal(err)
			}
			var rec validate.Record
			must(t, mp.Map(sheet.Row{Line: 7, Cells: cells}, &rec))
			if got := rec.Values[validate.Description]; got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMapRuntimeTemplateError(t *testing.T) {
	m, err := Parse([]byte(`fields: {name: '{{ col (printf "%s" "Nope") }}'}`), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mp, err := NewMapper([]string{"code"}, validate.Users, m)
	if err != nil {
		t.Fatal(err)
	}
	var rec validate.Record
	err = mp.Map(sheet.Row{Line: 9, Cells: []string{"a"}}, &rec)
	var fe *sheet.FileError
	if !errors.As(err, &fe) || fe.Row != 9 || fe.Column != `mapping "name"` || !strings.Contains(err.Error(), `no column "Nope"`) {
		t.Fatalf("got %v", err)
	}
}

func TestMapCustomItemsConstantsDefaults(t *testing.T) {
	m, err := Parse([]byte(`
columns: {Dept: customItem.department}
constants: {customItem.source: hr, timezone: Asia/Tokyo}
defaults: {valid: "true", customItem.department: none, locale: ja}
`), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"code", "customItem.grade", "Dept", "valid"}
	mp, err := NewMapper(header, validate.Users, m)
	if err != nil {
		t.Fatal(err)
	}
	rec := validate.Record{Custom: make([]validate.CustomValue, 0, 8)}
	must(t, mp.Map(sheet.Row{Line: 2, Cells: []string{"a", "G3", "", ""}}, &rec))
	wantCustom := []validate.CustomValue{{Code: "grade", Value: "G3"}, {Code: "department", Value: "none"}, {Code: "source", Value: "hr"}}
	if !reflect.DeepEqual(rec.Custom, wantCustom) {
		t.Errorf("custom %+v, want %+v", rec.Custom, wantCustom)
	}
	if rec.Values[validate.Valid] != "true" || rec.Values[validate.Timezone] != "Asia/Tokyo" || rec.Values[validate.Locale] != "ja" {
		t.Errorf("values %q", rec.Values)
	}
	if cols := mp.Columns(); cols[validate.Valid] != "valid" || cols[validate.Timezone] != `mapping "timezone"` || cols[validate.Locale] != `mapping "locale"` || cols[validate.Name] != "" {
		t.Errorf("columns %q", cols)
	}
	// A second row resets everything.
	must(t, mp.Map(sheet.Row{Line: 3, Cells: []string{"b", "", "Sales", "false"}}, &rec))
	if rec.Row != 3 || rec.Values[validate.Valid] != "false" || rec.Custom[1].Value != "Sales" || len(rec.Custom) != 3 {
		t.Errorf("second row %+v", rec)
	}
}

// The seed's C# program, as a mapping file and a CSV, end to end.
func TestLegacySample(t *testing.T) {
	m, err := Load("../samples/legacy-hr.mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src, err := sheet.Open("../samples/legacy-hr.csv", sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	mp, err := NewMapper(src.Header(), validate.Users, m)
	if err != nil {
		t.Fatal(err)
	}
	if w := mp.Warnings(); len(w) != 0 {
		t.Errorf("warnings: %q", w)
	}
	var recs []validate.Record
	for {
		row, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var rec validate.Record
		must(t, mp.Map(row, &rec))
		recs = append(recs, rec)
	}
	if len(recs) != 20 {
		t.Fatalf("%d rows", len(recs))
	}
	first := recs[0]
	want := map[validate.Field]string{
		validate.Code: "jsmith", validate.Name: "John Smith", validate.SurName: "Smith", validate.GivenName: "John",
		validate.Email: "john.smith@example.com", validate.EmployeeNumber: "100234", validate.Timezone: "America/New_York",
		validate.Locale: "en", validate.LocalNameLocale: "en", validate.Valid: "true", validate.Password: "Welcome-2024!a",
	}
	for f, v := range want {
		if first.Values[f] != v || !first.Set[f] {
			t.Errorf("%s = %q, want %q", f, first.Values[f], v)
		}
	}
	if recs[3].Values[validate.Code] != "lchen" || recs[4].Values[validate.Email] != "beth.williams@example.com" {
		t.Errorf("messy values not cleaned: %q %q", recs[3].Values[validate.Code], recs[4].Values[validate.Email])
	}
	if cols := mp.Columns(); cols[validate.Code] != `mapping "code"` || cols[validate.EmployeeNumber] != "WdEmployeeId" || cols[validate.Password] != "Password" {
		t.Errorf("columns %q", cols)
	}
}

func TestTemplateOutputLimits(t *testing.T) {
	tests := []struct{ tmpl, want string }{
		{`{{ printf "ID-123456-%05d" 7 }}`, "ID-123456-00007"},
		{`{{ printf "%099999999d" 1 }}`, "width or precision too large"},
		{`{{ range split "" (col "a") }}{{ col "a" }}{{ end }}`, "the template produced more than"},
	}
	for _, tt := range tests {
		mp, err := NewMapper([]string{"a"}, validate.Users, &File{Fields: map[string]string{"name": tt.tmpl}})
		if err != nil {
			t.Fatal(err)
		}
		var rec validate.Record
		err = mp.Map(sheet.Row{Line: 2, Cells: []string{strings.Repeat("x", 1000)}}, &rec)
		got := rec.Values[validate.Name]
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: got %.100q, want %q", tt.tmpl, got, tt.want)
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
