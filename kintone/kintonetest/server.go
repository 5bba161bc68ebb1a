package kintonetest

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/userimport/userimport/kintone"
)

// AdminLogin is the login name of the administrator account every simulated
// domain has. Get Users returns this user; Get User Services omits it
// (reference §2).
const AdminLogin = "Administrator"

// DefaultMaxConcurrent is the documented per-domain concurrency limit
// (reference §6).
const DefaultMaxConcurrent = 100

// firstUserID is the id of the Administrator user; later users count up
// from it. Real ids are large numbers serialized as JSON strings
// (reference §3.2), so the simulator's are too.
const firstUserID uint64 = 7532782697181632512

// Server is a simulated cybozu.com domain listening on loopback. Its zero
// value is not usable; create one with NewServer or Listen.
type Server struct {
	// URL is the base URL of the domain, "http://127.0.0.1:port", without a
	// trailing slash.
	URL string
	// AdminUser and AdminPassword log in as the domain's administrator
	// (X-Cybozu-Authorization). The password is random unless
	// WithAdminPassword sets it, and String never prints it.
	AdminUser     string
	AdminPassword string

	cfg  config
	srv  *http.Server
	ln   net.Listener
	done chan struct{}

	running atomic.Int64
	maxSeen atomic.Int64

	faultMu sync.Mutex // guards rng and faults
	rng     *mrand.Rand
	faults  Faults

	statsMu sync.Mutex
	stats   Stats

	mu        sync.Mutex // guards the domain state below
	users     map[string]*record
	byID      []*record // the same records in id order: ids only grow, so adds append
	nextID    uint64
	orgs      map[string]kintone.Organization
	nextOrgID int
	titles    map[string]kintone.Title
	nextTitle int
	guests    map[string]*guest
}

// record is one user with the state that lives beside the User object.
type record struct {
	id       uint64
	user     kintone.User
	password string
	services []string
	orgs     []kintone.OrganizationAssignment
}

// guest is one guest user. Guests are kept apart from users: Get Users does
// not return them (reference §2).
type guest struct {
	input kintone.GuestInput
	ctime time.Time
}

// Stats counts what the server saw. Endpoint keys are "METHOD /path" with
// the effective method (after X-HTTP-Method-Override).
type Stats struct {
	Total      int            // every request received
	ByEndpoint map[string]int // requests per "METHOD /path"
	ByStatus   map[int]int    // responses per HTTP status (dropped connections are not counted here)
	Writes     int            // authenticated POST/PUT/DELETE requests that reached a write endpoint
	Committed  int            // write requests whose changes were applied (including dropped-after-commit ones)
	Throttled  int            // requests refused by the concurrency gate (429 GAIA_TO04)
	// DuplicateAdds counts items of Add Users / Add Guests requests rejected
	// because the code already existed or appeared twice in the batch.
	DuplicateAdds      int
	Injected503        int // injected 503 faults
	Injected429        int // injected 429 GAIA_TO04 faults
	Injected520        int // injected 520 GAIA_DA02 faults
	InjectedHTML       int // injected HTML error pages
	DroppedAfterCommit int // writes committed whose connection was then closed without a response
}

// Faults are per-write-request probabilities of injected failures. For each
// write request one number is drawn from the seeded generator and mapped onto
// the rates in field order, so their sum should not exceed 1. A fault hits
// only a write that would otherwise succeed; only RateDropAfterCommit
// commits.
type Faults struct {
	Rate503             float64 // 503 with a plain-text body
	Rate429             float64 // 429 GAIA_TO04, as if the concurrency limit were hit
	Rate520             float64 // 520 GAIA_DA02 database lock
	RateHTML            float64 // 502 with an HTML error page
	RateDropAfterCommit float64 // apply the write, then close the connection without answering
}

type account struct {
	password string
	admin    bool
}

type serviceAssignment struct {
	code     string
	services []string
}

