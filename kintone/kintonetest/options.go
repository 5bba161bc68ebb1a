package kintonetest

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/userimport/userimport/kintone"
)

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
	tokens         map[string]TokenScope
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
	partialCommit     bool
	unknownUserStatus int // status of Update User Services naming an unknown user
	tokenGuestAPIs    bool
	defaultLang       string
	customItems       []string
	customReplace     bool
	administrators    []string
	guestSpaces       []int
}

// Option configures a Domain.
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
// ("Authorization: Bearer <token>"). An admin token has every scope
// (ScopeDangerousZone); a non-admin token may only read (ScopeRead).
func WithAPIToken(token string, admin bool) Option {
	scope := ScopeRead
	if admin {
		scope = ScopeDangerousZone
	}
	return WithTokenScope(token, scope)
}

// TokenScope is the scope of a cybozu.com API token (reference §4, §12):
// each includes the ones before it.
type TokenScope int

const (
	// ScopeRead allows the read APIs only.
	ScopeRead TokenScope = iota + 1
	// ScopeReadWrite also allows writes, except Update and Delete Users on
	// a member of the Administrators group.
	ScopeReadWrite
	// ScopeDangerousZone allows everything, including changes to members
	// of the Administrators group.
	ScopeDangerousZone
)

// String is the scope's name as the sim flag spells it.
func (s TokenScope) String() string {
	switch s {
	case ScopeRead:
		return "read"
	case ScopeReadWrite:
		return "read-write"
	case ScopeDangerousZone:
		return "dangerous-zone"
	}
	return "TokenScope(" + strconv.Itoa(int(s)) + ")"
}

// WithTokenScope accepts token as a cybozu.com API token with the given
// scope. A write beyond the scope is answered 403 CB_NO02. The token is
// not accepted on the kintone routes (/k/..., the guest APIs, whose pages
// list password authentication only) unless WithTokenOnGuestAPIs is given:
// there the Authorization header is ignored, as the kintone front end does
// with a header it does not know, so without a password header the
// request is 401 CB_AU01.
func WithTokenScope(token string, scope TokenScope) Option {
	return func(c *config) { c.tokens[token] = scope }
}

// WithTokenOnGuestAPIs accepts API tokens on the /k/ guest routes too.
func WithTokenOnGuestAPIs() Option { return func(c *config) { c.tokenGuestAPIs = true } }

// WithAdministrators makes the preloaded users codes members of the
// Administrators group (the Administrator always is): they may log in
// with write rights, and a token needs ScopeDangerousZone to update or
// delete them.
func WithAdministrators(codes ...string) Option {
	return func(c *config) { c.administrators = append(c.administrators, codes...) }
}

// WithPartialCommit makes a rejected Add Users or Add Guests request
// commit the items before the first invalid one, then answer the 400 as
// usual. No public source says these batches are atomic (reference §5.3);
// this is the unfavourable case.
func WithPartialCommit() Option { return func(c *config) { c.partialCommit = true } }

// WithUnknownUserStatus sets the HTTP status of Update User Services
// naming a login name that does not exist: 400 (the default), 404 or 520.
// The body is the same CB_VA01 error either way. The answer is not
// documented (reference §12); a client probing its rights this way must
// cope with each.
func WithUnknownUserStatus(status int) Option {
	return func(c *config) { c.unknownUserStatus = status }
}

// WithDefaultLanguage sets the language of the answers to a request whose
// Accept-Language asks for neither English nor Japanese, or that has none:
// "ja" or "en". The service answers such requests in Japanese for a user
// whose language is "auto" (reference §12), and "ja" is what a test of
// is the simulator's default too. Tests that assert English messages say
// "en".
func WithDefaultLanguage(tag string) Option { return func(c *config) { c.defaultLang = tag } }

// WithCustomItems defines the domain's custom items. Get Users returns
// every one of them for every user, "" when it is not set (reference §12);
// a write naming another code is refused. Without this option the domain
// learns each code the first time a write sets it.
func WithCustomItems(codes ...string) Option {
	return func(c *config) { c.customItems = append(c.customItems, codes...) }
}

// WithCustomItemsReplace makes the customItemValues of Update Users replace
// the user's whole list: items not named become "". By default the items
// named are merged into the list. The service's behaviour is not
// documented (reference §12).
func WithCustomItemsReplace() Option { return func(c *config) { c.customReplace = true } }

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

// WithGuestSpace gives the domain a guest space with the given ID, with no
// guest members. Update Guest Members sets them; SpaceGuests reads them.
func WithGuestSpace(id int) Option {
	return func(c *config) { c.guestSpaces = append(c.guestSpaces, id) }
}
