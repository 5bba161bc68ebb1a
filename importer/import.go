package importer

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/match"
	"github.com/userimport/userimport/preflight"
	"github.com/userimport/userimport/progress"
	"github.com/userimport/userimport/recovery"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sequence"
	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// Summary describes a finished (or interrupted) run.
type Summary struct {
	report.Summary
	// Warned counts rows whose line has a warning.
	Warned int
	// Requests is the number of HTTP requests sent, retries included.
	Requests int64
	// Elapsed is the wall time of the run.
	Elapsed time.Duration
	// Encoding is the input encoding that was used.
	Encoding string
	// Sheet is the XLSX sheet that was read ("" for CSV): with no --sheet,
	// the first visible sheet where the header was found.
	Sheet string
	// Where is the header row and separator the reader used, for a copy
	// of the file that lines up with it (--annotate).
	Where sheet.Where
	// Fingerprint identifies the bytes that were read (sheet.Source),
	// also of a pipe, whose report lines carry only its name.
	Fingerprint string
	// StepFailures counts rows whose user was created or updated but whose
	// services or departments step failed (visible in those columns).
	StepFailures int64
	// Interrupted is true when the context was cancelled before every row
	// was attempted; the remaining rows are reported not_attempted.
	Interrupted bool
	// FileFindings are warnings about the whole file (columns the mapping
	// does not use).
	FileFindings []report.Finding
	// Causes groups the rows that did not end well, and the warnings, by
	// rule: errors first, then the most frequent.
	Causes []sequence.Cause
	// NoDataRows is set when every row was a template's example row: the
	// file holds no user, which a caller should treat as a mistake.
	NoDataRows bool
	// Settled is true when every row has its report line and no create
	// is left unsettled: once the report is closed without error, its
	// send log is no longer needed (recovery.Discard).
	Settled bool
	// Lifecycle says where the generated passwords are and what the
	// guest space step does.
	Lifecycle LifecycleSummary
}

// OK reports whether every row ended well.
func (s *Summary) OK() bool {
	for st, n := range s.Counts {
		if n == 0 {
			continue
		}
		switch st {
		case report.Invalid, report.Failed, report.NotAttempted, report.OutcomeUnknown:
			return false
		}
	}
	return !s.Interrupted && s.StepFailures == 0
}

// String renders the summary for a person (stderr).
func (s *Summary) String() string {
	w := ""
	if s.Warned > 0 {
		w = fmt.Sprintf("; %s with warnings", plural(s.Warned, "row"))
	}
	for _, f := range s.FileFindings {
		if f.Rule == RuleRightsUnknown {
			w += "; the account's rights could not be checked before sending (see the warning above)"
		}
	}
	return fmt.Sprintf("%s%s; %d requests in %s", s.Summary.String(), w, s.Requests, s.Elapsed.Round(time.Millisecond))
}

// RuleRightsUnknown is the rule of the file finding (Summary.FileFindings)
// of a run whose pre-flight could not tell whether the account may write
// users: the rights probe got an answer nobody documented.
const RuleRightsUnknown = "preflight.rights_unknown"

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// FatalError stops a whole run: the server refused the credentials or the
// account's rights, so no further row can succeed. Rows not finished are
// reported not_attempted.
type FatalError struct {
	Err error
}

func (e *FatalError) Error() string { return e.Err.Error() }
func (e *FatalError) Unwrap() error { return e.Err }