// config is what the options set.
type config struct {
	latency        time.Duration
	maxConcurrent  int
	faults         Faults
	seed           int64
	seeded         bool
	unindexed      bool
	accounts       map[string]account
	tokens         map[string]bool
	basicUser      string
	basicPassword  string
	basicAuth      bool
	ipRestricted   bool
	users          []kintone.UserInput
	services       []serviceAssignment
	orgs           []kintone.Organization
	titles         []kintone.Title
	legacyAuth     bool
	jaLimits       bool
	hook           func(*http.Request)
	clock          func() time.Time
	adminPassword  string
	maxRequestBody int64
	// numericPrimaryOrg sends primaryOrganization as a number.
	numericPrimaryOrg bool
}

// Option configures a Server.
type Option func(*config)

// WithLatency delays every admitted request by d before it is handled, while
// it counts against the concurrency limit.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithMaxConcurrent sets the concurrency limit (default 100): while n
// requests are in flight, the next one is answered 429 GAIA_TO04.
func WithMaxConcurrent(n int) Option { return func(c *config) { c.maxConcurrent = n } }

// WithFaults sets the fault-injection rates (see Faults).
func WithFaults(f Faults) Option { return func(c *config) { c.faults = f } }

// WithSeed makes fault injection reproducible: two servers with the same seed
// and the same sequence of write requests inject the same faults. Without
// it the seed is random.
func WithSeed(seed int64) Option { return func(c *config) { c.seed, c.seeded = seed, true } }

// WithUnindexedErrors renders validation error keys without indices
// ("users.code" instead of "users[3].code"), the form one open-source
// client matches on (reference §5.1, §11.1).
func WithUnindexedErrors() Option { return func(c *config) { c.unindexed = true } }

// WithUser adds a login account. Accounts are not users of the domain (Get
// Users does not list them); a non-administrator may read but every write is
// answered 403 CB_NO02.
func WithUser(login, password string, admin bool) Option {
	return func(c *config) { c.accounts[login] = account{password: password, admin: admin} }
}

// WithAPIToken accepts token as a cybozu.com API token
// ("Authorization: Bearer <token>"). A non-admin token may only read.
func WithAPIToken(token string, admin bool) Option {
	return func(c *config) { c.tokens[token] = admin }
}

// WithBasicAuth requires the domain's Basic authentication on every request;
// a missing or wrong "Authorization: Basic" header is answered with an HTML
// 401 page, not JSON (reference §4, §5.2).
func WithBasicAuth(user, password string) Option {
	return func(c *config) { c.basicUser, c.basicPassword, c.basicAuth = user, password, true }
}

// WithIPRestriction makes the client's address a disallowed one: every
// request is answered with the HTML 401 "認証が必要です" page, unless Basic
// authentication is configured (WithBasicAuth) and given, which the service
// accepts as a way past the restriction (reference §4).
func WithIPRestriction() Option { return func(c *config) { c.ipRestricted = true } }

// WithUsers preloads users, checked by the same rules as Add Users. They
// have no services unless WithServices gives them some.
func WithUsers(users ...kintone.UserInput) Option {
	return func(c *config) { c.users = append(c.users, users...) }
}

// WithServices preloads the service list of a user (applied after
// WithUsers).
func WithServices(code string, services ...string) Option {
	return func(c *config) {
		c.services = append(c.services, serviceAssignment{code: code, services: slices.Clone(services)})
	}
}

// WithDepartments preloads departments and titles that Update User's
// Departments may assign. Empty IDs are assigned by the server.
func WithDepartments(orgs []kintone.Organization, titles []kintone.Title) Option {
	return func(c *config) {
		c.orgs = append(c.orgs, orgs...)
		c.titles = append(c.titles, titles...)
	}
}

// WithLegacyAuthStatus answers CB_AU01 and CB_WA01 with HTTP 520, as the
// service did before 2021 (reference §4).
func WithLegacyAuthStatus() Option { return func(c *config) { c.legacyAuth = true } }

