package importer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone/kintonetest"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// TestGuestsPartialCommit: guests that exist before the import, in a
// domain that commits part of a rejected Add Guests request, with lost
// answers. Guests cannot be looked up: every guest the run created must
// end created (an "already exists" after a rejection that did not name it
// confirms it); one that existed before must never be reported created.
// Without an index the server's "already exists" cannot be placed, and
// such rows are outcome_unknown, never failed.
func TestGuestsPartialCommit(t *testing.T) {
	for _, unindexed := range []bool{false, true} {
		t.Run(fmt.Sprintf("unindexed=%v", unindexed), func(t *testing.T) {
			opts := []kintonetest.Option{kintonetest.WithPartialCommit(), kintonetest.WithSeed(5),
				kintonetest.WithFaults(kintonetest.Faults{RateDropAfterCommit: 0.2, Rate503: 0.1})}
			if unindexed {
				opts = append(opts, kintonetest.WithUnindexedErrors())
			}
			srv := kintonetest.NewServer(opts...)
			defer srv.Close()
			var first, all strings.Builder
			first.WriteString("code,name,password,timezone\n")
			all.WriteString("code,name,password,timezone\n")
			before := map[string]bool{}
			for i := range 250 {
				line := fmt.Sprintf("guest%03d@example.com,Guest %d,Guest-pw-%d,Asia/Tokyo\n", i, i, i)
				if i%25 == 12 {
					first.WriteString(line)
					before[fmt.Sprintf("guest%03d@example.com", i)] = true
				}
				all.WriteString(line)
			}
			run := func(content string) []report.Row {
				rep := &memReport{}
				o := baseOptions(writeFile(t, "guests.csv", content), rep)
				o.Kind = validate.Guests
				if _, err := importer.Import(t.Context(), client(t, srv), o); err != nil {
					t.Fatal(err)
				}
				return rep.rows
			}
			run(first.String())
			rows := run(all.String())
			exists := map[string]int{}
			for _, g := range srv.Guests() {
				exists[g]++
			}
			unknown := 0
			for _, r := range rows {
				if exists[r.Code] != 1 {
					t.Errorf("%s: on the server %d times, want once", r.Code, exists[r.Code])
				}
				switch {
				case before[r.Code] && r.Status == report.OutcomeUnknown && unindexed:
					unknown++
				case before[r.Code]:
					if r.Status != report.Failed || r.ErrorCode != "exists" {
						t.Errorf("%s existed before: %s %s (%s), want failed exists", r.Code, r.Status, r.ErrorCode, r.Message)
					}
				case r.Status == report.OutcomeUnknown && unindexed:
					unknown++
				case r.Status != report.Created:
					t.Errorf("%s: %s %s (%s), want created", r.Code, r.Status, r.ErrorCode, r.Message)
				}
			}
			t.Logf("%d rows outcome_unknown; server %+v", unknown, srv.Requests())
		})
	}
}
