package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// simProc is a `userimport sim` running in this process through run.
type simProc struct {
	env  map[string]string
	stop func() int // cancels the command and returns its exit code
}

// startSim runs `userimport sim --addr 127.0.0.1:0 args...` and reads the
// three export lines it prints first.
func startSim(t *testing.T, args ...string) simProc {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"sim", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	lines := 3
	if slices.Contains(args, "--api-token-scope") {
		lines = 4 // export KINTONE_API_TOKEN=...
	}
	env := map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(env) < lines && sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "export ")
		if !ok {
			t.Fatalf("unexpected line %q", sc.Text())
		}
		k, v, _ := strings.Cut(line, "=")
		env[k] = v
	}
	if len(env) < lines {
		cancel()
		t.Fatalf("sim exited %d before printing its address", <-done)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	p := simProc{env: env}
	p.stop = func() int {
		cancel()
		return <-done
	}
	t.Cleanup(func() { cancel() })
	return p
}

// do sends a request to the simulator with the administrator's password
// and returns the status and body. header adds request headers
// ("Accept-Language: en"); "X-Cybozu-Authorization: " removes the password.
func (p simProc) do(t *testing.T, method, path, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, p.env["KINTONE_BASE_URL"]+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Cybozu-Authorization", base64.StdEncoding.EncodeToString([]byte(p.env["KINTONE_USERNAME"]+":"+p.env["KINTONE_PASSWORD"])))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range header {
		k, v, _ := strings.Cut(h, ": ")
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, strings.ReplaceAll(v, "$TOKEN", p.env["KINTONE_API_TOKEN"]))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// --stats writes the simulator's request counters when it stops.
func TestSimStats(t *testing.T) {
	stats := filepath.Join(t.TempDir(), "stats.json")
	p := startSim(t, "--stats", stats)
	if st, body := p.do(t, "GET", "/v1/users.json", ""); st != http.StatusOK {
		t.Fatalf("Get Users: %d %s", st, body)
	}
	if st, _ := p.do(t, "GET", "/v1/no-such.json", ""); st != http.StatusNotFound {
		t.Fatalf("unknown path: %d", st)
	}
	if _, err := os.Stat(stats); !os.IsNotExist(err) {
		t.Fatalf("stats written before exit: %v", err)
	}
	if code := p.stop(); code != exitOK {
		t.Fatalf("sim exited %d", code)
	}
	data, err := os.ReadFile(stats)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Total      int
		ByEndpoint map[string]int
		ByStatus   map[string]int
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	if got.Total != 2 || got.ByEndpoint["GET /v1/users.json"] != 1 || got.ByStatus["404"] != 1 {
		t.Errorf("stats = %s", data)
	}
}

// simStep is one request of a mode test and what must come back.
type simStep struct {
	method, path, body string
	header             []string
	status             int
	contains           string // in the body; "" = anything
}

