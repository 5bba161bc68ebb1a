package export_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"

	"github.com/userimport/userimport/export"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

func exportCybozu(t *testing.T, api export.API, path string, o export.Options) int {
	t.Helper()
	o.Layout, o.Retry = mapping.LayoutCybozu, fastRetry
	n, err := export.Users(t.Context(), api, path, o)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	return n
}

func readCSVFile(t *testing.T, data []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCybozuLayout writes cybozu's users file and checks it cell by cell
// against the server: 25 fixed columns in cybozu's order, custom items
// after 削除, "*" only as the password, no BOM, CRLF, values unescaped.
func TestCybozuLayout(t *testing.T) {
	srv := domain(t, 12, true)
	c := client(t, srv)
	path := filepath.Join(t.TempDir(), "cybozu.csv")
	if n := exportCybozu(t, c, path, export.Options{}); n != 13 {
		t.Fatalf("exported %d users", n)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(data, []byte("\uFEFF")) || !bytes.HasPrefix(data, []byte("ログイン名,表示名,新ログイン名,パスワード,")) || !bytes.Contains(data, []byte("\r\n")) {
		t.Errorf("file starts %q", data[:min(len(data), 60)])
	}
	rows := readCSVFile(t, data)
	header := rows[0]
	if len(header) != mapping.CybozuUsersColumns+2 || header[24] != "削除" || !slices.Equal(header[25:], []string{"customItem.nick", "customItem.shoe"}) &&
		!slices.Equal(header[25:], []string{"customItem.shoe", "customItem.nick"}) {
		t.Fatalf("header %q", header)
	}
	state := snapshot(srv)
	for _, r := range rows[1:] {
		if len(r) != len(header) {
			t.Fatalf("row %q has %d cells", r, len(r))
		}
		u := state[r[0]].user
		want := map[int]string{1: u.Name, 2: u.Code, 3: "*", 10: u.Email, 13: u.Timezone, 14: u.Phone, 18: u.EmployeeNumber,
			19: u.JoinDate, 21: u.Description, 24: ""}
		want[11] = map[bool]string{true: "1", false: "0"}[u.Valid]
		for i, w := range want {
			if r[i] != w {
				t.Errorf("%s: column %d (%s) = %q, want %q", u.Code, i+1, header[i], r[i], w)
			}
		}
		for _, cv := range u.CustomItemValues {
			if j := slices.Index(header, "customItem."+cv.Code); r[j] != cv.Value {
				t.Errorf("%s: %s = %q, want %q", u.Code, cv.Code, r[j], cv.Value)
			}
		}
		for i, cell := range r {
			if cell == "*" && i != 3 {
				t.Errorf("%s: \"*\" in column %d", u.Code, i+1)
			}
		}
	}
	if !bytes.Contains(data, []byte(`"=HYPERLINK(`)) {
		t.Error("a formula-like description was escaped; cybozu would store the escape")
	}
}

// TestCybozuLayoutReadsBack: the importer's mapping reads a cybozu-layout
// export, with and without its header, as the same users: the password
// kept ("*"), no rename, no deletion.
func TestCybozuLayoutReadsBack(t *testing.T) {
	srv := domain(t, 6, false)
	c := client(t, srv)
	for _, noHeader := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "cybozu.csv")
		exportCybozu(t, c, path, export.Options{NoHeader: noHeader})
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rows := readCSVFile(t, data)
		mp, err := mapping.NewMapperOptions(rows[0], validate.Users, mapping.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if mp.HeaderIsData() != noHeader {
			t.Fatalf("noHeader=%v: HeaderIsData %v", noHeader, mp.HeaderIsData())
		}
		start := 1
		if noHeader {
			start = 0
		}
		var codes []string
		for i, r := range rows[start:] {
			var rec validate.Record
			if err := mp.Map(sheet.Row{Line: i + 1, Cells: r}, &rec); err != nil {
				t.Fatal(err)
			}
			if !rec.Keep[validate.Password] || rec.Set[validate.Password] || rec.NewCode != "" || rec.Delete {
				t.Errorf("record %+v", rec)
			}
			codes = append(codes, rec.Values[validate.Code])
		}
		if len(codes) != 7 || !slices.Contains(codes, "u005") {
			t.Errorf("noHeader=%v: codes %q", noHeader, codes)
		}
	}
}

// TestCybozuLayoutRoundTrip imports an untouched cybozu-layout export with
// upsert: every row unchanged, nothing written, the server as it was.
func TestCybozuLayoutRoundTrip(t *testing.T) {
	srv := domain(t, 30, true)
	c := client(t, srv)
	path := filepath.Join(t.TempDir(), "cybozu.csv")
	exportCybozu(t, c, path, export.Options{})
	want := snapshot(srv)
	before := srv.Requests()
	rows, _ := upsert(t, c, path)
	if len(rows) != 31 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		if r.Status != report.Unchanged {
			t.Errorf("%s: %s (%s: %s), want unchanged", r.Code, r.Status, r.ErrorCode, r.Message)
		}
	}
	if w := writes(before, srv.Requests()); len(w) != 0 {
		t.Errorf("the import wrote: %v", w)
	}
	if d := diffStates(want, snapshot(srv)); len(d) != 0 {
		t.Errorf("server state changed:\n%s", strings.Join(d, "\n"))
	}
}

