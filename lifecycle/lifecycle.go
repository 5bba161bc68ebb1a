// Package lifecycle is the part of HR's year that is not adding people:
// deleting users, renaming login names, deactivating leavers and setting a
// guest space's guests. Each operation is a stage with explicit inputs
// (login names, rows, a plan) and one Outcome per item, independent of how
// the items were read, so that the import pipeline, a web page or a test
// can drive it.
//
// Every operation that writes follows the same discipline as the
// importer's adds:
//   - at most kintone.MaxPerRequest items a request;
//   - an intent is appended to the caller's Journal (and made durable)
//     before each request, so that a run that dies between the request
//     and its answer leaves evidence a resume uses instead of sending
//     again or misreporting;
//   - a lost answer (network failure after the request was sent, or a 5xx
//     other than 503) is reconciled by reading the server before anything
//     is sent again;
//   - a 400 isolates the items the server named (or halves the batch when
//     it named none), so one bad item never fails the other 99.
//
// The package never sleeps and never retries by itself: Options.Call is
// where the caller's pacing (rate limit, retries of transient failures)
// goes.
//
// The stages, in the order a run takes them:
//
//	CrossCheck(deletes, changes)            rows refused up front
//	Rename(ctx, api, changes, opts)         before the rows' other changes
//	Delete(ctx, api, items, opts)           only with --allow-delete
//	PlanDeactivation(users, matched, protect, limit) then Deactivate(ctx, api, plan, opts)
//	PlanSpace(id, guests, replace) then SetSpaceGuests(ctx, api, plan, opts)
//
// For --resume, the caller reads the interrupted run's journal
// (ReadJournal) into Options.Earlier (NewEvidence) and passes the items
// whose report lines that run did not write.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/report"
)

// Statuses of the lifecycle operations, beside report's own (skipped,
// invalid, failed, not_attempted, unchanged). Their spellings are a
// contract, like every status.
const (
	Deleted         = report.Deleted
	WouldDelete     = report.WouldDelete
	Renamed         = report.Renamed
	WouldRename     = report.WouldRename
	Deactivated     = report.Deactivated
	WouldDeactivate = report.WouldDeactivate
)

// Getter reads users by login name (Get Users, at most 100 codes).
type Getter interface {
	GetUsers(ctx context.Context, opt kintone.GetUsersOptions) ([]kintone.User, error)
}

// DeleteAPI is what Delete needs.
type DeleteAPI interface {
	Getter
	DeleteUsers(ctx context.Context, codes []string) error
}

// RenameAPI is what Rename needs.
type RenameAPI interface {
	Getter
	UpdateUserCodes(ctx context.Context, changes []kintone.CodeChange) error
}

// DeactivateAPI is what Deactivate needs.
type DeactivateAPI interface {
	Getter
	UpdateUsers(ctx context.Context, users []kintone.UserInput) error
}

// SpaceAPI is what SetSpaceGuests needs. Update Guest Members replaces
// the space's whole guest list.
type SpaceAPI interface {
	UpdateGuestSpaceMembers(ctx context.Context, spaceID int64, guests []string) error
}

// API is every call the package makes; *kintone.Client satisfies it.
type API interface {
	DeleteAPI
	UpdateUserCodes(ctx context.Context, changes []kintone.CodeChange) error
	UpdateUsers(ctx context.Context, users []kintone.UserInput) error
	SpaceAPI
}

// Caller runs one request. The pipeline passes its pacer here (rate limit,
// concurrency cap, retries of transient failures); fn already turns a
// failure that may have been committed into a kintone.OutcomeUnknownError,
// which a Caller must not retry. A Caller that gives up because the run is
// stopping must return an error wrapping context.Canceled, so that the
// items are reported not_attempted (or outcome_unknown when an earlier
// answer was lost) and nothing more is sent.
type Caller func(ctx context.Context, fn func(ctx context.Context) error) error

// DefaultAdministrator is the login name of the cybozu.com Administrator
// account, which exists in every domain.
const DefaultAdministrator = "Administrator"

// Options are shared by the operations.
type Options struct {
	// DryRun reads the server and reports what would happen; it sends no
	// write and journals nothing.
	DryRun bool
	// Administrator is the domain's Administrator login name ("" means
	// DefaultAdministrator); Self is the account the import runs as (""
	// with an API token, which has no login name). Neither is ever
	// deleted, renamed or deactivated: without the first the domain
	// loses its last-resort administrator, without the second the run
	// locks itself out halfway.
	Administrator string
	Self          string
	// Call sends a request; nil sends it once.
	Call Caller
	// Journal receives an intent before every write request; nil keeps no
	// evidence, and a run that dies between a request and its answer then
	// cannot be resumed exactly.
	Journal Journal
	// Earlier is the evidence an earlier, unfinished run left in its
	// journal, for --resume; nil for a fresh run.
	Earlier *Evidence
	// MaxLost bounds how many times the answers to requests carrying one
	// item may be lost before it fails as outcome_unknown; 0 means 8.
	MaxLost int
}

