package kintone

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
)

// param is one query-string parameter; a slice keeps the order in which they
// were added (url.Values would sort codes[10] before codes[2]).
type param struct{ key, value string }

// call describes one API request.
type call struct {
	method string  // logical method: GET, POST, PUT or DELETE
	path   string  // endpoint path such as "/v1/users.json"
	query  []param // GET parameters
	body   any     // JSON body: the request of a write, the override body of a GET
	out    any     // where a successful response is decoded; nil for writes
	// secrets are values in this request (user passwords) that must not
	// reach an error message even if the server were to echo them.
	secrets []string
	// inQuery, for a DELETE, is its body's one parameter (name, values)
	// for the query string, used when the server refuses a DELETE body
	// (see deleteCall).
	inQuery *queryArray
}

// queryArray is an array parameter sent as name[0]=v0&name[1]=v1.
type queryArray struct {
	name   string
	values []string
}

// encodeQuery percent-encodes keys and values as the User API documents
// (codes%5B0%5D=a). Spaces become %20, not '+', so that the value reads the
// same to a decoder that does not treat '+' as a space.
func encodeQuery(params []param) string {
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(queryEscape(p.key))
		b.WriteByte('=')
		b.WriteString(queryEscape(p.value))
	}
	return b.String()
}

func queryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// endpointURL joins the base URL (with its path prefix) and an endpoint path.
func (c *Client) endpointURL(path, rawQuery string) *url.URL {
	u := *c.base
	u.Path = c.base.Path + path
	u.RawPath = ""
	u.RawQuery = rawQuery
	return &u
}

// newRequest builds the HTTP request for cl. A GET whose URL would exceed
// maxURLLength goes as POST with X-HTTP-Method-Override: GET and the
// parameters as a JSON body, which every JSON User API accepts since 2021-02.
func (c *Client) newRequest(ctx context.Context, cl call) (*http.Request, error) {
	httpMethod := cl.method
	var u *url.URL
	var body []byte
	override := false
	if cl.method == http.MethodGet {
		u = c.endpointURL(cl.path, encodeQuery(cl.query))
		if len(u.String()) > c.maxURLLength && cl.body != nil {
			u = c.endpointURL(cl.path, "")
			httpMethod = http.MethodPost
			override = true
		}
	} else {
		u = c.endpointURL(cl.path, encodeQuery(cl.query))
		if cl.body == nil && len(u.String()) > c.maxURLLength && cl.inQuery != nil {
			// Parameters too long for the URL go as a JSON body of a
			// POST that says which method it stands for, as for GET.
			u = c.endpointURL(cl.path, "")
			httpMethod = http.MethodPost
			override = true
			cl.body = map[string][]string{cl.inQuery.name: cl.inQuery.values}
		}
	}
	if (cl.method != http.MethodGet && cl.body != nil) || override {
		var err error
		if body, err = json.Marshal(cl.body); err != nil {
			return nil, fmt.Errorf("kintone: %s %s: encoding request: %w", cl.method, cl.path, err)
		}
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, httpMethod, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("kintone: %s %s: %w", cl.method, cl.path, err)
	}
	header, _ := c.creds()
	for k, v := range header {
		req.Header[k] = append([]string(nil), v...)
	}
	req.Header.Set("Accept", "application/json")
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	if body != nil {
		// Only with a body: the API refuses to parse a body without this
		// header, and some front ends reject the header on a bodiless GET.
		req.Header.Set("Content-Type", "application/json")
	}
	if override {
		req.Header.Set(headerMethodOverride, cl.method)
	}
	return req, nil
}

// Request progress states for do.
const (
	wroteNothing int32 = iota
	wroteHeaders
	wroteAll
	writeFailed
)

