package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/sheet"

	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// Summary describes a finished (or interrupted) run.
type Summary struct {
	report.Summary
	// Requests is the number of HTTP requests sent, retries included.
	Requests int64
	// Elapsed is the wall time of the run.
	Elapsed time.Duration
	// Encoding is the input encoding that was used.
	Encoding string
	// StepFailures counts rows whose user was created or updated but whose
	// services or departments step failed (visible in those columns).
	StepFailures int64
	// Interrupted is true when the context was cancelled before every row
	// was attempted; the remaining rows are reported not_attempted.
	Interrupted bool
}

// OK reports whether every row ended well.
func (s *Summary) OK() bool {
	for st, n := range s.Counts {
		if n == 0 {
			continue
		}
		switch st {
		case report.Invalid, report.Failed, report.NotAttempted:
			return false
		}
	}
	return !s.Interrupted && s.StepFailures == 0
}

// String renders the summary for a person (stderr).
func (s *Summary) String() string {
	return fmt.Sprintf("%s; %d requests in %s", s.Summary.String(), s.Requests, s.Elapsed.Round(time.Millisecond))
}

// FatalError stops a whole run: the server refused the credentials or the
// account's rights, so no further row can succeed. Rows not finished are
// reported not_attempted.
type FatalError struct {
	Err error
}

func (e *FatalError) Error() string { return e.Err.Error() }
func (e *FatalError) Unwrap() error { return e.Err }

// Import reads opts.File, validates every row, and creates (or updates) the
// users or guests it describes through api, writing one report row per input
// row. Cancelling ctx is a soft stop (Ctrl-C): nothing new is sent, requests
// in flight finish or are reconciled, every remaining row is reported
// not_attempted, and Summary.Interrupted is set. The returned error is
// non-nil only when the run itself could not proceed (unreadable file,
// refused credentials, report write failure); row failures are in the report.
func Import(ctx context.Context, api API, opts Options) (*Summary, error) {
	if err := opts.Prepare(); err != nil {
		return nil, err
	}
	start := opts.Now()
	r := &runner{opts: opts, api: api, slots: make(chan struct{}, opts.Concurrency)}
	if opts.Rate > 0 {
		r.limiter = rate.NewLimiter(rate.Limit(opts.Rate), max(1, int(opts.Rate)))
	} else {
		r.limiter = rate.NewLimiter(rate.Inf, 1)
	}
	sum, err := r.run(ctx)
	if sum != nil {
		sum.Requests = r.requests.Load()
		sum.Elapsed = opts.Now().Sub(start)
	}
	return sum, err
}

// Validate is the offline dry run of `userimport validate`: it reads, maps
// and validates every row and reports each as valid or invalid. It sends
// nothing and needs no credentials.
func Validate(ctx context.Context, opts Options) (*Summary, error) {
	if err := opts.Prepare(); err != nil {
		return nil, err
	}
	start := opts.Now()
	r := &runner{opts: opts, offline: true}
	sum, err := r.run(ctx)
	if sum != nil {
		sum.Elapsed = opts.Now().Sub(start)
	}
	return sum, err
}

type runner struct {
	opts     Options
	api      API
	offline  bool // validate only: no server at all
	limiter  *rate.Limiter
	slots    chan struct{} // one per request in flight
	requests atomic.Int64
	// stepFailures counts users created or updated whose services or
	// departments step failed: those rows did not end well.
	stepFailures atomic.Int64
	// stepsCut counts services or departments steps not attempted because
	// the run was stopping.
	stepsCut atomic.Int64
	// readCut is set when a validate run stopped reading on Ctrl-C.
	readCut atomic.Bool
	seq     *sequencer

	// stop is cancelled on Ctrl-C or a fatal error: nothing new starts.
	// send is what requests run under: it survives a soft stop so that
	// requests in flight can finish or be reconciled.
	stop       context.Context
	cancelStop context.CancelFunc
	send       context.Context

	sendLog     *sendLog
	sendLogErr  atomic.Pointer[error] // the send log could not be written
	index       *userIndex            // all users, for --match-on employeeNumber|email
	resume      *resumeState
	fingerprint string
	fatal       atomic.Pointer[FatalError]
}

