package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A hostile workbook is small compressed and huge unpacked. The tests
// build them as ZIP streams without ever holding the unpacked bytes: a
// deflate segment that ends with a sync flush can be repeated, so one
// compressed chunk stands for any number of copies.

// bombPart is a part's content: prefix, then repeat count times, then
// suffix.
type bombPart struct {
	name           string
	prefix, suffix string
	repeat         string
	count          int
}

func deflateSegment(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	must(t, err)
	_, err = w.Write(data)
	must(t, err)
	must(t, w.Flush()) // not Close: the segment must not be final
	return b.Bytes()
}

// writeBombPart writes one part, deflated, through CreateRaw.
func writeBombPart(t testing.TB, zw *zip.Writer, p bombPart) {
	const chunkBytes = 1 << 20
	per := max(1, chunkBytes/max(1, len(p.repeat)))
	chunk := []byte(strings.Repeat(p.repeat, per))
	var body bytes.Buffer
	crc := crc32.NewIEEE()
	add := func(data []byte, seg []byte, times int) {
		for range times {
			body.Write(seg)
			crc.Write(data)
		}
	}
	add([]byte(p.prefix), deflateSegment(t, []byte(p.prefix)), 1)
	if full := p.count / per; full > 0 {
		add(chunk, deflateSegment(t, chunk), full)
	}
	rest := []byte(strings.Repeat(p.repeat, p.count%per))
	add(rest, deflateSegment(t, rest), 1)
	add([]byte(p.suffix), deflateSegment(t, []byte(p.suffix)), 1)
	body.Write([]byte{0x03, 0x00}) // an empty final block
	size := uint64(len(p.prefix)) + uint64(len(p.repeat))*uint64(p.count) + uint64(len(p.suffix))
	w, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(body.Len()), UncompressedSize64: size})
	must(t, err)
	_, err = w.Write(body.Bytes())
	must(t, err)
}

