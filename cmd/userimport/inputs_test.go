package main

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/userimport/userimport/export"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// The files of these tests were written by other programs (openpyxl,
// Python's codecs and csv module): testdata/inputs/make.py and
// mapping/testdata/make.py. Each test imports one into a simulator and
// checks both the report and the users the simulator holds after.

func input(name string) string { return filepath.Join("testdata", "inputs", name) }

func mappingFile(name string) string { return filepath.Join("..", "..", "mapping", "testdata", name) }

// importInto runs `userimport import` against srv and returns the exit
// code, the report's rows (nil when there is no report file) and stderr.
func importInto(t *testing.T, srv *kintonetest.Server, file string, args ...string) (int, []report.Row, string) {
	t.Helper()
	t.Setenv("KINTONE_BASE_URL", srv.URL)
	t.Setenv("KINTONE_USERNAME", srv.AdminUser)
	t.Setenv("KINTONE_PASSWORD", srv.AdminPassword)
	t.Setenv("KINTONE_API_TOKEN", "")
	rep := filepath.Join(t.TempDir(), "report.jsonl")
	code, _, stderr := runCmd(t, t.Context(), append([]string{"import", file, "--report", rep}, args...)...)
	if _, err := os.Stat(rep); err != nil {
		return code, nil, stderr
	}
	return code, readReport(t, rep), stderr
}

// byCode indexes report rows by login name.
func byCode(rows []report.Row) map[string]report.Row {
	m := make(map[string]report.Row, len(rows))
	for _, r := range rows {
		m[r.Code] = r
	}
	return m
}

// hasFinding reports whether r has a finding of rule, at cell when cell
// is not "".
func hasFinding(r report.Row, rule string, sev report.Severity, cell string) bool {
	return slices.ContainsFunc(r.Findings, func(f report.Finding) bool {
		return f.Rule == rule && f.Severity == sev && (cell == "" || f.Cell == cell)
	})
}

func user(t *testing.T, srv *kintonetest.Server, code string) kintone.User {
	t.Helper()
	u, ok := srv.User(code)
	if !ok {
		t.Fatalf("user %q does not exist", code)
	}
	return u
}

// TestImportStaffWorkbook imports an openpyxl workbook whose first sheet
// is notes, with a title row, a decorated header, numbers in text columns,
// a merged range, a formula without a cached value, Excel errors in a
// mapped and an unmapped column, a hidden and a filtered-out row.
func TestImportStaffWorkbook(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	code, rows, stderr := importInto(t, srv, input("staff.xlsx"))
	if code != exitRows {
		t.Fatalf("exit %d, want %d (two rows are invalid): %s", code, exitRows, stderr)
	}
	if !strings.Contains(stderr, `sheet: "Staff"`) || !strings.Contains(stderr, "rows with warnings") {
		t.Errorf("the summary does not name the sheet read or count the warnings:\n%s", stderr)
	}
	got := byCode(rows)
	if len(rows) != 8 {
		t.Fatalf("%d report rows, want 8: %+v", len(rows), rows)
	}
	for _, tc := range []struct {
		code   string
		status report.Status
		rule   string
		sev    report.Severity
		cell   string
	}{
		{"alice", report.Created, "cell.number_as_text", report.SeverityWarning, "Staff!D4"},
		{"alice", report.Created, "cell.number_as_text", report.SeverityWarning, "Staff!E4"},
		{"carol", report.Created, "cell.merged", report.SeverityWarning, "Staff!F6"},
		{"dave", report.Invalid, "cell.formula_no_value", report.SeverityError, "Staff!G7"},
		{"erin", report.Created, "row.hidden", report.SeverityWarning, ""},
		{"frank", report.Created, "cell.error_value", report.SeverityWarning, "Staff!I9"},
		{"gina", report.Invalid, "cell.error_value", report.SeverityError, "Staff!B10"},
		{"hank", report.Created, "row.hidden", report.SeverityWarning, ""},
	} {
		r := got[tc.code]
		if r.Status != tc.status || !hasFinding(r, tc.rule, tc.sev, tc.cell) {
			t.Errorf("%s: %s with %+v; want %s with a %s %s at %q", tc.code, r.Status, r.Findings, tc.status, tc.sev, tc.rule, tc.cell)
		}
		if r.Row == 0 || tc.cell != "" && !strings.HasSuffix(tc.cell, strconv.Itoa(r.Row)) {
			t.Errorf("%s: row %d does not match its cell %s", tc.code, r.Row, tc.cell)
		}
	}
	if w := got["alice"].Warnings; !strings.Contains(w, "leading zeros") {
		t.Errorf("alice's warnings column does not say leading zeros may be lost: %q", w)
	}
	alice := user(t, srv, "alice")
	if alice.EmployeeNumber != "00123" || alice.Phone != "312345679" || alice.JoinDate != "2025-04-01" {
		t.Errorf("alice: employee number %q, phone %q, join date %q; want 00123 (the cell's format), 312345679, 2025-04-01",
			alice.EmployeeNumber, alice.Phone, alice.JoinDate)
	}
	if d := user(t, srv, "carol").Description; d != "Dev team" {
		t.Errorf("carol's description %q, want the merged range's value", d)
	}
	for _, c := range []string{"dave", "gina"} {
		if _, ok := srv.User(c); ok {
			t.Errorf("%s was created from an unreadable cell", c)
		}
	}
	for _, c := range []string{"erin", "frank", "hank"} {
		user(t, srv, c)
	}
}