// Each mode flag of `userimport sim` changes the answers as its
// kintonetest option does.
func TestSimModes(t *testing.T) {
	const (
		noAuth = "X-Cybozu-Authorization: "
		bearer = "Authorization: Bearer $TOKEN"
		ok     = `{"users":[{"code":"p1","name":"P1","password":"pw-p1"},{"code":"p2","name":"P2","password":"pw-p2"}`
	)
	guest := `{"guests":[{"code":"g@example.com","password":"pw-g","timezone":"UTC","name":"G"}]}`
	tests := []struct {
		name  string
		args  []string
		steps []simStep
	}{
		{"Japanese by default", nil, []simStep{
			{"GET", "/v1/users.json", "", []string{noAuth}, 401, "ログインしてください。"},
			{"GET", "/v1/users.json", "", []string{noAuth, "Accept-Language: en"}, 401, "Please login."},
		}},
		{"English by default", []string{"--default-language", "en"}, []simStep{
			{"GET", "/v1/users.json", "", []string{noAuth}, 401, "Please login."},
		}},
		{"legacy auth status", []string{"--legacy-auth-status"}, []simStep{
			{"GET", "/v1/users.json", "", []string{noAuth}, 520, "CB_AU01"},
		}},
		{"unknown user 404", []string{"--unknown-user-status", "404"}, []simStep{
			{"PUT", "/v1/users/services.json", `{"users":[{"code":"nobody","services":[]}]}`, nil, 404, "CB_VA01"},
		}},
		{"unknown user 520", []string{"--unknown-user-status", "520"}, []simStep{
			{"PUT", "/v1/users/services.json", `{"users":[{"code":"nobody","services":[]}]}`, nil, 520, "CB_VA01"},
		}},
		{"atomic by default", nil, []simStep{
			{"POST", "/v1/users.json", ok + `,{"code":"bad"}]}`, nil, 400, "CB_VA01"},
			{"GET", "/v1/users.json?codes[0]=p1", "", nil, 200, `{"users":[]}`},
		}},
		{"partial commit", []string{"--partial-commit"}, []simStep{
			{"POST", "/v1/users.json", ok + `,{"code":"bad"}]}`, nil, 400, "CB_VA01"},
			{"GET", "/v1/users.json?codes[0]=p1&codes[1]=p2", "", nil, 200, `"code":"p2"`},
		}},
		{"read token", []string{"--api-token-scope", "read"}, []simStep{
			{"GET", "/v1/users.json", "", []string{noAuth, bearer}, 200, ""},
			{"POST", "/v1/users.json", ok + "]}", []string{noAuth, bearer}, 403, "CB_NO02"},
		}},
		{"read-write token and an administrator", []string{"--api-token-scope", "read-write", "--administrators", "existing.user"}, []simStep{
			{"POST", "/v1/users.json", ok + "]}", []string{noAuth, bearer}, 200, ""},
			{"PUT", "/v1/users.json", `{"users":[{"code":"p1","name":"Q"}]}`, []string{noAuth, bearer}, 200, ""},
			{"PUT", "/v1/users.json", `{"users":[{"code":"existing.user","name":"Q"}]}`, []string{noAuth, bearer}, 403, "CB_NO02"},
			{"DELETE", "/v1/users.json?codes[0]=existing.user", "", []string{noAuth, bearer}, 403, "CB_NO02"},
		}},
		{"dangerous-zone token", []string{"--api-token-scope", "dangerous-zone", "--administrators", "existing.user"}, []simStep{
			{"PUT", "/v1/users.json", `{"users":[{"code":"existing.user","name":"Q"}]}`, []string{noAuth, bearer}, 200, ""},
			{"POST", "/k/v1/guests.json", guest, []string{noAuth, bearer}, 401, "CB_AU01"},
		}},
		{"token on guest APIs", []string{"--api-token-scope", "read-write", "--token-on-guest-apis"}, []simStep{
			{"POST", "/k/v1/guests.json", guest, []string{noAuth, bearer}, 200, ""},
		}},
		{"query-string DELETE and sortOrder \"\"", nil, []simStep{
			{"PUT", "/v1/users.json", `{"users":[{"code":"existing.user","sortOrder":""}]}`, nil, 200, ""},
			{"DELETE", "/v1/users.json?codes%5B0%5D=existing.user", "", nil, 200, ""},
			{"GET", "/v1/users.json?codes[0]=existing.user", "", nil, 200, `{"users":[]}`},
		}},
		{"custom items", []string{"--custom-items", "site,grade"}, []simStep{
			{"PUT", "/v1/users.json", `{"users":[{"code":"existing.user","customItemValues":[{"code":"grade","value":"G1"}]}]}`, nil, 200, ""},
			{"GET", "/v1/users.json?codes[0]=existing.user", "", nil, 200, `"customItemValues":[{"code":"site","value":""},{"code":"grade","value":"G1"}]`},
			{"PUT", "/v1/users.json", `{"users":[{"code":"existing.user","customItemValues":[{"code":"site","value":"Osaka"}]}]}`, nil, 200, ""},
			{"GET", "/v1/users.json?codes[0]=existing.user", "", nil, 200, `[{"code":"site","value":"Osaka"},{"code":"grade","value":"G1"}]`},
		}},
		{"guest space and renames", []string{"--guest-space", "7"}, []simStep{
			{"POST", "/k/v1/guests.json", guest, nil, 200, ""},
			{"PUT", "/k/guest/7/v1/space/guests.json", `{"id":7,"guests":["g@example.com"]}`, nil, 200, ""},
			{"PUT", "/k/guest/8/v1/space/guests.json", `{"id":8,"guests":["g@example.com"]}`, nil, 400, "CB_VA01"},
			{"PUT", "/v1/users/codes.json", `{"codes":[{"currentCode":"existing.user","newCode":"renamed.user"}]}`, nil, 200, ""},
			{"GET", "/v1/users.json?codes[0]=renamed.user", "", nil, 200, `"code":"renamed.user"`},
		}},
		{"custom items replaced", []string{"--custom-items", "site,grade", "--custom-items-replace"}, []simStep{
			{"PUT", "/v1/users.json", `{"users":[{"code":"existing.user","customItemValues":[{"code":"grade","value":"G1"}]}]}`, nil, 200, ""},
			{"PUT", "/v1/users.json", `{"users":[{"code":"existing.user","customItemValues":[{"code":"site","value":"Osaka"}]}]}`, nil, 200, ""},
			{"GET", "/v1/users.json?codes[0]=existing.user", "", nil, 200, `[{"code":"site","value":"Osaka"},{"code":"grade","value":""}]`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startSim(t, tt.args...)
			for i, st := range tt.steps {
				status, body := p.do(t, st.method, st.path, st.body, st.header...)
				if status != st.status || !strings.Contains(body, st.contains) {
					t.Fatalf("step %d %s %s: %d %s, want %d with %q", i, st.method, st.path, status, body, st.status, st.contains)
				}
			}
			if code := p.stop(); code != exitOK {
				t.Errorf("sim exited %d", code)
			}
		})
	}
}

func TestSimModeFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--unknown-user-status", "418"},
		{"--default-language", "fr"},
		{"--api-token-scope", "admin"},
		{"--administrators", "ghost"},
		{"--guest-space", "0"},
	} {
		code, _, stderr := runCmd(t, t.Context(), append([]string{"sim", "--addr", "127.0.0.1:0"}, args...)...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d: %s", args, code, exitUsage, stderr)
		}
	}
}
