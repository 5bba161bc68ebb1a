package kintone

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrTooMany is returned (wrapped) when a call carries more items than the
// API accepts in one request (MaxPerRequest). Nothing is sent: splitting into
// batches is the caller's job, because only the caller knows how to report
// each batch.
var ErrTooMany = errors.New("kintone: too many items in one request")

// ErrResponseTooLarge is returned (wrapped) when a successful response body
// exceeds the client's limit; the body is not decoded.
var ErrResponseTooLarge = errors.New("kintone: response body too large")

// Error codes the helpers branch on.
const (
	CodeInvalidInput  = "CB_VA01"   // validation failure; see APIError.Errors
	CodeLoginRequired = "CB_AU01"   // no credentials
	CodeWrongAuth     = "CB_WA01"   // wrong login name, password or token
	CodeNoPrivilege   = "CB_NO02"   // authenticated but not allowed
	CodeTooManyConns  = "GAIA_TO04" // concurrency limit (429)
	CodeDBLocked      = "GAIA_DA02" // database locked (520), retryable
	CodeLockTimeout   = "GAIA_LT01" // lock timeout (520), retryable
	CodeTwoFactor     = "CB_TW02"   // the account uses two-factor authentication, which the API cannot pass
	CodeInvalidJSON   = "CB_IL02"   // the body is not JSON, or is empty
)

// APIError is a non-2xx response (or a 2xx response that was not JSON) from
// the server. Use errors.As to get at it; IsRetryable, IsAuth and
// IsPermission classify it.
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Code is the cybozu error code, such as "CB_VA01", taken from the body or,
	// failing that, from the X-Cybozu-Error header.
	Code string
	// ID is the server's opaque error id, useful in a support request.
	ID string
	// Message is the server's message, in the authenticating user's language;
	// for an HTML or unparsable body, a description written by this package.
	Message string
	// Errors holds the per-field messages of a validation failure, sorted by
	// Index, then Field, then Key.
	Errors []FieldError
	// HTML reports that the body was an HTML page rather than JSON: almost
	// always the domain's IP restriction or Basic authentication, or a proxy.
	HTML bool
	// RetryAfter is the delay the server asked for in a Retry-After header;
	// zero when it sent none.
	RetryAfter time.Duration
	// Hint is advice written by this package about what to do, for the
	// errors whose cause the server's message leaves unclear (see
	// IsAuth and Refusal); "" for most.
	Hint string
	// Token reports that the request carried an API token, which the
	// service uses in preference to a password: a 403 then usually means
	// the token's scope (see Refusal).
	Token bool
	// Location is where a 3xx answer pointed, resolved against the request
	// URL and without user information; "" for other answers. The client
	// never follows it (see IsRedirect).
	Location string
	// Method and Path identify the request: the logical method (GET even when
	// sent as POST with X-HTTP-Method-Override) and the endpoint path without
	// the base URL's prefix or the query string.
	Method, Path string
}

// maxFieldErrorsInMessage caps how many field errors Error() spells out; a
// rejected batch of 100 can carry hundreds, and the full list stays in Errors.
const maxFieldErrorsInMessage = 10

// Error renders the error on one line, for example
//
//	kintone: POST /v1/users.json: 400 CB_VA01 Missing or invalid input. (id: X): users[3].code: already exists
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("kintone: ")
	if e.Method != "" || e.Path != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.Status))
	if e.Code != "" {
		b.WriteByte(' ')
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteByte(' ')
		b.WriteString(e.Message)
	}
	if e.ID != "" {
		b.WriteString(" (id: ")
		b.WriteString(e.ID)
		b.WriteByte(')')
	}
	for i, fe := range e.Errors {
		if i == maxFieldErrorsInMessage {
			fmt.Fprintf(&b, "; and %d more", len(e.Errors)-i)
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(fe.String())
	}
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteByte(')')
	}
	return b.String()
}

