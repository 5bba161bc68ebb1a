package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/userimport/userimport/kintone/kintonetest"
)

func TestSecurityRefusals(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	id := a.check("u.csv", usersCSV("alice,Alice,alice@example.com,Pass-word-1"), "create")
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/", "/jobs/" + id + "/check", "/jobs/" + id + "/report.csv", "/jobs/" + id + "/events", "/?token=wrong"} {
		resp, err := anon.Get(a.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s without a session: %d, want 403", path, resp.StatusCode)
		}
		if strings.Contains(body, "alice") {
			t.Errorf("GET %s without a session shows the file's data", path)
		}
	}
	tests := []struct {
		name   string
		origin string
		csrf   string
		want   string
	}{
		{"wrong origin", "http://evil.example", a.csrf, "Origin"},
		{"no origin", "", a.csrf, "Origin"},
		{"no csrf token", a.ts.URL, "", "out of date"},
		{"wrong csrf token", a.ts.URL, strings.Repeat("0", 64), "out of date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"csrf": {tt.csrf}, "mode": {"upsert"}}
			req, _ := http.NewRequest(http.MethodPost, a.ts.URL+"/jobs/"+id+"/columns", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			status, body := a.do(req)
			if status != http.StatusForbidden || !strings.Contains(body, tt.want) {
				t.Errorf("got %d %q, want 403 saying %q", status, body, tt.want)
			}
		})
	}
	if j := a.srv.jobs.get(id); j.Mode != "create" {
		t.Errorf("a refused request changed the job's mode to %q", j.Mode)
	}
}

func TestHeaders(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	resp, err := a.client.Get(a.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, resp)
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP allows unsafe sources: %q", csp)
	}
	for _, c := range a.client.Jar.Cookies(mustURL(a.ts.URL)) {
		if c.Name == cookieName && len(c.Value) < 32 {
			t.Errorf("session cookie too short")
		}
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	resp, err := a.noRedirect().Get(a.ts.URL + "/?token=" + a.srv.Token())
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("token exchange: %d to %q, want 303 to / (the token leaves the address bar)", resp.StatusCode, resp.Header.Get("Location"))
	}
	sc := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(sc, want) {
			t.Errorf("Set-Cookie %q lacks %s", sc, want)
		}
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// TestPagesHaveNoInlineCode holds every page to the CSP: no inline
// script or style, no event handler attributes.
func TestPagesHaveNoInlineCode(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	id := a.check("u.csv", usersCSV("alice,Alice,alice@example.com,Pass-word-1", ",No Code,x@example.com,Pass-word-2"), "create")
	a.post("/jobs/"+id+"/plan", nil)
	a.waitRun(id, "plan")
	a.post("/jobs/"+id+"/import", url.Values{"validOnly": {"on"}})
	a.waitRun(id, "import")
	bad := regexp.MustCompile(`<script>|<script [^>]*>[^<]|\sstyle=|\son[a-z]+=`)
	for _, step := range append([]string{"/", "/signin"}, stepPaths(id)...) {
		status, body := a.get(step)
		if status != http.StatusOK {
			t.Errorf("GET %s: %d", step, status)
		}
		if m := bad.FindString(body); m != "" {
			t.Errorf("GET %s has inline code %q", step, m)
		}
	}
}

func stepPaths(id string) []string {
	var out []string
	for _, s := range steps {
		out = append(out, "/jobs/"+id+"/"+s)
	}
	return out
}

func TestOversizedUpload(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{MaxUpload: 1 << 10})
	big := usersCSV()
	for len(big) < 4<<10 {
		big = append(big, []byte("someone,Some One,some@example.com,Pass-word-1,true,en,Asia/Tokyo\n")...)
	}
	status, body := a.do(a.uploadRequest("big.csv", big, "users"))
	if status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", status)
	}
	if !strings.Contains(body, "larger than the upload limit of 1024 bytes") || !strings.Contains(body, "--max-upload") {
		t.Errorf("the page does not say what is wrong: %s", body)
	}
	// Far over the cap: refused before the form is read, as clearly.
	huge := bytes.Repeat([]byte("x"), 3<<20)
	status, body = a.do(a.uploadRequest("huge.csv", huge, "users"))
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "larger than the upload limit") {
		t.Errorf("a 3 MB upload: %d %s", status, body)
	}
	if n := len(a.srv.jobs.list()); n != 0 {
		t.Errorf("%d jobs kept from a refused upload", n)
	}
}