// do sends cl and interprets the response; see the package documentation for
// the error types it returns.
func (c *Client) do(ctx context.Context, cl call) error {
	// progress records how far the request got onto the wire. Headers
	// written without a WroteRequest report yet count as sent: the report
	// runs just after the last byte is flushed, and a cancellation can win
	// that race; when in doubt a write must be treated as possibly
	// committed, because a wrong "not sent" invites a blind retry.
	var progress atomic.Int32
	trace := &httptrace.ClientTrace{
		WroteHeaders: func() { progress.CompareAndSwap(wroteNothing, wroteHeaders) },
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				progress.Store(wroteAll)
			} else {
				progress.Store(writeFailed)
			}
		},
	}
	req, err := c.newRequest(httptrace.WithClientTrace(ctx, trace), cl)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		p := progress.Load()
		return c.transportFailure(ctx, cl, err, p == wroteHeaders || p == wroteAll)
	}
	defer resp.Body.Close()

	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		return c.redirectError(cl, resp)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, truncated, _ := readLimited(resp.Body, c.maxErrorBody)
		return c.apiError(cl, resp.StatusCode, resp.Header, data, truncated)
	}

	if cl.out == nil {
		// A write: the 2xx status is the answer, the body is "{}". A read
		// failure now cannot undo the commit, so only an HTML page (a proxy
		// or login page answering in the server's place) is an error.
		data, _, _ := readLimited(resp.Body, c.maxErrorBody)
		if isHTML(resp.Header.Get("Content-Type"), data) {
			return c.apiError(cl, resp.StatusCode, resp.Header, data, false)
		}
		return nil
	}

	data, tooLarge, err := readLimited(resp.Body, c.maxSuccessBody)
	if err != nil {
		return c.transportFailure(ctx, cl, err, true)
	}
	if tooLarge {
		return fmt.Errorf("kintone: %s %s: %w (more than %d bytes)", cl.method, cl.path, ErrResponseTooLarge, c.maxSuccessBody)
	}
	if isHTML(resp.Header.Get("Content-Type"), data) {
		return c.apiError(cl, resp.StatusCode, resp.Header, data, false)
	}
	if err := json.Unmarshal(data, cl.out); err != nil {
		return fmt.Errorf("kintone: %s %s: decoding %d response: %w", cl.method, cl.path, resp.StatusCode, err)
	}
	return nil
}

// transportFailure classifies a failure to get a (complete) response. The
// context's error is preferred to the transport's (the transport error is
// just the symptom of cancellation), but a write that was sent in full is
// outcome-unknown either way: cancelling does not roll back the server.
func (c *Client) transportFailure(ctx context.Context, cl call, err error, sent bool) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is already in our own prefix
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		err = ctxErr
	}
	te := &transportError{method: cl.method, path: cl.path, err: err, sent: sent}
	if sent && cl.method != http.MethodGet {
		return &OutcomeUnknownError{Err: te}
	}
	return te
}

// apiError builds the error of a failed response to cl, with the
// credentials' and the request's secrets removed from the server's text.
func (c *Client) apiError(cl call, status int, header http.Header, body []byte, truncated bool) *APIError {
	_, own := c.creds()
	sc := newScrubber(append(append([]string(nil), own...), cl.secrets...))
	e := parseError(status, header, body, truncated, sc)
	e.Method, e.Path = cl.method, cl.path
	e.Token = c.usesToken()
	e.Hint = hint(e, e.Token)
	return e
}

// redirectError describes a 3xx answer, which the client never follows
// (see refuseRedirect). Its body, a proxy's or a login page's, is not
// read as an error body: its HTML would be taken for the IP restriction.
func (c *Client) redirectError(cl call, resp *http.Response) *APIError {
	_, own := c.creds()
	sc := newScrubber(append(append([]string(nil), own...), cl.secrets...))
	loc := resp.Header.Get("Location")
	if u, err := resp.Location(); err == nil {
		loc = u.Redacted()
	}
	loc = sc.String(loc)
	e := &APIError{
		Status: resp.StatusCode, Code: sc.String(resp.Header.Get(headerCybozuError)),
		Method: cl.method, Path: cl.path, Location: loc,
		Message: redirectMessage(loc), Token: c.usesToken(),
	}
	return e
}

// redirectMessage explains a refused redirect.
func redirectMessage(loc string) string {
	if loc == "" {
		return "the server answered with a redirect without a Location; the User API never redirects, so the base URL is probably wrong"
	}
	return fmt.Sprintf("the server redirected the request to %q, which was not followed: the User API never redirects, so the base URL is probably wrong (use the address the redirect names if it is the domain's own); nothing was sent there", loc)
}

// usesToken reports whether requests carry an API token.
func (c *Client) usesToken() bool {
	header, _ := c.creds()
	return strings.HasPrefix(header.Get(headerAuthorization), "Bearer ")
}

// readLimited reads at most limit bytes and reports whether more followed.
func readLimited(r io.Reader, limit int64) (data []byte, truncated bool, err error) {
	data, err = io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(data)) > limit {
		return data[:limit], true, err
	}
	return data, false, err
}
