package lifecycle

import (
	"errors"
	"testing"
)

func TestParseLimit(t *testing.T) {
	tests := []struct {
		in     string
		total  int
		max    int
		str    string
		hasErr bool
	}{
		{in: "5%", total: 100, max: 5, str: "5%"},
		{in: "5%", total: 30, max: 1, str: "5%"}, // 1.5 rounds down
		{in: "5%", total: 10, max: 1, str: "5%"}, // at least 1
		{in: "2.5%", total: 1000, max: 25, str: "2.5%"},
		{in: "0.25%", total: 10000, max: 25, str: "0.25%"},
		{in: ".5%", total: 1000, max: 5, str: "0.5%"},
		{in: " 10 % ", total: 50, max: 5, str: "10%"},
		{in: "100%", total: 7, max: 7, str: "100%"},
		{in: "0%", total: 1000, max: 0, str: "0%"},
		{in: "12", total: 5, max: 12, str: "12"},
		{in: "0", total: 5, max: 0, str: "0"},
		{in: "007", total: 5, max: 7, str: "7"},
		{in: "", hasErr: true},
		{in: "%", hasErr: true},
		{in: "-1", hasErr: true},
		{in: "+3", hasErr: true},
		{in: "1.5", hasErr: true},
		{in: "101%", hasErr: true},
		{in: "5.%", hasErr: true},
		{in: "5.123%", hasErr: true},
		{in: "1e3", hasErr: true},
		{in: "五", hasErr: true},
		{in: "99999999999999999999", hasErr: true},
		{in: "5%%", hasErr: true},
	}
	for _, tt := range tests {
		l, err := ParseLimit(tt.in)
		if tt.hasErr {
			if !errors.Is(err, ErrBadLimit) {
				t.Errorf("ParseLimit(%q) = %v, %v; want ErrBadLimit", tt.in, l, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseLimit(%q): %v", tt.in, err)
			continue
		}
		if got := l.Max(tt.total); got != tt.max {
			t.Errorf("ParseLimit(%q).Max(%d) = %d, want %d", tt.in, tt.total, got, tt.max)
		}
		if got := l.String(); got != tt.str {
			t.Errorf("ParseLimit(%q).String() = %q, want %q", tt.in, got, tt.str)
		}
	}
}

func TestLimitZeroValueIsDefault(t *testing.T) {
	var l Limit
	if l.String() != "5%" || l.Max(200) != 10 || l.Max(3) != 1 {
		t.Errorf("zero Limit = %s, Max(200) = %d, Max(3) = %d; want 5%%, 10, 1", l, l.Max(200), l.Max(3))
	}
	if err := l.Set("7"); err != nil || l.Max(1) != 7 {
		t.Errorf("Set(7): %v, Max = %d", err, l.Max(1))
	}
}

func FuzzParseLimit(f *testing.F) {
	for _, s := range []string{"5%", "2.5%", "12", "0", "100%", "", "1e3", " 3 ", ".5%", "-1"} {
		f.Add(s, 100)
	}
	f.Fuzz(func(t *testing.T, s string, total int) {
		total = max(0, total%10_000_000)
		l, err := ParseLimit(s)
		if err != nil {
			if !errors.Is(err, ErrBadLimit) {
				t.Fatalf("ParseLimit(%q): %v does not wrap ErrBadLimit", s, err)
			}
			return
		}
		m := l.Max(total)
		if m < 0 {
			t.Fatalf("ParseLimit(%q).Max(%d) = %d", s, total, m)
		}
		if l.percent && l.n > 0 && (m > max(1, total)) {
			t.Fatalf("ParseLimit(%q).Max(%d) = %d, more than the domain", s, total, m)
		}
		again, err := ParseLimit(l.String())
		if err != nil || again != l {
			t.Fatalf("ParseLimit(%q) = %v, which reads back as %v, %v", s, l, again, err)
		}
	})
}
