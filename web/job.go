package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/userimport/userimport/web/table"
)

// Job states, as stored in job.json.
const (
	StateNew         = "new"         // uploaded, not yet read
	StateChecked     = "checked"     // read and checked
	StateRunning     = "running"     // a dry run or import is going on
	StateDone        = "done"        // the last import finished
	StateInterrupted = "interrupted" // the last import was cut short
)

// Job is one uploaded file and everything done with it. Its fields are
// saved in DataDir/jobs/<id>/job.json; the table, findings and checker
// are rebuilt from the files when needed.
type Job struct {
	ID          string      `json:"id"`
	Created     time.Time   `json:"created"`
	FileName    string      `json:"fileName"` // as uploaded, for display
	Input       string      `json:"input"`    // stored name in the job directory
	Kind        string      `json:"kind"`
	Read        ReadOptions `json:"read"`
	MappingYAML string      `json:"mapping"`
	Mode        string      `json:"mode"`
	State       string      `json:"state"`
	Plan        *RunInfo    `json:"plan,omitempty"`
	Imports     []*RunInfo  `json:"imports,omitempty"`
	// Edits holds the cells changed in the Check step, by "row:col".
	Edits map[string]string `json:"-"`

	dir string
	st  *store
	mu  sync.Mutex  // guards everything below and the fields above
	g   *table.Grid // nil until the file has been read
}

// RunInfo describes one dry run or import.
type RunInfo struct {
	N           int            `json:"n"`
	DryRun      bool           `json:"dryRun"`
	Report      string         `json:"report"` // file name in the job directory
	Lines       []int          `json:"lines"`  // report row number of each table row
	Started     time.Time      `json:"started"`
	Ended       time.Time      `json:"ended,omitzero"`
	Total       int            `json:"total"`
	Counts      map[string]int `json:"counts,omitempty"`
	Interrupted bool           `json:"interrupted"`
	Err         string         `json:"err,omitempty"`
	Resumed     string         `json:"resumed,omitempty"` // report this run resumed
	Domain      string         `json:"domain"`
}

// Finished reports whether the run has ended.
func (ri *RunInfo) Finished() bool { return !ri.Ended.IsZero() }

// EndedWell reports whether every row of a finished run ended well.
func (ri *RunInfo) EndedWell() bool {
	if !ri.Finished() || ri.Interrupted || ri.Err != "" {
		return false
	}
	for st, n := range ri.Counts {
		if n > 0 && !GoodStatus(st) {
			return false
		}
	}
	return true
}

// LastImport is the newest import, or nil.
func (j *Job) LastImport() *RunInfo {
	if len(j.Imports) == 0 {
		return nil
	}
	return j.Imports[len(j.Imports)-1]
}

type store struct {
	dir   string
	mu    sync.Mutex
	jobs  map[string]*Job
	grids []*Job // jobs whose grid is in memory, most recently read first
}

// maxGrids is how many jobs keep their file in memory: a 100,000-row file
// takes on the order of 100 MB, and a job's grid is rebuilt losslessly
// from its files (input, options, mapping, edits) when it is needed again.
const maxGrids = 3

// keepGrid notes that j's grid was just read and lets the grids of the
// jobs used longest ago go. A job that is busy (its lock is held) keeps
// its grid this time; TryLock avoids waiting on another job while j's own
// lock is held.
func (st *store) keepGrid(j *Job) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.grids = slices.DeleteFunc(st.grids, func(x *Job) bool { return x == j })
	st.grids = slices.Insert(st.grids, 0, j)
	for len(st.grids) > maxGrids {
		old := st.grids[len(st.grids)-1]
		if old.mu.TryLock() {
			old.g = nil
			old.mu.Unlock()
		}
		st.grids = st.grids[:len(st.grids)-1]
	}
}

var jobID = regexp.MustCompile(`^[0-9a-f]{16}$`)

func openStore(dir string) (*store, error) {
	if dir == "" {
		return nil, errors.New("no data directory")
	}
	if err := os.MkdirAll(filepath.Join(dir, "jobs"), 0o700); err != nil {
		return nil, err
	}
	st := &store{dir: dir, jobs: map[string]*Job{}}
	ents, err := os.ReadDir(filepath.Join(dir, "jobs"))
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if !e.IsDir() || !jobID.MatchString(e.Name()) {
			continue
		}
		j, err := st.load(e.Name())
		if err != nil {
			continue // a job torn by a crash during its creation
		}
		st.jobs[j.ID] = j
	}
	return st, nil
}