// WithJapaneseLimits applies the ja documentation's 64-character limits to
// password, surName, givenName and their readings instead of the en
// documentation's 128 (reference §3.1, §11.6).
func WithJapaneseLimits() Option { return func(c *config) { c.jaLimits = true } }

// WithNumericPrimaryOrganization makes Get Users send primaryOrganization
// as a JSON number (9), the type the data-structure page documents, instead
// of the string every sample shows ("9"); reference §3.2 records the
// conflict. Clients must read both.
func WithNumericPrimaryOrganization() Option {
	return func(c *config) { c.numericPrimaryOrg = true }
}

// WithRequestHook calls f for every request admitted through the concurrency
// gate, before latency and handling. f may block: the request stays in
// flight, which makes concurrency tests deterministic.
func WithRequestHook(f func(r *http.Request)) Option { return func(c *config) { c.hook = f } }

// WithClock replaces time.Now for ctime and mtime.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithAdminPassword fixes the administrator's password instead of a random
// one, for scripts that need stable credentials.
func WithAdminPassword(password string) Option {
	return func(c *config) { c.adminPassword = password }
}

// NewServer starts a simulated domain on 127.0.0.1 on a free port, like
// httptest.NewServer. It panics if the preload options are invalid or no
// port can be opened; callers must Close it.
func NewServer(opts ...Option) *Server {
	s, err := Listen("127.0.0.1:0", opts...)
	if err != nil {
		panic("kintonetest: " + err.Error())
	}
	return s
}

// ErrNotLoopback is returned by Listen for an address that is not a loopback
// address: the simulator's admin password travels in clear over plain HTTP.
var ErrNotLoopback = errors.New("kintonetest: refusing to listen on a non-loopback address")

