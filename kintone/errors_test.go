package kintone

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestAPIErrors(t *testing.T) {
	type want struct {
		status     int
		code, id   string
		msg        string // substring of Message
		errors     []FieldError
		html       bool
		retryAfter time.Duration
		retryable  bool
		auth       bool
		permission bool
		text       string // substring of Error()
	}
	tests := []struct {
		name    string
		status  int
		header  map[string]string
		body    string
		want    want
		isWrite bool
	}{
		{
			name: "400 CB_VA01 indexed keys", status: 400, isWrite: true,
			body: `{"code":"CB_VA01","id":"BU2JLXsaYblJJCgsAiLj","message":"Missing or invalid input.","errors":{` +
				`"users[12].name":{"messages":["Required field."]},` +
				`"users[3].code":{"messages":["already exists"]},` +
				`"users[3].email":{"messages":["Invalid e-mail.","Too long."]}}}`,
			want: want{
				status: 400, code: "CB_VA01", id: "BU2JLXsaYblJJCgsAiLj", msg: "Missing or invalid input.",
				errors: []FieldError{
					{Key: "users[3].code", Index: 3, Field: "code", Messages: []string{"already exists"}},
					{Key: "users[3].email", Index: 3, Field: "email", Messages: []string{"Invalid e-mail.", "Too long."}},
					{Key: "users[12].name", Index: 12, Field: "name", Messages: []string{"Required field."}},
				},
				text: "kintone: POST /v1/users.json: 400 CB_VA01 Missing or invalid input. (id: BU2JLXsaYblJJCgsAiLj): users[3].code: already exists; users[3].email: Invalid e-mail.; Too long.; users[12].name: Required field.",
			},
		},
		{
			name: "400 CB_VA01 unindexed keys", status: 400, isWrite: true,
			body: `{"code":"CB_VA01","id":"x","message":"入力内容が正しくありません。","errors":{"users.code":{"messages":["すでに登録されています"]},"code":{"messages":["x"]}}}`,
			want: want{
				status: 400, code: "CB_VA01", id: "x", msg: "入力内容が正しくありません。",
				errors: []FieldError{
					{Key: "code", Index: -1, Field: "code", Messages: []string{"x"}},
					{Key: "users.code", Index: -1, Field: "code", Messages: []string{"すでに登録されています"}},
				},
				text: "users.code: すでに登録されています",
			},
		},
		{
			name: "401 CB_AU01", status: 401,
			body: `{"code":"CB_AU01","id":"a","message":"Please login."}`,
			want: want{status: 401, code: "CB_AU01", id: "a", msg: "Please login.", auth: true, text: "401 CB_AU01 Please login."},
		},
		{
			name: "401 CB_WA01", status: 401,
			body: `{"code":"CB_WA01","id":"b","message":"Password authentication failed."}`,
			want: want{status: 401, code: "CB_WA01", id: "b", msg: "Password authentication failed.", auth: true},
		},
		{
			name: "legacy 520 CB_WA01", status: 520,
			body: `{"code":"CB_WA01","id":"1505999166-1126250715","message":"ユーザーのパスワード認証に失敗しました。"}`,
			want: want{status: 520, code: "CB_WA01", id: "1505999166-1126250715", msg: "パスワード認証", auth: true},
		},
		{
			name: "403 CB_NO02", status: 403, isWrite: true,
			body: `{"code":"CB_NO02","id":"c","message":"No privilege to proceed."}`,
			want: want{status: 403, code: "CB_NO02", id: "c", msg: "No privilege", permission: true},
		},
		{
			name: "429 GAIA_TO04 with headers", status: 429, isWrite: true,
			header: map[string]string{"X-Cybozu-Error": "GAIA_TO04", "Retry-After": "3", "X-ConcurrencyLimit-Limit": "100", "X-ConcurrencyLimit-Running": "101"},
			body:   `{"code":"GAIA_TO04","id":"d","message":"The number of concurrent API requests exceeds the limit."}`,
			want:   want{status: 429, code: "GAIA_TO04", id: "d", msg: "concurrent", retryAfter: 3 * time.Second, retryable: true},
		},
		{
			name: "429 code only in header", status: 429,
			header: map[string]string{"X-Cybozu-Error": "GAIA_TO04", "Content-Type": "text/plain"},
			body:   `Too Many Requests`,
			want:   want{status: 429, code: "GAIA_TO04", msg: "malformed error body", retryable: true},
		},
		{
			name: "503 plain text", status: 503, isWrite: true,
			header: map[string]string{"Content-Type": "text/plain", "Retry-After": "120"},
			body:   "Service Unavailable",
			want:   want{status: 503, msg: "malformed error body (503 Service Unavailable)", retryAfter: 2 * time.Minute, retryable: true},
		},
		{
			name: "502 empty body", status: 502,
			want: want{status: 502, msg: "empty error body (502 Bad Gateway)", retryable: true},
		},
		{
			name: "504", status: 504, body: `{"message":"timeout"}`,
			want: want{status: 504, msg: "timeout", retryable: true},
		},
		{
			name: "520 GAIA_DA02 lock", status: 520, isWrite: true,
			body: `{"code":"GAIA_DA02","id":"e","message":"データベースがロックされているため、操作に失敗しました。"}`,
			want: want{status: 520, code: "GAIA_DA02", id: "e", msg: "ロック", retryable: true},
		},
		{
			name: "520 GAIA_LT01 lock", status: 520,
			body: `{"code":"GAIA_LT01","id":"f","message":"lock"}`,
			want: want{status: 520, code: "GAIA_LT01", id: "f", retryable: true},
		},
		{
			name: "520 other is not retryable", status: 520, isWrite: true,
			body: `{"code":"CB_IJ01","id":"g","message":"不正なJSON文字列です。"}`,
			want: want{status: 520, code: "CB_IJ01", id: "g", msg: "JSON"},
		},
		{
			name: "500 is not retryable", status: 500, body: `{"code":"X","message":"boom"}`,
			want: want{status: 500, code: "X", msg: "boom"},
		},
		{
			name: "HTML 401 Basic authentication", status: 401,
			header: map[string]string{"Content-Type": "text/html; charset=UTF-8", "WWW-Authenticate": `Basic realm="x"`},
			body:   "<!DOCTYPE html>\n<html><head><TITLE>\n  Unauthorized &amp; refused </title></head><body><h2>Unauthorized</h2></body></html>",
			want: want{status: 401, html: true, auth: true,
				msg:  "HTML page instead of JSON; most likely the domain's IP address restriction or its Basic authentication",
				text: `(page title "Unauthorized & refused")`},
		},
		{
			name: "HTML 403 labelled text/plain", status: 403,
			header: map[string]string{"Content-Type": "text/plain"},
			body:   "\n  <html><head><title>認証が必要です</title></head><body><h3>Error</h3></body></html>",
			want:   want{status: 403, html: true, msg: "IP address restriction", text: `"認証が必要です"`},
		},
		{
			name: "HTML with a long title", status: 401,
			header: map[string]string{"Content-Type": "text/html"},
			body:   "<html><title>" + strings.Repeat("t", 200) + "</title></html>",
			want:   want{status: 401, html: true, auth: true, msg: "HTML page"},
		},
		{
			name: "malformed JSON", status: 400,
			body: `{"code":"CB_VA01","message":`,
			want: want{status: 400, msg: `malformed error body (400 Bad Request): "{\"code\":\"CB_VA01\",\"message\":"`},
		},
		{
			name: "errors in odd shapes", status: 400,
			body: `{"code":"CB_VA01","message":"m","errors":{"users[0].a":"plain","users[1].b":["x","y"],"users[2].c":{"other":1},"users[100000000].d":{"messages":["big"]}}}`,
			want: want{status: 400, code: "CB_VA01", msg: "m", errors: []FieldError{
				{Key: "users[100000000].d", Index: -1, Field: "d", Messages: []string{"big"}},
				{Key: "users[0].a", Index: 0, Field: "a", Messages: []string{"plain"}},
				{Key: "users[1].b", Index: 1, Field: "b", Messages: []string{"x", "y"}},
				{Key: "users[2].c", Index: 2, Field: "c", Messages: []string{`{"other":1}`}},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				if w.Header().Get("Content-Type") == "" && tt.body != "" {
					w.Header().Set("Content-Type", "application/json")
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			c := clientFor(t, ts)
			var err error
			method := "GET"
			if tt.isWrite {
				method = "POST"
				pw := Secret(userPass)
				err = c.AddUsers(context.Background(), []UserInput{{Code: "u", Password: &pw}})
			} else {
				_, err = c.GetUsers(context.Background(), GetUsersOptions{Codes: []string{"u"}})
			}
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %#v, want *APIError", err)
			}
			w := tt.want
			if ae.Status != w.status || ae.Code != w.code || ae.ID != w.id || ae.HTML != w.html || ae.RetryAfter != w.retryAfter {
				t.Errorf("got status %d code %q id %q html %v retryAfter %v, want %d %q %q %v %v",
					ae.Status, ae.Code, ae.ID, ae.HTML, ae.RetryAfter, w.status, w.code, w.id, w.html, w.retryAfter)
			}
			if ae.Method != method || ae.Path != "/v1/users.json" {
				t.Errorf("Method, Path = %q, %q", ae.Method, ae.Path)
			}
			if !strings.Contains(ae.Message, w.msg) {
				t.Errorf("Message %q does not contain %q", ae.Message, w.msg)
			}
			if !reflect.DeepEqual(ae.Errors, w.errors) {
				t.Errorf("Errors = %+v\nwant     %+v", ae.Errors, w.errors)
			}
			if !strings.Contains(err.Error(), w.text) {
				t.Errorf("Error() = %q, want it to contain %q", err.Error(), w.text)
			}
			if got := IsRetryable(err); got != w.retryable {
				t.Errorf("IsRetryable = %v, want %v", got, w.retryable)
			}
			if got := IsAuth(err); got != w.auth {
				t.Errorf("IsAuth = %v, want %v", got, w.auth)
			}
			if got := IsPermission(err); got != w.permission {
				t.Errorf("IsPermission = %v, want %v", got, w.permission)
			}
			if IsOutcomeUnknown(err) {
				t.Error("an API error is never outcome-unknown")
			}
			d, ok := RetryAfterOf(err)
			if d != w.retryAfter || ok != (w.retryAfter > 0) {
				t.Errorf("RetryAfterOf = %v, %v", d, ok)
			}
			assertNoSecret(t, "Error()", err.Error())
		})
	}
}

func TestErrorBodyIsBounded(t *testing.T) {
	big := `{"code":"CB_VA01","message":"` + strings.Repeat("x", 2<<20) + `"}`
	ts := newTestServer(t, replyJSON(400, big))
	c := clientFor(t, ts)
	_, err := c.GetUsers(context.Background(), GetUsersOptions{})
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if ae.Status != 400 || !strings.Contains(ae.Message, "error body too large, truncated") {
		t.Errorf("got %d %q", ae.Status, ae.Message[:min(len(ae.Message), 100)])
	}
	if len(err.Error()) > 1000 {
		t.Errorf("Error() is %d bytes long", len(err.Error()))
	}
}

func TestSuccessBodyProblems(t *testing.T) {
	tests := []struct {
		name      string
		limit     int64
		ctype     string
		body      string
		write     bool
		wantErr   error
		wantHTML  bool
		wantText  string
		wantNoErr bool
	}{
		{name: "oversized", limit: 1024, body: `{"users":[` + strings.Repeat(`{"code":"a"},`, 200) + `{"code":"b"}]}`, wantErr: ErrResponseTooLarge},
		{name: "at the limit", limit: 12, body: `{"users":[]}`, wantNoErr: true},
		{name: "malformed JSON", body: `{"users":[`, wantText: "decoding 200 response"},
		{name: "wrong types", body: `{"users":[{"code":1}]}`, wantText: "decoding 200 response"},
		{name: "HTML 200 on read", ctype: "text/html", body: `<html><title>Login</title></html>`, wantHTML: true},
		{name: "HTML 200 on write", write: true, body: ` <html><title>Login</title></html>`, wantHTML: true},
		{name: "write with empty body", write: true, body: ``, wantNoErr: true},
		{name: "write with {}", write: true, body: `{}`, wantNoErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				ct := tt.ctype
				if ct == "" {
					ct = "application/json"
				}
				w.Header().Set("Content-Type", ct)
				io.WriteString(w, tt.body)
			})
			c := clientFor(t, ts)
			if tt.limit > 0 {
				c.maxSuccessBody = tt.limit
			}
			var err error
			if tt.write {
				err = c.DeleteUsers(context.Background(), []string{"a"})
			} else {
				_, err = c.GetUsers(context.Background(), GetUsersOptions{})
			}
			if tt.wantNoErr {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("want an error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			var ae *APIError
			if got := errors.As(err, &ae) && ae.HTML; got != tt.wantHTML {
				t.Errorf("HTML APIError = %v, want %v (err %v)", got, tt.wantHTML, err)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("err %q does not contain %q", err, tt.wantText)
			}
			if IsRetryable(err) || IsOutcomeUnknown(err) {
				t.Errorf("IsRetryable/IsOutcomeUnknown true for %v", err)
			}
		})
	}
}