func TestUploadRefusesOtherFiles(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	for _, tt := range []struct{ name, data, want string }{
		{"notes.pdf", "%PDF-1.4", "cannot be read"},
		{"broken.xlsx", "not a zip", "cannot be read"},
	} {
		status, body := a.do(a.uploadRequest(tt.name, []byte(tt.data), "users"))
		if status != http.StatusBadRequest || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %q", tt.name, status, body)
		}
	}
}

func TestXSSCellIsShownAsText(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	xss := `<img src=x onerror=alert(1)>`
	id := a.check("x.csv", usersCSV(`alice,"`+xss+`",alice@example.com,Pass-word-1`, `"<script>alert(2)</script>",Bob,bob@example.com,Pass-word-2`), "create")
	_, body := a.get("/jobs/" + id + "/check")
	if strings.Contains(body, "<img src=x") || strings.Contains(body, "<script>alert") {
		t.Fatal("a cell's markup reached the page unescaped")
	}
	if !strings.Contains(body, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("the cell is not shown as text")
	}
	status, resp := a.edit(id, 0, 1, `<svg onload=alert(3)>`)
	if status != http.StatusOK || strings.Contains(resp, "<svg") || !strings.Contains(resp, `\u0026lt;svg onload=alert(3)\u0026gt;`) {
		t.Errorf("edit response: %d %s", status, resp)
	}
	a.post("/jobs/"+id+"/plan", nil)
	a.waitRun(id, "plan")
	_, body = a.get("/jobs/" + id + "/plan")
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<svg") {
		t.Error("the plan shows markup unescaped")
	}
}

// TestPasswordsNeverSent walks every endpoint of a job and requires that
// no response holds a password, neither the file's nor one typed in.
func TestPasswordsNeverSent(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	a := newTestApp(t, nil, Config{Log: &logs})
	const p1, p2, typed = "Sekr3t-Alpha-771", "Sekr3t-Beta-772", "Typed-In-Secret-773"
	id := a.check("p.csv", usersCSV("alice,Alice A,alice@example.com,"+p1, "bob,Bob B,bob@example.com,"+p2, "carol,Carol C,carol@example.com,"), "create")
	var bodies []string
	_, edit := a.edit(id, 2, 3, typed)
	bodies = append(bodies, edit)
	if !strings.Contains(edit, "password set") {
		t.Errorf("the edit response does not say the password is set: %s", edit)
	}
	a.post("/jobs/"+id+"/plan", nil)
	a.waitRun(id, "plan")
	a.post("/jobs/"+id+"/import", nil)
	a.waitRun(id, "import")
	paths := append(stepPaths(id), "/", "/jobs/"+id+"/check?show=errors", "/jobs/"+id+"/mapping.yaml",
		"/jobs/"+id+"/report.csv", "/jobs/"+id+"/report.xlsx", "/jobs/"+id+"/report.csv?run=plan",
		"/jobs/"+id+"/corrected.xlsx", "/jobs/"+id+"/annotated.xlsx", "/jobs/"+id+"/events")
	for _, p := range paths {
		status, body := a.get(p)
		if status != http.StatusOK {
			t.Errorf("GET %s: %d", p, status)
		}
		bodies = append(bodies, body)
		if strings.HasSuffix(p, ".xlsx") {
			bodies = append(bodies, unzipAll(t, body))
		}
	}
	for i, b := range bodies {
		for _, pw := range []string{p1, p2, typed} {
			if strings.Contains(b, pw) {
				t.Errorf("response %d holds a password", i)
			}
		}
	}
	for _, secret := range []string{p1, p2, typed, "alice", "Alice", a.srv.Token(), a.csrf} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the server log holds %q", secret)
		}
	}
	if u, ok := a.sim.User("carol"); !ok || u.Code != "carol" {
		t.Error("the typed-in password did not let carol be created")
	}
}

