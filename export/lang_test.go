package export_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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

// TestJapaneseExportRoundTrip: an export in Japanese has cybozu.com's
// Japanese labels, reads back with no mapping file and no warning, and,
// imported untouched with upsert, leaves every user unchanged and sends no
// write.
func TestJapaneseExportRoundTrip(t *testing.T) {
	for _, ext := range []string{".csv", ".xlsx"} {
		t.Run(ext, func(t *testing.T) {
			const n = 120
			srv := domain(t, n, ext == ".xlsx")
			c := client(t, srv)
			path := filepath.Join(t.TempDir(), "users"+ext)
			got, err := export.Users(t.Context(), c, path, export.Options{Retry: fastRetry, Lang: i18n.Japanese})
			if err != nil {
				t.Fatal(err)
			}
			if got != n+1 {
				t.Fatalf("exported %d users, want %d", got, n+1)
			}
			src, err := sheet.Open(path, sheet.Options{})
			if err != nil {
				t.Fatal(err)
			}
			header := src.Header()
			src.Close()
			want := export.HeaderIn(i18n.Japanese, []string{"shoe", "nick"})
			if !slices.Equal(header, want) {
				t.Fatalf("header\n got %q\nwant %q", header, want)
			}
			for _, h := range []string{"ログイン名", "表示名", "よみがな(姓)", "使用状態", "利用サービス", "所属組織"} {
				if !slices.Contains(header, h) {
					t.Errorf("header lacks %q", h)
				}
			}
			if !export.IsExport(header) {
				t.Errorf("IsExport(%q) = false", header)
			}
			mp, err := mapping.NewMapper(header, validate.Users, nil)
			if err != nil {
				t.Fatal(err)
			}
			if w := mp.Warnings(); len(w) != 0 {
				t.Errorf("reader warnings: %q", w)
			}
			cols := mp.Columns()
			for _, f := range []validate.Field{validate.Code, validate.SurNameReading, validate.Valid, validate.Services, validate.Organizations} {
				if cols[f] != export.Label(f, i18n.Japanese) {
					t.Errorf("%s is read from %q, want %q", f, cols[f], export.Label(f, i18n.Japanese))
				}
			}

			before, state := srv.Requests(), snapshot(srv)
			rows, sum := upsert(t, c, path)
			if len(rows) != n+1 {
				t.Fatalf("report has %d rows, want %d", len(rows), n+1)
			}
			for _, r := range rows {
				if r.Status != report.Unchanged {
					t.Errorf("%s: %s (%s: %s), want unchanged", r.Code, r.Status, r.ErrorCode, r.Message)
				}
			}
			if w := writes(before, srv.Requests()); len(w) != 0 {
				t.Errorf("the import of an untouched Japanese export wrote: %v", w)
			}
			if d := diffStates(state, snapshot(srv)); len(d) != 0 {
				t.Errorf("server state changed:\n%s", strings.Join(d, "\n"))
			}
			if !sum.OK() {
				t.Errorf("summary not OK: %s", sum)
			}
		})
	}
}

// TestLabelsReadBack: every field's Japanese label, alone and after
// RequiredMark, is read back as that field by the reader.
func TestLabelsReadBack(t *testing.T) {
	for _, kind := range templateKinds {
		for _, f := range validate.FieldsFor(kind) {
			for _, h := range []string{export.Label(f, i18n.Japanese), export.RequiredMark + export.Label(f, i18n.Japanese)} {
				mp, err := mapping.NewMapper([]string{h}, kind, nil)
				if err != nil {
					t.Fatalf("%s %q: %v", kind, h, err)
				}
				if got := mp.Columns()[f]; got != h {
					t.Errorf("%s: header %q reads as %q for %s (warnings %q)", kind, h, got, f, mp.Warnings())
				}
			}
		}
	}
	if got := export.Label(validate.Code, i18n.English); got != "code" {
		t.Errorf("English label of code = %q", got)
	}
	if fmt.Sprint(export.HeaderIn(i18n.English, nil)) != fmt.Sprint(export.Header(nil)) {
		t.Error("HeaderIn(English) differs from Header")
	}
}

