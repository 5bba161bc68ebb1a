package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/lifecycle"
	"github.com/userimport/userimport/match"
	"github.com/userimport/userimport/password"
	"github.com/userimport/userimport/recovery"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// Lifecycle configures the parts of HR's year besides adding people:
// generated initial passwords, deletions and renames from cybozu's own
// columns, deactivating leavers and a guest space's guests. The zero
// value does none of them (a 削除/Delete row is then reported skipped).
type Lifecycle struct {
	// GeneratePasswords gives every new user whose row has no password a
	// generated one, written only to the Passwords file.
	GeneratePasswords bool
	// Passwords is the passwords file (password.PathFor(report)); it is
	// required with GeneratePasswords outside a dry run. PasswordsXLSX
	// turns it into an .xlsx workbook at the end (for an .xlsx report).
	Passwords     string
	PasswordsXLSX bool
	// AllowDelete lets rows marked 削除/Delete = 1 delete their user.
	AllowDelete bool
	// DeactivateMissing deactivates every active user no row matches,
	// unless more than MaxDeactivate would be (the zero Limit is
	// lifecycle.DefaultLimit).
	DeactivateMissing bool
	MaxDeactivate     lifecycle.Limit
	// GuestSpace, when not 0, is the guest space whose guests become
	// exactly the file's guests; ReplaceSpaceGuests must say so.
	GuestSpace         int64
	ReplaceSpaceGuests bool
	// Journal is the path of the lifecycle journal (JournalPath of the
	// report): the evidence a --resume needs of deletes, renames,
	// deactivations and space updates that were sent. "" keeps none.
	Journal string
	// Administrator and Self are never deleted, renamed or deactivated:
	// the domain's Administrator ("" = "Administrator") and the account
	// the import runs as ("" with an API token).
	Administrator, Self string
}

// JournalPath is where the lifecycle journal of a report is kept, next to
// it like the send log; "" for a report on stdout.
func JournalPath(reportPath string) string {
	if reportPath == "" || reportPath == report.Stdout {
		return ""
	}
	return reportPath + ".lifecycle.jsonl"
}

// check refuses lifecycle options that cannot work together, before
// anything is created or sent.
func (l *Lifecycle) check(o *Options) error {
	switch {
	case l.GuestSpace < 0:
		return fmt.Errorf("--guest-space %d: guest space ids are positive numbers", l.GuestSpace)
	case l.GuestSpace != 0 && o.Kind != validate.Guests:
		return errors.New("--guest-space puts guests into a guest space; use it with --kind guests")
	case l.GuestSpace != 0 && !l.ReplaceSpaceGuests:
		return lifecycle.ErrReplaceRequired
	case l.DeactivateMissing && o.Kind != validate.Users:
		return errors.New("--deactivate-missing is for users: guests cannot be listed or deactivated through the API")
	case l.GeneratePasswords && !o.DryRun && l.Passwords == "":
		return errors.New("--generate-passwords needs a report file to write the passwords file next to (not --report -)")
	}
	return nil
}

// LifecycleSummary is what a run's lifecycle stages tell the person.
type LifecycleSummary struct {
	// Passwords is the passwords file holding the generated passwords
	// ("" when none was generated); Generated counts its users.
	Passwords string
	Generated int
	// Space says what the guest space step does to the space's guests.
	Space string
}

// lifeStage is the state of the lifecycle stages of one import run.
type lifeStage struct {
	o    *Options
	l    *Lifecycle
	api  lifecycle.API // nil when no stage needs it
	opts lifecycle.Options
	jrnl *lifecycle.FileJournal
	// pw hands out generated passwords; nil when none are generated.
	pw *password.Handout
	// rows holds the outcome of each row's rename or delete, decided
	// before the stream (see prescan), by row number.
	renames map[int]lifecycle.Outcome
	deletes map[int]lifecycle.Outcome
	// plan is the deactivation plan; over is set when it exceeds the
	// limit (a dry run still lists it).
	plan     *lifecycle.Plan
	over     error
	keptDeac map[string]bool // leavers' lines a resumed report holds already
	kept     []*outcome
	space    *spaceStep
	// lost counts outcomes whose answer was lost: the journal must stay.
	lost atomic.Int64
}