// Validate is the offline dry run of `userimport validate`: it reads, maps
// and validates every row and reports each as valid or invalid. It sends
// nothing and needs no credentials. Cancelling ctx stops the reading; the
// rows read before it are reported.
func Validate(ctx context.Context, opts Options) (*Summary, error) {
	if err := opts.Prepare(); err != nil {
		return nil, err
	}
	start := time.Now()
	in, err := openInput(&opts)
	if err != nil {
		return nil, err
	}
	defer in.src.Close()
	ev := progress.New(opts.Events)
	seq := newSequencer(opts.Report, in.fingerprint, opts.Lang, ev, opts.Progress)
	rdCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	seq.OnFail(func(error) { cancel() })
	p, err := pipe(rdCtx, in, &opts, seq, ev, validSink{seq: seq})
	if errors.Is(err, ErrNoRows) {
		return nil, err
	}
	out := &Summary{Summary: p.sum, Warned: seq.Warned(), Encoding: in.src.Encoding(), Sheet: in.src.Sheet(), Where: sheet.WhereOf(in.src), FileFindings: in.fileFindings,
		Interrupted: ctx.Err() != nil && p.cut, Elapsed: time.Since(start), Settled: true, Causes: seq.Causes(), NoDataRows: p.onlyExamples}
	in.describe(out, p.cut)
	ev.Emit(progress.Done)
	return out, err
}

// Import reads opts.File, validates every row, and creates (or updates) the
// users or guests it describes through api, writing one report row per input
// row. Cancelling ctx is a soft stop (Ctrl-C): nothing new is sent, requests
// in flight finish or are reconciled, every remaining row is reported
// not_attempted, and Summary.Interrupted is set. The returned error is
// non-nil only when the run itself could not proceed (unreadable file,
// refused credentials, report write failure); row failures are in the report.
func Import(ctx context.Context, api API, opts Options) (*Summary, error) {
	if c, ok := api.(interface{ ServerTime() time.Time }); ok && opts.ServerTime == nil {
		opts.ServerTime = c.ServerTime
	}
	if err := opts.Prepare(); err != nil {
		return nil, err
	}
	start := time.Now()
	in, err := openInput(&opts)
	if err != nil {
		return nil, err
	}
	defer in.src.Close()
	ev := progress.New(opts.Events)
	snd, err := newSender(ctx, api, &opts, ev)
	if err != nil {
		return nil, err
	}
	defer snd.cancelStop()
	s, err := newImportSink(ctx, &opts, snd, in)
	if err != nil {
		return nil, err
	}
	defer s.resume.Close()
	s.in = in
	if err := s.startLifecycle(ctx, api); err != nil {
		s.life.abort(s.log, opts.SendLog)
		return nil, err
	}
	s.seq = newSequencer(opts.Report, in.fingerprint, opts.Lang, ev, opts.Progress)
	s.seq.OnFail(func(error) { snd.cancelStop() })
	p, perr := pipe(context.WithoutCancel(ctx), in, &opts, s.seq, ev, s)
	if errors.Is(perr, ErrNoRows) {
		s.life.abort(nil, "")
		s.log.Close()
		recovery.Discard(opts.SendLog) // nothing was sent
		return nil, perr
	}
	sum := p.sum
	logErr := s.log.Close()
	// A Ctrl-C that came after the last row was sent cut nothing short.
	cut := sum.Counts[report.NotAttempted] > 0 || s.stepsCut.Load() > 0
	out := &Summary{
		Summary: sum, Warned: s.seq.Warned(), Encoding: in.src.Encoding(), Sheet: in.src.Sheet(), Where: sheet.WhereOf(in.src), FileFindings: in.fileFindings,
		Interrupted: ctx.Err() != nil && cut, StepFailures: s.stepFailures.Load(),
		Requests: ev.Requests(), Elapsed: time.Since(start), Causes: s.seq.Causes(),
		Settled: perr == nil && s.unsettled.Load() == 0, NoDataRows: p.onlyExamples,
	}
	in.describe(out, p.cut)
	lerr := s.life.finish(out)
	ev.Emit(progress.Done)
	switch {
	case perr != nil:
		return out, perr
	case s.logErr.Load() != nil:
		return out, *s.logErr.Load()
	case logErr != nil:
		return out, fmt.Errorf("closing the send log: %w", logErr)
	case snd.fatal.Load() != nil:
		return out, snd.fatal.Load()
	case lerr != nil:
		return out, lerr
	}
	return out, nil
}

