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

	"github.com/userimport/userimport/i18n"
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

// japaneseExamples replace, in a Japanese template, the example values a
// Japanese HR desk writes differently: names in Japanese, the localized
// name in English, a note in Japanese. Each still validates with no issue.
var japaneseExamples = map[validate.Kind]map[validate.Field]string{
	validate.Users: {
		validate.Name:            "山田 太郎",
		validate.SurName:         "山田",
		validate.GivenName:       "太郎",
		validate.LocalName:       "Taro Yamada",
		validate.LocalNameLocale: "en",
		validate.Description:     "記入例の行です。書き換えるか削除してから取り込んでください。※ の列は必須です。",
	},
	validate.Guests: {
		validate.Name:             "山田 花子",
		validate.Locale:           "ja",
		validate.SurNameReading:   "やまだ",
		validate.GivenNameReading: "はなこ",
		validate.Company:          "株式会社サンプル",
		validate.Division:         "営業部",
	},
}

// ExampleMarker opens the first cell of a template's example row. The
// reader recognises it (mapping.ErrExampleRow) and never imports the row,
// so importing an untouched template creates nobody, while the row still
// shows what each column takes.
const ExampleMarker = "e.g. "

// ExampleMarkerJapanese is ExampleMarker in a Japanese template: "例: ",
// which the reader recognises as well.
const ExampleMarkerJapanese = "例: "

// exampleValue is the example row's cell for fd in language l: the
// example value, after the example marker in the first column.
func exampleValue(kind validate.Kind, fd validate.Field, l i18n.Lang) string {
	v := exampleRows[kind][fd]
	if ja, ok := japaneseExamples[kind][fd]; ok && l == i18n.Japanese {
		v = ja
	}
	if fd == TemplateFields(kind)[0] {
		marker := ExampleMarker
		if l == i18n.Japanese {
			marker = ExampleMarkerJapanese
		}
		v = marker + v
	}
	return v
}

// TemplateFields returns the columns of a template for kind, in template
// order (validate.FieldsFor): every field the importer reads for that
// kind, including services and organizations for users.
func TemplateFields(kind validate.Kind) []validate.Field {
	return validate.FieldsFor(kind)
}

// TemplateOptions configures WriteTemplate.
type TemplateOptions struct {
	// Lang is the language a person reads in the template. English (the
	// zero value) heads the columns with the API field names; Japanese
	// with the labels of cybozu.com's users file (ログイン名, 表示名,
	// よみがな(姓)...), marks each required column with RequiredMark,
	// explains the mark on a "記入方法" sheet (XLSX) and in the example
	// row (CSV), and writes the notes and drop-down prompts in Japanese.
	// Both read back into Import with no mapping file.
	Lang i18n.Lang
}

// Template writes an English template; see WriteTemplate.
func Template(path string, kind validate.Kind) error {
	return WriteTemplate(path, kind, TemplateOptions{})
}

// WriteTemplate writes an empty import file for kind to path (.xlsx or
// .csv by extension): a header row with every field and one example row,
// whose first cell starts with an example marker so that it is never
// imported.
//
// The XLSX template also marks the required columns (bold red header, and
// RequiredMark in Japanese), puts a note on every header with the field's
// rules, offers drop-down lists for valid, locale, localNameLocale and
// timezone (the time zones on a hidden "lists" sheet: an inline list is
// limited to 255 characters), formats the date columns as dates and every
// other text column as text, so Excel keeps "00123" and "+81..." as typed,
// and makes each column wide enough to show its whole header.
//
// The CSV template is UTF-8 with a BOM, so that Excel opens it as UTF-8.
//
// Every header is one the reader maps to its field, so a filled-in
// template is read without any warning about unknown columns.
func WriteTemplate(path string, kind validate.Kind, opts TemplateOptions) error {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".xlsx":
		return writeXLSXTemplate(path, kind, opts.Lang)
	case ".csv":
		return writeCSVTemplate(path, kind, opts.Lang)
	default:
		return fmt.Errorf("template: unknown file extension %q (want .xlsx or .csv)", ext)
	}
}

// templateHeader is the header cell of fd: its label in l, after
// RequiredMark for a required column of a Japanese template.
func templateHeader(kind validate.Kind, fd validate.Field, l i18n.Lang) string {
	h := Label(fd, l)
	if l == i18n.Japanese && validate.Required(kind, fd) {
		h = RequiredMark + h
	}
	return h
}

func writeCSVTemplate(path string, kind validate.Kind, l i18n.Lang) (err error) {
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
		header[i] = templateHeader(kind, fd, l)
		example[i] = report.EscapeFormula(exampleValue(kind, fd, l))
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
	header, required, text, date, wrap int
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
		{&s.wrap, &excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
	} {
		if *st.id, err = f.NewStyle(st.style); err != nil {
			return s, err
		}
	}
	return s, nil
}