func (st *store) load(id string) (*Job, error) {
	dir := filepath.Join(st.dir, "jobs", id)
	b, err := os.ReadFile(filepath.Join(dir, "job.json"))
	if err != nil {
		return nil, err
	}
	j := &Job{dir: dir, st: st}
	if err := json.Unmarshal(b, j); err != nil {
		return nil, err
	}
	j.Edits = map[string]string{}
	if b, err := os.ReadFile(filepath.Join(dir, "edits.json")); err == nil {
		if err := json.Unmarshal(b, &j.Edits); err != nil {
			return nil, fmt.Errorf("job %s: edits: %w", id, err)
		}
	}
	// A run that was going on when the server died is cut short; its
	// report and send log stay for the resume.
	for _, ri := range append(slices.Clone(j.Imports), j.Plan) {
		if ri != nil && !ri.Finished() {
			ri.Ended, ri.Interrupted = time.Now(), true
		}
	}
	if j.State == StateRunning {
		j.State = StateInterrupted
		if err := j.save(); err != nil {
			return nil, err
		}
	}
	return j, nil
}

// create makes a new job directory for an upload named name.
func (st *store) create(name, kind string) (*Job, error) {
	id := randomHex(8)
	dir := filepath.Join(st.dir, "jobs", id)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	ext := strings.ToLower(filepath.Ext(name))
	j := &Job{ID: id, Created: time.Now(), FileName: filepath.Base(name), Input: "input" + ext, Kind: kind,
		Read: ReadOptions{HeaderRow: 1}, Mode: "create", State: StateNew, Edits: map[string]string{}, dir: dir, st: st}
	return j, nil
}

func (st *store) add(j *Job) {
	st.mu.Lock()
	st.jobs[j.ID] = j
	st.mu.Unlock()
}

func (st *store) get(id string) *Job {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.jobs[id]
}

// list returns the jobs, newest first.
func (st *store) list() []*Job {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]*Job, 0, len(st.jobs))
	for _, j := range st.jobs {
		out = append(out, j)
	}
	slices.SortFunc(out, func(a, b *Job) int { return b.Created.Compare(a.Created) })
	return out
}

func (j *Job) path(name string) string { return filepath.Join(j.dir, name) }

// save writes job.json (mode 0600) through a temporary file, so that a
// crash leaves the old or the new state, never half of one.
func (j *Job) save() error {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(j.path("job.json"), b)
}

func (j *Job) saveEdits() error {
	b, err := json.Marshal(j.Edits)
	if err != nil {
		return err
	}
	return writeFileAtomic(j.path("edits.json"), b)
}

func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func editKey(row, col int) string { return fmt.Sprintf("%d:%d", row, col) }

// buildGrid reads the job's file, applies its edits and checks every row.
// The grid is rebuilt so, losslessly, after a restart or when the store
// let it go.
func (j *Job) buildGrid() (*table.Grid, error) {
	t, err := table.Load(j.path(j.Input), j.Read.sheet())
	if err != nil {
		return nil, err
	}
	m, err := mappingOf(j.MappingYAML)
	if err != nil {
		return nil, err
	}
	c, err := table.NewChecker(t.Header, parseKind(j.Kind), m)
	if err != nil {
		return nil, err
	}
	c.SetUpdate(j.Mode != "create")
	for k, v := range j.Edits {
		var row, col int
		if _, err := fmt.Sscanf(k, "%d:%d", &row, &col); err != nil {
			continue
		}
		if row >= 0 && row < len(t.Cells) && t.Cells[row] != nil && col >= 0 && col < len(t.Cells[row]) {
			t.Cells[row][col] = v
		}
	}
	return table.NewGrid(t, c), nil
}

// loadGrid returns the job's grid, building it on first use. j.mu must be
// held.
func (j *Job) loadGrid() (*table.Grid, error) {
	if j.g != nil {
		return j.g, nil
	}
	g, err := j.buildGrid()
	if err != nil {
		return nil, err
	}
	j.g = g
	if j.st != nil {
		j.st.keepGrid(j)
	}
	return g, nil
}
