package validate

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/i18n/i18ntest"
)

// fired collects every rule some test saw fire, so TestMain can prove that
// each rule of the table has at least one test.
var fired sync.Map

func recordFired(t testing.TB, res Result) {
	t.Helper()
	for i := range res.Issues {
		fired.Store(res.Issues[i].Rule, true)
		checkRendering(t, &res.Issues[i])
	}
}

// checkRendering checks that an Issue renders in every language: English
// as its Message (the tests build English Validators), Japanese without
// English words, rule ids or missing keys.
func checkRendering(t testing.TB, is *Issue) {
	t.Helper()
	if en := is.In(i18n.English); en != is.Message || strings.Contains(en, "%!") {
		t.Errorf("%s: In(English) = %q, Message %q", is.Rule, en, is.Message)
	}
	var ids []string
	for _, r := range Rules() {
		ids = append(ids, string(r.Rule))
	}
	ja := is.Detail.In(i18n.Japanese)
	if w := i18ntest.Untranslated(ja); len(w) > 0 {
		t.Errorf("%s: Japanese %q holds English %q", is.Rule, ja, w)
	}
	if r := i18ntest.RuleIDs(ja, ids); len(r) > 0 || strings.Contains(ja, "MISSING") || strings.Contains(ja, "%!") {
		t.Errorf("%s: Japanese %q holds a rule id, a missing key or a bad verb", is.Rule, ja)
	}
	if full := is.In(i18n.Japanese); !strings.HasSuffix(full, ja) || !strings.Contains(full, "行目") {
		t.Errorf("%s: Japanese message %q does not say where", is.Rule, full)
	}
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	// Only a full, non-fuzzing run executes every table.
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.fuzz").Value.String() == "" {
		for _, ri := range Rules() {
			if _, ok := fired.Load(ri.Rule); !ok {
				fmt.Fprintf(os.Stderr, "rule %s is not exercised by any test\n", ri.Rule)
				code = 1
			}
		}
	}
	os.Exit(code)
}