func (r *runner) run(ctx context.Context) (*Summary, error) {
	o := &r.opts
	so := o.Source
	so.CellsChecked = true // validate checks every value it is given for invalid UTF-8
	src, err := sheet.Open(o.File, so)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	mapper, err := mapping.NewMapper(src.Header(), o.Kind, o.Mapping)
	if err != nil {
		return nil, &sheet.FileError{File: o.File, Err: err}
	}
	for _, w := range mapper.Warnings() {
		fmt.Fprintf(o.Log, "warning: %s: %s\n", filepath.Base(o.File), w)
	}
	if r.fingerprint, err = sheet.Fingerprint(o.File); err != nil {
		return nil, err
	}
	if o.Resume != "" {
		if r.resume, err = loadResume(o.Resume, r.fingerprint, o.Log); err != nil {
			return nil, err
		}
		defer r.resume.close()
		if r.resume.changed {
			fmt.Fprintf(o.Log, "note: %s changed since %s was written; rows that ended well there are kept only where row number and login name still match\n", filepath.Base(o.File), o.Resume)
		}
	}

	stop, cancelStop := context.WithCancel(ctx)
	defer cancelStop()
	r.stop, r.cancelStop = stop, cancelStop
	r.send = context.WithoutCancel(ctx)

	// Ctrl-C during the pre-flight or the user listing is no failure: the
	// run goes on, every batch finds the run stopping, and every row is
	// reported not_attempted.
	if !r.offline {
		if err := r.preflight(); err != nil && ctx.Err() == nil {
			return nil, err
		}
		if o.Kind == validate.Users && o.MatchOn != MatchCode && ctx.Err() == nil {
			if r.index, err = r.loadIndex(stop); err != nil && ctx.Err() == nil {
				return nil, r.fatalOr(err)
			}
		}
	}

	if !r.offline && !o.DryRun && o.SendLog != "" {
		if r.sendLog, err = createSendLog(o.SendLog); err != nil {
			return nil, err
		}
		if r.resume != nil {
			if err := r.sendLog.carryOver(o.Resume, r.resume.sent); err != nil {
				r.sendLog.finish(false)
				return nil, err
			}
		}
	}
	r.seq = newSequencer(o.Report, o.Progress, func(error) { r.cancelStop() })
	// Outside create mode a row may name an existing user, for which only
	// the login name is needed (an export has no password column); what
	// creating a user needs is checked once the batch knows which users are
	// new (missingForCreate), before anything is sent.
	v := validate.New(validate.Options{Kind: o.Kind, File: filepath.Base(o.File), Columns: mapper.Columns(), CustomColumns: mapper.CustomColumns(), Update: o.Mode != Create})

	// Requests in flight are capped by r.slots (Concurrency); batches may
	// run up to twice that many, so that while one batch is between its
	// steps (lookup, add, services) another fills the free slot, and no
	// slot idles at the boundaries between waves of batches.
	g := new(errgroup.Group)
	g.SetLimit(2 * o.Concurrency)
	var window []*item
	launch := func() {
		b := window
		window = nil
		if stop.Err() != nil {
			r.abandon(b)
			return
		}
		g.Go(func() error {
			r.process(b)
			r.seq.flush()
			return nil
		})
	}

	// Reading runs in its own goroutine, a few chunks ahead of mapping and
	// validation: on a large file the two halves cost about the same, so
	// this nearly halves the wall time of a validate run on two cores.
	// Chunks and their cell slices are recycled.
	chunks, free := make(chan *rowChunk, readAhead), make(chan *rowChunk, readAhead+1)
	for range readAhead + 1 {
		free <- new(rowChunk)
	}
	var readErr error
	go func() {
		err := r.readRows(src, chunks, free)
		readErr = err // read after chunks is closed
		close(chunks)
	}()
	// Each chunk is mapped into recs and validated as a whole
	// (validate.Validator.CheckRows); the records are reused from chunk to
	// chunk, and a row that joins a batch is copied into its item.
	recs := make([]validate.Record, chunkRows)
	results := make([]validate.Result, chunkRows)
	var at [chunkRows]int // recs[j] is row at[j] of the chunk
	for c := range chunks {
		if c.expect > 0 {
			v.Expect(c.expect)
		}
		n := 0
		for i := range c.n {
			if err := mapper.Map(sheet.Row{Line: c.lines[i], Cells: c.cells[i]}, &recs[n]); err != nil {
				r.seq.put(c.seq[i], &report.Row{Row: c.lines[i], Status: report.Invalid, ErrorCode: "mapping.error", Message: err.Error(), Input: r.fingerprint})
				continue
			}
			at[n] = i
			n++
		}
		v.CheckRows(recs[:n], results[:n])
		for j := range n {
			seq, rec, res := c.seq[at[j]], &recs[j], &results[j]
			if !res.Valid() {
				r.seq.put(seq, r.invalidRow(rec, res))
				continue
			}
			if r.offline {
				r.seq.put(seq, &report.Row{Row: rec.Row, Code: rec.Values[validate.Code], Status: report.Valid, Message: notes(res), Input: r.fingerprint})
				continue
			}
			if prev, ok := r.resume.done(rec); ok {
				prev.Input = r.fingerprint
				r.seq.put(seq, prev)
				continue
			}
			it := &item{seq: seq, rec: *rec, note: notes(res)}
			rec.Custom = nil // the item owns the array now
			if r.resume != nil {
				it.resume, it.prev = r.resume.mode(&it.rec)
				// An earlier create that may have worked: for guests,
				// which cannot be looked up, an "already exists" answer
				// then confirms it.
				it.uncertain = it.resume == resumeUnseen && r.resume.maybeCreated(&it.rec, it.prev)
			}
			window = append(window, it)
			if len(window) == kintone.MaxPerRequest {
				launch()
			}
		}
		free <- c
	}
	if len(window) > 0 {
		launch()
	}
	g.Wait()
	sum, pending, werr := r.seq.result()
	// Every row that was sent has its report line: the send log is no
	// longer needed. Otherwise it stays for --resume.
	logErr := r.sendLog.finish(werr == nil && pending == 0)
	// A Ctrl-C that came after the last row was sent cut nothing short.
	cut := sum.Counts[report.NotAttempted] > 0 || r.stepsCut.Load() > 0 || r.readCut.Load()
	out := &Summary{Summary: sum, Encoding: src.Encoding(), Interrupted: ctx.Err() != nil && cut, StepFailures: r.stepFailures.Load()}
	if readErr != nil {
		return out, readErr
	}
	if werr != nil {
		return out, fmt.Errorf("writing the report: %w", werr)
	}
	if e := r.sendLogErr.Load(); e != nil {
		return out, *e
	}
	if logErr != nil {
		return out, fmt.Errorf("closing the send log: %w", logErr)
	}
	if pending != 0 {
		return out, fmt.Errorf("internal error: %d report rows were never written", pending)
	}
	if f := r.fatal.Load(); f != nil {
		return out, f
	}
	return out, nil
}

