package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestCountStatus(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, report string
		want         int
		err          bool
	}{
		{"created rows", "row,code,status\n2,a,created\n3,b,failed\n4,\"c,d\",created\n", 2, false},
		{"multi-line cell", "row,status,message\n2,created,\"two\nlines\"\n3,created,\n", 2, false},
		{"no status column", "row,code\n2,a\n", 0, true},
		{"empty file", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.name+".csv")
			if err := os.WriteFile(p, []byte(tt.report), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := countStatus(p, "created")
			if (err != nil) != tt.err || got != tt.want {
				t.Errorf("countStatus = %d, %v; want %d, error %v", got, err, tt.want, tt.err)
			}
		})
	}
}

func TestReadSimRequests(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "stats.json")
	if err := os.WriteFile(p, []byte(`{"Total": 302, "ByEndpoint": {"POST /v1/users.json": 100}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if n, err := readSimRequests(p); err != nil || n != 302 {
		t.Errorf("readSimRequests = %d, %v", n, err)
	}
	if _, err := readSimRequests(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("no error for a missing stats file")
	}
}

// Only the simulator's credentials may reach the importer.
func TestWithoutKintoneEnv(t *testing.T) {
	in := []string{"PATH=/bin", "KINTONE_API_TOKEN=secret", "HOME=/h", "KINTONE_BASE_URL=https://x"}
	got := withoutKintoneEnv(in)
	if !slices.Equal(got, []string{"PATH=/bin", "HOME=/h"}) {
		t.Errorf("got %v", got)
	}
	if len(in) != 4 || in[1] != "KINTONE_API_TOKEN=secret" {
		t.Errorf("the caller's slice changed: %v", in)
	}
}

func TestMinimumRequests(t *testing.T) {
	for _, tc := range []struct{ rows, batches, minimum int }{
		{10000, 100, 202},
		{10001, 101, 204},
		{1, 1, 4},
		{100, 1, 4},
	} {
		if b, m := minimumRequests(tc.rows); b != tc.batches || m != tc.minimum {
			t.Errorf("minimumRequests(%d) = %d, %d; want %d, %d", tc.rows, b, m, tc.batches, tc.minimum)
		}
	}
}
