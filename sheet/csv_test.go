package sheet

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

// result is everything a Source yields, for comparing in tables.
type result struct {
	header []string
	enc    string
	rows   []Row    // cells copied
	errs   []string // "row N: sentinel" for each error from Next
	finds  []string // "cell rule severity" for each finding, "skipped N" for a skipped row
	fatal  error    // the Row == 0 error that ended reading, if any
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var sentinels = []error{ErrEncoding, ErrRaggedRow, ErrDuplicateHeader, ErrEmptyHeader, ErrCellTooLarge, ErrFormula, ErrNotTabular, ErrSyntax}

func sentinelName(err error) string {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "other: " + err.Error()
}

// drain reads a source to the end. It stops at the first Row == 0 error,
// and fails the test if Next does not behave as documented.
func drain(t testing.TB, src Source) result {
	t.Helper()
	res := result{header: src.Header(), enc: src.Encoding()}
	for i := 0; ; i++ {
		if i > 1e6 {
			t.Fatal("Next never returned io.EOF")
		}
		row, err := src.Next()
		if err == io.EOF {
			return res
		}
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Next returned %T %v, want *FileError", err, err)
			}
			if fe.Row == 0 {
				res.fatal = err
				if _, again := src.Next(); again == nil || again == io.EOF {
					t.Fatalf("after a fatal error Next returned %v", again)
				}
				return res
			}
			res.errs = append(res.errs, strconv.Itoa(fe.Row)+": "+sentinelName(err))
			continue
		}
		if len(row.Cells) != len(res.header) {
			t.Fatalf("row %d has %d cells, header %d", row.Line, len(row.Cells), len(res.header))
		}
		for _, f := range row.Findings {
			res.finds = append(res.finds, f.Cell+" "+f.Rule+" "+string(f.Severity))
			if f.Column == "" && f.Rule != RuleHidden || f.Message == "" {
				t.Fatalf("finding without a column or message: %+v", f)
			}
		}
		if row.Skipped {
			res.finds = append(res.finds, "skipped "+strconv.Itoa(row.Line))
		}
		res.rows = append(res.rows, Row{Line: row.Line, FileLine: row.FileLine, Cells: append([]string(nil), row.Cells...)})
	}
}

// sjisRows are the rows 2 to n+1 of "太郎,山田".
func sjisRows(n int) []Row {
	var out []Row
	for i := range n {
		out = append(out, Row{Line: i + 2, Cells: []string{"太郎", "山田"}})
	}
	return out
}

