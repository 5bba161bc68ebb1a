package kintonetest

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/userimport/userimport/kintone/kintonetest/internal/fields"
)

// endpoint is one API path with its handlers by method.
type endpoint struct {
	reads  map[string]handlerFunc
	writes map[string]handlerFunc
}

type handlerFunc func(d *Domain, w http.ResponseWriter, r *http.Request, c *call)

// routes is reference §2's catalogue as far as the importer uses it.
var routes = map[string]endpoint{
	"/v1/users.json": {
		reads:  map[string]handlerFunc{http.MethodGet: (*Domain).getUsers},
		writes: map[string]handlerFunc{http.MethodPost: (*Domain).addUsers, http.MethodPut: (*Domain).updateUsers, http.MethodDelete: (*Domain).deleteUsers},
	},
	"/v1/users/services.json": {
		reads:  map[string]handlerFunc{http.MethodGet: (*Domain).getServices},
		writes: map[string]handlerFunc{http.MethodPut: (*Domain).updateServices},
	},
	"/v1/user/organizations.json": {
		reads: map[string]handlerFunc{http.MethodGet: (*Domain).getUserOrganizations},
	},
	"/v1/userOrganizations.json": {
		writes: map[string]handlerFunc{http.MethodPut: (*Domain).updateUserOrganizations},
	},
	"/k/v1/guests.json": {
		writes: map[string]handlerFunc{http.MethodPost: (*Domain).addGuests, http.MethodDelete: (*Domain).deleteGuests},
	},
	"/v1/users/codes.json": {
		writes: map[string]handlerFunc{http.MethodPut: (*Domain).updateUserCodes},
	},
	guestSpacePrefix + "{id}/v1/space/guests.json": {
		writes: map[string]handlerFunc{http.MethodPut: (*Domain).updateGuestMembers},
	},
}

// guestSpacePrefix starts the path of a kintone API called for a guest
// space: /k/guest/{ID}/v1/....
const guestSpacePrefix = "/k/guest/"

// routeKey returns the routes key of p, with a guest space ID replaced by
// "{id}", and that ID.
func routeKey(p string) (key, space string) {
	rest, ok := strings.CutPrefix(p, guestSpacePrefix)
	if !ok {
		return p, ""
	}
	id, tail, ok := strings.Cut(rest, "/")
	if !ok || id == "" || !allDigits(id) {
		return p, ""
	}
	return guestSpacePrefix + "{id}/" + tail, id
}

func (e endpoint) allow() string {
	var ms []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		if e.reads[m] != nil || e.writes[m] != nil {
			ms = append(ms, m)
		}
	}
	return strings.Join(ms, ", ")
}

// faultKind is the fault drawn for one write request.
type faultKind int

const (
	faultNone faultKind = iota
	fault503
	fault429
	fault520
	faultHTML
	faultDrop
)

// call carries what the pipeline learned about a request to its handler.
type call struct {
	lang    fields.Lang
	indexed bool
	who     principal
	fault   faultKind
	body    map[string]json.RawMessage // JSON body parameters; nil when none
	query   map[string][]string
	// forbidden, set by a write's validation, answers 403 CB_NO02: the
	// request touches what the token's scope does not cover.
	forbidden bool
	// partial, set by a write's validation under WithPartialCommit, applies
	// the items before the first invalid one of a rejected request.
	partial func()
	// rejectStatus, when set, replaces the status of a 400 CB_VA01.
	rejectStatus int
	// space is the guest space ID of a /k/guest/{ID}/... path.
	space string
}

// needsDangerousZone reports whether touching a member of the
// Administrators group is beyond the request's rights: only a token
// without the Dangerous Zone scope is limited (reference §12).
func (c *call) needsDangerousZone() bool {
	return c.who.token && c.who.scope < ScopeDangerousZone
}

func (c *call) status(def int) int {
	if c.rejectStatus != 0 {
		return c.rejectStatus
	}
	return def
}

// statusWriter records the status for Stats.ByStatus.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the Hijacker.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// effectiveMethod honours X-HTTP-Method-Override on POST (reference §1).
func effectiveMethod(r *http.Request) string {
	if r.Method == http.MethodPost {
		if o := strings.ToUpper(strings.TrimSpace(r.Header.Get("X-HTTP-Method-Override"))); o != "" {
			return o
		}
	}
	return r.Method
}

