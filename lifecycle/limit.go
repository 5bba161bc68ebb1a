package lifecycle

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Limit is the most users one run may deactivate (--max-deactivate): a
// count ("12") or a share of the domain's users ("5%", "2.5%"). The zero
// value is DefaultLimit. It is a flag.Value.
type Limit struct {
	set     bool
	percent bool
	// n is the count, or the share in hundredths of a percent.
	n int64
}

// DefaultLimit is 5% of the domain's users (at least 1).
var DefaultLimit = Limit{set: true, percent: true, n: 500}

// maxCount bounds a count: no domain has more users, and it keeps the
// arithmetic far from overflow.
const maxCount = 1_000_000_000

// ErrBadLimit is wrapped by ParseLimit's errors.
var ErrBadLimit = errors.New("not a deactivation limit")

// ParseLimit reads "N" (a whole number of users, 0 refuses any
// deactivation) or "P%" (a share of the domain's users between 0 and 100,
// with at most two decimals).
func ParseLimit(s string) (Limit, error) {
	t := strings.TrimSpace(s)
	bad := func(why string) (Limit, error) {
		return Limit{}, fmt.Errorf("%w: %q %s; write a number of users such as 10, or a share of the domain's users such as 5%%", ErrBadLimit, s, why)
	}
	if p, ok := strings.CutSuffix(t, "%"); ok {
		n, ok := hundredths(strings.TrimSpace(p))
		if !ok {
			return bad("is not a percentage")
		}
		if n > 100*100 {
			return bad("is more than 100%")
		}
		return Limit{set: true, percent: true, n: n}, nil
	}
	if t == "" || strings.TrimLeft(t, "0123456789") != "" {
		return bad("is not a whole number")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n > maxCount {
		return bad("is too large")
	}
	return Limit{set: true, n: n}, nil
}

// hundredths parses a non-negative decimal with at most two decimals
// ("5", "2.5", "0.25") into hundredths.
func hundredths(s string) (int64, bool) {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" && !dot || len(frac) > 2 || dot && frac == "" ||
		strings.TrimLeft(whole, "0123456789") != "" || strings.TrimLeft(frac, "0123456789") != "" || len(whole) > 4 {
		return 0, false
	}
	w := int64(0)
	if whole != "" {
		w, _ = strconv.ParseInt(whole, 10, 64)
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	return w*100 + f, true
}

// Max returns how many of a domain's total users may be deactivated: the
// count, or the share rounded down and at least 1 (unless the share is
// 0%), so that a small domain can still let one person go.
func (l Limit) Max(total int) int {
	if !l.set {
		l = DefaultLimit
	}
	if !l.percent {
		return int(l.n)
	}
	if l.n == 0 {
		return 0
	}
	return max(1, int(int64(total)*l.n/10000))
}

// String returns the limit as ParseLimit reads it.
func (l Limit) String() string {
	if !l.set {
		l = DefaultLimit
	}
	if !l.percent {
		return strconv.FormatInt(l.n, 10)
	}
	s := strconv.FormatInt(l.n/100, 10)
	if f := l.n % 100; f != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", f), "0")
	}
	return s + "%"
}

// Set parses s into l, for flag.Value.
func (l *Limit) Set(s string) error {
	v, err := ParseLimit(s)
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Type names the flag's value for pflag.
func (l *Limit) Type() string { return "N|P%" }
