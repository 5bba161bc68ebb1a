// Package probe measures how a real cybozu.com domain answers the requests
// the importer relies on where the documents are silent: whether the login
// and the account's rights hold, what a token's scope allows, which
// language the answers come in, how fast they come, and (with a write
// test) how a rejected Add Users batch is keyed and whether it was partly
// committed. The importer tolerates every possibility; the probe says
// which one a domain has, before a first import, in a form an
// administrator can share (Report's JSON).
//
// The default probe changes nothing: its only writes name a login name or
// a guest no one can have, which the server must refuse after checking the
// caller's rights. The write test creates throwaway users and deletes
// every one of them, checking that they are gone.
package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/pacer"
)

// API is what the probe calls; *kintone.Client has it.
type API interface {
	kintone.UserGetter
	GetUserServices(ctx context.Context, codes []string, offset, size int) ([]kintone.UserServices, error)
	UpdateUserServices(ctx context.Context, users []kintone.UserServices) error
	AddUsers(ctx context.Context, users []kintone.UserInput) error
	UpdateUsers(ctx context.Context, users []kintone.UserInput) error
	DeleteUsers(ctx context.Context, codes []string) error
	DeleteGuests(ctx context.Context, codes []string) error
	BaseURL() string
}

// Credential kinds of Options.Credentials.
const (
	CredPassword = "password"
	CredToken    = "api-token"
)

// Options configure Run.
type Options struct {
	// Anonymous reaches the same domain without credentials (with the
	// domain's Basic authentication, if any): it shows how the domain
	// answers an authentication error. Nil skips that step.
	Anonymous kintone.UserGetter
	// Credentials is CredPassword or CredToken: what api logs in with.
	Credentials string
	// BasicAuth says api sends the domain's Basic authentication.
	BasicAuth bool
	// WriteTest runs the write test (see RunWriteTest).
	WriteTest bool
	// Log, when set, gets a line as each step starts.
	Log io.Writer
	// Now is the clock of Report.Time; nil means time.Now.
	Now func() time.Time
	// Pacer options (rate, attempts, waits) of the probe's requests; one
	// request is in flight at a time whatever they say, so that the
	// response times are those of a quiet domain.
	Pacer pacer.Options
}

// probeCode is a login name no user can have (':' and '/' are forbidden in
// login names), and probeGuest a guest code no guest can have (not an
// e-mail address): writing for them cannot change anything, yet the server
// checks the caller's rights first. The importer's pre-flight sends the
// same requests.
const (
	probeCode  = "userimport:preflight/probe"
	probeGuest = "userimport:preflight/probe"
)

// prober runs one probe.
type prober struct {
	api   API
	opts  Options
	read  *pacer.Pacer // reads and writes that are safe to repeat
	write *pacer.Pacer // Add Users: repeated only when refused unprocessed

	mu        sync.Mutex
	durations []time.Duration
	rep       *Report
}

// Run probes the domain api logs in to and returns what it saw. It returns
// an error only for a probe that could not be run at all (invalid
// options); whatever the domain answers, including a refused login, is in
// the Report, with Notes saying what it means for an import.
func Run(ctx context.Context, api API, opts Options) (*Report, error) {
	if opts.Credentials != CredPassword && opts.Credentials != CredToken {
		return nil, fmt.Errorf("probe: credentials %q: want %q or %q", opts.Credentials, CredPassword, CredToken)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := &prober{api: api, opts: opts}
	var err error
	if p.read, p.write, err = newPacers(opts.Pacer); err != nil {
		return nil, err
	}
	p.rep = &Report{
		Schema: Schema, Time: opts.Now().UTC().Truncate(time.Second),
		URL: api.BaseURL(), Credentials: opts.Credentials, BasicAuth: opts.BasicAuth,
		Calls: []Call{}, Notes: []string{}, CustomItems: []CustomItem{},
		Language: Language{Account: langUnknown, Anonymous: langUnknown},
	}
	p.readOnly(ctx)
	if opts.WriteTest {
		p.rep.WriteTest = p.writeTest(ctx)
	}
	p.rep.ResponseTimes = summarise(p.durations)
	p.conclude()
	return p.rep, nil
}

// newPacers returns the pacer of repeatable requests and that of Add
// Users, which is repeated only after a refusal the service answers
// before doing any work (429, 503): after a 502, 504 or 520 the batch may
// have been committed, and the probe looks before it writes again.
func newPacers(o pacer.Options) (read, write *pacer.Pacer, err error) {
	o.Concurrency = 1
	if read, err = pacer.New(o); err != nil {
		return nil, nil, fmt.Errorf("probe: %w", err)
	}
	o.Retryable = refusedUnprocessed
	if write, err = pacer.New(o); err != nil {
		return nil, nil, fmt.Errorf("probe: %w", err)
	}
	return read, write, nil
}

// refusedUnprocessed reports a transient refusal that did nothing.
func refusedUnprocessed(err error) bool {
	var ae *kintone.APIError
	if errors.As(err, &ae) {
		return kintone.IsRetryable(err) && (ae.Status == http.StatusTooManyRequests || ae.Status == http.StatusServiceUnavailable)
	}
	return kintone.IsRetryable(err)
}

// step runs one request through pc, timing every attempt, and records it
// as a Call.
func (p *prober) step(ctx context.Context, pc *pacer.Pacer, name, request string, fn func(ctx context.Context) error) Answer {
	p.logf("%s", name)
	var c Call
	err := pc.Call(ctx, p.timed(&c, fn))
	c.Name, c.Request, c.Answer = name, request, answerOf(err)
	p.rep.Calls = append(p.rep.Calls, c)
	return c.Answer
}

// timed wraps fn to add its duration to the probe's and to c.
func (p *prober) timed(c *Call, fn func(ctx context.Context) error) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		start := time.Now()
		err := fn(ctx)
		d := time.Since(start)
		p.mu.Lock()
		p.durations = append(p.durations, d)
		p.mu.Unlock()
		c.Requests++
		c.Ms += ms(d)
		return err
	}
}

func (p *prober) logf(format string, a ...any) {
	if p.opts.Log != nil {
		fmt.Fprintf(p.opts.Log, "probe: "+format+"\n", a...)
	}
}

// ms is d in milliseconds, to a tenth.
func ms(d time.Duration) float64 {
	return float64(d.Round(100*time.Microsecond)) / float64(time.Millisecond)
}

// summarise returns the median and maximum of ds.
func summarise(ds []time.Duration) Times {
	if len(ds) == 0 {
		return Times{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return Times{Requests: n, MedianMs: ms(med), MaxMs: ms(s[n-1])}
}
