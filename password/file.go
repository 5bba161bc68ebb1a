package password

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Mode is the permission of a passwords file: the owner only.
const Mode os.FileMode = 0o600

// header is the first line of a passwords file. The BOM makes Excel read
// the file as UTF-8, so Japanese display names show as typed.
var header = []string{"login", "name", "email", "password"}

const bom = "\uFEFF"

// Entry is one line of a passwords file.
type Entry struct {
	Login, Name, Email, Password string
}

// PathFor returns the passwords file that belongs to a report: the
// report's path plus ".passwords.csv". It is always a CSV while a run
// goes on, because only an appended file survives a crash; Finish turns it
// into .xlsx for an .xlsx report.
func PathFor(report string) string { return report + ".passwords.csv" }

// File is an open passwords file. It is not safe for concurrent use.
type File struct {
	path  string
	f     *os.File
	w     *csv.Writer
	known map[string]Entry
	order []string
}

// ErrNotPasswordsFile is returned by Open for an existing file that does
// not start with a passwords file's header: it is never appended to.
var ErrNotPasswordsFile = errors.New("not a passwords file written by userimport")

// Open opens the passwords file at path, creating it with Mode, and reads
// the entries an earlier run of the same import left there, so that a
// resume gives nobody a second password. A last line torn by a crash is
// dropped: its request was never sent, because a line is synced before
// its request.
func Open(path string) (*File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, Mode)
	if err != nil {
		return nil, fmt.Errorf("passwords file: %w", err)
	}
	pf := &File{path: path, f: f, known: map[string]Entry{}}
	if err := pf.load(); err != nil {
		f.Close()
		return nil, err
	}
	// A file an earlier run created keeps its mode; make sure it is 0600
	// even if someone widened it.
	if err := f.Chmod(Mode); err != nil {
		f.Close()
		return nil, fmt.Errorf("passwords file: %w", err)
	}
	pf.w = csv.NewWriter(f)
	return pf, nil
}

// load reads existing entries and leaves the file offset at the end of
// the last whole line.
func (pf *File) load() error {
	data, err := io.ReadAll(pf.f)
	if err != nil {
		return fmt.Errorf("passwords file %s: %w", pf.path, err)
	}
	if len(data) == 0 {
		if _, err := pf.f.WriteString(bom + strings.Join(header, ",") + "\n"); err != nil {
			return fmt.Errorf("passwords file %s: %w", pf.path, err)
		}
		return nil
	}
	whole := len(data)
	if i := strings.LastIndexByte(string(data), '\n'); i >= 0 {
		whole = i + 1
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data[:whole]), bom)))
	r.FieldsPerRecord = len(header)
	first, err := r.Read()
	if err != nil || strings.Join(first, ",") != strings.Join(header, ",") {
		return fmt.Errorf("%s: %w", pf.path, ErrNotPasswordsFile)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("passwords file %s: %w", pf.path, err)
		}
		pf.remember(Entry{rec[0], rec[1], rec[2], rec[3]})
	}
	if err := pf.f.Truncate(int64(whole)); err != nil {
		return fmt.Errorf("passwords file %s: %w", pf.path, err)
	}
	if _, err = pf.f.Seek(int64(whole), io.SeekStart); err != nil {
		return fmt.Errorf("passwords file %s: %w", pf.path, err)
	}
	if data[whole-1] != '\n' {
		// A header without its line end: end it before appending.
		_, err = pf.f.WriteString("\n")
	}
	return err
}

func (pf *File) remember(e Entry) {
	if _, ok := pf.known[e.Login]; !ok {
		pf.order = append(pf.order, e.Login)
	}
	pf.known[e.Login] = e
}

// Path returns the file's path.
func (pf *File) Path() string { return pf.path }

// Len returns the number of users in the file.
func (pf *File) Len() int { return len(pf.known) }

