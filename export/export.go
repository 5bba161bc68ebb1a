// Package export writes files a person edits and imports again: every user
// of a domain (Users) and an empty template with every column, its rules and
// drop-downs (Template), as .xlsx or .csv.
package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/sync/errgroup"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/pacer"
	"github.com/userimport/userimport/payload"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// API is the part of the cybozu.com User API that Export reads. It is
// read-only: an export never needs more than Get rights. *kintone.Client
// implements it, and so does every API.
type API interface {
	GetUsers(ctx context.Context, opt kintone.GetUsersOptions) ([]kintone.User, error)
	GetUserServices(ctx context.Context, codes []string, offset, size int) ([]kintone.UserServices, error)
	GetUserOrganizations(ctx context.Context, code string) ([]kintone.OrganizationTitle, error)
}

// ErrGuestsNotListable is returned by Export for validate.Guests: the
// API can add and delete guests but has no call that lists them, so there
// is nothing to export.
var ErrGuestsNotListable = errors.New("guests cannot be exported: the cybozu.com API has no way to list guest users (Get Users returns cybozu.com users only); keep the file you imported them from")

// Options configures Export.
type Options struct {
	// Kind must be validate.Users (the zero value); Guests is refused with
	// ErrGuestsNotListable.
	Kind validate.Kind
	// Concurrency is the number of requests in flight. Get User's
	// Departments takes one user per request, so it dominates an export;
	// default 4, at most importer.MaxConcurrency.
	Concurrency int
	// Rate caps requests per second (0 = no cap).
	Rate float64
	// Retry bounds the retries of transient failures.
	Retry pacer.RetryPolicy
	// Progress, if set, is called with the number of users written so far,
	// once per page of up to 100.
	Progress func(done int)
	// Log receives warnings for a person (stderr). Nil discards.
	Log io.Writer
	// Layout is mapping.LayoutAuto (the zero value: API field names, the
	// format Import reads best) or mapping.LayoutCybozu: the users file of
	// cybozu.com's own "Import from File" screen (25 columns in its order,
	// custom items after 削除, a .csv file only, no services or
	// departments: cybozu imports those from files of their own).
	Layout mapping.Layout
	// Encoding of a cybozu-layout file: "" or "utf-8", or "shift_jis"
	// (CP932, what cybozu's screen offers first in Japan).
	Encoding string
	// NoHeader leaves the header row out of a cybozu-layout file (cybozu's
	// API import wants none; its screen skips one on request).
	NoHeader bool
	// Lang is the language of the header of the default layout: English
	// (the zero value) writes the API field names, Japanese the labels of
	// cybozu.com's users file (ログイン名, 表示名...) and 利用サービス,
	// 所属組織. Custom items are customItem.<code> in both: the API names
	// no custom item's display name, and the code is what Import reads
	// back. The values are the same in both languages, so either export
	// imports back unchanged. The cybozu layout is always in Japanese, as
	// cybozu's own export writes it.
	Lang i18n.Lang
}

