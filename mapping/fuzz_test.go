package mapping

import (
	"errors"
	"strings"
	"testing"

	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

func FuzzMappingTemplate(f *testing.F) {
	for _, s := range []string{
		`{{ col "a" | trim | lower }}`,
		`{{ .a }} {{ col "b" | substr 1 2 }}`,
		`{{ col "a" | split "," | join ";" }}`,
		`{{ printf "%05s" (col "a") | replace "0" "x" | title }}`,
		`{{ if col "b" }}{{ col "b" | default "x" | upper }}{{ end }}`,
		`{{ col "a" | trimPrefix "x" | trimSuffix "y" }}`,
		`{{ col`,
		`{{range split "" (col "a")}}{{range split "" (col "a")}}{{end}}{{end}}`,
		`{{$l := split "" (col "a")}}{{range $l}}{{range $l}}{{range $l}}{{end}}{{end}}{{end}}`,
		`{{$x := col "a"}}{{range 60}}{{$x = print $x $x}}{{end}}{{$x}}`,
		`{{range 2000000000}}{{end}}`,
		`{{define "x"}}{{template "x" .}}{{template "x" .}}{{end}}{{template "x" .}}`,
	} {
		f.Add(s, "  Some,Value ", "日本")
	}
	f.Fuzz(func(t *testing.T, tmpl, a, b string) {
		m := &File{Fields: map[string]string{"name": tmpl}}
		mp, err := NewMapper([]string{"a", "b"}, validate.Users, m)
		if err != nil {
			return
		}
		var rec validate.Record
		if err := mp.Map(sheet.Row{Line: 2, Cells: []string{a, b}}, &rec); err != nil {
			var fe *sheet.FileError
			if !errors.As(err, &fe) || fe.Row != 2 {
				t.Fatalf("Map: %T %v, want a row-2 *sheet.FileError", err, err)
			}
			return
		}
		if len(rec.Values[validate.Name]) > sheet.MaxCellBytes {
			t.Fatalf("output of %d bytes", len(rec.Values[validate.Name]))
		}
	})
}

// FuzzLabelKey: normalising a label never panics, is stable (a normalised
// key normalises to itself), and a known label is found whatever
// decorations surround it.
func FuzzLabelKey(f *testing.F) {
	for _, s := range []string{"ログイン名\n(必須)", "表示名※", "（必須）パスワード", "E-mail Address", "customItem.x", "(必(必須)須)", "ｌｏｇｉｎ", "\xff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := labelKey(s)
		if k2 := labelKey(k); k2 != k {
			t.Fatalf("labelKey(%q) = %q, but labelKey(%q) = %q", s, k, k, k2)
		}
		if _, ok := lookupLabel(s); ok {
			if _, ok := lookupLabel(s + "\n(必須)"); !ok && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), customPrefix) {
				t.Fatalf("%q is known but %q is not", s, s+"\n(必須)")
			}
		}
		Suggest(s)
		looksLikePassword(s)
		isExampleMarker(s)
	})
}

// FuzzFindHeader: any rows give an index inside them, and a row FindHeader
// picks plans without panicking; an error about it never quotes a cell
// that could be a password.
func FuzzFindHeader(f *testing.F) {
	f.Add("社員名簿\n\nログイン名(必須),表示名※,パスワード\ntaro,太郎,Secret-1")
	f.Add("taro,Secret-123,x")
	f.Add("ログイン名,サービスコード1\ntaro,ki")
	f.Add(",,\n,")
	f.Fuzz(func(t *testing.T, text string) {
		var rows [][]string
		for _, line := range strings.Split(text, "\n") {
			rows = append(rows, strings.Split(line, ","))
		}
		i, ok := FindHeader(rows)
		if i < 0 || (len(rows) > 0 && i >= len(rows)) || (ok && len(rows) == 0) {
			t.Fatalf("FindHeader = %d, %v for %d rows", i, ok, len(rows))
		}
		if len(rows) == 0 {
			return
		}
		for _, l := range []Layout{LayoutAuto, LayoutCybozu, LayoutCybozuServices, LayoutCybozuDepartments} {
			mp, err := NewMapperOptions(rows[i], validate.Users, Options{Layout: l})
			if err != nil {
				if ok {
					continue
				}
				for _, c := range rows[i] {
					if looksLikePassword(c) && headerScore(rows[i]) == 0 && strings.Contains(err.Error(), c) {
						t.Fatalf("error quotes %q: %v", c, err)
					}
				}
				continue
			}
			var rec validate.Record
			for _, r := range rows {
				mp.Map(sheet.Row{Line: 1, Cells: r}, &rec)
			}
		}
	})
}