// TestImportSkipHidden leaves out the hidden and the filtered-out row:
// they are reported skipped (row.hidden) and not created.
func TestImportSkipHidden(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	_, rows, stderr := importInto(t, srv, input("staff.xlsx"), "--skip-hidden")
	byRow := map[int]report.Row{}
	for _, r := range rows {
		byRow[r.Row] = r
	}
	for c, row := range map[string]int{"erin": 8, "hank": 11} {
		r := byRow[row]
		if r.Status != report.Skipped || r.Code != c || !hasFinding(r, "row.hidden", report.SeverityWarning, "") {
			t.Errorf("%s (row %d): %q %s %+v; want skipped with row.hidden\n%s", c, row, r.Code, r.Status, r.Findings, stderr)
		}
		if _, ok := srv.User(c); ok {
			t.Errorf("%s was created although hidden rows are skipped", c)
		}
	}
	user(t, srv, "alice")

	// A workbook whose rows are all hidden has nothing to import.
	code, rows, stderr := importInto(t, srv, input("hidden.xlsx"), "--skip-hidden")
	if code != exitUsage || !strings.Contains(stderr, "no data rows") {
		t.Errorf("all rows hidden: exit %d, %s; want exit %d, no data rows", code, stderr, exitUsage)
	}
	for _, r := range rows {
		if r.Status != report.Skipped {
			t.Errorf("all rows hidden: row %d %s", r.Row, r.Status)
		}
	}
	for _, c := range []string{"ivan", "jane"} {
		if _, ok := srv.User(c); ok {
			t.Errorf("%s was created from a hidden row", c)
		}
	}
}