func TestFullFlowAgainstSimulator(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	id := a.check("f.csv", usersCSV("alice,Alice,alice@example.com,Pass-word-1", "bad/code,Bad,bad@example.com,Pass-word-2", "alice,Alice Again,alice2@example.com,Pass-word-3"), "create")
	_, body := a.get("/jobs/" + id + "/check?show=errors")
	if !strings.Contains(body, `<span class="n" id="errorsN">2</span>`) {
		t.Fatalf("want 2 rows with errors:\n%s", body)
	}
	// Fix both: the bad login name, and the duplicate.
	if status, resp := a.edit(id, 1, 0, "bob"); status != http.StatusOK || !strings.Contains(resp, `"Errors":1`) {
		t.Fatalf("edit: %d %s", status, resp)
	}
	if status, resp := a.edit(id, 2, 0, "carol"); status != http.StatusOK || !strings.Contains(resp, `"Errors":0`) {
		t.Fatalf("edit: %d %s", status, resp)
	}
	if status, loc := a.post("/jobs/"+id+"/plan", nil); status != http.StatusSeeOther {
		t.Fatalf("plan: %d %s", status, loc)
	}
	if p := a.waitRun(id, "plan"); p.Counts["would_create"] != 3 {
		t.Fatalf("plan counts %v", p.Counts)
	}
	if len(a.sim.Users()) != 2 { // Administrator and the demo's none: the dry run wrote nothing
		t.Logf("simulator users after the dry run: %d", len(a.sim.Users()))
	}
	before := len(a.sim.Users())
	if status, loc := a.post("/jobs/"+id+"/import", nil); status != http.StatusSeeOther {
		t.Fatalf("import: %d %s", status, loc)
	}
	p := a.waitRun(id, "import")
	if p.Counts["created"] != 3 || p.Percent != 100 || p.Interrupted {
		t.Fatalf("import ended %+v", p)
	}
	for _, code := range []string{"alice", "bob", "carol"} {
		if _, ok := a.sim.User(code); !ok {
			t.Errorf("user %s was not created", code)
		}
	}
	if got := len(a.sim.Users()); got != before+3 {
		t.Errorf("simulator has %d users, want %d", got, before+3)
	}
	_, csv := a.get("/jobs/" + id + "/report.csv")
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "row,code,status") || !strings.Contains(lines[2], "bob,created") {
		t.Errorf("report:\n%s", csv)
	}
	_, res := a.get("/jobs/" + id + "/results")
	if !strings.Contains(res, "carol") || strings.Contains(res, `id="resume"`) {
		t.Error("results page: missing rows, or offers a resume after a clean import")
	}
}

func TestImportNeedsValidOnlyWhileErrors(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	id := a.check("e.csv", usersCSV("alice,Alice,alice@example.com,Pass-word-1", ",Nobody,n@example.com,Pass-word-2"), "create")
	status, body := a.post("/jobs/"+id+"/import", nil)
	if status != http.StatusBadRequest || !strings.Contains(body, "Import the valid rows only") {
		t.Fatalf("import with errors: %d %s", status, body)
	}
	a.post("/jobs/"+id+"/import", url.Values{"validOnly": {"on"}})
	p := a.waitRun(id, "import")
	if p.Counts["created"] != 1 || p.Counts["invalid"] != 1 {
		t.Errorf("counts %v", p.Counts)
	}
	_, res := a.get("/jobs/" + id + "/results?show=problems")
	if !strings.Contains(res, "code.required") || !strings.Contains(res, `id="resume"`) {
		t.Error("the invalid row is not listed with its rule, or no resume is offered")
	}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// blockingSim holds every Add Users request until released, and says
// when the first one arrived.
type blockingSim struct {
	arrived, release chan struct{}
	once             sync.Once
}

func newBlockingSim() *blockingSim {
	return &blockingSim{arrived: make(chan struct{}), release: make(chan struct{})}
}

func (b *blockingSim) option() kintonetest.Option {
	return kintonetest.WithRequestHook(func(r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/users.json") {
			b.once.Do(func() { close(b.arrived) })
			<-b.release
		}
	})
}

func manyUsers(n int) []byte {
	var rows []string
	for i := range n {
		rows = append(rows, fmt.Sprintf("user%04d,User %d,user%04d@example.com,Pass-word-%d", i, i, i, i))
	}
	return usersCSV(rows...)
}

