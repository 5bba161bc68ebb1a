package export_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/export"
	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

var templateKinds = []validate.Kind{validate.Users, validate.Guests}

// TestTemplateReadsBackClean: both template formats, in both languages,
// open through our own reader with no mapping file and no warning, have
// exactly the documented fields, and their example row validates with no
// issue at all.
func TestTemplateReadsBackClean(t *testing.T) {
	for _, lang := range i18n.Langs() {
		for _, kind := range templateKinds {
			for _, ext := range []string{".xlsx", ".csv"} {
				t.Run(lang.String()+"/"+kind.String()+ext, func(t *testing.T) {
					templateReadsBackClean(t, kind, lang, ext)
				})
			}
		}
	}
}

func templateReadsBackClean(t *testing.T, kind validate.Kind, lang i18n.Lang, ext string) {
	path := filepath.Join(t.TempDir(), "template"+ext)
	if err := export.WriteTemplate(path, kind, export.TemplateOptions{Lang: lang}); err != nil {
		t.Fatal(err)
	}
	src, err := sheet.Open(path, sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var want []string
	for _, f := range validate.FieldsFor(kind) {
		h := export.Label(f, lang)
		if lang == i18n.Japanese && validate.Required(kind, f) {
			h = export.RequiredMark + h
		}
		want = append(want, h)
	}
	if got := src.Header(); !slices.Equal(got, want) {
		t.Errorf("header\n got %q\nwant %q", got, want)
	}
	m, err := mapping.NewMapper(src.Header(), kind, nil)
	if err != nil {
		t.Fatal(err)
	}
	if w := m.Warnings(); len(w) != 0 {
		t.Errorf("reader warnings: %q", w)
	}
	cols := m.Columns()
	for _, f := range validate.FieldsFor(kind) {
		if cols[f] == "" {
			t.Errorf("no column maps to %s (header %q)", f, src.Header())
		}
	}
	row, err := src.Next()
	if err != nil {
		t.Fatal(err)
	}
	var rec validate.Record
	// The example row is never imported...
	if err := m.Map(row, &rec); !errors.Is(err, mapping.ErrExampleRow) {
		t.Fatalf("Map(example row) = %v, want ErrExampleRow", err)
	}
	// ...and without its marker it is a valid user.
	marker := export.ExampleMarker
	if lang == i18n.Japanese {
		marker = export.ExampleMarkerJapanese
	}
	if !strings.HasPrefix(row.Cells[0], marker) {
		t.Fatalf("example row starts %q, want %q", row.Cells[0], marker)
	}
	row.Cells[0] = strings.TrimPrefix(row.Cells[0], marker)
	if err := m.Map(row, &rec); err != nil {
		t.Fatal(err)
	}
	v := validate.New(validate.Options{Kind: kind, File: filepath.Base(path), Columns: m.Columns()})
	if res := v.Check(&rec); len(res.Issues) != 0 || len(res.Changes) != 0 {
		t.Errorf("example row: issues %+v, changes %+v", res.Issues, res.Changes)
	}
	for _, f := range validate.FieldsFor(kind) {
		if !rec.Set[f] || rec.Values[f] == "" {
			t.Errorf("example row leaves %s empty", f)
		}
	}
	if kind == validate.Users && (rec.Values[validate.BirthDate] != "1990-01-15" || rec.Values[validate.SortOrder] != "10") {
		t.Errorf("example birthDate %q sortOrder %q", rec.Values[validate.BirthDate], rec.Values[validate.SortOrder])
	}
	if _, err := src.Next(); err != io.EOF {
		t.Errorf("more than one example row: %v", err)
	}
}

func TestTemplateCSVHasBOM(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.csv")
	if err := export.Template(path, validate.Users); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBFcode,")) {
		t.Errorf("CSV template starts %q, want a UTF-8 BOM then the header", data[:min(len(data), 10)])
	}
	if n := bytes.Count(data, []byte("\n")); n != 2 {
		t.Errorf("CSV template has %d lines, want 2", n)
	}
}

