package kintonetest

import (
	"encoding/json"
	"testing"
)

// decodeString must give exactly what json.Unmarshal gives, fast path or
// not.
func checkDecodeString(t *testing.T, in []byte) {
	t.Helper()
	var want, got string
	wantErr := json.Unmarshal(in, &want)
	gotErr := decodeString(in, &got)
	if (wantErr == nil) != (gotErr == nil) || got != want {
		t.Fatalf("decodeString(%q) = %q, %v; json.Unmarshal gives %q, %v", in, got, gotErr, want, wantErr)
	}
}

func TestDecodeString(t *testing.T) {
	for _, in := range []string{
		`"taro"`, `""`, `"山田 太郎"`, `"a\"b"`, `"a\\b"`, `"\u00e9"`, `"line\nbreak"`,
		"\"raw\ttab\"", "\"bad \xff utf8\"", `"unterminated`, `"`, `123`, `null`, `true`,
		`{"a":1}`, ` "spaced" `, `"a"b"`,
		`"R\u0026D, \"tea\"\n"`, `"\/\b\f\r\t"`, `"\u00E9\u0000"`, `"\ud83d\ude00"`, `"\ud800"`,
		`"\udc00x"`, `"\u12"`, `"\u12g4"`, `"\x"`, `"a\"`, `"\\"`, `"\\""`, "\"\xff\\n\"",
	} {
		t.Run(in, func(t *testing.T) { checkDecodeString(t, []byte(in)) })
	}
}

func FuzzDecodeString(f *testing.F) {
	for _, s := range []string{`"taro"`, `"a\"b"`, "\"\xff\"", `"\u3042"`, `1`, `"R\u0026D\n\ud83d\ude00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(checkDecodeString)
}
