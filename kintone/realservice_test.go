package kintone

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// These tests cover what the real service may do that the documents leave
// open: numeric ids, two-factor accounts, token scopes, guest wordings and
// servers that refuse DELETE bodies.

func TestUserNumericID(t *testing.T) {
	tests := []struct{ json, want string }{
		{`"7532782697181632512"`, "7532782697181632512"},
		{`7`, "7"},
		{`9007199254740993`, "9007199254740993"},
		{`1.2e1`, "12"},
		{`null`, ""},
	}
	for _, tt := range tests {
		var u User
		if err := json.Unmarshal([]byte(`{"id":`+tt.json+`,"code":"taro"}`), &u); err != nil {
			t.Errorf("id %s: %v", tt.json, err)
			continue
		}
		if u.ID != tt.want || u.Code != "taro" {
			t.Errorf("id %s decoded as %q (code %q), want %q", tt.json, u.ID, u.Code, tt.want)
		}
	}
	var u User
	if err := json.Unmarshal([]byte(`{"id":1.5}`), &u); err == nil {
		t.Error("a fractional id was accepted")
	}
}

func TestTwoFactorIsAuth(t *testing.T) {
	for _, status := range []int{401, 520} {
		ts := newTestServer(t, replyJSON(status, `{"code":"CB_TW02","id":"x","message":"2要素認証を有効にしているため、認証できません。"}`))
		_, err := clientFor(t, ts).GetUsers(context.Background(), GetUsersOptions{})
		if !IsAuth(err) || IsRetryable(err) {
			t.Errorf("%d CB_TW02: IsAuth %v, IsRetryable %v; want true, false", status, IsAuth(err), IsRetryable(err))
		}
		if err == nil || !strings.Contains(err.Error(), "two-factor") {
			t.Errorf("%d CB_TW02: %v, want the two-factor hint", status, err)
		}
	}
}

func TestRefusal(t *testing.T) {
	noPriv := replyJSON(403, `{"code":"CB_NO02","id":"x","message":"権限がありません。"}`)
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		opts     []Option
		want     RefusalKind
		wantHint string
	}{
		{"password, not admin", noPriv, []Option{WithPassword(adminLogin, adminPass)}, RefusedNotAdmin, ""},
		{"token scope", noPriv, []Option{WithAPIToken(apiToken)}, RefusedTokenScope, "Dangerous Zone"},
		{"token and password: the token is used", noPriv, []Option{WithPassword(adminLogin, adminPass), WithAPIToken(apiToken)}, RefusedTokenScope, "Dangerous Zone"},
		{"basic auth is no token", noPriv, []Option{WithPassword(adminLogin, adminPass), WithBasicAuth(basicUser, basicPass)}, RefusedNotAdmin, ""},
		{"a 400 is no refusal", replyJSON(400, `{"code":"CB_VA01","message":"bad"}`), []Option{WithAPIToken(apiToken)}, NotRefused, ""},
		{"a 403 of another code", replyJSON(403, `{"code":"GAIA_XX","message":"no"}`), []Option{WithAPIToken(apiToken)}, NotRefused, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, tt.handler)
			err := clientFor(t, ts, tt.opts...).UpdateUsers(context.Background(), []UserInput{{Code: "admin2"}})
			if got := Refusal(err); got != tt.want {
				t.Errorf("Refusal(%v) = %d, want %d", err, got, tt.want)
			}
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v", err)
			}
			if (tt.wantHint == "") != (ae.Hint == "") || !strings.Contains(err.Error(), tt.wantHint) {
				t.Errorf("Hint = %q, error %q; want the hint to name %q", ae.Hint, err, tt.wantHint)
			}
			assertNoSecret(t, "error", err.Error())
		})
	}
	if Refusal(nil) != NotRefused || Refusal(errors.New("x")) != NotRefused {
		t.Error("Refusal of a non-API error")
	}
}

func TestClassifyExists(t *testing.T) {
	tests := []struct {
		msgs []string
		want Existence
	}{
		{[]string{"The guest already exists."}, AlreadyExists},
		{[]string{"Already Exists"}, AlreadyExists},
		{[]string{"user exists"}, AlreadyExists},
		{[]string{"既に登録されています。"}, AlreadyExists},
		{[]string{"すでに存在します。"}, AlreadyExists},
		{[]string{"登録済みのメールアドレスです。"}, AlreadyExists},
		{[]string{"该用户已存在"}, AlreadyExists},
		{[]string{"must be an e-mail address", "already exists"}, AlreadyExists},
		{[]string{"The user does not exist."}, Unclassifiable},
		{[]string{"user doesn't exist"}, Unclassifiable},
		{[]string{"既に削除されています。"}, Unclassifiable},
		{[]string{"指定したユーザーは存在しません。"}, Unclassifiable},
		{[]string{"必須です。"}, Unclassifiable},
		{[]string{"Invalid e-mail address."}, Unclassifiable},
		{nil, Unclassifiable},
	}
	for _, tt := range tests {
		if got := ClassifyExists(tt.msgs...); got != tt.want {
			t.Errorf("ClassifyExists(%q) = %v, want %v", tt.msgs, got, tt.want)
		}
	}
}

