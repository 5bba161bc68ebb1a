package report

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

const header = "row,code,status,services,error_code,message,departments,input\n"

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name, content string
		line          int    // 0: no *ParseError expected
		notReport     bool   // wraps ErrNotReport
		want          string // in the message
	}{
		{"empty", "", 1, true, "empty file"},
		{"input file, not a report", "code,name,email\nalice,Alice,a@example.com\n", 1, true, "row, status, services, error_code, message, departments, input"},
		{"missing input column", "row,code,status,services,error_code,message,departments\n2,a,created,,,,\n", 1, true, "lacks column(s) input"},
		{"renamed column", strings.Replace(header, "error_code", "errorCode", 1), 1, true, "error_code"},
		{"doubled column", strings.TrimSuffix(header, "\n") + ",code\n", 1, true, `"code" appears twice`},
		{"short row", header + "2,a,created,,,,,in\n3,b,created\n4,c,created,,,,,in\n", 3, true, "3 fields, the header has 8"},
		{"bad row number", header + "x,a,created,,,,,in\n2,b,created,,,,,in\n", 2, false, `row number "x"`},
		{"negative row number", header + "-2,a,created,,,,,in\n2,b,created,,,,,in\n", 2, false, `row number "-2"`},
		{"empty row number", header + ",a,created,,,,,in\n2,b,created,,,,,in\n", 2, false, `row number ""`},
		{"unknown status", header + "2,a,created,,,,,in\n3,b,exploded,,,,,in\n", 3, false, `unknown status "exploded"`},
		{"bare quote", header + "2,a\"b,created,,,,,in\n3,b,created,,,,,in\n", 2, false, "bare"},
		{"line after multi-line message", header + "2,a,created,,,\"one\ntwo\",,in\n3,b,nope,,,,,in\n", 4, false, "unknown status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "old.csv", tt.content)
			_, err := readAll(t, path)
			if err == nil {
				t.Fatal("Read succeeded")
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.Line != tt.line || pe.Path != path {
				t.Errorf("error at %s:%d, want %s:%d (%v)", pe.Path, pe.Line, path, tt.line, err)
			}
			if !strings.HasPrefix(err.Error(), path+":") {
				t.Errorf("error %q does not start with the file name", err)
			}
			if errors.Is(err, ErrNotReport) != tt.notReport {
				t.Errorf("errors.Is(%v, ErrNotReport) = %v, want %v", err, !tt.notReport, tt.notReport)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
		})
	}
}

