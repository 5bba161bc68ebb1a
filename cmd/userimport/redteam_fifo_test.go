package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

// TestFIFOInput: finding 8. A named pipe (`userimport import <(…)`, or a
// FIFO an export job writes) is either read once, the report's input
// fingerprint describing the bytes imported, or refused clearly (exit 2
// naming the pipe, nothing sent). A second open of the path blocks for
// ever with no writer, or reads a different stream.
//
// The test is the pipe's only writer. After the content it keeps opening
// the pipe for writing and closing it at once, so that a second open by the
// command reads an empty stream instead of hanging the test; that shows
// as a fingerprint of 0 bytes.
func TestFIFOInput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a subprocess")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "users.csv")
	if err := syscall.Mkfifo(in, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	var content strings.Builder
	content.WriteString("code,name,password\n")
	for i := range 20 {
		fmt.Fprintf(&content, "fifo%02d,User %d,Pass-%d-word\n", i, i, i)
	}
	srv := kintonetest.NewServer()
	defer srv.Close()
	rep := filepath.Join(dir, "r.csv")
	cmd := importProcess(srv, in, rep)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f, err := os.OpenFile(in, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			return
		}
		f.WriteString(content.String())
		f.Close()
		// Release any later open of the path by the command.
		for !stop.Load() {
			if f, err := os.OpenFile(in, os.O_WRONLY, 0); err == nil {
				f.Close()
			}
		}
	}()
	err := cmd.Wait()
	stop.Store(true)
	// A reader lets the writer's last blocked open return.
	if r, err := os.OpenFile(in, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
		wg.Wait()
		r.Close()
	}
	if code := cmd.ProcessState.ExitCode(); code == exitUsage && strings.Contains(strings.ToLower(stderr.String()), "pipe") {
		if got := len(srv.Users()) - 1; got != 0 {
			t.Errorf("refused, yet the server has %d new users", got)
		}
		return // refused clearly
	}
	if err != nil {
		t.Fatalf("import from a FIFO: %v\n%s", err, stderr.String())
	}
	rows := readReport(t, rep)
	if len(rows) != 20 {
		t.Fatalf("report has %d rows, want 20", len(rows))
	}
	// A pipe is read once: its lines carry its name (a fingerprint of the
	// bytes exists only once they are all read), never the size:0 of a
	// second open of the path.
	for _, r := range rows {
		if r.Status != report.Created {
			t.Errorf("row %d: %s %s", r.Row, r.Status, r.Message)
		}
		if r.Input != filepath.Base(in) {
			t.Fatalf("row %d: input %q, want the pipe's name %q", r.Row, r.Input, filepath.Base(in))
		}
	}
	if got := len(srv.Users()) - 1; got != 20 {
		t.Errorf("server has %d users, want 20", got)
	}
}
