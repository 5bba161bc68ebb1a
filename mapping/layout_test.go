package mapping

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// readCSV reads a testdata file written by testdata/make.py.
func readCSV(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// mapFile plans the rows of a file as the importer does: find the header,
// plan from it, and map the rows after it (and the header row itself when
// the plan says it is data).
func mapFile(t *testing.T, rows [][]string, o Options) (*Mapper, []validate.Record) {
	t.Helper()
	h, ok := FindHeader(rows)
	if !ok {
		h = 0
	}
	mp, err := NewMapperOptions(rows[h], validate.Users, o)
	if err != nil {
		t.Fatal(err)
	}
	start := h + 1
	if mp.HeaderIsData() {
		start = h
	}
	var recs []validate.Record
	for i := start; i < len(rows); i++ {
		var rec validate.Record
		if err := mp.Map(sheet.Row{Line: i + 1, Cells: rows[i]}, &rec); err != nil {
			t.Fatalf("row %d: %v", i+1, err)
		}
		recs = append(recs, rec)
	}
	return mp, recs
}

// TestCybozuUsersFile reads cybozu.com's users file with and without its
// header, by shape and by the layout option: the same three users, "*"
// kept, a rename and a deletion recognised.
func TestCybozuUsersFile(t *testing.T) {
	tests := []struct {
		file   string
		layout Layout
		noHdr  bool
	}{
		{"cybozu_users_noheader.csv", LayoutAuto, true},
		{"cybozu_users_noheader.csv", LayoutCybozu, true},
		{"cybozu_users_header_ja.csv", LayoutAuto, false},
		{"cybozu_users_header_ja.csv", LayoutCybozu, false},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.layout.String(), func(t *testing.T) {
			mp, recs := mapFile(t, readCSV(t, tt.file), Options{Layout: tt.layout})
			if mp.HeaderIsData() != tt.noHdr {
				t.Fatalf("HeaderIsData = %v", mp.HeaderIsData())
			}
			if tt.noHdr && mp.Layout() != LayoutCybozu {
				t.Errorf("layout %v", mp.Layout())
			}
			rules := findingRules(mp)
			if tt.noHdr {
				if !slices.Equal(rules, []string{"file.no_header", "column.custom_unnamed"}) {
					t.Errorf("findings %q", rules)
				}
			} else if len(rules) != 0 {
				t.Errorf("findings %+v", mp.Findings())
			}
			if len(recs) != 3 {
				t.Fatalf("%d records", len(recs))
			}
			taka, kato, suzuki := recs[0], recs[1], recs[2]
			if taka.Values[validate.Code] != "takahashi" || taka.Values[validate.Name] != "高橋 健太" || taka.Values[validate.EmployeeNumber] != "00123" ||
				taka.Values[validate.JoinDate] != "2025/04/01" || taka.Values[validate.Email] != "takahashi@example.com" || taka.NewCode != "" || taka.Delete {
				t.Errorf("takahashi %+v", taka)
			}
			for _, f := range []validate.Field{validate.Name, validate.Password, validate.SurName, validate.GivenName, validate.EmployeeNumber, validate.JoinDate} {
				if !kato.Keep[f] || kato.Set[f] {
					t.Errorf("kato %s: keep %v set %v", f, kato.Keep[f], kato.Set[f])
				}
			}
			if kato.NewCode != "kato2" || kato.Delete || kato.Keep[validate.Code] {
				t.Errorf("kato %+v", kato)
			}
			if !suzuki.Delete || suzuki.NewCode != "" {
				t.Errorf("suzuki %+v", suzuki)
			}
			if !tt.noHdr {
				if len(taka.Custom) != 1 || taka.Custom[0] != (validate.CustomValue{Code: "office", Value: "本社"}) || !slices.Equal(kato.KeepCustom, []string{"office"}) {
					t.Errorf("custom items %+v / %q", taka.Custom, kato.KeepCustom)
				}
			}
		})
	}
}

