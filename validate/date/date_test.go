package date

import (
	"strings"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	tests := []struct {
		in      string
		order   Order
		want    string // YYYY-MM-DD, or "" for a problem
		form    Form
		problem Problem
	}{
		{in: "2025-04-01", want: "2025-04-01", form: ISO},
		{in: "2025/4/1", want: "2025-04-01", form: Slash},
		{in: "2025-4-1", want: "2025-04-01", form: Slash},
		{in: "2025.04.01", want: "2025-04-01", form: Other},
		{in: "2025.4.1", want: "2025-04-01", form: Other},
		{in: "2025年4月1日", want: "2025-04-01", form: Other},
		{in: "2025年04月01日", want: "2025-04-01", form: Other},
		{in: "2025 年 4 月 1 日", want: "2025-04-01", form: Other},
		{in: "2025年4月1", want: "2025-04-01", form: Other},
		{in: "２０２５年４月１日", want: "2025-04-01", form: Other},
		{in: "２０２５／０４／０１", want: "2025-04-01", form: Other},
		{in: " 2025.04.01 ", want: "2025-04-01", form: Other},
		{in: "令和7年4月1日", want: "2025-04-01", form: Other},
		{in: "令和元年5月1日", want: "2019-05-01", form: Other},
		{in: "令和 7 年 4 月 1 日", want: "2025-04-01", form: Other},
		{in: "R7.4.1", want: "2025-04-01", form: Other},
		{in: "r07.04.01", want: "2025-04-01", form: Other},
		{in: "R7/4/1", want: "2025-04-01", form: Other},
		{in: "R元.5.1", want: "2019-05-01", form: Other},
		{in: "Ｒ７．４．１", want: "2025-04-01", form: Other},
		{in: "H31.4.30", want: "2019-04-30", form: Other},
		{in: "平成2年4月1日", want: "1990-04-01", form: Other},
		{in: "S64.1.7", want: "1989-01-07", form: Other},
		{in: "昭和元年12月25日", want: "1926-12-25", form: Other},
		{in: "T15.12.25", want: "1926-12-25", form: Other},
		{in: "4/1/2025", want: "2025-04-01", problem: Ambiguous},
		{in: "4/1/2025", order: MDY, want: "2025-04-01", form: Ordered},
		{in: "4/1/2025", order: DMY, want: "2025-01-04", form: Ordered},
		{in: "01.04.2025", order: DMY, want: "2025-04-01", form: Ordered},
		{in: "13/1/2025", want: "2025-01-13", form: Only},
		{in: "1/13/2025", want: "2025-01-13", form: Only},
		{in: "13/1/2025", order: MDY, problem: NotInOrder},
		{in: "4/4/2025", want: "2025-04-04", form: Only},

		{in: "H31.5.1", problem: EraRange},
		{in: "平成32年4月1日", problem: EraRange},
		{in: "令和元年4月30日", problem: EraRange},
		{in: "S64.1.8", problem: EraRange},
		{in: "令和0年4月1日", problem: Invalid},
		{in: "R100.1.1", problem: Invalid},
		{in: "2025年13月1日", problem: Invalid},
		{in: "2025年2月29日", problem: Invalid},
		{in: "25年4月1日", problem: Invalid},
		{in: "25/4/1", problem: Invalid},
		{in: "2025.4-1", problem: Invalid},
		{in: "2025.04.01.", problem: Invalid},
		{in: "2025年4月1日生", problem: Invalid},
		{in: "13/13/2025", problem: Invalid},
		{in: "1/1/25", problem: Invalid},
		{in: "20250401", problem: Invalid},
		{in: "X7.4.1", problem: Invalid},
		{in: "R", problem: Invalid},
		{in: "", problem: Invalid},
	}
	for _, tc := range tests {
		r := Read(tc.in, tc.order)
		if r.Problem != tc.problem {
			t.Errorf("Read(%q, %v): problem %d, want %d", tc.in, tc.order, r.Problem, tc.problem)
			continue
		}
		if tc.want != "" && r.Date.String() != tc.want {
			t.Errorf("Read(%q, %v) = %s, want %s", tc.in, tc.order, r.Date, tc.want)
		}
		if tc.problem == OK && r.Form != tc.form {
			t.Errorf("Read(%q, %v): form %d, want %d", tc.in, tc.order, r.Form, tc.form)
		}
	}
}

