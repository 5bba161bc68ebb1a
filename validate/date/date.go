// Package date reads the dates people type and spreadsheets export: ISO
// 2025-04-01, Excel's 2025/4/1, 2025.04.01, 2025年4月1日, the Japanese
// eras (令和7年4月1日, R7.4.1), full-width digits, and 4/1/2025 with the
// year last, which reads as month/day/year or day/month/year. It says
// how a date was written and why one cannot be read, so that the caller
// can tell a person what it changed; it knows nothing of messages.
package date

import (
	"fmt"
	"strings"

	"github.com/userimport/userimport/validate/width"
)

// Order says how to read a date whose year comes last (4/1/2025),
// which the United States reads as month/day/year and most of Europe as
// day/month/year.
type Order uint8

// The date orders. Unset makes a date that reads both ways Ambiguous,
// with both readings.
const (
	Unset Order = iota
	MDY
	DMY
)

// String returns the value of --date-order: "mdy", "dmy" or "".
func (o Order) String() string {
	switch o {
	case MDY:
		return "mdy"
	case DMY:
		return "dmy"
	}
	return ""
}

// ParseOrder reads "mdy" or "dmy" (any case); "" is Unset.
func ParseOrder(s string) (Order, error) {
	switch strings.ToLower(s) {
	case "":
		return Unset, nil
	case "mdy":
		return MDY, nil
	case "dmy":
		return DMY, nil
	}
	return Unset, fmt.Errorf("unknown date order %q; use mdy (month/day/year) or dmy (day/month/year)", s)
}

// Form says how a date that was read was written, which decides what
// the caller tells about the change.
type Form uint8

// The forms of a date.
const (
	ISO     Form = iota // YYYY-MM-DD: to be sent as it is
	Slash               // YYYY/M/D or YYYY-M-D: Excel's forms, a plain change
	Other               // 年月日, an era, dots, full-width digits: a change to warn about
	Ordered             // year last, read in the given Order
	Only                // year last, with a single possible reading
)

// Problem says why a date could not be read.
type Problem uint8

// The problems of a date.
const (
	OK         Problem = iota
	Invalid            // not a date at all
	Ambiguous          // year last, reads both ways, no order given
	EraRange           // an era date outside the era
	NotInOrder         // year last, not a date in the given order
)

// Date is a calendar date.
type Date struct{ Year, Month, Day int }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool {
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month != o.Month {
		return d.Month < o.Month
	}
	return d.Day < o.Day
}

// Valid reports whether d exists, in the years 1 to 9999.
func (d Date) Valid() bool {
	return d.Year >= 1 && d.Year <= 9999 && d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= DaysIn(d.Year, d.Month)
}

// String returns d as YYYY-MM-DD.
func (d Date) String() string { return string(d.Append(nil)) }

// Append appends d as YYYY-MM-DD to b, for callers that reuse a buffer.
func (d Date) Append(b []byte) []byte {
	y, m, dd := d.Year, d.Month, d.Day
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append(b, byte('0'+m/10), byte('0'+m%10), '-')
	return append(b, byte('0'+dd/10), byte('0'+dd%10))
}

// DaysIn returns the number of days of month m (1 to 12) of year y.
func DaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// Era is a Japanese era: dates are written as the year of the era
// (令和7年 = 2025; 元年, the first year, = 1), by its name or its initial.
type Era struct {
	ID         string // reiwa, heisei, showa, taisho: a key for messages
	Name       string // 令和
	Initial    byte   // R
	Start, End Date   // End is zero for the current era
}

var eras = [...]Era{
	{"reiwa", "令和", 'R', Date{2019, 5, 1}, Date{}},
	{"heisei", "平成", 'H', Date{1989, 1, 8}, Date{2019, 4, 30}},
	{"showa", "昭和", 'S', Date{1926, 12, 25}, Date{1989, 1, 7}},
	{"taisho", "大正", 'T', Date{1912, 7, 30}, Date{1926, 12, 25}},
}

// Reading is what Read made of a value.
type Reading struct {
	Date    Date
	Form    Form
	Problem Problem
	Alt     Date  // Ambiguous: the day/month/year reading (Date is month/day/year)
	Era     *Era  // EraRange: the era
	Order   Order // Only: the order of the only reading
}

// Read reads a date the way people type and spreadsheets export them:
// 2025-04-01, 2025/4/1, 2025.04.01, 2025年4月1日, 令和7年4月1日, R7.4.1
// (also H, S, T and 平成, 昭和, 大正), with full-width digits or not, and
// 4/1/2025 with the year last, read in order when it is set.
func Read(s string, order Order) Reading {
	if y, m, d, ok := ParseISO(s); ok {
		form := Slash
		if len(s) == 10 && s[4] == '-' && s[7] == '-' {
			form = ISO
		}
		return Reading{Date: Date{y, m, d}, Form: form}
	}
	t, _ := width.Narrow(s)
	p := scanner{s: strings.TrimSpace(t)}
	e := p.era()
	a, b, c, kanji, ok := p.parts(e != nil)
	if !ok {
		return Reading{Problem: Invalid}
	}
	switch {
	case e != nil:
		if a.digits > 2 || a.n < 1 {
			return Reading{Problem: Invalid}
		}
		return eraDate(e, Date{e.Start.Year + a.n - 1, b.n, c.n})
	case a.digits == 4:
		return checked(Date{a.n, b.n, c.n}, Other)
	case kanji || c.digits != 4:
		return Reading{Problem: Invalid}
	}
	return yearLast(a.n, b.n, c.n, order)
}

// eraDate checks that the date of an era lies within the era.
func eraDate(e *Era, d Date) Reading {
	if !d.Valid() {
		return Reading{Problem: Invalid}
	}
	if d.Before(e.Start) || e.End != (Date{}) && e.End.Before(d) {
		return Reading{Problem: EraRange, Era: e}
	}
	return Reading{Date: d, Form: Other}
}

func checked(d Date, form Form) Reading {
	if !d.Valid() {
		return Reading{Problem: Invalid}
	}
	return Reading{Date: d, Form: form}
}

// yearLast reads a/b/year as month/day/year or day/month/year.
func yearLast(a, b, y int, order Order) Reading {
	mdy, dmy := Date{y, a, b}, Date{y, b, a}
	switch order {
	case MDY:
		if !mdy.Valid() {
			return Reading{Problem: NotInOrder}
		}
		return Reading{Date: mdy, Form: Ordered}
	case DMY:
		if !dmy.Valid() {
			return Reading{Problem: NotInOrder}
		}
		return Reading{Date: dmy, Form: Ordered}
	}
	switch {
	case mdy.Valid() && dmy.Valid() && mdy != dmy:
		return Reading{Date: mdy, Alt: dmy, Problem: Ambiguous}
	case mdy.Valid():
		return Reading{Date: mdy, Form: Only, Order: MDY}
	case dmy.Valid():
		return Reading{Date: dmy, Form: Only, Order: DMY}
	}
	return Reading{Problem: Invalid}
}