// TestHeaderlessCustomItemByMapping: the columns of a file without a
// header are named "Column 26" and so on, and a mapping file names them.
func TestHeaderlessCustomItemByMapping(t *testing.T) {
	m, err := Parse([]byte(`columns: {"Column 26": customItem.office}`), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, "cybozu_users_noheader.csv")
	mp, recs := mapFile(t, rows, Options{Layout: LayoutCybozu, Mapping: m})
	if !mp.HeaderIsData() || len(recs) != 3 || len(recs[0].Custom) != 1 || recs[0].Custom[0].Value != "本社" {
		t.Fatalf("records %+v", recs)
	}
	if h := mp.Header(); h[0] != "Login Name" || h[24] != "Delete" || h[25] != "Column 26" {
		t.Errorf("header %q", h)
	}
}

func TestCybozuServicesFile(t *testing.T) {
	for _, tt := range []struct {
		file   string
		layout Layout
	}{
		{"cybozu_services_noheader.csv", LayoutAuto},
		{"cybozu_services_noheader.csv", LayoutCybozuServices},
		{"cybozu_services_header.csv", LayoutAuto},
		{"cybozu_services_header.csv", LayoutCybozuServices},
	} {
		t.Run(tt.file+"/"+tt.layout.String(), func(t *testing.T) {
			mp, recs := mapFile(t, readCSV(t, tt.file), Options{Layout: tt.layout})
			if mp.Layout() != LayoutCybozuServices {
				t.Fatalf("layout %v", mp.Layout())
			}
			var got []string
			for _, r := range recs {
				if !r.Set[validate.Services] || !r.Set[validate.Code] {
					t.Errorf("record %+v", r)
				}
				got = append(got, r.Values[validate.Code]+"="+r.Values[validate.Services])
				if ss := validate.ParseServices(r.Values[validate.Services]); r.Values[validate.Code] == "takahashi" && !slices.Equal(ss, []string{"kintone", "garoon", "secure_access"}) {
					t.Errorf("services %q", ss)
				}
			}
			want := []string{"takahashi=ki;gr;sa", "kato=ki", "suzuki="}
			if !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestCybozuDepartmentsFile(t *testing.T) {
	for _, tt := range []struct {
		file   string
		layout Layout
	}{
		{"cybozu_departments_header.csv", LayoutAuto},
		{"cybozu_departments_header.csv", LayoutCybozuDepartments},
		{"cybozu_departments_noheader.csv", LayoutCybozuDepartments},
	} {
		t.Run(tt.file+"/"+tt.layout.String(), func(t *testing.T) {
			mp, recs := mapFile(t, readCSV(t, tt.file), Options{Layout: tt.layout})
			if mp.Layout() != LayoutCybozuDepartments {
				t.Fatalf("layout %v", mp.Layout())
			}
			var got []string
			for _, r := range recs {
				if !r.Set[validate.Organizations] {
					t.Errorf("record %+v", r)
				}
				got = append(got, r.Values[validate.Code]+"="+r.Values[validate.Organizations])
			}
			want := []string{"takahashi=org001:director;org002:manager", "kato=org001;org002", "suzuki="}
			if !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
			if ots, err := validate.ParseOrganizations(recs[0].Values[validate.Organizations]); err != nil || ots[0].Org != "org001" {
				t.Errorf("primary %+v %v", ots, err)
			}
		})
	}
	// A title without a department is an error on its row.
	mp, err := NewMapperOptions([]string{"ログイン名", "組織コード1", "役職コード1"}, validate.Users, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var rec validate.Record
	if err := mp.Map(sheet.Row{Line: 3, Cells: []string{"a", "", "boss"}}, &rec); err == nil || !strings.Contains(err.Error(), "no department") {
		t.Errorf("Map = %v", err)
	}
}

func TestLayoutErrors(t *testing.T) {
	tests := []struct {
		name  string
		first []string
		kind  validate.Kind
		o     Options
		want  string
	}{
		{"cybozu layout, short data row", []string{"taro", "x"}, validate.Users, Options{Layout: LayoutCybozu}, "has 25 columns"},
		{"cybozu layout for guests", []string{"code"}, validate.Guests, Options{Layout: LayoutCybozu}, "not of guests"},
		{"mapping with the services file", []string{"ログイン名", "サービスコード1"}, validate.Users,
			Options{Mapping: &File{Constants: map[string]string{"valid": "true"}}, Layout: LayoutCybozuServices}, "does not apply"},
		{"short unknown row is no header", []string{"taro", "Taro"}, validate.Users, Options{}, "no header row found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewMapperOptions(tt.first, tt.kind, tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	// NewMapper, for callers that know only files with a header, refuses
	// what it would misread.
	for _, first := range [][]string{readCSV(t, "cybozu_users_noheader.csv")[0], {"ログイン名", "サービスコード1"}, {"taro", "ki", "gr"}} {
		if _, err := NewMapper(first, validate.Users, nil); err == nil || !strings.Contains(err.Error(), "does not read") {
			t.Errorf("NewMapper(%q) = %v", first[:2], err)
		}
	}
	for _, s := range []string{"auto", "cybozu", "Cybozu-Services", "cybozu-departments", ""} {
		if _, err := ParseLayout(s); err != nil {
			t.Errorf("ParseLayout(%q): %v", s, err)
		}
	}
	if _, err := ParseLayout("excel"); err == nil {
		t.Error("ParseLayout(excel) accepted")
	}
}

// TestTitleRowWorkbook reads a workbook written by openpyxl: a merged
// title row and a blank row above a header with decorated labels.
func TestTitleRowWorkbook(t *testing.T) {
	f, err := excelize.OpenFile(filepath.Join("testdata", "title_row.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	var lines []int
	for i, r := range all {
		if !sheet.IsBlank(r) { // the reader hands FindHeader the non-blank rows
			rows, lines = append(rows, r), append(lines, i+1)
		}
	}
	h, ok := FindHeader(rows)
	if !ok || lines[h] != 3 {
		t.Fatalf("header at sheet row %d (%v), want 3", lines[h], ok)
	}
	mp, recs := mapFile(t, rows, Options{})
	cols := mp.Columns()
	for f, want := range map[validate.Field]string{
		validate.Code: "ログイン名\n(必須)", validate.Name: "表示名※", validate.Password: "パスワード（必須）",
		validate.EmployeeNumber: "従業員番号", validate.MobilePhone: "携帯電話番号", validate.ExtensionNumber: "内線番号",
		validate.Email: "メールアドレス", validate.SurNameReading: "よみがな（姓）",
	} {
		if cols[f] != want {
			t.Errorf("column of %s = %q, want %q", f, cols[f], want)
		}
	}
	fs := mp.Findings()
	if len(fs) != 1 || fs[0].Rule != "column.unknown" || fs[0].Column != "Emial" || !strings.Contains(fs[0].Message, `did you mean "email"?`) {
		t.Errorf("findings %+v", fs)
	}
	if len(recs) != 2 || recs[0].Values[validate.EmployeeNumber] != "E0001" || !recs[1].Keep[validate.Password] || !recs[1].Delete {
		t.Errorf("records %+v", recs)
	}
}

func findingRules(mp *Mapper) []string {
	var r []string
	for _, f := range mp.Findings() {
		r = append(r, f.Rule)
	}
	return r
}

func TestHeaderErrorIs(t *testing.T) {
	_, err := NewMapper([]string{"foo"}, validate.Users, nil)
	var he *HeaderError
	if !errors.As(err, &he) || !errors.Is(err, ErrNoHeader) {
		t.Fatalf("%T %v", err, err)
	}
}

// TestTitleRowWorkbookThroughSheet reads the openpyxl workbook through
// the package's own reader at the header row FindHeader names.
func TestTitleRowWorkbookThroughSheet(t *testing.T) {
	src, err := sheet.Open(filepath.Join("testdata", "title_row.xlsx"), sheet.Options{HeaderRow: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	mp, err := NewMapper(src.Header(), validate.Users, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := mp.Diagnose(validate.Code, validate.Name, validate.Password); err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		row, err := src.Next()
		if err != nil {
			break
		}
		var rec validate.Record
		if err := mp.Map(row, &rec); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s keep=%v delete=%v", rec.Row, rec.Values[validate.Code], rec.Keep[validate.Password], rec.Delete))
	}
	want := []string{"4 yamada keep=false delete=false", "5 sato keep=true delete=true"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