// startLifecycle prepares the lifecycle stages before the first row is
// sent: it opens the journal and the passwords file, reads the whole
// file once when it renames or deletes or is the list of active users,
// refuses a deactivation over the limit, and does the renames and
// deletes, which come before every row's other changes.
func (s *importSink) startLifecycle(ctx context.Context, api API) error {
	l := &s.o.Lifecycle
	st := &lifeStage{o: s.o, l: l}
	s.life = st
	lapi, ok := api.(lifecycle.API)
	needAPI := l.AllowDelete || l.DeactivateMissing || l.GuestSpace != 0 || s.o.Kind == validate.Users
	if needAPI && !ok {
		if l.AllowDelete || l.DeactivateMissing || l.GuestSpace != 0 {
			return errors.New("the API client cannot delete, rename or deactivate users or set a guest space's guests")
		}
	}
	st.api = lapi
	st.opts = lifecycle.Options{DryRun: s.o.DryRun, Administrator: l.Administrator, Self: l.Self, Call: s.lifeCaller()}
	if err := st.openJournal(ctx); err != nil {
		return err
	}
	if l.GeneratePasswords && !s.o.DryRun {
		pw, err := password.OpenHandout(l.Passwords, s.o.Resume, s.o.Log)
		if err != nil {
			return err
		}
		st.pw = pw
	}
	if l.GuestSpace != 0 {
		st.space = &spaceStep{}
	}
	if ctx.Err() != nil {
		return nil // stopping: every row is reported not_attempted
	}
	return s.prescan(ctx)
}

// lifeCaller runs lifecycle requests through the sender: paced, retried,
// and refused once the run is stopping (with an error wrapping
// context.Canceled, as lifecycle.Caller asks).
func (s *importSink) lifeCaller() lifecycle.Caller {
	return func(_ context.Context, fn func(ctx context.Context) error) error {
		err := s.snd.callUnlessStopping(fn)
		if errors.Is(err, errInterrupted) {
			return fmt.Errorf("%w: %w", context.Canceled, err)
		}
		if kintone.IsAuth(err) || kintone.IsPermission(err) {
			s.snd.setFatal(err)
		}
		return err
	}
}

// openJournal reads the journal of the run being resumed into the
// evidence and starts this run's journal with its entries, so that a
// chain of resumes keeps them until a run settles.
func (st *lifeStage) openJournal(ctx context.Context) error {
	var earlier []lifecycle.Entry
	if st.o.Resume != "" {
		var err error
		if earlier, err = lifecycle.ReadJournal(JournalPath(st.o.Resume)); err != nil {
			return err
		}
		st.opts.Earlier = lifecycle.NewEvidence(earlier)
	}
	if st.o.DryRun || st.l.Journal == "" {
		return nil
	}
	j, err := lifecycle.OpenJournal(st.l.Journal)
	if err != nil {
		return err
	}
	for _, e := range earlier {
		if err := j.Append(context.WithoutCancel(ctx), e); err != nil {
			j.Close()
			return err
		}
	}
	st.jrnl, st.opts.Journal = j, j
	return nil
}

// close closes the journal; the caller removes it (DiscardJournal) once
// the report is closed and the run settled.
func (st *lifeStage) close() error {
	if st == nil || st.jrnl == nil {
		return nil
	}
	return st.jrnl.Close()
}

// DiscardJournal removes a settled run's lifecycle journal.
func DiscardJournal(path string) error { return recovery.Discard(path) }

