package kintonetest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// The targets here hold the hand-written scanner (jsonscan.go) and the
// decoding built on it to the encoding/json implementation kept in
// ref_test.go: same items, same errors, same accepted values.

// scanSeeds are item bodies and whole request bodies covering what the
// fast path handles and every reason it gives up.
var scanSeeds = []string{
	`{"code":"a","name":"A","password":"p"}`,
	`{"code":"a","valid":true,"password":"p","name":"山田 太郎","surName":"山田","timezone":"Asia/Tokyo","locale":"ja","sortOrder":5,"birthDate":"2000-01-31","customItemValues":[{"code":"c","value":"v"},{"code":"d","value":null}]}`,
	`{"code":"a","description":"R\u0026D, \"tea\"\nline\t2 \/ \\ \b\f\r","name":"\u3042\u00e9"}`,
	`{"code":"a","name":"\ud83d\ude00","password":"\ud800"}`,
	`{"code":"a","code":"b","name":"x","name":null}`,
	`{"cod\u0065":"a","name":"A","password":"p"}`,
	`{"code":"a","na` + "\xff" + `me":"A","password":"p` + "\xfe" + `"}`,
	`{"code":"a","sortOrder":"5"}`, `{"code":"a","sortOrder":-0}`, `{"code":"a","sortOrder":1e3}`,
	`{"code":"a","sortOrder":1.0}`, `{"code":"a","sortOrder":99999999}`, `{"code":"a","sortOrder":100000000}`,
	`{"code":"a","sortOrder":00}`, `{"code":"a","sortOrder":-1}`, `{"code":"a","sortOrder":12345678901234567890}`,
	`{"code":"a","valid":"true"}`, `{"code":"a","valid":1}`, `{"code":"a","valid":false}`,
	`{"code":"a","customItemValues":{}}`, `{"code":"a","customItemValues":[1,null,{},{"code":""},{"code":1}]}`,
	`{"code":"a","customItemValues":[{"code":"c","value":1},{"c\u006fde":"c","value":"x"},{"code":"c","code":"d"}]}`,
	`{"code":"a","customItemValues":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
	" \t\n\r{ \"code\" : \"a\" , \"x\" : [ 1 , { } , [ ] , -0.5e+7 , true , false , null ] } \n",
	"\f{\"code\":\"a\"}", "{\"code\":\"a\"}\u00a0", `{"code":"a"} {}`, `{"code":"a"}x`, `{"code":"a",}`,
	`{,"code":"a"}`, `{"code":"a" "b":1}`, `{"code":}`, `{"code"}`, `{"code":"a"`, `{"code":"a\`,
	`{"code":"\x"}`, `{"code":"\u12"}`, "{\"code\":\"a\tb\"}", `{"n":01}`, `{"n":1.}`, `{"n":.5}`, `{"n":1e}`,
	`{"n":-}`, `{"n":tru}`, `{"n":nul}`, `{"n":truex}`, `[]`, `[1,2]`, `null`, `"s"`, ``, `{}`, `{"users":[]}`,
	`{"users":[{"code":"a"},{"code":"b"}],"users":[1]}`, `{"users":null}`, `{"users":"x"}`, `[1,]`, `[,1]`,
	`{"code":"a","timezone":"Asia/Calcutta","email":"x@example.com","locale":"xx","birthDate":"2000-1-1"}`,
	`{"code":" a","name":"   ","password":""}`, `{"code":"a\\b"}`,
}

func fuzzSeeds(f *testing.F) {
	body, _ := addUsersBody(3)
	f.Add(body)
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
}

// checkParseItem compares parseItem with refParseItem under every mode.
func checkParseItem(t *testing.T, raw []byte) {
	t.Helper()
	for _, rules := range [][]fieldRule{userRules, guestRules} {
		for _, add := range []bool{true, false} {
			for _, ja := range []bool{true, false} {
				at := path{}.field("users").at(7)
				var gotErrs, wantErrs errList
				got, clean := viewOf(parseItem(raw, rules, add, ja, at, &gotErrs))
				want := refParseItem(raw, rules, add, ja, at, &wantErrs)
				if !clean {
					t.Fatalf("parseItem(%q, add=%v, ja=%v) left data in unset fields", raw, add, ja)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("parseItem(%q, add=%v, ja=%v) item\n got %+v\nwant %+v", raw, add, ja, got, want)
				}
				if !reflect.DeepEqual(gotErrs, wantErrs) {
					t.Fatalf("parseItem(%q, add=%v, ja=%v) errors\n got %+v\nwant %+v", raw, add, ja, gotErrs, wantErrs)
				}
			}
		}
	}
}

// checkBody compares decodeBody, call.items and decodeObject with the
// encoding/json versions.
func checkBody(t *testing.T, data []byte) {
	t.Helper()
	got, ok := decodeBody(data)
	want, wantOK := refDecodeBody(data)
	if ok != wantOK || !equalRaw(got, want) {
		t.Fatalf("decodeBody(%q) = %q, %v; want %q, %v", data, got, ok, want, wantOK)
	}
	if obj, ok := decodeObject(data); true {
		want, wantOK := refDecodeObject(data)
		if ok != wantOK || !equalRaw(obj, want) {
			t.Fatalf("decodeObject(%q) = %q, %v; want %q, %v", data, obj, ok, want, wantOK)
		}
	}
	if !ok {
		return
	}
	for _, name := range []string{"users", "code", "customItemValues", "x"} {
		var gotErrs, wantErrs errList
		c := &call{body: got}
		items := c.items(name, &gotErrs)
		wantItems := refItems(want, name, &wantErrs)
		if !reflect.DeepEqual(gotErrs, wantErrs) || len(items) != len(wantItems) || (items == nil) != (wantItems == nil) {
			t.Fatalf("items(%q) of %q = %q, %v; want %q, %v", name, data, items, gotErrs, wantItems, wantErrs)
		}
		for i := range items {
			if !bytes.Equal(items[i], wantItems[i]) {
				t.Fatalf("items(%q) of %q [%d] = %q, want %q", name, data, i, items[i], wantItems[i])
			}
		}
	}
}

func equalRaw(a, b map[string]json.RawMessage) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

// checkSplitArray compares splitArray with json.Unmarshal into
// []json.RawMessage.
func checkSplitArray(t *testing.T, data []byte) {
	t.Helper()
	got, err := splitArray(data)
	var want []json.RawMessage
	wantErr := json.Unmarshal(data, &want)
	if (err == nil) != (wantErr == nil) || len(got) != len(want) || (got == nil) != (want == nil) {
		t.Fatalf("splitArray(%q) = %q, %v; want %q, %v", data, got, err, want, wantErr)
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("splitArray(%q)[%d] = %q, want %q", data, i, got[i], want[i])
		}
	}
}

func TestScanMatchesEncodingJSON(t *testing.T) {
	body, _ := addUsersBody(3)
	seeds := append([]string{string(body)}, scanSeeds...)
	for _, s := range seeds {
		t.Run("", func(t *testing.T) {
			checkParseItem(t, []byte(s))
			checkBody(t, []byte(s))
			checkSplitArray(t, []byte(s))
			var obj map[string]json.RawMessage
			if json.Unmarshal([]byte(s), &obj) == nil {
				for _, v := range obj {
					checkSplitArray(t, v)
					checkParseItem(t, v)
				}
			}
		})
	}
}

// The fast paths must really be taken for what clients send, or the
// comparisons above would only hold encoding/json against itself.
func TestScanAcceptsClientBodies(t *testing.T) {
	body, _ := addUsersBody(5)
	m, ok := scanObjectMap(body)
	if !ok {
		t.Fatal("scanObjectMap gave up on a client body")
	}
	it := arrayIter(m["users"])
	n := 0
	for {
		_, raw, _, ok := it.next()
		if !ok {
			break
		}
		n++
		vals := make([]json.RawMessage, len(userRules))
		if !ruleValues(raw, userRules, vals) {
			t.Fatalf("ruleValues gave up on %s", raw)
		}
		for i, r := range userRules {
			switch {
			case r.kind == kindString && vals[i] != nil && len(vals[i]) > 2:
				var b strings.Builder
				if _, ok := fastString(vals[i], &b); !ok {
					t.Errorf("fastString gave up on %s", vals[i])
				}
			case r.kind == kindCustomItems:
				ci := arrayIter(vals[i])
				for {
					_, cv, _, ok := ci.next()
					if !ok {
						break
					}
					if _, _, ok := customFields(cv); !ok {
						t.Errorf("customFields gave up on %s", cv)
					}
				}
				if !ci.valid() {
					t.Errorf("custom items %s not split", vals[i])
				}
			}
		}
	}
	if !it.valid() || n != 5 {
		t.Fatalf("users array: %d items, valid %v", n, it.valid())
	}
	for _, v := range []string{`"R\u0026D, \"tea\"\n2nd"`, `"\u3042"`} {
		var b strings.Builder
		if _, ok := fastString([]byte(v), &b); !ok {
			t.Errorf("fastString gave up on %s", v)
		}
	}
}

func FuzzParseItem(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(checkParseItem)
}

func FuzzDecodeBody(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(checkBody)
}

func FuzzSplitArray(f *testing.F) {
	fuzzSeeds(f)
	for _, s := range []string{`[]`, `[ ]`, ` [1, "a" ,{"b":[]} ] `, `[1 2]`, `[[]`, `[null]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(checkSplitArray)
}