// hijackAndClose reads the whole request, then drops the connection without
// answering: the server may have committed, the client cannot know.
func hijackAndClose(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

func TestConnectionDropped(t *testing.T) {
	pw := Secret(userPass)
	tests := []struct {
		name        string
		call        func(context.Context, *Client) error
		wantUnknown bool
	}{
		{"AddUsers", func(ctx context.Context, c *Client) error {
			return c.AddUsers(ctx, []UserInput{{Code: "u", Password: &pw}})
		}, true},
		{"UpdateUsers", func(ctx context.Context, c *Client) error { return c.UpdateUsers(ctx, []UserInput{{Code: "u"}}) }, true},
		{"DeleteUsers", func(ctx context.Context, c *Client) error { return c.DeleteUsers(ctx, []string{"u"}) }, true},
		{"UpdateUserServices", func(ctx context.Context, c *Client) error {
			return c.UpdateUserServices(ctx, []UserServices{{Code: "u"}})
		}, true},
		{"UpdateUserOrganizations", func(ctx context.Context, c *Client) error {
			return c.UpdateUserOrganizations(ctx, []UserOrganizations{{Code: "u"}})
		}, true},
		{"AddGuests", func(ctx context.Context, c *Client) error {
			return c.AddGuests(ctx, []GuestInput{{Code: "g@example.com", Password: guestPass}})
		}, true},
		{"DeleteGuests", func(ctx context.Context, c *Client) error { return c.DeleteGuests(ctx, []string{"g@example.com"}) }, true},
		{"GetUsers", func(ctx context.Context, c *Client) error {
			_, err := c.GetUsers(ctx, GetUsersOptions{})
			return err
		}, false},
		{"GetUsers via override", func(ctx context.Context, c *Client) error {
			c.maxURLLength = 10
			_, err := c.GetUsers(ctx, GetUsersOptions{Codes: []string{"a"}})
			return err
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, hijackAndClose)
			c := clientFor(t, ts)
			err := tt.call(context.Background(), c)
			if err == nil {
				t.Fatal("want an error")
			}
			if got := IsOutcomeUnknown(err); got != tt.wantUnknown {
				t.Errorf("IsOutcomeUnknown(%v) = %v, want %v", err, got, tt.wantUnknown)
			}
			if got := IsRetryable(err); got == tt.wantUnknown {
				t.Errorf("IsRetryable(%v) = %v, want %v", err, got, !tt.wantUnknown)
			}
			var oe *OutcomeUnknownError
			if tt.wantUnknown && (!errors.As(err, &oe) || !strings.Contains(err.Error(), "outcome unknown")) {
				t.Errorf("err %v is not a *OutcomeUnknownError", err)
			}
			var ae *APIError
			if errors.As(err, &ae) {
				t.Errorf("err %v is an APIError", err)
			}
			assertNoSecret(t, "Error()", err.Error())
		})
	}
}

