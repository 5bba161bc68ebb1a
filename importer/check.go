package importer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/userimport/userimport/i18n"
	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/progress"
	"github.com/userimport/userimport/recovery"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// item is one valid row on its way to its sink.
type item struct {
	seq int
	rec validate.Record
	out outcome
	// resume says how --resume treats the row; prev is the previous run's
	// line of a row that may have been sent or whose steps are unfinished.
	resume recovery.Mode
	prev   *report.Row
	// existing is the user the row names, when there is one.
	existing *kintone.User
	// absent is set once the user was seen not to exist before any create
	// of this run that could have made it: if it exists later, this run
	// created it.
	absent bool
	// firstSent is the server's time logged before the first create
	// request of this run that held the row (zero if none, or if the
	// server's time is unknown). A user whose creation time is not
	// earlier than it may have been created by this run; values that
	// match the row are no such evidence.
	firstSent time.Time
	// rejected says what an earlier rejected Add Guests request that held
	// the row, without naming it, may have done (see guestPast).
	rejected guestPast
	// renamed marks a row whose user was renamed (or, in a dry run,
	// would be) before its other changes.
	renamed bool
}

// guestPast is what a rejected Add Guests request that did not name a row
// says about it. No public source says such a rejection is atomic: the
// rows it did not name may have been created.
type guestPast int

const (
	// notRejected: no rejected request held the row without naming it.
	notRejected guestPast = iota
	// rejectedOthers: a request was rejected for other rows and none of
	// its messages said "already exists": if the guest exists later, that
	// request created it.
	rejectedOthers
	// rejectedUnattributed: a request was rejected with an "already
	// exists" it did not attribute to a row: a later "already exists" for
	// this row cannot say whether the guest was there before.
	rejectedUnattributed
)

func (it *item) code() string { return it.rec.Values[validate.Code] }

// checker is the check stage: it maps and validates each chunk of rows,
// finishing the rows that cannot be sent, and hands the others to the
// sink.
type checker struct {
	in   *input
	v    *validate.Validator
	seq  *sequencer
	ev   *progress.Counter
	sink sink
	// life says what a row may ask beyond adding and updating.
	life checkLife
	lang i18n.Lang
	// examples counts the template's example rows, which are no users.
	examples int

	// recs and results are reused from chunk to chunk; a row that goes to
	// the sink is copied into its item.
	recs    [chunkRows]validate.Record
	results [chunkRows]validate.Result
	at      [chunkRows]int // recs[j] is row at[j] of the chunk
}

func (ck *checker) chunk(c *rowChunk) {
	if c.expect > 0 {
		ck.v.Expect(c.expect)
	}
	n := 0
	for i := range c.n {
		c.findings[i] = ck.ignoredValues(ck.readFindings(c.findings[i]), c.cells[i], c.lines[i])
		if err := ck.in.mapper.Map(sheet.Row{Line: c.lines[i], Cells: c.cells[i]}, &ck.recs[n]); err != nil {
			if errors.Is(err, mapping.ErrExampleRow) {
				ck.examples++
				o := &outcome{row: c.lines[i], status: report.Skipped}
				o.note(mapping.ErrExampleRow.Error())
				o.warn("row.example", "the template's example row is not imported")
				ck.seq.Put(c.seq[i], o)
				continue
			}
			ck.seq.Put(c.seq[i], ck.mappingFailed(c.lines[i], c.findings[i], err))
			continue
		}
		ck.at[n] = i
		n++
	}
	ck.v.CheckRows(ck.recs[:n], ck.results[:n])
	for j := range n {
		i := ck.at[j]
		rec, res := &ck.recs[j], &ck.results[j]
		o := ck.findings(rec, res, c.findings[i])
		if settleChecked(o, rec, ck.life) {
			ck.seq.Put(c.seq[i], o)
			continue
		}
		ck.sink.take(c.seq[i], rec, o)
	}
	ck.ev.RowsChecked(c.n)
}