func TestCancelThenResume(t *testing.T) {
	t.Parallel()
	b := newBlockingSim()
	a := newTestApp(t, []kintonetest.Option{b.option()}, Config{})
	id := a.check("m.csv", manyUsers(1500), "create")
	a.post("/jobs/"+id+"/import", nil)
	<-b.arrived
	if status, _ := a.post("/jobs/"+id+"/cancel", nil); status != http.StatusSeeOther {
		t.Fatalf("cancel: %d", status)
	}
	close(b.release)
	p := a.waitRun(id, "import")
	if !p.Interrupted || p.Counts["not_attempted"] == 0 {
		t.Fatalf("after cancel: %+v", p)
	}
	_, body := a.get("/jobs/" + id + "/results")
	if !strings.Contains(body, `id="resume"`) {
		t.Fatal("no resume button after a cancelled import")
	}
	if status, loc := a.post("/jobs/"+id+"/resume", nil); status != http.StatusSeeOther {
		t.Fatalf("resume: %d %s", status, loc)
	}
	p = a.waitRun(id, "import")
	if p.Interrupted || p.Counts["created"]+p.Counts["skipped"] == 0 || p.Done != 1500 {
		t.Fatalf("resume ended %+v", p)
	}
	for st, n := range p.Counts {
		if n > 0 && !GoodStatus(st) {
			t.Errorf("after the resume %d rows are %s", n, st)
		}
	}
	for i := range 1500 {
		if _, ok := a.sim.User(fmt.Sprintf("user%04d", i)); !ok {
			t.Fatalf("user%04d missing after the resume", i)
		}
	}
	if d := a.sim.Requests().DuplicateAdds; d != 0 {
		t.Errorf("%d users were sent twice", d)
	}
}

func TestOneImportPerDomain(t *testing.T) {
	t.Parallel()
	b := newBlockingSim()
	a := newTestApp(t, []kintonetest.Option{b.option()}, Config{})
	first := a.check("first.csv", manyUsers(10), "create")
	second := a.check("second.csv", usersCSV("zed,Zed,zed@example.com,Pass-word-9"), "create")
	a.post("/jobs/"+first+"/import", nil)
	<-b.arrived
	status, body := a.post("/jobs/"+second+"/import", nil)
	if status != http.StatusConflict || !strings.Contains(body, "first.csv") || !strings.Contains(body, first) {
		t.Errorf("second import: %d %s", status, body)
	}
	// A dry run only reads: it may go on beside an import.
	if status, _ := a.post("/jobs/"+second+"/plan", nil); status != http.StatusSeeOther {
		t.Errorf("dry run beside an import: %d", status)
	}
	a.waitRun(second, "plan")
	close(b.release)
	a.waitRun(first, "import")
	if status, _ := a.post("/jobs/"+second+"/import", nil); status != http.StatusSeeOther {
		t.Errorf("import after the first ended: %d", status)
	}
	a.waitRun(second, "import")
}

// TestRestartShowsInterrupted: a job that was importing when the server
// died is shown interrupted, with a resume, by the next server.
func TestRestartShowsInterrupted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := newTestApp(t, nil, Config{DataDir: dir})
	id := a.check("r.csv", usersCSV("alice,Alice,alice@example.com,Pass-word-1"), "create")
	j := a.srv.jobs.get(id)
	j.mu.Lock()
	j.State = StateRunning
	j.Imports = append(j.Imports, &RunInfo{N: 1, Report: "import-1.csv", Total: 1})
	if err := j.save(); err != nil {
		t.Fatal(err)
	}
	j.mu.Unlock()
	b := newTestApp(t, nil, Config{DataDir: dir})
	_, home := b.get("/")
	if !strings.Contains(home, "r.csv") || !strings.Contains(home, "state-interrupted") {
		t.Fatalf("restarted server's list:\n%s", home)
	}
	_, body := b.get("/jobs/" + id + "/import")
	if !strings.Contains(body, `id="resume"`) {
		t.Error("no resume offered for the interrupted job")
	}
}

