package web

import (
	"context"
	"errors"
	"fmt"
	"github.com/userimport/userimport/web/table"
	"maps"
	"os"
	"sync"
	"time"
)

// ErrDomainBusy is returned when another job is importing into the same
// domain.
type ErrDomainBusy struct{ Job *Job }

func (e *ErrDomainBusy) Error() string { return "the domain is busy with job " + e.Job.ID }

// runner starts dry runs and imports in the background, one per job and
// one import per domain, and tells subscribers how they progress.
type runner struct {
	s       *Server
	mu      sync.Mutex
	live    map[string]*liveRun // by job id
	domains map[string]*Job     // domain -> job importing into it
	wg      sync.WaitGroup
}

// liveRun is the state of a run in progress that the progress events
// report.
type liveRun struct {
	mu      sync.Mutex
	info    *RunInfo
	done    int
	counts  map[string]int
	changed chan struct{} // closed and replaced at every change
	cancel  context.CancelFunc
}

// Progress is one progress event.
type Progress struct {
	Run         int            `json:"run"`
	DryRun      bool           `json:"dryRun"`
	Done        int            `json:"done"`
	Total       int            `json:"total"`
	Percent     int            `json:"percent"`
	Rate        float64        `json:"rate"` // rows per second
	ETA         int            `json:"eta"`  // seconds; -1 while unknown
	Counts      map[string]int `json:"counts"`
	Finished    bool           `json:"finished"`
	Interrupted bool           `json:"interrupted"`
	Err         string         `json:"error,omitempty"`
}

func newRunner(s *Server) *runner {
	return &runner{s: s, live: map[string]*liveRun{}, domains: map[string]*Job{}}
}

func (rn *runner) wait() { rn.wg.Wait() }

// get returns the job's run in progress, or nil.
func (rn *runner) get(id string) *liveRun {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	return rn.live[id]
}

// start begins a dry run or an import (resume: of the job's last
// import). The job's table is written to the file the importer reads.
func (rn *runner) start(j *Job, dryRun, resume bool) (*liveRun, error) {
	creds := rn.s.credentials()
	if !creds.Complete() {
		return nil, errNoCredentials
	}
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if rn.live[j.ID] != nil {
		return nil, errAlreadyRunning
	}
	if other := rn.domains[creds.Domain()]; !dryRun && other != nil {
		return nil, &ErrDomainBusy{Job: other}
	}
	spec, info, err := rn.prepare(j, dryRun, resume, creds)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(rn.s.ctx)
	lr := &liveRun{info: info, counts: map[string]int{}, changed: make(chan struct{}), cancel: cancel}
	spec.Progress = lr.tick
	rn.live[j.ID] = lr
	if !dryRun {
		rn.domains[creds.Domain()] = j
	}
	rn.wg.Add(1)
	go rn.run(ctx, j, lr, spec, creds)
	return lr, nil
}

var (
	errNoCredentials  = errors.New("no credentials")
	errAlreadyRunning = errors.New("already running")
	errNothingResume  = errors.New("nothing to resume")
)

// prepare writes the corrected file and records the run in the job.
func (rn *runner) prepare(j *Job, dryRun, resume bool, creds Credentials) (RunSpec, *RunInfo, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	g, err := j.loadGrid()
	if err != nil {
		return RunSpec{}, nil, err
	}
	info := &RunInfo{DryRun: dryRun, Started: time.Now(), Total: len(g.File().Cells), Domain: creds.Domain()}
	spec := RunSpec{File: j.path("corrected.csv"), Kind: j.Kind, MappingYAML: j.MappingYAML, Mode: j.Mode, DryRun: dryRun}
	if resume {
		last := j.LastImport()
		if last == nil || last.EndedWell() {
			return RunSpec{}, nil, errNothingResume
		}
		spec.Resume, info.Resumed = j.path(last.Report), last.Report
	}
	if info.Lines, err = table.WriteCSV(spec.File, g.File()); err != nil {
		return RunSpec{}, nil, fmt.Errorf("writing the corrected file: %w", err)
	}
	if dryRun {
		info.Report = "plan.csv"
		j.Plan = info
	} else {
		info.N = len(j.Imports) + 1
		info.Report = fmt.Sprintf("import-%d.csv", info.N)
		j.Imports = append(j.Imports, info)
		j.State = StateRunning
	}
	spec.Report = j.path(info.Report)
	return spec, info, j.save()
}

