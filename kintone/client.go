// Package kintone is a client for the cybozu.com User API (/v1/users.json and
// friends) and the kintone guest-user API (/k/v1/guests.json).
//
// The design follows google/go-github: one Client per domain, one method per
// endpoint, a context.Context on every call, and typed errors (*APIError,
// OutcomeUnknownError) that callers branch on with the Is* helpers rather than
// by parsing strings. The client never retries by itself: whether a failed
// write may be repeated depends on what the caller knows about the batch, so
// the client reports what happened (IsRetryable, IsOutcomeUnknown, RetryAfterOf)
// and leaves the decision to the caller (package pacer does the pacing and
// retrying). The one exception is a DELETE whose body the server refused
// with a 400, which nothing was done for: it is sent again at once with its
// parameters in the query string. Nor does it follow redirects (IsRedirect).
//
// Credentials are kept out of every error, every String/Format output and every
// log line: the Client prints as its base URL only, and error messages are
// scrubbed of the credentials and of the passwords in the batch being sent.
package kintone

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

const (
	// defaultTimeout bounds a whole request/response exchange when the caller
	// does not supply its own *http.Client. Context deadlines still apply and
	// usually come first; this only protects callers that pass
	// context.Background() from hanging forever on a dead connection.
	defaultTimeout = 2 * time.Minute

	// defaultUserAgent identifies the tool to the cybozu.com operators.
	defaultUserAgent = "userimport-kintone-client/1"

	// maxErrorBody bounds how much of an error response is read. Real error
	// bodies are a few hundred bytes; an HTML page from a proxy can be larger,
	// but anything past this is noise.
	maxErrorBody = 1 << 20

	// maxSuccessBody bounds a successful response. A page of 100 users is well
	// under 1 MiB; 64 MiB leaves room for huge custom items and still makes a
	// broken or hostile server an error rather than an out-of-memory crash.
	maxSuccessBody = 64 << 20

	// maxURLLength is the longest GET URL sent as such; longer requests switch
	// to POST with X-HTTP-Method-Override: GET and a JSON body. kintone rejects
	// URLs above 8 KB; 4 KB keeps a wide margin for proxies in between.
	maxURLLength = 4096
)

// Header names used by the User API.
const (
	headerCybozuAuth     = "X-Cybozu-Authorization"
	headerAuthorization  = "Authorization"
	headerMethodOverride = "X-HTTP-Method-Override"
	headerCybozuError    = "X-Cybozu-Error"
)

// Client talks to one cybozu.com domain. It is safe for concurrent use by
// multiple goroutines; it holds no per-request state, only what it learned
// of the server (that it refuses DELETE bodies).
//
// Format prints only the base URL. Beyond that, the credentials live inside
// a closure: fmt prints unexported fields by reflection, bypassing every
// String method, but a func value prints as an address, so even a Client
// value nested in another struct shows no secret.
type Client struct {
	base      *url.URL // scheme, host and path prefix without a trailing slash
	hc        *http.Client
	userAgent string
	creds     credentials

	// deleteInQuery is set once the server refused a DELETE body: later
	// DELETEs send their parameters in the query string at once. A
	// pointer, so that a Client value can be copied (and printed).
	deleteInQuery *atomic.Bool

	// Limits, fields so that tests can shrink them.
	maxErrorBody   int64
	maxSuccessBody int64
	maxURLLength   int
}

// credentials returns the precomputed authentication headers (to be copied,
// never modified) and the raw and encoded secrets to scrub from error
// messages. It is a func so that no reflection-based print can reach them.
type credentials func() (header http.Header, secrets []string)

// clientConfig gathers the options before NewClient validates them together.
type clientConfig struct {
	login        string
	password     Secret
	hasPassword  bool
	token        Secret
	basicUser    string
	basicPass    Secret
	hasBasic     bool
	httpClient   *http.Client
	userAgent    string
	userAgentSet bool
}

// Option configures a Client. Options report invalid input as errors from
// NewClient instead of panicking, and their errors never contain a secret.
type Option func(*clientConfig) error

// WithPassword authenticates as a cybozu.com user with the
// X-Cybozu-Authorization header, base64 of "login:password" encoded as UTF-8
// (not ASCII: non-ASCII passwords must survive). Writes require a cybozu.com
// administrator.
func WithPassword(login string, password Secret) Option {
	return func(c *clientConfig) error {
		if login == "" {
			return errors.New("kintone: WithPassword: empty login name")
		}
		if strings.Contains(login, ":") {
			// The header is "login:password"; a colon in the login would make
			// the split ambiguous, and cybozu.com login names cannot hold one.
			return errors.New("kintone: WithPassword: login name contains ':'")
		}
		if password == "" {
			return errors.New("kintone: WithPassword: empty password")
		}
		c.login, c.password, c.hasPassword = login, password, true
		return nil
	}
}

// WithAPIToken authenticates with a cybozu.com API token (Authorization:
// Bearer), available for every User API since 2025-04. The token's scope
// decides which writes succeed (403 CB_NO02 otherwise).
func WithAPIToken(token Secret) Option {
	return func(c *clientConfig) error {
		if token == "" {
			return errors.New("kintone: WithAPIToken: empty token")
		}
		if strings.ContainsAny(token.Reveal(), " \t\r\n") {
			return errors.New("kintone: WithAPIToken: token contains white space")
		}
		c.token = token
		return nil
	}
}

