package kintone

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestNewClientBaseURL(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"https://example.cybozu.com", "https://example.cybozu.com"},
		{"https://example.cybozu.com/", "https://example.cybozu.com"},
		{"  https://example.cybozu.com//  ", "https://example.cybozu.com"},
		{"https://proxy.example.com/kintone/", "https://proxy.example.com/kintone"},
		{"https://example.cybozu.com:8443", "https://example.cybozu.com:8443"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://127.9.8.7", "http://127.9.8.7"},
		{"http://[::1]:9000/", "http://[::1]:9000"},
		{"http://localhost:1234/sim", "http://localhost:1234/sim"},
		{"http://LOCALHOST", "http://LOCALHOST"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := NewClient(tt.in)
			if err != nil {
				t.Fatalf("NewClient(%q): %v", tt.in, err)
			}
			if got := c.BaseURL(); got != tt.want {
				t.Errorf("BaseURL() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewClientRejects(t *testing.T) {
	tests := []struct {
		name    string
		base    string
		opts    []Option
		wantErr string
	}{
		{"unparsable", "https://exa mple.com/%zz", nil, "invalid base URL"},
		{"control character", "https://example.com/\x7f", nil, "invalid base URL"},
		{"empty", "", nil, "must start with https://"},
		{"no scheme", "example.cybozu.com", nil, "must start with https://"},
		{"ftp", "ftp://example.cybozu.com", nil, "must start with https://"},
		{"plain http remote", "http://example.cybozu.com", nil, "refusing plain http://"},
		{"plain http private IP", "http://10.0.0.1:8080", nil, "refusing plain http://"},
		{"plain http localhost lookalike", "http://localhost.example.com", nil, "refusing plain http://"},
		{"plain http 128", "http://128.0.0.1", nil, "refusing plain http://"},
		{"user info", "https://admin:" + basicPass + "@example.cybozu.com", nil, "user information"},
		{"query", "https://example.cybozu.com/?a=b", nil, "query or fragment"},
		{"fragment", "https://example.cybozu.com/#x", nil, "query or fragment"},
		{"no host", "https:///v1", nil, "no host"},
		{"empty login", "https://x.cybozu.com", []Option{WithPassword("", adminPass)}, "empty login"},
		{"colon login", "https://x.cybozu.com", []Option{WithPassword("a:b", adminPass)}, "contains ':'"},
		{"empty password", "https://x.cybozu.com", []Option{WithPassword("a", "")}, "empty password"},
		{"empty token", "https://x.cybozu.com", []Option{WithAPIToken("")}, "empty token"},
		{"token with newline", "https://x.cybozu.com", []Option{WithAPIToken("abc\r\nX: y")}, "white space"},
		{"basic colon", "https://x.cybozu.com", []Option{WithBasicAuth("a:b", basicPass)}, "contains ':'"},
		{"basic empty", "https://x.cybozu.com", []Option{WithBasicAuth("", basicPass)}, "empty user"},
		{"token and basic", "https://x.cybozu.com", []Option{WithAPIToken(apiToken), WithBasicAuth(basicUser, basicPass)}, "both need the Authorization header"},
		{"nil http client", "https://x.cybozu.com", []Option{WithHTTPClient(nil)}, "nil client"},
		{"user agent newline", "https://x.cybozu.com", []Option{WithUserAgent("a\nb")}, "line break"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(tt.base, tt.opts...)
			if err == nil {
				t.Fatalf("NewClient(%q) = %v, want error", tt.base, c)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			assertNoSecret(t, "NewClient error", err.Error())
		})
	}
}

func TestNewClientParseErrorHidesPassword(t *testing.T) {
	_, err := NewClient("https://admin:" + adminPass + "@x.cybozu.com/%zz")
	if err == nil {
		t.Fatal("want error")
	}
	assertNoSecret(t, "parse error", err.Error())
}

func TestAuthHeaders(t *testing.T) {
	wantPassword := base64.StdEncoding.EncodeToString([]byte(adminLogin + ":" + adminPass))
	wantBasic := "Basic " + base64.StdEncoding.EncodeToString([]byte(basicUser+":"+basicPass))
	tests := []struct {
		name           string
		opts           []Option
		wantCybozu     string
		wantAuthz      string
		wantUserAgent  string
		checkUserAgent bool
	}{
		{"none", nil, "", "", defaultUserAgent, true},
		{"password UTF-8", []Option{WithPassword(adminLogin, adminPass)}, wantPassword, "", "", false},
		{"token", []Option{WithAPIToken(apiToken)}, "", "Bearer " + apiToken, "", false},
		{"password and token", []Option{WithPassword(adminLogin, adminPass), WithAPIToken(apiToken)}, wantPassword, "Bearer " + apiToken, "", false},
		{"password and basic", []Option{WithPassword(adminLogin, adminPass), WithBasicAuth(basicUser, basicPass)}, wantPassword, wantBasic, "", false},
		{"user agent", []Option{WithUserAgent("userimport/1.2")}, "", "", "userimport/1.2", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, replyJSON(200, `{"users":[]}`))
			c, err := NewClient(ts.URL+prefix, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetUsers(context.Background(), GetUsersOptions{}); err != nil {
				t.Fatal(err)
			}
			h := ts.requests()[0].Header
			if got := h.Get(headerCybozuAuth); got != tt.wantCybozu {
				t.Errorf("X-Cybozu-Authorization = %q, want %q", got, tt.wantCybozu)
			}
			if got := h.Get("Authorization"); got != tt.wantAuthz {
				t.Errorf("Authorization = %q, want %q", got, tt.wantAuthz)
			}
			if tt.checkUserAgent && h.Get("User-Agent") != tt.wantUserAgent {
				t.Errorf("User-Agent = %q, want %q", h.Get("User-Agent"), tt.wantUserAgent)
			}
			if got := h.Get("Accept"); got != "application/json" {
				t.Errorf("Accept = %q", got)
			}
		})
	}
}

// newCatcher starts a server on 127.0.0.2 (another host than the test
// servers' 127.0.0.1) that records whatever reaches it; it falls back to
// 127.0.0.1 where 127.0.0.2 cannot be bound.
func newCatcher(t *testing.T) *testServer {
	t.Helper()
	ts := &testServer{}
	ts.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts.mu.Lock()
		ts.reqs = append(ts.reqs, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
		ts.mu.Unlock()
		replyJSON(200, `{"users":[]}`)(w, r)
	}))
	if ln, err := net.Listen("tcp", "127.0.0.2:0"); err == nil {
		ts.Listener.Close()
		ts.Listener = ln
	}
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// TestRedirectsNotFollowed: a 3xx to any request is an APIError naming the
// Location, and nothing reaches the Location: not the new users'
// passwords, not the credentials, not a bodiless GET.
func TestRedirectsNotFollowed(t *testing.T) {
	catcher := newCatcher(t)
	calls := []struct {
		name string
		do   func(c *Client) error
	}{
		{"AddUsers", func(c *Client) error {
			return c.AddUsers(context.Background(), []UserInput{{Code: "u", Password: ptrTo(Secret(userPass)), Name: ptrTo("U")}})
		}},
		{"AddGuests", func(c *Client) error {
			return c.AddGuests(context.Background(), []GuestInput{{Code: "g@example.com", Password: guestPass, Name: "G", Timezone: "Asia/Tokyo"}})
		}},
		{"UpdateUsers", func(c *Client) error {
			return c.UpdateUsers(context.Background(), []UserInput{{Code: "u", Password: ptrTo(Secret(userPass))}})
		}},
		{"DeleteUsers", func(c *Client) error { return c.DeleteUsers(context.Background(), []string{"u"}) }},
		{"GetUsers", func(c *Client) error {
			_, err := c.GetUsers(context.Background(), GetUsersOptions{Codes: []string{"u"}})
			return err
		}},
	}
	targets := []struct {
		name, loc string
	}{
		{"other host", catcher.URL + "/catch"},
		{"plain http elsewhere", "http://example.com/v1/users.json"},
		{"same server", prefix + "/v1/moved.json"},
	}
	statuses := []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect}
	for _, status := range statuses {
		for _, target := range targets {
			for _, call := range calls {
				t.Run(fmt.Sprintf("%d/%s/%s", status, target.name, call.name), func(t *testing.T) {
					ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
						if r.URL.Path == prefix+"/v1/moved.json" {
							replyJSON(200, `{}`)(w, r)
							return
						}
						w.Header().Set("Location", target.loc)
						w.WriteHeader(status)
					})
					c := clientFor(t, ts, WithPassword(adminLogin, adminPass), WithHTTPClient(&http.Client{
						// A caller's policy of following redirects is overruled.
						CheckRedirect: func(*http.Request, []*http.Request) error { return nil },
					}))
					err := call.do(c)
					loc, ok := IsRedirect(err)
					if !ok {
						t.Fatalf("err = %v, want a redirect error", err)
					}
					want := target.loc
					if strings.HasPrefix(want, "/") {
						want = ts.URL + want
					}
					if loc != want || !strings.Contains(err.Error(), want) {
						t.Errorf("Location = %q, error %q; want both to name %q", loc, err, want)
					}
					if IsRetryable(err) || IsOutcomeUnknown(err) || IsAuth(err) {
						t.Errorf("redirect classed as retryable, unknown or auth: %v", err)
					}
					if n := len(ts.requests()); n != 1 {
						t.Errorf("%d requests to the server, want 1", n)
					}
					assertNoSecret(t, "error", err.Error())
				})
			}
		}
	}
	if reqs := catcher.requests(); len(reqs) != 0 {
		t.Errorf("the catcher received %d requests, the first with body %q", len(reqs), reqs[0].Body)
	}
}

