package sheet

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"
)

// checkSource drains a source the way the pipeline does and checks the
// contract: every row has the header's width, rows come in increasing
// order, every error is a *FileError, and a Row == 0 error ends reading.
func checkSource(t *testing.T, src Source) {
	last := 0
	for i := 0; i < 100000; i++ {
		row, err := src.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Next: %T %v, want *FileError", err, err)
			}
			if fe.Row == 0 {
				return
			}
			continue
		}
		if len(row.Cells) != len(src.Header()) {
			t.Fatalf("row %d: %d cells, header %d", row.Line, len(row.Cells), len(src.Header()))
		}
		if row.Line <= last {
			t.Fatalf("row %d after row %d", row.Line, last)
		}
		last = row.Line
	}
	t.Fatal("Next never ended")
}

func FuzzCSVSource(f *testing.F) {
	for _, s := range []string{
		"code,name\nalice,Alice\n",
		"\ufeff\"code\",\"name\"\r\na,\"multi\nline\"\r\n",
		"a,b\n1\n1,2,3\n,\n",
		"a;b\n\"x\"\"y\";2\n",
		"ログイン名,表示名\n\x82\xa0,\x82\xa2\n",
		"a,b\n\"unterminated\n",
		"a,,c\n1,2,3\n",
		"\xff\xfea\x00",
	} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		opts := Options{Delimiter: ',', HeaderRow: 1 + int(mode%3)}
		if mode&4 != 0 {
			opts.Delimiter = '\t'
		}
		if mode&8 != 0 {
			opts.Encoding = "shift_jis"
		}
		src, err := newCSVSource("f.csv", bytes.NewReader(data), opts, ".csv")
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("open: %T %v", err, err)
			}
			return
		}
		checkSource(t, src)
	})
}

func FuzzXLSXSource(f *testing.F) {
	x := excelize.NewFile()
	d, _ := x.NewStyle(&excelize.Style{NumFmt: 14})
	_ = x.SetSheetRow("Sheet1", "A1", &[]any{"code", "joinDate", "sortOrder"})
	_ = x.SetSheetRow("Sheet1", "A2", &[]any{"alice", 45000, 1.5})
	_ = x.SetCellStyle("Sheet1", "B2", "B2", d)
	_ = x.SetCellFormula("Sheet1", "C3", "1+1")
	buf, err := x.WriteToBuffer()
	if err != nil {
		f.Fatal(err)
	}
	// Mutating a whole zip mostly breaks its CRCs, so most inputs are
	// worksheet XML wrapped in a valid package instead.
	f.Add(buf.Bytes(), false)
	f.Add([]byte("PK\x03\x04"), false)
	for _, s := range []string{
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row><row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="d"><v>2024-01-02</v></c></row>`,
		`<row><c t="s"><v>1</v></c></row><row><c><f>1+1</f></c><c r="C2"><v>2</v></c></row>`,
		`<row r="2"><c r="XFD2" t="e"><v>#N/A</v></c></row>`,
	} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, asSheet bool) {
		if asSheet {
			data = rawXLSXBytes(t, string(data), `<si><t>a</t></si><si><r><t>x</t></r><rPh><t>y</t></rPh></si>`)
		}
		src, err := newXLSXSource("f.xlsx", bytes.NewReader(data), int64(len(data)), Options{})
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("open: %T %v", err, err)
			}
			return
		}
		defer src.Close()
		checkSource(t, src)
	})
}