func TestNotSentIsRetryable(t *testing.T) {
	ts := newTestServer(t, replyJSON(200, "{}"))
	c := clientFor(t, ts)
	ts.Close() // nothing listens any more: the dial fails, nothing is sent
	err := c.DeleteUsers(context.Background(), []string{"u"})
	if err == nil {
		t.Fatal("want an error")
	}
	if IsOutcomeUnknown(err) || !IsRetryable(err) {
		t.Errorf("err %v: IsOutcomeUnknown %v IsRetryable %v, want false true", err, IsOutcomeUnknown(err), IsRetryable(err))
	}
	if !strings.HasPrefix(err.Error(), "kintone: DELETE /v1/users.json: ") {
		t.Errorf("Error() = %q", err)
	}
}

func TestCancellation(t *testing.T) {
	t.Run("after the body was sent", func(t *testing.T) {
		got := make(chan struct{})
		ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			close(got) // the test server read the whole body already
			<-r.Context().Done()
		})
		c := clientFor(t, ts)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-got
			cancel()
		}()
		pw := Secret(userPass)
		err := c.AddUsers(ctx, []UserInput{{Code: "u", Password: &pw}})
		if !errors.Is(err, context.Canceled) || !IsOutcomeUnknown(err) || IsRetryable(err) {
			t.Errorf("err %v: Is(Canceled) %v IsOutcomeUnknown %v IsRetryable %v, want true true false",
				err, errors.Is(err, context.Canceled), IsOutcomeUnknown(err), IsRetryable(err))
		}
	})
	t.Run("before sending", func(t *testing.T) {
		ts := newTestServer(t, replyJSON(200, "{}"))
		c := clientFor(t, ts)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := c.DeleteUsers(ctx, []string{"u"})
		if !errors.Is(err, context.Canceled) || IsOutcomeUnknown(err) || IsRetryable(err) {
			t.Errorf("err %v: Is(Canceled) %v IsOutcomeUnknown %v IsRetryable %v, want true false false",
				err, errors.Is(err, context.Canceled), IsOutcomeUnknown(err), IsRetryable(err))
		}
		if n := len(ts.requests()); n != 0 {
			t.Errorf("%d requests reached the server", n)
		}
	})
	t.Run("read cancelled", func(t *testing.T) {
		got := make(chan struct{})
		ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			close(got)
			<-r.Context().Done()
		})
		c := clientFor(t, ts)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-got
			cancel()
		}()
		_, err := c.GetUsers(ctx, GetUsersOptions{})
		if !errors.Is(err, context.Canceled) || IsOutcomeUnknown(err) || IsRetryable(err) {
			t.Errorf("err %v: Is(Canceled) %v IsOutcomeUnknown %v IsRetryable %v, want true false false",
				err, errors.Is(err, context.Canceled), IsOutcomeUnknown(err), IsRetryable(err))
		}
	})
}

