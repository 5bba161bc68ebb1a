package table

import (
	"hash/maphash"
	"slices"
	"strings"

	"github.com/userimport/userimport/mapping"
	"github.com/userimport/userimport/sheet"
	"github.com/userimport/userimport/validate"
)

// Checker checks the rows of a File with the CLI's rules and re-checks
// one edited row, including the duplicates it takes part in, without
// checking the whole file again. It is not safe for concurrent use.
type Checker struct {
	kind     validate.Kind
	mapper   *mapping.Mapper
	vopts    validate.Options
	header   []string
	colIndex map[string]int
	keys     [][2]uint64           // per row: hashes of the folded login name and e-mail (0 = none)
	groups   [2]map[uint64][]int32 // per key kind: hash -> rows holding it, ascending
	// PasswordCol is the column that feeds the password, or -1.
	PasswordCol int
}

// NewChecker plans the mapping of header for kind under m (nil: the
// columns are recognised from the header alone), as the CLI's --mapping.
func NewChecker(header []string, k validate.Kind, m *mapping.File) (*Checker, error) {
	mp, err := mapping.NewMapper(header, k, m)
	if err != nil {
		return nil, err
	}
	c := &Checker{kind: k, mapper: mp, header: header, colIndex: map[string]int{}, PasswordCol: -1}
	c.vopts = validate.Options{Kind: k, Columns: mp.Columns(), CustomColumns: mp.CustomColumns(), Update: false}
	for i, h := range header {
		c.colIndex[h] = i
	}
	if pc := mp.Columns()[validate.Password]; pc != "" {
		if i, ok := c.colIndex[pc]; ok {
			c.PasswordCol = i
		}
	}
	return c, nil
}

// SetUpdate says whether rows may name existing users (modes upsert and
// skip-existing), which relaxes the required fields as the CLI does.
func (c *Checker) SetUpdate(update bool) { c.vopts.Update = update }

// checkChunk is how many rows CheckAll maps and checks at once.
const checkChunk = 256

// CheckAll checks every row of t in file order.
func (c *Checker) CheckAll(t *File) [][]Finding {
	out := make([][]Finding, len(t.Cells))
	c.keys = make([][2]uint64, len(t.Cells))
	c.groups = [2]map[uint64][]int32{make(map[uint64][]int32, len(t.Cells)), make(map[uint64][]int32, len(t.Cells))}
	v := validate.New(c.vopts)
	v.Expect(len(t.Cells))
	recs := make([]validate.Record, checkChunk)
	res := make([]validate.Result, checkChunk)
	at := make([]int, checkChunk)
	for start := 0; start < len(t.Cells); start += checkChunk {
		n := 0
		for i := start; i < min(start+checkChunk, len(t.Cells)); i++ {
			if f, ok := c.rowProblem(t, i, &recs[n]); ok {
				out[i] = []Finding{f}
				continue
			}
			c.index(i, &recs[n])
			at[n] = i
			n++
		}
		v.CheckRows(recs[:n], res[:n])
		for j := range n {
			out[at[j]] = c.findings(&res[j])
		}
	}
	return out
}

// rowProblem maps row i into rec, or returns the finding that keeps the
// row from being checked at all.
func (c *Checker) rowProblem(t *File, i int, rec *validate.Record) (Finding, bool) {
	if f, bad := t.Unreadable[i]; bad {
		return f, true
	}
	if err := c.mapper.Map(sheet.Row{Line: t.Lines[i], Cells: t.Cells[i]}, rec); err != nil {
		return Finding{Col: -1, Rule: "mapping.error", Severity: SevError, Message: err.Error()}, true
	}
	return Finding{}, false
}

var keySeed = maphash.MakeSeed()

// foldKey hashes a value as the duplicate rules compare it (case-folded,
// trimmed); 0 means no value. Two values with one hash only make a group
// wider than it need be: the validator that re-checks it tells them apart.
func foldKey(s string) uint64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			s = strings.ToLower(s)
			break
		}
	}
	return maphash.String(keySeed, s) | 1
}

