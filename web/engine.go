package web

// engine.go is the one place in package web that calls the importer,
// validate, report and kintone packages (the Check step's model, which
// calls mapping and validate too, is package web/table). Everything else
// in package web speaks the small vocabulary defined here and in
// web/table (RunSpec, table.Finding, ...), so that a change of the
// library's shape is absorbed by these two alone.

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/progress"
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

// sheet is o as the reader takes it.
func (o ReadOptions) sheet() sheet.Options {
	return sheet.Options{Encoding: o.Encoding, Sheet: o.Sheet, HeaderRow: o.HeaderRow}
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

// RunSpec is one dry run or import of a job.
type RunSpec struct {
	File        string // the corrected file to send
	Kind        string
	MappingYAML string
	Mode        string
	DryRun      bool
	Resume      string // previous report, for a resume
	Report      string // report path (.csv)
	// Progress, if set, receives the rows with a report line so far and
	// their counts per status (a map the callee may keep), from the
	// importer's events.
	Progress func(done int, counts map[string]int)
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
	opts := importer.Options{File: spec.File, Kind: parseKind(spec.Kind), Mapping: m, Mode: mode,
		Report: w, Resume: spec.Resume, DryRun: spec.DryRun, Events: progressEvents(spec.Progress)}
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
	out := &RunResult{Counts: statusCounts(sum.Counts), Interrupted: sum.Interrupted, Requests: sum.Requests, Elapsed: sum.Elapsed}
	return out, err
}

// progressEvents passes the importer's finished-rows events on to
// onRows (nil: none).
func progressEvents(onRows func(int, map[string]int)) func(progress.Event) {
	if onRows == nil {
		return nil
	}
	return func(ev progress.Event) {
		if ev.Kind == progress.RowsFinished || ev.Kind == progress.Done {
			onRows(ev.RowsFinished, statusCounts(ev.Counts))
		}
	}
}

func statusCounts(counts map[report.Status]int) map[string]int {
	out := make(map[string]int, len(counts))
	for st, n := range counts {
		out[string(st)] = n
	}
	return out
}

// ReadReport reads a report written by Run.
func ReadReport(path string, fn func(ReportRow) error) error {
	return report.Read(path, func(r report.Row) error {
		return fn(ReportRow{Row: r.Row, Code: r.Code, Status: string(r.Status), ErrorCode: r.ErrorCode,
			Message: reportMessage(&r), Services: r.Services, Depts: r.Departments})
	})
}

// reportMessage is what the plan and results tables show of a line: its
// message, then the fields an update changes (old -> new) and the row's
// warnings, so a would_update says what it would do.
func reportMessage(r *report.Row) string {
	parts := make([]string, 0, 3)
	for _, p := range []struct{ label, text string }{{"", r.Message}, {"changes: ", r.Changes}, {"warnings: ", r.Warnings}} {
		if p.text != "" {
			parts = append(parts, p.label+p.text)
		}
	}
	return strings.Join(parts, " · ")
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
	src, err := sheet.Open(path, o.sheet())
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return slices.Clone(src.Header()), nil
}
