package export

import (
	"bufio"
	_ "embed"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// Timezones returns the time zone IDs the template offers: validate's own
// list, so that a zone picked from the drop-down always validates.
func Timezones() []string { return validate.TimeZones() }

// The locale drop-downs. They repeat validate's lists (which are not
// exported); TestTemplateListsValidate checks every entry against the
// validator so the two cannot drift apart unnoticed.
var (
	templateUserLocales      = []string{"auto", "ja", "en", "zh", "zh-TW", "es", "pt-BR", "th"}
	templateGuestLocales     = []string{"auto", "en", "zh", "ja"}
	templateLocalNameLocales = []string{"ja", "en", "zh", "zh-TW", "es", "pt-BR", "th"}
)

// exampleRows are the template's example row per kind. Each validates with
// no issue at all; the phone numbers deliberately do not start with "+",
// which a spreadsheet would take for a formula in a CSV file.
var exampleRows = map[validate.Kind]map[validate.Field]string{
	validate.Users: {
		validate.Code:             "taro.yamada",
		validate.Name:             "Taro Yamada",
		validate.Password:         "Initial-Pass-2024",
		validate.SurName:          "Yamada",
		validate.GivenName:        "Taro",
		validate.SurNameReading:   "やまだ",
		validate.GivenNameReading: "たろう",
		validate.LocalName:        "山田 太郎",
		validate.LocalNameLocale:  "ja",
		validate.Email:            "taro.yamada@example.com",
		validate.Valid:            "true",
		validate.Locale:           "ja",
		validate.Timezone:         "Asia/Tokyo",
		validate.Phone:            "03-1234-5678",
		validate.ExtensionNumber:  "1234",
		validate.MobilePhone:      "090-1234-5678",
		validate.URL:              "https://example.com/taro",
		validate.EmployeeNumber:   "E0001",
		validate.JoinDate:         "2024-04-01",
		validate.BirthDate:        "1990-01-15",
		validate.Description:      "Example row: replace it or delete it before importing.",
		validate.SortOrder:        "10",
		validate.Callto:           "taro.yamada",
		validate.Services:         "kintone",
		validate.Organizations:    "sales:manager",
	},
	validate.Guests: {
		validate.Code:             "guest@example.com",
		validate.Name:             "Guest Example",
		validate.Password:         "Initial-Pass-2024",
		validate.Timezone:         "Asia/Tokyo",
		validate.Locale:           "en",
		validate.SurNameReading:   "Example",
		validate.GivenNameReading: "Guest",
		validate.Company:          "Example Corp.",
		validate.Division:         "Sales",
		validate.Phone:            "03-1234-5678",
		validate.Callto:           "guest.example",
	},
}

// ExampleMarker opens the first cell of a template's example row. The
// reader recognises it (mapping.ErrExampleRow) and never imports the row,
// so importing an untouched template creates nobody, while the row still
// shows what each column takes.
const ExampleMarker = "e.g. "

// exampleValue is the example row's cell for fd: the example value, after
// ExampleMarker in the first column.
func exampleValue(kind validate.Kind, fd validate.Field) string {
	v := exampleRows[kind][fd]
	if fd == TemplateFields(kind)[0] {
		v = ExampleMarker + v
	}
	return v
}

// TemplateFields returns the columns of a template for kind, in template
// order (validate.FieldsFor): every field the importer reads for that
// kind, including services and organizations for users.
func TemplateFields(kind validate.Kind) []validate.Field {
	return validate.FieldsFor(kind)
}

// Template writes an empty import file for kind to path (.xlsx or
// .csv by extension): a header row with every field and one example row,
// whose first cell starts with ExampleMarker so that it is never imported.
//
// The XLSX template also marks the required columns (bold red header),
// puts a note on every header with the field's rules, offers drop-down
// lists for valid, locale, localNameLocale and timezone (the time zones on
// a hidden "lists" sheet: an inline list is limited to 255 characters),
// formats the date columns as dates and every other text column as text,
// so Excel keeps "00123" and "+81..." as typed.
//
// The CSV template is UTF-8 with a BOM, so that Excel opens it as UTF-8.
//
// The headers are the API field names, so a filled-in template is read
// without any warning about unknown columns.
func Template(path string, kind validate.Kind) error {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".xlsx":
		return writeXLSXTemplate(path, kind)
	case ".csv":
		return writeCSVTemplate(path, kind)
	default:
		return fmt.Errorf("template: unknown file extension %q (want .xlsx or .csv)", ext)
	}
}

func writeCSVTemplate(path string, kind validate.Kind) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("template: %w", cerr)
		}
	}()
	bw := bufio.NewWriter(f)
	bw.WriteString(utf8BOM)
	w := csv.NewWriter(bw)
	fields := TemplateFields(kind)
	header := make([]string, len(fields))
	example := make([]string, len(fields))
	for i, fd := range fields {
		header[i] = fd.String()
		example[i] = report.EscapeFormula(exampleValue(kind, fd))
	}
	w.Write(header)
	w.Write(example)
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	return nil
}

// listsSheet holds the long drop-down lists; it is hidden so that the
// reader (which takes the first visible sheet) and a person see only the
// template.
const listsSheet = "lists"

// lastRow bounds the drop-downs and column formats: Excel's last row.
const lastRow = 1048576

// templateStyles are the styles of one template workbook.
type templateStyles struct {
	header, required, text, date int
}

