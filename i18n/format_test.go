package i18n

import (
	"fmt"
	"testing"
)

// TestCompiledMatchesFmt checks that every compiled format renders as fmt
// renders it, with arguments that need quoting.
func TestCompiledMatchesFmt(t *testing.T) {
	args := []any{`a "b"`, "日本\t語", "\x01", "c", "d", "e"}
	n := 0
	for i, e := range entries {
		for l := range e.text {
			if compiled[i][l] == nil {
				continue
			}
			n++
			f := e.text[l]
			used := 0
			for _, ps := range compiled[i] {
				for _, p := range ps {
					used = max(used, p.arg+1)
				}
			}
			args := args[:used]
			want := fmt.Sprintf(f, args...)
			if e.key == "where" || e.key == "where.file" {
				want = fmt.Sprintf(f, args[0], 12345, args[2], args[3])
				if got := Lang(l).Sprintf(e.key, args[0], 12345, args[2], args[3]); got != want {
					t.Errorf("%s/%d: %q, fmt gives %q", e.key, l, got, want)
				}
				continue
			}
			if got := Lang(l).Sprintf(e.key, args...); got != want {
				t.Errorf("%s/%d: %q, fmt gives %q", e.key, l, got, want)
			}
		}
	}
	plurals := 0
	for _, e := range entries {
		if e.plural != nil {
			plurals++
		}
	}
	if n < 2*(len(entries)-plurals) { // all but the plural entries
		t.Errorf("only %d of %d formats compiled", n, 2*len(entries))
	}
}

func TestCompile(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"plain", true}, {"%s and %q", true}, {"%[2]s %[1]d", true}, {"100%%", true},
		{"%x", false}, {"%5s", false}, {"%[0]s", false}, {"%[x]s", false}, {"trailing %", false}, {"%[1]", false},
	}
	for _, tc := range tests {
		if _, ok := compile(tc.in); ok != tc.ok {
			t.Errorf("compile(%q) ok = %v", tc.in, ok)
		}
	}
	if got := English.Append(nil, "msg.too_long"); string(got) != "%!s(MISSING) is %!s(MISSING) characters long, but a %!s(MISSING) can have at most %!s(MISSING); shorten it." {
		t.Errorf("missing arguments: %s", got)
	}
}

// TestPointerArgs checks that pointers render as the values they point to,
// through the compiled formats and through fmt.
func TestPointerArgs(t *testing.T) {
	file, row, col := "users.csv", 1234, "ログイン名"
	m := M("msg.required.empty", "", M("who.users"), M("noun.code"))
	for _, l := range Langs() {
		want := l.Sprintf("where.file", file, row, col, m)
		if got := l.Sprintf("where.file", &file, &row, &col, &m); got != want {
			t.Errorf("%s: %q, want %q", l, got, want)
		}
	}
	if got, want := English.Sprintf("summary.of_rows", &row), "(of 1,234 rows)"; got != want {
		t.Errorf("plural through a pointer: %q, want %q", got, want)
	}
}
