package web

import (
	"encoding/json"
	"fmt"
	"github.com/userimport/userimport/web/table"
	"net/http"
	"os"
	"slices"
	"strconv"
	"time"
)

// runData is what the Plan, Import and Results steps show.
type runData struct {
	Run      *RunInfo
	Progress *Progress
	Live     bool
	Rows     []resultRow
	Filter   table.Filter
	Total    int
	Pages    int
	Statuses []statusCount
	Codes    []statusCount // error codes, for the rule filter
	Errors   int           // rows with errors in the Check step
	Valid    int
	CanStart bool
	CanResum bool
	Runs     []*RunInfo
}

type statusCount struct {
	Name string
	N    int
}

// resultRow is one report line with the row of the person's file.
type resultRow struct {
	ReportRow
	Line int // the row in the uploaded file
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request, j *Job) {
	d := s.page(r, j, "plan", T(langOf(r), "step.plan"))
	lr := s.runs.get(j.ID) // before j.mu: the runner's lock comes first
	j.mu.Lock()
	rd := s.runData(j, lr, j.Plan, r)
	j.mu.Unlock()
	d.P = rd
	s.pages.render(w, "plan", d)
}

func (s *Server) startPlan(w http.ResponseWriter, r *http.Request, j *Job) {
	if _, err := s.runs.start(j, true, false); err != nil {
		s.runError(w, r, j, err)
		return
	}
	redirect(w, r, jobPath(j, "plan"))
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, j *Job) {
	d := s.page(r, j, "import", T(langOf(r), "step.import"))
	lr := s.runs.get(j.ID)
	j.mu.Lock()
	rd := s.runData(j, lr, j.LastImport(), r)
	j.mu.Unlock()
	d.P = rd
	s.pages.render(w, "import", d)
}

// startImport starts the import. While the Check step shows errors the
// person must say that only the valid rows go (the rest are reported
// invalid, as the CLI does).
func (s *Server) startImport(w http.ResponseWriter, r *http.Request, j *Job) {
	j.mu.Lock()
	g, err := j.loadGrid()
	errs := 0
	if g != nil {
		errs = g.Counts().Errors
	}
	j.mu.Unlock()
	if err != nil {
		s.runError(w, r, j, err)
		return
	}
	if errs > 0 && r.FormValue("validOnly") != "on" {
		s.fail(w, r, j, http.StatusBadRequest, T(langOf(r), "err.has_errors", errs))
		return
	}
	if _, err := s.runs.start(j, false, false); err != nil {
		s.runError(w, r, j, err)
		return
	}
	redirect(w, r, jobPath(j, "import"))
}

func (s *Server) resumeImport(w http.ResponseWriter, r *http.Request, j *Job) {
	if _, err := s.runs.start(j, false, true); err != nil {
		s.runError(w, r, j, err)
		return
	}
	redirect(w, r, jobPath(j, "import"))
}

func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request, j *Job) {
	s.runs.cancel(j.ID)
	back := "import"
	if r.FormValue("step") == "plan" {
		back = "plan"
	}
	redirect(w, r, jobPath(j, back))
}

