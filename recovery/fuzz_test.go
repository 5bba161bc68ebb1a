package recovery

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzReadLog: any bytes in a send log (a torn write, a hand edit, a log of
// an older version) are read without a panic, and whatever is read keeps
// the rule: an entry is evidence only with a server time and a creation
// time not earlier than it, or as a created line.
func FuzzReadLog(f *testing.F) {
	for _, seed := range []string{
		"s\t2\tann\t1700000000\n",
		"c\t3\tben\n",
		"r\t-\tann\n",
		"2\tann\n",
		"s\t2\tann\t-5\ns\tx\tbob\t1\n",
		"s\t9\tto",
		"\n\t\t\t\n",
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	rp := filepath.Join(dir, "r.csv")
	if err := os.WriteFile(rp, []byte("row,code,status,services,error_code,message,departments,input\n"), 0o600); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(LogPath(rp), data, 0o600); err != nil {
			t.Fatal(err)
		}
		rs, err := Open(rp, fp, &strings.Builder{})
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		for code, e := range rs.evidence {
			if strings.ContainsAny(code, "\t\n") {
				t.Errorf("login name %q holds a separator", code)
			}
			if !e.created && e.serverTime <= 0 && rs.CreatedBefore(code, time.Now()) {
				t.Errorf("%q counts as created without a server time", code)
			}
		}
	})
}