// xlsxTemplate is one template workbook being written.
type xlsxTemplate struct {
	f       *excelize.File
	sheet   string
	kind    validate.Kind
	lang    i18n.Lang
	styles  templateStyles
	tzRange string
	notes   map[validate.Field]string
}

// sheetNames are the template sheet's names by kind and language.
var sheetNames = map[validate.Kind]text{
	validate.Users:  {"users", "ユーザー"},
	validate.Guests: {"guests", "ゲスト"},
}

func writeXLSXTemplate(path string, kind validate.Kind, l i18n.Lang) error {
	f := excelize.NewFile()
	defer f.Close()
	t := &xlsxTemplate{f: f, sheet: sheetNames[kind].in(l), kind: kind, lang: l, notes: ruleNotes(kind, l)}
	if err := t.build(); err != nil {
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

// build fills the workbook: the template sheet, the guide sheet of a
// Japanese template, and the hidden lists.
func (t *xlsxTemplate) build() error {
	f := t.f
	if err := f.SetSheetName("Sheet1", t.sheet); err != nil {
		return err
	}
	var err error
	if t.styles, err = newTemplateStyles(f); err != nil {
		return err
	}
	if t.lang == i18n.Japanese {
		if err := t.guide(); err != nil {
			return err
		}
	}
	if t.tzRange, err = writeLists(f); err != nil {
		return err
	}
	for i, fd := range TemplateFields(t.kind) {
		if err := t.column(i+1, fd); err != nil {
			return fmt.Errorf("column %s: %w", fd, err)
		}
	}
	if err := fitToWidth(f, t.sheet); err != nil {
		return err
	}
	return f.SetPanes(t.sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// fitToWidth prints sheet landscape, as wide as one page, so that a
// printed (or PDF) template shows every column beside its header rather
// than one column per page.
func fitToWidth(f *excelize.File, sheet string) error {
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	landscape, wide, tall := "landscape", 1, 0
	return f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall})
}

// guide writes the sheet that explains the template in words: the legend
// of RequiredMark, the example row, and per column whether it is required,
// what it takes and its API name. It comes after the template sheet, which
// the reader takes as the first visible one.
func (t *xlsxTemplate) guide() error {
	name := txtGuideSheet.in(t.lang)
	if _, err := t.f.NewSheet(name); err != nil {
		return err
	}
	if err := t.f.SetCellStr(name, "A1", txtLegend.in(t.lang)); err != nil {
		return err
	}
	if err := t.f.SetCellStr(name, "A2", txtExampleRow.in(t.lang)); err != nil {
		return err
	}
	head := make([]string, len(txtGuideHead))
	for i, h := range txtGuideHead {
		head[i] = h.in(t.lang)
	}
	if err := t.guideRow(name, 4, head, t.styles.header); err != nil {
		return err
	}
	widest := 0.0
	for i, fd := range TemplateFields(t.kind) {
		header := templateHeader(t.kind, fd, t.lang)
		widest = max(widest, columnWidth(header, 0))
		req := txtNo
		if validate.Required(t.kind, fd) {
			req = txtYes
		}
		if err := t.guideRow(name, i+5, []string{header, req.in(t.lang), t.whatItTakes(fd), fd.String()}, t.styles.wrap); err != nil {
			return err
		}
	}
	for col, w := range map[string]float64{"A": widest, "B": 8, "C": guideLineWidth, "D": 20} {
		if err := t.f.SetColWidth(name, col, col, w); err != nil {
			return err
		}
	}
	return fitToWidth(t.f, name)
}

// guideRow writes one row of the guide in style, as tall as its "what it
// takes" cell needs.
func (t *xlsxTemplate) guideRow(sheet string, row int, cells []string, style int) error {
	first, _ := excelize.CoordinatesToCellName(1, row)
	last, _ := excelize.CoordinatesToCellName(len(cells), row)
	if err := t.f.SetSheetRow(sheet, first, &cells); err != nil {
		return err
	}
	if err := t.f.SetCellStyle(sheet, first, last, style); err != nil {
		return err
	}
	return t.f.SetRowHeight(sheet, row, 16*float64(rowLines(cells[2])))
}

// whatItTakes says in words what fd takes: the meanings of its drop-down
// (in Japanese, where the values stay the API's codes) and its rules.
func (t *xlsxTemplate) whatItTakes(fd validate.Field) string {
	var b strings.Builder
	if p, ok := dropDownPrompts[fd]; ok && t.lang == i18n.Japanese {
		b.WriteString(p.in(t.lang) + "\n")
	}
	b.WriteString(t.notes[fd])
	return strings.TrimSuffix(b.String(), "\n")
}

// noteBody is the text of fd's note after its title: what it takes, and
// in Japanese the API name, for the person who reads the API reference.
func (t *xlsxTemplate) noteBody(fd validate.Field) string {
	s := t.whatItTakes(fd)
	if p := txtAPIName.in(t.lang); p != "" {
		s += "\n" + p + fd.String()
	}
	return strings.TrimPrefix(s, "\n")
}

// guideLineWidth is the width, in narrow characters, of the guide's
// "what it takes" column; rowLines estimates how many lines its text
// wraps to there, since no spreadsheet grows a row to fit on opening.
const guideLineWidth = 90

func rowLines(s string) int {
	n := 0
	for _, line := range strings.Split(s, "\n") {
		n += max(1, (displayWidth(line)*6/5+guideLineWidth-1)/guideLineWidth)
	}
	return n
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

// column writes one column: format, width, header, note, drop-down and
// the example value.
func (t *xlsxTemplate) column(col int, fd validate.Field) error {
	f, sheet, st := t.f, t.sheet, t.styles
	name, err := excelize.ColumnNumberToName(col)
	if err != nil {
		return err
	}
	head, cell := name+"1", name+"2"
	required := validate.Required(t.kind, fd)

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
	header := templateHeader(t.kind, fd, t.lang)
	width := 16.0
	switch fd {
	case validate.Description, validate.Email, validate.URL, validate.Organizations, validate.Timezone:
		width = 24
	}
	if err := f.SetColWidth(sheet, name, name, columnWidth(header, width)); err != nil {
		return err
	}

	if err := f.SetCellStr(sheet, head, header); err != nil {
		return err
	}
	hs := st.header
	if required {
		hs = st.required
	}
	if err := f.SetCellStyle(sheet, head, head, hs); err != nil {
		return err
	}
	title := Label(fd, t.lang) + txtOptional.in(t.lang)
	if required {
		title = Label(fd, t.lang) + txtRequired.in(t.lang)
	}
	if err := f.AddComment(sheet, excelize.Comment{
		Cell: head, Author: "userimport",
		Paragraph: []excelize.RichTextRun{
			{Text: title + "\n", Font: &excelize.Font{Bold: true}},
			{Text: t.noteBody(fd)},
		},
		Width: 320, Height: 160,
	}); err != nil {
		return err
	}

	if err := t.dropDown(name, fd); err != nil {
		return err
	}
	return t.example(cell, fd)
}

// example writes fd's example value into cell.
func (t *xlsxTemplate) example(cell string, fd validate.Field) error {
	f, sheet := t.f, t.sheet
	v := exampleValue(t.kind, fd, t.lang)
	switch fd {
	case validate.BirthDate, validate.JoinDate:
		// A real date, so Excel shows and edits it as one; the reader
		// turns a date cell back into YYYY-MM-DD.
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return err
		}
		if err := f.SetCellValue(sheet, cell, d); err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell, cell, t.styles.date)
	case validate.SortOrder:
		return f.SetCellValue(sheet, cell, 10)
	}
	return f.SetCellStr(sheet, cell, v)
}

// dropDown adds the drop-down list of a column, if it has one. Blank stays
// allowed: every one of these fields is optional or has a default.
func (t *xlsxTemplate) dropDown(col string, fd validate.Field) error {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, lastRow)
	var err error
	switch fd {
	case validate.Valid:
		err = dv.SetDropList([]string{"true", "false"})
	case validate.Locale:
		list := templateUserLocales
		if t.kind == validate.Guests {
			list = templateGuestLocales
		}
		err = dv.SetDropList(list)
	case validate.LocalNameLocale:
		err = dv.SetDropList(templateLocalNameLocales)
	case validate.Timezone:
		dv.SetSqrefDropList(t.tzRange)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	label := Label(fd, t.lang)
	dv.SetError(excelize.DataValidationErrorStyleWarning, label, txtChoose.in(t.lang))
	if t.lang == i18n.Japanese {
		dv.SetInput(label, dropDownPrompts[fd].in(t.lang))
	}
	return t.f.AddDataValidation(t.sheet, dv)
}

// ruleNotes renders, per field, the descriptions in l of the rules that
// apply to kind: the text of each header's note.
func ruleNotes(kind validate.Kind, l i18n.Lang) map[validate.Field]string {
	notes := map[validate.Field]string{}
	for _, r := range validate.RulesFor(kind) {
		if r.Field < 0 || r.Field >= validate.NumFields {
			continue // rules of every field, or of custom items
		}
		prefix := "• "
		if r.Severity == validate.Warning {
			prefix = "• " + txtWarning.in(l)
		}
		notes[r.Field] += prefix + r.Describe(l) + "\n"
	}
	for fd, n := range notes {
		notes[fd] = strings.TrimSuffix(n, "\n")
	}
	return notes
}
