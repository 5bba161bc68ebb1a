package kintonetest

import (
	"net/http"
	"slices"
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