// importSink is the sink of `import`: it batches the checked rows, sends
// each batch through its steps, and reports every row.
type importSink struct {
	o      *Options
	snd    *sender
	seq    *sequencer
	resume *recovery.Resume
	log    *recovery.Log
	// logErr is set when the send log could not be written: the run stops.
	logErr atomic.Pointer[error]
	index  *match.Index // all users, for --match-on employeeNumber|email
	// layout is the input's; updatesOnly is set for cybozu's services
	// and departments files, which change existing users only.
	layout      mapping.Layout
	updatesOnly bool

	stepFailures atomic.Int64 // users written whose services/departments step failed
	stepsCut     atomic.Int64 // steps not attempted because the run was stopping
	unsettled    atomic.Int64 // rows whose create's outcome is unknown

	// Requests in flight are capped by the sender (Concurrency); batches
	// may run up to twice that many, so that while one batch is between
	// its steps (lookup, add, services) another fills the free slot.
	g      errgroup.Group
	window []*item

	in   *input
	life *lifeStage
}

// newImportSink checks the server (pre-flight), loads what the run needs
// to know before the first batch (the previous run, the user index) and
// starts the send log. Ctrl-C during the pre-flight or the user listing is
// no failure: the run goes on, every batch finds the run stopping, and
// every row is reported not_attempted.
func newImportSink(ctx context.Context, o *Options, snd *sender, in *input) (*importSink, error) {
	s := &importSink{o: o, snd: snd, layout: in.mapper.Layout(), updatesOnly: updatesOnly(in.mapper.Layout())}
	s.g.SetLimit(2 * o.Concurrency)
	var err error
	if o.Resume != "" {
		if s.resume, err = recovery.Open(o.Resume, in.fingerprint, o.Log); err != nil {
			return nil, err
		}
		if s.resume.Changed() {
			fmt.Fprintf(o.Log, "note: %s changed since %s was written; rows that ended well there are kept only where row number and login name still match\n", filepath.Base(o.File), o.Resume)
		}
	}
	fail := func(err error) (*importSink, error) {
		s.resume.Close()
		return nil, err
	}
	warning, err := preflight.Check(snd.call, snd.api, o.Kind == validate.Guests)
	if err != nil && ctx.Err() == nil {
		return fail(fatalIfRefused(err))
	}
	if warning != "" {
		fmt.Fprintln(o.Log, "warning: "+warning)
		in.fileFindings = append(in.fileFindings, report.Finding{Rule: RuleRightsUnknown, Severity: report.SeverityWarning, Message: warning})
	}
	if o.Kind == validate.Users && o.MatchOn != MatchCode && ctx.Err() == nil {
		if s.index, err = loadIndex(snd); err != nil && ctx.Err() == nil {
			return fail(fatalOr(err))
		}
	}
	if !o.DryRun && o.SendLog != "" {
		if o.ServerTime == nil {
			fmt.Fprintln(o.Log, "note: the API client does not tell the server's time (see recovery.ServerClock), so if this run dies, a --resume cannot recognise the users it created")
		}
		if s.log, err = recovery.Create(o.SendLog); err != nil {
			return fail(err)
		}
		if err := s.resume.CarryInto(s.log); err != nil {
			s.log.Close()
			return fail(err)
		}
	}
	return s, nil
}

func (s *importSink) take(seq int, rec *validate.Record, o *outcome) {
	if prev, ok := s.resume.Done(rec.Row, rec.Values[validate.Code]); ok {
		kept := keptOutcome(prev)
		s.life.noteCreated(kept.code, kept.status)
		o.release()
		s.seq.Put(seq, kept)
		return
	}
	it := &item{seq: seq, rec: *rec, out: *o}
	it.out.pooled = false // the item's copy; o goes back
	o.release()
	rec.Custom = nil // the item owns the array now
	if s.resume != nil {
		it.resume, it.prev = s.resume.Mode(it.rec.Row, it.code())
		// An earlier create that may have worked: for guests, which
		// cannot be looked up, an "already exists" answer then confirms
		// it; a stop keeps the evidence.
		it.out.uncertain = it.resume == recovery.Unseen && s.resume.MaySent(it.code(), it.prev)
	}
	if s.life.divert(it) {
		s.seq.Put(seq, &it.out)
		return
	}
	s.window = append(s.window, it)
	if len(s.window) == kintone.MaxPerRequest {
		s.launch()
	}
}