// readAhead is how many chunks of rows the reader may be ahead of
// validation.
const readAhead = 2

// rowChunk carries rows from the reader to mapping and validation.
type rowChunk struct {
	n int
	// expect, when not 0, is the source's estimate of the rows in the
	// file, sent once with the first full chunk.
	expect int
	seq    [chunkRows]int // input position of each row
	lines  [chunkRows]int
	cells  [chunkRows][]string // copies: a sheet.Source reuses its Cells slice
}

const chunkRows = 256

// readRows reads every row into chunks taken from free and sent to out,
// numbering rows by input position. Rows that cannot be read are reported
// here, straight to the sequencer. It returns the error that stopped
// reading, if any.
func (r *runner) readRows(src sheet.Source, out chan<- *rowChunk, free <-chan *rowChunk) error {
	c := <-free
	c.n, c.expect = 0, 0
	est, _ := src.(sheet.RowEstimator)
	defer func() {
		if c.n > 0 {
			out <- c
		}
	}()
	for seq := 0; ; seq++ {
		row, err := src.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var fe *sheet.FileError
			if errors.As(err, &fe) && fe.Row > 0 {
				// A bad row (ragged, bad encoding, huge cell) is reported on
				// its own line; the rows around it still run.
				r.seq.put(seq, &report.Row{Row: fe.Row, Status: report.Invalid, ErrorCode: "file." + fileErrorCode(err), Message: err.Error(), Input: r.fingerprint})
				continue
			}
			return err
		}
		c.cells[c.n] = append(c.cells[c.n][:0], row.Cells...)
		c.lines[c.n] = row.Line
		c.seq[c.n] = seq
		c.n++
		if c.n == chunkRows {
			if r.offline && r.stop.Err() != nil {
				// Ctrl-C in a validate run: nothing is in flight, so
				// stop reading; the rows not read are not reported.
				r.readCut.Store(true)
				return nil
			}
			if est != nil {
				// The source is ours alone here: ask once, from the
				// reading goroutine.
				c.expect = est.EstimateRows(seq + 1)
				est = nil
			}
			out <- c
			c = <-free
			c.n, c.expect = 0, 0
		}
	}
}