// index remembers the row's duplicate keys.
func (c *Checker) index(i int, rec *validate.Record) {
	k := [2]uint64{foldKey(rec.Values[validate.Code]), foldKey(rec.Values[validate.Email])}
	c.keys[i] = k
	for j, h := range k {
		if h == 0 {
			continue
		}
		g := c.groups[j][h]
		if n := len(g); n == 0 || g[n-1] < int32(i) {
			c.groups[j][h] = append(g, int32(i)) // CheckAll adds rows in order
			continue
		}
		pos, _ := slices.BinarySearch(g, int32(i))
		c.groups[j][h] = slices.Insert(g, pos, int32(i))
	}
}

func (c *Checker) unindex(i int) {
	for j, h := range c.keys[i] {
		if h == 0 {
			continue
		}
		g := c.groups[j][h]
		if pos, ok := slices.BinarySearch(g, int32(i)); ok {
			g = slices.Delete(g, pos, pos+1)
		}
		if len(g) == 0 {
			delete(c.groups[j], h)
		} else {
			c.groups[j][h] = g
		}
	}
	c.keys[i] = [2]uint64{}
}

// related returns the rows that share a duplicate key with row i.
func (c *Checker) related(i int) []int32 {
	var out []int32
	for j, h := range c.keys[i] {
		if h != 0 {
			out = append(out, c.groups[j][h]...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// maxRecheck bounds the rows an edit re-checks one by one; past it the
// whole file is checked again (a column of one repeated value).
const maxRecheck = 5000

// Recheck checks row i again after its cells changed, and every later row
// whose duplicate findings may have changed with it. It returns the new
// findings per affected row; all is true when it had to check the whole
// file (then every row's findings are in the result).
func (c *Checker) Recheck(t *File, i int) (map[int][]Finding, bool) {
	before := c.related(i)
	c.unindex(i)
	var rec validate.Record
	if _, bad := c.rowProblem(t, i, &rec); !bad {
		c.index(i, &rec)
	}
	cand := append(before, c.related(i)...)
	slices.Sort(cand)
	cand = slices.Compact(cand)
	affected := []int{i}
	for _, x := range cand {
		if int(x) > i {
			affected = append(affected, int(x))
		}
	}
	out := make(map[int][]Finding, len(affected))
	work := 0
	for _, x := range affected {
		work += len(c.related(x)) + 1
		if work > maxRecheck {
			all := c.CheckAll(t)
			m := make(map[int][]Finding, len(all))
			for r, f := range all {
				m[r] = f
			}
			return m, true
		}
		out[x] = c.recheckOne(t, x)
	}
	return out, false
}

// recheckOne checks row x with a fresh validator that has first seen the
// earlier rows sharing its keys, in file order: exactly what checking the
// whole file finds for x.
func (c *Checker) recheckOne(t *File, x int) []Finding {
	var rec validate.Record
	if f, bad := c.rowProblem(t, x, &rec); bad {
		return []Finding{f}
	}
	v := validate.New(c.vopts)
	for _, y := range c.related(x) {
		if int(y) >= x {
			break
		}
		var prev validate.Record
		if _, bad := c.rowProblem(t, int(y), &prev); !bad {
			v.Check(&prev)
		}
	}
	c.rowProblem(t, x, &rec)
	res := v.Check(&rec)
	return c.findings(&res)
}

// findings turns validate's issues into findings located at their column.
func (c *Checker) findings(res *validate.Result) []Finding {
	if len(res.Issues) == 0 {
		return nil
	}
	out := make([]Finding, 0, len(res.Issues))
	for _, is := range res.Issues {
		f := Finding{Col: -1, Column: is.Column, Rule: string(is.Rule), Severity: SevWarning, Message: is.Message}
		if is.Severity == validate.Error {
			f.Severity = SevError
		}
		if i, ok := c.colIndex[is.Column]; ok {
			f.Col = i
		}
		out = append(out, f)
	}
	return out
}
