package kintonetest

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/userimport/userimport/kintone"
)

// This file keeps the simulator's decoding as it was before the hand-written
// scanner (jsonscan.go), built on encoding/json alone, as the oracle of the
// differential fuzz targets in scan_test.go: the fast path must parse every
// input to the same items and report the same errors.

// refDecodeBody is readBody's JSON step before the scanner.
func refDecodeBody(data []byte) (map[string]json.RawMessage, bool) {
	d := json.NewDecoder(bytes.NewReader(data))
	var m map[string]json.RawMessage
	if err := d.Decode(&m); err != nil || m == nil {
		return nil, false
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, false
	}
	return m, true
}

// refItems is call.items before the scanner.
func refItems(body map[string]json.RawMessage, name string, errs *errList) []json.RawMessage {
	at := path{}.field(name)
	raw, ok := body[name]
	if !ok || isNull(raw) {
		errs.add(at, msgRequired)
		return nil
	}
	var arr []json.RawMessage
	if json.Unmarshal(raw, &arr) != nil {
		errs.add(at, msgType)
		return nil
	}
	if len(arr) == 0 {
		errs.add(at, msgRequired)
		return nil
	}
	if len(arr) > kintone.MaxPerRequest {
		errs.add(at, msgTooMany, kintone.MaxPerRequest)
		return nil
	}
	return arr
}

func refDecodeObject(raw json.RawMessage) (map[string]json.RawMessage, bool) {
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, false
	}
	return m, true
}

// itemView is an item as the reference builds it: strings by field name,
// nil for what the request did not set.
type itemView struct {
	strs      map[string]string
	valid     *bool
	sortOrder *int64
	custom    []customValue
	hasCustom bool
}

// viewOf converts parseItem's result for comparison. It reports false if
// the item holds data beyond what its flags say is set.
func viewOf(it *item) (*itemView, bool) {
	if it == nil {
		return nil, true
	}
	v := &itemView{strs: map[string]string{}, custom: it.custom, hasCustom: it.hasCustom}
	clean := it.hasCustom || it.custom == nil
	for i := range it.strs {
		switch {
		case i < len(it.rules) && it.set&(1<<i) != 0:
			v.strs[it.rules[i].name] = it.strs[i]
		case it.strs[i] != "" || it.set&(1<<i) != 0:
			clean = false
		}
	}
	if it.hasValid {
		b := it.valid
		v.valid = &b
	} else if it.valid {
		clean = false
	}
	if it.hasSortOrder {
		n := it.sortOrder
		v.sortOrder = &n
	} else if it.sortOrder != 0 {
		clean = false
	}
	return v, clean
}

func refParseItem(raw json.RawMessage, rules []fieldRule, add, jaLimits bool, at path, errs *errList) *itemView {
	obj, ok := refDecodeObject(raw)
	if !ok {
		errs.add(at, msgType)
		return nil
	}
	it := &itemView{strs: map[string]string{}}
	for _, r := range rules {
		v, present := obj[r.name]
		if present && isNull(v) {
			present = false
		}
		fp := at.field(r.name)
		required := r.required && (add || r.name == "code")
		if !present {
			if required {
				errs.add(fp, msgRequired)
			}
			continue
		}
		switch r.kind {
		case kindBool:
			var b bool
			if json.Unmarshal(v, &b) != nil {
				errs.add(fp, msgType)
				continue
			}
			it.valid = &b
		case kindSortOrder:
			n, ok := refParseSortOrder(v)
			if !ok {
				errs.add(fp, msgRange, 0, sortOrderMax)
				continue
			}
			it.sortOrder = &n
		case kindCustomItems:
			it.custom, it.hasCustom = refParseCustom(v, fp, errs), true
		default:
			var s string
			if json.Unmarshal(v, &s) != nil {
				errs.add(fp, msgType)
				continue
			}
			if refCheckString(s, r, required || r.notBlank || r.notEmpty, jaLimits, fp, errs) {
				it.strs[r.name] = s
			}
		}
	}
	return it
}

func refCheckString(s string, r fieldRule, nonEmpty, jaLimits bool, at path, errs *errList) bool {
	if s == "" {
		if nonEmpty {
			errs.add(at, msgRequired)
			return false
		}
		return true
	}
	if r.notBlank && strings.TrimSpace(s) == "" {
		errs.add(at, msgBlank)
		return false
	}
	max := r.max
	if jaLimits && r.maxJA > 0 {
		max = r.maxJA
	}
	if max > 0 && utf8.RuneCountInString(s) > max {
		errs.add(at, msgTooLong, max)
		return false
	}
	if r.check != nil {
		if m, args, ok := r.check(s); !ok {
			errs.add(at, m, args...)
			return false
		}
	}
	return true
}

func refParseSortOrder(v json.RawMessage) (int64, bool) {
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	var n json.Number
	if d.Decode(&n) != nil {
		return 0, false
	}
	i, err := n.Int64()
	if err != nil || i < 0 || i > sortOrderMax {
		return 0, false
	}
	return i, true
}

func refParseCustom(v json.RawMessage, at path, errs *errList) []customValue {
	var arr []json.RawMessage
	if json.Unmarshal(v, &arr) != nil {
		errs.add(at, msgType)
		return nil
	}
	out := make([]customValue, 0, len(arr))
	for i, raw := range arr {
		ip := at.at(i)
		obj, ok := refDecodeObject(raw)
		if !ok {
			errs.add(ip, msgType)
			continue
		}
		var cv customValue
		if json.Unmarshal(obj["code"], &cv.Code) != nil || cv.Code == "" {
			errs.add(ip.field("code"), msgRequired)
			continue
		}
		if raw, ok := obj["value"]; ok && !isNull(raw) {
			if json.Unmarshal(raw, &cv.Value) != nil {
				errs.add(ip.field("value"), msgType)
				continue
			}
		}
		if utf8.RuneCountInString(cv.Value) > customValueMax {
			errs.add(ip.field("value"), msgTooLong, customValueMax)
			continue
		}
		out = append(out, cv)
	}
	return out
}
