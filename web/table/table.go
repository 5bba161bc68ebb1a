package table

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/userimport/userimport/sheet"
)

// Severities of a finding.
const (
	SevError   = "error"
	SevWarning = "warning"
)

// Finding is one problem of one row, located at a cell when it concerns
// one (Col >= 0).
type Finding struct {
	Col      int    `json:"col"`
	Column   string `json:"column"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// File is the whole file in memory: its header and data rows as the
// reader returned them. A row the reader could not read has nil Cells and
// its reason in Unreadable.
type File struct {
	Header     []string
	Lines      []int // the row number a person sees, per row
	Cells      [][]string
	Unreadable map[int]Finding
	Encoding   string
	XLSX       bool
}

// Load reads the whole file into memory with the command line's reader.
func Load(path string, o sheet.Options) (*File, error) {
	src, err := sheet.Open(path, o)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	t := &File{Header: slices.Clone(src.Header()), Encoding: src.Encoding(), XLSX: isXLSX(path), Unreadable: map[int]Finding{}}
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

// WriteCSV writes the table as a UTF-8 CSV file (mode 0600) that the
// importer reads back row for row. Each record sits on the person's own
// row (empty lines, which the reader skips but counts as rows, as a
// spreadsheet does, fill the gaps), so that the importer's report and
// messages name the rows the person sees. It returns, per table row, the row number the importer
// will report for it. An unreadable row is written with one cell too
// many, so that the import reports it invalid rather than losing it.
func WriteCSV(path string, t *File) ([]int, error) {
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

func isXLSX(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".xlsx" || ext == ".xlsm"
}