func TestReadJSONLErrors(t *testing.T) {
	const ok = `{"row":2,"code":"a","status":"created","services":"","error_code":"","message":"","departments":"","input":"in"}` + "\n"
	tests := []struct {
		name, content string
		line          int
		notReport     bool
		want          string
	}{
		{"not JSON", "row,code\n", 1, true, "not a JSON object"},
		{"array", ok + "[1,2]\n", 2, true, "not a JSON object"},
		{"missing keys", ok + `{"row":3,"code":"b","status":"created"}` + "\n", 2, true, "services, error_code, message, departments, input"},
		{"missing row", `{"code":"b","status":"created","services":"","error_code":"","message":"","departments":"","input":""}` + "\n", 1, true, "lacks key(s) row"},
		{"string row", strings.Replace(ok, `"row":2`, `"row":"2"`, 1), 1, true, "not a JSON object"},
		{"negative row", strings.Replace(ok, `"row":2`, `"row":-2`, 1), 1, false, "negative"},
		{"unknown status", ok + "\n" + strings.Replace(ok, "created", "gone", 1), 3, false, `unknown status "gone"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "old.jsonl", tt.content)
			_, err := readAll(t, path)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Read = %v, want a *ParseError", err)
			}
			if pe.Line != tt.line {
				t.Errorf("error at line %d, want %d (%v)", pe.Line, tt.line, err)
			}
			if errors.Is(err, ErrNotReport) != tt.notReport {
				t.Errorf("errors.Is(%v, ErrNotReport) = %v, want %v", err, !tt.notReport, tt.notReport)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
		})
	}
}

func TestReadXLSXErrors(t *testing.T) {
	t.Run("not a workbook", func(t *testing.T) {
		// What a run killed before Close leaves behind.
		path := writeFile(t, "old.xlsx", "")
		if _, err := readAll(t, path); err == nil || !strings.Contains(err.Error(), "only complete once") {
			t.Errorf("Read(empty .xlsx) = %v, want an explanation", err)
		}
	})
	t.Run("wrong header", func(t *testing.T) {
		f := excelize.NewFile()
		defer f.Close()
		if err := f.SetSheetRow("Sheet1", "A1", &[]any{"code", "name"}); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "input.xlsx")
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		_, err := readAll(t, path)
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != 1 || !errors.Is(err, ErrNotReport) {
			t.Errorf("Read = %v, want a not-a-report error at line 1", err)
		}
	})
	t.Run("bad cell", func(t *testing.T) {
		f := excelize.NewFile()
		defer f.Close()
		hdr := make([]any, len(Columns))
		for i, c := range Columns {
			hdr[i] = c
		}
		for i, row := range [][]any{hdr, {2, "a", "created"}, {}, {"three", "b", "created"}} {
			if err := f.SetSheetRow("Sheet1", "A"+string(rune('1'+i)), &row); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(t.TempDir(), "edited.xlsx")
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, path)
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != 4 || !strings.Contains(err.Error(), `"three"`) {
			t.Errorf("Read = %v, want a row-number error at sheet row 4", err)
		}
		if want := []Row{{Row: 2, Code: "a", Status: Created}}; !sameRows(got, want) {
			t.Errorf("rows before the error = %+v, want %+v", got, want)
		}
	})
}

// TestReadForwardCompatible: a later version may add columns anywhere
// after... or even reorder; rows are read by name.
func TestReadForwardCompatible(t *testing.T) {
	content := "\ufeffinput,row,code,status,attempts,services,error_code,message,departments\n" +
		"in,2,alice,created,1,assigned: kintone,,,\n"
	for _, c := range []struct{ ext, content string }{
		{".csv", content},
		{".jsonl", `{"row":2,"code":"alice","status":"created","attempts":1,"services":"assigned: kintone","error_code":"","message":"","departments":"","input":"in"}` + "\n"},
	} {
		got, err := readAll(t, writeFile(t, "r"+c.ext, c.content))
		if err != nil {
			t.Fatalf("%s: %v", c.ext, err)
		}
		want := []Row{{Row: 2, Code: "alice", Status: Created, Services: "assigned: kintone", Input: "in"}}
		if !sameRows(got, want) {
			t.Errorf("%s: got %+v, want %+v", c.ext, got, want)
		}
	}
}

// TestReadTornLastLine: a crash (or a full disk) mid-write leaves a last
// line without its newline; that row counts as never written, and the
// rows before it are all read.
func TestReadTornLastLine(t *testing.T) {
	for _, ext := range []string{".csv", ".jsonl"} {
		t.Run(ext, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := New(&buf, map[string]Format{".csv": CSV, ".jsonl": JSONL}[ext])
			if err != nil {
				t.Fatal(err)
			}
			// The last row has a multi-line message: a tear just after one
			// of its newlines leaves a file that ends in '\n' mid-row.
			rows := append(sampleRows(), Row{Row: 99, Code: "z", Status: Failed, Message: "one\ntwo\nthree", Input: fingerprint})
			for i := range rows {
				if err := w.Write(&rows[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if ext == ".csv" {
				for i := range rows {
					rows[i].Findings = nil // CSV keeps only their messages
				}
			}
			full := buf.Bytes()
			// Cut the file at every byte of its last two rows: the result is
			// always a prefix of the rows, never an error or a wrong row.
			lastTwo := bytes.LastIndexByte(full[:bytes.LastIndexByte(full[:len(full)-1], '\n')], '\n')
			for cut := lastTwo + 1; cut <= len(full); cut++ {
				path := writeFile(t, "r"+ext, string(full[:cut]))
				got, err := readAll(t, path)
				if err != nil {
					t.Fatalf("cut at %d of %d: %v", cut, len(full), err)
				}
				n := len(got)
				if n < len(rows)-2 || !sameRows(got, rows[:n]) {
					t.Fatalf("cut at %d of %d: got %d rows %+v", cut, len(full), n, got[max(0, n-2):])
				}
				if cut == len(full) && n != len(rows) {
					t.Fatalf("whole file: got %d rows, want %d", n, len(rows))
				}
			}
		})
	}
}

func TestReadStopsAtCallbackError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	writeAll(t, path, sampleRows())
	stop := errors.New("stop")
	n := 0
	err := Read(path, func(Row) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Errorf("Read = %v after %d rows, want the callback's own error after 3", err, n)
	}
}

func TestReadMissingFile(t *testing.T) {
	err := Read(filepath.Join(t.TempDir(), "nope.csv"), func(Row) error { return nil })
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Read(missing) = %v, want os.ErrNotExist", err)
	}
	if err := Read("r.txt", func(Row) error { return nil }); !errors.Is(err, ErrUnsupportedFormat) {
		t.Errorf("Read(r.txt) = %v, want ErrUnsupportedFormat", err)
	}
}

func FuzzRead(f *testing.F) {
	var seeds [3][]byte
	for i, format := range []Format{CSV, JSONL, XLSX} {
		var buf bytes.Buffer
		w, err := New(&buf, format)
		if err != nil {
			f.Fatal(err)
		}
		rows := sampleRows()
		for i := range rows[:4] {
			if err := w.Write(&rows[i]); err != nil {
				f.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			f.Fatal(err)
		}
		seeds[i] = buf.Bytes()
		f.Add(uint8(format), buf.Bytes())
	}
	f.Add(uint8(CSV), []byte(header+"2,a,created,,,\"x\ny\",,in"))
	f.Add(uint8(CSV), []byte("\ufeff"+header))
	f.Add(uint8(JSONL), []byte(`{"row":1e99}`+"\n"))
	f.Fuzz(func(t *testing.T, format uint8, data []byte) {
		fm := Format(format%3 + 1)
		var rows []Row
		err := ReadFrom(bytes.NewReader(data), "fuzz", fm, func(r Row) error {
			rows = append(rows, r)
			return nil
		})
		for _, r := range rows {
			if r.Row < 0 || !r.Status.Known() {
				t.Fatalf("Read accepted %+v", r)
			}
		}
		if err == nil && fm != XLSX {
			// What Read accepts, the writer reproduces: a second write and
			// read gives the same rows.
			var buf bytes.Buffer
			w, err := New(&buf, fm)
			if err != nil {
				t.Fatal(err)
			}
			for i := range rows {
				if err := w.Write(&rows[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			var again []Row
			if err := ReadFrom(&buf, "again", fm, func(r Row) error {
				again = append(again, r)
				return nil
			}); err != nil {
				t.Fatalf("re-read of a rewritten report: %v\n%q", err, buf.String())
			}
			if fm == CSV && !sameRows(again, rows) {
				t.Fatalf("rewritten rows differ:\n got %+v\nwant %+v", again, rows)
			}
		}
	})
}

// TestReadOldReport: a report written before the warnings and changes
// columns existed still resumes, with those fields empty.
func TestReadOldReport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.csv")
	old := "row,code,status,services,error_code,message,departments,input\n2,alice,created,assigned: kintone,,,,users.csv sha256:0f\n"
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{{Row: 2, Code: "alice", Status: Created, Services: "assigned: kintone", Input: "users.csv sha256:0f"}}
	if !sameRows(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}
