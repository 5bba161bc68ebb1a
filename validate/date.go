package validate

import (
	"fmt"
	"strings"

	"github.com/userimport/userimport/i18n"
)

// DateOrder says how to read a date whose year comes last (4/1/2025),
// which the United States reads as month/day/year and most of Europe as
// day/month/year.
type DateOrder uint8

// The date orders. DateOrderUnset makes a date that reads both ways an
// error that shows both readings.
const (
	DateOrderUnset DateOrder = iota
	MDY
	DMY
)

// String returns the value of --date-order: "mdy", "dmy" or "".
func (o DateOrder) String() string {
	switch o {
	case MDY:
		return "mdy"
	case DMY:
		return "dmy"
	}
	return ""
}

// ParseDateOrder reads "mdy" or "dmy" (any case); "" is DateOrderUnset.
func ParseDateOrder(s string) (DateOrder, error) {
	switch strings.ToLower(s) {
	case "":
		return DateOrderUnset, nil
	case "mdy":
		return MDY, nil
	case "dmy":
		return DMY, nil
	}
	return DateOrderUnset, fmt.Errorf("unknown date order %q; use mdy (month/day/year) or dmy (day/month/year)", s)
}

func (o DateOrder) name() i18n.Msg {
	if o == DMY {
		return i18n.M("date.dmy")
	}
	return i18n.M("date.mdy")
}

// dateForm says how a date that was read was written, which decides what
// the report says about the change.
type dateForm uint8

const (
	formISO     dateForm = iota // YYYY-MM-DD: sent as it is
	formSlash                   // YYYY/M/D or YYYY-M-D: changed like 1 to true, as before
	formOther                   // 年月日, an era, dots, full-width digits: changed with a warning
	formOrdered                 // year last, read in Options.DateOrder
	formOnly                    // year last, with a single possible reading
)

// dateProblem says why a date could not be read.
type dateProblem uint8

const (
	dateOK         dateProblem = iota
	dateInvalid                // not a date at all
	dateAmbiguous              // year last, reads both ways, no order given
	dateEraRange               // an era date outside the era
	dateNotInOrder             // year last, not a date in the given order
)

// civil is a calendar date.
type civil struct{ y, m, d int }

func (c civil) before(o civil) bool {
	if c.y != o.y {
		return c.y < o.y
	}
	if c.m != o.m {
		return c.m < o.m
	}
	return c.d < o.d
}

func (c civil) valid() bool {
	return c.y >= 1 && c.y <= 9999 && c.m >= 1 && c.m <= 12 && c.d >= 1 && c.d <= daysIn(c.y, c.m)
}

func (c civil) String() string { return string(appendDate(nil, c.y, c.m, c.d)) }

// era is a Japanese era: dates are written as the year of the era
// (令和7年 = 2025; 元年, the first year, = 1), by its name or its initial.
type era struct {
	key        i18n.Key
	name       string
	initial    byte
	start, end civil // end is zero for the current era
}

var eras = [...]era{
	{"era.reiwa", "令和", 'R', civil{2019, 5, 1}, civil{}},
	{"era.heisei", "平成", 'H', civil{1989, 1, 8}, civil{2019, 4, 30}},
	{"era.showa", "昭和", 'S', civil{1926, 12, 25}, civil{1989, 1, 7}},
	{"era.taisho", "大正", 'T', civil{1912, 7, 30}, civil{1926, 12, 25}},
}

// dateReading is what readDate made of a value.
type dateReading struct {
	date    civil
	form    dateForm
	problem dateProblem
	alt     civil     // dateAmbiguous: the day/month/year reading (date is month/day/year)
	era     *era      // dateEraRange: the era
	order   DateOrder // formOnly: the order of the only reading
}

// readDate reads a date the way people type and spreadsheets export
// them: 2025-04-01, 2025/4/1, 2025.04.01, 2025年4月1日, 令和7年4月1日,
// R7.4.1 (also H, S, T and 平成, 昭和, 大正), with full-width digits or
// not, and 4/1/2025 with the year last, read in order when it is set.
func readDate(s string, order DateOrder) dateReading {
	if y, m, d, ok := parseDate(s); ok {
		form := formSlash
		if len(s) == 10 && s[4] == '-' && s[7] == '-' {
			form = formISO
		}
		return dateReading{date: civil{y, m, d}, form: form}
	}
	t, _ := narrow(s)
	p := dateScanner{s: strings.TrimSpace(t)}
	e := p.era()
	a, b, c, kanji, ok := p.parts(e != nil)
	if !ok {
		return dateReading{problem: dateInvalid}
	}
	switch {
	case e != nil:
		if a.digits > 2 || a.n < 1 {
			return dateReading{problem: dateInvalid}
		}
		return eraDate(e, civil{e.start.y + a.n - 1, b.n, c.n})
	case a.digits == 4:
		return checked(civil{a.n, b.n, c.n}, formOther)
	case kanji || c.digits != 4:
		return dateReading{problem: dateInvalid}
	}
	return yearLast(a.n, b.n, c.n, order)
}

// eraDate checks that the date of an era lies within the era.
func eraDate(e *era, date civil) dateReading {
	if !date.valid() {
		return dateReading{problem: dateInvalid}
	}
	if date.before(e.start) || e.end != (civil{}) && e.end.before(date) {
		return dateReading{problem: dateEraRange, era: e}
	}
	return dateReading{date: date, form: formOther}
}

func checked(date civil, form dateForm) dateReading {
	if !date.valid() {
		return dateReading{problem: dateInvalid}
	}
	return dateReading{date: date, form: form}
}