func TestSecretsScrubbedFromServerText(t *testing.T) {
	// A server that echoes what it got must not make the client leak it.
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get(headerCybozuAuth)
		msg := fmt.Sprintf("echo %s %s %s", adminPass, userPass, auth)
		body := fmt.Sprintf(`{"code":"CB_VA01","message":%q,"errors":{"users[0].password":{"messages":[%q]}}}`, msg, "bad: "+userPass)
		replyJSON(400, body)(w, r)
	})
	c := clientFor(t, ts)
	pw := Secret(userPass)
	err := c.AddUsers(context.Background(), []UserInput{{Code: "u", Password: &pw}})
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	assertNoSecret(t, "Error()", err.Error())
	assertNoSecret(t, "%+v", fmt.Sprintf("%+v", ae))
	assertNoSecret(t, "%#v", fmt.Sprintf("%#v", ae))
	if !strings.Contains(err.Error(), "bad: ***") {
		t.Errorf("Error() = %q, want the password replaced by ***", err)
	}
}

func TestHelpersOnOtherErrors(t *testing.T) {
	base := errors.New("boom")
	tests := []struct {
		name                          string
		err                           error
		retryable, unknown, auth, per bool
	}{
		{"nil", nil, false, false, false, false},
		{"plain", base, false, false, false, false},
		{"outcome unknown pointer", fmt.Errorf("wrapped: %w", &OutcomeUnknownError{Err: base}), false, true, false, false},
		{"outcome unknown value", OutcomeUnknownError{Err: base}, false, true, false, false},
		{"too many", fmt.Errorf("x: %w", ErrTooMany), false, false, false, false},
		{"context canceled", fmt.Errorf("x: %w", context.Canceled), false, false, false, false},
		{"deadline", context.DeadlineExceeded, false, false, false, false},
		{"wrapped 429", fmt.Errorf("batch 3: %w", &APIError{Status: 429}), true, false, false, false},
		{"wrapped auth", fmt.Errorf("batch 3: %w", &APIError{Status: 520, Code: "CB_AU01"}), false, false, true, false},
		{"wrapped permission", fmt.Errorf("batch 3: %w", &APIError{Status: 403, Code: "CB_NO02"}), false, false, false, true},
		{"transport before send", &transportError{method: "POST", err: base}, true, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsRetryable(tt.err); got != tt.retryable {
				t.Errorf("IsRetryable = %v", got)
			}
			if got := IsOutcomeUnknown(tt.err); got != tt.unknown {
				t.Errorf("IsOutcomeUnknown = %v", got)
			}
			if got := IsAuth(tt.err); got != tt.auth {
				t.Errorf("IsAuth = %v", got)
			}
			if got := IsPermission(tt.err); got != tt.per {
				t.Errorf("IsPermission = %v", got)
			}
		})
	}
	if !errors.Is(OutcomeUnknownError{Err: base}, base) {
		t.Error("OutcomeUnknownError does not unwrap")
	}
}