// abandon reports a batch that will not be sent because the run is
// stopping.
func (r *runner) abandon(items []*item) {
	why := "not sent: the run was interrupted"
	if f := r.fatal.Load(); f != nil {
		why = "not sent: the run stopped: " + f.Error()
	}
	for _, it := range items {
		switch {
		case it.resume == resumeSteps:
			// The user was written by an earlier run; only its unfinished
			// steps were to run. Keep that line, so that the next
			// --resume still knows the user exists.
			it.services, it.departments = it.prev.Services, it.prev.Departments
			r.finish(it, it.prev.Status, it.prev.ErrorCode, appendMsg(it.prev.Message, why))
		case it.uncertain:
			// An earlier run may have created it (an unknown outcome,
			// the send log, or a matching user): keep that evidence.
			msg := "an earlier run may have created this user; " + why
			if it.prev != nil {
				msg = appendMsg(it.prev.Message, why)
			}
			r.finish(it, report.Failed, "outcome_unknown", msg)
		default:
			r.finish(it, report.NotAttempted, it.errCode, why)
		}
	}
}

func (r *runner) fatalOr(err error) error {
	if kintone.IsAuth(err) || kintone.IsPermission(err) {
		return &FatalError{Err: err}
	}
	return err
}

func fileErrorCode(err error) string {
	switch {
	case errors.Is(err, sheet.ErrRaggedRow):
		return "ragged_row"
	case errors.Is(err, sheet.ErrEncoding):
		return "encoding"
	case errors.Is(err, sheet.ErrCellTooLarge):
		return "cell_too_large"
	case errors.Is(err, sheet.ErrFormula):
		return "formula"
	}
	return "unreadable_row"
}

// invalidRow turns a failed validation into its report line: the first
// error's rule is the error code; the message lists every error so that one
// pass over the file shows everything to fix.
func (r *runner) invalidRow(rec *validate.Record, res *validate.Result) *report.Row {
	var msgs []string
	code := ""
	for _, is := range res.Issues {
		if is.Severity != validate.Error {
			continue
		}
		if code == "" {
			code = string(is.Rule)
		}
		msgs = append(msgs, is.Message)
	}
	return &report.Row{Row: rec.Row, Code: rec.Values[validate.Code], Status: report.Invalid, ErrorCode: code, Message: strings.Join(msgs, "; "), Input: r.fingerprint}
}

// notes renders warnings and normalisations of a valid row, so the report
// says what was changed.
func notes(res *validate.Result) string {
	var parts []string
	for _, is := range res.Issues {
		if is.Severity == validate.Warning {
			parts = append(parts, "warning: "+is.Message)
		}
	}
	for _, c := range res.Changes {
		col := c.Column
		if col == "" {
			col = c.Field.String()
		}
		parts = append(parts, fmt.Sprintf("normalised %s: %q → %q", col, c.From, c.To))
	}
	return strings.Join(parts, "; ")
}