func TestCybozuLayoutShiftJIS(t *testing.T) {
	srv := domain(t, 6, false)
	c := client(t, srv)
	dir := t.TempDir()
	utf, sjis := filepath.Join(dir, "u.csv"), filepath.Join(dir, "s.csv")
	exportCybozu(t, c, utf, export.Options{})
	exportCybozu(t, c, sjis, export.Options{Encoding: "shift_jis"})
	u, err := os.ReadFile(utf)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.ReadFile(sjis)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := japanese.ShiftJIS.NewDecoder().Bytes(s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(dec, u) || bytes.Equal(s, u) {
		t.Error("the Shift_JIS file does not decode to the UTF-8 one")
	}

	// A character Shift_JIS cannot hold is an error naming the user and
	// the column, and leaves no file.
	srv2 := kintonetest.NewServer(kintonetest.WithUsers(kintone.UserInput{Code: "emoji", Name: ptr("Taro 😀"), Password: ptr(kintone.Secret("Pw-1-secret"))}))
	t.Cleanup(srv2.Close)
	bad := filepath.Join(dir, "bad.csv")
	_, err = export.Users(t.Context(), client(t, srv2), bad, export.Options{Layout: mapping.LayoutCybozu, Encoding: "sjis", Retry: fastRetry})
	if err == nil || !strings.Contains(err.Error(), `user "emoji", column "表示名"`) || !strings.Contains(err.Error(), "--encoding utf-8") {
		t.Errorf("error %v", err)
	}
	if _, statErr := os.Stat(bad); !os.IsNotExist(statErr) {
		t.Errorf("a failed export left %s", bad)
	}
}

func TestCybozuLayoutOptionErrors(t *testing.T) {
	srv := domain(t, 1, false)
	c := client(t, srv)
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		path string
		o    export.Options
		want string
	}{
		{"xlsx", "a.xlsx", export.Options{Layout: mapping.LayoutCybozu}, "writes a .csv file"},
		{"encoding without the layout", "a.csv", export.Options{Encoding: "shift_jis"}, "only for --layout cybozu"},
		{"unknown encoding", "a.csv", export.Options{Layout: mapping.LayoutCybozu, Encoding: "latin9"}, "unknown encoding"},
		{"services layout", "a.csv", export.Options{Layout: mapping.LayoutCybozuServices}, "not written"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.Retry = fastRetry
			_, err := export.Users(t.Context(), c, filepath.Join(dir, tc.path), tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestExportMarker: a default-layout export is recognisable as this
// tool's own: its CSV header by IsExport, its workbook by its creator.
func TestExportMarker(t *testing.T) {
	srv := domain(t, 3, false)
	c := client(t, srv)
	dir := t.TempDir()
	for _, ext := range []string{".csv", ".xlsx"} {
		path := filepath.Join(dir, "users"+ext)
		exportFile(t, c, path)
		src, err := sheet.Open(path, sheet.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !export.IsExport(src.Header()) {
			t.Errorf("%s: IsExport(%q) = false", ext, src.Header())
		}
		src.Close()
		if ext == ".xlsx" {
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			p, err := f.GetDocProps()
			f.Close()
			if err != nil || p.Creator != export.Creator {
				t.Errorf("creator %q, %v", p.Creator, err)
			}
		}
	}
	for _, h := range [][]string{nil, export.Header(nil)[1:], append(export.Header(nil), "notes"), append(export.Header(nil), "customItem.")} {
		if export.IsExport(h) {
			t.Errorf("IsExport(%q) = true", h)
		}
	}
	if !export.IsExport(export.Header([]string{"a", "b"})) {
		t.Error("IsExport(Header(a, b)) = false")
	}
}
