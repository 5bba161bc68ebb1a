// Package gen writes deterministic synthetic user files for the benchmarks:
// the CSV and XLSX inputs that `go test -bench` in importer and the bench/
// script measure. The data imitates the library notes' test data (22
// columns, Japanese and Latin names, descriptions with commas, quotes and
// embedded newlines, a share of rows that are invalid on purpose), so the
// figures can be compared with the notes' baselines.
package gen

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// Header is the header row of every generated file: API field names and
// three custom items, all of which the importer maps without a mapping
// file.
var Header = []string{
	"code", "password", "name", "surName", "givenName", "surNameReading",
	"givenNameReading", "email", "timezone", "locale", "employeeNumber",
	"birthDate", "joinDate", "sortOrder", "phone", "mobilePhone",
	"extensionNumber", "description", "customItem.department",
	"customItem.costCenter", "customItem.grade",
}

// Column indexes of Header that the XLSX writer stores as typed cells.
const (
	colBirthDate = 11
	colJoinDate  = 12
	colSortOrder = 13
)

// Options says what to generate.
type Options struct {
	// Rows is the number of data rows.
	Rows int
	// Invalid is the share of rows made invalid on purpose (a timezone typo
	// or an e-mail address without '@'), 0 for clean data.
	Invalid float64
	// Seed makes the data reproducible; the same seed gives the same file.
	Seed uint64
}

// name is a surname or a given name: as written, its kana reading (Japanese
// names only) and the Latin letters of login names.
type name struct{ text, kana, latin string }

var surnames = []name{
	{"山田", "やまだ", "yamada"},
	{"佐藤", "さとう", "sato"},
	{"鈴木", "すずき", "suzuki"},
	{"高橋", "たかはし", "takahashi"},
	{"田中", "たなか", "tanaka"},
	{"伊藤", "いとう", "ito"},
	{"Müller", "", "mueller"},
	{"García", "", "garcia"},
	{"Smith", "", "smith"},
	{"O'Brien", "", "obrien"},
}

var givennames = []name{
	{"太郎", "たろう", "taro"},
	{"花子", "はなこ", "hanako"},
	{"健", "けん", "ken"},
	{"美咲", "みさき", "misaki"},
	{"翔太", "しょうた", "shota"},
	{"José", "", "jose"},
	{"Anna", "", "anna"},
	{"John", "", "john"},
}

var (
	timezones   = []string{"Asia/Tokyo", "Asia/Tokyo", "Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin", "UTC"}
	locales     = []string{"ja", "ja", "en", "zh", "auto"}
	departments = []string{"営業部", "開発部", "人事部", "Sales", "R&D, Tokyo", "Support"}
	grades      = []string{"G1", "G2", "G3", "M1", "M2"}
	descs       = []string{
		"Joined from the Osaka office, likes \"tea\", coffee",
		"営業部, 東京支社 \"Key account\" manager",
		"Part-time; Mon, Wed, Fri",
		"",
		"新卒入社",
	}
)

// Generator produces rows one at a time without holding the file.
type Generator struct {
	opts Options
	rng  *rand.Rand
}

// New returns a generator for opts.
func New(opts Options) *Generator {
	return &Generator{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15))}
}

// Row fills rec (len(Header) cells) with data row i (0-based). Rows must be
// asked for in order: the random stream is consumed as they go.
func (g *Generator) Row(i int, rec []string) {
	r := g.rng
	s := surnames[r.IntN(len(surnames))]
	gv := givennames[r.IntN(len(givennames))]
	num := strconv.Itoa(1000000 + i)[1:] // zero-padded, unique
	code := gv.latin + "." + s.latin + "." + num

	rec[0] = code
	rec[1] = "Pw-" + strconv.FormatUint(r.Uint64()%1e12, 36) + "!9"
	if s.kana != "" { // Japanese order
		rec[2] = s.text + " " + gv.text
	} else {
		rec[2] = gv.text + " " + s.text
	}
	rec[3], rec[4] = s.text, gv.text
	rec[5], rec[6] = s.kana, gv.kana
	rec[7] = code + "@example.co.jp"
	rec[8] = timezones[r.IntN(len(timezones))]
	rec[9] = locales[r.IntN(len(locales))]
	rec[10] = "E" + num
	rec[11] = date(1960+r.IntN(45), 1+r.IntN(12), 1+r.IntN(28))
	rec[12] = date(2000+r.IntN(26), 1+r.IntN(12), 1+r.IntN(28))
	rec[13] = strconv.Itoa(r.IntN(1000))
	rec[14] = "03-" + strconv.Itoa(1000+r.IntN(9000)) + "-" + strconv.Itoa(1000+r.IntN(9000))
	rec[15] = "090-" + strconv.Itoa(1000+r.IntN(9000)) + "-" + strconv.Itoa(1000+r.IntN(9000))
	rec[16] = strconv.Itoa(100 + r.IntN(900))
	d := descs[r.IntN(len(descs))]
	if r.IntN(8) == 0 {
		d += "\n2nd line: 在宅勤務, remote"
	}
	rec[17] = d
	rec[18] = departments[r.IntN(len(departments))]
	rec[19] = "CC-" + strconv.Itoa(100+r.IntN(900))
	rec[20] = grades[r.IntN(len(grades))]

	if g.opts.Invalid > 0 && r.Float64() < g.opts.Invalid {
		if r.IntN(2) == 0 {
			rec[8] = "Asia/Tokio"
		} else {
			rec[7] = code + ".example.co.jp"
		}
	}
}

func date(y, m, d int) string {
	b := make([]byte, 0, 10)
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
	return string(b)
}

// WriteCSV writes a UTF-8 CSV file (no BOM) of opts.Rows data rows.
func WriteCSV(w io.Writer, opts Options) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(Header); err != nil {
		return err
	}
	g := New(opts)
	rec := make([]string, len(Header))
	for i := range opts.Rows {
		g.Row(i, rec)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteXLSX writes a workbook with one sheet, "Users", of opts.Rows data
// rows through excelize's StreamWriter (inline strings, as the notes'
// stream file). Birth and join dates are real date cells with a
// yyyy-mm-dd format and sortOrder is a number; the rest are strings, so an
// employee number keeps its leading zeros.
func WriteXLSX(w io.Writer, opts Options) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName("Sheet1", "Users"); err != nil {
		return err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter("Users")
	if err != nil {
		return err
	}
	head := make([]any, len(Header))
	for i, h := range Header {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	g := New(opts)
	rec := make([]string, len(Header))
	row := make([]any, len(Header))
	for i := range opts.Rows {
		g.Row(i, rec)
		for j, v := range rec {
			switch j {
			case colBirthDate, colJoinDate:
				t, err := time.Parse(time.DateOnly, v)
				if err != nil {
					return fmt.Errorf("row %d: %w", i, err)
				}
				row[j] = excelize.Cell{StyleID: dateStyle, Value: t}
			case colSortOrder:
				n, err := strconv.Atoi(v)
				if err != nil {
					return fmt.Errorf("row %d: %w", i, err)
				}
				row[j] = n
			default:
				row[j] = v
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

func ptr[T any](v T) *T { return &v }
