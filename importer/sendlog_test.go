package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/userimport/userimport/validate"
)

func logItem(row int, code string) *item {
	it := &item{}
	it.rec.Row = row
	it.rec.Values[validate.Code] = code
	return it
}

// TestSendLogRoundTrip: what record writes, readSendLog reads back, keeping
// only the rows after the report's last row; a torn last line (the crash
// came mid-write) is ignored.
func TestSendLogRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv.sent")
	l, err := createSendLog(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.record([]*item{logItem(2, "ann"), logItem(3, "ben")}); err != nil {
		t.Fatal(err)
	}
	if err := l.record([]*item{logItem(5, "山田.taro"), logItem(7, "a b")}); err != nil {
		t.Fatal(err)
	}
	if err := l.finish(false); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("9\tto") // torn
	f.Close()

	s, err := readSendLog(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		row  int
		code string
		want bool
	}{{2, "ann", false}, {3, "ben", false}, {5, "山田.taro", true}, {7, "a b", true}, {7, "a", false}, {9, "to", false}, {9, "tom", false}} {
		if got := s.sent(&logItem(tc.row, tc.code).rec); got != tc.want {
			t.Errorf("sent(%d, %q) = %v, want %v", tc.row, tc.code, got, tc.want)
		}
	}
	if !s.found {
		t.Error("found = false for an existing log")
	}
	if s, err := readSendLog(filepath.Join(t.TempDir(), "none.sent"), 0); err != nil || s.found {
		t.Errorf("missing log: %+v, %v; want not found, no error", s, err)
	}

	// finish(true) removes the log.
	l, _ = createSendLog(path)
	if err := l.finish(true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("log not removed: %v", err)
	}
}

// FuzzReadSendLog: any content (a log torn or damaged anyhow) reads
// without error or panic, and every entry it yields is a row after
// lastRow that appears in the content as written by record.
func FuzzReadSendLog(f *testing.F) {
	f.Add("2\tann\n3\tben\n", 2)
	f.Add("x\ty\n\n\t\n-1\tz\n99999999999999999999\tq\n4\t", 0)
	f.Fuzz(func(t *testing.T, content string, lastRow int) {
		path := filepath.Join(t.TempDir(), "f.sent")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := readSendLog(path, lastRow)
		if err != nil {
			t.Fatalf("readSendLog: %v", err)
		}
		for code, row := range s.rows {
			if row <= lastRow {
				t.Fatalf("row %d kept, lastRow %d", row, lastRow)
			}
			if !strings.Contains(content, "\t"+code+"\n") {
				t.Fatalf("entry %d %q not in the content", row, code)
			}
		}
	})
}
