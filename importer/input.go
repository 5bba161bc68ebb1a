package importer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// input is an opened input file with what every stage needs to know of it.
type input struct {
	src    sheet.Source
	mapper *mapping.Mapper
	// fingerprint is what every report line carries (see fingerprintOf).
	fingerprint string
	cells       *cellNamer
	// fileFindings are the mapping's warnings about the whole file.
	fileFindings []report.Finding
	// unused are the columns of the file that no field takes: a cell
	// error there cannot reach a user, so it is only a warning.
	unused map[string]bool
	// ignored are the indexes of the columns no field takes and that the
	// person did not ask to ignore: a value there is said on its row.
	ignored []int
}

// openInput opens the file and plans its mapping: the header is found
// among the first rows by its labels, and a problem of the whole file (no
// header, a required column missing) is one error, before any row is
// reported. The caller closes in.src.
func openInput(o *Options) (*input, error) {
	so := o.Source
	so.CellsChecked = true // validate checks every value it is given for invalid UTF-8
	cols := columnFields{kind: o.Kind, m: o.Mapping}
	if so.HeaderRow == 0 && so.FindHeader == nil {
		so.FindHeader = mapping.FindHeader
	}
	if so.TextColumns == nil {
		so.TextColumns = cols.text
	}
	if so.KeepQuote == nil {
		so.KeepQuote = cols.password
	}
	if so.HeaderIsData == nil {
		// A row the mapping cannot plan is not checked as a header
		// either: the mapping's error, which knows the layouts, is
		// the one reported below.
		so.HeaderIsData = func(first []string) bool {
			mp, err := mapping.NewMapperOptions(first, o.Kind, mapping.Options{Mapping: o.Mapping, Layout: o.Layout})
			return err != nil || mp.HeaderIsData()
		}
	}
	fp, err := fingerprintOf(o.File, o.Resume != "")
	if err != nil {
		return nil, err
	}
	src, err := sheet.Open(o.File, so)
	if err != nil {
		return nil, withHint(err, o, nil)
	}
	in := &input{src: src, fingerprint: fp}
	in.mapper, err = mapping.NewMapperOptions(src.Header(), o.Kind, mapping.Options{Mapping: o.Mapping, Layout: o.Layout})
	if err == nil {
		err = in.mapper.Diagnose(requiredColumns(o, in.mapper)...)
		var he *mapping.HeaderError
		if errors.As(err, &he) && !slices.Contains(he.Missing, validate.Code.String()) {
			// Only what creating a user needs is missing: the file may be
			// meant to update users that exist.
			err = fmt.Errorf("%w; to update existing users only, use --mode upsert or --mode skip-existing", err)
		}
	}
	if err != nil {
		src.Close()
		if errors.Is(err, mapping.ErrNoHeader) && so.HeaderRow == 0 && fp != filepath.Base(o.File) {
			err = noHeader(o.File, so, err)
		}
		return nil, &sheet.FileError{File: filepath.Base(o.File), Err: withHint(err, o, src)}
	}
	header := in.mapper.Header()
	in.cells = newCellNamer(header, src.Sheet())
	in.unused = unusedColumns(o.Mapping, in.mapper.Findings())
	in.ignored = ignoredColumns(header, in.unused, o.Mapping)
	for _, f := range in.mapper.Findings() {
		fmt.Fprintf(o.Log, "warning: %s: %s\n", filepath.Base(o.File), f.Message)
		in.fileFindings = append(in.fileFindings, f)
	}
	return in, nil
}

// noHeader is the error of a file in which no header was found, built
// from all the rows searched (the mapping saw only the first): their near
// misses are usually the fix. A file that can be read again only.
func noHeader(path string, so sheet.Options, err error) error {
	rows, perr := sheet.Preview(path, so, sheet.HeaderScanRows)
	if perr != nil || len(rows) == 0 {
		return err
	}
	cells := make([][]string, len(rows))
	for i := range rows {
		cells[i] = rows[i].Cells
	}
	return mapping.NoHeaderError(cells)
}

// codeCol returns the index of the login name's column, or -1 when a
// --mapping builds it.
func (in *input) codeCol() int {
	if i, ok := in.cells.index[in.mapper.Columns()[validate.Code]]; ok {
		return i
	}
	return -1
}

// fingerprintOf is the fingerprint every report line carries. A regular
// file is fingerprinted before it is read, because the lines are written
// while it is read and a --resume compares them; the source fingerprints
// the bytes it reads too, and a difference at the end means the file
// changed during the run (see checkFingerprint). A pipe can be read only
// once: its lines carry its name, and the summary the fingerprint of what
// was read. A --resume needs a file it can fingerprint first.
func fingerprintOf(path string, resume bool) (string, error) {
	st, err := os.Stat(path)
	if err == nil && !st.Mode().IsRegular() {
		if resume {
			return "", &sheet.FileError{File: filepath.Base(path), Err: errors.New("--resume needs a regular file: a pipe cannot be fingerprinted before it is read, so the earlier report cannot be matched to it")}
		}
		return filepath.Base(path), nil
	}
	return sheet.Fingerprint(path)
}

// checkFingerprint compares, after the whole file was read, the
// fingerprint of the bytes read with the one the lines carry, and returns
// a warning about the whole file when the file changed while it was read.
func (in *input) checkFingerprint() *report.Finding {
	got := in.src.Fingerprint()
	if got == "" || !strings.Contains(in.fingerprint, " crc32c:") || got == in.fingerprint {
		return nil
	}
	return &report.Finding{Rule: "file.changed", Severity: report.SeverityWarning,
		Message: "the file changed while it was read (it was saved again during the run): the report describes the rows as they were read; check the file and run it again if in doubt"}
}