func (o *Options) call(ctx context.Context, fn func(ctx context.Context) error) error {
	if o.Call == nil {
		return fn(ctx)
	}
	return o.Call(ctx, fn)
}

func (o *Options) maxLost() int {
	if o.MaxLost <= 0 {
		return 8
	}
	return o.MaxLost
}

// protected returns why code must never be deleted, renamed or
// deactivated, or "" when it may be.
func (o *Options) protected(code string) string {
	admin := o.Administrator
	if admin == "" {
		admin = DefaultAdministrator
	}
	switch {
	case sameLogin(code, admin):
		return fmt.Sprintf("%q is the domain's Administrator, which this tool never deletes, renames or deactivates", code)
	case o.Self != "" && sameLogin(code, o.Self):
		return fmt.Sprintf("%q is the account running this import, which this tool never deletes, renames or deactivates", code)
	}
	return ""
}

// sameLogin compares login names for protection without regard to case:
// the reference calls login names case-sensitive, but whether the login
// screen is, it does not say, and for an account that must never be
// removed a false alarm costs a row while a miss costs the domain.
func sameLogin(a, b string) bool { return strings.EqualFold(a, b) }

// Item is one login name to act on, with the input row that asked for it
// (0 for a line that no row asked for, such as a leaver).
type Item struct {
	Row  int
	Code string
}

// Outcome is what happened to one item. Status is one of this package's
// statuses or report's; ErrorCode is a stable rule id or the server's
// code; Message says what happened and what to do, and never holds a
// password.
type Outcome struct {
	Row       int
	Code      string
	Status    report.Status
	ErrorCode string
	Message   string
}

// Error codes of outcomes that are not the server's.
const (
	CodeProtected    = "code.protected"
	CodeNoSuchUser   = "no_such_user"
	CodeOutcomeLost  = "outcome_unknown"
	CodeInterrupted  = "interrupted"
	CodeRenameChain  = "newCode.chain"
	CodeRenameClash  = "newCode.duplicate"
	CodeRenameTaken  = "newCode.exists"
	CodeRenameRepeat = "code.renamed_twice"
	CodeDeleteRepeat = "code.deleted_twice"
	CodeNetwork      = "network"
)

// lostAnswer turns a failure that may have been committed into an
// OutcomeUnknownError, so that no Caller retries it blindly: a 5xx other
// than 503 may come from a proxy that gave up after the service committed,
// or from the service in the middle of the work (reference §5.3). A 503 or
// 429 is an answer given before any work. An authentication failure on the
// legacy 520 status is no outcome but a reason to stop.
func lostAnswer(err error) error {
	var e *kintone.APIError
	if errors.As(err, &e) && e.Status >= 500 && e.Status != 503 && !kintone.IsAuth(err) && !kintone.IsPermission(err) {
		return &kintone.OutcomeUnknownError{Err: err}
	}
	return err
}

// errorCode names a failure for an outcome: the server's code when it sent
// one.
func errorCode(err error) string {
	var e *kintone.APIError
	switch {
	case errors.As(err, &e) && e.Code != "":
		return e.Code
	case errors.As(err, &e) && e.HTML:
		return "html_error"
	case errors.As(err, &e):
		return fmt.Sprintf("http_%d", e.Status)
	case kintone.IsOutcomeUnknown(err):
		return CodeOutcomeLost
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return CodeInterrupted
	}
	return CodeNetwork
}

// fatal reports a failure after which no further request can succeed.
func fatal(err error) bool {
	return kintone.IsAuth(err) || kintone.IsPermission(err) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func appendMsg(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// rowList names rows for a message: "rows 3 and 7", "rows 3, 5 and 7".
func rowList(rows []int) string {
	rows = slices.Clone(rows)
	slices.Sort(rows)
	rows = slices.Compact(rows)
	s := make([]string, len(rows))
	for i, r := range rows {
		s[i] = fmt.Sprint(r)
	}
	switch len(s) {
	case 0:
		return "no row"
	case 1:
		return "row " + s[0]
	}
	return "rows " + strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