// ignoredValues adds a warning when the row has a value in a column that
// no field takes: the value is dropped, and a person should know which.
// The value itself is not repeated: the column may hold anything.
func (ck *checker) ignoredValues(fs []report.Finding, cells []string, row int) []report.Finding {
	var names []string
	first := ""
	for _, i := range ck.in.ignored {
		if i < len(cells) && strings.TrimSpace(cells[i]) != "" {
			h := ck.in.mapper.Header()[i]
			if first == "" {
				first = h
			}
			names = append(names, strconv.Quote(h))
		}
	}
	if len(names) == 0 {
		return fs
	}
	return append(fs, report.Finding{
		Column: first, Cell: ck.in.cells.cell(first, row), Rule: "column.ignored", Severity: report.SeverityWarning,
		Message: ck.lang.Sprintf("msg.column_ignored", strings.Join(names, ", ")),
	})
}

// readFindings returns the reader's findings of a row, with an error in a
// column that no field takes made a warning: a #DIV/0! in a notes column
// reaches no user, so it does not stop the row, but it is still said.
func (ck *checker) readFindings(fs []report.Finding) []report.Finding {
	for i := range fs {
		f := &fs[i]
		if f.Severity == report.SeverityError && f.Column != "" && ck.in.unused[f.Column] {
			f.Severity = report.SeverityWarning
			f.Message += " (the column is not imported, so the row is not stopped)"
		}
	}
	return fs
}

// mappingFailed is the outcome of a row the mapping could not build (a
// template failed): an error finding on the column, without the file and
// row that the report line has already.
func (ck *checker) mappingFailed(row int, read []report.Finding, err error) *outcome {
	f := report.Finding{Rule: "mapping.error", Severity: report.SeverityError, Message: err.Error()}
	var fe *sheet.FileError
	if errors.As(err, &fe) {
		f.Column, f.Cell, f.Message = fe.Column, ck.in.cells.cell(fe.Column, row), fe.Err.Error()
	}
	return &outcome{row: row, status: report.Invalid, findings: append(append([]report.Finding(nil), read...), f)}
}

// findings starts a row's outcome with everything found in its cells: the
// reader's findings, then validation's issues and normalisations.
func (ck *checker) findings(rec *validate.Record, res *validate.Result, read []report.Finding) *outcome {
	o := newOutcome()
	o.row, o.code = rec.Row, rec.Values[validate.Code]
	if len(read)+len(res.Issues)+len(res.Changes) == 0 {
		return o
	}
	o.findings = make([]report.Finding, 0, len(read)+len(res.Issues)+len(res.Changes))
	o.findings = append(o.findings, read...)
	for k := range res.Issues {
		o.findings = append(o.findings, ck.in.cells.issueFinding(&res.Issues[k], ck.lang))
	}
	for k := range res.Changes {
		o.findings = append(o.findings, ck.in.cells.changeFinding(&res.Changes[k], rec.Row, ck.lang))
	}
	return o
}

// settleChecked finishes a checked row that is not to be sent, and
// reports whether it did: a row with an error is invalid; a row that asks
// for its user to be deleted is skipped, since deleting is not done here.
// A "*" where a new user needs a value gets the message that says why.
func settleChecked(o *outcome, rec *validate.Record, life checkLife) bool {
	life.passwords(o, rec)
	for i := range o.findings {
		f := &o.findings[i]
		for _, fld := range []validate.Field{validate.Name, validate.Password} {
			if rec.Keep[fld] && f.Rule == fld.String()+".required" {
				f.Message = keepForNewUser(rec.Values[validate.Code], fld, life.lang)
			}
		}
	}
	switch {
	case hasError(o.findings):
		o.status = report.Invalid
	case rec.Delete && life.allowDelete:
		return false // the sink reports the deletion
	case rec.Delete:
		o.status = report.Skipped
		o.warn("delete.not_done", fmt.Sprintf("the row asks for user %q to be deleted; deleting users is not done without --allow-delete, so the user was left as it is", rec.Values[validate.Code]))
	default:
		return false
	}
	return true
}

func hasError(fs []report.Finding) bool {
	for i := range fs {
		if fs[i].Severity == report.SeverityError {
			return true
		}
	}
	return false
}

// validSink is the sink of `validate`: a row that passed the check is
// valid, and nothing is sent.
type validSink struct{ seq *sequencer }

func (s validSink) take(seq int, _ *validate.Record, o *outcome) {
	o.status = report.Valid
	s.seq.Put(seq, o)
}

func (validSink) drain() {}
