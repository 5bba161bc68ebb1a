package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone/kintonetest"
)

// TestGuestsRefuseTokenOnly: the guest APIs accept no API token, so a guest
// import with a token is refused before anything is sent (exit 2), with a
// message saying what to set; with a password alone it runs.
func TestGuestsRefuseTokenOnly(t *testing.T) {
	srv := kintonetest.NewServer(kintonetest.WithTokenScope("tok-guests-1", kintonetest.ScopeDangerousZone))
	defer srv.Close()
	dir := t.TempDir()
	t.Setenv("KINTONE_BASE_URL", srv.URL)
	t.Setenv("KINTONE_API_TOKEN", "tok-guests-1")
	t.Setenv("KINTONE_USERNAME", "")
	t.Setenv("KINTONE_PASSWORD", "")
	rep := filepath.Join(dir, "guests.csv")
	code, _, stderr := runCmd(t, t.Context(), "import", sample("guests.csv"), "--kind", "guests", "--report", rep)
	if code != exitUsage || !strings.Contains(stderr, "needs a password login") {
		t.Fatalf("exit %d, want %d with the password advice: %s", code, exitUsage, stderr)
	}
	if n := srv.Requests().Total; n != 0 {
		t.Errorf("%d requests were sent, want none", n)
	}
	t.Setenv("KINTONE_USERNAME", srv.AdminUser)
	t.Setenv("KINTONE_PASSWORD", srv.AdminPassword)
	code, _, stderr = runCmd(t, t.Context(), "import", sample("guests.csv"), "--kind", "guests", "--report", rep)
	if code != exitUsage || !strings.Contains(stderr, "unset KINTONE_API_TOKEN") {
		t.Fatalf("token and password: exit %d, want %d: %s", code, exitUsage, stderr)
	}
	t.Setenv("KINTONE_API_TOKEN", "")
	if code, _, stderr := runCmd(t, t.Context(), "import", sample("guests.csv"), "--kind", "guests", "--report", rep); code != exitOK {
		t.Fatalf("with a password: exit %d: %s", code, stderr)
	}
}
