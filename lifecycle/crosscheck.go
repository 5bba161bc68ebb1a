package lifecycle

import "fmt"

// CodeDeleteAndRename is the error code of a row that deletes a user
// another row renames, or renames a user to a name another row deletes.
const CodeDeleteAndRename = "code.delete_and_rename"

// Conflict is a row refused because another row of the same file acts on
// the same login name in another operation, so that the order of the
// stages would decide the result.
type Conflict struct {
	Row       int
	Code      string
	ErrorCode string
	Message   string
}

// CrossCheck finds rows whose deletion and rename touch the same login
// name: deleting "a" while renaming "a" to "b" (which first?), or while
// renaming "b" to "a" (is the new "a" to be deleted?). Every row involved
// is returned, to be reported invalid and left out of both stages; Rename
// and Delete check their own lists.
func CrossCheck(deletes []Item, changes []Change) []Conflict {
	del := map[string][]int{}
	for _, d := range deletes {
		del[d.Code] = append(del[d.Code], d.Row)
	}
	var out []Conflict
	hit := map[string][]int{} // deleted login name → rows of renames touching it
	for _, c := range changes {
		if c.New == "" || c.New == "*" || c.New == c.Current {
			continue
		}
		for _, name := range []string{c.Current, c.New} {
			rows, ok := del[name]
			if !ok {
				continue
			}
			hit[name] = append(hit[name], c.Row)
			out = append(out, Conflict{Row: c.Row, Code: c.Current, ErrorCode: CodeDeleteAndRename, Message: fmt.Sprintf(
				"row %d renames %q to %q while %s deletes %q: the order would decide the result; do one in a later run", c.Row, c.Current, c.New, rowList(rows), name)})
		}
	}
	for _, d := range deletes {
		if rows, ok := hit[d.Code]; ok {
			out = append(out, Conflict{Row: d.Row, Code: d.Code, ErrorCode: CodeDeleteAndRename, Message: fmt.Sprintf(
				"row %d deletes %q while %s renames it or renames a user to it: the order would decide the result; do one in a later run", d.Row, d.Code, rowList(rows))})
		}
	}
	return out
}
