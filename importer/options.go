package importer

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/match"
	"github.com/userimport/userimport/pacer"
	"github.com/userimport/userimport/progress"
	"github.com/userimport/userimport/sheet"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// API is the part of the cybozu.com User API the importer uses. *kintone.Client
// implements it; tests may wrap it to count or fail calls.
type API interface {
	GetUsers(ctx context.Context, opt kintone.GetUsersOptions) ([]kintone.User, error)
	AddUsers(ctx context.Context, users []kintone.UserInput) error
	UpdateUsers(ctx context.Context, users []kintone.UserInput) error
	GetUserServices(ctx context.Context, codes []string, offset, size int) ([]kintone.UserServices, error)
	UpdateUserServices(ctx context.Context, users []kintone.UserServices) error
	GetUserOrganizations(ctx context.Context, code string) ([]kintone.OrganizationTitle, error)
	UpdateUserOrganizations(ctx context.Context, users []kintone.UserOrganizations) error
	AddGuests(ctx context.Context, guests []kintone.GuestInput) error
	DeleteGuests(ctx context.Context, codes []string) error
}

// Mode says what to do with a row whose user already exists.
type Mode string

// Import modes (the --mode flag).
const (
	// Create adds new users; a row whose user exists fails with "exists".
	Create Mode = "create"
	// Upsert adds new users and updates existing ones (reporting
	// "unchanged", without a request, when nothing differs).
	Upsert Mode = "upsert"
	// SkipExisting adds new users and reports existing ones as skipped.
	SkipExisting Mode = "skip-existing"
)

// ParseMode checks a --mode value.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Create, Upsert, SkipExisting:
		return m, nil
	case "":
		return Create, nil
	}
	return "", fmt.Errorf("unknown mode %q: want create, upsert or skip-existing", s)
}

// MatchOn says which field identifies an existing user.
type MatchOn = match.On

// Matching keys (the --match-on flag).
const (
	MatchCode           = match.Code
	MatchEmployeeNumber = match.EmployeeNumber
	MatchEmail          = match.Email
)

// ParseMatchOn checks a --match-on value (case-insensitive).
func ParseMatchOn(s string) (MatchOn, error) { return match.Parse(s) }

// MaxConcurrency is the domain-wide connection cap documented for kintone:
// request 101 in flight is refused with 429, so more workers can only hurt.
const MaxConcurrency = 100

// Options configures Import and Validate.
type Options struct {
	// File is the input file (CSV, TSV or XLSX).
	File string
	// Source says how to read it (encoding, sheet, header row).
	Source sheet.Options
	// Kind selects users or guests.
	Kind validate.Kind
	// Mapping, if non-nil, renames columns and builds values (--mapping).
	Mapping *mapping.File
	// Layout chooses one of cybozu.com's own file layouts (--layout); the
	// zero value recognises them by their header or shape.
	Layout mapping.Layout
	// DateOrder says how to read a date whose year comes last (--date-order).
	DateOrder validate.DateOrder
	// Lang is the language of the messages in the report.
	Lang i18n.Lang

	// Mode and MatchOn decide what happens to users that already exist.
	Mode    Mode
	MatchOn MatchOn
	// Services are given to new users whose row has no services column
	// value. Nil means ["kintone"]: a user without services cannot use
	// kintone, the mistake the seed forum post made.
	Services []string
	// Concurrency is the number of requests in flight (default 4, at most
	// MaxConcurrency).
	Concurrency int
	// Rate caps requests per second across all workers (0 = no cap).
	Rate float64
	// Retry bounds the retries of transient failures.
	Retry RetryPolicy

	// Report receives one row per input row, in input order.
	Report report.Writer
	// Resume, if set, is the path of a previous report of the same file:
	// rows that ended well there are copied, the rest are run again.
	Resume string
	// DryRun plans without writing.
	DryRun bool
	// SendLog, if set, is the path of the send log: before each create
	// request the rows in it are appended there, so that a --resume after
	// the process died knows which users it may have created (see
	// recovery.LogPath). The caller removes it (recovery.Discard) once the
	// report is closed without error and Summary.Settled is set.
	SendLog string

	// Events, if set, receives the run's progress (see progress.Event): rows read,
	// checked and finished, counts per status, requests and retries. It
	// is called from the run's goroutines, one call at a time, and must
	// return quickly.
	Events func(progress.Event)
	// Progress, if set, is called with the number of rows finished so far
	// after each row (it must be cheap).
	Progress func(done int)
	// ServerTime returns the server's clock as of the latest API response
	// (its Date header); the send log records it before each create, as
	// the evidence a resume needs (see package recovery). Nil means the
	// API's ServerTime method if it has one (recovery.ServerClock), else
	// no clock: a resume then recognises no user as created by the run.
	ServerTime func() time.Time
	// Log receives warnings and notes for a person (stderr). Nil discards.
	Log io.Writer

	// Lifecycle configures generated passwords, deletions, renames,
	// leavers and guest spaces (see Lifecycle).
	Lifecycle Lifecycle
}

// Prepare fills in defaults and checks that the options make sense
// together. Import and Validate call it; a command calls it first too, so
// that a usage error is reported before a report file is created.
func (o *Options) Prepare() error {
	if o.Mode == "" {
		o.Mode = Create
	}
	if o.MatchOn == "" {
		o.MatchOn = MatchCode
	}
	if o.Services == nil {
		o.Services = []string{"kintone"}
	}
	if err := CheckLimits(&o.Concurrency, o.Rate); err != nil {
		return err
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	o.Retry.SetDefaults()
	if o.Kind == validate.Guests && o.MatchOn != MatchCode {
		return fmt.Errorf("--match-on %s is for users; guests are matched by their e-mail login", o.MatchOn)
	}
	if o.Kind == validate.Guests && o.Mode == Upsert {
		return fmt.Errorf("--mode upsert is not available for guests: the API has no way to read or update guests")
	}
	return o.Lifecycle.check(o)
}

// CheckLimits defaults the concurrency to 4 and checks it and the rate: more
// than MaxConcurrency requests in flight can only earn 429s.
func CheckLimits(concurrency *int, rate float64) error {
	if *concurrency == 0 {
		*concurrency = 4
	}
	if *concurrency < 0 || *concurrency > MaxConcurrency {
		return fmt.Errorf("concurrency %d out of range 1..%d (kintone refuses more than %d requests in flight per domain)", *concurrency, MaxConcurrency, MaxConcurrency)
	}
	if rate < 0 {
		return fmt.Errorf("rate %v must not be negative", rate)
	}
	return nil
}

// RetryPolicy bounds the retries of transient failures; see
// pacer.RetryPolicy.
type RetryPolicy = pacer.RetryPolicy