func TestFilesArePrivate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := newTestApp(t, nil, Config{DataDir: dir})
	id := a.check("p.csv", usersCSV("alice,Alice,alice@example.com,Pass-word-1"), "create")
	a.edit(id, 0, 1, "Alice A.")
	a.post("/jobs/"+id+"/import", nil)
	a.waitRun(id, "import")
	err := filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil || path == dir {
			return err
		}
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, fi.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestHeaderRowDetectedAndAdjustable(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	data := []byte("Staff list 2025\n\n" + string(usersCSV("alice,Alice,alice@example.com,Pass-word-1")))
	id := a.upload("title.csv", data)
	if j := a.srv.jobs.get(id); j.Read.HeaderRow != 3 {
		t.Errorf("detected header row %d, want 3", j.Read.HeaderRow)
	}
	_, body := a.get("/jobs/" + id + "/upload")
	if !strings.Contains(body, "Staff list 2025") || !strings.Contains(body, `value="3"`) {
		t.Errorf("upload page lacks the preview or the detected row")
	}
	if status, loc := a.post("/jobs/"+id+"/upload", url.Values{"headerRow": {"1"}, "kind": {"users"}}); status != http.StatusSeeOther || !strings.HasSuffix(loc, "/columns") {
		t.Fatalf("settings: %d %s", status, loc)
	}
	if j := a.srv.jobs.get(id); j.Read.HeaderRow != 1 {
		t.Errorf("header row %d after choosing 1", j.Read.HeaderRow)
	}
	// Edits survive the same settings submitted again, and a new reading
	// drops them with a notice.
	a.post("/jobs/"+id+"/upload", url.Values{"headerRow": {"3"}, "kind": {"users"}})
	a.post("/jobs/"+id+"/columns", nil)
	if status, body := a.edit(id, 0, 1, "Alice Edited"); status != http.StatusOK {
		t.Fatalf("edit: %d %s", status, body)
	}
	if _, loc := a.post("/jobs/"+id+"/upload", url.Values{"headerRow": {"3"}, "kind": {"users"}}); strings.Contains(loc, "notice") || len(a.srv.jobs.get(id).Edits) != 1 {
		t.Errorf("unchanged settings dropped the edits (%s)", loc)
	}
	if _, loc := a.post("/jobs/"+id+"/upload", url.Values{"headerRow": {"1"}, "kind": {"users"}}); !strings.HasSuffix(loc, "?notice=edits_dropped") {
		t.Errorf("a new header row went to %s without saying the edits were dropped", loc)
	} else if _, body := a.get(loc); !strings.Contains(body, "were discarded") {
		t.Error("the notice is not shown")
	}
	if status, body := a.post("/jobs/"+id+"/upload", url.Values{"headerRow": {"0"}}); status != http.StatusBadRequest || !strings.Contains(body, "1 to 1000") {
		t.Errorf("header row 0: %d", status)
	}
}

func TestColumnsMappingRoundTrip(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	data := []byte("Login,Full Name,Mail,password,Notes\nalice,Alice,alice@example.com,Pass-word-1,hello\n")
	id := a.upload("legacy.csv", data)
	_, body := a.get("/jobs/" + id + "/columns")
	if !strings.Contains(body, "not recognised") {
		t.Error("unknown columns are not flagged")
	}
	status, loc := a.post("/jobs/"+id+"/columns", url.Values{"col0": {"code"}, "col1": {"name"}, "col2": {"email"}, "col3": {"password"}, "col4": {""}, "mode": {"create"}})
	if status != http.StatusSeeOther {
		t.Fatalf("columns: %d %s", status, loc)
	}
	_, yml := a.get("/jobs/" + id + "/mapping.yaml")
	for _, want := range []string{"Full Name: name", "Mail: email", "- Notes"} {
		if !strings.Contains(yml, want) {
			t.Errorf("mapping lacks %q:\n%s", want, yml)
		}
	}
	if err := ParseMappingYAML([]byte(yml), "m"); err != nil {
		t.Errorf("the downloaded mapping does not parse: %v", err)
	}
	_, body = a.get("/jobs/" + id + "/check")
	if !strings.Contains(body, `id="errorsN">0<`) {
		t.Error("the mapped file is not clean")
	}
	// Two columns for one field: the page says so and keeps the mapping.
	status, body = a.post("/jobs/"+id+"/columns", url.Values{"col0": {"code"}, "col1": {"code"}})
	if status != http.StatusBadRequest || !strings.Contains(body, "both give code") {
		t.Errorf("conflicting columns: %d", status)
	}
	// An uploaded mapping file applies.
	j := a.srv.jobs.get(id)
	if !strings.Contains(j.MappingYAML, "Full Name: name") {
		t.Error("a refused change replaced the mapping")
	}
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, Config{})
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+"/", nil)
	req.Header.Set("Accept-Language", "ja-JP,ja;q=0.9,en;q=0.5")
	_, body := a.do(req)
	if !strings.Contains(body, "Kintone にユーザーをインポート") || !strings.Contains(body, `lang="ja"`) {
		t.Error("Accept-Language ja does not give Japanese")
	}
	status, loc := a.do(mustReq(a.ts.URL + "/lang?l=en&back=/"))
	if status != http.StatusSeeOther || loc != "/" {
		t.Fatalf("switch: %d %s", status, loc)
	}
	_, body = a.do(req)
	if !strings.Contains(body, "Import users into Kintone") {
		t.Error("the switch does not override Accept-Language")
	}
	if status, loc := a.do(mustReq(a.ts.URL + "/lang?l=ja&back=//evil.example/")); status != http.StatusSeeOther || loc != "/" {
		t.Errorf("open redirect: %s", loc)
	}
}

