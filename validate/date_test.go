package validate

import (
	"strings"
	"testing"
	"time"
)

func TestReadDate(t *testing.T) {
	tests := []struct {
		in      string
		order   DateOrder
		want    string // YYYY-MM-DD, or "" for a problem
		form    dateForm
		problem dateProblem
	}{
		{in: "2025-04-01", want: "2025-04-01", form: formISO},
		{in: "2025/4/1", want: "2025-04-01", form: formSlash},
		{in: "2025-4-1", want: "2025-04-01", form: formSlash},
		{in: "2025.04.01", want: "2025-04-01", form: formOther},
		{in: "2025.4.1", want: "2025-04-01", form: formOther},
		{in: "2025年4月1日", want: "2025-04-01", form: formOther},
		{in: "2025年04月01日", want: "2025-04-01", form: formOther},
		{in: "2025 年 4 月 1 日", want: "2025-04-01", form: formOther},
		{in: "2025年4月1", want: "2025-04-01", form: formOther},
		{in: "２０２５年４月１日", want: "2025-04-01", form: formOther},
		{in: "２０２５／０４／０１", want: "2025-04-01", form: formOther},
		{in: " 2025.04.01 ", want: "2025-04-01", form: formOther},
		{in: "令和7年4月1日", want: "2025-04-01", form: formOther},
		{in: "令和元年5月1日", want: "2019-05-01", form: formOther},
		{in: "令和 7 年 4 月 1 日", want: "2025-04-01", form: formOther},
		{in: "R7.4.1", want: "2025-04-01", form: formOther},
		{in: "r07.04.01", want: "2025-04-01", form: formOther},
		{in: "R7/4/1", want: "2025-04-01", form: formOther},
		{in: "R元.5.1", want: "2019-05-01", form: formOther},
		{in: "Ｒ７．４．１", want: "2025-04-01", form: formOther},
		{in: "H31.4.30", want: "2019-04-30", form: formOther},
		{in: "平成2年4月1日", want: "1990-04-01", form: formOther},
		{in: "S64.1.7", want: "1989-01-07", form: formOther},
		{in: "昭和元年12月25日", want: "1926-12-25", form: formOther},
		{in: "T15.12.25", want: "1926-12-25", form: formOther},
		{in: "4/1/2025", want: "2025-04-01", problem: dateAmbiguous},
		{in: "4/1/2025", order: MDY, want: "2025-04-01", form: formOrdered},
		{in: "4/1/2025", order: DMY, want: "2025-01-04", form: formOrdered},
		{in: "01.04.2025", order: DMY, want: "2025-04-01", form: formOrdered},
		{in: "13/1/2025", want: "2025-01-13", form: formOnly},
		{in: "1/13/2025", want: "2025-01-13", form: formOnly},
		{in: "13/1/2025", order: MDY, problem: dateNotInOrder},
		{in: "4/4/2025", want: "2025-04-04", form: formOnly},

		{in: "H31.5.1", problem: dateEraRange},
		{in: "平成32年4月1日", problem: dateEraRange},
		{in: "令和元年4月30日", problem: dateEraRange},
		{in: "S64.1.8", problem: dateEraRange},
		{in: "令和0年4月1日", problem: dateInvalid},
		{in: "R100.1.1", problem: dateInvalid},
		{in: "2025年13月1日", problem: dateInvalid},
		{in: "2025年2月29日", problem: dateInvalid},
		{in: "25年4月1日", problem: dateInvalid},
		{in: "25/4/1", problem: dateInvalid},
		{in: "2025.4-1", problem: dateInvalid},
		{in: "2025.04.01.", problem: dateInvalid},
		{in: "2025年4月1日生", problem: dateInvalid},
		{in: "13/13/2025", problem: dateInvalid},
		{in: "1/1/25", problem: dateInvalid},
		{in: "20250401", problem: dateInvalid},
		{in: "X7.4.1", problem: dateInvalid},
		{in: "R", problem: dateInvalid},
		{in: "", problem: dateInvalid},
	}
	for _, tc := range tests {
		r := readDate(tc.in, tc.order)
		if r.problem != tc.problem {
			t.Errorf("readDate(%q, %v): problem %d, want %d", tc.in, tc.order, r.problem, tc.problem)
			continue
		}
		if tc.want != "" && r.date.String() != tc.want {
			t.Errorf("readDate(%q, %v) = %s, want %s", tc.in, tc.order, r.date, tc.want)
		}
		if tc.problem == dateOK && r.form != tc.form {
			t.Errorf("readDate(%q, %v): form %d, want %d", tc.in, tc.order, r.form, tc.form)
		}
	}
}

func TestParseDateOrder(t *testing.T) {
	for in, want := range map[string]DateOrder{"": DateOrderUnset, "mdy": MDY, "DMY": DMY} {
		if got, err := ParseDateOrder(in); err != nil || got != want || (in != "" && got.String() != strings.ToLower(in)) {
			t.Errorf("ParseDateOrder(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseDateOrder("ymd"); err == nil {
		t.Error("ParseDateOrder(ymd) accepted")
	}
}

// FuzzReadDate checks the date reader on any input: a date it reads is
// real (the standard library agrees) and reads back unchanged as
// YYYY-MM-DD, and only a date read without an order can be ambiguous,
// between two different real dates.
func FuzzReadDate(f *testing.F) {
	for _, s := range []string{
		"2025-04-01", "2025/4/1", "2025.04.01", "2025年4月1日", "令和7年4月1日", "令和元年5月1日", "R7.4.1", "H31.4.30",
		"S64.1.7", "T15.12.25", "4/1/2025", "13/1/2025", "２０２５年４月１日", "Ｒ７．４．１", "平成32年4月1日", "1/1/1",
	} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, s string, o uint8) {
		order := DateOrder(o % 3)
		r := readDate(s, order)
		if r.problem == dateAmbiguous && order != DateOrderUnset {
			t.Fatalf("%q: ambiguous although the order is %v", s, order)
		}
		if r.problem != dateOK && r.problem != dateAmbiguous {
			return
		}
		canon := r.date.String()
		tm, err := time.Parse(time.DateOnly, canon)
		if err != nil || tm.Year() != r.date.y || int(tm.Month()) != r.date.m || tm.Day() != r.date.d {
			t.Fatalf("%q read as %s, which is no date: %v", s, canon, err)
		}
		if r.problem == dateAmbiguous {
			if !r.alt.valid() || r.alt == r.date {
				t.Fatalf("%q: ambiguous between %s and %s", s, r.date, r.alt)
			}
			return
		}
		if again := readDate(canon, order); again.problem != dateOK || again.form != formISO || again.date != r.date {
			t.Fatalf("%q read as %s, which reads back as %+v", s, canon, again)
		}
		if r.form == formISO && canon != s {
			t.Fatalf("%q taken as it is, but it is not %s", s, canon)
		}
	})
}
