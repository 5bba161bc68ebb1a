package probe

import (
	"errors"
	"time"

	"github.com/userimport/userimport/kintone"
)

// Schema names the version of the Report's JSON form. A change that
// renames or removes a field gets a new version; new fields do not.
const Schema = "userimport-probe/1"

// Report is what one probe observed. Its JSON form is what `userimport
// probe --out` writes for an administrator to share: it holds no
// credential, no password and no user's data beyond counts and the custom
// item codes.
type Report struct {
	Schema string    `json:"schema"`
	Time   time.Time `json:"time"`
	// URL is the base URL probed.
	URL string `json:"url"`
	// Credentials is how the probe logged in: "password" or "api-token".
	Credentials string `json:"credentials"`
	// BasicAuth says the domain's Basic authentication was sent too.
	BasicAuth bool `json:"basicAuth"`

	// Login is the answer to Get Users with the credentials.
	Login Answer `json:"login"`
	// AuthErrors is the answer to Get Users without credentials: the
	// status the domain gives authentication errors (401, or the legacy
	// 520) and the language it answers in before knowing the account.
	AuthErrors Answer `json:"authErrors"`
	// Rights is the answer to the rights probe: Update User Services for
	// a login name no user can have.
	Rights Rights `json:"rights"`
	// TokenScope is, with an API token, "read" (the rights probe was
	// refused) or "read-write+" (Read and Write, perhaps Dangerous Zone:
	// telling them apart would mean writing to an administrator); "" with
	// a password; "unknown" when the rights probe settled nothing.
	TokenScope string `json:"tokenScope,omitempty"`
	// GuestAPIs is the answer to Delete Guests for a guest that cannot
	// exist: whether these credentials may use the guest APIs.
	GuestAPIs GuestAPIs `json:"guestApis"`

	// Users counts the domain's users, the Administrator included; nil
	// when listing them failed.
	Users *int `json:"users"`
	// CustomItems are the custom item codes Get Users returned, with how
	// many users have a value set.
	CustomItems []CustomItem `json:"customItems"`
	// CustomItemsAllListed says whether Get Users lists every custom item
	// for every user ("" when unset) rather than only the items set; nil
	// when no user has any custom item.
	CustomItemsAllListed *bool `json:"customItemsAllListed"`
	// Services counts the users of each service (Get User Services; the
	// Administrator is never listed); nil when listing them failed.
	Services map[string]int `json:"services"`

	// Language is the language of the server's answers to requests sent
	// without Accept-Language.
	Language Language `json:"language"`
	// ResponseTimes summarises every HTTP request the probe sent.
	ResponseTimes Times `json:"responseTimes"`

	// WriteTest is nil unless --write-test ran.
	WriteTest *WriteTest `json:"writeTest"`

	// Calls lists the probe's requests in order, with their answers.
	Calls []Call `json:"calls"`
	// Notes are what the probe concluded that an import should know.
	Notes []string `json:"notes"`
}

// Answer is how the server answered one request. A success has OK set and
// nothing else; a refusal its HTTP status, cybozu code, message (scrubbed
// of every secret by the client) and field errors; a failure without an
// answer (network, timeout) only Error.
type Answer struct {
	OK      bool                `json:"ok"`
	Status  int                 `json:"status,omitempty"`
	Code    string              `json:"code,omitempty"`
	Message string              `json:"message,omitempty"`
	HTML    bool                `json:"html,omitempty"`
	Errors  map[string][]string `json:"errors,omitempty"`
	Error   string              `json:"error,omitempty"`
}

// answerOf describes the outcome of a request.
func answerOf(err error) Answer {
	if err == nil {
		return Answer{OK: true}
	}
	var ae *kintone.APIError
	if !errors.As(err, &ae) {
		return Answer{Error: err.Error()}
	}
	a := Answer{Status: ae.Status, Code: ae.Code, Message: ae.Message, HTML: ae.HTML}
	for _, fe := range ae.Errors {
		if a.Errors == nil {
			a.Errors = map[string][]string{}
		}
		a.Errors[fe.Key] = append(a.Errors[fe.Key], fe.Messages...)
	}
	return a
}

// fieldMessages returns the messages of the answer's field errors.
func (a Answer) fieldMessages() []string {
	var out []string
	for _, ms := range a.Errors {
		out = append(out, ms...)
	}
	return out
}

// messages returns the answer's texts: its message, then its field
// errors' messages.
func (a Answer) messages() []string {
	var out []string
	if a.Message != "" {
		out = append(out, a.Message)
	}
	return append(out, a.fieldMessages()...)
}

