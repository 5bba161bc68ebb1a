package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestJobIndexSendsToTheStepReached(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	id := a.upload("u.csv", usersCSV("alice,Alice A,alice@example.com,Pass-word-1"))
	c := a.noRedirect()
	step := func() string {
		resp, err := c.Get(a.ts.URL + "/jobs/" + id)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, resp)
		return resp.Header.Get("Location")
	}
	if got := step(); got != "/jobs/"+id+"/upload" {
		t.Errorf("new job goes to %s", got)
	}
	a.post("/jobs/"+id+"/columns", nil)
	if got := step(); got != "/jobs/"+id+"/check" {
		t.Errorf("checked job goes to %s", got)
	}
	a.post("/jobs/"+id+"/import", nil)
	a.waitRun(id, "import")
	if got := step(); got != "/jobs/"+id+"/results" {
		t.Errorf("imported job goes to %s", got)
	}
	if status, _ := a.get("/jobs/0123456789abcdef/check"); status != http.StatusNotFound {
		t.Errorf("unknown job: %d", status)
	}
}

func TestUploadMappingFile(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	id := a.upload("legacy.csv", []byte("Login,Full Name,Mail,password\nalice,Alice A,alice@example.com,Pass-word-1\n"))
	send := func(yml string) (int, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf", a.csrf)
		fw, _ := mw.CreateFormFile("mapping", "m.yaml")
		fw.Write([]byte(yml))
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, a.ts.URL+"/jobs/"+id+"/mapping", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", a.ts.URL)
		return a.do(req)
	}
	if status, body := send("columns: {Nope: name}\n"); status != http.StatusBadRequest || !strings.Contains(body, "Nope") {
		t.Errorf("a mapping naming a missing column: %d", status)
	}
	if status, loc := send("columns: {Full Name: name, Mail: email}\nconstants: {timezone: Asia/Tokyo}\n"); status != http.StatusSeeOther {
		t.Fatalf("mapping: %d %s", status, loc)
	}
	_, body := a.get("/jobs/" + id + "/columns")
	if !strings.Contains(body, `<option value="name" selected>`) {
		t.Error("the uploaded mapping does not show in the drop-downs")
	}
	a.post("/jobs/"+id+"/columns", map[string][]string{"col0": {"code"}, "col1": {"name"}, "col2": {"email"}, "col3": {"password"}})
	if j := a.srv.jobs.get(id); !strings.Contains(j.MappingYAML, "timezone: Asia/Tokyo") {
		t.Errorf("the drop-downs dropped the mapping's constants:\n%s", j.MappingYAML)
	}
}

