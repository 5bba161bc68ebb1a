package validate

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"testing"
)

// fired collects every rule some test saw fire, so TestMain can prove that
// each rule of the table has at least one test.
var fired sync.Map

func recordFired(res Result) {
	for _, is := range res.Issues {
		fired.Store(is.Rule, true)
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