// TestImportEncodingsAndDelimiters imports CSV files as spreadsheet
// programs save them (Windows-1252, Excel's UTF-16LE "Unicode text" with
// tabs, semicolons, CP932 with half-width katakana and NEC/IBM
// extensions) and a 1904-date workbook, detected and with the flags.
func TestImportEncodingsAndDelimiters(t *testing.T) {
	for _, tc := range []struct {
		file  string
		args  []string
		enc   string
		users map[string]func(kintone.User) string
		want  map[string]string
	}{
		{file: "latin.csv", enc: "windows-1252",
			users: map[string]func(kintone.User) string{"francois": name, "zoe": name},
			want:  map[string]string{"francois": "François Müller", "zoe": "Zoë Renée"}},
		{file: "latin.csv", args: []string{"--encoding", "windows-1252"}, enc: "windows-1252",
			users: map[string]func(kintone.User) string{"francois": name},
			want:  map[string]string{"francois": "François Müller"}},
		{file: "unicode.txt", enc: "utf-16le",
			users: map[string]func(kintone.User) string{"yamada": name, "muller": name},
			want:  map[string]string{"yamada": "山田 太郎", "muller": "Müller"}},
		{file: "semicolon.csv", enc: "utf-8",
			users: map[string]func(kintone.User) string{"anna": name},
			want:  map[string]string{"anna": "Müller, Anna"}},
		{file: "semicolon.csv", args: []string{"--delimiter", ";"}, enc: "utf-8",
			users: map[string]func(kintone.User) string{"ben": name},
			want:  map[string]string{"ben": "Ben"}},
		{file: "cp932.csv", enc: "shift_jis",
			users: map[string]func(kintone.User) string{"takahashi": name, "yamada": func(u kintone.User) string { return u.Description }},
			want:  map[string]string{"takahashi": "髙橋 ①", "yamada": "総務"}},
		{file: "dates1904.xlsx", enc: "xlsx",
			users: map[string]func(kintone.User) string{"mac": func(u kintone.User) string { return u.JoinDate + " " + u.BirthDate }},
			want:  map[string]string{"mac": "2025-04-01 1990-12-31"}},
	} {
		t.Run(tc.file+strings.Join(tc.args, ""), func(t *testing.T) {
			srv := kintonetest.NewServer()
			defer srv.Close()
			code, rows, stderr := importInto(t, srv, input(tc.file), tc.args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, r := range rows {
				if r.Status != report.Created {
					t.Errorf("row %d %s: %s %s", r.Row, r.Code, r.Status, r.Message)
				}
			}
			for c, f := range tc.users {
				if got := f(user(t, srv, c)); got != tc.want[c] {
					t.Errorf("%s: %q, want %q", c, got, tc.want[c])
				}
			}
		})
	}
	t.Run("cp932 half-width katakana", func(t *testing.T) {
		srv := kintonetest.NewServer()
		defer srv.Close()
		if code, _, stderr := importInto(t, srv, input("cp932.csv")); code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if r := user(t, srv, "takahashi"); r.Description != "㈱営業部" || r.SurNameReading == "" {
			t.Errorf("takahashi: description %q, reading %q", r.Description, r.SurNameReading)
		}
	})
}

func name(u kintone.User) string { return u.Name }

// TestImportCybozuUsersFile imports cybozu.com's own users file without a
// header row (UTF-8, and CP932 with --layout cybozu): "*" leaves a value
// as it is, 削除 = 1 deletes nothing without the flag for it.
func TestImportCybozuUsersFile(t *testing.T) {
	for _, tc := range []struct{ file, layout string }{
		{"cybozu_users_noheader.csv", "auto"},
		{"cybozu_users_noheader_sjis.csv", "cybozu"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			srv := kintonetest.NewServer(kintonetest.WithUsers(
				kintone.UserInput{Code: "kato", Name: ptr("加藤 一郎"), Password: ptr(kintone.Secret("Kato-Pass-1")), EmployeeNumber: ptr("E7"), JoinDate: ptr("2020-04-01")},
				kintone.UserInput{Code: "suzuki", Name: ptr("鈴木 拓也"), Password: ptr(kintone.Secret("Suzuki-Pass-1"))},
			))
			defer srv.Close()
			_, rows, stderr := importInto(t, srv, mappingFile(tc.file), "--mode", "upsert", "--layout", tc.layout)
			if len(rows) != 3 {
				t.Fatalf("%d report rows, want 3 (the first row is a user): %s", len(rows), stderr)
			}
			got := byCode(rows)
			if r := got["takahashi"]; r.Status != report.Created || r.Row != 1 {
				t.Errorf("takahashi: row %d %s %s", r.Row, r.Status, r.Message)
			}
			tk := user(t, srv, "takahashi")
			if tk.Name != "高橋 健太" || tk.EmployeeNumber != "00123" || tk.JoinDate != "2025-04-01" {
				t.Errorf("takahashi: %q %q %q", tk.Name, tk.EmployeeNumber, tk.JoinDate)
			}
			// kato's row renames the user to kato2 (新ログイン名) and
			// updates its e-mail; every other cell is "*".
			if r := got["kato"]; r.Status != report.Updated && r.Status != report.Renamed {
				t.Errorf("kato: %s %s %s", r.Status, r.ErrorCode, r.Message)
			}
			if _, ok := srv.User("kato"); ok {
				t.Error("kato was not renamed to kato2")
			}
			kato := user(t, srv, "kato2")
			if kato.Name != "加藤 一郎" || kato.EmployeeNumber != "E7" || kato.JoinDate != "2020-04-01" {
				t.Errorf(`kato's "*" cells changed it: %q %q %q`, kato.Name, kato.EmployeeNumber, kato.JoinDate)
			}
			if kato.Email != "kato@example.com" {
				t.Errorf("kato's e-mail %q was not updated", kato.Email)
			}
			if r := got["suzuki"]; r.Status != report.Skipped || !strings.Contains(r.Warnings, "deleted") {
				t.Errorf("suzuki (削除 = 1): %s %q", r.Status, r.Warnings)
			}
			if su := user(t, srv, "suzuki"); su.Email != "" {
				t.Errorf("suzuki, marked for deletion, was updated: %+v", su)
			}
		})
	}
}

