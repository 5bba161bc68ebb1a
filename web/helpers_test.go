package web

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone/kintonetest"
)

// testApp is a Server behind httptest with a signed-in client.
type testApp struct {
	t      testing.TB
	srv    *Server
	ts     *httptest.Server
	sim    *kintonetest.Server
	client *http.Client
	csrf   string
}

func newTestApp(t testing.TB, simOpts []kintonetest.Option, cfg Config) *testApp {
	t.Helper()
	sim := kintonetest.NewServer(simOpts...)
	t.Cleanup(sim.Close)
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	cfg.Credentials = Credentials{BaseURL: sim.URL, Username: sim.AdminUser, Password: sim.AdminPassword}
	cfg.Sim = true
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		ts.Close()
	})
	a := &testApp{t: t, srv: s, ts: ts, sim: sim}
	a.signIn()
	return a
}

// signIn exchanges the access token for the session cookie.
func (a *testApp) signIn() {
	jar, _ := cookiejar.New(nil)
	a.client = &http.Client{Jar: jar}
	resp, err := a.client.Get(a.ts.URL + "/?token=" + a.srv.Token())
	if err != nil {
		a.t.Fatal(err)
	}
	body := readAll(a.t, resp)
	if resp.StatusCode != http.StatusOK {
		a.t.Fatalf("sign in: %d %s", resp.StatusCode, body)
	}
	m := regexp.MustCompile(`data-csrf="([0-9a-f]+)"`).FindStringSubmatch(body)
	if m == nil {
		a.t.Fatal("no CSRF token on the home page")
	}
	a.csrf = m[1]
}

func readAll(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// get fetches a page and returns status and body.
func (a *testApp) get(path string) (int, string) {
	a.t.Helper()
	resp, err := a.client.Get(a.ts.URL + path)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp.StatusCode, readAll(a.t, resp)
}

// noRedirect is a client that shows redirects instead of following them.
func (a *testApp) noRedirect() *http.Client {
	c := *a.client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// post submits a form with the page's Origin and CSRF token; it returns
// the status and the redirect target (or the body).
func (a *testApp) post(path string, form url.Values) (int, string) {
	a.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", a.csrf)
	req, _ := http.NewRequest(http.MethodPost, a.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", a.ts.URL)
	return a.do(req)
}

func (a *testApp) do(req *http.Request) (int, string) {
	a.t.Helper()
	resp, err := a.noRedirect().Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	body := readAll(a.t, resp)
	if loc := resp.Header.Get("Location"); loc != "" {
		return resp.StatusCode, loc
	}
	return resp.StatusCode, body
}

// uploadRequest builds the upload form of a file.
func (a *testApp) uploadRequest(name string, data []byte, kind string) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", a.csrf)
	mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, a.ts.URL+"/jobs", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", a.ts.URL)
	return req
}

// upload sends a file and returns the new job's id.
func (a *testApp) upload(name string, data []byte) string {
	a.t.Helper()
	status, loc := a.do(a.uploadRequest(name, data, "users"))
	if status != http.StatusSeeOther {
		a.t.Fatalf("upload: %d %s", status, loc)
	}
	m := regexp.MustCompile(`^/jobs/([0-9a-f]{16})/upload$`).FindStringSubmatch(loc)
	if m == nil {
		a.t.Fatalf("upload redirected to %q", loc)
	}
	return m[1]
}

// check uploads a file and confirms the detected columns.
func (a *testApp) check(name string, data []byte, mode string) string {
	a.t.Helper()
	id := a.upload(name, data)
	if status, loc := a.post("/jobs/"+id+"/columns", url.Values{"mode": {mode}}); status != http.StatusSeeOther {
		a.t.Fatalf("columns: %d %s", status, loc)
	}
	return id
}

// edit changes one cell through the JSON endpoint.
func (a *testApp) edit(id string, row, col int, value string) (int, string) {
	a.t.Helper()
	b, _ := json.Marshal(editRequest{Row: row, Col: col, Value: value})
	req, _ := http.NewRequest(http.MethodPost, a.ts.URL+"/jobs/"+id+"/cell", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", a.csrf)
	req.Header.Set("Origin", a.ts.URL)
	return a.do(req)
}

// waitRun reads the job's event stream until the run is done and returns
// the final progress: it synchronises on the server's own event.
func (a *testApp) waitRun(id, which string) Progress {
	a.t.Helper()
	path := "/jobs/" + id + "/events"
	if which == "plan" {
		path += "?run=plan"
	}
	resp, err := a.client.Get(a.ts.URL + path)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	event := ""
	for sc.Scan() {
		line := sc.Text()
		if e, ok := strings.CutPrefix(line, "event: "); ok {
			event = e
		}
		if d, ok := strings.CutPrefix(line, "data: "); ok && event == "done" {
			var p Progress
			if err := json.Unmarshal([]byte(d), &p); err != nil {
				a.t.Fatal(err)
			}
			return p
		}
	}
	a.t.Fatalf("event stream ended without done: %v", sc.Err())
	return Progress{}
}

const usersHeader = "code,name,email,password,valid,locale,timezone\n"

// usersCSV builds a users file from rows of "code,name,email,password".
func usersCSV(rows ...string) []byte {
	var b strings.Builder
	b.WriteString(usersHeader)
	for _, r := range rows {
		b.WriteString(r + ",true,en,Asia/Tokyo\n")
	}
	return []byte(b.String())
}

// unzipAll returns the text of every part of an XLSX body.
func unzipAll(t testing.TB, body string) string {
	t.Helper()
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var b strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(&b, rc)
		rc.Close()
	}
	return b.String()
}