// queryOnlyDelete answers a DELETE like a server that reads its parameters
// from the query string only: refuse answers a DELETE without them.
func queryOnlyDelete(param string, refuse http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.Header.Get(headerMethodOverride) == http.MethodDelete {
			replyJSON(200, `{}`)(w, r)
			return
		}
		if r.URL.Query().Get(param+"[0]") == "" {
			refuse(w, r)
			return
		}
		replyJSON(200, `{}`)(w, r)
	}
}

func TestDeleteFallsBackToQuery(t *testing.T) {
	illegal := replyJSON(400, `{"code":"CB_IL02","id":"x","message":"不正なJSON文字列です。"}`)
	required := replyJSON(400, `{"code":"CB_VA01","id":"x","message":"入力内容が正しくありません。","errors":{"codes":{"messages":["必須です。"]}}}`)
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		guests    bool
		urlLimit  int
		wantOK    bool
		wantReqs  []string // method, "body" or "query" or "override" per request
		wantQuery string   // of the query-string request
	}{
		{"body accepted", replyJSON(200, `{}`), false, 0, true, []string{"DELETE body"}, ""},
		{"CB_IL02: body refused", queryOnlyDelete("codes", illegal), false, 0, true,
			[]string{"DELETE body", "DELETE query"}, "codes%5B0%5D=a%20b&codes%5B1%5D=c"},
		{"CB_VA01 codes required", queryOnlyDelete("codes", required), false, 0, true,
			[]string{"DELETE body", "DELETE query"}, "codes%5B0%5D=a%20b&codes%5B1%5D=c"},
		{"guests", queryOnlyDelete("guests", replyJSON(400, `{"code":"CB_VA01","message":"x","errors":{"guests":{"messages":["required"]}}}`)), true, 0, true,
			[]string{"DELETE body", "DELETE query"}, "guests%5B0%5D=a%20b&guests%5B1%5D=c"},
		{"too long for the URL: POST override", queryOnlyDelete("codes", illegal), false, 40, true,
			[]string{"DELETE body", "POST override"}, ""},
		{"an item refused: no fallback", replyJSON(400, `{"code":"CB_VA01","message":"x","errors":{"codes[1]":{"messages":["not found"]}}}`), false, 0, false,
			[]string{"DELETE body"}, ""},
		{"another field: no fallback", replyJSON(400, `{"code":"CB_VA01","message":"x","errors":{"codes":{"messages":["x"]},"other":{"messages":["y"]}}}`), false, 0, false,
			[]string{"DELETE body"}, ""},
		{"CB_VA01 without fields: no fallback", replyJSON(400, `{"code":"CB_VA01","message":"x"}`), false, 0, false, []string{"DELETE body"}, ""},
		{"500: no fallback", replyJSON(500, `{"code":"GAIA_UN03","message":"x"}`), false, 0, false, []string{"DELETE body"}, ""},
		{"refused both ways: one fallback only", illegal, false, 0, false, []string{"DELETE body", "DELETE query"}, "codes%5B0%5D=a%20b&codes%5B1%5D=c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, tt.handler)
			c := clientFor(t, ts)
			if tt.urlLimit > 0 {
				c.maxURLLength = tt.urlLimit
			}
			del := func() error {
				if tt.guests {
					return c.DeleteGuests(context.Background(), []string{"a b", "c"})
				}
				return c.DeleteUsers(context.Background(), []string{"a b", "c"})
			}
			err := del()
			if (err == nil) != tt.wantOK {
				t.Fatalf("delete = %v, want success %v", err, tt.wantOK)
			}
			reqs := ts.requests()
			var got []string
			for _, r := range reqs {
				got = append(got, describe(r))
				if describe(r) == "DELETE query" && r.RawQuery != tt.wantQuery {
					t.Errorf("query = %q, want %q", r.RawQuery, tt.wantQuery)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.wantReqs, ",") {
				t.Errorf("requests %v, want %v", got, tt.wantReqs)
			}
			if len(tt.wantReqs) == 2 && tt.wantOK {
				// The client remembers: the next DELETE goes in the
				// working form at once.
				if err := del(); err != nil {
					t.Fatal(err)
				}
				if n := len(ts.requests()); n != 3 {
					t.Errorf("the second delete sent %d requests, want 1", n-2)
				}
				if last := ts.requests()[2]; describe(last) != tt.wantReqs[1] {
					t.Errorf("the second delete went as %s, want %s", describe(last), tt.wantReqs[1])
				}
			}
		})
	}
}

