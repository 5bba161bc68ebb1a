package fields

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestPathKey checks the error keys of reference §5.1: users[3].code with
// indices, users.code without.
func TestPathKey(t *testing.T) {
	tests := []struct {
		at      Path
		indexed bool
		want    string
	}{
		{Path{}.Field("users").At(3).Field("code"), true, "users[3].code"},
		{Path{}.Field("users").At(3).Field("code"), false, "users.code"},
		{Path{}.Field("users").At(0).Field("customItemValues").At(2).Field("value"), true, "users[0].customItemValues[2].value"},
		{Path{}.Field("codes"), true, "codes"},
		{Path{}, true, ""},
	}
	for _, tt := range tests {
		if got := tt.at.Key(tt.indexed); got != tt.want {
			t.Errorf("Key(%v) = %q, want %q", tt.indexed, got, tt.want)
		}
	}
}

// TestPathDoesNotAlias checks that extending one path twice gives two
// independent paths: the parser derives every field's path from the item's.
func TestPathDoesNotAlias(t *testing.T) {
	base := make(Path, 0, 8).Field("users").At(0)
	a, b := base.Field("code"), base.Field("name")
	if a.Key(true) != "users[0].code" || b.Key(true) != "users[0].name" {
		t.Errorf("got %q and %q", a.Key(true), b.Key(true))
	}
}

// TestErrorsRender checks the errors map: one key a field, messages in the
// asked language with their arguments, and a message repeated under one
// key (as unindexed keys make it) kept once.
func TestErrorsRender(t *testing.T) {
	var e Errors
	if !e.Empty() {
		t.Fatal("zero Errors not empty")
	}
	users := Path{}.Field("users")
	e.Add(users.At(0).Field("code"), MsgRequired)
	e.Add(users.At(1).Field("code"), MsgRequired)
	e.Add(users.At(1).Field("name"), MsgTooLong, 128)
	tests := []struct {
		lang    Lang
		indexed bool
		want    map[string]FieldMessages
	}{
		{EN, true, map[string]FieldMessages{
			"users[0].code": {[]string{"Required."}},
			"users[1].code": {[]string{"Required."}},
			"users[1].name": {[]string{"Enter up to 128 characters."}},
		}},
		{EN, false, map[string]FieldMessages{
			"users.code": {[]string{"Required."}},
			"users.name": {[]string{"Enter up to 128 characters."}},
		}},
		{JA, true, map[string]FieldMessages{
			"users[0].code": {[]string{"必須です。"}},
			"users[1].code": {[]string{"必須です。"}},
			"users[1].name": {[]string{"128文字以内で入力してください。"}},
		}},
	}
	for _, tt := range tests {
		if got := e.Render(tt.lang, tt.indexed); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Render(%v, %v) = %v, want %v", tt.lang, tt.indexed, got, tt.want)
		}
	}
}

// TestMessagesComplete checks that every Msg has both texts, so no error
// is ever rendered empty in either language.
func TestMessagesComplete(t *testing.T) {
	for m := MsgRequired; m <= MsgNotGuest; m++ {
		texts, ok := messages[m]
		if !ok || texts[EN] == "" || texts[JA] == "" {
			t.Errorf("Msg %d lacks a text: %q", m, texts)
		}
	}
}

