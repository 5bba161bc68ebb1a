package lifecycle

import (
	"context"
	"fmt"

	"github.com/userimport/userimport/kintone"
	"github.com/userimport/userimport/report"
	"github.com/userimport/userimport/validate"
)

// Change is one row's rename: the user with login name Current is to be
// called New (cybozu's 新ログイン名/New Login Name column).
type Change struct {
	Row          int
	Current, New string
}

// Rename renames users (Update User Codes, PUT /v1/users/codes.json, at
// most 100 a request) and returns one Outcome per change, in order, with
// Code the current login name:
//   - renamed (would_rename in a dry run);
//   - unchanged: New is empty, "*" or Current (no rename);
//   - invalid: New breaks a login name rule (the rule's id), the user is
//     protected (code.protected), or the file renames in a chain or a
//     swap (newCode.chain), twice to one name (newCode.duplicate) or one
//     user twice (code.renamed_twice), where the order of the requests
//     would decide the result: every row involved is refused and named;
//   - failed, newCode.exists: New is another user's login name;
//   - skipped, no_such_user: no user is called Current;
//   - failed and not_attempted as for every write.
//
// Users are looked up by both names first, and their ids kept, so that a
// lost answer is settled exactly: the same id under the new name means
// the rename was applied. With opts.Earlier, a rename an interrupted run
// sent is recognised the same way instead of being reported missing.
// Rename runs before the row's other changes, which then address New.
func Rename(ctx context.Context, api RenameAPI, changes []Change, opts Options) []Outcome {
	out := make([]Outcome, len(changes))
	for i, c := range changes {
		out[i] = Outcome{Row: c.Row, Code: c.Current}
	}
	tasks := checkChanges(changes, out, &opts)
	var names []string
	for _, t := range tasks {
		names = append(names, t.code, t.newCode)
	}
	found, err := lookup(ctx, &opts, api, names)
	if err != nil {
		lookupFailed(tasks, "the users to rename", err)
		return out
	}
	var send []*task
	for _, t := range tasks {
		if planRename(t, found, &opts) {
			send = append(send, t)
		}
	}
	if opts.DryRun {
		return out
	}
	e := &engine{
		opts: &opts, op: OpRename,
		send: func(ctx context.Context, g []*task) error {
			in := make([]kintone.CodeChange, len(g))
			for i, t := range g {
				in[i] = kintone.CodeChange{Current: t.code, New: t.newCode}
			}
			return api.UpdateUserCodes(ctx, in)
		},
		settle: func(ctx context.Context, g []*task) ([]*task, error) {
			return settleRenames(ctx, &opts, api, g)
		},
		ok: func(t *task) { t.set(Renamed, "", appendMsg("renamed to "+quote(t.newCode), confirmNote(t))) },
	}
	e.run(ctx, send)
	return out
}

// planRename decides a change from the users found under both names and
// reports whether it is to be sent.
func planRename(t *task, found map[string]kintone.User, opts *Options) bool {
	cur, curOK := found[t.code]
	nu, newOK := found[t.newCode]
	ev, sent := opts.Earlier.Sent(OpRename, 0, t.code)
	switch {
	case curOK && newOK:
		st := report.Failed
		if opts.DryRun {
			st = report.Invalid // in a dry run nothing fails: the row cannot be done
		}
		t.set(st, CodeRenameTaken, fmt.Sprintf("%s is already the login name of another user; choose another new login name", quote(t.newCode)))
	case !curOK && newOK && sent && ev.NewCode == t.newCode && ev.ID == nu.ID:
		t.set(Renamed, "", "confirmed on the server: renamed to "+quote(t.newCode)+" by the interrupted run, whose answer was lost")
	case !curOK && newOK:
		t.set(report.Skipped, CodeNoSuchUser, fmt.Sprintf("no such user: %s does not exist, and %s does; was it renamed already?", quote(t.code), quote(t.newCode)))
	case !curOK:
		t.set(report.Skipped, CodeNoSuchUser, fmt.Sprintf("no such user: %s does not exist", quote(t.code)))
	case opts.DryRun:
		t.set(WouldRename, "", "would be renamed to "+quote(t.newCode))
	default:
		t.id = cur.ID
		t.journaled = sent && ev.NewCode == t.newCode && ev.ID == cur.ID
		return true
	}
	return false
}