func TestFormatHidesSecrets(t *testing.T) {
	clients := []struct {
		name string
		opts []Option
	}{
		{"password and token", []Option{WithPassword(adminLogin, adminPass), WithAPIToken(apiToken)}},
		{"password and basic", []Option{WithPassword(adminLogin, adminPass), WithBasicAuth(basicUser, basicPass)}},
	}
	for _, cc := range clients {
		t.Run(cc.name, func(t *testing.T) {
			c, err := NewClient("https://example.cybozu.com/", cc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
				for what, v := range map[string]any{
					"*Client":      c,
					"Client value": *c,
					"options":      cc.opts,
					"nested value": struct{ c Client }{*c},
					"nested ptr":   struct{ c *Client }{c},
				} {
					out := fmt.Sprintf(verb, v)
					assertNoSecret(t, what+" "+verb, out)
				}
			}
			if got, want := fmt.Sprintf("%v", c), "kintone.Client(https://example.cybozu.com)"; got != want {
				t.Errorf("%%v = %q, want %q", got, want)
			}
			if got := fmt.Sprintf("%#v", c); got != c.String() {
				t.Errorf("%%#v = %q, want %q", got, c.String())
			}
		})
	}
}

func TestEndpoints(t *testing.T) {
	yes := true
	name := "User One"
	pw := Secret(userPass)
	sort := int64(5)
	tests := []struct {
		name      string
		respond   string
		call      func(context.Context, *Client) (any, error)
		wantMeth  string
		wantPath  string
		wantQuery string // RawQuery exactly
		wantBody  string // JSON; "" = no body
		want      string // %+v of the result; "" = do not check
	}{
		{
			name:    "GetUsers by codes",
			respond: `{"users":[{"id":"7532782697181632512","code":"a","ctime":"2024-01-02T03:04:05Z","mtime":"2024-01-02T03:04:05Z","valid":true,"name":"A","sortOrder":3}]}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				u, err := c.GetUsers(ctx, GetUsersOptions{Codes: []string{"a", "b"}})
				if err != nil {
					return nil, err
				}
				return fmt.Sprintf("%s %s %v %s %d", u[0].ID, u[0].Code, u[0].Valid, u[0].CTime.UTC().Format("2006-01-02T15:04:05Z"), *u[0].SortOrder), nil
			},
			wantMeth: "GET", wantPath: "/v1/users.json",
			wantQuery: "codes%5B0%5D=a&codes%5B1%5D=b",
			want:      "7532782697181632512 a true 2024-01-02T03:04:05Z 3",
		},
		{
			name:    "GetUsers by ids with paging",
			respond: `{"users":[]}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetUsers(ctx, GetUsersOptions{IDs: []string{"1", "2"}, Offset: 5, Size: 10})
			},
			wantMeth: "GET", wantPath: "/v1/users.json",
			wantQuery: "ids%5B0%5D=1&ids%5B1%5D=2&offset=5&size=10",
			want:      "[]",
		},
		{
			name:    "GetUsers all",
			respond: `{"users":[]}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetUsers(ctx, GetUsersOptions{})
			},
			wantMeth: "GET", wantPath: "/v1/users.json",
		},
		{
			name: "AddUsers",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.AddUsers(ctx, []UserInput{{Code: "u1", Password: &pw, Name: &name, Valid: &yes, SortOrder: &sort}})
			},
			wantMeth: "POST", wantPath: "/v1/users.json",
			wantBody: `{"users":[{"code":"u1","password":"` + userPass + `","name":"User One","valid":true,"sortOrder":5}]}`,
		},
		{
			name: "UpdateUsers",
			call: func(ctx context.Context, c *Client) (any, error) {
				empty := ""
				return nil, c.UpdateUsers(ctx, []UserInput{{Code: "u1", Phone: &empty}, {Code: "u2", Name: &name}})
			},
			wantMeth: "PUT", wantPath: "/v1/users.json",
			wantBody: `{"users":[{"code":"u1","phone":""},{"code":"u2","name":"User One"}]}`,
		},
		{
			name: "DeleteUsers",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteUsers(ctx, []string{"u1", "u2"})
			},
			wantMeth: "DELETE", wantPath: "/v1/users.json",
			wantBody: `{"codes":["u1","u2"]}`,
		},
		{
			name:    "GetUserServices",
			respond: `{"users":[{"code":"u1","services":["kintone","garoon"]}]}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetUserServices(ctx, []string{"u1"}, 0, 50)
			},
			wantMeth: "GET", wantPath: "/v1/users/services.json",
			wantQuery: "codes%5B0%5D=u1&size=50",
			want:      "[{Code:u1 Services:[kintone garoon]}]",
		},
		{
			name: "UpdateUserServices",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.UpdateUserServices(ctx, []UserServices{{Code: "u1", Services: []string{"kintone"}}, {Code: "u2"}})
			},
			wantMeth: "PUT", wantPath: "/v1/users/services.json",
			wantBody: `{"users":[{"code":"u1","services":["kintone"]},{"code":"u2","services":[]}]}`,
		},
		{
			name:    "GetUserOrganizations",
			respond: `{"organizationTitles":[{"organization":{"id":"1","code":"sales","name":"Sales","localName":"","localNameLocale":"","parentCode":"","description":""},"title":null},{"organization":{"id":"2","code":"dev","name":"Dev"},"title":{"id":"9","code":"mgr","name":"Manager","description":""}}]}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				ots, err := c.GetUserOrganizations(ctx, "u 1&x")
				if err != nil {
					return nil, err
				}
				return fmt.Sprintf("%s %v %s %s", ots[0].Organization.Code, ots[0].Title == nil, ots[1].Organization.Code, ots[1].Title.Code), nil
			},
			wantMeth: "GET", wantPath: "/v1/user/organizations.json",
			wantQuery: "code=u%201%26x",
			want:      "sales true dev mgr",
		},
		{
			name: "UpdateUserOrganizations",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.UpdateUserOrganizations(ctx, []UserOrganizations{
					{Code: "u1", Organizations: []OrganizationAssignment{{OrgCode: "sales", TitleCode: "mgr"}, {OrgCode: "dev"}}},
					{Code: "u2"},
				})
			},
			wantMeth: "PUT", wantPath: "/v1/userOrganizations.json",
			wantBody: `{"userOrganizations":[{"code":"u1","organizations":[{"orgCode":"sales","titleCode":"mgr"},{"orgCode":"dev"}]},{"code":"u2","organizations":[]}]}`,
		},
		{
			name: "AddGuests",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.AddGuests(ctx, []GuestInput{{Code: "g@example.com", Password: guestPass, Timezone: "Asia/Tokyo", Name: "Guest", Company: "ACME"}})
			},
			wantMeth: "POST", wantPath: "/k/v1/guests.json",
			wantBody: `{"guests":[{"code":"g@example.com","password":"` + guestPass + `","timezone":"Asia/Tokyo","name":"Guest","company":"ACME"}]}`,
		},
		{
			name: "DeleteGuests",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteGuests(ctx, []string{"g@example.com"})
			},
			wantMeth: "DELETE", wantPath: "/k/v1/guests.json",
			wantBody: `{"guests":["g@example.com"]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			respond := tt.respond
			if respond == "" {
				respond = "{}"
			}
			ts := newTestServer(t, replyJSON(200, respond))
			c := clientFor(t, ts)
			got, err := tt.call(context.Background(), c)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := ts.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tt.wantMeth || r.Path != prefix+tt.wantPath {
				t.Errorf("request = %s %s, want %s %s", r.Method, r.Path, tt.wantMeth, prefix+tt.wantPath)
			}
			if r.RawQuery != tt.wantQuery {
				t.Errorf("query = %q, want %q", r.RawQuery, tt.wantQuery)
			}
			if tt.wantBody == "" {
				if len(r.Body) != 0 || r.Header.Get("Content-Type") != "" {
					t.Errorf("GET carried a body %q / Content-Type %q", r.Body, r.Header.Get("Content-Type"))
				}
			} else {
				jsonEqual(t, r.Body, tt.wantBody)
				if ct := r.Header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q", ct)
				}
			}
			if r.Header.Get(headerMethodOverride) != "" {
				t.Errorf("unexpected %s", headerMethodOverride)
			}
			if tt.want != "" {
				if s := fmt.Sprintf("%+v", got); s != tt.want {
					t.Errorf("result = %s, want %s", s, tt.want)
				}
			}
		})
	}
}