// Listen starts a simulated domain on addr ("127.0.0.1:8080"; port 0 picks a
// free port). Only loopback hosts (127.0.0.0/8, ::1, localhost) are
// accepted.
func Listen(addr string, opts ...Option) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("kintonetest: address %q: %w", addr, err)
	}
	if !isLoopback(host) {
		return nil, fmt.Errorf("%w: %q", ErrNotLoopback, addr)
	}
	s, err := newServer(opts...)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("kintonetest: listen: %w", err)
	}
	s.ln = ln
	s.URL = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln) // returns http.ErrServerClosed on Close
	}()
	return s, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func newServer(opts ...Option) (*Server, error) {
	cfg := config{
		maxConcurrent:  DefaultMaxConcurrent,
		accounts:       map[string]account{},
		tokens:         map[string]bool{},
		clock:          time.Now,
		maxRequestBody: 16 << 20,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.maxConcurrent < 1 {
		return nil, fmt.Errorf("kintonetest: max concurrent requests must be at least 1, got %d", cfg.maxConcurrent)
	}
	if err := validFaults(cfg.faults); err != nil {
		return nil, err
	}
	if !cfg.seeded {
		cfg.seed = int64(mrand.Uint64())
	}
	pw := cfg.adminPassword
	if pw == "" {
		var b [18]byte
		_, _ = rand.Read(b[:])
		pw = base64.RawURLEncoding.EncodeToString(b[:])
	}
	s := &Server{
		AdminUser:     AdminLogin,
		AdminPassword: pw,
		cfg:           cfg,
		done:          make(chan struct{}),
		rng:           mrand.New(mrand.NewPCG(uint64(cfg.seed), uint64(cfg.seed)^0x9e3779b97f4a7c15)),
		faults:        cfg.faults,
		users:         map[string]*record{},
		nextID:        firstUserID,
		orgs:          map[string]kintone.Organization{},
		titles:        map[string]kintone.Title{},
		guests:        map[string]*guest{},
		stats:         Stats{ByEndpoint: map[string]int{}, ByStatus: map[int]int{}},
	}
	now := s.now()
	admin := &record{id: s.nextID, password: pw, user: kintone.User{
		ID: strconv.FormatUint(s.nextID, 10), Code: AdminLogin, Name: AdminLogin,
		CTime: now, MTime: now, Valid: true, Timezone: defaultTimezone, Locale: "auto",
	}}
	s.nextID++
	s.users[AdminLogin] = admin
	s.byID = append(s.byID, admin)
	if err := s.AddDepartments(cfg.orgs, cfg.titles); err != nil {
		return nil, err
	}
	if err := s.AddUsers(cfg.users...); err != nil {
		return nil, err
	}
	for _, sa := range cfg.services {
		if err := s.SetServices(sa.code, sa.services...); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func validFaults(f Faults) error {
	rates := []float64{f.Rate503, f.Rate429, f.Rate520, f.RateHTML, f.RateDropAfterCommit}
	sum := 0.0
	for _, r := range rates {
		if r < 0 || r > 1 {
			return fmt.Errorf("kintonetest: fault rate %v out of [0,1]", r)
		}
		sum += r
	}
	if sum > 1 {
		return fmt.Errorf("kintonetest: fault rates sum to %v, more than 1", sum)
	}
	return nil
}

// Close stops the server and closes every open connection. Handlers blocked
// in a request hook are not waited for.
func (s *Server) Close() {
	if s.srv == nil {
		return
	}
	_ = s.srv.Close()
	<-s.done
}

// String describes the server without its password.
func (s *Server) String() string {
	return fmt.Sprintf("kintonetest.Server{URL: %s, AdminUser: %s, AdminPassword: ***}", s.URL, s.AdminUser)
}

// GoString masks the password for %#v too.
func (s *Server) GoString() string { return s.String() }

// Format masks the password for every verb, including %+v.
func (s *Server) Format(f fmt.State, _ rune) { fmt.Fprint(f, s.String()) }

// Seed returns the seed of the fault generator (random unless WithSeed).
func (s *Server) Seed() int64 { return s.cfg.seed }

// SetFaults changes the fault rates; it panics on rates outside [0,1] or
// summing to more than 1, a programming error in the test.
func (s *Server) SetFaults(f Faults) {
	if err := validFaults(f); err != nil {
		panic(err.Error())
	}
	s.faultMu.Lock()
	s.faults = f
	s.faultMu.Unlock()
}

func (s *Server) now() time.Time { return s.cfg.clock().UTC().Truncate(time.Second) }

// Users returns every user, the Administrator included, sorted by id.
func (s *Server) Users() []kintone.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := s.sortedRecords()
	out := make([]kintone.User, len(recs))
	for i, r := range recs {
		out[i] = copyUser(r.user)
	}
	return out
}

// User returns the user with login name code.
func (s *Server) User(code string) (kintone.User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.users[code]
	if !ok {
		return kintone.User{}, false
	}
	return copyUser(r.user), true
}

// Services returns the services of user code (nil if none or no such user).
func (s *Server) Services(code string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.users[code]; ok {
		return slices.Clone(r.services)
	}
	return nil
}

// Organizations returns the departments of user code, primary first.
func (s *Server) Organizations(code string) []kintone.OrganizationAssignment {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.users[code]; ok {
		return slices.Clone(r.orgs)
	}
	return nil
}

// Guests returns the guest codes, sorted.
func (s *Server) Guests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.guests))
	for c := range s.guests {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Guest returns guest code as it was added, with the password removed.
func (s *Server) Guest(code string) (kintone.GuestInput, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.guests[code]
	if !ok {
		return kintone.GuestInput{}, false
	}
	in := g.input
	in.Password = ""
	return in, true
}

// Requests returns a copy of the request counters.
func (s *Server) Requests() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	st := s.stats
	st.ByEndpoint = make(map[string]int, len(s.stats.ByEndpoint))
	for k, v := range s.stats.ByEndpoint {
		st.ByEndpoint[k] = v
	}
	st.ByStatus = make(map[int]int, len(s.stats.ByStatus))
	for k, v := range s.stats.ByStatus {
		st.ByStatus[k] = v
	}
	return st
}

// MaxConcurrency returns the highest number of requests seen in flight at
// once, counting those the gate refused.
func (s *Server) MaxConcurrency() int { return int(s.maxSeen.Load()) }

