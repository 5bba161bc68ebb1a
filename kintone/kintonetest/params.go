package kintonetest

import (
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest/internal/fields"
)

// queryKey matches a query-string array element name ("codes[3]") or a
// plain name ("codes"), which the simulator tolerates too.
var queryKey = regexp.MustCompile(`^([A-Za-z]+)(?:\[(\d+)\])?$`)

// list returns the array parameter name of a read request, from the JSON
// body if it has the key, else from the query string (reference §1). JSON
// numbers are accepted as strings, since clients send ids either way.
// Empty arrays count as absent (reference §2 Get Users).
func (c *call) list(name string, errs *fields.Errors) []string {
	at := fields.Path{}.Field(name)
	if raw, ok := c.body[name]; ok && !fields.IsNull(raw) {
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) != nil {
			errs.Add(at, fields.MsgType)
			return nil
		}
		out := make([]string, 0, len(arr))
		for i, e := range arr {
			var s string
			if json.Unmarshal(e, &s) == nil {
				out = append(out, s)
				continue
			}
			var n json.Number
			if json.Unmarshal(e, &n) == nil {
				out = append(out, n.String())
				continue
			}
			errs.Add(at.At(i), fields.MsgType)
		}
		return out
	}
	type elem struct {
		idx int
		val string
	}
	var elems []elem
	for k, vs := range c.query {
		m := queryKey.FindStringSubmatch(k)
		if m == nil || m[1] != name {
			continue
		}
		idx := -1
		if m[2] != "" {
			idx, _ = strconv.Atoi(m[2])
		}
		for _, v := range vs {
			elems = append(elems, elem{idx, v})
		}
	}
	sort.SliceStable(elems, func(i, j int) bool { return elems[i].idx < elems[j].idx })
	out := make([]string, len(elems))
	for i, e := range elems {
		out[i] = e.val
	}
	return out
}

// scalar returns a scalar parameter as a string, from the JSON body or the
// query string.
func (c *call) scalar(name string) (string, bool) {
	if raw, ok := c.body[name]; ok && !fields.IsNull(raw) {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s, true
		}
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			return n.String(), true
		}
		return string(raw), true
	}
	if vs, ok := c.query[name]; ok && len(vs) > 0 {
		return vs[0], true
	}
	return "", false
}

// intParam reads an integer parameter in [lo, hi], def when absent.
func (c *call) intParam(name string, def, lo, hi int, errs *fields.Errors) int {
	s, ok := c.scalar(name)
	if !ok || s == "" {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < lo || n > hi {
		errs.Add(fields.Path{}.Field(name), fields.MsgRange, lo, hi)
		return def
	}
	return n
}

// paging reads offset (≥0, default 0) and size (1..100, default 100).
func (c *call) paging(errs *fields.Errors) (offset, size int) {
	offset = c.intParam("offset", 0, 0, int(^uint32(0)>>1), errs)
	size = c.intParam("size", kintone.MaxPerRequest, 1, kintone.MaxPerRequest, errs)
	return offset, size
}

// items returns the array name of a write body: required, non-empty, at
// most 100 elements (reference §2, §6).
func (c *call) items(name string, errs *fields.Errors) []json.RawMessage {
	at := fields.Path{}.Field(name)
	raw, ok := c.body[name]
	if !ok || fields.IsNull(raw) {
		errs.Add(at, fields.MsgRequired)
		return nil
	}
	arr, ok := fields.DecodeArray(raw)
	if !ok {
		errs.Add(at, fields.MsgType)
		return nil
	}
	if len(arr) == 0 {
		errs.Add(at, fields.MsgRequired)
		return nil
	}
	if len(arr) > kintone.MaxPerRequest {
		errs.Add(at, fields.MsgTooMany, kintone.MaxPerRequest)
		return nil
	}
	return arr
}

// codes returns the string array name of a write body (Delete Users,
// Delete Guests), with the same limits as items. When the body does not
// have it, the query string may (codes[0]=a): Cybozu's own SDK sends DELETE
// parameters that way (reference §12).
func (c *call) codes(name string, errs *fields.Errors) []string {
	if _, inBody := c.body[name]; !inBody {
		if q := c.list(name, errs); len(q) > 0 {
			if len(q) > kintone.MaxPerRequest {
				errs.Add(fields.Path{}.Field(name), fields.MsgTooMany, kintone.MaxPerRequest)
				return nil
			}
			for i, v := range q {
				if v == "" {
					errs.Add(fields.Path{}.Field(name).At(i), fields.MsgRequired)
				}
			}
			return q
		}
	}
	arr := c.items(name, errs)
	if arr == nil {
		return nil
	}
	out := make([]string, len(arr))
	for i, raw := range arr {
		if json.Unmarshal(raw, &out[i]) != nil {
			errs.Add(fields.Path{}.Field(name).At(i), fields.MsgType)
			continue
		}
		if out[i] == "" {
			errs.Add(fields.Path{}.Field(name).At(i), fields.MsgRequired)
		}
	}
	return out
}

// page slices list by offset and size.
func page[T any](list []T, offset, size int) []T {
	if offset >= len(list) {
		return list[:0]
	}
	list = list[offset:]
	if len(list) > size {
		list = list[:size]
	}
	return list
}

// marshalItems encodes preload values as they would travel in a request.
func marshalItems[T any](vs []T) ([]json.RawMessage, error) {
	out := make([]json.RawMessage, len(vs))
	for i, v := range vs {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}