// scanned is what the read-ahead of the whole file found.
type scanned struct {
	deletes []lifecycle.Item
	changes []lifecycle.Change
	// matched holds the match keys (--match-on) of every row, and the new
	// login names of renames: the users the file lists.
	matched match.Listed
	// unmapped counts rows whose key could not be read.
	unmapped int
}

// prescan reads the whole file once before anything is sent, when the
// lifecycle needs all of it: renames and deletes are checked against each
// other across the file (a swap in rows 2 and 900 must be seen), and the
// leavers are the active users no row matches.
func (s *importSink) prescan(ctx context.Context) error {
	st := s.life
	if s.o.Kind != validate.Users || !(st.l.DeactivateMissing || s.in.mapper.LifecycleColumns()) {
		return nil
	}
	sc, err := scanFile(s.o)
	if err != nil {
		return err
	}
	if st.l.DeactivateMissing {
		if err := s.planLeavers(sc); err != nil {
			return err
		}
	}
	st.decide(ctx, sc)
	return nil
}

// scanFile maps and validates every row of the file. Rows a resumed
// report finished are left out: they were renamed or deleted already.
func scanFile(o *Options) (*scanned, error) {
	in, err := openInput(o)
	if err != nil {
		return nil, err
	}
	defer in.src.Close()
	var done *recovery.Resume
	if o.Resume != "" {
		if done, err = recovery.Open(o.Resume, in.fingerprint, io.Discard); err != nil {
			return nil, err
		}
		defer done.Close()
	}
	v := validate.New(validate.Options{Kind: o.Kind, Columns: in.mapper.Columns(), CustomColumns: in.mapper.CustomColumns(), Update: true})
	sc := &scanned{matched: match.Listed{}}
	var rec validate.Record
	for {
		row, err := in.src.Next()
		if err == io.EOF {
			return sc, nil
		}
		var fe *sheet.FileError
		if errors.As(err, &fe) && fe.Row > 0 {
			sc.unmapped++
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := in.mapper.Map(sheet.Row{Line: row.Line, Cells: row.Cells}, &rec); err != nil {
			sc.unmapped++
			continue
		}
		res := v.Check(&rec)
		sc.matched.Add(o.MatchOn, &rec)
		if res.FirstError() != nil {
			continue
		}
		if _, ok := done.Done(rec.Row, rec.Values[validate.Code]); ok {
			continue
		}
		switch code := rec.Values[validate.Code]; {
		case rec.Delete:
			sc.deletes = append(sc.deletes, lifecycle.Item{Row: rec.Row, Code: code})
		case rec.NewCode != "":
			sc.changes = append(sc.changes, lifecycle.Change{Row: rec.Row, Current: code, New: rec.NewCode})
		}
	}
}

// decide refuses the rows that rename and delete the same login name,
// then renames and deletes (or plans them in a dry run).
func (st *lifeStage) decide(ctx context.Context, sc *scanned) {
	st.renames, st.deletes = map[int]lifecycle.Outcome{}, map[int]lifecycle.Outcome{}
	deletes := sc.deletes
	if !st.l.AllowDelete {
		deletes = nil // reported skipped by the check stage
	}
	refused := map[int]bool{}
	for _, c := range lifecycle.CrossCheck(deletes, sc.changes) {
		refused[c.Row] = true
		out := lifecycle.Outcome{Row: c.Row, Code: c.Code, Status: report.Invalid, ErrorCode: c.ErrorCode, Message: c.Message}
		st.renames[c.Row], st.deletes[c.Row] = out, out
	}
	var changes []lifecycle.Change
	for _, c := range sc.changes {
		if !refused[c.Row] {
			changes = append(changes, c)
		}
	}
	var items []lifecycle.Item
	for _, d := range deletes {
		if !refused[d.Row] {
			items = append(items, d)
		}
	}
	if len(changes) > 0 {
		for _, out := range lifecycle.Rename(ctx, st.api, changes, st.opts) {
			st.renames[out.Row] = out
		}
	}
	if len(items) > 0 {
		for _, out := range lifecycle.Delete(ctx, st.api, items, st.opts) {
			st.deletes[out.Row] = out
		}
	}
}

// divert finishes a row whose rename or delete decided its fate, and
// readies a renamed row for its other changes under the new name. It
// reports whether the row is finished.
func (st *lifeStage) divert(it *item) bool {
	if st == nil {
		return false
	}
	o := &it.out
	if it.rec.Delete {
		out, ok := st.deletes[it.rec.Row]
		if !ok {
			o.fail("internal", "internal error: the row's deletion was not planned")
			return true
		}
		st.setLife(o, out)
		return true
	}
	if it.rec.NewCode == "" {
		return false
	}
	out, ok := st.renames[it.rec.Row]
	if !ok {
		o.fail("internal", "internal error: the row's rename was not planned")
		return true
	}
	st.setLife(o, out)
	if out.Status != lifecycle.Renamed && out.Status != lifecycle.WouldRename {
		return true
	}
	if st.o.Mode != Upsert {
		o.note(fmt.Sprintf("the row's other columns are not applied in --mode %s; run the file with --mode upsert to apply them", st.o.Mode))
		return true
	}
	if out.Status == lifecycle.Renamed {
		it.rec.Values[validate.Code] = it.rec.NewCode
	}
	o.status = "" // decided by the row's other changes
	it.renamed = true
	return false
}

// setLife copies a lifecycle outcome into a row's outcome.
func (st *lifeStage) setLife(o *outcome, out lifecycle.Outcome) {
	if out.ErrorCode == lifecycle.CodeOutcomeLost {
		st.lost.Add(1)
	}
	o.status = out.Status
	if out.ErrorCode != "" {
		o.errCode = out.ErrorCode
	}
	o.note(out.Message)
}

// finishRenames gives the renamed rows of a batch their status once
// their other changes are done: renamed when nothing else changed,
// otherwise the update's status with the rename noted.
func (st *lifeStage) finishRenames(items []*item) {
	for _, it := range items {
		if st.o.DryRun && st.l.GeneratePasswords && it.out.status == report.WouldCreate && needsPassword(&it.rec) {
			it.out.note("a password would be generated for this new user")
		}
		if !it.renamed {
			continue
		}
		o := &it.out
		switch o.status {
		case report.Unchanged:
			o.status = lifecycle.Renamed
			if st.o.DryRun {
				o.status = lifecycle.WouldRename
			}
		case report.WouldCreate:
			// A dry run looks the user up under the name it has now.
			o.status = lifecycle.WouldRename
		}
	}
}

// noteCreated tells the passwords file which rows ended created.
func (st *lifeStage) noteCreated(code string, status report.Status) {
	if st != nil && status == report.Created {
		st.pw.NoteCreated(code)
	}
}

// abort undoes what startLifecycle began for a run that ends before its
// first row: the journal and passwords file it created hold nothing a
// resume needs, and neither does the send log.
func (st *lifeStage) abort(log *recovery.Log, sendLog string) {
	if log != nil {
		log.Close()
		recovery.Discard(sendLog)
	}
	if st == nil {
		return
	}
	if st.close() == nil && st.jrnl != nil {
		recovery.Discard(st.l.Journal)
	}
	st.pw.Abort()
}

// finish ends the lifecycle stages of a run and fills in what the
// summary says of them. A dry run over the deactivation limit fails here,
// after listing every user it would deactivate.
func (st *lifeStage) finish(out *Summary) error {
	if st == nil {
		return nil
	}
	if st.lost.Load() > 0 {
		out.Settled = false // the journal is evidence for --resume
	}
	path, n, err := st.pw.Finish(out.Settled, st.l.PasswordsXLSX)
	out.Lifecycle.Passwords, out.Lifecycle.Generated = path, n
	if st.space != nil {
		out.Lifecycle.Space = st.space.summary
	}
	return errors.Join(err, st.close(), st.over)
}
