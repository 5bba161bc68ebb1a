package annotate

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Why notes are added to the written zip and not with AddComment: each
// AddComment places its box in pixels, summing the heights of every row
// above the cell, so 15,000 notes on a 100,000-row sheet cost minutes.
// Only the first note of a sheet goes through AddComment, which creates
// the comments and drawing parts and links them to the sheet; the rest are
// appended to those parts in the written file, their boxes anchored by row
// and column, which needs no heights.

// bulkNote is a note waiting to be appended to the written workbook.
type bulkNote struct {
	col, row int // 1-based
	text     string
}

var shapeID = regexp.MustCompile(`_x0000_s(\d+)`)

// appendNotes copies the workbook in data to w with notes appended to the
// comments and drawing parts of sheet.
func appendNotes(w io.Writer, data []byte, sheet string, notes []bulkNote) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	sheetPath, err := sheetPart(zr, sheet)
	if err != nil {
		return err
	}
	rels, err := zipPart(zr, relsOf(sheetPath))
	if err != nil {
		return err
	}
	var rs xmlRels
	if err := xml.Unmarshal(rels, &rs); err != nil {
		return err
	}
	var commentsPath, vmlPath string
	for _, r := range rs.Rels {
		switch {
		case strings.HasSuffix(r.Type, relComments):
			commentsPath = resolveFrom(sheetPath, r.Target)
		case strings.HasSuffix(r.Type, relVML):
			vmlPath = resolveFrom(sheetPath, r.Target)
		}
	}
	if commentsPath == "" || vmlPath == "" {
		return fmt.Errorf("sheet %q has no notes part to add to", sheet)
	}
	comments, err := zipPart(zr, commentsPath)
	if err != nil {
		return err
	}
	vml, err := zipPart(zr, vmlPath)
	if err != nil {
		return err
	}
	if comments, err = addComments(comments, notes); err != nil {
		return err
	}
	if vml, err = addShapes(vml, notes); err != nil {
		return err
	}
	return copyZip(w, zr, map[string][]byte{commentsPath: comments, vmlPath: vml})
}

// addComments appends the notes to a comments part, by our author.
func addComments(part []byte, notes []bulkNote) ([]byte, error) {
	authors := regexp.MustCompile(`<author>([^<]*)</author>`).FindAllSubmatch(part, -1)
	author := -1
	for i, a := range authors {
		if string(a[1]) == noteAuthor {
			author = i
		}
	}
	end := bytes.LastIndex(part, []byte("</commentList>"))
	if author < 0 || end < 0 {
		return nil, fmt.Errorf("the comments part has no list to add to")
	}
	var b bytes.Buffer
	b.Write(part[:end])
	for _, n := range notes {
		ref := cellName(n.col, n.row)
		fmt.Fprintf(&b, `<comment ref="%s" authorId="%d"><text><t xml:space="preserve">`, ref, author)
		if err := xml.EscapeText(&b, []byte(n.text)); err != nil {
			return nil, err
		}
		b.WriteString(`</t></text></comment>`)
	}
	b.Write(part[end:])
	return b.Bytes(), nil
}

// addShapes appends a hidden note box per note to a VML drawing, anchored
// to the cells right of the note's cell.
func addShapes(part []byte, notes []bulkNote) ([]byte, error) {
	end := bytes.LastIndex(part, []byte("</xml>"))
	if end < 0 {
		return nil, fmt.Errorf("the drawing part has no end")
	}
	id := 1024
	for _, m := range shapeID.FindAllSubmatch(part, -1) {
		if n, err := strconv.Atoi(string(m[1])); err == nil {
			id = max(id, n)
		}
	}
	var b bytes.Buffer
	b.Write(part[:end])
	for _, n := range notes {
		id++
		c, r := n.col-1, n.row-1
		lines := strings.Count(n.text, "\n") + 1 + len(n.text)/60
		fmt.Fprintf(&b, `<v:shape id="_x0000_s%d" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:240pt;height:%dpt;z-index:%d;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">`+
			`<v:fill color2="#ffffe1"></v:fill><v:shadow on="t" color="black" obscured="t"></v:shadow><v:path o:connecttype="none"></v:path>`+
			`<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>`+
			`<x:ClientData ObjectType="Note"><x:MoveWithCells></x:MoveWithCells><x:SizeWithCells></x:SizeWithCells>`+
			`<x:Anchor>%d, 15, %d, 2, %d, 15, %d, 16</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>%d</x:Row><x:Column>%d</x:Column></x:ClientData></v:shape>`,
			id, min(18+12*lines, 300), id, c+1, max(r-1, 0), c+5, max(r-1, 0)+min(1+lines, 20), r, c)
	}
	b.Write(part[end:])
	return b.Bytes(), nil
}

// sheetPart finds the worksheet part of a sheet by its name.
func sheetPart(zr *zip.Reader, sheet string) (string, error) {
	wb, err := zipPart(zr, "xl/workbook.xml")
	if err != nil {
		return "", err
	}
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(wb, &book); err != nil {
		return "", err
	}
	rels, err := zipPart(zr, "xl/_rels/workbook.xml.rels")
	if err != nil {
		return "", err
	}
	var rs xmlRels
	if err := xml.Unmarshal(rels, &rs); err != nil {
		return "", err
	}
	for _, s := range book.Sheets {
		if s.Name != sheet {
			continue
		}
		for _, r := range rs.Rels {
			if r.ID == s.RID {
				return resolveFrom("xl/workbook.xml", r.Target), nil
			}
		}
	}
	return "", fmt.Errorf("the written workbook has no sheet %q", sheet)
}

// resolveFrom turns a relationship target of part into a part name.
func resolveFrom(part, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return path.Join(path.Dir(part), target)
}

func zipPart(zr *zip.Reader, name string) ([]byte, error) {
	for _, f := range zr.File {
		if f.Name == name {
			r, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer r.Close()
			return io.ReadAll(r)
		}
	}
	return nil, fmt.Errorf("the workbook has no part %s", name)
}

// copyZip copies zr to w with some parts replaced; the others are copied
// without recompressing.
func copyZip(w io.Writer, zr *zip.Reader, replace map[string][]byte) error {
	zw := zip.NewWriter(w)
	for _, f := range zr.File {
		if data, ok := replace[f.Name]; ok {
			pw, err := zw.Create(f.Name)
			if err != nil {
				return err
			}
			if _, err := pw.Write(data); err != nil {
				return err
			}
			continue
		}
		if err := zw.Copy(f); err != nil {
			return err
		}
	}
	return zw.Close()
}

// cellName is the reference of a 1-based column and row ("C7").
func cellName(col, row int) string {
	var b [8]byte
	i := len(b)
	for c := col; c > 0 && i > 0; c = (c - 1) / 26 {
		i--
		b[i] = byte('A' + (c-1)%26)
	}
	return string(b[i:]) + strconv.Itoa(row)
}
