package web

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
)

// TestRunProgressFollowsEvents: the progress a run reports comes from the
// importer's events: it grows while the run goes on, the counts per
// status always add up to the rows done, and the last call agrees with
// how the run ended and with the domain.
func TestRunProgressFollowsEvents(t *testing.T) {
	t.Parallel()
	const n = 700 // more than one RowsFinished interval
	sim := kintonetest.NewServer()
	t.Cleanup(sim.Close)
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(usersHeader)
	for i := range n {
		fmt.Fprintf(&b, "ev%04d,User %d,ev%04d@example.com,Pass-word-1,true,en,Asia/Tokyo\n", i, i, i)
	}
	b.WriteString("bad/code,Bad,bad@example.com,Pass-word-1,true,en,Asia/Tokyo\n")
	file := filepath.Join(dir, "corrected.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	api, err := Connect(ctx, Credentials{BaseURL: sim.URL, Username: sim.AdminUser, Password: sim.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	type call struct {
		done   int
		counts map[string]int
	}
	var calls []call // the importer calls Events one at a time
	spec := RunSpec{File: file, Kind: KindUsers, Mode: "create", Report: filepath.Join(dir, "import-1.csv"),
		Progress: func(done int, counts map[string]int) { calls = append(calls, call{done, counts}) }}
	res, err := Run(ctx, api, spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 3 {
		t.Fatalf("%d progress calls for %d rows: no progress while the run went on", len(calls), n+1)
	}
	prev := 0
	for i, c := range calls {
		sum := 0
		for _, v := range c.counts {
			sum += v
		}
		if c.done < prev || sum != c.done {
			t.Fatalf("call %d: done %d after %d, counts %v (sum %d)", i, c.done, prev, c.counts, sum)
		}
		prev = c.done
	}
	last := calls[len(calls)-1]
	if last.done != n+1 || !maps.Equal(last.counts, res.Counts) {
		t.Errorf("last progress %d %v, the run ended with %v", last.done, last.counts, res.Counts)
	}
	if res.Counts["created"] != n || res.Counts["invalid"] != 1 {
		t.Errorf("counts %v", res.Counts)
	}
	if _, ok := sim.User("ev0699"); !ok {
		t.Error("ev0699 is not on the domain")
	}
}

// TestReportMessageShowsChanges: the plan's would_update rows say which
// fields change, old -> new, and the row's warnings.
func TestReportMessageShowsChanges(t *testing.T) {
	r := report.Row{Status: report.WouldUpdate, Changes: `email: "a@example.com" -> "b@example.com"`, Warnings: `column "valid": "yes" is read as "true"`}
	got := reportMessage(&r)
	if !strings.Contains(got, `changes: email: "a@example.com" -> "b@example.com"`) || !strings.Contains(got, "warnings: ") {
		t.Fatalf("message %q", got)
	}
	if got := reportMessage(&report.Row{Message: "m"}); got != "m" {
		t.Fatalf("plain message %q", got)
	}
}