// FieldError is the server's messages about one field of one item.
type FieldError struct {
	// Key is the key exactly as the server sent it: "users[3].code" or, on
	// some servers, "users.code" with no index.
	Key string
	// Index is the position of the item within the request's array (3 in
	// "users[3].code"), or -1 when the key carries no index and the caller
	// cannot tell which item is at fault.
	Index int
	// Field is the key after the item: "code", or "organizations[0].orgCode"
	// for a nested key. For an unindexed key it is the part after the first
	// dot, or the whole key when it has no dot.
	Field string
	// Messages are the server's messages, in the order sent.
	Messages []string
}

// Indexed reports whether the key named the item (Index is valid). Both
// forms occur in the wild, so callers must handle both.
func (f FieldError) Indexed() bool { return f.Index >= 0 }

// String renders "key: message; message".
func (f FieldError) String() string {
	return f.Key + ": " + strings.Join(f.Messages, "; ")
}

// maxFieldIndex bounds indexes parsed from keys: requests hold at most
// MaxPerRequest items, and anything far beyond is not an index.
const maxFieldIndex = 1 << 20

// parseFieldKey splits an error key into the item index and the field:
// "users[3].code" → (3, "code"), "users.code" → (-1, "code"), "code" → (-1,
// "code"), "codes[2]" → (2, "").
func parseFieldKey(key string) (index int, field string) {
	open := strings.IndexByte(key, '[')
	dot := strings.IndexByte(key, '.')
	if open > 0 && (dot < 0 || open < dot) {
		if end := strings.IndexByte(key[open:], ']'); end > 1 {
			digits := key[open+1 : open+end]
			rest := key[open+end+1:]
			if n, ok := parseIndex(digits); ok && (rest == "" || rest[0] == '.' || rest[0] == '[') {
				return n, strings.TrimPrefix(rest, ".")
			}
		}
	}
	if dot >= 0 {
		return -1, key[dot+1:]
	}
	return -1, key
}

// parseIndex accepts a plain decimal array index.
func parseIndex(s string) (int, bool) {
	if s == "" || len(s) > 7 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n <= maxFieldIndex
}

// errorBody is the JSON shape of a User API error.
type errorBody struct {
	Code    string                     `json:"code"`
	ID      string                     `json:"id"`
	Message string                     `json:"message"`
	Errors  map[string]json.RawMessage `json:"errors"`
}

// Lengths of the server text quoted in messages: enough to recognise a
// proxy's page or a stack trace, short enough for one line.
const (
	maxBodySnippet  = 120
	maxValueSnippet = 200
)