// TestTemplateXLSXFeatures reads the workbook back with excelize: notes on
// every header, required headers marked, drop-downs (the time zones from
// the hidden lists sheet), date and text column formats.
func TestTemplateXLSXFeatures(t *testing.T) {
	for _, kind := range templateKinds {
		t.Run(kind.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "t.xlsx")
			if err := export.Template(path, kind); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheet := kind.String()
			if got := f.GetSheetList(); !slices.Equal(got, []string{sheet, "lists"}) {
				t.Fatalf("sheets %q", got)
			}
			if vis, _ := f.GetSheetVisible("lists"); vis {
				t.Errorf("the lists sheet is visible")
			}
			fields := validate.FieldsFor(kind)
			col := map[validate.Field]string{}
			for i, fd := range fields {
				col[fd], _ = excelize.ColumnNumberToName(i + 1)
			}

			comments, err := f.GetComments(sheet)
			if err != nil {
				t.Fatal(err)
			}
			byCell := map[string]string{}
			for _, c := range comments {
				var b strings.Builder
				for _, p := range c.Paragraph {
					b.WriteString(p.Text)
				}
				byCell[c.Cell] = b.String() + c.Text
			}
			for _, fd := range fields {
				note := byCell[col[fd]+"1"]
				req := validate.Required(kind, fd)
				if note == "" || strings.Contains(note, "(required)") != req {
					t.Errorf("%s: note %q (required=%v)", fd, note, req)
				}
				for _, r := range validate.RulesFor(kind) {
					if r.Field == fd && !strings.Contains(note, r.Description) {
						t.Errorf("%s: note lacks rule %s", fd, r.Rule)
					}
				}
				sid, _ := f.GetCellStyle(sheet, col[fd]+"1")
				st, err := f.GetStyle(sid)
				if err != nil {
					t.Fatal(err)
				}
				red := st.Font != nil && st.Font.Color == "C00000"
				if st.Font == nil || !st.Font.Bold || red != req {
					t.Errorf("%s: header font %+v, required=%v", fd, st.Font, req)
				}
			}
			if !strings.Contains(byCell[col[validate.Code]+"1"], "128") {
				t.Errorf("code note does not give the length limit: %q", byCell[col[validate.Code]+"1"])
			}

			dvs, err := f.GetDataValidations(sheet)
			if err != nil {
				t.Fatal(err)
			}
			lists := map[string]string{} // column → formula
			for _, dv := range dvs {
				if dv.Type != "list" || !dv.AllowBlank {
					t.Errorf("validation %+v: want a list allowing blanks", dv)
				}
				lists[strings.TrimRight(strings.Split(dv.Sqref, ":")[0], "0123456789")] = dv.Formula1
			}
			want := map[validate.Field]string{
				validate.Locale:   `"auto,ja,en,zh,zh-TW,es,pt-BR,th"`,
				validate.Timezone: "lists!$A$1:$A$" + strconv.Itoa(len(export.Timezones())),
			}
			if kind == validate.Users {
				want[validate.Valid] = `"true,false"`
				want[validate.LocalNameLocale] = `"ja,en,zh,zh-TW,es,pt-BR,th"`
			} else {
				want[validate.Locale] = `"auto,en,zh,ja"`
			}
			if len(lists) != len(want) {
				t.Errorf("drop-downs on %v, want %d", lists, len(want))
			}
			for fd, formula := range want {
				if got := lists[col[fd]]; got != formula {
					t.Errorf("%s drop-down %q, want %q", fd, got, formula)
				}
			}
			zones, _ := f.GetRows("lists")
			if len(zones) != len(export.Timezones()) || zones[0][0] != export.Timezones()[0] {
				t.Errorf("lists sheet has %d zones", len(zones))
			}

			if kind == validate.Users {
				for _, fd := range []validate.Field{validate.BirthDate, validate.JoinDate} {
					sid, _ := f.GetColStyle(sheet, col[fd])
					st, _ := f.GetStyle(sid)
					if st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
						t.Errorf("%s column format %+v, want yyyy-mm-dd", fd, st)
					}
				}
				sid, _ := f.GetColStyle(sheet, col[validate.EmployeeNumber])
				if st, _ := f.GetStyle(sid); st.NumFmt != 49 {
					t.Errorf("employeeNumber column format %d, want text (49)", st.NumFmt)
				}
			}
		})
	}
}

