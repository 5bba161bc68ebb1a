package kintonetest

import (
	"encoding/json"
	"unicode/utf8"
)

// This file is a small JSON scanner for the simulator's hot path: under a
// bulk import, splitting Add Users bodies with encoding/json (which checks
// the whole input again on every Unmarshal and copies every value) was most
// of the simulator's CPU time.
//
// The scanner is strict and conservative. It accepts only input it has
// checked against the JSON grammar, and then yields exactly what
// json.Unmarshal into map[string]json.RawMessage or []json.RawMessage
// would: the values' bytes, without surrounding white space, and the last
// of duplicate keys. Whenever it is unsure (invalid JSON, escapes in a key,
// deep nesting) it gives up and the caller takes the encoding/json path,
// which then decides, so that path alone defines what is accepted.
// The differential fuzz targets in scan_test.go hold the two together.

// scanMaxDepth bounds nesting; deeper input goes to encoding/json, whose
// own limit is far higher.
const scanMaxDepth = 64

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(d []byte, i int) int {
	for i < len(d) && isSpace(d[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// plainByte marks the bytes that stand for themselves inside a JSON
// string: everything but control characters, '"' and '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// scanString checks the string starting at d[i] == '"' and returns the
// index after its closing quote and whether it holds escapes.
func scanString(d []byte, i int) (end int, escaped, ok bool) {
	for i++; i < len(d); {
		for i < len(d) && plainByte[d[i]] {
			i++
		}
		if i >= len(d) {
			break
		}
		switch c := d[i]; {
		case c == '"':
			return i + 1, escaped, true
		case c == '\\':
			escaped = true
			if i+1 >= len(d) {
				return 0, false, false
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || !isHex(d[i+2]) || !isHex(d[i+3]) || !isHex(d[i+4]) || !isHex(d[i+5]) {
					return 0, false, false
				}
				i += 6
			default:
				return 0, false, false
			}
		case c < 0x20:
			return 0, false, false
		default:
			i++
		}
	}
	return 0, false, false
}

// scanNumber checks the number starting at d[i] and returns the index after
// it.
func scanNumber(d []byte, i int) (int, bool) {
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i >= len(d):
		return 0, false
	case d[i] == '0':
		i++
	case isDigit(d[i]):
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	default:
		return 0, false
	}
	if i < len(d) && d[i] == '.' {
		i++
		j := i
		for i < len(d) && isDigit(d[i]) {
			i++
		}
		if i == j {
			return 0, false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := i
		for i < len(d) && isDigit(d[i]) {
			i++
		}
		if i == j {
			return 0, false
		}
	}
	return i, true
}

func scanLiteral(d []byte, i int, lit string) (int, bool) {
	if len(d)-i < len(lit) || string(d[i:i+len(lit)]) != lit {
		return 0, false
	}
	return i + len(lit), true
}

// scanValue checks the value starting at d[i] (no leading white space) and
// returns the index after it. depth is the nesting of the value's
// container.
func scanValue(d []byte, i, depth int) (int, bool) {
	if i >= len(d) {
		return 0, false
	}
	switch c := d[i]; {
	case c == '"':
		end, _, ok := scanString(d, i)
		return end, ok
	case c == '{' || c == '[':
		if depth >= scanMaxDepth {
			return 0, false
		}
		return scanContainer(d, i, depth+1)
	case c == 't':
		return scanLiteral(d, i, "true")
	case c == 'f':
		return scanLiteral(d, i, "false")
	case c == 'n':
		return scanLiteral(d, i, "null")
	case c == '-' || isDigit(c):
		return scanNumber(d, i)
	}
	return 0, false
}

// scanContainer checks the object or array starting at d[i] and returns
// the index after it.
func scanContainer(d []byte, i, depth int) (int, bool) {
	obj := d[i] == '{'
	closer := byte(']')
	if obj {
		closer = '}'
	}
	i = skipSpace(d, i+1)
	if i < len(d) && d[i] == closer {
		return i + 1, true
	}
	for {
		var ok bool
		if obj {
			if i >= len(d) || d[i] != '"' {
				return 0, false
			}
			if i, _, ok = scanString(d, i); !ok {
				return 0, false
			}
			i = skipSpace(d, i)
			if i >= len(d) || d[i] != ':' {
				return 0, false
			}
			i = skipSpace(d, i+1)
		}
		if i, ok = scanValue(d, i, depth); !ok {
			return 0, false
		}
		i = skipSpace(d, i)
		switch {
		case i >= len(d):
			return 0, false
		case d[i] == closer:
			return i + 1, true
		case d[i] != ',':
			return 0, false
		}
		i = skipSpace(d, i+1)
	}
}

// elemIter walks the members of an object or the elements of an array
// that makes up a whole input (white space around it allowed). Use
// objectIter or arrayIter to start one, next to step, and valid at the end.
type elemIter struct {
	d       []byte
	i       int
	obj     bool
	started bool
	done    bool // the closing bracket and only white space after it were seen
	bad     bool // the scanner gave up
}

func objectIter(raw []byte) elemIter { return newIter(raw, '{') }

func arrayIter(raw []byte) elemIter { return newIter(raw, '[') }

func newIter(raw []byte, open byte) elemIter {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != open {
		return elemIter{bad: true}
	}
	return elemIter{d: raw, i: i + 1, obj: open == '{'}
}

// next returns the next member (key is nil for arrays). keyEscaped reports
// a key with escapes, whose bytes are not the key itself. It returns false
// at the end or when the scanner gives up.
func (it *elemIter) next() (key, val []byte, keyEscaped, ok bool) {
	if it.bad || it.done {
		return nil, nil, false, false
	}
	d := it.d
	closer := byte(']')
	if it.obj {
		closer = '}'
	}
	i := skipSpace(d, it.i)
	switch {
	case i >= len(d):
		it.bad = true
		return nil, nil, false, false
	case d[i] == closer:
		it.i = i + 1
		if skipSpace(d, it.i) != len(d) {
			it.bad = true
		} else {
			it.done = true
		}
		return nil, nil, false, false
	case it.started:
		if d[i] != ',' {
			it.bad = true
			return nil, nil, false, false
		}
		i = skipSpace(d, i+1)
	}
	it.started = true
	if it.obj {
		if i >= len(d) || d[i] != '"' {
			it.bad = true
			return nil, nil, false, false
		}
		end, esc, ok := scanString(d, i)
		if !ok {
			it.bad = true
			return nil, nil, false, false
		}
		key, keyEscaped = d[i+1:end-1:end-1], esc
		i = skipSpace(d, end)
		if i >= len(d) || d[i] != ':' {
			it.bad = true
			return nil, nil, false, false
		}
		i = skipSpace(d, i+1)
	}
	end, ok := scanValue(d, i, 1)
	if !ok {
		it.bad = true
		return nil, nil, false, false
	}
	it.i = end
	return key, d[i:end:end], keyEscaped, true
}

// valid reports whether the walk reached the end of well-formed input.
func (it *elemIter) valid() bool { return it.done && !it.bad }

// scanObjectMap is json.Unmarshal of a whole object into
// map[string]json.RawMessage; false means "unsure", not "invalid". The
// values share raw's memory.
func scanObjectMap(raw []byte) (map[string]json.RawMessage, bool) {
	it := objectIter(raw)
	m := map[string]json.RawMessage{}
	for {
		key, val, esc, ok := it.next()
		if !ok {
			break
		}
		// Unmarshal replaces invalid UTF-8 in keys; leave that to it.
		if esc || !utf8.Valid(key) {
			return nil, false
		}
		m[string(key)] = val
	}
	if !it.valid() {
		return nil, false
	}
	return m, true
}

// splitArray is json.Unmarshal of raw into []json.RawMessage, sharing
// raw's memory.
func splitArray(raw []byte) ([]json.RawMessage, error) {
	return splitArrayInto(raw, nil)
}

// splitArrayInto is splitArray appending to buf[:0], so that a caller can
// split short arrays into a buffer on its stack. The result may share
// buf's memory.
func splitArrayInto(raw []byte, buf []json.RawMessage) ([]json.RawMessage, error) {
	it := arrayIter(raw)
	out := buf[:0]
	for {
		_, val, _, ok := it.next()
		if !ok {
			break
		}
		out = append(out, val)
	}
	if it.valid() {
		if out == nil { // only when buf is nil
			out = []json.RawMessage{} // as Unmarshal gives for []
		}
		return out, nil
	}
	var arr []json.RawMessage
	err := json.Unmarshal(raw, &arr)
	return arr, err
}
