package kintonetest

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/kintone/kintonetest/internal/fields"
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

// Domain is a simulated cybozu.com domain: its users, guests, departments
// and counters, and the http.Handler that serves its API. It does not
// listen anywhere; serve it with httptest.NewServer(d), an http.Server, or
// NewServer/Listen. Its configuration is fixed by the options given to
// NewDomain. The zero value is not usable.
type Domain struct {
	// AdminUser and AdminPassword log in as the domain's administrator
	// (X-Cybozu-Authorization). The password is random unless
	// WithAdminPassword sets it, and String never prints it.
	AdminUser     string
	AdminPassword string

	cfg config

	running atomic.Int64
	maxSeen atomic.Int64

	faultMu sync.Mutex // guards rng
	rng     *mrand.Rand

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
	// customItems are the domain's custom item codes in definition order;
	// customFixed refuses others (WithCustomItems), otherwise writes add them.
	customItems []string
	customFixed bool
	// spaces are the guest spaces by ID, each with its guest members.
	spaces map[string][]string
}

// record is one user with the state that lives beside the User object.
type record struct {
	id       uint64
	user     kintone.User
	password string
	services []string
	orgs     []kintone.OrganizationAssignment
	admin    bool // a member of the Administrators group
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
	// PartialCommits counts rejected Add requests that committed the items
	// before the first invalid one (WithPartialCommit).
	PartialCommits int
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

// NewDomain returns a simulated domain configured by opts. It panics if the
// options are invalid (a preload the API would refuse, fault rates out of
// range), as httptest.NewServer panics when it cannot listen: both are
// mistakes in the test.
func NewDomain(opts ...Option) *Domain {
	d, err := newDomain(opts...)
	if err != nil {
		panic(err.Error())
	}
	return d
}

func newDomain(opts ...Option) (*Domain, error) {
	cfg := config{
		maxConcurrent:  DefaultMaxConcurrent,
		accounts:       map[string]account{},
		tokens:         map[string]TokenScope{},
		clock:          time.Now,
		maxRequestBody: 16 << 20,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if err := checkConfig(&cfg); err != nil {
		return nil, err
	}
	pw := cfg.adminPassword
	if pw == "" {
		var b [18]byte
		_, _ = rand.Read(b[:])
		pw = base64.RawURLEncoding.EncodeToString(b[:])
	}
	d := &Domain{
		AdminUser:     AdminLogin,
		AdminPassword: pw,
		cfg:           cfg,
		rng:           mrand.New(mrand.NewPCG(uint64(cfg.seed), uint64(cfg.seed)^0x9e3779b97f4a7c15)),
		users:         map[string]*record{},
		nextID:        firstUserID,
		orgs:          map[string]kintone.Organization{},
		titles:        map[string]kintone.Title{},
		guests:        map[string]*guest{},
		stats:         Stats{ByEndpoint: map[string]int{}, ByStatus: map[int]int{}},
		customFixed:   len(cfg.customItems) > 0,
		spaces:        map[string][]string{},
	}
	for _, code := range cfg.customItems {
		if !slices.Contains(d.customItems, code) {
			d.customItems = append(d.customItems, code)
		}
	}
	for _, id := range cfg.guestSpaces {
		d.spaces[strconv.Itoa(id)] = []string{}
	}
	now := d.now()
	admin := &record{id: d.nextID, password: pw, admin: true, user: kintone.User{
		ID: strconv.FormatUint(d.nextID, 10), Code: AdminLogin, Name: AdminLogin,
		CTime: now, MTime: now, Valid: true, Timezone: fields.DefaultTimezone, Locale: "auto",
	}}
	d.nextID++
	d.users[AdminLogin] = admin
	d.byID = append(d.byID, admin)
	if err := d.preload(&cfg); err != nil {
		return nil, err
	}
	return d, nil
}

// checkConfig refuses invalid options and fills in the defaults that
// depend on them.
func checkConfig(cfg *config) error {
	if cfg.maxConcurrent < 1 {
		return fmt.Errorf("kintonetest: max concurrent requests must be at least 1, got %d", cfg.maxConcurrent)
	}
	if err := validFaults(cfg.faults); err != nil {
		return err
	}
	switch cfg.unknownUserStatus {
	case 0:
		cfg.unknownUserStatus = http.StatusBadRequest
	case http.StatusBadRequest, http.StatusNotFound, 520:
	default:
		return fmt.Errorf("kintonetest: unknown-user status %d: want 400, 404 or 520", cfg.unknownUserStatus)
	}
	switch cfg.defaultLang {
	case "", "en", "ja":
	default:
		return fmt.Errorf("kintonetest: default language %q: want ja or en", cfg.defaultLang)
	}
	for _, id := range cfg.guestSpaces {
		if id < 1 {
			return fmt.Errorf("kintonetest: guest space id %d: want a positive number", id)
		}
	}
	if !cfg.seeded {
		cfg.seed = int64(mrand.Uint64())
	}
	return nil
}

// preload applies the options that fill the domain: departments, users,
// their services, and the Administrators group.
func (d *Domain) preload(cfg *config) error {
	if err := d.AddDepartments(cfg.orgs, cfg.titles); err != nil {
		return err
	}
	if err := d.AddUsers(cfg.users...); err != nil {
		return err
	}
	for _, sa := range cfg.services {
		if err := d.SetServices(sa.code, sa.services...); err != nil {
			return err
		}
	}
	for _, code := range cfg.administrators {
		r, ok := d.users[code]
		if !ok {
			return fmt.Errorf("kintonetest: administrator %q is not a user; preload it with WithUsers", code)
		}
		r.admin = true
	}
	return nil
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

// String describes the domain without its password.
func (d *Domain) String() string {
	return fmt.Sprintf("kintonetest.Domain{AdminUser: %s, AdminPassword: ***}", d.AdminUser)
}

// GoString masks the password for %#v too.
func (d *Domain) GoString() string { return d.String() }

// Format masks the password for every verb, including %+v.
func (d *Domain) Format(f fmt.State, _ rune) { fmt.Fprint(f, d.String()) }

// Seed returns the seed of the fault generator (random unless WithSeed).
func (d *Domain) Seed() int64 { return d.cfg.seed }

func (d *Domain) now() time.Time { return d.cfg.clock().UTC().Truncate(time.Second) }

// Users returns every user, the Administrator included, sorted by id.
func (d *Domain) Users() []kintone.User {
	d.mu.Lock()
	defer d.mu.Unlock()
	recs := d.sortedRecords()
	out := make([]kintone.User, len(recs))
	for i, r := range recs {
		out[i] = copyUser(r.user)
	}
	return out
}

// User returns the user with login name code.
func (d *Domain) User(code string) (kintone.User, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.users[code]
	if !ok {
		return kintone.User{}, false
	}
	return copyUser(r.user), true
}

// Services returns the services of user code (nil if none or no such user).
func (d *Domain) Services(code string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, ok := d.users[code]; ok {
		return slices.Clone(r.services)
	}
	return nil
}

// Organizations returns the departments of user code, primary first.
func (d *Domain) Organizations(code string) []kintone.OrganizationAssignment {
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, ok := d.users[code]; ok {
		return slices.Clone(r.orgs)
	}
	return nil
}

// Guests returns the guest codes, sorted.
func (d *Domain) Guests() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]string, 0, len(d.guests))
	for c := range d.guests {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Guest returns guest code as it was added, with the password removed.
func (d *Domain) Guest(code string) (kintone.GuestInput, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, ok := d.guests[code]
	if !ok {
		return kintone.GuestInput{}, false
	}
	in := g.input
	in.Password = ""
	return in, true
}

// SpaceGuests returns the guest members of guest space id, sorted, and nil
// for a space the domain does not have.
func (d *Domain) SpaceGuests(id int) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, ok := d.spaces[strconv.Itoa(id)]
	if !ok {
		return nil
	}
	out := slices.Clone(g)
	slices.Sort(out)
	return out
}

// Requests returns a copy of the request counters.
func (d *Domain) Requests() Stats {
	d.statsMu.Lock()
	defer d.statsMu.Unlock()
	st := d.stats
	st.ByEndpoint = make(map[string]int, len(d.stats.ByEndpoint))
	for k, v := range d.stats.ByEndpoint {
		st.ByEndpoint[k] = v
	}
	st.ByStatus = make(map[int]int, len(d.stats.ByStatus))
	for k, v := range d.stats.ByStatus {
		st.ByStatus[k] = v
	}
	return st
}

// MaxConcurrency returns the highest number of requests seen in flight at
// once, counting those the gate refused.
func (d *Domain) MaxConcurrency() int { return int(d.maxSeen.Load()) }

// AddUsers adds users as Add Users would (same rules, all or nothing),
// without HTTP, auth or faults. More than 100 at once is allowed here.
func (d *Domain) AddUsers(users ...kintone.UserInput) error {
	if len(users) == 0 {
		return nil
	}
	raws, err := marshalItems(users)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var errs fields.Errors
	commit := d.validateAddUsers(raws, &errs)
	if !errs.Empty() {
		return preloadError("users", &errs)
	}
	commit()
	return nil
}

// SetServices replaces the services of user code, as Update User Services
// would.
func (d *Domain) SetServices(code string, services ...string) error {
	raw, err := marshalItems([]kintone.UserServices{{Code: code, Services: services}})
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var errs fields.Errors
	commit := d.validateServices(raw, &errs)
	if !errs.Empty() {
		return preloadError("services", &errs)
	}
	commit()
	return nil
}

// AddDepartments adds departments and titles. Codes must be non-empty and
// unique; an empty ID is assigned by the server.
func (d *Domain) AddDepartments(orgs []kintone.Organization, titles []kintone.Title) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	seen := map[string]bool{}
	for _, o := range orgs {
		if o.Code == "" || seen[o.Code] {
			return fmt.Errorf("kintonetest: department code %q empty or duplicated", o.Code)
		}
		if _, ok := d.orgs[o.Code]; ok {
			return fmt.Errorf("kintonetest: department %q already exists", o.Code)
		}
		seen[o.Code] = true
	}
	seenT := map[string]bool{}
	for _, t := range titles {
		if t.Code == "" || seenT[t.Code] {
			return fmt.Errorf("kintonetest: title code %q empty or duplicated", t.Code)
		}
		if _, ok := d.titles[t.Code]; ok {
			return fmt.Errorf("kintonetest: title %q already exists", t.Code)
		}
		seenT[t.Code] = true
	}
	for _, o := range orgs {
		if o.ID == "" {
			d.nextOrgID++
			o.ID = strconv.Itoa(d.nextOrgID)
		}
		d.orgs[o.Code] = o
	}
	for _, t := range titles {
		if t.ID == "" {
			d.nextTitle++
			t.ID = strconv.Itoa(d.nextTitle)
		}
		d.titles[t.Code] = t
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

func preloadError(what string, errs *fields.Errors) error {
	f := map[string][]string{}
	for k, v := range errs.Render(fields.EN, true) {
		f[k] = v.Messages
	}
	return &PreloadError{What: what, Fields: f}
}

// sortedRecords returns the users in id order (caller holds d.mu; the
// slice is shared and must not be modified).
func (d *Domain) sortedRecords() []*record { return d.byID }

// insertRecord adds a new user; its id is the largest so far.
func (d *Domain) insertRecord(rec *record) {
	d.users[rec.user.Code] = rec
	d.byID = append(d.byID, rec)
}

// removeRecords deletes users by code, keeping byID in order.
func (d *Domain) removeRecords(codes []string) {
	gone := map[*record]bool{}
	for _, c := range codes {
		if r, ok := d.users[c]; ok {
			gone[r] = true
			delete(d.users, c)
		}
	}
	d.byID = slices.DeleteFunc(d.byID, func(r *record) bool { return gone[r] })
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