// TestTemplateListsValidate: every drop-down value is accepted by the
// validator, and every time zone loads; values outside the lists are
// refused, so the lists are not wider than the rules.
func TestTemplateListsValidate(t *testing.T) {
	check := func(kind validate.Kind, f validate.Field, value string) bool {
		var rec validate.Record
		rec.Values[validate.Code], rec.Set[validate.Code] = "someone@example.com", true
		rec.Values[validate.Name], rec.Set[validate.Name] = "Someone", true
		rec.Values[validate.Password], rec.Set[validate.Password] = "Pass-word-1", true
		if f != validate.Timezone {
			rec.Values[validate.Timezone], rec.Set[validate.Timezone] = "UTC", true
		}
		if f == validate.LocalNameLocale {
			rec.Values[validate.LocalName], rec.Set[validate.LocalName] = "x", true
		}
		rec.Values[f], rec.Set[f] = value, true
		res := validate.New(validate.Options{Kind: kind}).Check(&rec)
		return len(res.Issues) == 0 && len(res.Changes) == 0
	}
	zones := export.Timezones()
	if len(zones) < 300 || !slices.Contains(zones, "Asia/Tokyo") || !slices.Contains(zones, "UTC") {
		t.Fatalf("%d zones", len(zones))
	}
	seen := map[string]bool{}
	for _, z := range zones {
		if seen[z] {
			t.Errorf("zone %s listed twice", z)
		}
		seen[z] = true
		if _, err := time.LoadLocation(z); err != nil || !check(validate.Users, validate.Timezone, z) {
			t.Errorf("zone %s: %v", z, err)
		}
	}
	for _, kind := range templateKinds {
		path := filepath.Join(t.TempDir(), "t.xlsx")
		if err := export.Template(path, kind); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		dvs, _ := f.GetDataValidations(kind.String())
		header, _ := f.GetRows(kind.String())
		f.Close()
		for _, dv := range dvs {
			if !strings.HasPrefix(dv.Formula1, `"`) {
				continue // the time zone range, checked above
			}
			ci, _, _ := excelize.CellNameToCoordinates(strings.Split(dv.Sqref, ":")[0])
			fd, _ := validate.FieldByName(header[0][ci-1])
			for _, v := range strings.Split(strings.Trim(dv.Formula1, `"`), ",") {
				if !check(kind, fd, v) {
					t.Errorf("%s %s: drop-down value %q is refused by the validator", kind, fd, v)
				}
			}
		}
	}
	for _, bad := range []struct {
		kind  validate.Kind
		f     validate.Field
		value string
	}{
		{validate.Users, validate.Locale, "fr"},
		{validate.Guests, validate.Locale, "zh-TW"},
		{validate.Users, validate.LocalNameLocale, "auto"},
		{validate.Users, validate.Valid, "maybe"},
	} {
		if check(bad.kind, bad.f, bad.value) {
			t.Errorf("%s %s %q is accepted; the drop-down test above cannot tell a list that is too wide", bad.kind, bad.f, bad.value)
		}
	}
}

func TestTemplateRejectsUnknownExtension(t *testing.T) {
	err := export.Template(filepath.Join(t.TempDir(), "t.ods"), validate.Users)
	if err == nil || !strings.Contains(err.Error(), ".ods") {
		t.Fatalf("got %v", err)
	}
}

// TestUntouchedTemplateCreatesNobody imports an untouched template into
// the simulator: the example row is not imported, no user exists after,
// and the row is in the report with a status that is not a success.
func TestUntouchedTemplateCreatesNobody(t *testing.T) {
	for _, ext := range []string{".xlsx", ".csv"} {
		t.Run(ext, func(t *testing.T) {
			srv := kintonetest.NewServer()
			t.Cleanup(srv.Close)
			before := len(srv.Users())
			path := filepath.Join(t.TempDir(), "template"+ext)
			if err := export.Template(path, validate.Users); err != nil {
				t.Fatal(err)
			}
			rep := &memReport{}
			opts := baseOptions(path, rep)
			opts.Log = io.Discard
			if _, err := importer.Import(t.Context(), client(t, srv), opts); err != nil {
				t.Fatalf("Import: %v", err)
			}
			if after := len(srv.Users()); after != before {
				t.Errorf("%d users after the import, %d before", after, before)
			}
			if _, ok := srv.User("taro.yamada"); ok {
				t.Error("the example user was created")
			}
			if len(rep.rows) != 1 || rep.rows[0].Status == report.Created || !strings.Contains(rep.rows[0].Message, "example row") {
				t.Errorf("report %+v", rep.rows)
			}
		})
	}
}