// Lookup returns the password the file holds for a login name.
func (pf *File) Lookup(login string) (string, bool) {
	e, ok := pf.known[login]
	return e.Password, ok
}

// Assign returns the password of a new user: the one the file already
// holds for the login name, or a new one appended to the file. Call Sync
// before sending the request that uses it.
func (pf *File) Assign(login, name, email string) (string, error) {
	if pw, ok := pf.Lookup(login); ok {
		return pw, nil
	}
	pw, err := Generate()
	if err != nil {
		return "", err
	}
	e := Entry{login, name, email, pw}
	if err := pf.w.Write([]string{e.Login, e.Name, e.Email, e.Password}); err != nil {
		return "", fmt.Errorf("passwords file %s: %w", pf.path, err)
	}
	pf.remember(e)
	return pw, nil
}

// Sync writes the appended lines through to the disk.
func (pf *File) Sync() error {
	pf.w.Flush()
	if err := pf.w.Error(); err != nil {
		return fmt.Errorf("passwords file %s: %w", pf.path, err)
	}
	if err := pf.f.Sync(); err != nil {
		return fmt.Errorf("passwords file %s: %w", pf.path, err)
	}
	return nil
}

// Close syncs and closes the file.
func (pf *File) Close() error {
	err := pf.Sync()
	if cerr := pf.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("passwords file %s: %w", pf.path, cerr)
	}
	return err
}

// Finish closes the file after a run that reached its end and keeps only
// the users for which created is true (a password assigned to a row the
// server then refused was never anyone's). The file is rewritten through a
// temporary file and a rename, so a crash leaves the old or the new one.
// With xlsx set, the result is written as an .xlsx workbook next to the
// report (path with ".csv" replaced by ".xlsx") and the CSV removed. It
// returns the final path, or "" when no user got a password (the file is
// then removed).
func (pf *File) Finish(created func(login string) bool, xlsx bool) (string, error) {
	if err := pf.Close(); err != nil {
		return "", err
	}
	var keep []Entry
	for _, login := range pf.order {
		if created(login) {
			keep = append(keep, pf.known[login])
		}
	}
	if len(keep) == 0 {
		return "", removeFile(pf.path)
	}
	if xlsx {
		out := strings.TrimSuffix(pf.path, ".csv") + ".xlsx"
		if err := writeXLSX(out, keep); err != nil {
			return "", err
		}
		return out, removeFile(pf.path)
	}
	return pf.path, rewriteCSV(pf.path, keep)
}

func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("passwords file: %w", err)
	}
	return nil
}

func rewriteCSV(path string, keep []Entry) error {
	return atomicWrite(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		if _, err := bw.WriteString(bom); err != nil {
			return err
		}
		cw := csv.NewWriter(bw)
		if err := cw.Write(header); err != nil {
			return err
		}
		for _, e := range keep {
			if err := cw.Write([]string{e.Login, e.Name, e.Email, e.Password}); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return bw.Flush()
	})
}

func writeXLSX(path string, keep []Entry) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "passwords"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	// Text cells, so Excel keeps every character as generated.
	text, err := x.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	if err := x.SetColStyle(sheet, "A:D", text); err != nil {
		return err
	}
	if err := x.SetColWidth(sheet, "A", "D", 28); err != nil {
		return err
	}
	rows := [][]string{header}
	for _, e := range keep {
		rows = append(rows, []string{e.Login, e.Name, e.Email, e.Password})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		if err := x.SetSheetRow(sheet, cell, &vals); err != nil {
			return err
		}
	}
	return atomicWrite(path, func(w io.Writer) error { return x.Write(w) })
}

// atomicWrite writes a file with Mode through a temporary file in the
// same directory and renames it into place.
func atomicWrite(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("passwords file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(Mode); err != nil {
		tmp.Close()
		return fmt.Errorf("passwords file: %w", err)
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("passwords file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("passwords file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("passwords file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("passwords file: %w", err)
	}
	return nil
}
