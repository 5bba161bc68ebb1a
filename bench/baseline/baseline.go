// Package baseline holds the bare library passes that the validate
// benchmarks are measured against. bench/cmd/benchrun (the bench/run.sh
// table) and the importer's go test benchmarks both call these, so the two
// measure one and the same floor.
package baseline

import (
	"encoding/csv"
	"io"
	"os"

	"github.com/xuri/excelize/v2"
)

// CSV is the CSV floor: encoding/csv with ReuseRecord, every record read,
// nothing done with it. It returns the number of records, header included.
func CSV(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// XLSX is the XLSX comparison: excelize's streaming Rows() iterator over
// the first sheet with default options (dates formatted by excelize),
// every cell fetched. It returns the rows (header included) and cells.
func XLSX(path string) (rows, cells int, err error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	it, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		return 0, 0, err
	}
	defer it.Close()
	for it.Next() {
		cols, err := it.Columns()
		if err != nil {
			return rows, cells, err
		}
		rows++
		cells += len(cols)
	}
	return rows, cells, it.Error()
}