func (rn *runner) run(ctx context.Context, j *Job, lr *liveRun, spec RunSpec, creds Credentials) {
	defer rn.wg.Done()
	defer lr.cancel()
	var res *RunResult
	api, err := Connect(ctx, creds)
	if err == nil {
		res, err = Run(ctx, api, spec)
	}
	// The send log holds login names: keep it private like the report.
	if fi, serr := os.Stat(spec.Report + ".sendlog"); serr == nil && fi.Mode().Perm() != 0o600 {
		os.Chmod(spec.Report+".sendlog", 0o600)
	}
	// Lock order: the job's, then the run's (runData takes them so).
	j.mu.Lock()
	lr.mu.Lock()
	info := lr.info
	info.Ended = time.Now()
	if res != nil {
		info.Counts, info.Interrupted = res.Counts, res.Interrupted
	} else {
		info.Counts = maps.Clone(lr.counts)
		info.Interrupted = ctx.Err() != nil
	}
	if err != nil {
		info.Err = err.Error()
		rn.s.log.Printf("job %s: run %d ended with an error", j.ID, info.N)
	}
	if !info.DryRun {
		j.State = StateDone
		if info.Interrupted || err != nil {
			j.State = StateInterrupted
		}
	}
	lr.notify()
	lr.mu.Unlock()
	if serr := j.save(); serr != nil {
		rn.s.log.Printf("job %s: saving: %v", j.ID, serr)
	}
	j.mu.Unlock()
	rn.mu.Lock()
	delete(rn.live, j.ID)
	if rn.domains[info.Domain] == j {
		delete(rn.domains, info.Domain)
	}
	rn.mu.Unlock()
}

// tick is the engine's progress callback: rows with a report line so
// far and their counts per status.
func (lr *liveRun) tick(done int, counts map[string]int) {
	lr.mu.Lock()
	lr.done = done
	lr.counts = counts
	lr.notify()
	lr.mu.Unlock()
}

// notify wakes the subscribers. lr.mu must be held.
func (lr *liveRun) notify() {
	close(lr.changed)
	lr.changed = make(chan struct{})
}

// snapshot returns the current progress and a channel closed at the next
// change.
func (lr *liveRun) snapshot() (Progress, <-chan struct{}) {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	p := progressOf(lr.info, lr.done, lr.counts)
	return p, lr.changed
}

// progressOf computes a progress event from a run's numbers.
func progressOf(info *RunInfo, done int, counts map[string]int) Progress {
	p := Progress{Run: info.N, DryRun: info.DryRun, Done: done, Total: info.Total, Counts: maps.Clone(counts),
		Finished: info.Finished(), Interrupted: info.Interrupted, Err: info.Err}
	if info.Finished() {
		p.Counts = maps.Clone(info.Counts)
		p.Done = 0
		for st, n := range info.Counts {
			if st != "not_attempted" { // a row not attempted is not done
				p.Done += n
			}
		}
	}
	if p.Total > 0 {
		p.Percent = min(100, p.Done*100/p.Total)
	}
	end := time.Now()
	if info.Finished() {
		end = info.Ended
	}
	if !p.Finished {
		p.ETA = -1 // unknown until a row is done
	}
	if secs := end.Sub(info.Started).Seconds(); secs > 0 && p.Done > 0 {
		p.Rate = float64(p.Done) / secs
		if !p.Finished {
			p.ETA = int(float64(p.Total-p.Done) / p.Rate)
		}
	}
	return p
}

// cancel stops the job's run as Ctrl-C would.
func (rn *runner) cancel(id string) bool {
	lr := rn.get(id)
	if lr == nil {
		return false
	}
	lr.cancel()
	return true
}
