package lifecycle

import "context"

// Op names an operation in the journal.
type Op string

// The operations.
const (
	OpDelete     Op = "delete"
	OpRename     Op = "rename"
	OpDeactivate Op = "deactivate"
	OpSpace      Op = "space"
)

// Phase says what a journal entry records.
type Phase string

const (
	// Intent is written before a request: its items may have been
	// applied from then on, whatever happens to the answer.
	Intent Phase = "intent"
	// Refused is written when items of a request were surely not applied
	// (the server refused them, or the request never left): the intent
	// is no longer evidence.
	Refused Phase = "refused"
)

// EntryItem is one item of a journal entry.
type EntryItem struct {
	Code string `json:"code"`
	// NewCode is a rename's new login name.
	NewCode string `json:"newCode,omitempty"`
	// ID is the user's id when the request was built: a rename whose
	// answer was lost is confirmed by finding the same id under the new
	// name, which no other user can have.
	ID string `json:"id,omitempty"`
}

// Entry is one record of the journal.
type Entry struct {
	Phase Phase       `json:"phase"`
	Op    Op          `json:"op"`
	Space int64       `json:"space,omitempty"`
	Items []EntryItem `json:"items"`
}

// Journal keeps the evidence of what was sent. Append must return only
// once the entry is durable (written and synced): the request it
// announces is sent right after, and a crash must not lose the entry. An
// operation whose intent cannot be appended sends nothing more.
type Journal interface {
	Append(ctx context.Context, e Entry) error
}

// Evidence is what an earlier run's journal says was sent and not
// refused: the items that run may have applied.
type Evidence struct {
	sent map[evKey]EntryItem
}

type evKey struct {
	op    Op
	space int64
	code  string
}

// NewEvidence reads the entries of an earlier run's journal, in the order
// written. A Refused entry withdraws the intents before it.
func NewEvidence(entries []Entry) *Evidence {
	ev := &Evidence{sent: map[evKey]EntryItem{}}
	for _, e := range entries {
		for _, it := range e.Items {
			k := evKey{e.Op, e.Space, it.Code}
			switch e.Phase {
			case Intent:
				ev.sent[k] = it
			case Refused:
				delete(ev.sent, k)
			}
		}
	}
	return ev
}

// Sent returns the item an earlier run sent for code in op (and space),
// and whether it did.
func (ev *Evidence) Sent(op Op, space int64, code string) (EntryItem, bool) {
	if ev == nil {
		return EntryItem{}, false
	}
	it, ok := ev.sent[evKey{op, space, code}]
	return it, ok
}

// codes lists the login names sent for op, in no particular order.
func (ev *Evidence) codes(op Op) []string {
	if ev == nil {
		return nil
	}
	var out []string
	for k := range ev.sent {
		if k.op == op {
			out = append(out, k.code)
		}
	}
	return out
}