func TestParseOrder(t *testing.T) {
	for in, want := range map[string]Order{"": Unset, "mdy": MDY, "DMY": DMY} {
		if got, err := ParseOrder(in); err != nil || got != want || (in != "" && got.String() != strings.ToLower(in)) {
			t.Errorf("ParseOrder(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseOrder("ymd"); err == nil {
		t.Error("ParseOrder(ymd) accepted")
	}
}

// FuzzRead checks Read on any input: a date it reads is real (the
// standard library agrees) and reads back unchanged as YYYY-MM-DD, and
// only a date read without an order can be ambiguous, between two
// different real dates.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"2025-04-01", "2025/4/1", "2025.04.01", "2025年4月1日", "令和7年4月1日", "令和元年5月1日", "R7.4.1", "H31.4.30",
		"S64.1.7", "T15.12.25", "4/1/2025", "13/1/2025", "２０２５年４月１日", "Ｒ７．４．１", "平成32年4月1日", "1/1/1",
	} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, s string, o uint8) {
		order := Order(o % 3)
		r := Read(s, order)
		if r.Problem == Ambiguous && order != Unset {
			t.Fatalf("%q: ambiguous although the order is %v", s, order)
		}
		if r.Problem != OK && r.Problem != Ambiguous {
			return
		}
		canon := r.Date.String()
		tm, err := time.Parse(time.DateOnly, canon)
		if err != nil || tm.Year() != r.Date.Year || int(tm.Month()) != r.Date.Month || tm.Day() != r.Date.Day {
			t.Fatalf("%q read as %s, which is no date: %v", s, canon, err)
		}
		if r.Problem == Ambiguous {
			if !r.Alt.Valid() || r.Alt == r.Date {
				t.Fatalf("%q: ambiguous between %s and %s", s, r.Date, r.Alt)
			}
			return
		}
		if again := Read(canon, order); again.Problem != OK || again.Form != ISO || again.Date != r.Date {
			t.Fatalf("%q read as %s, which reads back as %+v", s, canon, again)
		}
		if r.Form == ISO && canon != s {
			t.Fatalf("%q taken as it is, but it is not %s", s, canon)
		}
	})
}

func TestParseISO(t *testing.T) {
	tests := []struct {
		in      string
		y, m, d int
		ok      bool
	}{
		{"2024-02-29", 2024, 2, 29, true},
		{"2024/2/9", 2024, 2, 9, true},
		{"2024/12/31", 2024, 12, 31, true},
		{"0001-01-01", 1, 1, 1, true},
		{"2023-02-29", 0, 0, 0, false},
		{"2100-02-29", 0, 0, 0, false},
		{"2000-02-29", 2000, 2, 29, true},
		{"2024-1-001", 0, 0, 0, false},
		{"2024--01", 0, 0, 0, false},
		{"2024.01.01", 0, 0, 0, false},
		{"２０２４-01-01", 0, 0, 0, false},
		{"", 0, 0, 0, false},
	}
	for _, tc := range tests {
		y, m, d, ok := ParseISO(tc.in)
		if y != tc.y || m != tc.m || d != tc.d || ok != tc.ok {
			t.Errorf("ParseISO(%q) = %d %d %d %v", tc.in, y, m, d, ok)
		}
	}
}

// FuzzParseISO compares ParseISO with the standard library.
func FuzzParseISO(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2024/2/9", "2023-02-29", "0000-01-01", "9999/12/31", "2024-1-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y, m, d, ok := ParseISO(s)
		if !ok {
			return
		}
		canon := Date{y, m, d}.String()
		tm, err := time.Parse(time.DateOnly, canon)
		if err != nil || tm.Year() != y || int(tm.Month()) != m || tm.Day() != d {
			t.Fatalf("ParseISO(%q) = %d-%d-%d, canonical %q: %v", s, y, m, d, canon, err)
		}
	})
}
