package date

import "strings"

// ParseISO reads YYYY-MM-DD or YYYY/MM/DD, with one- or two-digit month
// and day (YYYY/M/D, as Excel shows Japanese dates), and checks that the
// day exists.
func ParseISO(s string) (y, m, d int, ok bool) {
	if len(s) < 8 || len(s) > 10 {
		return 0, 0, 0, false
	}
	y, ok = digits(s[:4])
	if !ok || y == 0 {
		return 0, 0, 0, false
	}
	sep := s[4]
	if sep != '-' && sep != '/' {
		return 0, 0, 0, false
	}
	rest := s[5:]
	k := strings.IndexByte(rest, sep)
	if k < 1 || k > 2 || len(rest)-k-1 < 1 || len(rest)-k-1 > 2 {
		return 0, 0, 0, false
	}
	if m, ok = digits(rest[:k]); !ok {
		return 0, 0, 0, false
	}
	if d, ok = digits(rest[k+1:]); !ok {
		return 0, 0, 0, false
	}
	if m < 1 || m > 12 || d < 1 || d > DaysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// digits parses a short run of ASCII digits.
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// scanner walks a date written with half-width digits.
type scanner struct {
	s string
	i int
}

// part is one number of a date and how many digits it was written
// with (元, the first year of an era, counts as one).
type part struct{ n, digits int }

func (p *scanner) spaces() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *scanner) lit(x string) bool {
	if strings.HasPrefix(p.s[p.i:], x) {
		p.i += len(x)
		return true
	}
	return false
}

// era reads an era's name or initial (R7.4.1, r7.4.1) at the start.
func (p *scanner) era() *Era {
	for i := range eras {
		e := &eras[i]
		if p.lit(e.Name) {
			return e
		}
		if p.i+1 < len(p.s) && p.s[p.i]&^0x20 == e.Initial && (isDigit(p.s[p.i+1]) || strings.HasPrefix(p.s[p.i+1:], "元")) {
			p.i++
			return e
		}
	}
	return nil
}

func isDigit(c byte) bool { return c-'0' <= 9 }

// number reads up to four digits, or 元 when first is set.
func (p *scanner) number(first bool) (part, bool) {
	p.spaces()
	if first && p.lit("元") {
		return part{1, 1}, true
	}
	var d part
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
func (p *scanner) parts(eraYear bool) (a, b, c part, kanji, ok bool) {
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
