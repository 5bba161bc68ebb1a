package web

// engine.go is the one place where the web application calls the
// importer, validate, report and kintone packages. Everything else in
// package web speaks the small vocabulary defined here (Table, Finding,
// RunSpec, ...), so that a change of the library's shape is absorbed by
// this file alone.

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/recovery"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// Kinds of file, as the --kind flag spells them.
const (
	KindUsers  = "users"
	KindGuests = "guests"
)

// Severities of a finding.
const (
	SevError   = "error"
	SevWarning = "warning"
)

// ReadOptions say how to read an uploaded file.
type ReadOptions struct {
	Sheet     string `json:"sheet"`
	HeaderRow int    `json:"headerRow"`
	Encoding  string `json:"encoding"`
}

// Preview is what the Upload step shows before the whole file is read.
type Preview struct {
	Sheets   []string   // sheet names of a workbook; nil for CSV
	Encoding string     // as the reader detected it
	Rows     [][]string // Rows[i] is the header the reader takes for header row i+1
	Detected int        // the 1-based row that looks most like a header
}

// Column is one column of the file and the field it feeds.
type Column struct {
	Index  int
	Name   string
	Target string // "code", "customItem.x", or "" when ignored
	Known  bool   // Target was recognised from the header alone
}

// ColumnPlan is the Columns step: every column, the targets a column may
// take for the kind, and the mapping's remarks.
type ColumnPlan struct {
	Columns  []Column
	Targets  []string
	Warnings []string
}