// events streams the progress of the job's run as Server-Sent Events. A
// page that is reloaded, or reopened after its tab was closed, connects
// again and gets the current state first.
func (s *Server) events(w http.ResponseWriter, r *http.Request, j *Job) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)
	send := func(event string, p Progress) bool {
		b, _ := json.Marshal(p)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	tick := time.NewTicker(time.Second) // rate and ETA move even between rows
	defer tick.Stop()
	for {
		lr := s.runs.get(j.ID)
		if lr == nil {
			j.mu.Lock()
			info := j.LastImport()
			if r.URL.Query().Get("run") == "plan" || info == nil {
				info = j.Plan
			}
			var p Progress
			if info != nil {
				p = progressOf(info, 0, nil)
			}
			j.mu.Unlock()
			send("done", p)
			return
		}
		p, changed := lr.snapshot()
		if !send("progress", p) {
			return
		}
		// At most ten events a second: a fast simulator finishes a row
		// every few microseconds.
		select {
		case <-r.Context().Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
		select {
		case <-r.Context().Done():
			return
		case <-changed:
		case <-tick.C:
		}
	}
}

func (s *Server) resultsPage(w http.ResponseWriter, r *http.Request, j *Job) {
	d := s.page(r, j, "results", T(langOf(r), "step.results"))
	lr := s.runs.get(j.ID)
	j.mu.Lock()
	info := j.LastImport()
	if n, err := strconv.Atoi(r.URL.Query().Get("run")); err == nil && n >= 1 && n <= len(j.Imports) {
		info = j.Imports[n-1]
	}
	rd := s.runData(j, lr, info, r)
	j.mu.Unlock()
	d.P = rd
	s.pages.render(w, "results", d)
}

// runData gathers a run's page; lr is the job's run in progress, if any.
// j.mu is held. Lock order: the runner's, then a job's, then a run's.
func (s *Server) runData(j *Job, lr *liveRun, info *RunInfo, r *http.Request) runData {
	// Copies: the page is rendered after j.mu is released, while the run
	// may still be updating its RunInfo.
	rd := runData{Filter: filterOf(r)}
	for _, ri := range j.Imports {
		cp := *ri
		rd.Runs = append(rd.Runs, &cp)
	}
	if g, err := j.loadGrid(); err == nil {
		rd.Errors, rd.Valid = g.Counts().Errors, g.Counts().Rows-g.Counts().Errors
	}
	// A second import of the same rows would only fail on users the first
	// created: after the first, rows go again through a resume.
	rd.CanStart = lr == nil && (info == nil || info.DryRun || len(j.Imports) == 0)
	if last := j.LastImport(); last != nil && last.Finished() && !last.EndedWell() && lr == nil {
		rd.CanResum = true
	}
	if info == nil {
		return rd
	}
	cp := *info
	rd.Run = &cp
	if lr != nil && lr.info == info {
		p, _ := lr.snapshot()
		rd.Progress, rd.Live = &p, true
		return rd
	}
	p := progressOf(info, 0, nil)
	rd.Progress = &p
	if info.Finished() {
		s.readResults(j, info, &rd)
	}
	return rd
}

// readResults pages and filters the run's report.
func (s *Server) readResults(j *Job, info *RunInfo, rd *runData) {
	lineOf := make(map[int]int, len(info.Lines))
	for i, l := range info.Lines {
		lineOf[l] = i
	}
	g := j.g
	statuses, codes := map[string]int{}, map[string]int{}
	first := (rd.Filter.Page - 1) * table.PageSize
	err := ReadReport(j.path(info.Report), func(rr ReportRow) error {
		statuses[rr.Status]++
		if rr.ErrorCode != "" {
			codes[rr.ErrorCode]++
		}
		if !resultMatches(rr, rd.Filter) {
			return nil
		}
		if rd.Total >= first && rd.Total < first+table.PageSize {
			row := resultRow{ReportRow: rr, Line: rr.Row}
			if i, ok := lineOf[rr.Row]; ok && g != nil && i < len(g.File().Lines) {
				row.Line = g.File().Lines[i]
			}
			rd.Rows = append(rd.Rows, row)
		}
		rd.Total++
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		s.log.Printf("job %s: reading report %s failed", j.ID, info.Report)
	}
	rd.Pages = max(1, (rd.Total+table.PageSize-1)/table.PageSize)
	for _, st := range Statuses {
		if statuses[st] > 0 {
			rd.Statuses = append(rd.Statuses, statusCount{st, statuses[st]})
		}
	}
	for c, n := range codes {
		rd.Codes = append(rd.Codes, statusCount{c, n})
	}
	slices.SortFunc(rd.Codes, func(a, b statusCount) int { return b.N - a.N })
}

// resultMatches applies a filter to a report line: Show is "all",
// "problems" (did not end well) or a status; Rule an error code.
func resultMatches(rr ReportRow, f table.Filter) bool {
	switch f.Show {
	case "", "all":
	case "problems":
		if GoodStatus(rr.Status) {
			return false
		}
	default:
		if rr.Status != f.Show {
			return false
		}
	}
	return f.Rule == "" || rr.ErrorCode == f.Rule
}

// downloadReport sends a run's report as CSV or XLSX.
func (s *Server) downloadReport(w http.ResponseWriter, r *http.Request, j *Job) {
	j.mu.Lock()
	info := j.LastImport()
	q := r.URL.Query().Get("run")
	if q == "plan" {
		info = j.Plan
	} else if n, err := strconv.Atoi(q); err == nil && n >= 1 && n <= len(j.Imports) {
		info = j.Imports[n-1]
	}
	j.mu.Unlock()
	if info == nil || !info.Finished() {
		s.fail(w, r, j, http.StatusNotFound, T(langOf(r), "err.no_report"))
		return
	}
	path := j.path(info.Report)
	base := fmt.Sprintf("%s.report", stem(j.FileName))
	if info.DryRun {
		base = fmt.Sprintf("%s.dry-run", stem(j.FileName))
	}
	if r.URL.Path[len(r.URL.Path)-4:] == "xlsx" {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", contentDisposition(base+".xlsx"))
		if err := ReportXLSX(path, w); err != nil {
			s.log.Printf("job %s: converting the report failed", j.ID)
		}
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", contentDisposition(base+".csv"))
	http.ServeFile(w, r, path)
}