func (o *Options) setDefaults() error {
	if o.Kind == validate.Guests {
		return ErrGuestsNotListable
	}
	if err := importer.CheckLimits(&o.Concurrency, o.Rate); err != nil {
		return err
	}
	switch o.Layout {
	case mapping.LayoutAuto:
		if o.Encoding != "" || o.NoHeader {
			return errors.New("export: an encoding or a file without a header is only for --layout cybozu")
		}
	case mapping.LayoutCybozu:
		if _, _, err := cybozuEncoding(o.Encoding); err != nil {
			return err
		}
	default:
		return fmt.Errorf("export: --layout %s is not written (only auto and cybozu)", o.Layout)
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	o.Retry.SetDefaults()
	return nil
}

// exportFields are the User API fields of an export, in the order of the
// API's User object (the reference's §3.2), which is also the order an
// admin reading Get Users output expects. services, organizations and the
// custom items follow.
var exportFields = []validate.Field{
	validate.Code, validate.Valid, validate.Name, validate.SurName, validate.GivenName,
	validate.SurNameReading, validate.GivenNameReading, validate.LocalName,
	validate.LocalNameLocale, validate.Locale, validate.Timezone, validate.Description,
	validate.Phone, validate.MobilePhone, validate.ExtensionNumber, validate.Email,
	validate.Callto, validate.URL, validate.EmployeeNumber, validate.BirthDate,
	validate.JoinDate, validate.SortOrder, validate.Services, validate.Organizations,
}

// Header returns the header row Export writes for the given custom
// item codes: API field names, services, organizations, then
// customItem.<code> for each code. Every name is one the importer's reader
// maps back to the same field, and there is no password column.
func Header(customCodes []string) []string { return HeaderIn(i18n.English, customCodes) }

// HeaderIn is Header in language l: each field by its Label in l.
func HeaderIn(l i18n.Lang, customCodes []string) []string {
	h := make([]string, 0, len(exportFields)+len(customCodes))
	for _, f := range exportFields {
		h = append(h, Label(f, l))
	}
	for _, c := range customCodes {
		h = append(h, "customItem."+c)
	}
	return h
}

// Creator is the creator in the document properties of an XLSX export,
// so that a reader can tell a workbook this tool wrote.
const Creator = "userimport"

// IsExport reports whether header is the header of a CSV or XLSX export in
// the default layout (HeaderIn, in any language): the fields in export
// order, then only customItem.<code> columns. It is how a reader
// recognises a CSV file this tool wrote, which carries no other mark.
func IsExport(header []string) bool {
	if len(header) < len(exportFields) {
		return false
	}
	return slices.ContainsFunc(i18n.Langs(), func(l i18n.Lang) bool { return isExportIn(header, l) })
}

func isExportIn(header []string, l i18n.Lang) bool {
	for i, f := range exportFields {
		if header[i] != Label(f, l) {
			return false
		}
	}
	for _, h := range header[len(exportFields):] {
		if !strings.HasPrefix(h, "customItem.") || len(h) == len("customItem.") {
			return false
		}
	}
	return true
}

// Export writes every user of the domain to path (.csv or .xlsx, by
// extension) in exactly the format Import reads, and returns how many users
// it wrote. Importing an untouched export with Upsert reports every row
// unchanged and sends no write.
//
// Users are read in pages of 100 (Get Users by offset, in id order) and
// written as each page arrives, so memory does not grow with the domain.
// Because the header must name every custom item before the first row,
// the users are listed twice: once to collect the custom item codes (a few
// strings), then to write. For each page, one Get User Services request
// (100 codes) and one Get User's Departments request per user (the API
// takes one user at a time) run concurrently, at most opts.Concurrency in
// flight, through one rate limiter and the same retries as Import.
//
// The file is written under a temporary name and renamed at the end, so an
// interrupted or failed export never leaves a partial file that looks
// complete. It is readable by its owner only: it holds personal data. CSV files are UTF-8 with a BOM (Excel needs it) and cells that
// a spreadsheet would run as a formula are escaped with a leading ' (see
// report.EscapeFormula); XLSX cells are written as strings, which
// spreadsheets never run, so they hold the values unchanged.
//
// Paging by offset is not a snapshot: users added meanwhile get higher ids
// and are simply included or not; a user deleted during the export may
// hide another from it, or make the export fail when its departments are
// read.
//
// The Administrator user is listed by Get Users but not by Get User
// Services; it is exported with an empty services cell, which Import reads
// as "leave the services as they are".
func Users(ctx context.Context, api API, path string, opts Options) (int, error) {
	if err := opts.setDefaults(); err != nil {
		return 0, err
	}
	pc, err := newPacer(&opts)
	if err != nil {
		return 0, err
	}
	e := &exporter{api: api, opts: opts, ctx: ctx, pacer: pc}
	open, err := exportFormat(path, &opts)
	if err != nil {
		return 0, err
	}
	customs, err := e.customCodes()
	if err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w, err := open(tmp)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	n, err := e.write(w, customs)
	if err != nil {
		return n, err
	}
	if err := w.close(); err != nil {
		return n, fmt.Errorf("export: writing %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Close(); err != nil {
		return n, fmt.Errorf("export: writing %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	ok = true
	return n, nil
}

type exporter struct {
	api   API
	opts  Options
	ctx   context.Context
	pacer *pacer.Pacer
}

// newPacer builds the one pacer of an export from its options: every
// request of the export shares its rate limit, its in-flight cap and the
// retry policy Import uses.
func newPacer(o *Options) (*pacer.Pacer, error) {
	p, err := pacer.New(pacer.Options{
		Rate:        o.Rate,
		Concurrency: o.Concurrency,
		MaxAttempts: o.Retry.MaxAttempts,
		Base:        o.Retry.Base,
		Max:         o.Retry.Max,
		Sleep:       o.Retry.Sleep,
	})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return p, nil
}

// call runs one read through the pacer. Reads are always safe to repeat,
// so every retryable failure is retried; a refused login or permission is
// a FatalError, which no other request of the export would get past.
func (e *exporter) call(ctx context.Context, fn func(ctx context.Context) error) error {
	err := e.pacer.Call(ctx, fn)
	switch {
	case err == nil:
		return nil
	case kintone.IsAuth(err) || kintone.IsPermission(err):
		return &importer.FatalError{Err: err}
	case errors.Is(err, pacer.ErrStopped) && ctx.Err() != nil:
		// The pacer stopped retrying because ctx ended: callers branch on
		// the cancellation, so it must be in the chain.
		return fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	return err
}

// pages calls fn with each page of users in id order, through the one
// pager of the domain's users with every page paced.
func (e *exporter) pages(fn func([]kintone.User) error) error {
	get := kintone.GetUsersFunc(func(ctx context.Context, opt kintone.GetUsersOptions) ([]kintone.User, error) {
		var page []kintone.User
		err := e.call(ctx, func(ctx context.Context) error {
			var err error
			page, err = e.api.GetUsers(ctx, opt)
			return err
		})
		return page, err
	})
	for page, err := range kintone.UserPages(e.ctx, get) {
		if err != nil {
			return fmt.Errorf("export: listing users from #%d: %w", page.Offset+1, err)
		}
		if err := fn(page.Users); err != nil {
			return err
		}
	}
	return nil
}

// customCodes lists the custom item codes any user has, in first-seen
// order (Get Users returns them in the admin's display order). A domain
// has at most 50, so this is the only state that outlives a page.
func (e *exporter) customCodes() ([]string, error) {
	var codes []string
	seen := map[string]bool{}
	err := e.pages(func(page []kintone.User) error {
		for _, u := range page {
			for _, c := range u.CustomItemValues {
				if !seen[c.Code] {
					seen[c.Code] = true
					codes = append(codes, c.Code)
				}
			}
		}
		return nil
	})
	return codes, err
}

// write lists the users again and writes them page by page.
func (e *exporter) write(w exportWriter, customs []string) (int, error) {
	cybozu := e.opts.Layout == mapping.LayoutCybozu
	header, fixed := HeaderIn(e.opts.Lang, customs), len(exportFields)
	if cybozu {
		header, fixed = cybozuHeader(customs), mapping.CybozuUsersColumns
	}
	if err := w.row(header); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	customCol := make(map[string]int, len(customs))
	for i, c := range customs {
		customCol[c] = fixed + i
	}
	cells := make([]string, len(header))
	var late map[string]bool
	n := 0
	err := e.pages(func(page []kintone.User) error {
		var services map[string][]string
		var orgs []string
		if !cybozu { // cybozu's users file has no services or departments
			var err error
			if services, orgs, err = e.details(page); err != nil {
				return err
			}
		}
		for i := range page {
			u := &page[i]
			clear(cells)
			if cybozu {
				cybozuCells(cells, u)
			} else {
				userCells(cells, u)
				cells[len(exportFields)-2] = strings.Join(services[u.Code], ";")
				cells[len(exportFields)-1] = orgs[i]
			}
			for _, c := range u.CustomItemValues {
				j, ok := customCol[c.Code]
				if !ok {
					// Defined after the first listing: the header is out,
					// so the value cannot be written. Leaving the column out
					// makes Import leave the item alone, never clear it.
					if late == nil {
						late = map[string]bool{}
					}
					if !late[c.Code] {
						late[c.Code] = true
						fmt.Fprintf(e.opts.Log, "warning: custom item %q appeared during the export and is not in the file; export again to include it\n", c.Code)
					}
					continue
				}
				cells[j] = c.Value
			}
			if err := w.row(cells); err != nil {
				return fmt.Errorf("export: %w", err)
			}
		}
		n += len(page)
		if e.opts.Progress != nil {
			e.opts.Progress(n)
		}
		return nil
	})
	return n, err
}

// details reads the services of a page (one request) and each user's
// departments (one request per user), concurrently. orgs[i] is the
// organizations cell of page[i].
func (e *exporter) details(page []kintone.User) (map[string][]string, []string, error) {
	g, ctx := errgroup.WithContext(e.ctx)
	g.SetLimit(e.opts.Concurrency)
	services := make(map[string][]string, len(page))
	g.Go(func() error {
		codes := make([]string, len(page))
		for i, u := range page {
			codes[i] = u.Code
		}
		var got []kintone.UserServices
		err := e.call(ctx, func(ctx context.Context) error {
			var err error
			got, err = e.api.GetUserServices(ctx, codes, 0, kintone.MaxPerRequest)
			return err
		})
		if err != nil {
			return fmt.Errorf("export: reading services: %w", err)
		}
		for _, us := range got {
			services[us.Code] = us.Services
		}
		return nil
	})
	orgs := make([]string, len(page))
	for i, u := range page {
		if ctx.Err() != nil {
			break // g.Go does not look at ctx; stop launching after a failure
		}
		g.Go(func() error {
			var ots []kintone.OrganizationTitle
			err := e.call(ctx, func(ctx context.Context) error {
				var err error
				ots, err = e.api.GetUserOrganizations(ctx, u.Code)
				return err
			})
			if err != nil {
				return fmt.Errorf("export: reading the departments of %q: %w", u.Code, err)
			}
			orgs[i] = organizationsCell(ots)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	if err := e.ctx.Err(); err != nil {
		return nil, nil, err
	}
	return services, orgs, nil
}

// userCells fills the API field cells of u, in exportFields order.
func userCells(cells []string, u *kintone.User) {
	for i, f := range exportFields {
		var v string
		switch f {
		case validate.Code:
			v = u.Code
		case validate.Valid:
			v = strconv.FormatBool(u.Valid)
		case validate.SortOrder:
			if u.SortOrder != nil {
				v = strconv.FormatInt(*u.SortOrder, 10)
			}
		case validate.Services, validate.Organizations:
			continue
		default:
			v = stringFieldOf(f, u)
		}
		cells[i] = v
	}
}

// stringFieldOf reads a plain string field of u through the same table
// that Import compares with, so export and import cannot disagree on
// which User field a column is.
func stringFieldOf(f validate.Field, u *kintone.User) string {
	for _, sf := range payload.StringFields {
		if sf.Field == f {
			return sf.Out(u)
		}
	}
	return ""
}

// organizationsCell renders departments the way the organizations column
// is written: "sales:manager;hr", primary first.
func organizationsCell(ots []kintone.OrganizationTitle) string {
	var b strings.Builder
	for i, ot := range ots {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(ot.Organization.Code)
		if ot.Title != nil && ot.Title.Code != "" {
			b.WriteByte(':')
			b.WriteString(ot.Title.Code)
		}
	}
	return b.String()
}

// exportWriter writes the rows of one export file.
type exportWriter interface {
	row(cells []string) error
	close() error
}

// exportFormat picks the writer for path's extension.
func exportFormat(path string, o *Options) (func(*os.File) (exportWriter, error), error) {
	ext := strings.ToLower(filepath.Ext(path))
	if o.Layout == mapping.LayoutCybozu {
		if ext != ".csv" {
			return nil, fmt.Errorf("export: --layout cybozu writes a .csv file (cybozu.com imports no other), not %q", ext)
		}
		return func(f *os.File) (exportWriter, error) { return newCybozuCSV(f, o) }, nil
	}
	switch ext {
	case ".csv":
		return newCSVExport, nil
	case ".xlsx":
		return newXLSXExport, nil
	default:
		return nil, fmt.Errorf("export: unknown file extension %q (want .csv or .xlsx)", ext)
	}
}

// utf8BOM makes Excel open a CSV file as UTF-8 instead of the system code
// page; the importer's reader strips it.
const utf8BOM = "\uFEFF"

type csvExport struct {
	bw  *bufio.Writer
	cw  *csv.Writer
	esc []string
}

func newCSVExport(f *os.File) (exportWriter, error) {
	bw := bufio.NewWriterSize(f, 64<<10)
	// The marker line tells the reader that a leading ' is an escape
	// (report.EscapeFormula) to be removed on import.
	if _, err := bw.WriteString(utf8BOM + sheet.ExportMarker + "\r\n"); err != nil {
		return nil, err
	}
	return &csvExport{bw: bw, cw: csv.NewWriter(bw)}, nil
}

// row escapes formula-like cells: a CSV file has no cell types, so a
// spreadsheet opening it would run "=HYPERLINK(...)" from a user's
// description. The leading ' is what Excel shows as "text"; the reader
// must drop it again (report.UnescapeFormula) for the round trip.
func (w *csvExport) row(cells []string) error {
	w.esc = w.esc[:0]
	for _, c := range cells {
		w.esc = append(w.esc, report.EscapeFormula(c))
	}
	return w.cw.Write(w.esc)
}

func (w *csvExport) close() error {
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return err
	}
	return w.bw.Flush()
}

// xlsxSheet is the name of the exported sheet; the reader takes the first
// visible sheet whatever its name.
const xlsxSheet = "users"

type xlsxExport struct {
	f      *excelize.File
	out    *os.File
	sw     *excelize.StreamWriter
	rowNum int
	header int // style of the header row
	buf    []any
}

func newXLSXExport(out *os.File) (exportWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", xlsxSheet); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Creator: Creator}); err != nil {
		f.Close()
		return nil, err
	}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(xlsxSheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		f.Close()
		return nil, err
	}
	return &xlsxExport{f: f, out: out, sw: sw, header: header}, nil
}

// row writes the cells as strings. A string cell is never evaluated by a
// spreadsheet, so unlike CSV nothing needs escaping and the file holds the
// server's values exactly.
func (w *xlsxExport) row(cells []string) error {
	w.rowNum++
	w.buf = w.buf[:0]
	if w.rowNum == 1 {
		if err := w.widths(cells); err != nil {
			return err
		}
	}
	for _, c := range cells {
		if w.rowNum == 1 {
			w.buf = append(w.buf, excelize.Cell{StyleID: w.header, Value: c})
		} else {
			w.buf = append(w.buf, c)
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, w.rowNum)
	if err != nil {
		return err
	}
	return w.sw.SetRow(cell, w.buf)
}

// widths makes each column wide enough to show its header, before the
// first row as the stream writer requires.
func (w *xlsxExport) widths(header []string) error {
	for i, h := range header {
		if err := w.sw.SetColWidth(i+1, i+1, columnWidth(h, 12)); err != nil {
			return err
		}
	}
	return nil
}

func (w *xlsxExport) close() error {
	defer w.f.Close()
	if err := w.sw.Flush(); err != nil {
		return err
	}
	_, err := w.f.WriteTo(w.out)
	return err
}