// ServeHTTP runs the pipeline: concurrency gate, request hook, latency,
// front door (Basic auth / IP restriction), routing, authentication,
// privilege, fault draw, body parsing, handler.
func (d *Domain) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	n := d.running.Add(1)
	defer d.running.Add(-1)
	for {
		m := d.maxSeen.Load()
		if n <= m || d.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	method := effectiveMethod(r)
	w := &statusWriter{ResponseWriter: rw}
	dropped := false
	defer func() { d.count(method+" "+r.URL.Path, w.status, dropped) }()

	h := w.Header()
	h.Set("X-ConcurrencyLimit-Limit", strconv.Itoa(d.cfg.maxConcurrent))
	h.Set("X-ConcurrencyLimit-Running", strconv.FormatInt(n, 10))
	l := d.langOf(r)
	if n > int64(d.cfg.maxConcurrent) {
		d.bump(func(st *Stats) { st.Throttled++ })
		writeAPIError(w, errTooBusy.status, errTooBusy, l, nil)
		return
	}
	if d.cfg.hook != nil {
		d.cfg.hook(r)
	}
	if d.cfg.latency > 0 {
		t := time.NewTimer(d.cfg.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	dropped = d.serveAPI(w, r, method, l)
}

// count records one finished request in the statistics.
func (d *Domain) count(endpoint string, status int, dropped bool) {
	d.statsMu.Lock()
	defer d.statsMu.Unlock()
	d.stats.Total++
	d.stats.ByEndpoint[endpoint]++
	if !dropped && status != 0 {
		d.stats.ByStatus[status]++
	}
}

// serveAPI answers an admitted request: front door, routing,
// authentication, privilege, fault draw, body, handler. It reports whether
// the connection was dropped without an answer.
func (d *Domain) serveAPI(w *statusWriter, r *http.Request, method string, l fields.Lang) (dropped bool) {
	if !d.frontDoor(w, r) {
		return false
	}
	key, space := routeKey(r.URL.Path)
	ep, ok := routes[key]
	if !ok {
		writeAPIError(w, errNoAPI.status, errNoAPI, l, nil)
		return false
	}
	fn, write := ep.writes[method], true
	if fn == nil {
		fn, write = ep.reads[method], false
	}
	if fn == nil {
		w.Header().Set("Allow", ep.allow())
		writeAPIError(w, errNoMethod.status, errNoMethod, l, nil)
		return false
	}
	who, aerr, ok := d.authenticate(r)
	if !ok {
		status := aerr.status
		if d.cfg.legacyAuth {
			status = statusLegacy
		}
		writeAPIError(w, status, aerr, l, nil)
		return false
	}
	if write && !who.admin {
		writeAPIError(w, errNoPrivilege.status, errNoPrivilege, l, nil)
		return false
	}
	c := &call{lang: l, indexed: !d.cfg.unindexed, query: r.URL.Query(), who: who, space: space}
	if write {
		d.bump(func(st *Stats) { st.Writes++ })
		c.fault = d.drawFault()
	}
	if e, ok := d.readBody(r, write, c); !ok {
		writeAPIError(w, e.status, e, l, nil)
		return false
	}
	fn(d, w, r, c)
	return c.fault == faultDrop && w.status == 0
}

func (d *Domain) bump(f func(*Stats)) {
	d.statsMu.Lock()
	f(&d.stats)
	d.statsMu.Unlock()
}

// frontDoor applies the domain's Basic authentication and IP restriction,
// which sit in front of the API and answer with HTML (reference §4).
func (d *Domain) frontDoor(w http.ResponseWriter, r *http.Request) bool {
	basicOK := false
	if d.cfg.basicAuth {
		for _, v := range r.Header.Values("Authorization") {
			u, p, ok := parseBasic(v)
			if ok && equal(u, d.cfg.basicUser) && equal(p, d.cfg.basicPassword) {
				basicOK = true
			}
		}
	}
	switch {
	case d.cfg.ipRestricted && !basicOK:
		writeHTML(w, http.StatusUnauthorized, "Unauthorized", "認証が必要です", "h2",
			"Access from this IP address is not allowed. / このIPアドレスからのアクセスは許可されていません。")
		return false
	case d.cfg.basicAuth && !basicOK:
		w.Header().Set("WWW-Authenticate", `Basic realm="cybozu.com"`)
		writeHTML(w, http.StatusUnauthorized, "Unauthorized", "認証が必要です", "h2",
			"Basic authentication is required. / Basic認証が必要です。")
		return false
	}
	return true
}

func parseBasic(h string) (user, password string, ok bool) {
	const prefix = "Basic "
	if len(h) < len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return "", "", false
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(h[len(prefix):]))
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(b), ":")
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// principal is who a request authenticated as.
type principal struct {
	admin bool       // may write
	token bool       // by API token, limited to scope
	scope TokenScope // the token's scope
}

// authenticate applies reference §4: a Bearer token wins over
// X-Cybozu-Authorization; neither → CB_AU01; bad credentials → CB_WA01.
// Password logins are the Administrator, WithUser accounts, and any valid
// user of the domain (an administrator if in the Administrators group).
// On the kintone routes (/k/...) a token is ignored unless
// WithTokenOnGuestAPIs: their pages list password authentication only.
func (d *Domain) authenticate(r *http.Request) (principal, apiError, bool) {
	tokensHere := d.cfg.tokenGuestAPIs || !strings.HasPrefix(r.URL.Path, "/k/")
	for _, v := range r.Header.Values("Authorization") {
		const prefix = "Bearer "
		if !tokensHere || len(v) < len(prefix) || !strings.EqualFold(v[:len(prefix)], prefix) {
			continue
		}
		tok := strings.TrimSpace(v[len(prefix):])
		for t, scope := range d.cfg.tokens {
			if equal(t, tok) {
				return principal{admin: scope >= ScopeReadWrite, token: true, scope: scope}, apiError{}, true
			}
		}
		return principal{}, errBadToken, false
	}
	h := r.Header.Get("X-Cybozu-Authorization")
	if h == "" {
		return principal{}, errNoLogin, false
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(h))
	if err != nil {
		return principal{}, errBadLogin, false
	}
	login, password, found := strings.Cut(string(b), ":")
	if !found {
		return principal{}, errBadLogin, false
	}
	if a, ok := d.cfg.accounts[login]; ok {
		if equal(a.password, password) {
			return principal{admin: a.admin}, apiError{}, true
		}
		return principal{}, errBadLogin, false
	}
	d.mu.Lock()
	rec, exists := d.users[login]
	okUser := exists && rec.user.Valid && equal(rec.password, password)
	admin := okUser && rec.admin
	d.mu.Unlock()
	if !okUser {
		return principal{}, errBadLogin, false
	}
	return principal{admin: admin}, apiError{}, true
}

// drawFault decides the fault of one write request: one draw per request,
// mapped onto the rates in Faults field order.
func (d *Domain) drawFault() faultKind {
	d.faultMu.Lock()
	defer d.faultMu.Unlock()
	f := d.cfg.faults
	if f == (Faults{}) {
		return faultNone
	}
	x := d.rng.Float64()
	for _, k := range []struct {
		rate float64
		kind faultKind
	}{{f.Rate503, fault503}, {f.Rate429, fault429}, {f.Rate520, fault520}, {f.RateHTML, faultHTML}, {f.RateDropAfterCommit, faultDrop}} {
		if x < k.rate {
			return k.kind
		}
		x -= k.rate
	}
	return faultNone
}

// readBody parses a JSON body. The body is only read as JSON with
// Content-Type application/json (reference §1: otherwise "the JSON is not
// parsed and the call fails" — here the parameters are simply absent, so a
// write fails validation with CB_VA01). An empty body on a write is CB_IL02
// and malformed JSON CB_IJ01 (reference §5.2).
func (d *Domain) readBody(r *http.Request, write bool, c *call) (apiError, bool) {
	if r.Body == nil {
		if write && isJSON(r) {
			return errEmptyBody, false
		}
		return apiError{}, true
	}
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, d.cfg.maxRequestBody))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return errTooLarge, false
		}
		return errBadJSON, false
	}
	if !isJSON(r) {
		return apiError{}, true
	}
	if len(bytes.TrimSpace(data)) == 0 {
		if write {
			return errEmptyBody, false
		}
		return apiError{}, true
	}
	m, ok := decodeBody(data)
	if !ok {
		return errBadJSON, false
	}
	c.body = m
	return apiError{}, true
}

