package mapping

import (
	"errors"
	"fmt"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/userimport/userimport/sheet"
)

// A mapping template runs once per row and its input is the person's file,
// so one evaluation gets a fixed allowance of work: bytes its functions read
// and write, plus stepCost for every turn of a range. Without it, a nested
// range over a split of a long cell ({{range $l}}{{range $l}}{{end}}{{end}})
// loops billions of times producing nothing the output limit could stop.
const (
	templateBudget = 8 << 20
	stepCost       = 64
	// stepFunc is the function injected at the top of every range body;
	// its name is no one's column or function.
	stepFunc = "userimport_step"
)

// ErrTemplateBudget is the error of a template evaluation that used up its
// allowance of work.
var ErrTemplateBudget = errors.New("the template did too much work for one row (a range over a long list, or one nested in another?)")

// meter counts the work of one template evaluation.
type meter struct{ left int }

func (m *meter) reset() { m.left = templateBudget }

func (m *meter) spend(n int) error {
	m.left -= n
	if m.left < 0 {
		return ErrTemplateBudget
	}
	return nil
}

// result charges for a function that read n bytes and produced s, and
// refuses a value longer than a cell: a template that doubles a variable in
// a loop stops at the first value too long to be one.
func (m *meter) result(s string, n int) (string, error) {
	if len(s) > sheet.MaxCellBytes {
		return "", errTemplateOutput
	}
	return s, m.spend(n + len(s))
}

// str meters a function of one string.
func (m *meter) str(f func(string) string) func(string) (string, error) {
	return func(s string) (string, error) { return m.result(f(s), len(s)) }
}

// anys meters a function of any values that makes a string, such as the
// builtins print and html: they are replaced so that a loop cannot grow a
// value with them.
func (m *meter) anys(f func(...any) string) func(...any) (string, error) {
	return func(args ...any) (string, error) { return m.result(f(args...), 0) }
}

// templateFuncs are the functions a mapping template can call; col is
// bound per Mapper. Arguments come first and the piped value last, so
// `{{ col "X" | replace "-" "" }}` works. Every function that makes a value
// charges m.
func templateFuncs(col func(string) (string, error), m *meter) template.FuncMap {
	if col == nil {
		col = func(string) (string, error) { return "", nil }
	}
	return template.FuncMap{
		"col": func(name string) (string, error) {
			v, err := col(name)
			if err != nil {
				return "", err
			}
			return m.result(v, 0)
		},
		"trim":  m.str(strings.TrimSpace),
		"lower": m.str(strings.ToLower),
		"upper": m.str(strings.ToUpper),
		"title": m.str(title),
		"replace": func(old, new, s string) (string, error) {
			// Sized before it is built: replacing "" in a long cell
			// would otherwise allocate gigabytes first.
			if n := len(s) + strings.Count(s, old)*(len(new)-len(old)); n > sheet.MaxCellBytes {
				return "", errTemplateOutput
			}
			return m.result(strings.ReplaceAll(s, old, new), len(s))
		},
		"default": func(def, s string) (string, error) { return m.result(cmpOr(s, def), len(s)) },
		"join": func(sep string, list []string) (string, error) {
			n := len(sep) * max(len(list)-1, 0)
			for _, s := range list {
				if n += len(s); n > sheet.MaxCellBytes {
					return "", errTemplateOutput
				}
			}
			return m.result(strings.Join(list, sep), n)
		},
		"split": func(sep, s string) ([]string, error) {
			parts := strings.Split(s, sep)
			return parts, m.spend(len(s) + 16*len(parts))
		},
		"trimPrefix": func(prefix, s string) (string, error) { return m.result(strings.TrimPrefix(s, prefix), len(s)) },
		"trimSuffix": func(suffix, s string) (string, error) { return m.result(strings.TrimSuffix(s, suffix), len(s)) },
		"substr":     func(start, length int, s string) (string, error) { return m.result(substr(start, length, s), len(s)) },
		"printf": func(format string, args ...any) (string, error) {
			s, err := printf(format, args...)
			if err != nil {
				return "", err
			}
			return m.result(s, len(format))
		},
		"print":    m.anys(fmt.Sprint),
		"println":  m.anys(fmt.Sprintln),
		"html":     m.anys(template.HTMLEscaper),
		"js":       m.anys(template.JSEscaper),
		"urlquery": m.anys(template.URLQueryEscaper),
		stepFunc:   func() (string, error) { return "", m.spend(stepCost) },
	}
}

// meterRanges makes every range of t charge a step per turn, and refuses
// define, block and template: a template that calls itself twice doubles
// its work at every level without any range to count.
func meterRanges(t *template.Template) error {
	if len(t.Templates()) > 1 {
		return errors.New("define and block are not available in a mapping template")
	}
	var walk func(n parse.Node) error
	walk = func(n parse.Node) error {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return nil
			}
			for _, c := range n.Nodes {
				if err := walk(c); err != nil {
					return err
				}
			}
		case *parse.TemplateNode:
			return fmt.Errorf("{{template %q}} is not available in a mapping template", n.Name)
		case *parse.IfNode:
			return walkBranches(walk, n.List, n.ElseList)
		case *parse.WithNode:
			return walkBranches(walk, n.List, n.ElseList)
		case *parse.RangeNode:
			n.List.Nodes = append([]parse.Node{stepAction(t.Tree, n.Position(), n.Line)}, n.List.Nodes...)
			return walkBranches(walk, n.List, n.ElseList)
		}
		return nil
	}
	if t.Tree == nil {
		return nil
	}
	return walk(t.Tree.Root)
}

func walkBranches(walk func(parse.Node) error, lists ...*parse.ListNode) error {
	for _, l := range lists {
		if err := walk(l); err != nil {
			return err
		}
	}
	return nil
}

// stepAction is {{userimport_step}} at pos.
func stepAction(tree *parse.Tree, pos parse.Pos, line int) *parse.ActionNode {
	id := parse.NewIdentifier(stepFunc).SetTree(tree).SetPos(pos)
	cmd := &parse.CommandNode{NodeType: parse.NodeCommand, Pos: pos, Args: []parse.Node{id}}
	pipe := &parse.PipeNode{NodeType: parse.NodePipe, Pos: pos, Line: line, Cmds: []*parse.CommandNode{cmd}}
	return &parse.ActionNode{NodeType: parse.NodeAction, Pos: pos, Line: line, Pipe: pipe}
}