// TestImportCybozuServicesAndDepartments imports cybozu.com's services file
// and departments-of-users file: they change the users they list, create
// none, and an empty line takes every service or department away.
func TestImportCybozuServicesAndDepartments(t *testing.T) {
	newServer := func() *kintonetest.Server {
		return kintonetest.NewServer(
			kintonetest.WithDepartments([]kintone.Organization{{Code: "org001", Name: "Head office"}, {Code: "org002", Name: "Branch"}},
				[]kintone.Title{{Code: "director", Name: "Director"}, {Code: "manager", Name: "Manager"}}),
			kintonetest.WithUsers(
				kintone.UserInput{Code: "takahashi", Name: ptr("高橋"), Password: ptr(kintone.Secret("Takahashi-Pass-1"))},
				kintone.UserInput{Code: "kato", Name: ptr("加藤"), Password: ptr(kintone.Secret("Kato-Pass-1"))},
			),
			kintonetest.WithServices("takahashi", "kintone"),
			kintonetest.WithServices("kato", "kintone", "garoon", "office"),
		)
	}
	t.Run("services", func(t *testing.T) {
		srv := newServer()
		defer srv.Close()
		srv.AddUsers(kintone.UserInput{Code: "suzuki", Name: ptr("鈴木"), Password: ptr(kintone.Secret("Suzuki-Pass-1"))})
		srv.SetServices("suzuki", "kintone", "garoon")
		code, rows, stderr := importInto(t, srv, mappingFile("cybozu_services_noheader.csv"))
		if code != exitOK || len(rows) != 3 {
			t.Fatalf("exit %d, %d rows: %s %+v", code, len(rows), stderr, rows)
		}
		for c, want := range map[string]string{"takahashi": "garoon,kintone,secure_access", "kato": "kintone", "suzuki": ""} {
			if got := sortedServices(srv, c); got != want {
				t.Errorf("%s's services %q, want %q", c, got, want)
			}
		}
	})
	t.Run("services of a user that does not exist", func(t *testing.T) {
		srv := newServer()
		defer srv.Close()
		before := len(srv.Users())
		code, rows, _ := importInto(t, srv, mappingFile("cybozu_services_header.csv"), "--layout", "cybozu-services")
		if r := byCode(rows)["suzuki"]; code != exitRows || r.Status != report.Failed || r.ErrorCode != "user_not_found" {
			t.Errorf("exit %d; suzuki: %s %s %s", code, r.Status, r.ErrorCode, r.Message)
		}
		if len(srv.Users()) != before {
			t.Errorf("a services file created a user")
		}
		if got := sortedServices(srv, "kato"); got != "kintone" {
			t.Errorf("kato's services %q", got)
		}
		// A dry run says the same as an invalid row: nothing fails in it.
		_, rows, _ = importInto(t, srv, mappingFile("cybozu_services_header.csv"), "--dry-run")
		if r := byCode(rows)["suzuki"]; r.Status != report.Invalid || r.ErrorCode != "user_not_found" {
			t.Errorf("dry run: suzuki %s %s", r.Status, r.ErrorCode)
		}
	})
	t.Run("departments", func(t *testing.T) {
		srv := newServer()
		defer srv.Close()
		code, rows, stderr := importInto(t, srv, mappingFile("cybozu_departments_header.csv"))
		if r := byCode(rows)["suzuki"]; code != exitRows || r.ErrorCode != "user_not_found" {
			t.Fatalf("exit %d; suzuki %+v: %s", code, r, stderr)
		}
		want := map[string]string{"takahashi": "org001/director,org002/manager", "kato": "org001/,org002/"}
		for c, w := range want {
			var got []string
			for _, o := range srv.Organizations(c) {
				got = append(got, o.OrgCode+"/"+o.TitleCode)
			}
			if strings.Join(got, ",") != w {
				t.Errorf("%s's departments %v, want %s (the first one primary)", c, got, w)
			}
		}
	})
}

