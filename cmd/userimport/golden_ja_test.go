package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/i18n/i18ntest"
	"github.com/userimport/userimport/importer"
	"github.com/userimport/userimport/report"
)

// TestValidateJapanese runs validate the way a person with a Japanese
// locale does (LANG=ja_JP.UTF-8, no --lang) and checks that the summary,
// the top causes, the fixes and the next step they read are Japanese:
// what is left once the rule ids, the severities' contract words and the
// command to run are taken out holds no English word.
func TestValidateJapanese(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "ja_JP.UTF-8")
	file := sample("users-with-errors.csv")
	rp := filepath.Join(t.TempDir(), "r.csv")
	code, _, stderr := runCmd(t, t.Context(), "validate", file, "--report", rp, "--annotate", "none")
	if code != exitRows {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitRows, stderr)
	}
	for _, want := range []string{
		"有効 9 件・無効 15 件（全 24 行）、警告のある行 5 行（文字コード utf-8）\n",
		"レポート: " + rp + "\n",
		"主な原因:\n",
		"  エラー name.required: 2 行（例: 8 行目: 「name」列: 表示名が空欄です。",
		"      直し方: セルに入力してください。",
		"  …ほかに 13 件の原因があります。",
		"次の手順: 無効な行を直してから",
		"userimport validate " + file + "\n",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	rest := strings.ReplaceAll(stderr, "userimport validate "+file, "")
	rest = strings.ReplaceAll(rest, rp, "")
	rest = regexp.MustCompile(`[A-Za-z]+\.[a-z_]+`).ReplaceAllString(rest, "") // rule ids
	for _, line := range strings.Split(rest, "\n") {
		if w := i18ntest.Untranslated(line); len(w) > 0 {
			t.Errorf("English %q left in %q", w, line)
		}
	}
}

// TestValidateGoldenJapanese pins the Japanese report of the errors
// sample, as CSV and as XLSX (its cells as text, sheet by sheet), like
// TestValidateGolden does the English one (go test -update to accept).
func TestValidateGoldenJapanese(t *testing.T) {
	for _, ext := range []string{".csv", ".xlsx"} {
		t.Run(ext[1:], func(t *testing.T) {
			rp := filepath.Join(t.TempDir(), "r"+ext)
			code, _, stderr := runCmd(t, t.Context(), "validate", sample("users-with-errors.csv"), "--report", rp, "--lang", "ja", "--annotate", "none")
			if code != exitRows {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitRows, stderr)
			}
			got := reportText(t, rp)
			golden := filepath.Join("testdata", "users-with-errors-ja"+ext+".report.golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("report differs from %s (go test -update to accept):\n--- got\n%s\n--- want\n%s", golden, got, want)
			}
		})
	}
}

// reportText is a report as text to compare with a golden file: a CSV
// report as it is, a workbook's cells as CSV under a line naming each
// sheet.
func reportText(t *testing.T, path string) []byte {
	t.Helper()
	if filepath.Ext(path) != ".xlsx" {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var b bytes.Buffer
	for _, name := range x.GetSheetList() {
		rows, err := x.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "== sheet %q\n", name)
		w := csv.NewWriter(&b)
		if err := w.WriteAll(rows); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// TestImportLineEnglish keeps the English summary line of an import what
// importer.Summary.String says, and checks the Japanese one is Japanese.
func TestImportLineEnglish(t *testing.T) {
	for _, tc := range []struct {
		name string
		sum  importer.Summary
	}{
		{"plain", importer.Summary{Summary: report.Summary{Counts: map[report.Status]int{report.Created: 1234}, Rows: 1234}, Requests: 13, Elapsed: 1500 * time.Millisecond}},
		{"warned, rights unknown", importer.Summary{
			Summary: report.Summary{Counts: map[report.Status]int{report.Created: 1, report.Failed: 2}, Rows: 3},
			Warned:  1, FileFindings: []report.Finding{{Rule: importer.RuleRightsUnknown}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := importLine(i18n.English, &tc.sum), tc.sum.String(); got != want {
				t.Errorf("English %q, want %q", got, want)
			}
			ja := importLine(i18n.Japanese, &tc.sum)
			if w := i18ntest.Untranslated(ja); len(w) > 0 {
				t.Errorf("Japanese %q holds English %q", ja, w)
			}
		})
	}
}