func TestAnnotatedCopy(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	id := a.check("a.csv", usersCSV("alice,Alice A,alice@example.com,Pass-word-1", "bad/one,Bad B,bad@example.com,Pass-word-2"), "create")
	status, body := a.get("/jobs/" + id + "/annotated.xlsx")
	if status != http.StatusOK {
		t.Fatalf("annotated: %d", status)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Sheet1")
	if len(rows) != 3 || rows[0][7] != "userimport status" || rows[2][7] != "error" || rows[1][7] != "ok" || rows[2][0] != "bad/one" {
		t.Errorf("rows %q", rows)
	}
	if rows[1][3] != "" {
		t.Error("the password column is not empty in the download")
	}
	comments, _ := f.GetComments("Sheet1")
	found := false
	for _, c := range comments {
		if c.Cell == "A3" && strings.Contains(c.Text, "login names cannot contain") {
			found = true
		}
	}
	if !found {
		t.Errorf("no note on the bad cell A3: %+v", comments)
	}
	style, _ := f.GetCellStyle("Sheet1", "A3")
	if st, _ := f.GetStyle(style); st == nil || len(st.Fill.Color) == 0 {
		t.Error("the bad cell is not filled")
	}
}

func TestStaticAndSignOut(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	for path, ctype := range map[string]string{"/static/app.js": "text/javascript", "/static/app.css": "text/css"} {
		resp, err := http.Get(a.ts.URL + path) // no session needed for the assets
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), ctype) {
			t.Errorf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	if status, loc := a.post("/signout", nil); status != http.StatusSeeOther || loc != "/" {
		t.Errorf("sign out: %d %s", status, loc)
	}
	// Credentials from the environment stay: signing out forgets only
	// what the form gave.
	if !a.srv.credentials().Complete() {
		t.Error("signing out dropped the server's own credentials")
	}
}

func TestCheckFiltersAndPages(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	var rows []string
	for i := range 120 {
		code := fmt.Sprintf("user%03d", i)
		if i%2 == 0 {
			code = "bad/" + code // code.forbidden_char on every other row
		}
		rows = append(rows, fmt.Sprintf("%s,User %d,u%d@example.com,Pass-word-1", code, i, i))
	}
	rows = append(rows, ",Nobody,n@example.com,Pass-word-1") // code.required
	id := a.check("f.csv", usersCSV(rows...), "create")
	rowsShown := regexp.MustCompile(`<tr data-row="(\d+)"`)
	for _, tc := range []struct {
		query     string
		want      int
		first     string
		matchText string
	}{
		{"show=all", 50, "0", "121 rows match"},
		{"show=errors", 50, "0", "61 rows match"},
		{"show=errors&rule=code.required", 1, "120", "1 rows match"},
		{"show=errors&rule=code.forbidden_char&page=2", 10, "100", "60 rows match"},
		{"show=warnings", 0, "", "0 rows match"},
	} {
		_, body := a.get("/jobs/" + id + "/check?" + tc.query)
		got := rowsShown.FindAllStringSubmatch(body, -1)
		if len(got) != tc.want || !strings.Contains(body, tc.matchText) || (tc.want > 0 && got[0][1] != tc.first) {
			t.Errorf("%s: %d rows (first %v), want %d from row %s, %q", tc.query, len(got), got, tc.want, tc.first, tc.matchText)
		}
	}
	_, body := a.get("/jobs/" + id + "/check")
	if !strings.Contains(body, `<option value="code.forbidden_char">code.forbidden_char (60)</option>`) {
		t.Error("the rule filter does not count rows per rule")
	}
}

// TestGridsLeaveMemory: only the last few jobs keep their file in memory,
// and a job whose grid went is rebuilt with its edits.
func TestGridsLeaveMemory(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	first := a.check("first.csv", usersCSV("alice,Alice A,alice@example.com,Pass-word-1"), "create")
	a.edit(first, 0, 1, "Alice Edited")
	for i := range maxGrids {
		a.check(fmt.Sprintf("other%d.csv", i), usersCSV("bob,Bob B,bob@example.com,Pass-word-1"), "create")
	}
	j := a.srv.jobs.get(first)
	j.mu.Lock()
	kept := j.g != nil
	j.mu.Unlock()
	if kept {
		t.Errorf("the oldest of %d jobs still holds its grid", maxGrids+1)
	}
	if _, body := a.get("/jobs/" + first + "/check"); !strings.Contains(body, "Alice Edited") {
		t.Error("the rebuilt grid lost the edit")
	}
}

// TestUnreadableRowIsKept: a row the reader cannot read stays in the
// grid with its reason and reaches the import as an invalid row.
func TestUnreadableRowIsKept(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	data := []byte(usersHeader + "alice,Alice,alice@example.com,Pass-word-1,true,en,Asia/Tokyo\nbob,Bob,extra,cells,x,y,z,w,v\n")
	id := a.check("r.csv", data, "create")
	_, body := a.get("/jobs/" + id + "/check?show=errors")
	if !strings.Contains(body, "wrong number of cells") {
		t.Fatal("the unreadable row is not shown")
	}
	a.post("/jobs/"+id+"/import", map[string][]string{"validOnly": {"on"}})
	p := a.waitRun(id, "import")
	if p.Counts["created"] != 1 || p.Counts["invalid"] != 1 {
		t.Errorf("counts %v: the unreadable row must end invalid", p.Counts)
	}
}