func TestParseFieldKey(t *testing.T) {
	tests := []struct {
		key   string
		index int
		field string
	}{
		{"users[3].code", 3, "code"},
		{"users[0].code", 0, "code"},
		{"users.code", -1, "code"},
		{"code", -1, "code"},
		{"", -1, ""},
		{"codes[2]", 2, ""},
		{"userOrganizations[1].organizations[0].orgCode", 1, "organizations[0].orgCode"},
		{"users[12][0]", 12, "[0]"},
		{"users[].code", -1, "code"},
		{"users[x].code", -1, "code"},
		{"users[-1].code", -1, "code"},
		{"users[3", -1, "users[3"},
		{"users[3]code", -1, "users[3]code"},
		{"[3].code", -1, "code"},
		{"a.b[3].c", -1, "b[3].c"},
		{"users[99999999999999999999].code", -1, "code"},
		{"users[1048577].code", -1, "code"},
		{"users[1048576].code", 1048576, "code"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			index, field := parseFieldKey(tt.key)
			if index != tt.index || field != tt.field {
				t.Errorf("parseFieldKey(%q) = %d, %q, want %d, %q", tt.key, index, field, tt.index, tt.field)
			}
			if (FieldError{Index: index}).Indexed() != (tt.index >= 0) {
				t.Error("Indexed disagrees with Index")
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-5", 0},
		{"7", 7 * time.Second},
		{" 7 ", 7 * time.Second},
		{"999999999", 24 * time.Hour},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzParseError(f *testing.F) {
	f.Add(400, "application/json", []byte(`{"code":"CB_VA01","id":"x","message":"m","errors":{"users[3].code":{"messages":["already exists"]},"users.code":{"messages":["a"]}}}`))
	f.Add(401, "text/html", []byte(`<html><title>Unauthorized</title></html>`))
	f.Add(520, "", []byte(`{"code":"GAIA_DA02"}`))
	f.Add(503, "text/plain", []byte(`Service Unavailable`))
	f.Add(400, "application/json", []byte(`{"errors":{"a":1,"b":"s","c":["x"],"d":null}}`))
	f.Add(400, "application/json", []byte(`{"errors":[]}`))
	f.Add(200, "", []byte("\xef\xbb\xbf<title>\xff</title>"))
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		h := http.Header{}
		h.Set("Content-Type", ctype)
		e := parseError(status, h, body, false, nil)
		if e == nil {
			t.Fatal("nil APIError")
		}
		if e.Status != status {
			t.Fatalf("Status = %d, want %d", e.Status, status)
		}
		if e.Message == "" {
			t.Fatal("empty Message")
		}
		for i, fe := range e.Errors {
			if fe.Index < -1 {
				t.Fatalf("Index %d", fe.Index)
			}
			if i > 0 {
				p := e.Errors[i-1]
				if p.Index > fe.Index || (p.Index == fe.Index && p.Field > fe.Field) {
					t.Fatalf("Errors not sorted: %+v", e.Errors)
				}
			}
		}
		if !strings.HasPrefix(e.Error(), "kintone: ") {
			t.Fatalf("Error() = %q", e.Error())
		}
	})
}

func FuzzParseFieldKey(f *testing.F) {
	for _, k := range []string{"users[3].code", "users.code", "code", "codes[2]", "a[1][2].b", "x[", "[0]", "u[007].c"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		index, field := parseFieldKey(key)
		if index < -1 || index > maxFieldIndex {
			t.Fatalf("index %d", index)
		}
		if !strings.HasSuffix(key, field) {
			t.Fatalf("field %q is not a suffix of %q", field, key)
		}
		if index >= 0 && !strings.Contains(key, "]") {
			t.Fatalf("index %d without brackets in %q", index, key)
		}
	})
}

// TestIsRetryableIgnoresMethod pins IsRetryable's documented contract:
// the verdict depends on the status and code only, the same for a read and
// a write, so a 502 or 504 on a write is retryable and the caller must
// decide whether the write may have been committed; wrapped in
// OutcomeUnknownError it is not retryable.
func TestIsRetryableIgnoresMethod(t *testing.T) {
	tests := []struct {
		status int
		code   string
		want   bool
	}{
		{429, CodeTooManyConns, true},
		{429, "", true},
		{502, "", true},
		{503, "", true},
		{504, "", true},
		{520, CodeDBLocked, true},
		{520, CodeLockTimeout, true},
		{500, "", false},
		{520, "GAIA_UN03", false},
		{400, CodeInvalidInput, false},
		{401, CodeWrongAuth, false},
		{403, CodeNoPrivilege, false},
		{404, "", false},
	}
	for _, tt := range tests {
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
			t.Run(fmt.Sprintf("%s %d %s", method, tt.status, tt.code), func(t *testing.T) {
				err := error(&APIError{Status: tt.status, Code: tt.code, Method: method, Path: "/v1/users.json"})
				if got := IsRetryable(err); got != tt.want {
					t.Errorf("IsRetryable = %v, want %v", got, tt.want)
				}
				if IsRetryable(&OutcomeUnknownError{Err: err}) {
					t.Error("IsRetryable(OutcomeUnknownError) = true, want false")
				}
			})
		}
	}
}