const (
	relsXML   = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	wbXML     = `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`
	wbRelsXML = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`
	sheetHead = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetTail = `</sheetData></worksheet>`
	okSheet   = sheetHead + `<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>ann</t></is></c></row>` + sheetTail
)

// bombWorkbook is a valid package whose parts are the given ones, or small
// valid ones.
func bombWorkbook(t testing.TB, parts ...bombPart) []byte {
	base := map[string]bombPart{
		"_rels/.rels":                {prefix: relsXML},
		"xl/workbook.xml":            {prefix: wbXML},
		"xl/_rels/workbook.xml.rels": {prefix: wbRelsXML},
		"xl/worksheets/sheet1.xml":   {prefix: okSheet},
		"xl/sharedStrings.xml":       {prefix: `<sst/>`},
		"xl/styles.xml":              {prefix: `<styleSheet/>`},
	}
	for _, p := range parts {
		base[p.name] = p
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, name := range []string{"_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"} {
		p := base[name]
		p.name = name
		writeBombPart(t, zw, p)
	}
	must(t, zw.Close())
	return out.Bytes()
}

// bombs are the hostile shapes of issue 15 (and smaller ones of each kind
// for the fuzz corpus, see bombSeeds).
func bombs(scale int) map[string]bombPart {
	return map[string]bombPart{
		"empty formats":          {name: "xl/styles.xml", prefix: `<styleSheet><cellXfs>`, repeat: `<xf/>`, count: 200_000_000 / scale, suffix: `</cellXfs></styleSheet>`},
		"junk in styles":         {name: "xl/styles.xml", prefix: `<styleSheet><fonts>`, repeat: `<font/>`, count: 150_000_000 / scale, suffix: `</fonts></styleSheet>`},
		"empty shared strings":   {name: "xl/sharedStrings.xml", prefix: `<sst>`, repeat: `<si/>`, count: 50_000_000 / scale, suffix: `</sst>`},
		"one huge shared string": {name: "xl/sharedStrings.xml", prefix: `<sst><si><t>`, repeat: `x`, count: 240_000_000 / scale, suffix: `</t></si></sst>`},
		"cells in one row":       {name: "xl/worksheets/sheet1.xml", prefix: sheetHead + `<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row><row r="2">`, repeat: `<c r="A2"/>`, count: 40_000_000 / scale, suffix: `</row>` + sheetTail},
		"rows out of order":      {name: "xl/worksheets/sheet1.xml", prefix: sheetHead + `<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>`, repeat: `<row r="2"><c r="A2"><v>1</v></c></row>`, count: 10_000_000 / scale, suffix: sheetTail},
		"merged ranges":          {name: "xl/worksheets/sheet1.xml", prefix: okSheet[:len(okSheet)-len(`</worksheet>`)] + `<mergeCells>`, repeat: `<mergeCell ref="A1:XFD1048576"/>`, count: 20_000_000 / scale, suffix: `</mergeCells></worksheet>`},
	}
}

// readBomb opens a hostile workbook and reads all of it.
func readBomb(data []byte) error {
	src, err := newXLSXSource("bomb.xlsx", bytes.NewReader(data), int64(len(data)), Options{})
	if err != nil {
		return err
	}
	defer src.Close()
	for {
		if _, err := src.Next(); err != nil {
			if err == io.EOF {
				return nil
			}
			var fe *FileError
			if errors.As(err, &fe) && fe.Row > 0 {
				continue
			}
			return err
		}
	}
}

func TestXLSXBombs(t *testing.T) {
	want := map[string]error{
		"empty formats":          ErrTooLarge,
		"junk in styles":         ErrTooLarge,
		"empty shared strings":   ErrTooLarge,
		"one huge shared string": ErrCellTooLarge,
		"cells in one row":       ErrTooLarge,
		"rows out of order":      ErrNotTabular,
		"merged ranges":          ErrTooLarge,
	}
	scale := 1
	if testing.Short() {
		scale = 1000 // the same shapes, a thousandth of the size: most stay over the limits
	}
	for name, p := range bombs(scale) {
		t.Run(name, func(t *testing.T) {
			err := readBomb(bombWorkbook(t, p))
			if testing.Short() && err != nil && !errors.Is(err, want[name]) {
				t.Fatalf("got %v, want %v or no error", err, want[name])
			}
			if !testing.Short() && !errors.Is(err, want[name]) {
				t.Fatalf("got %v, want %v", err, want[name])
			}
			if err != nil && !strings.HasPrefix(err.Error(), "bomb.xlsx") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// TestXLSXBombsResources reads each bomb in a child process and checks its
// peak memory and CPU time from the kernel's accounting: 1 GiB and 30 s
// are the promise for any workbook up to 50 MB.
func TestXLSXBombsResources(t *testing.T) {
	if name := os.Getenv("SHEET_BOMB_CHILD"); name != "" {
		if err := readBomb(must2(os.ReadFile(os.Getenv("SHEET_BOMB_FILE")))); err != nil {
			t.Log(err)
		}
		// VmHWM is this process image's peak; the kernel's rusage
		// would include the parent's before exec.
		status, err := os.ReadFile("/proc/self/status")
		must(t, err)
		for _, l := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				fmt.Println("PEAK", strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")))
			}
		}
		return
	}
	if os.Getenv("SHEET_BOMBS") != "1" {
		t.Skip("measures every XLSX bomb in a child process; bench/run.sh and .ci/run run it with SHEET_BOMBS=1")
	}
	for name, p := range bombs(1) {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "bomb.xlsx")
			data := bombWorkbook(t, p)
			must(t, os.WriteFile(file, data, 0o600))
			cmd := exec.Command(os.Args[0], "-test.run=^TestXLSXBombsResources$", "-test.v")
			cmd.Env = append(os.Environ(), "SHEET_BOMB_CHILD="+name, "SHEET_BOMB_FILE="+file)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
			cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			var kib int64
			if i := bytes.Index(out, []byte("PEAK ")); i < 0 {
				t.Fatalf("the child did not report its peak memory:\n%s", out)
			} else if _, err := fmt.Sscanf(string(out[i:]), "PEAK %d kB", &kib); err != nil {
				t.Fatal(err)
			}
			rss := kib << 10
			t.Logf("%s, %d KiB compressed: peak RSS %d MiB, CPU %v", name, len(data)>>10, rss>>20, cpu.Round(time.Millisecond))
			if rss > 1<<30 || cpu > 30*time.Second {
				t.Errorf("peak RSS %d MiB, CPU %v: over 1 GiB or 30 s", rss>>20, cpu)
			}
		})
	}
}

func must2[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
