package report

import (
	"testing"
	"unicode/utf8"
)

func TestEscapeFormula(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"alice", "alice"},
		{"=1+1", "'=1+1"},
		{"+81 3 1234 5678", "'+81 3 1234 5678"}, // phone numbers too, as OWASP recommends
		{"-5", "'-5"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"a=1", "a=1"},
		{" =1", " =1"}, // a leading space is text to every spreadsheet
		{"\n=1", "\n=1"},
		{"'", "'"},
		{"'plain", "'plain"},
		{"'=1", "''=1"},
		{"''-x", "'''-x"},
		{"山田", "山田"},
		{"＝1+1", "＝1+1"}, // full-width: not a trigger
	}
	for _, tt := range tests {
		if got := EscapeFormula(tt.in); got != tt.want {
			t.Errorf("EscapeFormula(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := UnescapeFormula(tt.want); got != tt.in {
			t.Errorf("UnescapeFormula(%q) = %q, want %q", tt.want, got, tt.in)
		}
	}
}

func TestEscapeFormulaNoAllocation(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		_ = EscapeFormula("alice@example.com")
		_ = UnescapeFormula("'plain")
	})
	if allocs != 0 {
		t.Errorf("EscapeFormula allocates %v times for a plain value, want 0", allocs)
	}
}

func FuzzEscapeFormula(f *testing.F) {
	for _, s := range []string{"", "=", "'", "''=", "-5", "'a", "\t", "\r\n", "山田"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := EscapeFormula(s)
		if got := UnescapeFormula(e); got != s {
			t.Fatalf("UnescapeFormula(EscapeFormula(%q)) = %q", s, got)
		}
		if looksLikeFormula(s) != (e != s) {
			t.Fatalf("EscapeFormula(%q) = %q: changed a safe value or kept a formula", s, e)
		}
		if e != "" && e[0] != '\'' && isFormulaTrigger(e[0]) {
			t.Fatalf("EscapeFormula(%q) = %q still starts with a formula trigger", s, e)
		}
		if utf8.ValidString(s) && !utf8.ValidString(e) {
			t.Fatalf("EscapeFormula(%q) broke UTF-8", s)
		}
	})
}