// TestFileProblemsOnce checks that a problem of the whole file is one
// error (exit 2) that names what was found and what to try, and that no
// report is left behind.
func TestFileProblemsOnce(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	srv := kintonetest.NewServer()
	defer srv.Close()
	for _, tc := range []struct {
		name, file string
		args       []string
		want       []string
	}{
		{"missing column", write("nopw.csv", "code,name\nann,Ann\nben,Ben\n"), nil,
			[]string{"no column gives password", `"code", "name"`}},
		{"no header", write("nohead.csv", "Staff\n\nLogn,Nmae,Emial\nann,Ann,a@example.com\n"), nil,
			[]string{"no header row found", `"Logn" (did you mean "login"?)`, "--header-row N", "--layout cybozu"}},
		{"encoding", write("latin.csv", "code,nom\xe9,password\nann,Ann,Pass-An-2025\n"), []string{"--encoding", "utf-8"},
			[]string{"row 1", "windows-1252"}},
		{"layout", write("short.csv", "ann,Ann\n"), []string{"--layout", "cybozu"},
			[]string{"25"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, rows, stderr := importInto(t, srv, tc.file, tc.args...)
			if code != exitUsage || rows != nil {
				t.Fatalf("exit %d, report %v: %s; want exit %d and no report", code, rows, stderr, exitUsage)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Count(stderr, "userimport:") != 1 {
				t.Errorf("the file's problem is not said once:\n%s", stderr)
			}
		})
	}
	if n := len(srv.Users()); n != 1 {
		t.Errorf("%d users after only unreadable files", n)
	}
}

// TestUntouchedTemplateImportsNothing imports the templates `userimport
// template` writes, untouched: no user, the example row skipped, exit 2
// with "no data rows".
func TestUntouchedTemplateImportsNothing(t *testing.T) {
	for _, kind := range []validate.Kind{validate.Users, validate.Guests} {
		for _, ext := range []string{".xlsx", ".csv"} {
			t.Run(kind.String()+ext, func(t *testing.T) {
				srv := kintonetest.NewServer()
				defer srv.Close()
				path := filepath.Join(t.TempDir(), "template"+ext)
				if err := export.Template(path, kind); err != nil {
					t.Fatal(err)
				}
				before := len(srv.Users())
				code, rows, stderr := importInto(t, srv, path, "--kind", kind.String())
				if code != exitUsage || !strings.Contains(stderr, "no data rows") {
					t.Errorf("exit %d: %s; want exit %d, no data rows", code, stderr, exitUsage)
				}
				for _, r := range rows {
					if r.Status != report.Skipped || !hasFinding(r, "row.example", report.SeverityWarning, "") {
						t.Errorf("row %d: %s %+v; want skipped (row.example)", r.Row, r.Status, r.Findings)
					}
				}
				if len(srv.Users()) != before || len(srv.Guests()) != 0 {
					t.Errorf("the template created a user or guest")
				}
			})
		}
	}
}

// TestDateOrderAndLang reads 4/1/2025: an error showing both readings,
// unless --date-order says which; --lang ja translates the summary.
func TestDateOrderAndLang(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dates.csv")
	if err := os.WriteFile(path, []byte("code,name,password,joinDate\nann,Ann,Pass-An-2025,4/1/2025\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := kintonetest.NewServer()
	defer srv.Close()
	code, rows, stderr := importInto(t, srv, path, "--lang", "ja")
	if code != exitRows || len(rows) != 1 || rows[0].Status != report.Invalid || !strings.Contains(stderr, "（全 1 行）") {
		t.Fatalf("without --date-order: exit %d %+v\n%s", code, rows, stderr)
	}
	if m := rows[0].Message; !strings.Contains(m, "2025-01-04（日/月/年）") || strings.Contains(m, "行目") {
		t.Errorf("--lang ja: message %q, want both readings in Japanese, without the row the report has already", m)
	}
	if code, rows, stderr = importInto(t, srv, path, "--date-order", "dmy"); code != exitOK {
		t.Fatalf("--date-order dmy: exit %d %+v\n%s", code, rows, stderr)
	}
	if d := user(t, srv, "ann").JoinDate; d != "2025-01-04" {
		t.Errorf("join date %q, want 2025-01-04 (day first)", d)
	}
	for _, bad := range [][]string{{"--date-order", "ymd"}, {"--lang", "xx"}, {"--layout", "excel"}, {"--delimiter", "ab"}} {
		if code, _, _ := importInto(t, srv, path, bad...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", bad, code, exitUsage)
		}
	}
}

// TestFilledTemplateSkipsTheExample fills a row below the example row of
// a CSV template: the example is reported skipped (row.example) and never
// becomes a user; the filled row does.
func TestFilledTemplateSkipsTheExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "template.csv")
	if err := export.Template(path, validate.Users); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("hana.sato,Hana Sato,Hana-Pass-2025,,,,,,,,,,Asia/Tokyo" + strings.Repeat(",", 12) + "\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	srv := kintonetest.NewServer()
	defer srv.Close()
	code, rows, stderr := importInto(t, srv, path)
	if code != exitOK || len(rows) != 2 {
		t.Fatalf("exit %d, %d rows: %s", code, len(rows), stderr)
	}
	if r := rows[0]; r.Status != report.Skipped || !hasFinding(r, "row.example", report.SeverityWarning, "") {
		t.Errorf("the example row: %s %+v", r.Status, r.Findings)
	}
	if _, ok := srv.User("taro.yamada"); ok {
		t.Error("the template's example user was created")
	}
	if r := rows[1]; r.Status != report.Created || user(t, srv, "hana.sato").Name != "Hana Sato" {
		t.Errorf("the filled row: %s %s", r.Status, r.Message)
	}
}