// checkChanges gives an outcome to every change that needs no request or
// can never be sent, and returns the tasks of the others.
func checkChanges(changes []Change, out []Outcome, opts *Options) []*task {
	byCur, byNew := map[string][]int{}, map[string][]int{}
	ok := make([]bool, len(changes))
	for i, c := range changes {
		t := &task{out: &out[i]}
		switch why := opts.protected(c.Current); {
		case c.New == "" || c.New == "*" || c.New == c.Current:
			t.set(report.Unchanged, "", "no rename")
		case why != "":
			t.set(report.Invalid, CodeProtected, why+"; clear its new login name")
		default:
			if rule, msg := loginNameProblem(c); rule != "" {
				t.set(report.Invalid, rule, msg)
				continue
			}
			ok[i] = true
			byCur[c.Current] = append(byCur[c.Current], i)
			byNew[c.New] = append(byNew[c.New], i)
		}
	}
	var tasks []*task
	for i, c := range changes {
		if !ok[i] {
			continue
		}
		t := &task{out: &out[i], code: c.Current, newCode: c.New}
		if code, msg := conflict(changes, i, byCur, byNew); code != "" {
			t.set(report.Invalid, code, msg)
			continue
		}
		tasks = append(tasks, t)
	}
	return tasks
}

// conflict finds the other rows of the file that make change i depend on
// the order of the requests.
func conflict(changes []Change, i int, byCur, byNew map[string][]int) (code, msg string) {
	c := changes[i]
	rows := func(idx []int) []int {
		out := make([]int, len(idx))
		for k, j := range idx {
			out[k] = changes[j].Row
		}
		return out
	}
	switch {
	case len(byCur[c.Current]) > 1:
		return CodeRenameRepeat, fmt.Sprintf("%s rename %s; keep one of them", rowList(rows(byCur[c.Current])), quote(c.Current))
	case len(byNew[c.New]) > 1:
		return CodeRenameClash, fmt.Sprintf("%s rename users to %s; a login name can belong to one user only", rowList(rows(byNew[c.New])), quote(c.New))
	case len(byCur[c.New]) > 0:
		j := byCur[c.New][0]
		return CodeRenameChain, fmt.Sprintf("row %d renames %s to %s while row %d renames %s to %s: in one run the order of the requests would decide who ends up with which name; do one of these renames in a later run", c.Row, quote(c.Current), quote(c.New), changes[j].Row, quote(changes[j].Current), quote(changes[j].New))
	case len(byNew[c.Current]) > 0:
		j := byNew[c.Current][0]
		return CodeRenameChain, fmt.Sprintf("row %d renames %s to %s while row %d renames %s to %s: in one run the order of the requests would decide who ends up with which name; do one of these renames in a later run", changes[j].Row, quote(changes[j].Current), quote(changes[j].New), c.Row, quote(c.Current), quote(c.New))
	}
	return "", ""
}

// loginNameProblem checks a new login name with the rules validate applies
// to every login name, and returns the first error's rule and message.
// validate would normalise (trim) some values; a new login name is
// refused rather than changed, because renaming someone to a name the
// file does not hold is a change nobody asked for.
func loginNameProblem(c Change) (rule, msg string) {
	var cols [validate.NumFields]string
	cols[validate.Code] = "newCode"
	v := validate.New(validate.Options{Kind: validate.Users, Update: true, Columns: cols})
	rec := validate.Record{Row: c.Row}
	rec.Values[validate.Code], rec.Set[validate.Code] = c.New, true
	res := v.Check(&rec)
	if e := res.FirstError(); e != nil {
		return "newCode." + trimField(string(e.Rule)), e.Message
	}
	if rec.Values[validate.Code] != c.New {
		return "newCode.edge_space", fmt.Sprintf("row %d: the new login name %s starts or ends with a space, which login names cannot; remove it", c.Row, quote(c.New))
	}
	return "", ""
}

// trimField turns "code.forbidden_char" into "forbidden_char".
func trimField(rule string) string {
	for i := 0; i < len(rule); i++ {
		if rule[i] == '.' {
			return rule[i+1:]
		}
	}
	return rule
}

// settleRenames reads both names of every change of g again.
func settleRenames(ctx context.Context, opts *Options, api Getter, g []*task) ([]*task, error) {
	var names []string
	for _, t := range g {
		names = append(names, t.code, t.newCode)
	}
	found, err := lookup(ctx, opts, api, names)
	if err != nil {
		return nil, err
	}
	var rest []*task
	for _, t := range g {
		cur, curOK := found[t.code]
		nu, newOK := found[t.newCode]
		switch {
		case newOK && nu.ID == t.id && t.uncertain:
			t.set(Renamed, "", "renamed to "+quote(t.newCode)+"; confirmed on the server after the answer to the request was lost")
		case newOK && nu.ID == t.id:
			t.set(Renamed, "", "already renamed to "+quote(t.newCode)+" by someone else meanwhile")
		case newOK:
			t.set(report.Failed, CodeRenameTaken, fmt.Sprintf("%s became the login name of another user meanwhile; choose another new login name", quote(t.newCode)))
		case curOK && cur.ID == t.id:
			rest = append(rest, t)
		default:
			t.set(report.Skipped, CodeNoSuchUser, fmt.Sprintf("no such user: %s was deleted or renamed by someone else meanwhile", quote(t.code)))
		}
	}
	return rest, nil
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