// Finding is one problem of one row, located at a cell when it concerns
// one (Col >= 0).
type Finding struct {
	Col      int    `json:"col"`
	Column   string `json:"column"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// Table is the whole file in memory: its header and data rows as the
// reader returned them. A row the reader could not read has nil Cells and
// its reason in Unreadable.
type Table struct {
	Header     []string
	Lines      []int // the row number a person sees, per row
	Cells      [][]string
	Unreadable map[int]Finding
	Encoding   string
	XLSX       bool
}

// RunSpec is one dry run or import of a job.
type RunSpec struct {
	File        string // the corrected file to send
	Kind        string
	MappingYAML string
	Mode        string
	DryRun      bool
	Resume      string // previous report, for a resume
	Report      string // report path (.csv)
	Progress    func(done int, status string)
}

// RunResult is how a run ended.
type RunResult struct {
	Counts      map[string]int
	Interrupted bool
	Requests    int64
	Elapsed     time.Duration
}

// ReportRow is one line of a report.
type ReportRow struct {
	Row       int
	Code      string
	Status    string
	ErrorCode string
	Message   string
	Services  string
	Depts     string
}

// Credentials name a domain and how to sign in to it. They live in memory
// only.
type Credentials struct {
	BaseURL   string
	Username  string
	Password  string
	APIToken  string
	BasicUser string
	BasicPass string
}

// Domain is the key that allows one import per domain at a time.
func (c Credentials) Domain() string { return strings.TrimRight(strings.TrimSpace(c.BaseURL), "/") }

// Complete reports whether the credentials can sign in at all.
func (c Credentials) Complete() bool {
	return c.Domain() != "" && (c.APIToken != "" || (c.Username != "" && c.Password != ""))
}

// Statuses a run reports, in the order tables list them.
var Statuses = func() []string {
	var s []string
	for _, st := range []report.Status{report.Created, report.Updated, report.WouldCreate, report.WouldUpdate,
		report.Unchanged, report.Skipped, report.Valid, report.Invalid, report.Failed, report.NotAttempted} {
		s = append(s, string(st))
	}
	return s
}()

// GoodStatus reports whether a row with status s ended well (a resume
// leaves it alone).
func GoodStatus(s string) bool {
	switch report.Status(s) {
	case report.Invalid, report.Failed, report.NotAttempted:
		return false
	}
	return true
}

func parseKind(kind string) validate.Kind {
	if kind == KindGuests {
		return validate.Guests
	}
	return validate.Users
}

// maxWorkbookXML bounds the workbook part read to list sheet names.
const maxWorkbookXML = 4 << 20

// Sheets lists the sheet names of a workbook (nil for a CSV file).
func Sheets(path string) ([]string, error) {
	if !isXLSX(path) {
		return nil, nil
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("%s is not a readable workbook: %w", filepath.Base(path), err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != "xl/workbook.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		var wb struct {
			Sheets []struct {
				Name  string `xml:"name,attr"`
				State string `xml:"state,attr"`
			} `xml:"sheets>sheet"`
		}
		if err := xml.NewDecoder(io.LimitReader(rc, maxWorkbookXML)).Decode(&wb); err != nil {
			return nil, fmt.Errorf("%s: the workbook part is damaged: %w", filepath.Base(path), err)
		}
		var names []string
		for _, s := range wb.Sheets {
			if s.State == "" || s.State == "visible" {
				names = append(names, s.Name)
			}
		}
		return names, nil
	}
	return nil, fmt.Errorf("%s: no workbook part", filepath.Base(path))
}

func isXLSX(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".xlsx" || ext == ".xlsm"
}

// previewRows is how many rows the Upload step shows and searches for
// the header.
const previewRows = 12

// ReadPreview returns the first rows of the file and the row that looks
// most like a header (the one whose cells name the most known fields).
func ReadPreview(path, kind string, o ReadOptions) (*Preview, error) {
	p := &Preview{}
	var err error
	if p.Sheets, err = Sheets(path); err != nil {
		return nil, err
	}
	best := 0
	for n := 1; n <= previewRows; n++ {
		src, err := sheet.Open(path, sheet.Options{Encoding: o.Encoding, Sheet: o.Sheet, HeaderRow: n})
		if err != nil {
			if n == 1 {
				return nil, err
			}
			if errors.Is(err, sheet.ErrEmptyHeader) {
				break // past the last row
			}
			p.Rows = append(p.Rows, nil) // a row that cannot be a header
			continue
		}
		h := slices.Clone(src.Header())
		p.Encoding = src.Encoding()
		src.Close()
		p.Rows = append(p.Rows, h)
	}
	// When row n is blank the reader takes the next row as the header:
	// two equal neighbours mean the first of them is blank.
	for i := 0; i+1 < len(p.Rows); i++ {
		if slices.Equal(p.Rows[i], p.Rows[i+1]) {
			p.Rows[i] = nil
		}
	}
	for i, h := range p.Rows {
		if score := knownColumns(h, kind); h != nil && score > best {
			best, p.Detected = score, i+1
		}
	}
	if p.Detected == 0 {
		p.Detected = 1
	}
	maskPasswords(p, kind, o.HeaderRow)
	return p, nil
}

// PasswordMask stands for a password in the preview: passwords never go
// back to the browser.
const PasswordMask = "••••••"

// maskPasswords hides the cells under a password column, as the chosen
// and the detected header rows name it, in every row below that header.
func maskPasswords(p *Preview, kind string, chosen int) {
	for _, hr := range []int{chosen, p.Detected} {
		if hr < 1 || hr > len(p.Rows) || p.Rows[hr-1] == nil {
			continue
		}
		header := p.Rows[hr-1]
		mp, err := mapping.NewMapper(header, parseKind(kind), nil)
		if err != nil {
			continue
		}
		label := mp.Columns()[validate.Password]
		col := slices.Index(header, label)
		if label == "" || col < 0 {
			continue
		}
		for _, row := range p.Rows[hr:] {
			if col < len(row) && row[col] != "" {
				row[col] = PasswordMask
			}
		}
	}
}

// knownColumns counts the header cells that name a field.
func knownColumns(header []string, kind string) int {
	mp, err := mapping.NewMapper(header, parseKind(kind), nil)
	if err != nil {
		return 0
	}
	n := len(mp.CustomColumns())
	for _, c := range mp.Columns() {
		if c != "" {
			n++
		}
	}
	return n
}

// ParseMappingYAML checks mapping YAML as the CLI's --mapping does.
func ParseMappingYAML(data []byte, name string) error {
	_, err := mapping.Parse(data, name)
	return err
}

func mappingOf(yml string) (*mapping.File, error) {
	if strings.TrimSpace(yml) == "" {
		return nil, nil
	}
	return mapping.Parse([]byte(yml), "mapping")
}

// PlanColumns says which field each column of header feeds under the
// mapping (YAML, may be empty), and which targets the kind allows.
func PlanColumns(header []string, kind, mappingYAML string) (*ColumnPlan, error) {
	m, err := mappingOf(mappingYAML)
	if err != nil {
		return nil, err
	}
	k := parseKind(kind)
	mp, err := mapping.NewMapper(header, k, m)
	if err != nil {
		return nil, err
	}
	bare, _ := mapping.NewMapper(header, k, nil)
	auto := targetsByColumn(bare)
	used := targetsByColumn(mp)
	cp := &ColumnPlan{Warnings: mp.Warnings()}
	for _, f := range validate.FieldsFor(k) {
		cp.Targets = append(cp.Targets, f.String())
	}
	for i, h := range header {
		c := Column{Index: i, Name: h, Target: used[h]}
		_, c.Known = auto[h]
		if c.Target != "" && !slices.Contains(cp.Targets, c.Target) {
			cp.Targets = append(cp.Targets, c.Target)
		}
		cp.Columns = append(cp.Columns, c)
	}
	return cp, nil
}

func targetsByColumn(mp *mapping.Mapper) map[string]string {
	out := map[string]string{}
	if mp == nil {
		return out
	}
	for f, label := range mp.Columns() {
		if label != "" {
			out[label] = validate.Field(f).String()
		}
	}
	for code, label := range mp.CustomColumns() {
		out[label] = "customItem." + code
	}
	return out
}

// AssignColumns rewrites the mapping so that each column named in assign
// feeds the given target ("" = ignored), keeping the mapping's fields,
// constants and defaults. It returns the new mapping as YAML.
func AssignColumns(header []string, kind, mappingYAML string, assign map[string]string) (string, error) {
	m, err := mappingOf(mappingYAML)
	if err != nil {
		return "", err
	}
	if m == nil {
		m = &mapping.File{}
	}
	bare, _ := mapping.NewMapper(header, parseKind(kind), nil)
	auto := targetsByColumn(bare)
	out := mappingFile{Fields: m.Fields, Constants: m.Constants, Defaults: m.Defaults}
	for _, h := range header {
		want, ok := assign[h]
		if !ok || strings.TrimSpace(h) == "" {
			continue
		}
		switch {
		case want == "":
			out.Ignore = append(out.Ignore, h)
		case want != auto[h]:
			if out.Columns == nil {
				out.Columns = map[string]string{}
			}
			out.Columns[h] = want
		}
	}
	b, err := yaml.Marshal(&out)
	if err != nil {
		return "", err
	}
	yml := string(b)
	if strings.TrimSpace(yml) == "{}" {
		yml = ""
	}
	if _, err := PlanColumns(header, kind, yml); err != nil {
		return "", err
	}
	return yml, nil
}

// mappingFile is mapping.File as written for a person: empty
// sections left out.
type mappingFile struct {
	Columns   map[string]string `yaml:"columns,omitempty"`
	Fields    map[string]string `yaml:"fields,omitempty"`
	Constants map[string]string `yaml:"constants,omitempty"`
	Defaults  map[string]string `yaml:"defaults,omitempty"`
	Ignore    []string          `yaml:"ignore,omitempty"`
}

// LoadTable reads the whole file into memory.
func LoadTable(path string, o ReadOptions) (*Table, error) {
	src, err := sheet.Open(path, sheet.Options{Encoding: o.Encoding, Sheet: o.Sheet, HeaderRow: o.HeaderRow})
	if err != nil {
		return nil, err
	}
	defer src.Close()
	t := &Table{Header: slices.Clone(src.Header()), Encoding: src.Encoding(), XLSX: isXLSX(path), Unreadable: map[int]Finding{}}
	for {
		row, err := src.Next()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			var fe *sheet.FileError
			if !errors.As(err, &fe) || fe.Row == 0 {
				return nil, err
			}
			t.Unreadable[len(t.Cells)] = Finding{Col: -1, Rule: "file.unreadable_row", Severity: SevError, Message: fe.Err.Error()}
			t.Lines = append(t.Lines, fe.Row)
			t.Cells = append(t.Cells, nil)
			continue
		}
		t.Lines = append(t.Lines, row.Line)
		t.Cells = append(t.Cells, slices.Clone(row.Cells))
	}
}

// Checker checks the rows of a Table with the CLI's rules and re-checks
// one edited row, including the duplicates it takes part in, without
// checking the whole file again. It is not safe for concurrent use.
type Checker struct {
	kind     validate.Kind
	mapper   *mapping.Mapper
	vopts    validate.Options
	header   []string
	colIndex map[string]int
	keys     [][2]uint64           // per row: hashes of the folded login name and e-mail (0 = none)
	groups   [2]map[uint64][]int32 // per key kind: hash -> rows holding it, ascending
	// PasswordCol is the column that feeds the password, or -1.
	PasswordCol int
}

// NewChecker plans the mapping of header for kind.
func NewChecker(header []string, kind, mappingYAML string) (*Checker, error) {
	m, err := mappingOf(mappingYAML)
	if err != nil {
		return nil, err
	}
	k := parseKind(kind)
	mp, err := mapping.NewMapper(header, k, m)
	if err != nil {
		return nil, err
	}
	c := &Checker{kind: k, mapper: mp, header: header, colIndex: map[string]int{}, PasswordCol: -1}
	c.vopts = validate.Options{Kind: k, Columns: mp.Columns(), CustomColumns: mp.CustomColumns(), Update: false}
	for i, h := range header {
		c.colIndex[h] = i
	}
	if pc := mp.Columns()[validate.Password]; pc != "" {
		if i, ok := c.colIndex[pc]; ok {
			c.PasswordCol = i
		}
	}
	return c, nil
}

// SetUpdate says whether rows may name existing users (modes upsert and
// skip-existing), which relaxes the required fields as the CLI does.
func (c *Checker) SetUpdate(update bool) { c.vopts.Update = update }

// checkChunk is how many rows CheckAll maps and checks at once.
const checkChunk = 256

// CheckAll checks every row of t in file order.
func (c *Checker) CheckAll(t *Table) [][]Finding {
	out := make([][]Finding, len(t.Cells))
	c.keys = make([][2]uint64, len(t.Cells))
	c.groups = [2]map[uint64][]int32{make(map[uint64][]int32, len(t.Cells)), make(map[uint64][]int32, len(t.Cells))}
	v := validate.New(c.vopts)
	v.Expect(len(t.Cells))
	recs := make([]validate.Record, checkChunk)
	res := make([]validate.Result, checkChunk)
	at := make([]int, checkChunk)
	for start := 0; start < len(t.Cells); start += checkChunk {
		n := 0
		for i := start; i < min(start+checkChunk, len(t.Cells)); i++ {
			if f, ok := c.rowProblem(t, i, &recs[n]); ok {
				out[i] = []Finding{f}
				continue
			}
			c.index(i, &recs[n])
			at[n] = i
			n++
		}
		v.CheckRows(recs[:n], res[:n])
		for j := range n {
			out[at[j]] = c.findings(&res[j])
		}
	}
	return out
}

// rowProblem maps row i into rec, or returns the finding that keeps the
// row from being checked at all.
func (c *Checker) rowProblem(t *Table, i int, rec *validate.Record) (Finding, bool) {
	if f, bad := t.Unreadable[i]; bad {
		return f, true
	}
	if err := c.mapper.Map(sheet.Row{Line: t.Lines[i], Cells: t.Cells[i]}, rec); err != nil {
		return Finding{Col: -1, Rule: "mapping.error", Severity: SevError, Message: err.Error()}, true
	}
	return Finding{}, false
}

var keySeed = maphash.MakeSeed()

// foldKey hashes a value as the duplicate rules compare it (case-folded,
// trimmed); 0 means no value. Two values with one hash only make a group
// wider than it need be: the validator that re-checks it tells them apart.
func foldKey(s string) uint64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			s = strings.ToLower(s)
			break
		}
	}
	return maphash.String(keySeed, s) | 1
}

// index remembers the row's duplicate keys.
func (c *Checker) index(i int, rec *validate.Record) {
	k := [2]uint64{foldKey(rec.Values[validate.Code]), foldKey(rec.Values[validate.Email])}
	c.keys[i] = k
	for j, h := range k {
		if h == 0 {
			continue
		}
		g := c.groups[j][h]
		if n := len(g); n == 0 || g[n-1] < int32(i) {
			c.groups[j][h] = append(g, int32(i)) // CheckAll adds rows in order
			continue
		}
		pos, _ := slices.BinarySearch(g, int32(i))
		c.groups[j][h] = slices.Insert(g, pos, int32(i))
	}
}

func (c *Checker) unindex(i int) {
	for j, h := range c.keys[i] {
		if h == 0 {
			continue
		}
		g := c.groups[j][h]
		if pos, ok := slices.BinarySearch(g, int32(i)); ok {
			g = slices.Delete(g, pos, pos+1)
		}
		if len(g) == 0 {
			delete(c.groups[j], h)
		} else {
			c.groups[j][h] = g
		}
	}
	c.keys[i] = [2]uint64{}
}

// related returns the rows that share a duplicate key with row i.
func (c *Checker) related(i int) []int32 {
	var out []int32
	for j, h := range c.keys[i] {
		if h != 0 {
			out = append(out, c.groups[j][h]...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// maxRecheck bounds the rows an edit re-checks one by one; past it the
// whole file is checked again (a column of one repeated value).
const maxRecheck = 5000

// Recheck checks row i again after its cells changed, and every later row
// whose duplicate findings may have changed with it. It returns the new
// findings per affected row; all is true when it had to check the whole
// file (then every row's findings are in the result).
func (c *Checker) Recheck(t *Table, i int) (map[int][]Finding, bool) {
	before := c.related(i)
	c.unindex(i)
	var rec validate.Record
	if _, bad := c.rowProblem(t, i, &rec); !bad {
		c.index(i, &rec)
	}
	cand := append(before, c.related(i)...)
	slices.Sort(cand)
	cand = slices.Compact(cand)
	affected := []int{i}
	for _, x := range cand {
		if int(x) > i {
			affected = append(affected, int(x))
		}
	}
	out := make(map[int][]Finding, len(affected))
	work := 0
	for _, x := range affected {
		work += len(c.related(x)) + 1
		if work > maxRecheck {
			all := c.CheckAll(t)
			m := make(map[int][]Finding, len(all))
			for r, f := range all {
				m[r] = f
			}
			return m, true
		}
		out[x] = c.recheckOne(t, x)
	}
	return out, false
}

// recheckOne checks row x with a fresh validator that has first seen the
// earlier rows sharing its keys, in file order: exactly what checking the
// whole file finds for x.
func (c *Checker) recheckOne(t *Table, x int) []Finding {
	var rec validate.Record
	if f, bad := c.rowProblem(t, x, &rec); bad {
		return []Finding{f}
	}
	v := validate.New(c.vopts)
	for _, y := range c.related(x) {
		if int(y) >= x {
			break
		}
		var prev validate.Record
		if _, bad := c.rowProblem(t, int(y), &prev); !bad {
			v.Check(&prev)
		}
	}
	c.rowProblem(t, x, &rec)
	res := v.Check(&rec)
	return c.findings(&res)
}

// findings turns validate's issues into findings located at their column.
func (c *Checker) findings(res *validate.Result) []Finding {
	if len(res.Issues) == 0 {
		return nil
	}
	out := make([]Finding, 0, len(res.Issues))
	for _, is := range res.Issues {
		f := Finding{Col: -1, Column: is.Column, Rule: string(is.Rule), Severity: SevWarning, Message: is.Message}
		if is.Severity == validate.Error {
			f.Severity = SevError
		}
		if i, ok := c.colIndex[is.Column]; ok {
			f.Col = i
		}
		out = append(out, f)
	}
	return out
}

// WriteCSV writes the table as a UTF-8 CSV file (mode 0600) that the
// importer reads back row for row. Each record sits on the person's own
// row (empty lines, which the reader skips but counts as rows, as a
// spreadsheet does, fill the gaps), so that the importer's report and
// messages name the rows the person sees. It returns, per table row, the row number the importer
// will report for it. An unreadable row is written with one cell too
// many, so that the import reports it invalid rather than losing it.
func WriteCSV(path string, t *Table) ([]int, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	w := csv.NewWriter(f)
	lines := make([]int, len(t.Cells))
	err = w.Write(t.Header)
	row := 1 // rows a spreadsheet shows: a record is one row, multi-line cells included
	for i, cells := range t.Cells {
		if err != nil {
			break
		}
		for ; row+1 < t.Lines[i] && err == nil; row++ {
			err = w.Write(nil) // an empty line: an empty row
		}
		lines[i] = row + 1
		if cells == nil {
			cells = make([]string, len(t.Header)+1)
			cells[0] = "(unreadable row)"
		}
		if err == nil {
			err = w.Write(cells)
		}
		row++
	}
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return lines, err
}

// Connect checks the credentials with one request and returns a client.
func Connect(ctx context.Context, cr Credentials) (importer.API, error) {
	opts := []kintone.Option{kintone.WithHTTPClient(&http.Client{Timeout: 60 * time.Second}), kintone.WithUserAgent("userimport-web")}
	switch {
	case cr.APIToken != "":
		opts = append(opts, kintone.WithAPIToken(kintone.Secret(cr.APIToken)))
	case cr.Username != "" && cr.Password != "":
		opts = append(opts, kintone.WithPassword(cr.Username, kintone.Secret(cr.Password)))
	default:
		return nil, errors.New("no credentials")
	}
	if cr.BasicUser != "" {
		opts = append(opts, kintone.WithBasicAuth(cr.BasicUser, kintone.Secret(cr.BasicPass)))
	}
	c, err := kintone.NewClient(cr.Domain(), opts...)
	if err != nil {
		return nil, err
	}
	if _, err := c.GetUsers(ctx, kintone.GetUsersOptions{Size: 1}); err != nil {
		return nil, err
	}
	return c, nil
}

// Run runs a dry run or an import through api. The report is written to
// spec.Report with mode 0600; cancelling ctx stops as Ctrl-C does.
func Run(ctx context.Context, api importer.API, spec RunSpec) (*RunResult, error) {
	m, err := mappingOf(spec.MappingYAML)
	if err != nil {
		return nil, err
	}
	mode, err := importer.ParseMode(spec.Mode)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(spec.Report, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	w, err := report.New(f, report.CSV)
	if err != nil {
		return nil, err
	}
	cw := &countingReport{w: w, progress: spec.Progress}
	opts := importer.Options{File: spec.File, Kind: parseKind(spec.Kind), Mapping: m, Mode: mode,
		Report: cw, Resume: spec.Resume, DryRun: spec.DryRun}
	if !spec.DryRun {
		opts.SendLog = recovery.LogPath(spec.Report)
	}
	sum, err := importer.Import(ctx, api, opts)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if sum == nil {
		return nil, err
	}
	out := &RunResult{Counts: map[string]int{}, Interrupted: sum.Interrupted, Requests: sum.Requests, Elapsed: sum.Elapsed}
	for st, n := range sum.Counts {
		out.Counts[string(st)] = n
	}
	return out, err
}

// countingReport passes report rows on and tells the progress callback
// each row's status as it is written.
type countingReport struct {
	w        report.Writer
	done     int
	progress func(int, string)
}

func (c *countingReport) Write(r *report.Row) error {
	c.done++
	if c.progress != nil {
		c.progress(c.done, string(r.Status))
	}
	return c.w.Write(r)
}
func (c *countingReport) Flush() error { return c.w.Flush() }
func (c *countingReport) Close() error { return c.w.Close() }

// correctedRef is the location the importer puts before a message
// ("corrected.csv: row 7, "): the page names the row in the person's own
// file beside the message, and the corrected file is an internal name.
var correctedRef = regexp.MustCompile(`corrected\.csv: (row \d+(, )?)?`)

// ReadReport reads a report written by Run; messages lose the location in
// the corrected file (see correctedRef).
func ReadReport(path string, fn func(ReportRow) error) error {
	return report.Read(path, func(r report.Row) error {
		return fn(ReportRow{Row: r.Row, Code: r.Code, Status: string(r.Status), ErrorCode: r.ErrorCode,
			Message: correctedRef.ReplaceAllString(r.Message, ""), Services: r.Services, Depts: r.Departments})
	})
}

// ReportXLSX converts a CSV report to the report's XLSX format.
func ReportXLSX(csvPath string, w io.Writer) error {
	xw, err := report.New(w, report.XLSX)
	if err != nil {
		return err
	}
	err = report.Read(csvPath, func(r report.Row) error { return xw.Write(&r) })
	if cerr := xw.Close(); err == nil {
		err = cerr
	}
	return err
}

// LoadHeader reads only the header of the file.
func LoadHeader(path string, o ReadOptions) ([]string, error) {
	src, err := sheet.Open(path, sheet.Options{Encoding: o.Encoding, Sheet: o.Sheet, HeaderRow: o.HeaderRow})
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return slices.Clone(src.Header()), nil
}
