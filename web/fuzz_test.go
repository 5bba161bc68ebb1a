package web

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzLocalPath: whatever ?back= holds, the language switch redirects to
// a path on this server.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/jobs/abc/check?show=errors", "//evil.example/", "https://evil.example/", "/\\evil", "javascript:alert(1)", "/%2f%2fevil", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := localPath(s)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.Contains(got, "\\") {
			t.Fatalf("localPath(%q) = %q", s, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("localPath(%q) = %q leaves the server", s, got)
		}
	})
}
