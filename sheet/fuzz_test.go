package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/report"
)

// checkSource drains a source the way the pipeline does and checks the
// contract: every row has the header's width, rows come in increasing
// order, every error is a *FileError, and a Row == 0 error ends reading.
func checkSource(t *testing.T, src Source) {
	last := 0
	for i := 0; i < 100000; i++ {
		row, err := src.Next()
		if err == io.EOF {
			if !strings.Contains(src.Fingerprint(), " crc32c:") {
				t.Fatalf("no fingerprint at the end: %q", src.Fingerprint())
			}
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
		for _, fd := range row.Findings {
			okRule := strings.HasPrefix(fd.Rule, "cell.") && strings.HasSuffix(fd.Cell, strconv.Itoa(row.Line)) && fd.Column != "" ||
				fd.Rule == RuleHidden
			if !okRule || fd.Message == "" || (fd.Severity != report.SeverityError && fd.Severity != report.SeverityWarning) {
				t.Fatalf("row %d: bad finding %+v", row.Line, fd)
			}
		}
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
		"\xff\xfec\x00\t\x00d\x00\r\x00\n\x001\x00\t\x002\x00",
		"\xfe\xff\x00c\x00,\x00d\x00\n\x001\x00,\x002",
		"code,name\rann,Fran\xe7ois\rbob,M\xfcller\r",
		"\ufeff" + ExportMarker + ",,\r\ncode,password,x\r\nu,'=a,'@b\r\n",
		"title\n\ncode;name\n1;M\u00c3\u00bcller\n",
		"\x00\x00\xfe\xff",
	} {
		f.Add([]byte(s), uint8(0))
	}
	encodings := []string{"", "shift_jis", "windows-1252", "utf-16"}
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		opts := Options{HeaderRow: int(mode % 3), Encoding: encodings[(mode>>2)%4]}
		switch (mode >> 4) % 3 {
		case 1:
			opts.Delimiter = ','
		case 2:
			opts.Delimiter = '\t'
		}
		if mode&0x40 != 0 {
			opts.FindHeader = func(rows [][]string) (int, bool) { return len(rows) / 2, len(rows)%2 == 0 }
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

func FuzzSniffDelimiter(f *testing.F) {
	for _, s := range []string{"a;b;c\n1;2,5;3\n", "a\tb\n1\t2\n", "\"a,b\";c\n", "a,b\rc,d\r"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, sample []byte) {
		if d := sniffDelimiter(sample, ','); d != ',' && d != ';' && d != '\t' {
			t.Fatalf("delimiter %q", d)
		}
	})
}

// FuzzScanMerges: the byte scan for merged ranges never panics, and every
// range it returns is inside the sheet and not a single cell.
func FuzzScanMerges(f *testing.F) {
	for _, s := range []string{`<mergeCells><mergeCell ref="A1:B2"/><mergeCell ref="Q2:Q4"/></mergeCells>`, `<x:mergeCell ref="XFD1:XFD1048576"/>`, `<mergeCell ref="B2:A1"/>`, `<mergeCell ref="A1"/>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create("s.xml")
		w.Write(data)
		zw.Close()
		zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil {
			t.Fatal(err)
		}
		ms, err := scanMerges(zr.File[0])
		if err != nil {
			return
		}
		for _, m := range ms {
			if m.r1 < 1 || m.c1 < 1 || m.r2 > maxRows || m.c2 > maxColumns || m.r2 < m.r1 || m.c2 < m.c1 || (m.r1 == m.r2 && m.c1 == m.c2) {
				t.Fatalf("bad range %+v", m)
			}
		}
	})
}

// FuzzXLSXParts fuzzes the styles and shared-string parts with a sheet
// that uses them.
func FuzzXLSXParts(f *testing.F) {
	f.Add(`<styleSheet><numFmts><numFmt numFmtId="164" formatCode="00000"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs></styleSheet>`,
		`<sst><si><t>code</t></si><si><r><t>x</t></r><rPh><t>y</t></rPh></si></sst>`)
	f.Add(`<styleSheet><cellXfs>`+strings.Repeat(`<xf/>`, 100)+`</cellXfs></styleSheet>`, `<sst>`+strings.Repeat(`<si/>`, 100)+`</sst>`)
	f.Fuzz(func(t *testing.T, styles, sst string) {
		sheet := bombPart{name: "xl/worksheets/sheet1.xml", prefix: sheetHead + `<row r="1"><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row><row r="2" hidden="1"><c s="1"><v>123</v></c><c s="2"><v>45000</v></c><c t="e"><v>#N/A</v></c></row><row r="3"><c><f>1</f><v></v></c><c t="s" s="1"><v>1</v></c></row></sheetData><mergeCells><mergeCell ref="A2:B3"/></mergeCells></worksheet>`}
		data := bombWorkbook(t, sheet, bombPart{name: "xl/styles.xml", prefix: styles}, bombPart{name: "xl/sharedStrings.xml", prefix: sst})
		src, err := newXLSXSource("f.xlsx", bytes.NewReader(data), int64(len(data)), Options{SkipHidden: len(sst)%2 == 0})
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
	f.Add([]byte("code,name\nann,Ann\n"), false)
	for _, p := range bombs(20000) { // the hostile shapes, small
		f.Add(bombWorkbook(f, p), false)
	}
	for _, s := range []string{
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row><row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="d"><v>2024-01-02</v></c></row>`,
		`<row><c t="s"><v>1</v></c></row><row><c><f>1+1</f></c><c r="C2"><v>2</v></c></row>`,
		`<row r="2"><c r="XFD2" t="e"><v>#N/A</v></c></row>`,
		`<row r="1" hidden="1"><c t="s"><v>0</v></c></row><row r="2" hidden="true"><c t="e"><v>#DIV/0!</v></c><c><f>A1</f></c><c t="str"><f>A1</f><v></v></c></row>`,
		`<row r="3"><c r="A3"/></row><row r="2"><c r="A2"><v>1</v></c></row>`,
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