// AddUsers adds users as Add Users would (same rules, all or nothing),
// without HTTP, auth or faults. More than 100 at once is allowed here.
func (s *Server) AddUsers(users ...kintone.UserInput) error {
	if len(users) == 0 {
		return nil
	}
	raws, err := marshalItems(users)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs errList
	commit := s.validateAddUsers(raws, &errs)
	if !errs.empty() {
		return preloadError("users", &errs)
	}
	commit()
	return nil
}

// SetServices replaces the services of user code, as Update User Services
// would.
func (s *Server) SetServices(code string, services ...string) error {
	raw, err := marshalItems([]kintone.UserServices{{Code: code, Services: services}})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs errList
	commit := s.validateServices(raw, &errs)
	if !errs.empty() {
		return preloadError("services", &errs)
	}
	commit()
	return nil
}

// AddDepartments adds departments and titles. Codes must be non-empty and
// unique; an empty ID is assigned by the server.
func (s *Server) AddDepartments(orgs []kintone.Organization, titles []kintone.Title) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for _, o := range orgs {
		if o.Code == "" || seen[o.Code] {
			return fmt.Errorf("kintonetest: department code %q empty or duplicated", o.Code)
		}
		if _, ok := s.orgs[o.Code]; ok {
			return fmt.Errorf("kintonetest: department %q already exists", o.Code)
		}
		seen[o.Code] = true
	}
	seenT := map[string]bool{}
	for _, t := range titles {
		if t.Code == "" || seenT[t.Code] {
			return fmt.Errorf("kintonetest: title code %q empty or duplicated", t.Code)
		}
		if _, ok := s.titles[t.Code]; ok {
			return fmt.Errorf("kintonetest: title %q already exists", t.Code)
		}
		seenT[t.Code] = true
	}
	for _, o := range orgs {
		if o.ID == "" {
			s.nextOrgID++
			o.ID = strconv.Itoa(s.nextOrgID)
		}
		s.orgs[o.Code] = o
	}
	for _, t := range titles {
		if t.ID == "" {
			s.nextTitle++
			t.ID = strconv.Itoa(s.nextTitle)
		}
		s.titles[t.Code] = t
	}
	return nil
}

// PreloadError reports why a preload (WithUsers, WithServices, AddUsers,
// SetServices) was refused, with the error keys the API would have sent.
type PreloadError struct {
	What   string
	Fields map[string][]string
}

// Error lists the refused fields with their messages (never values).
func (e *PreloadError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msg := "kintonetest: invalid " + e.What + ":"
	for _, k := range keys {
		msg += fmt.Sprintf(" %s: %v;", k, e.Fields[k])
	}
	return msg
}

func preloadError(what string, errs *errList) error {
	f := map[string][]string{}
	for k, v := range errs.render(langEN, true) {
		f[k] = v.Messages
	}
	return &PreloadError{What: what, Fields: f}
}

// sortedRecords returns the users in id order (caller holds s.mu; the
// slice is shared and must not be modified).
func (s *Server) sortedRecords() []*record { return s.byID }

// insertRecord adds a new user; its id is the largest so far.
func (s *Server) insertRecord(rec *record) {
	s.users[rec.user.Code] = rec
	s.byID = append(s.byID, rec)
}

// removeRecords deletes users by code, keeping byID in order.
func (s *Server) removeRecords(codes []string) {
	gone := map[*record]bool{}
	for _, c := range codes {
		if r, ok := s.users[c]; ok {
			gone[r] = true
			delete(s.users, c)
		}
	}
	s.byID = slices.DeleteFunc(s.byID, func(r *record) bool { return gone[r] })
}

func copyUser(u kintone.User) kintone.User {
	u.CustomItemValues = slices.Clone(u.CustomItemValues)
	if u.CustomItemValues == nil {
		u.CustomItemValues = []kintone.CustomItemValue{}
	}
	if u.SortOrder != nil {
		v := *u.SortOrder
		u.SortOrder = &v
	}
	return u
}
