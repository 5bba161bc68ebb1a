package main

import (
	"bytes"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

// These tests check issue 15's findings 2, 3 and 4 as the person meets
// them: through the command, the server's end state and what the user can
// then do, not through one package's API.

// useServer points the command's environment at base as the simulator's
// Administrator.
func useServer(t *testing.T, srv *kintonetest.Server, base string) {
	t.Helper()
	t.Setenv("KINTONE_BASE_URL", base)
	t.Setenv("KINTONE_USERNAME", srv.AdminUser)
	t.Setenv("KINTONE_PASSWORD", srv.AdminPassword)
	t.Setenv("KINTONE_API_TOKEN", "")
}

// logsIn reports whether login can sign in to base with password: a User
// API read with X-Cybozu-Authorization, as a person's own tools would.
func logsIn(t *testing.T, base, login, password string) bool {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/v1/users.json?codes="+url.QueryEscape(login), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Cybozu-Authorization", base64.StdEncoding.EncodeToString([]byte(login+":"+password)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestQuotedPasswordLogsIn: finding 2. A person's CSV (not one the tool
// exported) gives a password that starts with a quote; the user created
// from it signs in with exactly that password, quote included, and not
// with the password the old reader made of it.
func TestQuotedPasswordLogsIn(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	useServer(t, srv, srv.URL)
	dir := t.TempDir()
	in := writeFile(t, dir, "quote.csv", "code,name,password\nq.user,Quote User,'=Abc-12345\n")
	code, _, stderr := runCmd(t, t.Context(), "import", in, "--report", filepath.Join(dir, "r.csv"))
	if code != exitOK {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	if !logsIn(t, srv.URL, "q.user", "'=Abc-12345") {
		t.Errorf("q.user cannot sign in with the password in the file, '=Abc-12345")
	}
	if logsIn(t, srv.URL, "q.user", "=Abc-12345") {
		t.Errorf("q.user signs in with =Abc-12345: the leading quote was stripped")
	}
	if logsIn(t, srv.URL, "q.user", "wrong") {
		t.Fatalf("the simulator lets anyone sign in; this test proves nothing")
	}
}

// catcher is a server on 127.0.0.2 that records what reaches it.
type catcher struct {
	mu     sync.Mutex
	bodies [][]byte
	srv    *httptest.Server
}

func newCatcher(t *testing.T) *catcher {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2 on this machine: %v", err)
	}
	c := &catcher{}
	c.srv = &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.bodies = append(c.bodies, b)
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{}")
	})}}
	c.srv.Start()
	t.Cleanup(c.srv.Close)
	return c
}

// TestRedirectKeepsPasswords: finding 3. A server on 127.0.0.1 passes
// everything to the simulator but answers Add Users with 307 (and 308)
// to a catcher on 127.0.0.2. The catcher must receive nothing, the
// command must fail naming the Location, and no user may be created.
func TestRedirectKeepsPasswords(t *testing.T) {
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := kintonetest.NewServer()
			defer srv.Close()
			catch := newCatcher(t)
			target, _ := url.Parse(srv.URL)
			proxy := httputil.NewSingleHostReverseProxy(target)
			location := catch.srv.URL + "/v1/users.json"
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost && r.URL.Path == "/v1/users.json" {
					w.Header().Set("Location", location)
					w.WriteHeader(status)
					return
				}
				proxy.ServeHTTP(w, r)
			}))
			defer front.Close()
			useServer(t, srv, front.URL)
			dir := t.TempDir()
			in := writeFile(t, dir, "users.csv", "code,name,password\nr.user,Redirected User,UserSecret-777\n")
			code, stdout, stderr := runCmd(t, t.Context(), "import", in, "--report", filepath.Join(dir, "r.csv"))
			if code == exitOK {
				t.Fatalf("import through a redirect: exit 0\n%s", stderr)
			}
			if !strings.Contains(stdout+stderr, location) {
				t.Errorf("the command does not name the Location %s:\n%s%s", location, stdout, stderr)
			}
			catch.mu.Lock()
			defer catch.mu.Unlock()
			for _, b := range catch.bodies {
				if len(b) > 0 {
					t.Errorf("the catcher received a body: %q", b)
				}
			}
			if len(catch.bodies) > 0 {
				t.Errorf("the catcher received %d requests", len(catch.bodies))
			}
			if len(srv.Users()) != 1 {
				t.Errorf("the server has %d users, want only the Administrator", len(srv.Users()))
			}
		})
	}
}