// decodeBody decodes a JSON object body into its parameters; false means
// malformed JSON or not an object.
func decodeBody(data []byte) (map[string]json.RawMessage, bool) {
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

func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// commitWrite is the shared end of every write handler. Under the state
// lock it validates the whole batch (validate returns the commit step); an
// invalid batch is answered CB_VA01 and changes nothing. A drawn fault then
// replaces the success, except drop-after-commit, which commits and closes
// the connection without a response.
func (d *Domain) commitWrite(w http.ResponseWriter, c *call, validate func(errs *fields.Errors) func()) {
	var errs fields.Errors
	d.mu.Lock()
	commit := validate(&errs)
	if c.forbidden {
		d.mu.Unlock()
		writeAPIError(w, errNoPrivilege.status, errNoPrivilege, c.lang, nil)
		return
	}
	if !errs.Empty() {
		if c.partial != nil && d.cfg.partialCommit {
			c.partial()
			d.bump(func(st *Stats) { st.PartialCommits++ })
		}
		d.mu.Unlock()
		writeAPIError(w, c.status(errValidation.status), errValidation, c.lang, errs.Render(c.lang, c.indexed))
		return
	}
	if c.fault != faultNone && c.fault != faultDrop {
		d.mu.Unlock()
		d.injectFault(w, c)
		return
	}
	commit()
	d.mu.Unlock()
	d.bump(func(st *Stats) { st.Committed++ })
	if c.fault == faultDrop {
		d.bump(func(st *Stats) { st.DroppedAfterCommit++ })
		dropConnection(w)
		return
	}
	writeJSON(w, struct{}{})
}

func (d *Domain) injectFault(w http.ResponseWriter, c *call) {
	switch c.fault {
	case fault503:
		d.bump(func(st *Stats) { st.Injected503++ })
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "Service Unavailable\n")
	case fault429:
		d.bump(func(st *Stats) { st.Injected429++ })
		writeAPIError(w, errTooBusy.status, errTooBusy, c.lang, nil)
	case fault520:
		d.bump(func(st *Stats) { st.Injected520++ })
		writeAPIError(w, errLocked.status, errLocked, c.lang, nil)
	case faultHTML:
		d.bump(func(st *Stats) { st.InjectedHTML++ })
		writeHTML(w, http.StatusBadGateway, "Error", "Error", "h3",
			"A temporary error occurred. Try again later. / 一時的なエラーが発生しました。")
	}
}

// dropConnection closes the client connection without writing a response,
// so the client cannot tell whether the committed write happened.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2): aborting the handler resets the stream.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