func TestQueryEncodingRoundTrip(t *testing.T) {
	codes := []string{"a b", "x&y=z", "日本語", "plus+sign", "per%cent", "[0]"}
	ts := newTestServer(t, replyJSON(200, `{"users":[]}`))
	c := clientFor(t, ts)
	if _, err := c.GetUsers(context.Background(), GetUsersOptions{Codes: codes}); err != nil {
		t.Fatal(err)
	}
	r := ts.requests()[0]
	if strings.Contains(r.RawQuery, "+") {
		t.Errorf("query %q uses '+' for a space", r.RawQuery)
	}
	req, _ := http.NewRequest("GET", "http://x/?"+r.RawQuery, nil)
	q := req.URL.Query()
	for i, want := range codes {
		if got := q.Get(fmt.Sprintf("codes[%d]", i)); got != want {
			t.Errorf("codes[%d] = %q, want %q", i, got, want)
		}
	}
}

func TestLongGetUsesMethodOverride(t *testing.T) {
	var codes []string
	for i := range MaxPerRequest {
		codes = append(codes, fmt.Sprintf("%s-%03d", strings.Repeat("長い", 8), i))
	}
	tests := []struct {
		name     string
		call     func(context.Context, *Client) error
		wantPath string
		wantBody string
	}{
		{"GetUsers", func(ctx context.Context, c *Client) error {
			_, err := c.GetUsers(ctx, GetUsersOptions{Codes: codes, Size: 100})
			return err
		}, "/v1/users.json", `{"codes":` + mustJSON(codes) + `,"size":100}`},
		{"GetUserServices", func(ctx context.Context, c *Client) error {
			_, err := c.GetUserServices(ctx, codes, 0, 0)
			return err
		}, "/v1/users/services.json", `{"codes":` + mustJSON(codes) + `}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, replyJSON(200, `{"users":[]}`))
			c := clientFor(t, ts)
			if err := tt.call(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			r := ts.requests()[0]
			if r.Method != "POST" || r.Header.Get(headerMethodOverride) != "GET" || r.Path != prefix+tt.wantPath {
				t.Errorf("request = %s %s override %q, want POST %s override GET", r.Method, r.Path, r.Header.Get(headerMethodOverride), prefix+tt.wantPath)
			}
			if r.RawQuery != "" {
				t.Errorf("query %q not empty", r.RawQuery)
			}
			if r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type = %q", r.Header.Get("Content-Type"))
			}
			jsonEqual(t, r.Body, tt.wantBody)
		})
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestArgumentChecks(t *testing.T) {
	many := make([]string, MaxPerRequest+1)
	for i := range many {
		many[i] = fmt.Sprintf("u%d", i)
	}
	manyUsers := make([]UserInput, MaxPerRequest+1)
	manyOrgs := make([]OrganizationAssignment, MaxPerRequest+1)
	tests := []struct {
		name    string
		call    func(context.Context, *Client) error
		wantErr error // nil: success without a request
	}{
		{"AddUsers 101", func(ctx context.Context, c *Client) error { return c.AddUsers(ctx, manyUsers) }, ErrTooMany},
		{"UpdateUsers 101", func(ctx context.Context, c *Client) error { return c.UpdateUsers(ctx, manyUsers) }, ErrTooMany},
		{"DeleteUsers 101", func(ctx context.Context, c *Client) error { return c.DeleteUsers(ctx, many) }, ErrTooMany},
		{"UpdateUserServices 101", func(ctx context.Context, c *Client) error {
			return c.UpdateUserServices(ctx, make([]UserServices, MaxPerRequest+1))
		}, ErrTooMany},
		{"UpdateUserOrganizations 101 users", func(ctx context.Context, c *Client) error {
			return c.UpdateUserOrganizations(ctx, make([]UserOrganizations, MaxPerRequest+1))
		}, ErrTooMany},
		{"UpdateUserOrganizations 101 departments", func(ctx context.Context, c *Client) error {
			return c.UpdateUserOrganizations(ctx, []UserOrganizations{{Code: "u1", Organizations: manyOrgs}})
		}, ErrTooMany},
		{"AddGuests 101", func(ctx context.Context, c *Client) error {
			return c.AddGuests(ctx, make([]GuestInput, MaxPerRequest+1))
		}, ErrTooMany},
		{"DeleteGuests 101", func(ctx context.Context, c *Client) error { return c.DeleteGuests(ctx, many) }, ErrTooMany},
		{"GetUsers 101 codes", func(ctx context.Context, c *Client) error {
			_, err := c.GetUsers(ctx, GetUsersOptions{Codes: many})
			return err
		}, ErrTooMany},
		{"GetUsers 101 ids", func(ctx context.Context, c *Client) error {
			_, err := c.GetUsers(ctx, GetUsersOptions{IDs: many})
			return err
		}, ErrTooMany},
		{"GetUserServices 101 codes", func(ctx context.Context, c *Client) error {
			_, err := c.GetUserServices(ctx, many, 0, 0)
			return err
		}, ErrTooMany},
		{"GetUsers ids and codes", func(ctx context.Context, c *Client) error {
			_, err := c.GetUsers(ctx, GetUsersOptions{IDs: []string{"1"}, Codes: []string{"a"}})
			return err
		}, ErrInvalidArgument},
		{"GetUsers size 101", func(ctx context.Context, c *Client) error {
			_, err := c.GetUsers(ctx, GetUsersOptions{Size: 101})
			return err
		}, ErrInvalidArgument},
		{"GetUsers negative size", func(ctx context.Context, c *Client) error {
			_, err := c.GetUsers(ctx, GetUsersOptions{Size: -1})
			return err
		}, ErrInvalidArgument},
		{"GetUsers negative offset", func(ctx context.Context, c *Client) error {
			_, err := c.GetUsers(ctx, GetUsersOptions{Offset: -1})
			return err
		}, ErrInvalidArgument},
		{"GetUserServices size 0..100", func(ctx context.Context, c *Client) error {
			_, err := c.GetUserServices(ctx, nil, 0, 101)
			return err
		}, ErrInvalidArgument},
		{"GetUserOrganizations empty code", func(ctx context.Context, c *Client) error {
			_, err := c.GetUserOrganizations(ctx, "")
			return err
		}, ErrInvalidArgument},
		{"AddUsers empty", func(ctx context.Context, c *Client) error { return c.AddUsers(ctx, nil) }, nil},
		{"UpdateUsers empty", func(ctx context.Context, c *Client) error { return c.UpdateUsers(ctx, []UserInput{}) }, nil},
		{"DeleteUsers empty", func(ctx context.Context, c *Client) error { return c.DeleteUsers(ctx, nil) }, nil},
		{"UpdateUserServices empty", func(ctx context.Context, c *Client) error { return c.UpdateUserServices(ctx, nil) }, nil},
		{"UpdateUserOrganizations empty", func(ctx context.Context, c *Client) error { return c.UpdateUserOrganizations(ctx, nil) }, nil},
		{"AddGuests empty", func(ctx context.Context, c *Client) error { return c.AddGuests(ctx, nil) }, nil},
		{"DeleteGuests empty", func(ctx context.Context, c *Client) error { return c.DeleteGuests(ctx, nil) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, replyJSON(200, "{}"))
			c := clientFor(t, ts)
			err := tt.call(context.Background(), c)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if n := len(ts.requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
			if err != nil && IsRetryable(err) {
				t.Errorf("IsRetryable(%v) = true", err)
			}
		})
	}
}

func TestAllUsers(t *testing.T) {
	tests := []struct {
		name      string
		total     int
		wantPages int
	}{
		{"none", 0, 1},
		{"one short page", 7, 1},
		{"exact pages", 200, 3},
		{"partial last page", 250, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, pagedUsers(tt.total, -1))
			c := clientFor(t, ts)
			var got []string
			for u, err := range c.AllUsers(context.Background()) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, u.Code)
			}
			if len(got) != tt.total {
				t.Fatalf("got %d users, want %d", len(got), tt.total)
			}
			for i, code := range got {
				if code != fmt.Sprintf("u%04d", i) {
					t.Fatalf("user %d = %s", i, code)
				}
			}
			reqs := ts.requests()
			if len(reqs) != tt.wantPages {
				t.Errorf("%d requests, want %d", len(reqs), tt.wantPages)
			}
			for i, r := range reqs {
				want := "size=100"
				if i > 0 {
					want = fmt.Sprintf("offset=%d&size=100", i*100)
				}
				if r.RawQuery != want {
					t.Errorf("page %d query = %q, want %q", i, r.RawQuery, want)
				}
			}
		})
	}
}

func TestAllUsersStopsOnErrorAndBreak(t *testing.T) {
	ts := newTestServer(t, pagedUsers(300, 1))
	c := clientFor(t, ts)
	var n, errs int
	for _, err := range c.AllUsers(context.Background()) {
		if err != nil {
			errs++
			if !IsRetryable(err) {
				t.Errorf("503 not retryable: %v", err)
			}
			continue
		}
		n++
	}
	if n != 100 || errs != 1 {
		t.Errorf("got %d users and %d errors, want 100 and 1", n, errs)
	}

	ts2 := newTestServer(t, pagedUsers(300, -1))
	c2 := clientFor(t, ts2)
	n = 0
	for range c2.AllUsers(context.Background()) {
		n++
		if n == 5 {
			break
		}
	}
	if len(ts2.requests()) != 1 {
		t.Errorf("break after 5 users sent %d requests, want 1", len(ts2.requests()))
	}
}

// pagedUsers serves total users u0000.. by offset and size, failing the
// page with index failPage (if >= 0) with 503.
func pagedUsers(total, failPage int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var offset, size int
		fmt.Sscan(q.Get("offset"), &offset)
		size = 100
		if s := q.Get("size"); s != "" {
			fmt.Sscan(s, &size)
		}
		if failPage >= 0 && offset/100 == failPage {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "Service Unavailable")
			return
		}
		var users []string
		for i := offset; i < total && i < offset+size; i++ {
			users = append(users, fmt.Sprintf(`{"id":"%d","code":"u%04d"}`, 1000+i, i))
		}
		replyJSON(200, `{"users":[`+strings.Join(users, ",")+`]}`)(w, r)
	}
}