// TestAPIErrorMessages: field errors as a person reads them, by the
// record they name; a rejection without field errors gives its message.
func TestAPIErrorMessages(t *testing.T) {
	e := &APIError{Message: "invalid", Errors: []FieldError{
		{Key: "users[1].email", Index: 1, Field: "email", Messages: []string{"bad", "taken"}},
		{Key: "users.code", Index: -1, Field: "code", Messages: []string{"missing"}},
		{Key: "users[5].name", Index: 5, Field: "name", Messages: []string{"out of range"}},
	}}
	if got := strings.Join(e.Messages(), "; "); got != "email: bad, taken; code: missing; name: out of range" {
		t.Errorf("Messages = %q", got)
	}
	if got := e.MessagesByIndex(2); len(got) != 1 || strings.Join(got[1], "; ") != "email: bad, taken" {
		t.Errorf("MessagesByIndex = %v; want only record 1", got)
	}
	if got := (&APIError{Message: "busy"}).Messages(); len(got) != 1 || got[0] != "busy" {
		t.Errorf("no field errors: %q", got)
	}
	if got := (FieldError{Key: "codes[2]", Index: 2, Messages: []string{"x"}}).Text(); got != "codes[2]: x" {
		t.Errorf("Text without a field = %q", got)
	}
}
