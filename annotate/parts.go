package annotate

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
)

// Why workbooks are renamed before excelize opens them: excelize adds a
// note to a sheet that already has notes only if that sheet's parts are
// named as Excel names them (xl/commentsN.xml with
// xl/drawings/vmlDrawingN.vml, the same N). openpyxl writes
// xl/comments/comment1.xml and xl/drawings/commentsDrawing1.vml, with
// absolute targets; excelize then writes our notes into a part no sheet
// refers to, and they are lost. So such parts are renamed first, in a copy
// of the zip whose other entries are copied without recompressing.

const (
	relComments = "/comments"
	relVML      = "/vmlDrawing"
)

var sheetRels = regexp.MustCompile(`^xl/worksheets/_rels/[^/]+\.xml\.rels$`)

type xmlRels struct {
	XMLName xml.Name `xml:"Relationships"`
	Rels    []struct {
		ID         string `xml:"Id,attr"`
		Type       string `xml:"Type,attr"`
		Target     string `xml:"Target,attr"`
		TargetMode string `xml:"TargetMode,attr,omitempty"`
	} `xml:"Relationship"`
}

// openParts returns the workbook's bytes with the note parts renamed the
// way excelize needs them, or nil when they already are.
func openParts(p string) ([]byte, error) {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, fmt.Errorf("reading the workbook: %w", err)
	}
	defer zr.Close()
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	renames := map[string]string{}  // old part -> new part
	rewrites := map[string][]byte{} // rels part -> new content
	n := 0
	for _, f := range zr.File {
		if !sheetRels.MatchString(f.Name) {
			continue
		}
		data, err := readPart(f)
		if err != nil {
			return nil, err
		}
		out, changed, err := renameNotes(data, names, renames, &n)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f.Name, err)
		}
		if changed {
			rewrites[f.Name] = out
		}
	}
	if len(renames) == 0 {
		return nil, nil
	}
	return rezip(zr, renames, rewrites)
}

// renameNotes plans new names for the note parts of one sheet's
// relationships, unless they are named as excelize expects.
func renameNotes(data []byte, names map[string]bool, renames map[string]string, n *int) ([]byte, bool, error) {
	var rels xmlRels
	if err := xml.Unmarshal(data, &rels); err != nil {
		return nil, false, err
	}
	ci, vi := -1, -1
	for i, r := range rels.Rels {
		switch {
		case strings.HasSuffix(r.Type, relComments):
			ci = i
		case strings.HasSuffix(r.Type, relVML):
			vi = i
		}
	}
	if ci < 0 || vi < 0 {
		return nil, false, nil
	}
	cPart, vPart := resolve(rels.Rels[ci].Target), resolve(rels.Rels[vi].Target)
	var cn, vn int
	_, errC := fmt.Sscanf(cPart, "xl/comments%d.xml", &cn)
	_, errV := fmt.Sscanf(vPart, "xl/drawings/vmlDrawing%d.vml", &vn)
	if errC == nil && errV == nil && cn == vn && !strings.HasPrefix(rels.Rels[ci].Target, "/") && !strings.HasPrefix(rels.Rels[vi].Target, "/") {
		return nil, false, nil
	}
	for {
		*n++
		c, v := fmt.Sprintf("xl/comments%d.xml", *n), fmt.Sprintf("xl/drawings/vmlDrawing%d.vml", *n)
		if !names[c] && !names[v] {
			names[c], names[v] = true, true
			renames[cPart], renames[vPart] = c, v
			renames[relsOf(vPart)] = relsOf(v)
			rels.Rels[ci].Target = "../" + strings.TrimPrefix(c, "xl/")
			rels.Rels[vi].Target = "../" + strings.TrimPrefix(v, "xl/")
			break
		}
	}
	out, err := xml.Marshal(rels)
	if err != nil {
		return nil, false, err
	}
	out = bytes.Replace(out, []byte("<Relationships>"), []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`), 1)
	return append([]byte(xml.Header), out...), true, nil
}

// resolve turns a worksheet relationship's target into a part name.
func resolve(target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return path.Join("xl/worksheets", target)
}

// relsOf names the relationships part of a part.
func relsOf(part string) string {
	return path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
}

// rezip copies the workbook with parts renamed and rewritten, and the
// content types following the renames.
func rezip(zr *zip.ReadCloser, renames map[string]string, rewrites map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		data, ok := rewrites[f.Name]
		if f.Name == "[Content_Types].xml" {
			ct, err := readPart(f)
			if err != nil {
				return nil, err
			}
			for old, nw := range renames {
				ct = bytes.ReplaceAll(ct, []byte(`"/`+old+`"`), []byte(`"/`+nw+`"`))
			}
			data, ok = ct, true
		}
		if ok {
			w, err := zw.Create(f.Name)
			if err != nil {
				return nil, err
			}
			if _, err := w.Write(data); err != nil {
				return nil, err
			}
			continue
		}
		h := f.FileHeader
		if nw, ok := renames[f.Name]; ok {
			h.Name = nw
		}
		r, err := f.OpenRaw()
		if err != nil {
			return nil, err
		}
		w, err := zw.CreateRaw(&h)
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(w, r); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// maxRelsPart bounds a relationships or content-types part read whole.
const maxRelsPart = 16 << 20

func readPart(f *zip.File) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxRelsPart+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxRelsPart {
		return nil, fmt.Errorf("%s is larger than %d MiB", f.Name, maxRelsPart>>20)
	}
	return data, nil
}
