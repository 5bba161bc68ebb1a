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
	env := map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(env) < 3 && sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "export ")
		if !ok {
			t.Fatalf("unexpected line %q", sc.Text())
		}
		k, v, _ := strings.Cut(line, "=")
		env[k] = v
	}
	if len(env) < 3 {
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

// get sends an authenticated GET to the simulator and returns the status
// and body. header adds request headers ("Accept-Language: en").
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
		req.Header.Set(k, v)
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
