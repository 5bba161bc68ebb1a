package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/validate"
)

// The two columns of cybozu's users file that carry no field.
const (
	cybozuNewCodeCol = 2  // 新ログイン名: the login name again = no rename
	cybozuDeleteCol  = 24 // 削除: blank = add or update
)

// cybozuEncoding returns the encoder of an --encoding value for the cybozu
// layout (nil for UTF-8) and its canonical name.
func cybozuEncoding(name string) (*encoding.Encoder, string, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "utf-8", "utf8":
		return nil, "utf-8", nil
	case "shift_jis", "shift-jis", "sjis", "cp932", "windows-31j":
		return japanese.ShiftJIS.NewEncoder(), "shift_jis", nil
	}
	return nil, "", fmt.Errorf("export: unknown encoding %q (want utf-8 or shift_jis)", name)
}

// cybozuHeader is the header of a cybozu-layout export: the Japanese
// labels of cybozu's own export, then customItem.<code> for each custom
// item, which cybozu skips with its header row and userimport reads back.
func cybozuHeader(customs []string) []string {
	labels := make([]string, len(customs))
	for i, c := range customs {
		labels[i] = "customItem." + c
	}
	return mapping.CybozuUsersHeader(labels)
}

// cybozuCells fills the 25 fixed columns of cybozu's users file for u.
// The password, which cannot be read, is "*" (cybozu's "leave
// unchanged"); the new login name repeats the login name, which cybozu
// reads as no rename; the delete column is blank.
func cybozuCells(cells []string, u *kintone.User) {
	fields, isField := mapping.CybozuUsersFields()
	for i, f := range fields {
		var v string
		switch {
		case i == cybozuNewCodeCol:
			v = u.Code
		case i == cybozuDeleteCol || !isField[i]:
			v = ""
		case f == validate.Code:
			v = u.Code
		case f == validate.Password:
			v = "*"
		case f == validate.Valid:
			v = "0"
			if u.Valid {
				v = "1"
			}
		case f == validate.SortOrder:
			if u.SortOrder != nil {
				v = strconv.FormatInt(*u.SortOrder, 10)
			}
		default:
			v = stringFieldOf(f, u)
		}
		cells[i] = v
	}
}

// cybozuCSV writes cybozu's users file: no byte order mark (cybozu's
// import would take it for part of the first login name), CRLF line ends,
// no formula escaping (cybozu would store the escape character), and
// optionally Shift_JIS, in which a character that has no Shift_JIS form
// is an error naming the user and the column rather than a "?".
type cybozuCSV struct {
	bw       *bufio.Writer
	line     bytes.Buffer
	cw       *csv.Writer
	enc      *encoding.Encoder
	encName  string
	header   []string
	noHeader bool
	rows     int
}

func newCybozuCSV(f *os.File, o *Options) (exportWriter, error) {
	enc, name, err := cybozuEncoding(o.Encoding)
	if err != nil {
		return nil, err
	}
	w := &cybozuCSV{bw: bufio.NewWriterSize(f, 64<<10), enc: enc, encName: name, noHeader: o.NoHeader}
	w.cw = csv.NewWriter(&w.line)
	w.cw.UseCRLF = true
	return w, nil
}

func (w *cybozuCSV) row(cells []string) error {
	w.rows++
	if w.rows == 1 {
		w.header = append([]string(nil), cells...)
		if w.noHeader {
			return nil
		}
	}
	w.line.Reset()
	if err := w.cw.Write(cells); err != nil {
		return err
	}
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return err
	}
	out := w.line.Bytes()
	if w.enc != nil {
		var err error
		if out, err = w.enc.Bytes(out); err != nil {
			return w.encodeError(cells)
		}
	}
	_, err := w.bw.Write(out)
	return err
}

// encodeError names the cell that has no form in the encoding.
func (w *cybozuCSV) encodeError(cells []string) error {
	for i, c := range cells {
		if _, err := w.enc.String(c); err != nil {
			col := fmt.Sprintf("column %d", i+1)
			if i < len(w.header) {
				col = fmt.Sprintf("column %q", w.header[i])
			}
			who := "the header"
			if w.rows > 1 {
				who = fmt.Sprintf("user %q", cells[0])
			}
			return fmt.Errorf("%s, %s: %q has a character that %s cannot hold; export with --encoding utf-8", who, col, c, w.encName)
		}
	}
	return fmt.Errorf("a row cannot be written in %s; export with --encoding utf-8", w.encName)
}

func (w *cybozuCSV) close() error { return w.bw.Flush() }
