package web

import (
	"bytes"
	"fmt"
	"github.com/userimport/userimport/validate"
	"github.com/userimport/userimport/web/table"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// benchRows is the size of the file the Scale requirement names.
const benchRows = 100_000

// benchFile is a users file of n rows, one in a hundred with a mistake
// (a login name with a slash, or a duplicate), as CSV or XLSX.
func benchFile(tb testing.TB, n int, xlsx bool) []byte {
	tb.Helper()
	row := func(i int) []string {
		code := fmt.Sprintf("user%06d", i)
		switch i % 100 {
		case 17:
			code = "bad/" + code
		case 42:
			code = fmt.Sprintf("user%06d", i-1)
		}
		return []string{code, fmt.Sprintf("User %d", i), code + "@example.com", "Pass-word-1", "true", "en", "Asia/Tokyo"}
	}
	header := strings.Split(strings.TrimSpace(usersHeader), ",")
	if !xlsx {
		var b bytes.Buffer
		b.WriteString(usersHeader)
		for i := range n {
			b.WriteString(strings.Join(row(i), ",") + "\n")
		}
		return b.Bytes()
	}
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	cells := func(ss []string) []any {
		out := make([]any, len(ss))
		for i, s := range ss {
			out[i] = s
		}
		return out
	}
	sw.SetRow("A1", cells(header))
	for i := range n {
		sw.SetRow(fmt.Sprintf("A%d", i+2), cells(row(i)))
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// BenchmarkUploadToFirstPage measures what a person waits for with a
// 100,000-row file: upload, confirm the columns (the whole file is read
// and checked), and the first page of rows with errors.
func BenchmarkUploadToFirstPage(b *testing.B) {
	for _, kind := range []string{"csv", "xlsx"} {
		b.Run(kind, func(b *testing.B) {
			data := benchFile(b, benchRows, kind == "xlsx")
			a := newTestApp(b, nil, Config{MaxUpload: 200 << 20})
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for b.Loop() {
				id := a.check("bench."+kind, data, "create")
				status, body := a.get("/jobs/" + id + "/check?show=errors")
				if status != http.StatusOK || !strings.Contains(body, `id="errorsN">2000<`) {
					b.Fatalf("check page: %d", status)
				}
			}
		})
	}
}

// BenchmarkEditCell measures one edit of a 100,000-row file: the request,
// the re-check of the row and of the duplicates it takes part in, and the
// rendered rows of the answer.
func BenchmarkEditCell(b *testing.B) {
	a := newTestApp(b, nil, Config{MaxUpload: 200 << 20})
	id := a.check("bench.csv", benchFile(b, benchRows, false), "create")
	// Row 42 duplicates row 41: editing it back and forth adds and removes
	// a duplicate each time.
	vals := []string{"user000041", "fixed000042"}
	i := 0
	b.ResetTimer()
	for b.Loop() {
		status, body := a.edit(id, 42, 0, vals[i%2])
		if status != http.StatusOK {
			b.Fatalf("edit: %d %s", status, body)
		}
		i++
	}
}

// BenchmarkCheckAll is the check of the whole file alone, without HTTP.
func BenchmarkCheckAll(b *testing.B) {
	a := newTestApp(b, nil, Config{MaxUpload: 200 << 20})
	id := a.check("bench.csv", benchFile(b, benchRows, false), "create")
	j := a.srv.jobs.get(id)
	b.ResetTimer()
	for b.Loop() {
		t := j.g.File()
		c, err := table.NewChecker(t.Header, validate.Users, nil)
		if err != nil {
			b.Fatal(err)
		}
		c.CheckAll(t)
	}
}