// TestFilledJapaneseTemplateImports imports the Japanese template as
// testdata/fill_template_ja.py (openpyxl, values only) filled it in: the
// committed template is still what WriteTemplate writes, and the filled
// file creates its three users with no warning at all, on the report, in
// the log or on the server.
func TestFilledJapaneseTemplateImports(t *testing.T) {
	golden(t, "template-ja-users.xlsx.txt.golden", dumpWorkbook(t, filepath.Join("testdata", "template-ja-users.xlsx")))

	srv := kintonetest.NewServer(kintonetest.WithDepartments(testOrgs, testTitles))
	t.Cleanup(srv.Close)
	rep := &memReport{}
	opts := baseOptions(filepath.Join("testdata", "filled-ja-users.xlsx"), rep)
	var log bytes.Buffer
	opts.Log = &log
	sum, err := importer.Import(t.Context(), client(t, srv), opts)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if log.Len() > 0 {
		t.Errorf("the import logged:\n%s", log.String())
	}
	if len(rep.rows) != 3 {
		t.Fatalf("report %+v, want 3 rows", rep.rows)
	}
	for _, r := range rep.rows {
		if r.Status != report.Created || r.Warnings != "" || r.Message != "" || len(r.Findings) != 0 {
			t.Errorf("row %d %s: %s, warnings %q, message %q, findings %+v", r.Row, r.Code, r.Status, r.Warnings, r.Message, r.Findings)
		}
	}
	if !sum.OK() || sum.Counts[report.Created] != 3 {
		t.Errorf("summary %s", sum)
	}

	hanako, ok := srv.User("hanako.sato")
	if !ok {
		t.Fatal("hanako.sato was not created")
	}
	for got, want := range map[string]string{
		hanako.Name: "佐藤 花子", hanako.SurNameReading: "さとう", hanako.EmployeeNumber: "00123",
		hanako.JoinDate: "2025-04-01", hanako.BirthDate: "1995-07-07", hanako.Locale: "ja",
		hanako.Timezone: "Asia/Tokyo", hanako.ExtensionNumber: "0101",
	} {
		if got != want {
			t.Errorf("hanako.sato: %q, want %q", got, want)
		}
	}
	if !hanako.Valid || hanako.SortOrder == nil || *hanako.SortOrder != 20 {
		t.Errorf("hanako.sato: valid %v, sortOrder %v", hanako.Valid, hanako.SortOrder)
	}
	if got := srv.Services("hanako.sato"); !slices.Equal(got, []string{"kintone"}) {
		t.Errorf("hanako.sato services %q", got)
	}
	if got := srv.Organizations("hanako.sato"); len(got) != 1 || got[0].OrgCode != "sales" || got[0].TitleCode != "manager" {
		t.Errorf("hanako.sato departments %+v", got)
	}
	ichiro, ok := srv.User("ichiro.suzuki")
	if !ok || ichiro.Valid || ichiro.LocalName != "Ichiro Suzuki" || ichiro.LocalNameLocale != "en" || ichiro.Timezone != "America/Los_Angeles" {
		t.Errorf("ichiro.suzuki: %+v (found %v)", ichiro, ok)
	}
	if got := sorted(srv.Services("ichiro.suzuki")); !slices.Equal(got, []string{"garoon", "kintone"}) {
		t.Errorf("ichiro.suzuki services %q", got)
	}
	if jiro, ok := srv.User("jiro.tanaka"); !ok || jiro.URL != "https://example.com/jiro" || jiro.Callto != "jiro.tanaka" {
		t.Errorf("jiro.tanaka: %+v (found %v)", jiro, ok)
	}
	if _, ok := srv.User("taro.yamada"); ok {
		t.Error("the example user was created")
	}
}

// TestJapaneseTemplateXLSX: in the Japanese workbook every required
// header carries RequiredMark (and only those), the 記入方法 sheet explains
// the mark, each note is in Japanese with every rule's Japanese
// description, and each column is at least as wide as its header, a wide
// character counting two.
func TestJapaneseTemplateXLSX(t *testing.T) {
	for _, kind := range templateKinds {
		t.Run(kind.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "t.xlsx")
			if err := export.WriteTemplate(path, kind, export.TemplateOptions{Lang: i18n.Japanese}); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheets := f.GetSheetList()
			if len(sheets) != 3 || sheets[1] != "記入方法" {
				t.Fatalf("sheets %q", sheets)
			}
			if legend, _ := f.GetCellValue("記入方法", "A1"); !strings.Contains(legend, export.RequiredMark) || !strings.Contains(legend, "必須") {
				t.Errorf("legend %q", legend)
			}
			comments, err := f.GetComments(sheets[0])
			if err != nil {
				t.Fatal(err)
			}
			notes := map[string]string{}
			for _, c := range comments {
				for _, p := range c.Paragraph {
					notes[c.Cell] += p.Text
				}
			}
			for i, fd := range validate.FieldsFor(kind) {
				col, _ := excelize.ColumnNumberToName(i + 1)
				h, _ := f.GetCellValue(sheets[0], col+"1")
				req := validate.Required(kind, fd)
				if strings.HasPrefix(h, export.RequiredMark) != req {
					t.Errorf("%s: header %q, required=%v", fd, h, req)
				}
				w, _ := f.GetColWidth(sheets[0], col)
				if need := float64(jaWidth(h)); w < need {
					t.Errorf("%s: column %s is %.1f wide, header %q needs %.0f", fd, col, w, h, need)
				}
				note := notes[col+"1"]
				if strings.Contains(note, "(required)") || strings.Contains(note, "（必須）") != req {
					t.Errorf("%s: note %q, required=%v", fd, note, req)
				}
				for _, r := range validate.RulesFor(kind) {
					if r.Field == fd && !strings.Contains(note, r.Describe(i18n.Japanese)) {
						t.Errorf("%s: note lacks the Japanese description of %s", fd, r.Rule)
					}
				}
			}
		})
	}
}

// jaWidth counts a header's width the way a person sees it: a kana or
// kanji is as wide as two Latin letters.
func jaWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