// TestCROnlyLineEnds: finding 4. A CSV saved with classic Mac line ends
// (CR only) imports every row; the users exist on the server afterwards.
func TestCROnlyLineEnds(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	useServer(t, srv, srv.URL)
	dir := t.TempDir()
	in := writeFile(t, dir, "mac.csv", "code,name,password\rcr.one,One,Pass-One-11\rcr.two,Two,Pass-Two-22\rcr.three,Three,Pass-Three-33\r")
	rep := filepath.Join(dir, "r.csv")
	code, _, stderr := runCmd(t, t.Context(), "import", in, "--report", rep)
	if code != exitOK {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	rows := readReport(t, rep)
	if len(rows) != 3 {
		t.Fatalf("report has %d rows, want 3", len(rows))
	}
	for _, r := range rows {
		if r.Status != report.Created {
			t.Errorf("row %d: %s %s", r.Row, r.Status, r.Message)
		}
	}
	for _, c := range []string{"cr.one", "cr.two", "cr.three"} {
		if _, ok := srv.User(c); !ok {
			t.Errorf("%s is not on the server", c)
		}
	}
	if !logsIn(t, srv.URL, "cr.three", "Pass-Three-33") {
		t.Errorf("cr.three cannot sign in with its password: the last cell kept its CR?")
	}
}

// TestAllRowsVanish: finding 4. With --header-row on the last line no data
// row is left: the command must fail, not report "no rows" with exit 0,
// and the row taken for the header must not put its password on stderr.
func TestAllRowsVanish(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	useServer(t, srv, srv.URL)
	dir := t.TempDir()
	in := writeFile(t, dir, "users.csv", "code,name,password\na.user,A User,Secret-Pass-451\nb.user,B User,Other-Pass-982\n")
	for _, cmd := range []string{"import", "validate"} {
		t.Run(cmd, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, t.Context(), cmd, in, "--header-row", "3", "--report", filepath.Join(dir, cmd+".csv"))
			if code == exitOK {
				t.Errorf("exit 0 for a file whose every row vanished\n%s", stderr)
			}
			for _, secret := range []string{"Other-Pass-982", "Secret-Pass-451"} {
				if strings.Contains(stdout+stderr, secret) {
					t.Errorf("output shows a password %s:\n%s%s", secret, stdout, stderr)
				}
			}
			if got := len(srv.Users()); got != 1 {
				t.Errorf("the server has %d users, want only the Administrator", got)
			}
		})
	}
}

// TestDataRowAsHeaderQuiet: finding 4. A data row taken for the header
// (--header-row pointing at a data row, with data rows after it) shows no
// password cell on stderr and no password in the report.
func TestDataRowAsHeaderQuiet(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	useServer(t, srv, srv.URL)
	dir := t.TempDir()
	in := writeFile(t, dir, "users.csv", "code,name,password\na.user,A User,Secret-Pass-451\nb.user,B User,Other-Pass-982\nc.user,C User,Third-Pass-703\n")
	rep := filepath.Join(dir, "r.csv")
	code, stdout, stderr := runCmd(t, t.Context(), "import", in, "--header-row", "2", "--report", rep)
	if code == exitOK {
		t.Errorf("exit 0 for a file without its columns\n%s", stderr)
	}
	out := stdout + stderr
	if b, err := os.ReadFile(rep); err == nil {
		out += string(b)
	}
	for _, secret := range []string{"Secret-Pass-451", "Other-Pass-982", "Third-Pass-703"} {
		if strings.Contains(out, secret) {
			t.Errorf("a password (%s) is shown:\n%s", secret, out)
		}
	}
	if bytes.Contains([]byte(out), []byte("Secret-Pass")) {
		t.Errorf("part of the header row's password is shown")
	}
}

// TestRenamedPasswordColumnStaysSecret: finding 8. A mapping that renames a
// column to password (its header, "Geheim", does not say password) and
// also builds the name from it is refused before anything is sent, and
// the password shows nowhere.
func TestRenamedPasswordColumnStaysSecret(t *testing.T) {
	srv := kintonetest.NewServer()
	defer srv.Close()
	useServer(t, srv, srv.URL)
	dir := t.TempDir()
	in := writeFile(t, dir, "users.csv", "login,Geheim\nk.user,Zz-Secret-991\n")
	m := writeFile(t, dir, "map.yaml", "columns: {login: code, Geheim: password}\nfields:\n  name: '{{col \"Geheim\"}}'\n")
	rep := filepath.Join(dir, "r.csv")
	code, stdout, stderr := runCmd(t, t.Context(), "import", in, "--mapping", m, "--report", rep)
	if code != exitUsage {
		t.Errorf("exit %d, want %d\n%s", code, exitUsage, stderr)
	}
	if !strings.Contains(stderr, "map.yaml:3: fields.name") {
		t.Errorf("the error does not name the mapping line:\n%s", stderr)
	}
	out := stdout + stderr
	if b, err := os.ReadFile(rep); err == nil {
		out += string(b)
	}
	if strings.Contains(out, "Zz-Secret-991") {
		t.Errorf("the password is shown:\n%s", out)
	}
	if got := len(srv.Users()); got != 1 {
		t.Errorf("the server has %d users, want only the Administrator", got)
	}
}
