package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func TestServeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "0.0.0.0:0", "--data", dir}, "--tls-cert"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--max-upload", "lots"}, "--max-upload"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--tls-cert", "c.pem"}, "go together"},
	} {
		code, _, stderr := runCmd(t, context.Background(), tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d mentioning %q", tc.args, code, stderr, exitUsage, tc.want)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"50MB": 50 << 20, "512kb": 512 << 10, "1GB": 1 << 30, "1000": 1000, " 2 MB ": 2 << 20} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1MB", "MB", "lots"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) succeeded", in)
		}
	}
}

// linkWriter hands over the startup link as soon as it is printed.
type linkWriter struct {
	mu   sync.Mutex
	b    strings.Builder
	link chan string
	sent bool
}

var startLink = regexp.MustCompile(`open: (http://\S+\?token=[0-9a-f]+)`)

func (w *linkWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	if m := startLink.FindStringSubmatch(w.b.String()); m != nil && !w.sent {
		w.sent = true
		w.link <- m[1]
	}
	return len(p), nil
}

// TestServeSim starts the server with --sim, follows the printed link and
// stops it as Ctrl-C would.
func TestServeSim(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &linkWriter{link: make(chan string, 1)}
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--sim", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, strings.NewReader(""), out, io.Discard)
	}()
	var link string
	select {
	case link = <-out.link:
	case code := <-done:
		t.Fatalf("serve exited %d before printing its link", code)
	}
	jar, _ := cookiejar.New(nil)
	resp, err := (&http.Client{Jar: jar}).Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Simulator") {
		t.Errorf("the link gives %d:\n%s", resp.StatusCode, body)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("serve exited %d after Ctrl-C", code)
	}
}