// describe names how a recorded DELETE carried its parameters.
func describe(r recorded) string {
	switch {
	case r.Header.Get(headerMethodOverride) != "":
		return r.Method + " override"
	case len(r.Body) > 0 && r.RawQuery == "":
		return r.Method + " body"
	case len(r.Body) == 0 && r.RawQuery != "":
		return r.Method + " query"
	}
	return r.Method + " ?"
}

func TestDeleteOverrideBody(t *testing.T) {
	ts := newTestServer(t, queryOnlyDelete("codes", replyJSON(400, `{"code":"CB_IL02","message":"x"}`)))
	c := clientFor(t, ts)
	c.maxURLLength = 40
	if err := c.DeleteUsers(context.Background(), []string{"a b", "c"}); err != nil {
		t.Fatal(err)
	}
	reqs := ts.requests()
	last := reqs[len(reqs)-1]
	if last.Header.Get(headerMethodOverride) != http.MethodDelete || last.RawQuery != "" {
		t.Errorf("override request %s %q with %s", last.Method, last.RawQuery, last.Header.Get(headerMethodOverride))
	}
	jsonEqual(t, last.Body, `{"codes":["a b","c"]}`)
}

func TestUpdateUserCodes(t *testing.T) {
	ts := newTestServer(t, replyJSON(200, `{}`))
	c := clientFor(t, ts)
	err := c.UpdateUserCodes(context.Background(), []CodeChange{{Current: "sato-noboru", New: "yamada-noboru"}, {Current: "a", New: "b"}})
	if err != nil {
		t.Fatal(err)
	}
	reqs := ts.requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodPut || reqs[0].Path != prefix+"/v1/users/codes.json" {
		t.Fatalf("requests %+v", reqs)
	}
	jsonEqual(t, reqs[0].Body, `{"codes":[{"currentCode":"sato-noboru","newCode":"yamada-noboru"},{"currentCode":"a","newCode":"b"}]}`)

	many := make([]CodeChange, MaxPerRequest+1)
	for i := range many {
		many[i] = CodeChange{Current: "a", New: "b"}
	}
	bad := []struct {
		name    string
		changes []CodeChange
		want    error
	}{
		{"blank current", []CodeChange{{Current: " ", New: "b"}}, ErrInvalidArgument},
		{"empty new", []CodeChange{{Current: "a"}}, ErrInvalidArgument},
		{"129 characters", []CodeChange{{Current: "a", New: strings.Repeat("名", 129)}}, ErrInvalidArgument},
		{"101 changes", many, ErrTooMany},
	}
	for _, tt := range bad {
		if err := c.UpdateUserCodes(context.Background(), tt.changes); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := c.UpdateUserCodes(context.Background(), nil); err != nil {
		t.Errorf("no changes: %v", err)
	}
	if err := c.UpdateUserCodes(context.Background(), []CodeChange{{Current: "a", New: strings.Repeat("名", 128)}}); err != nil {
		t.Errorf("128 characters: %v", err)
	}
	if n := len(ts.requests()); n != 2 {
		t.Errorf("%d requests in all, want 2: refused calls send nothing", n)
	}
}

func TestUpdateGuestSpaceMembers(t *testing.T) {
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		replyJSON(200, `{}`)(w, r)
	})
	c := clientFor(t, ts)
	if err := c.UpdateGuestSpaceMembers(context.Background(), 1001, []string{"g1@example.com", "g2@example.com"}); err != nil {
		t.Fatal(err)
	}
	reqs := ts.requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodPut || reqs[0].Path != prefix+"/k/guest/1001/v1/space/guests.json" {
		t.Fatalf("requests %+v", reqs)
	}
	jsonEqual(t, reqs[0].Body, `{"id":1001,"guests":["g1@example.com","g2@example.com"]}`)

	for _, tt := range []struct {
		id     int64
		guests []string
	}{{0, []string{"g@example.com"}}, {-3, []string{"g@example.com"}}, {5, nil}, {5, []string{}}} {
		if err := c.UpdateGuestSpaceMembers(context.Background(), tt.id, tt.guests); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("space %d with %v: %v, want ErrInvalidArgument", tt.id, tt.guests, err)
		}
	}
	if n := len(ts.requests()); n != 1 {
		t.Errorf("%d requests in all, want 1: refused calls send nothing", n)
	}
}