// WithBasicAuth adds the domain's own Basic authentication (Authorization:
// Basic), needed only when the cybozu.com domain has Basic authentication
// configured or to pass its IP restriction. It cannot be combined with
// WithAPIToken: both use the Authorization header.
func WithBasicAuth(user string, password Secret) Option {
	return func(c *clientConfig) error {
		if user == "" {
			return errors.New("kintone: WithBasicAuth: empty user")
		}
		if strings.Contains(user, ":") {
			return errors.New("kintone: WithBasicAuth: user contains ':' (RFC 7617)")
		}
		c.basicUser, c.basicPass, c.hasBasic = user, password, true
		return nil
	}
}

// WithHTTPClient makes the Client send through hc (for proxies, TLS settings,
// timeouts or test transports). The Client works on a shallow copy, so hc
// itself is never modified; the copy never follows a redirect, whatever
// hc's own CheckRedirect would do (see IsRedirect).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *clientConfig) error {
		if hc == nil {
			return errors.New("kintone: WithHTTPClient: nil client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *clientConfig) error {
		if strings.ContainsAny(ua, "\r\n") {
			return errors.New("kintone: WithUserAgent: user agent contains a line break")
		}
		c.userAgent, c.userAgentSet = ua, true
		return nil
	}
}

// NewClient returns a Client for the domain at baseURL, such as
// "https://example.cybozu.com". A trailing slash or a path prefix (a reverse
// proxy, a test server) is kept: endpoints are appended to it.
//
// NewClient refuses a URL it cannot parse, a scheme other than http or https,
// user information in the URL (use WithBasicAuth), a query or fragment, and
// plain http:// to anything but a loopback host: the administrator's password
// must never cross a network in clear text.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	var cfg clientConfig
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.token != "" && cfg.hasBasic {
		return nil, errors.New("kintone: WithAPIToken and WithBasicAuth both need the Authorization header; use one")
	}

	header := make(http.Header)
	var secrets []string
	if cfg.hasPassword {
		raw := cfg.login + ":" + cfg.password.Reveal()
		header.Set(headerCybozuAuth, base64.StdEncoding.EncodeToString([]byte(raw)))
		secrets = append(secrets, cfg.password.Reveal())
	}
	if cfg.token != "" {
		header.Set(headerAuthorization, "Bearer "+cfg.token.Reveal())
		secrets = append(secrets, cfg.token.Reveal())
	}
	if cfg.hasBasic {
		raw := cfg.basicUser + ":" + cfg.basicPass.Reveal()
		header.Set(headerAuthorization, "Basic "+base64.StdEncoding.EncodeToString([]byte(raw)))
		secrets = append(secrets, cfg.basicPass.Reveal())
	}
	for _, v := range header {
		// The encoded forms are as secret as the raw ones.
		secrets = append(secrets, v...)
	}
	creds := func() (http.Header, []string) { return header, secrets }

	var hc http.Client
	if cfg.httpClient != nil {
		hc = *cfg.httpClient
	} else {
		hc = http.Client{Timeout: defaultTimeout, Transport: newTransport()}
	}
	hc.CheckRedirect = refuseRedirect

	ua := defaultUserAgent
	if cfg.userAgentSet {
		ua = cfg.userAgent
	}
	return &Client{
		base:           base,
		hc:             &hc,
		userAgent:      ua,
		creds:          creds,
		deleteInQuery:  new(atomic.Bool),
		maxErrorBody:   maxErrorBody,
		maxSuccessBody: maxSuccessBody,
		maxURLLength:   maxURLLength,
	}, nil
}

// newTransport is http.DefaultTransport with room for every connection the
// domain allows to stay open between requests. The default keeps 2 idle
// connections per host, so an importer with 8 requests in flight closed 6
// connections after each round and opened (TLS-handshaked) 6 new ones for
// the next.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = maxConnsPerDomain
	return t
}

// maxConnsPerDomain is the documented limit of concurrent requests per
// domain (reference §6); more idle connections could never be reused.
const maxConnsPerDomain = 100

// parseBaseURL validates and normalises the base URL. Its errors never quote
// the input, which might carry a password in its user information.
func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("kintone: invalid base URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("kintone: base URL must start with https:// (got scheme %q)", u.Scheme)
	case u.User != nil:
		return nil, errors.New("kintone: base URL must not contain user information; use WithPassword or WithBasicAuth")
	case u.Host == "" || u.Hostname() == "":
		return nil, errors.New("kintone: base URL has no host")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, errors.New("kintone: base URL must not have a query or fragment")
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("kintone: refusing plain http:// to non-loopback host %q: credentials would cross the network in clear text; use https://", u.Hostname())
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// isLoopback reports whether host names this machine: localhost or a loopback
// address (127.0.0.0/8, ::1).
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Unmap().IsLoopback()
}

// refuseRedirect is every Client's CheckRedirect: no redirect is followed.
// The User API never redirects, so a 3xx comes from a wrong base URL or
// something in between, and following it would send the request, with
// the new users' passwords in its body, to a host nobody configured (and
// past the https/loopback check of NewClient). http.ErrUseLastResponse
// hands the 3xx back to do, which turns it into an APIError naming the
// Location (see IsRedirect); nothing is sent there.
func refuseRedirect(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}

// BaseURL returns the base URL the Client was built with, normalised (no
// trailing slash). It never contains credentials.
func (c *Client) BaseURL() string { return c.base.String() }

// String returns a description naming only the base URL.
func (c *Client) String() string {
	if c == nil {
		return "kintone.Client(nil)"
	}
	return "kintone.Client(" + c.BaseURL() + ")"
}

// GoString is String for %#v.
func (c *Client) GoString() string { return c.String() }

// Format prints the Client as String for every verb (%v, %+v, %#v, %s, %q
// ...), so that no formatting path reaches the credentials.
func (c *Client) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", c.String())
		return
	}
	fmt.Fprint(f, c.String())
}