// Verdicts of Rights.
const (
	RightsAdministrator = "administrator"         // the probe passed: 2xx or a JSON 400
	RightsNotAdmin      = "not-administrator"     // 403 CB_NO02 with a password
	RightsTokenScope    = "token-scope-too-small" // 403 CB_NO02 with an API token
	RightsLoginRefused  = "login-refused"         // an authentication error
	RightsUnknown       = "unknown"               // any other answer: warn and go on
)

// Rights is the verdict of the rights probe and the answer it rests on.
type Rights struct {
	Verdict string `json:"verdict"`
	Answer  Answer `json:"answer"`
}

// Verdicts of GuestAPIs.
const (
	GuestsUsable       = "usable"        // a JSON 400 (no such guest) or 2xx
	GuestsTokenRefused = "token-refused" // an authentication error with an API token
	GuestsNotPermitted = "not-permitted" // 403 CB_NO02
	GuestsUnknown      = "unknown"
)

// GuestAPIs is the verdict of the guest rights probe.
type GuestAPIs struct {
	Verdict string `json:"verdict"`
	Answer  Answer `json:"answer"`
}

// CustomItem is one custom item code and how many users have it set.
type CustomItem struct {
	Code string `json:"code"`
	Set  int    `json:"set"`
}

// Language values: "ja", "en", "zh", or "unknown" when no message was seen.
type Language struct {
	// Account is the language of the answers to the logged-in account.
	Account string `json:"account"`
	// Anonymous is the language of the answer without credentials.
	Anonymous string `json:"anonymous"`
	// Sample is the message Account was judged on.
	Sample string `json:"sample,omitempty"`
}

// Times summarises the duration of every HTTP request sent, retries
// included, in milliseconds.
type Times struct {
	Requests int     `json:"requests"`
	MedianMs float64 `json:"medianMs"`
	MaxMs    float64 `json:"maxMs"`
}

// Call is one step of the probe: a request, or a listing of several pages.
type Call struct {
	Name    string `json:"name"`
	Request string `json:"request"` // "METHOD /path"
	// Requests counts the HTTP requests of the step: retries and pages.
	Requests int     `json:"requests"`
	Ms       float64 `json:"ms"` // all of them together
	Answer   Answer  `json:"answer"`
}

// Key forms of WriteTest.ErrorKeyForm.
const (
	KeysIndexed   = "indexed"   // users[1].name
	KeysUnindexed = "unindexed" // users.name
	KeysNone      = "none"      // a rejection without field errors
)

// WriteTest is what --write-test observed.
type WriteTest struct {
	// Skipped, when set, says why nothing was written.
	Skipped string `json:"skipped,omitempty"`
	// Users are the login names the test used: the valid user and the
	// invalid one of the batch, and the unknown one of the services probe.
	Users []string `json:"users"`
	// Batch is the answer to Add Users with a valid user then an invalid
	// one (no name).
	Batch Answer `json:"batch"`
	// ErrorKeys are the batch's field error keys; ErrorKeyForm says
	// whether they carry the item's index.
	ErrorKeys    []string `json:"errorKeys"`
	ErrorKeyForm string   `json:"errorKeyForm,omitempty"`
	// PartialCommit says whether the valid user of the rejected batch was
	// created; nil when the batch settled nothing (accepted, refused for
	// the valid user too, or no answer).
	PartialCommit *bool `json:"partialCommit"`
	// Exists is the answer to Add Users for a login name that exists;
	// ExistsRecognised says whether its wording reads as "already exists"
	// to the client (kintone.ClassifyExists).
	Exists           *Answer `json:"exists"`
	ExistsRecognised *bool   `json:"existsRecognised"`
	// CustomItems is "merge" or "replace": what Update Users did with the
	// items a partial customItemValues list left out; "" when not tested
	// (fewer than two custom items, or an earlier step failed).
	CustomItems string `json:"customItems,omitempty"`
	// UnknownUser is the answer to Update User Services for a login name
	// that does not exist.
	UnknownUser Answer `json:"unknownUser"`
	// Cleanup is the deletion of every user the test created.
	Cleanup Cleanup `json:"cleanup"`
}

// Cleanup says what the write test deleted and what it could not.
type Cleanup struct {
	OK      bool     `json:"ok"`
	Deleted []string `json:"deleted"`
	// Remaining are login names that may still exist: delete them by hand.
	Remaining []string `json:"remaining"`
	Error     string   `json:"error,omitempty"`
}
