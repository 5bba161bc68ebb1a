package export_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

type memReport struct {
	rows []report.Row
}

func (m *memReport) Write(r *report.Row) error { m.rows = append(m.rows, *r); return nil }
func (m *memReport) Flush() error              { return nil }
func (m *memReport) Close() error              { return nil }

func client(t testing.TB, srv *kintonetest.Server) *kintone.Client {
	t.Helper()
	c, err := kintone.NewClient(srv.URL, kintone.WithPassword(srv.AdminUser, kintone.Secret(srv.AdminPassword)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fastRetry keeps retries real but short, so fault-injection tests run in
// seconds.
var fastRetry = importer.RetryPolicy{MaxAttempts: 12, Base: time.Millisecond, Max: 5 * time.Millisecond}

func ptr[T any](v T) *T { return &v }
func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func baseOptions(file string, w report.Writer) importer.Options {
	return importer.Options{File: file, Report: w, Concurrency: 8, Retry: fastRetry}
}