func mustReq(u string) *http.Request {
	r, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		panic(err)
	}
	return r
}

// TestCatalogs: every key has a Japanese translation and the same verbs.
func TestCatalogs(t *testing.T) {
	t.Parallel()
	verbs := regexp.MustCompile(`%\[\d\][a-z]`)
	for k, en := range english {
		ja, ok := japanese[k]
		if !ok {
			t.Errorf("no Japanese for %q", k)
			continue
		}
		if fmt.Sprint(sortedMatches(verbs, en)) != fmt.Sprint(sortedMatches(verbs, ja)) {
			t.Errorf("%q: verbs differ: %q / %q", k, en, ja)
		}
	}
	for k := range japanese {
		if _, ok := english[k]; !ok {
			t.Errorf("Japanese key %q has no English", k)
		}
	}
	if got := T("ja", "no.such.key"); got != "no.such.key" {
		t.Errorf("a missing key gives %q", got)
	}
}

func sortedMatches(re *regexp.Regexp, s string) []string {
	m := re.FindAllString(s, -1)
	for i := range m {
		for j := i + 1; j < len(m); j++ {
			if m[j] < m[i] {
				m[i], m[j] = m[j], m[i]
			}
		}
	}
	return m
}

func TestCheckBind(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		addr          string
		tls, insecure bool
		ok            bool
	}{
		{"127.0.0.1:8080", false, false, true},
		{"localhost:0", false, false, true},
		{"[::1]:8080", false, false, true},
		{"0.0.0.0:8080", false, false, false},
		{":8080", false, false, false},
		{"192.168.1.5:8080", true, false, true},
		{"192.168.1.5:8080", false, true, true},
		{"nonsense", false, false, false},
	} {
		err := CheckBind(tt.addr, tt.tls, tt.insecure)
		if (err == nil) != tt.ok {
			t.Errorf("CheckBind(%q, %v, %v) = %v", tt.addr, tt.tls, tt.insecure, err)
		}
	}
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	sim := kintonetest.NewServer()
	t.Cleanup(sim.Close)
	s, err := New(Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ts := newTS(t, s)
	a := &testApp{t: t, srv: s, ts: ts, sim: sim}
	a.signIn()
	_, home := a.get("/")
	if !strings.Contains(home, `href="/signin"`) {
		t.Error("no sign-in link without credentials")
	}
	id := a.check("u.csv", usersCSV("alice,Alice,alice@example.com,Pass-word-1"), "create")
	if status, loc := a.post("/jobs/"+id+"/plan", nil); status != http.StatusSeeOther || loc != "/signin" {
		t.Errorf("dry run without credentials: %d %s", status, loc)
	}
	status, body := a.post("/signin", url.Values{"baseURL": {sim.URL}, "username": {sim.AdminUser}, "password": {"wrong-password"}})
	if status != http.StatusBadRequest || !strings.Contains(body, "did not accept") || strings.Contains(body, "wrong-password") {
		t.Errorf("wrong password: %d", status)
	}
	status, loc := a.post("/signin", url.Values{"baseURL": {sim.URL}, "username": {sim.AdminUser}, "password": {sim.AdminPassword}})
	if status != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", status, loc)
	}
	a.post("/jobs/"+id+"/plan", nil)
	if p := a.waitRun(id, "plan"); p.Counts["would_create"] != 1 {
		t.Errorf("plan after sign-in: %v", p.Counts)
	}
	if err := filepath.Walk(s.cfg.DataDir, func(path string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			b, _ := os.ReadFile(path)
			if strings.Contains(string(b), sim.AdminPassword) {
				t.Errorf("%s holds the sign-in password", path)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func newTS(t *testing.T, s *Server) *httptest.Server {
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		ts.Close()
	})
	return ts
}