func newTemplateStyles(f *excelize.File) (templateStyles, error) {
	var s templateStyles
	var err error
	text := 49 // "@": the cell holds text as typed
	date := "yyyy-mm-dd"
	for _, st := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&s.header, &excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: text}},
		{&s.required, &excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}, NumFmt: text}},
		{&s.text, &excelize.Style{NumFmt: text}},
		{&s.date, &excelize.Style{CustomNumFmt: &date}},
	} {
		if *st.id, err = f.NewStyle(st.style); err != nil {
			return s, err
		}
	}
	return s, nil
}

func writeXLSXTemplate(path string, kind validate.Kind) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := kind.String()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	styles, err := newTemplateStyles(f)
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	tzRange, err := writeLists(f)
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	notes := ruleNotes(kind)
	for i, fd := range TemplateFields(kind) {
		if err := templateColumn(f, sheet, kind, i+1, fd, notes[fd], styles, tzRange); err != nil {
			return fmt.Errorf("template: column %s: %w", fd, err)
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	// Not SaveAs: it creates the file executable (0777 before umask).
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	if _, err := f.WriteTo(out); err != nil {
		out.Close()
		return fmt.Errorf("template: %w", err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	return nil
}

// writeLists fills the hidden lists sheet and returns the range of the
// time zone list.
func writeLists(f *excelize.File) (string, error) {
	if _, err := f.NewSheet(listsSheet); err != nil {
		return "", err
	}
	zones := Timezones()
	for i, z := range zones {
		if err := f.SetCellStr(listsSheet, fmt.Sprintf("A%d", i+1), z); err != nil {
			return "", err
		}
	}
	if err := f.SetSheetVisible(listsSheet, false); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s!$A$1:$A$%d", listsSheet, len(zones)), nil
}

// templateColumn writes one column: header, note, format, drop-down and
// the example value.
func templateColumn(f *excelize.File, sheet string, kind validate.Kind, col int, fd validate.Field, note string, st templateStyles, tzRange string) error {
	name, err := excelize.ColumnNumberToName(col)
	if err != nil {
		return err
	}
	head, cell := name+"1", name+"2"
	required := validate.Required(kind, fd)

	format := st.text
	switch fd {
	case validate.BirthDate, validate.JoinDate:
		format = st.date
	case validate.SortOrder:
		format = 0 // a number
	}
	if format != 0 {
		if err := f.SetColStyle(sheet, name, format); err != nil {
			return err
		}
	}
	width := 16.0
	switch fd {
	case validate.Description, validate.Email, validate.URL, validate.Organizations, validate.Timezone:
		width = 24
	}
	if err := f.SetColWidth(sheet, name, name, width); err != nil {
		return err
	}

	if err := f.SetCellStr(sheet, head, fd.String()); err != nil {
		return err
	}
	hs := st.header
	if required {
		hs = st.required
	}
	if err := f.SetCellStyle(sheet, head, head, hs); err != nil {
		return err
	}
	title := fd.String() + " (optional)"
	if required {
		title = fd.String() + " (required)"
	}
	if err := f.AddComment(sheet, excelize.Comment{
		Cell: head, Author: "userimport",
		Paragraph: []excelize.RichTextRun{
			{Text: title + "\n", Font: &excelize.Font{Bold: true}},
			{Text: note},
		},
		Width: 320, Height: 160,
	}); err != nil {
		return err
	}

	if err := dropDown(f, sheet, kind, name, fd, tzRange); err != nil {
		return err
	}

	v := exampleValue(kind, fd)
	switch fd {
	case validate.BirthDate, validate.JoinDate:
		// A real date, so Excel shows and edits it as one; the reader
		// turns a date cell back into YYYY-MM-DD.
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return err
		}
		if err := f.SetCellValue(sheet, cell, t); err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell, cell, st.date)
	case validate.SortOrder:
		return f.SetCellValue(sheet, cell, 10)
	}
	return f.SetCellStr(sheet, cell, v)
}

// dropDown adds the drop-down list of a column, if it has one. Blank stays
// allowed: every one of these fields is optional or has a default.
func dropDown(f *excelize.File, sheet string, kind validate.Kind, col string, fd validate.Field, tzRange string) error {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, lastRow)
	var err error
	switch fd {
	case validate.Valid:
		err = dv.SetDropList([]string{"true", "false"})
	case validate.Locale:
		list := templateUserLocales
		if kind == validate.Guests {
			list = templateGuestLocales
		}
		err = dv.SetDropList(list)
	case validate.LocalNameLocale:
		err = dv.SetDropList(templateLocalNameLocales)
	case validate.Timezone:
		dv.SetSqrefDropList(tzRange)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	dv.SetError(excelize.DataValidationErrorStyleWarning, fd.String(), "Choose a value from the list.")
	return f.AddDataValidation(sheet, dv)
}

// ruleNotes renders, per field, the descriptions of the rules that apply to
// kind: the text of each header's note.
func ruleNotes(kind validate.Kind) map[validate.Field]string {
	notes := map[validate.Field]string{}
	for _, r := range validate.RulesFor(kind) {
		if r.Field < 0 || r.Field >= validate.NumFields {
			continue // rules of every field, or of custom items
		}
		prefix := "• "
		if r.Severity == validate.Warning {
			prefix = "• (warning) "
		}
		notes[r.Field] += prefix + r.Description + "\n"
	}
	for fd, n := range notes {
		notes[fd] = strings.TrimSuffix(n, "\n")
	}
	return notes
}