func (s *importSink) drain() {
	if len(s.window) > 0 {
		s.launch()
	}
	s.g.Wait()
	s.setSpace()
	s.deactivate()
}

func (s *importSink) launch() {
	b := s.window
	s.window = nil
	if s.snd.stopping() {
		s.abandon(b)
		return
	}
	s.g.Go(func() error {
		s.process(b)
		s.seq.Flush()
		return nil
	})
}

// abandon reports a batch that will not be sent because the run is
// stopping.
func (s *importSink) abandon(items []*item) {
	why := s.snd.stopReason()
	for _, it := range items {
		o := &it.out
		switch {
		case it.resume == recovery.Steps:
			// The user was written by an earlier run; only its unfinished
			// steps were to run. Keep that line, so that the next
			// --resume still knows the user exists.
			o.services, o.departments = it.prev.Services, it.prev.Departments
			o.status, o.errCode = it.prev.Status, it.prev.ErrorCode
			o.note(it.prev.Message)
			o.note(why)
		case o.uncertain:
			// An earlier run may have created it: keep that evidence.
			if it.prev != nil {
				o.note(it.prev.Message)
			} else {
				o.note("an earlier run may have created this user")
			}
			o.fail("outcome_unknown", why)
			s.unsettled.Add(1)
		default:
			o.stop = why
		}
		s.seq.Put(it.seq, o)
	}
}

// process runs one batch of at most 100 valid rows through every step and
// reports each row.
func (s *importSink) process(items []*item) {
	if s.snd.stopping() {
		// Stopped while this batch waited for its turn: nothing of it
		// was sent.
		s.abandon(items)
		return
	}
	if s.o.Kind == validate.Guests {
		s.processGuests(items)
	} else {
		s.processUsers(items)
	}
	for _, it := range items {
		if it.out.stepFailed {
			s.stepFailures.Add(1)
		}
		if it.out.errCode == "outcome_unknown" {
			s.unsettled.Add(1)
		}
		s.life.noteCreated(it.out.code, it.out.status)
		if !s.life.hold(it) {
			s.seq.Put(it.seq, &it.out)
		}
	}
}

// logSend records a create request's rows in the send log before it is
// sent. A create that cannot be logged is not sent, and the run stops: a
// crash after it would leave no evidence of what was created.
func (s *importSink) logSend(g []*item) error {
	var at time.Time
	if s.o.ServerTime != nil {
		at = s.o.ServerTime()
	}
	for _, it := range g {
		if it.firstSent.IsZero() {
			it.firstSent = at
		}
	}
	if s.log == nil {
		return nil
	}
	entries := make([]recovery.Entry, len(g))
	for i, it := range g {
		entries[i] = recovery.Entry{Row: it.rec.Row, Code: it.code()}
	}
	if err := s.log.Sending(at, entries); err != nil {
		s.logErr.CompareAndSwap(nil, &err)
		s.snd.cancelStop()
		return errInterrupted
	}
	return nil
}

// refused withdraws the send log's evidence for a create the server
// refused. A create whose outcome is unknown keeps it.
func (s *importSink) refused(it *item, code string) {
	if code == "outcome_unknown" {
		return
	}
	if err := s.log.Refused(it.code()); err != nil {
		s.logErr.CompareAndSwap(nil, &err)
		s.snd.cancelStop()
	}
}

// sequencer writes the report lines of a run in input order.
type sequencer = sequence.Writer[*outcome]

// newSequencer starts the report writer of a run whose lines carry the
// input's fingerprint, their texts in lang.
func newSequencer(w report.Writer, input string, lang i18n.Lang, ev *progress.Counter, progress func(int)) *sequencer {
	return sequence.New(w, func(o *outcome) *report.Row {
		o.settle()
		r := o.line(input, lang)
		o.release()
		return r
	}, ev, progress)
}