// parseError builds an APIError from a non-2xx (or non-JSON 2xx) response.
// It never fails: whatever the body holds, the caller gets an APIError with
// the status and as much detail as could be recovered. truncated says the
// body was cut at the read limit.
//
// sc removes the request's secrets. It runs on the server's text before
// that text is quoted, re-encoded or cut, since each of those changes how a
// secret reads, and once more on the finished fields.
func parseError(status int, header http.Header, body []byte, truncated bool, sc *scrubber) *APIError {
	e := &APIError{Status: status, Code: header.Get(headerCybozuError)}
	e.RetryAfter = parseRetryAfter(header.Get("Retry-After"), time.Now())
	defer sc.apiError(e)

	if isHTML(header.Get("Content-Type"), body) {
		e.HTML = true
		e.Message = htmlMessage(sc.String(htmlTitle(body)))
		return e
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		e.Message = "empty error body (" + statusText(status) + ")"
		return e
	}
	var eb errorBody
	if err := json.Unmarshal(trimmed, &eb); err != nil {
		what := "malformed error body"
		text := sc.String(string(trimmed))
		if v, ok := sc.jsonValue(trimmed); ok {
			// Valid JSON of another shape (a numeric id, an array, a
			// bare string): its strings may hide a secret behind escapes
			// the scrubber cannot know (\/, \u0041...), so they are
			// decoded, scrubbed and encoded again.
			what, text = "unexpected error body", v
		}
		if truncated {
			what = "error body too large, truncated"
			// The read limit may have split a secret.
			text = sc.trimPartial(text)
		}
		e.Message = fmt.Sprintf("%s (%s): %q", what, statusText(status), sc.snippet(text, maxBodySnippet))
		return e
	}
	if eb.Code != "" {
		e.Code = eb.Code
	}
	e.ID = eb.ID
	e.Message = eb.Message
	if e.Message == "" {
		e.Message = statusText(status)
	}
	for key, raw := range eb.Errors {
		idx, field := parseFieldKey(key)
		fe := FieldError{Key: key, Index: idx, Field: field, Messages: fieldMessages(raw, sc)}
		// Scrubbed before sorting, so that the order is that of what
		// callers see.
		fe.Key, fe.Field = sc.String(fe.Key), sc.String(fe.Field)
		e.Errors = append(e.Errors, fe)
	}
	slices.SortFunc(e.Errors, func(a, b FieldError) int {
		if a.Index != b.Index {
			return a.Index - b.Index
		}
		if c := strings.Compare(a.Field, b.Field); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return e
}

// fieldMessages reads {"messages":[...]} and, leniently, a bare string or a
// bare array of strings; anything else is kept as JSON text so that no
// server detail is lost. That text is re-encoded from the decoded value with
// its strings scrubbed: the raw text holds strings still escaped, in which
// a secret would not be recognised.
func fieldMessages(raw json.RawMessage, sc *scrubber) []string {
	var obj struct {
		Messages []string `json:"messages"`
	}
	if err := json.Unmarshal(raw, &obj); err == nil && obj.Messages != nil {
		return obj.Messages
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err == nil && list != nil {
		return list
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return []string{s}
	}
	text, ok := sc.jsonValue(raw)
	if !ok {
		text = sc.String(string(bytes.TrimSpace(raw)))
	}
	return []string{sc.snippet(text, maxValueSnippet)}
}

// isHTML reports an HTML page: by content type, or by a body that starts
// with '<' (some front ends label their pages text/plain or nothing at all).
func isHTML(contentType string, body []byte) bool {
	ct := strings.ToLower(contentType)
	if strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/xhtml") {
		return true
	}
	b := bytes.TrimPrefix(bytes.TrimSpace(body), []byte("\xef\xbb\xbf"))
	return len(b) > 0 && b[0] == '<'
}

// maxTitle is the longest <title> quoted in a message.
const maxTitle = 80

// htmlMessage explains an HTML error page, quoting its title (already
// scrubbed) when there is one.
func htmlMessage(title string) string {
	msg := "the server answered with an HTML page instead of JSON; most likely the domain's IP address restriction or its Basic authentication (see WithBasicAuth) refused the request"
	if title != "" {
		msg += fmt.Sprintf(" (page title %q)", title)
	}
	return msg
}

// htmlTitle returns the text of the first <title> element, unescaped and
// with white space collapsed, or "" when absent or too long.
func htmlTitle(body []byte) string {
	lower := bytes.ToLower(body)
	start := bytes.Index(lower, []byte("<title"))
	if start < 0 {
		return ""
	}
	gt := bytes.IndexByte(lower[start:], '>')
	if gt < 0 {
		return ""
	}
	from := start + gt + 1
	end := bytes.Index(lower[from:], []byte("</title"))
	if end < 0 {
		return ""
	}
	raw := body[from : from+end]
	if !utf8.Valid(raw) {
		return ""
	}
	t := strings.Join(strings.Fields(html.UnescapeString(string(raw))), " ")
	if utf8.RuneCountInString(t) > maxTitle {
		return ""
	}
	return t
}

// statusText is http.StatusText with a name for cybozu's 520.
func statusText(status int) string {
	if status == 520 {
		return "520 cybozu error"
	}
	if t := http.StatusText(status); t != "" {
		return strconv.Itoa(status) + " " + t
	}
	return strconv.Itoa(status)
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > 24*3600 {
			n = 24 * 3600
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// OutcomeUnknownError reports that a write was sent in full and then the
// exchange failed (connection dropped, timeout, cancellation) before a status
// arrived: the server may or may not have committed it. Retrying blindly can
// duplicate or fail as "already exists"; callers must first re-read the
// affected items (Get Users) to learn what happened. Reads are never
// outcome-unknown: repeating them is harmless.
//
// The client returns it as *OutcomeUnknownError; IsOutcomeUnknown also
// recognises the value form, which fakes in other packages' tests may use.
type OutcomeUnknownError struct {
	Err error
}

// Error describes the failure and why it matters.
func (e OutcomeUnknownError) Error() string {
	return "kintone: outcome unknown, the server may have committed the request: " + errString(e.Err)
}

// Unwrap returns the underlying failure, so that errors.Is(err,
// context.Canceled) still holds for a cancelled write.
func (e OutcomeUnknownError) Unwrap() error { return e.Err }

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// transportError is a failure to get any response. sent records that the
// request had been written in full; idempotent that repeating it is safe.
type transportError struct {
	method, path string
	err          error
	sent         bool
}

func (e *transportError) Error() string {
	return "kintone: " + e.method + " " + e.path + ": " + errString(e.err)
}

func (e *transportError) Unwrap() error { return e.err }

// IsOutcomeUnknown reports whether err means a write may have been committed
// despite the failure (see OutcomeUnknownError).
func IsOutcomeUnknown(err error) bool {
	var p *OutcomeUnknownError
	var v OutcomeUnknownError
	return errors.As(err, &p) || errors.As(err, &v)
}

// IsRetryable reports whether the failure is transient, so that the same
// request sent again later may succeed: 429 (concurrency limit), 502, 503
// and 504, 520 with a database-lock code (GAIA_DA02, GAIA_LT01), and network
// failures before the request was sent (or at any point for a read). It is
// false for context cancellation and deadlines (the caller gave up), for an
// OutcomeUnknownError (reconcile first), and for every other API error.
//
// Retryable does not mean that repeating is harmless. A read may always be
// repeated, and so may a write refused with 429 or 503, which the service
// answers before doing any work. A 502 or 504, though, comes from a proxy
// that may have given up after the service committed, and a 520 lock error
// from the middle of the work: a caller about to repeat a write that is not
// idempotent (Add Users, Add Guests) must treat those as an unknown outcome
// and reconcile first, for example by wrapping the error in
// OutcomeUnknownError, which makes IsRetryable false. The classification
// does not look at the method, because only the caller knows whether its
// write is idempotent (an Update Users that sets the same values is).
func IsRetryable(err error) bool {
	if err == nil || IsOutcomeUnknown(err) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		switch ae.Status {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		switch ae.Code {
		case CodeTooManyConns, CodeDBLocked, CodeLockTimeout:
			return true
		}
		return false
	}
	var te *transportError
	if errors.As(err, &te) {
		return transient(te.err)
	}
	return false
}

// transient reports whether a transport failure may go away by itself. A
// certificate problem or an unknown host is a configuration error.
func transient(err error) bool {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) || errors.As(err, &invalid) {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return false
	}
	return true
}

// IsAuth reports an authentication failure: CB_AU01 (no credentials),
// CB_WA01 (wrong credentials) or CB_TW02 (an account with two-factor
// authentication, which the API cannot pass; its Hint says so), whether as
// 401 or the legacy 520, and an HTML 401 page (the domain's Basic
// authentication).
func IsAuth(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.Code {
	case CodeLoginRequired, CodeWrongAuth, CodeTwoFactor:
		return true
	}
	return ae.HTML && ae.Status == http.StatusUnauthorized
}

// IsPermission reports 403 CB_NO02: the credentials are valid but the user
// is not an administrator, or the API token's scope is too small. Refusal
// tells the two apart.
func IsPermission(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code == CodeNoPrivilege
}

// RefusalKind says why the service refused a request with 403 CB_NO02.
type RefusalKind int

// Kinds of refusal.
const (
	// NotRefused: err is not a 403 CB_NO02.
	NotRefused RefusalKind = iota
	// RefusedNotAdmin: the request was sent with a password and the
	// account lacks the right (it is not a cybozu.com administrator, or
	// not the guest space's administrator). Every request alike will be
	// refused: the run cannot go on.
	RefusedNotAdmin
	// RefusedTokenScope: the request was sent with an API token, whose
	// scope may be what is missing. The scope can depend on the items:
	// changing or deleting a member of the Administrators group needs the
	// Dangerous Zone scope where other users need only Read and Write, so
	// a batch refused for this may hold rows another batch could write;
	// and the guest APIs accept no token at all.
	RefusedTokenScope
)

// Refusal classifies a 403 CB_NO02 by the credentials it was sent with; see
// RefusalKind. The APIError's Hint names the Dangerous Zone scope for
// RefusedTokenScope.
func Refusal(err error) RefusalKind {
	var ae *APIError
	switch {
	case !errors.As(err, &ae) || ae.Code != CodeNoPrivilege:
		return NotRefused
	case ae.Token:
		return RefusedTokenScope
	}
	return RefusedNotAdmin
}

// Hints set on APIError.Hint.
const (
	hintTwoFactor  = "the account uses two-factor authentication, which the REST API does not support: use an administrator account without two-factor authentication, or an API token"
	hintTokenScope = "the request used an API token: changing or deleting a member of the Administrators group needs a token with the Dangerous Zone scope, other writes the Read and Write scope, and the guest APIs accept no token, only a password login"
)

// hint returns the advice for e, sent with an API token when token is set.
func hint(e *APIError, token bool) string {
	switch {
	case e.Code == CodeTwoFactor:
		return hintTwoFactor
	case e.Code == CodeNoPrivilege && token:
		return hintTokenScope
	}
	return ""
}

// IsRedirect reports a 3xx answer and the Location it named. The client
// follows no redirect: nothing was sent to that location, and the request
// itself was answered without being processed, so it is neither retryable
// nor of unknown outcome. Since every request to the same base URL will be
// redirected alike, callers usually stop the run with the location in the
// message.
func IsRedirect(err error) (location string, ok bool) {
	var ae *APIError
	if errors.As(err, &ae) && ae.Status >= 300 && ae.Status <= 399 {
		return ae.Location, true
	}
	return "", false
}

// RetryAfterOf returns the delay the server asked for with Retry-After, and
// whether it asked for one (a positive delay).
func RetryAfterOf(err error) (time.Duration, bool) {
	var ae *APIError
	if errors.As(err, &ae) && ae.RetryAfter > 0 {
		return ae.RetryAfter, true
	}
	return 0, false
}

// Messages returns the field errors of a rejection, one per field
// ("field: message, message"), or its message when it has none: what a
// person is shown of why the server refused.
func (e *APIError) Messages() []string {
	var msgs []string
	for _, fe := range e.Errors {
		msgs = append(msgs, fe.Text())
	}
	if len(msgs) == 0 {
		msgs = []string{e.Message}
	}
	return msgs
}

// MessagesByIndex returns the field errors of a rejection by the index of
// the record they name (users[3].code), for a request of n records.
func (e *APIError) MessagesByIndex(n int) map[int][]string {
	byIndex := map[int][]string{}
	for _, fe := range e.Errors {
		if fe.Index >= 0 && fe.Index < n {
			byIndex[fe.Index] = append(byIndex[fe.Index], fe.Text())
		}
	}
	return byIndex
}

// Text is the field error as a person reads it, "field: message,
// message": the field without the item's index, which the report's row
// already says.
func (fe FieldError) Text() string {
	f := fe.Field
	if f == "" {
		f = fe.Key
	}
	return f + ": " + strings.Join(fe.Messages, ", ")
}