// TestErrorsFirstItem checks the index a partial commit stops at: the
// lowest item index with an error, 0 for an error of the whole request.
func TestErrorsFirstItem(t *testing.T) {
	users := Path{}.Field("users")
	tests := []struct {
		name string
		at   []Path
		want int
	}{
		{"none", nil, 0},
		{"one", []Path{users.At(4).Field("code")}, 4},
		{"lowest wins", []Path{users.At(7).Field("code"), users.At(2).Field("name"), users.At(5)}, 2},
		{"whole request", []Path{users.At(3).Field("code"), users}, 0},
	}
	for _, tt := range tests {
		var e Errors
		for _, at := range tt.at {
			e.Add(at, MsgRequired)
		}
		if got := e.FirstItem(); got != tt.want {
			t.Errorf("%s: FirstItem() = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestErrorsAppendHas checks that Append keeps the appended problems and
// Has finds a message among them.
func TestErrorsAppendHas(t *testing.T) {
	var a, b Errors
	a.Add(Path{}.Field("users").At(0).Field("code"), MsgRequired)
	b.Add(Path{}.Field("users").At(1).Field("code"), MsgUserNotFound, "x")
	if a.Has(MsgUserNotFound) {
		t.Fatal("Has before Append")
	}
	a.Append(&b)
	if !a.Has(MsgUserNotFound) || !a.Has(MsgRequired) || a.Has(MsgEmail) {
		t.Errorf("Has after Append wrong: %v", a.Render(EN, true))
	}
	if got := len(a.Render(EN, true)); got != 2 {
		t.Errorf("%d keys after Append, want 2", got)
	}
}

// TestParseItem checks ParseItem directly: Add requires the required
// fields, Update only code; present fields are kept, null is absent, and
// the Japanese limits apply only when asked for.
func TestParseItem(t *testing.T) {
	at := Path{}.Field("users").At(0)
	tests := []struct {
		name     string
		body     string
		add, ja  bool
		wantErrs []string // keys with an error
		check    func(t *testing.T, it *Item)
	}{
		{name: "add minimal", body: `{"code":"a","name":"A","password":"p"}`, add: true,
			check: func(t *testing.T, it *Item) {
				if v, ok := it.Str("code"); !ok || v != "a" {
					t.Errorf("code = %q, %v", v, ok)
				}
				if _, ok := it.Str("email"); ok || it.Get("email") != "" {
					t.Error("email set though not sent")
				}
				if it.HasValid || it.HasSortOrder || it.HasCustom {
					t.Error("absent non-string field marked present")
				}
			}},
		{name: "add missing", body: `{"code":"a","name":null}`, add: true,
			wantErrs: []string{"users[0].name", "users[0].password"}},
		{name: "update needs only code", body: `{"code":"a","valid":false,"sortOrder":"","customItemValues":[{"code":"c","value":"v"}]}`,
			check: func(t *testing.T, it *Item) {
				if !it.HasValid || it.Valid {
					t.Error("valid false not kept")
				}
				if !it.HasSortOrder || it.SortOrder != nil {
					t.Error(`sortOrder "" must clear`)
				}
				if !reflect.DeepEqual(it.Custom, []CustomValue{{"c", "v"}}) {
					t.Errorf("custom = %v", it.Custom)
				}
			}},
		{name: "update without code", body: `{"name":"A"}`, wantErrs: []string{"users[0].code"}},
		{name: "not an object", body: `[1]`, wantErrs: []string{"users[0]"}},
		{name: "sortOrder number", body: `{"code":"a","sortOrder":12}`,
			check: func(t *testing.T, it *Item) {
				if it.SortOrder == nil || *it.SortOrder != 12 {
					t.Errorf("sortOrder = %v", it.SortOrder)
				}
			}},
		{name: "password 65 en", body: `{"code":"a","password":"` + strings.Repeat("p", 65) + `"}`},
		{name: "password 65 ja", body: `{"code":"a","password":"` + strings.Repeat("p", 65) + `"}`, ja: true,
			wantErrs: []string{"users[0].password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errs Errors
			it := ParseItem(json.RawMessage(tt.body), UserRules, tt.add, tt.ja, at, &errs)
			got := errs.Render(EN, true)
			if len(got) != len(tt.wantErrs) {
				t.Errorf("errors %v, want keys %v", got, tt.wantErrs)
			}
			for _, k := range tt.wantErrs {
				if _, ok := got[k]; !ok {
					t.Errorf("no error at %s in %v", k, got)
				}
			}
			if tt.check != nil {
				if it == nil {
					t.Fatal("ParseItem returned nil")
				}
				tt.check(t, it)
			}
		})
	}
}
