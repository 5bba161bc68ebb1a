package validate

import (
	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/validate/date"
)

// DateOrder says how to read a date whose year comes last (4/1/2025),
// which the United States reads as month/day/year and most of Europe as
// day/month/year. The reading itself is package date's.
type DateOrder = date.Order

// The date orders. DateOrderUnset makes a date that reads both ways an
// error that shows both readings.
const (
	DateOrderUnset = date.Unset
	MDY            = date.MDY
	DMY            = date.DMY
)

// ParseDateOrder reads "mdy" or "dmy" (any case); "" is DateOrderUnset.
func ParseDateOrder(s string) (DateOrder, error) { return date.ParseOrder(s) }

// orderName names an order in messages.
func orderName(o DateOrder) i18n.Msg {
	if o == DMY {
		return i18n.M("date.dmy")
	}
	return i18n.M("date.mdy")
}

// date checks a birth or hire date and changes it to YYYY-MM-DD.
func (v *Validator) date(res *Result, rec *Record, f Field, s string) {
	invalid, converted, ambiguous := RuleBirthDateInvalid, RuleBirthDateConverted, RuleBirthDateAmbiguous
	if f == JoinDate {
		invalid, converted, ambiguous = RuleJoinDateInvalid, RuleJoinDateConverted, RuleJoinDateAmbiguous
	}
	r := date.Read(s, v.opts.DateOrder)
	var shown string
	if r.Problem != date.OK || r.Form != date.ISO && r.Form != date.Slash {
		shown = v.show(f, s)
	}
	switch r.Problem {
	case date.Invalid:
		v.add(res, rec, invalid, f, "", i18n.M("msg.date.invalid", shown))
		return
	case date.Ambiguous:
		v.add(res, rec, ambiguous, f, "", i18n.M("msg.date.ambiguous", shown, r.Date.String(), r.Alt.String()))
		return
	case date.NotInOrder:
		v.add(res, rec, invalid, f, "", i18n.M("msg.date.not_in_order", shown, orderName(v.opts.DateOrder)))
		return
	case date.EraRange:
		era := i18n.M(i18n.Key("era." + r.Era.ID))
		if r.Era.End == (date.Date{}) {
			v.add(res, rec, invalid, f, "", i18n.M("msg.date.era_start", shown, era, r.Era.Start.String()))
			return
		}
		v.add(res, rec, invalid, f, "", i18n.M("msg.date.era_range", shown, era, r.Era.Start.String(), r.Era.End.String()))
		return
	}
	if r.Form == date.ISO {
		return
	}
	v.buf = r.Date.Append(v.buf[:0])
	to := string(v.buf)
	switch r.Form {
	case date.Other:
		v.add(res, rec, converted, f, "", i18n.M("msg.date.converted", shown, to))
	case date.Ordered:
		v.add(res, rec, converted, f, "", i18n.M("msg.date.converted_order", shown, to, orderName(v.opts.DateOrder)))
	case date.Only:
		v.add(res, rec, converted, f, "", i18n.M("msg.date.converted_only", shown, to, orderName(r.Order)))
	}
	v.change(res, rec, f, to)
}