// describe completes a run's summary with the fingerprint of the bytes
// read, checked against the one the report lines carry once the whole
// file has been read.
func (in *input) describe(sum *Summary, cut bool) {
	sum.Fingerprint = in.src.Fingerprint()
	if cut {
		return
	}
	if f := in.checkFingerprint(); f != nil {
		sum.FileFindings = append(sum.FileFindings, *f)
	}
}

// requiredColumns are the fields the file must have a column for: the
// login name always; in create mode, a display name and a password too,
// which every new user needs (a missing column is then one file error,
// not one error per row; --generate-passwords fills in passwords).
// cybozu's services and departments files only
// change existing users.
func requiredColumns(o *Options, mp *mapping.Mapper) []validate.Field {
	if o.Kind == validate.Users && o.Mode == Create && !updatesOnly(mp.Layout()) {
		if o.Lifecycle.GeneratePasswords {
			return []validate.Field{validate.Code, validate.Name}
		}
		return []validate.Field{validate.Code, validate.Name, validate.Password}
	}
	return []validate.Field{validate.Code}
}

// ignoredColumns are the indexes of the unused columns the mapping file
// does not list under ignore:, in file order.
func ignoredColumns(header []string, unused map[string]bool, m *mapping.File) []int {
	asked := map[string]bool{}
	if m != nil {
		for _, c := range m.Ignore {
			asked[c] = true
		}
	}
	var out []int
	for i, h := range header {
		if unused[h] && !asked[h] {
			out = append(out, i)
		}
	}
	return out
}

// unusedColumns lists the columns that no field takes: those the mapping
// names as unknown, not for the kind or replaced, and the --mapping
// file's ignore list. A mapping that builds values with templates may
// read any column, so then none is unused.
func unusedColumns(m *mapping.File, fs []report.Finding) map[string]bool {
	if m != nil && len(m.Fields) > 0 {
		return nil
	}
	out := map[string]bool{}
	for _, f := range fs {
		switch f.Rule {
		case "column.unknown", "column.not_for_kind", "column.custom_unnamed", "column.replaced_by_mapping":
			if f.Column != "" {
				out[f.Column] = true
			}
		}
	}
	if m != nil {
		for _, c := range m.Ignore {
			out[c] = true
		}
	}
	return out
}

// withHint adds to an error about the whole file the flag that most
// likely fixes it: a header found below the first row, cybozu's layout
// for a file without a header, another encoding for a CSV file whose
// labels look garbled.
func withHint(err error, o *Options, src sheet.Source) error {
	var hints []string
	if errors.Is(err, sheet.ErrEncoding) && !strings.Contains(err.Error(), "windows-1252") {
		hints = append(hints, "if the file was saved by Excel on a Western-European Windows (ANSI), try --encoding windows-1252")
	}
	if errors.Is(err, mapping.ErrNoHeader) || errors.Is(err, mapping.ErrMissingColumn) {
		// The header error itself says how to name, map or find columns.
		if src != nil && src.Encoding() == "shift_jis" && !asciiCells(src.Header()) {
			hints = append(hints, "the file was read as Shift_JIS; if its labels look garbled, try --encoding windows-1252 or --encoding utf-8")
		}
	}
	if len(hints) == 0 {
		return err
	}
	return &hintedError{err: err, hints: hints}
}

func asciiCells(cells []string) bool {
	for _, c := range cells {
		for i := range len(c) {
			if c[i] >= 0x80 {
				return false
			}
		}
	}
	return true
}

// hintedError is an error about the whole file with what to try next.
type hintedError struct {
	err   error
	hints []string
}

func (e *hintedError) Error() string {
	return e.err.Error() + "; next: " + strings.Join(e.hints, "; ")
}

func (e *hintedError) Unwrap() error { return e.err }

// columnFields tells the reader which columns hold text that looks like
// numbers and which one holds passwords. The reader asks while it opens
// the file, before the mapping is planned on the header it finds, so each
// header cell is looked up on its own (a --mapping rename first).
type columnFields struct {
	kind validate.Kind
	m    *mapping.File
}

// field returns the field a header cell names, or custom == true for a
// custom item.
func (c columnFields) field(h string) (f validate.Field, custom, ok bool) {
	if c.m != nil {
		if name, found := c.m.Columns[h]; found {
			if strings.HasPrefix(name, "customItem.") {
				return 0, true, true
			}
			f, ok = validate.FieldByName(name)
			return f, false, ok
		}
	}
	mp, err := mapping.NewMapperOptions([]string{h}, c.kind, mapping.Options{})
	if err != nil || mp.HeaderIsData() {
		return 0, false, false
	}
	if len(mp.CustomColumns()) > 0 {
		return 0, true, true
	}
	cols := mp.Columns()
	for i, name := range cols {
		if name != "" {
			return validate.Field(i), false, true
		}
	}
	return 0, false, false
}

// text reports a column whose values are text even when they look like
// numbers: login names, employee, phone and extension numbers and custom
// items, whose leading zeros matter.
func (c columnFields) text(h string) bool {
	f, custom, ok := c.field(h)
	if !ok {
		return false
	}
	if custom {
		return true
	}
	switch f {
	case validate.Code, validate.EmployeeNumber, validate.Phone, validate.MobilePhone, validate.ExtensionNumber:
		return true
	}
	return false
}

// password reports the password column, whose leading ' is kept as typed
// even in a file this tool exported.
func (c columnFields) password(h string) bool {
	f, custom, ok := c.field(h)
	return ok && !custom && f == validate.Password
}

// updatesOnly reports cybozu.com's services and departments files, which
// change existing users and never create one.
func updatesOnly(l mapping.Layout) bool {
	return l == mapping.LayoutCybozuServices || l == mapping.LayoutCybozuDepartments
}