// yearLast reads a/b/year as month/day/year or day/month/year.
func yearLast(a, b, y int, order DateOrder) dateReading {
	mdy, dmy := civil{y, a, b}, civil{y, b, a}
	switch order {
	case MDY:
		if !mdy.valid() {
			return dateReading{problem: dateNotInOrder}
		}
		return dateReading{date: mdy, form: formOrdered}
	case DMY:
		if !dmy.valid() {
			return dateReading{problem: dateNotInOrder}
		}
		return dateReading{date: dmy, form: formOrdered}
	}
	switch {
	case mdy.valid() && dmy.valid() && mdy != dmy:
		return dateReading{date: mdy, alt: dmy, problem: dateAmbiguous}
	case mdy.valid():
		return dateReading{date: mdy, form: formOnly, order: MDY}
	case dmy.valid():
		return dateReading{date: dmy, form: formOnly, order: DMY}
	}
	return dateReading{problem: dateInvalid}
}

// dateScanner walks a date written with half-width digits.
type dateScanner struct {
	s string
	i int
}

// datePart is one number of a date and how many digits it was written
// with (元, the first year of an era, counts as one).
type datePart struct{ n, digits int }

func (p *dateScanner) spaces() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *dateScanner) lit(x string) bool {
	if strings.HasPrefix(p.s[p.i:], x) {
		p.i += len(x)
		return true
	}
	return false
}

// era reads an era's name or initial (R7.4.1, r7.4.1) at the start.
func (p *dateScanner) era() *era {
	for i := range eras {
		e := &eras[i]
		if p.lit(e.name) {
			return e
		}
		if p.i+1 < len(p.s) && p.s[p.i]&^0x20 == e.initial && (isDigit(p.s[p.i+1]) || strings.HasPrefix(p.s[p.i+1:], "元")) {
			p.i++
			return e
		}
	}
	return nil
}

func isDigit(c byte) bool { return c-'0' <= 9 }

// number reads up to four digits, or 元 when first is set.
func (p *dateScanner) number(first bool) (datePart, bool) {
	p.spaces()
	if first && p.lit("元") {
		return datePart{1, 1}, true
	}
	var d datePart
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		if d.digits == 4 {
			return d, false
		}
		d.n = d.n*10 + int(p.s[p.i]-'0')
		d.digits++
		p.i++
	}
	return d, d.digits > 0
}

// parts reads the three numbers of a date, separated by 年 月 (and ended
// by an optional 日) or by one of / - . used twice. Months and days have
// one or two digits.
func (p *dateScanner) parts(eraYear bool) (a, b, c datePart, kanji, ok bool) {
	if a, ok = p.number(eraYear); !ok {
		return
	}
	p.spaces()
	var sep string
	switch {
	case p.lit("年"):
		kanji, sep = true, "月"
	case p.i < len(p.s) && strings.IndexByte("/-.", p.s[p.i]) >= 0:
		sep = p.s[p.i : p.i+1]
		p.i++
	default:
		return a, b, c, false, false
	}
	if b, ok = p.number(false); !ok {
		return
	}
	p.spaces()
	if !p.lit(sep) {
		return a, b, c, kanji, false
	}
	if c, ok = p.number(false); !ok {
		return
	}
	p.spaces()
	if kanji {
		p.lit("日")
		p.spaces()
	}
	ok = p.i == len(p.s) && b.digits <= 2 && (c.digits <= 2 || !kanji && a.digits <= 2)
	return a, b, c, kanji, ok
}

// date checks a birth or hire date and changes it to YYYY-MM-DD.
func (v *Validator) date(res *Result, rec *Record, f Field, s string) {
	invalid, converted, ambiguous := RuleBirthDateInvalid, RuleBirthDateConverted, RuleBirthDateAmbiguous
	if f == JoinDate {
		invalid, converted, ambiguous = RuleJoinDateInvalid, RuleJoinDateConverted, RuleJoinDateAmbiguous
	}
	r := readDate(s, v.opts.DateOrder)
	var shown string
	if r.problem != dateOK || r.form != formISO && r.form != formSlash {
		shown = v.show(f, s)
	}
	switch r.problem {
	case dateInvalid:
		v.add(res, rec, invalid, f, "", i18n.M("msg.date.invalid", shown))
		return
	case dateAmbiguous:
		v.add(res, rec, ambiguous, f, "", i18n.M("msg.date.ambiguous", shown, r.date.String(), r.alt.String()))
		return
	case dateNotInOrder:
		v.add(res, rec, invalid, f, "", i18n.M("msg.date.not_in_order", shown, v.opts.DateOrder.name()))
		return
	case dateEraRange:
		era := i18n.M(r.era.key)
		if r.era.end == (civil{}) {
			v.add(res, rec, invalid, f, "", i18n.M("msg.date.era_start", shown, era, r.era.start.String()))
			return
		}
		v.add(res, rec, invalid, f, "", i18n.M("msg.date.era_range", shown, era, r.era.start.String(), r.era.end.String()))
		return
	}
	if r.form == formISO {
		return
	}
	v.buf = appendDate(v.buf[:0], r.date.y, r.date.m, r.date.d)
	to := string(v.buf)
	switch r.form {
	case formOther:
		v.add(res, rec, converted, f, "", i18n.M("msg.date.converted", shown, to))
	case formOrdered:
		v.add(res, rec, converted, f, "", i18n.M("msg.date.converted_order", shown, to, v.opts.DateOrder.name()))
	case formOnly:
		v.add(res, rec, converted, f, "", i18n.M("msg.date.converted_only", shown, to, r.order.name()))
	}
	v.change(res, rec, f, to)
}