func sjis(t testing.TB, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCSVSource(t *testing.T) {
	long := strings.Repeat("a", sniffSize) // pushes later rows past the sniffed sample
	tests := []struct {
		name   string
		file   string
		data   []byte
		opts   Options
		header []string
		enc    string
		rows   []Row
		errs   []string
	}{
		{
			name:   "BOM and quoted header",
			file:   "u.csv",
			data:   []byte("\ufeff\"code\",\"name\"\r\nalice,Alice\r\n"),
			header: []string{"code", "name"},
			enc:    "utf-8 (BOM)",
			rows:   []Row{{Line: 2, Cells: []string{"alice", "Alice"}}},
		},
		{
			name:   "Shift_JIS detected",
			file:   "u.csv",
			data:   sjis(t, "ログイン名,表示名,よみがな(姓)\r\nyamada,山田 太郎,やまだ\r\ntakahashi,髙橋 ①,\r\n"),
			header: []string{"ログイン名", "表示名", "よみがな(姓)"},
			enc:    "shift_jis",
			rows:   []Row{{Line: 2, Cells: []string{"yamada", "山田 太郎", "やまだ"}}, {Line: 3, Cells: []string{"takahashi", "髙橋 ①", ""}}},
		},
		{
			name:   "UTF-8 forced",
			file:   "u.csv",
			data:   []byte("code\nalice\n"),
			opts:   Options{Encoding: "UTF-8"},
			header: []string{"code"},
			enc:    "utf-8",
			rows:   []Row{{Line: 2, Cells: []string{"alice"}}},
		},
		{
			name:   "rows as a spreadsheet numbers them, with the physical line after a multi-line cell",
			file:   "u.csv",
			data:   []byte("code,description\na,\"one\ntwo\nthree\"\n\nb,\"x,y\"\"z\"\nc,\n"),
			header: []string{"code", "description"},
			enc:    "utf-8",
			rows:   []Row{{Line: 2, Cells: []string{"a", "one\ntwo\nthree"}}, {Line: 4, FileLine: 6, Cells: []string{"b", "x,y\"z"}}, {Line: 5, FileLine: 7, Cells: []string{"c", ""}}},
		},
		{
			name:   "ragged rows are errors, the rest still reads",
			file:   "u.csv",
			data:   []byte("a,b\n1,2\n3\n4,5,6\n7,8\n"),
			header: []string{"a", "b"},
			enc:    "utf-8",
			rows:   []Row{{Line: 2, Cells: []string{"1", "2"}}, {Line: 5, Cells: []string{"7", "8"}}},
			errs:   []string{"3: wrong number of cells", "4: wrong number of cells"},
		},
		{
			name:   "blank and separator-only rows are skipped",
			file:   "u.csv",
			data:   []byte("a,b\n1,2\n,\n\n3,4\n,\n,\n\n"),
			header: []string{"a", "b"},
			enc:    "utf-8",
			rows:   []Row{{Line: 2, Cells: []string{"1", "2"}}, {Line: 5, Cells: []string{"3", "4"}}},
		},
		{
			name:   "data under an empty header cell",
			file:   "u.csv",
			data:   []byte("a,,c\n1,,3\n1,2,3\n"),
			header: []string{"a", "", "c"},
			enc:    "utf-8",
			rows:   []Row{{Line: 2, Cells: []string{"1", "", "3"}}},
			errs:   []string{"3: missing column name"},
		},
		{
			name:   "TSV by extension, formulas are text",
			file:   "u.tsv",
			data:   []byte("code\tname\n=1+1\ta,b\n"),
			header: []string{"code", "name"},
			enc:    "utf-8",
			rows:   []Row{{Line: 2, Cells: []string{"=1+1", "a,b"}}},
		},
		{
			name:   "header row 3",
			file:   "u.csv",
			data:   []byte("Exported by HR\n\"\xff\"\ncode,name\nalice,Alice\n"),
			opts:   Options{HeaderRow: 3},
			header: []string{"code", "name"},
			enc:    "windows-1252", // 0xFF is not Shift_JIS
			rows:   []Row{{Line: 4, Cells: []string{"alice", "Alice"}}},
		},
		{
			name:   "cell too large is a row error",
			file:   "u.csv",
			data:   []byte("a,b\n1," + strings.Repeat("x", MaxCellBytes+1) + "\n2,3\n"),
			header: []string{"a", "b"},
			enc:    "utf-8",
			rows:   []Row{{Line: 3, Cells: []string{"2", "3"}}},
			errs:   []string{"2: cell too large"},
		},
		{
			name:   "invalid UTF-8 after the sniffed sample",
			file:   "u.csv",
			data:   []byte("a,b\n1," + long + "\n2,\x82\xa0\n3,ok\n"),
			header: []string{"a", "b"},
			enc:    "utf-8",
			rows:   []Row{{Line: 2, Cells: []string{"1", long}}, {Line: 4, Cells: []string{"3", "ok"}}},
			errs:   []string{"3: invalid text encoding"},
		},
		{
			name:   "invalid Shift_JIS bytes",
			file:   "u.csv",
			data:   append(sjis(t, "名,姓\n"+strings.Repeat("太郎,山田\n", 30)), []byte("\x81\x20,x\n")...),
			header: []string{"名", "姓"},
			enc:    "shift_jis",
			rows:   sjisRows(30),
			errs:   []string{"32: invalid text encoding"},
		},
		{
			name:   "bare quote",
			file:   "u.csv",
			data:   []byte("a,b\n1,x\"y\n2,3\n"),
			header: []string{"a", "b"},
			enc:    "utf-8",
			rows:   []Row{{Line: 3, Cells: []string{"2", "3"}}},
			errs:   []string{"2: malformed CSV"},
		},
		{
			name:   "semicolon delimiter",
			file:   "u.txt",
			data:   []byte("a;b\n1;2\n"),
			opts:   Options{Delimiter: ';'},
			header: []string{"a", "b"},
			enc:    "utf-8",
			rows:   []Row{{Line: 2, Cells: []string{"1", "2"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Open(writeFile(t, tt.file, tt.data), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			got := drain(t, src)
			if got.fatal != nil {
				t.Fatalf("fatal: %v", got.fatal)
			}
			if !reflect.DeepEqual(got.header, tt.header) || got.enc != tt.enc {
				t.Errorf("header %q enc %q, want %q %q", got.header, got.enc, tt.header, tt.enc)
			}
			if !reflect.DeepEqual(got.rows, tt.rows) {
				t.Errorf("rows\n got %.300q\nwant %.300q", fmt.Sprint(got.rows), fmt.Sprint(tt.rows))
			}
			if !reflect.DeepEqual(got.errs, tt.errs) {
				t.Errorf("errors\n got %q\nwant %q", got.errs, tt.errs)
			}
		})
	}
}

// A multi-byte character cut by the end of the sniffed sample must not
// make a UTF-8 file look like Shift_JIS.
func TestCSVSampleBoundary(t *testing.T) {
	var b strings.Builder
	b.WriteString("a\n")
	for b.Len()+100 < sniffSize-1 {
		b.WriteString(strings.Repeat("b", 99) + "\n")
	}
	b.WriteString(strings.Repeat("c", sniffSize-1-b.Len()))
	b.WriteString("日本\n")
	if b.Len() < sniffSize+2 {
		t.Fatal("test data too short")
	}
	src, err := Open(writeFile(t, "u.csv", []byte(b.String())), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	got := drain(t, src)
	last := got.rows[len(got.rows)-1].Cells[0]
	if got.enc != "utf-8" || len(got.errs) > 0 || !strings.HasSuffix(last, "c日本") {
		t.Fatalf("enc %q, errors %q, last row ends %q", got.enc, got.errs, last[max(0, len(last)-10):])
	}
}

func TestCSVOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		data []byte
		opts Options
		want error
		msg  string
	}{
		{"duplicate header", "u.csv", []byte("code,Name, code \n"), Options{}, ErrDuplicateHeader, `columns 1 ("code") and 3 (" code ")`},
		{"empty file", "u.csv", nil, Options{}, ErrEmptyHeader, "no header row"},
		{"header row past the end", "u.csv", []byte("a\n1\n"), Options{HeaderRow: 5}, ErrEmptyHeader, "no header row"},
		{"UTF-32", "u.csv", []byte("\xff\xfe\x00\x00a\x00\x00\x00"), Options{}, ErrEncoding, "UTF-32LE"},
		{"UTF-32BE", "u.csv", []byte("\x00\x00\xfe\xffa\x00\x00\x00"), Options{}, ErrEncoding, "UTF-32BE"},
		{"UTF-16 without a BOM", "u.csv", []byte("c\x00o\x00d\x00e\x00\n\x00a\x00"), Options{}, ErrEncoding, "utf-16le"},
		{"binary", "u.csv", []byte("code\n\x00\x01\x02"), Options{}, ErrNotTabular, "NUL byte"},
		{"xlsx renamed", "u.csv", []byte("PK\x03\x04rest"), Options{}, ErrNotTabular, ".xlsx"},
		{"unknown encoding", "u.csv", []byte("a\n"), Options{Encoding: "latin9"}, ErrEncoding, "latin9"},
		{"unknown extension", "u.json", []byte("{}"), Options{}, ErrNotTabular, "extension"},
		{"xls", "u.xls", []byte("x"), Options{}, ErrNotTabular, ".xls"},
		{"bad delimiter", "u.csv", []byte("a\n"), Options{Delimiter: '"'}, nil, "delimiter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Open(writeFile(t, tt.file, tt.data), tt.opts)
			if err == nil {
				src.Close()
				t.Fatal("no error")
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("%T %v, want *FileError", err, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("%v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "u.") {
				t.Errorf("message %q, want it to start with the file and contain %q", err, tt.msg)
			}
		})
	}
}

// A line with no newline at all is refused after MaxRecordBytes, not read
// whole, and reading stops there.
func TestCSVRecordLimit(t *testing.T) {
	data := []byte("a,b\n1,2\n" + strings.Repeat("x", MaxRecordBytes+sniffSize))
	src, err := Open(writeFile(t, "u.csv", data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Next(); err != nil {
		t.Fatal(err)
	}
	_, err = src.Next()
	var fe *FileError
	if !errors.As(err, &fe) || fe.Row != 3 || !errors.Is(err, ErrCellTooLarge) {
		t.Fatalf("got %v, want a row 3 ErrCellTooLarge", err)
	}
	_, err = src.Next()
	if !errors.As(err, &fe) || fe.Row != 0 || !strings.Contains(err.Error(), "stopped at row 3") {
		t.Fatalf("then %v, want the fatal error", err)
	}
}

func TestFileErrorFormat(t *testing.T) {
	tests := []struct {
		e    FileError
		want string
	}{
		{FileError{File: "users.csv", Row: 12, Column: "email", Err: ErrEncoding}, `users.csv: row 12, column "email": invalid text encoding`},
		{FileError{File: "users.csv", Row: 12, Err: ErrRaggedRow}, `users.csv: row 12: wrong number of cells`},
		{FileError{File: "users.csv", Column: "code", Err: ErrDuplicateHeader}, `users.csv: column "code": duplicate column name`},
		{FileError{File: "users.csv", Err: ErrNotTabular}, `users.csv: not a readable spreadsheet`},
		{FileError{Row: 3, Column: `mapping "name"`, Err: ErrFormula}, `row 3, column "mapping \"name\"": formula without a calculated value`},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestFingerprint(t *testing.T) {
	p := writeFile(t, "users.csv", []byte("code\nalice\n"))
	got, err := Fingerprint(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := "users.csv crc32c:"; !strings.HasPrefix(got, want) || !strings.HasSuffix(got, " size:11") {
		t.Fatalf("got %q", got)
	}
	q := writeFile(t, "users.csv", []byte("code\nbob\n"))
	other, _ := Fingerprint(q)
	if other == got {
		t.Fatal("different content, same fingerprint")
	}
	if _, err := Fingerprint(filepath.Join(t.TempDir(), "missing.csv")); err == nil {
		t.Fatal("no error for a missing file")
	}
}

// TestCSVEstimateRows checks the row estimate that sizes the duplicate
// sets: after the first chunk of rows it must be close to the true count
// (padded by estimateMargin; the first rows here are shorter than the
// rest, so it is a little high), and 0 when nothing is known.
func TestCSVEstimateRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("code,name,description\n")
	const rows = 5000
	for i := range rows {
		fmt.Fprintf(&b, "user%d,User %d,%q\n", i, i, strings.Repeat("x", i%37))
	}
	src, err := Open(writeFile(t, "u.csv", []byte(b.String())), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	est := src.(RowEstimator)
	if got := est.EstimateRows(0); got != 0 {
		t.Errorf("before any row: estimate %d, want 0", got)
	}
	for range 256 {
		if _, err := src.Next(); err != nil {
			t.Fatal(err)
		}
	}
	got := est.EstimateRows(256)
	if lo, hi := rows*95/100, rows*estimateMargin*1.15; got < lo || float64(got) > hi {
		t.Errorf("after 256 of %d rows: estimate %d, want %d to %.0f", rows, got, lo, hi)
	}

	// A stream (no size) gives no estimate.
	s, err := newCSVSource("stdin", strings.NewReader(b.String()), Options{Delimiter: ','}, ".csv")
	if err != nil {
		t.Fatal(err)
	}
	s.Next()
	if got := s.EstimateRows(1); got != 0 {
		t.Errorf("stream: estimate %d, want 0", got)
	}
}

// TestCSVUnclosedQuote: a quote that is opened and not closed swallows the
// lines after it into one value. The error for that row must name every
// line swallowed, never report one bad row while the rest vanish; rows
// after the damage are read again.
func TestCSVUnclosedQuote(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		wantRows   []int  // lines of the rows read
		wantLines  string // what the error must name
	}{
		{"to the end of the file", "code,name\nu1,a\nu2,\"User 2\nu3,c\nu4,d\n", []int{2}, "lines 4 to 5"},
		{"to a later quote", "code,name\nu1,a\nu2,\"User 2\nu3,c\nu4,\"Smith, J\"\nu5,e\n", []int{2, 4}, "lines 4 to 5"},
		{"closed multi-line value with junk", "code,name\nu1,\"A\nSmith\"x\nu2,b\n", []int{3}, "line 3 was"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Open(writeFile(t, "u.csv", []byte(tt.data)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			var lines []int
			var rowErrs []error
			for {
				row, err := src.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					var fe *FileError
					if !errors.As(err, &fe) || fe.Row == 0 {
						t.Fatalf("fatal error %v; want a row error and reading to go on", err)
					}
					rowErrs = append(rowErrs, err)
					continue
				}
				lines = append(lines, row.Line)
			}
			if !reflect.DeepEqual(lines, tt.wantRows) {
				t.Errorf("rows on lines %v, want %v", lines, tt.wantRows)
			}
			if len(rowErrs) != 1 || !errors.Is(rowErrs[0], ErrSyntax) || !strings.Contains(rowErrs[0].Error(), tt.wantLines) {
				t.Fatalf("row errors %v; want one syntax error naming %s", rowErrs, tt.wantLines)
			}
		})
	}
}

// The CSV reader reuses one Cells slice for every row (ReuseRecord): it
// holds a row, not the file.
func TestSourceStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 40k-row file")
	}
	var b strings.Builder
	b.WriteString("code,name\n")
	for i := range 40000 {
		fmt.Fprintf(&b, "user%d,User %d\n", i, i)
	}
	src, err := Open(writeFile(t, "big.csv", []byte(b.String())), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var first *string
	for n := 0; ; n++ {
		row, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			first = &row.Cells[0]
		} else if &row.Cells[0] != first {
			t.Fatal("Row.Cells is not reused: every row allocates a new slice")
		}
	}
}
