package i18n

import (
	"fmt"
	"strconv"
)

// Most messages are rendered for a row that has a problem, and a file
// with many bad rows renders thousands. The plain entries of the catalog
// use only the verbs %s, %q and %d with explicit or implicit argument
// indexes, so they are compiled once into pieces of literal text and
// arguments and rendered here, appending nested Msgs in place instead of
// formatting them into strings of their own. An entry with any other verb
// is formatted by fmt.

// piece is a literal text or an argument of a compiled format.
type piece struct {
	lit  string
	arg  int  // 0-based; -1 for a literal
	verb byte // 's', 'q' or 'd'
}

// compile splits a format into pieces; ok is false when it uses a verb or
// flag compile does not handle.
func compile(format string) (ps []piece, ok bool) {
	next := 0
	lit := []byte{}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			lit = append(lit, c)
			continue
		}
		i++
		if i >= len(format) {
			return nil, false
		}
		if format[i] == '%' {
			lit = append(lit, '%')
			continue
		}
		if format[i] == '[' {
			end := i + 1
			for end < len(format) && format[end] >= '0' && format[end] <= '9' {
				end++
			}
			n, err := strconv.Atoi(format[i+1 : end])
			if err != nil || end >= len(format) || format[end] != ']' || n < 1 {
				return nil, false
			}
			next = n - 1
			i = end + 1
			if i >= len(format) {
				return nil, false
			}
		}
		switch v := format[i]; v {
		case 's', 'q', 'd':
			if len(lit) > 0 {
				ps = append(ps, piece{lit: string(lit), arg: -1})
				lit = lit[:0]
			}
			ps = append(ps, piece{arg: next, verb: v})
			next++
		default:
			return nil, false
		}
	}
	if len(lit) > 0 {
		ps = append(ps, piece{lit: string(lit), arg: -1})
	}
	return ps, true
}

// compiled holds the pieces of each plain entry per language; nil means
// the entry is formatted by fmt (or, for a plural one, the printer).
var compiled = func() [][numLangs][]piece {
	out := make([][numLangs][]piece, len(entries))
	for i, e := range entries {
		if e.plural != nil {
			continue
		}
		for l := range e.text {
			if ps, ok := compile(e.text[l]); ok {
				if ps == nil {
					ps = []piece{}
				}
				out[i][l] = ps
			}
		}
	}
	return out
}()

// Append appends the message key in l to dst, like Sprintf.
func (l Lang) Append(dst []byte, key Key, args ...any) []byte {
	if l >= numLangs {
		l = English
	}
	i, ok := index[key]
	if !ok {
		return append(append(dst, "!(MISSING "...), string(key)+")"...)
	}
	ps := compiled[i][l]
	if ps == nil {
		// A copy, so that only these rare entries pay for fmt keeping
		// the arguments.
		return append(dst, l.format(&entries[i], append([]any(nil), args...))...)
	}
	for _, p := range ps {
		if p.arg < 0 {
			dst = append(dst, p.lit...)
			continue
		}
		if p.arg >= len(args) {
			dst = append(dst, "%!"...)
			dst = append(dst, p.verb)
			dst = append(dst, "(MISSING)"...)
			continue
		}
		dst = l.appendArg(dst, p.verb, args[p.arg])
	}
	return dst
}

// appendArg appends one argument as fmt's verb would. Pointers to a
// string, an int or a Msg are followed: a caller that holds the value in
// a struct on the heap passes its address, which needs no allocation to
// become an interface, where the value itself would.
func (l Lang) appendArg(dst []byte, verb byte, a any) []byte {
	switch p := a.(type) {
	case string:
		return appendString(dst, verb, p)
	case *string:
		return appendString(dst, verb, *p)
	case Msg:
		return l.appendMsg(dst, verb, p)
	case *Msg:
		return l.appendMsg(dst, verb, *p)
	case int:
		return appendInt(dst, verb, p)
	case *int:
		return appendInt(dst, verb, *p)
	}
	return fmt.Appendf(dst, "%"+string(verb), a)
}

func appendString(dst []byte, verb byte, s string) []byte {
	switch verb {
	case 'q':
		return strconv.AppendQuote(dst, s)
	case 's':
		return append(dst, s...)
	}
	return fmt.Appendf(dst, "%"+string(verb), s)
}

func appendInt(dst []byte, verb byte, n int) []byte {
	if verb == 'd' {
		return strconv.AppendInt(dst, int64(n), 10)
	}
	return fmt.Appendf(dst, "%"+string(verb), n)
}

func (l Lang) appendMsg(dst []byte, verb byte, m Msg) []byte {
	switch verb {
	case 's':
		return l.Append(dst, m.Key, m.Args...)
	case 'q':
		return strconv.AppendQuote(dst, l.Sprintf(m.Key, m.Args...))
	}
	return fmt.Appendf(dst, "%"+string(verb), l.Sprintf(m.Key, m.Args...))
}

// format renders an entry that compile does not handle; it may change
// args.
func (l Lang) format(e *entry, args []any) string {
	renderArgs(l, args)
	if e.plural != nil {
		return printers[l].Sprintf(string(e.key), args...)
	}
	return fmt.Sprintf(e.text[l], args...)
}
