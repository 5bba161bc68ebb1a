package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

func TestTemplateThenValidate(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ kind, ext string }{
		{"users", ".xlsx"}, {"users", ".csv"}, {"guests", ".xlsx"}, {"guests", ".csv"},
	} {
		t.Run(tc.kind+tc.ext, func(t *testing.T) {
			path := filepath.Join(dir, tc.kind+tc.ext)
			if code, _, stderr := runCmd(t, t.Context(), "template", path, "--kind", tc.kind); code != exitOK {
				t.Fatalf("template: exit %d: %s", code, stderr)
			}
			// The example row is marked "e.g." and is never a user: an
			// untouched template has no data rows to validate.
			code, _, stderr := runCmd(t, t.Context(), "validate", path, "--kind", tc.kind, "--report", path+".report.csv")
			if code != exitUsage || !strings.Contains(stderr, "only the template's example row") {
				t.Fatalf("validate of an untouched template: exit %d, want %d saying it holds no user:\n%s", code, exitUsage, stderr)
			}
			if _, err := os.Stat(path + ".report.csv"); err == nil {
				for _, r := range readReport(t, path+".report.csv") {
					if r.Status == report.Valid {
						t.Errorf("the example row of the template validated as a user: %+v", r)
					}
				}
			}
		})
	}
	if code, _, _ := runCmd(t, t.Context(), "template", filepath.Join(dir, "t.pdf")); code != exitUsage {
		t.Errorf("template to .pdf: exit %d, want %d", code, exitUsage)
	}
}

// TestExportImportRoundTrip is the HR loop on the command line: export,
// then import the untouched file with --mode upsert: every row unchanged and
// no write sent.
func TestExportImportRoundTrip(t *testing.T) {
	srv := kintonetest.NewServer(demoOptions()...)
	defer srv.Close()
	t.Setenv("KINTONE_BASE_URL", srv.URL)
	t.Setenv("KINTONE_USERNAME", srv.AdminUser)
	t.Setenv("KINTONE_PASSWORD", srv.AdminPassword)
	t.Setenv("KINTONE_API_TOKEN", "")
	dir := t.TempDir()
	if code, _, stderr := runCmd(t, t.Context(), "import", sample("users.csv"), "--report", filepath.Join(dir, "first.csv")); code != exitOK {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	for _, ext := range []string{".csv", ".xlsx"} {
		exported := filepath.Join(dir, "export"+ext)
		if code, _, stderr := runCmd(t, t.Context(), "export", exported); code != exitOK {
			t.Fatalf("export: exit %d: %s", code, stderr)
		}
		before := srv.Requests()
		rp := filepath.Join(dir, "again"+ext+".csv")
		if code, _, stderr := runCmd(t, t.Context(), "import", exported, "--mode", "upsert", "--report", rp); code != exitOK {
			t.Fatalf("re-import: exit %d: %s", code, stderr)
		}
		rows := readReport(t, rp)
		if len(rows) != 27 { // 25 samples, the seeded user, the Administrator
			t.Errorf("%s: %d rows, want 27", ext, len(rows))
		}
		for _, r := range rows {
			if r.Status != report.Unchanged {
				t.Errorf("%s: %s is %s (%s)", ext, r.Code, r.Status, r.Message)
			}
		}
		if after := srv.Requests(); after.Committed != before.Committed {
			t.Errorf("%s: the re-import committed %d writes", ext, after.Committed-before.Committed)
		}
	}
	if code, _, _ := runCmd(t, t.Context(), "export", filepath.Join(dir, "g.csv"), "--kind", "guests"); code != exitUsage {
		t.Errorf("export --kind guests: exit %d, want %d", code, exitUsage)
	}
	if _, err := os.Stat(filepath.Join(dir, "g.csv")); err == nil {
		t.Errorf("a refused export left a file")
	}
}
