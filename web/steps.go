package web

import (
	"encoding/json"
	"errors"
	"github.com/userimport/userimport/web/table"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

type uploadData struct {
	Preview   *Preview
	Err       string
	HeaderRow int
}

// uploadPage is step 1 after the file arrived: kind, sheet, header row on
// a preview of the first rows.
func (s *Server) uploadPage(w http.ResponseWriter, r *http.Request, j *Job) {
	lang := langOf(r)
	d := s.page(r, j, "upload", T(lang, "step.upload"))
	j.mu.Lock()
	p, err := ReadPreview(j.path(j.Input), j.Kind, j.Read)
	ud := uploadData{Preview: p, HeaderRow: j.Read.HeaderRow}
	j.mu.Unlock()
	if err != nil {
		ud.Err = err.Error()
	}
	d.P = ud
	s.pages.render(w, "upload", d)
}

// uploadSettings saves kind, sheet, header row and encoding; the file is
// read again from scratch.
func (s *Server) uploadSettings(w http.ResponseWriter, r *http.Request, j *Job) {
	hr, err := strconv.Atoi(r.FormValue("headerRow"))
	if err != nil || hr < 1 || hr > 1000 {
		s.fail(w, r, j, http.StatusBadRequest, T(langOf(r), "err.header_row"))
		return
	}
	enc := r.FormValue("encoding")
	if !slices.Contains([]string{"auto", "", "utf-8", "shift_jis"}, enc) {
		enc = "auto"
	}
	kind := KindUsers
	if r.FormValue("kind") == KindGuests {
		kind = KindGuests
	}
	ro := ReadOptions{Sheet: r.FormValue("sheet"), HeaderRow: hr, Encoding: enc}
	j.mu.Lock()
	sheetChanged := j.Read.Sheet != ro.Sheet
	changed := j.Read != ro || j.Kind != kind
	dropped := changed && len(j.Edits) > 0
	if changed {
		// Edits are addressed by row and column of the old reading, so a
		// new reading cannot keep them; the page says so.
		j.Read, j.Kind, j.g, j.State = ro, kind, nil, StateNew
		j.Edits = map[string]string{}
		err = j.saveEdits()
		if err == nil {
			err = j.save()
		}
	}
	j.mu.Unlock()
	if err != nil {
		s.fail(w, r, j, http.StatusInternalServerError, err.Error())
		return
	}
	next := jobPath(j, "columns")
	if sheetChanged || r.FormValue("preview") != "" {
		next = jobPath(j, "upload")
	}
	if dropped {
		next += "?notice=edits_dropped"
	}
	redirect(w, r, next)
}

type columnsData struct {
	Plan    *ColumnPlan
	Err     string
	Mapping string
}

func (s *Server) columnsPage(w http.ResponseWriter, r *http.Request, j *Job) {
	d := s.page(r, j, "columns", T(langOf(r), "step.columns"))
	j.mu.Lock()
	cd := columnsData{Mapping: j.MappingYAML}
	t, err := LoadHeader(j.path(j.Input), j.Read)
	if err == nil {
		cd.Plan, err = PlanColumns(t, j.Kind, j.MappingYAML)
	}
	j.mu.Unlock()
	if err != nil {
		cd.Err = err.Error()
	}
	d.P = cd
	s.pages.render(w, "columns", d)
}

// saveColumns applies the drop-downs to the mapping and checks the file.
func (s *Server) saveColumns(w http.ResponseWriter, r *http.Request, j *Job) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, j, http.StatusBadRequest, err.Error())
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	header, err := LoadHeader(j.path(j.Input), j.Read)
	if err != nil {
		s.fail(w, r, j, http.StatusBadRequest, T(langOf(r), "err.unreadable", err.Error()))
		return
	}
	assign := map[string]string{}
	for i, h := range header {
		if v, ok := r.Form["col"+strconv.Itoa(i)]; ok && len(v) == 1 {
			assign[h] = v[0]
		}
	}
	yml, err := AssignColumns(header, j.Kind, j.MappingYAML, assign)
	if err != nil {
		s.columnsError(w, r, j, err)
		return
	}
	j.MappingYAML, j.g = yml, nil
	if m := r.FormValue("mode"); slices.Contains([]string{"create", "upsert", "skip-existing"}, m) {
		j.Mode = m
	}
	if _, err := j.loadGrid(); err != nil {
		s.columnsError(w, r, j, err)
		return
	}
	j.State = StateChecked
	if err := j.save(); err != nil {
		s.fail(w, r, j, http.StatusInternalServerError, err.Error())
		return
	}
	redirect(w, r, jobPath(j, "check"))
}

// columnsError shows the Columns step again with the reason. j.mu is
// held.
func (s *Server) columnsError(w http.ResponseWriter, r *http.Request, j *Job, err error) {
	d := s.pageLocked(r, j, "columns", T(langOf(r), "step.columns"))
	cd := columnsData{Mapping: j.MappingYAML, Err: err.Error()}
	if header, herr := LoadHeader(j.path(j.Input), j.Read); herr == nil {
		cd.Plan, _ = PlanColumns(header, j.Kind, j.MappingYAML)
	}
	d.P = cd
	w.WriteHeader(http.StatusBadRequest)
	s.pages.render(w, "columns", d)
}

// maxMapping bounds an uploaded mapping file.
const maxMapping = 1 << 20

func (s *Server) uploadMapping(w http.ResponseWriter, r *http.Request, j *Job) {
	f, _, err := r.FormFile("mapping")
	if err != nil {
		s.fail(w, r, j, http.StatusBadRequest, T(langOf(r), "err.no_file"))
		return
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxMapping))
	if err == nil {
		err = ParseMappingYAML(b, "mapping")
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if err == nil {
		var header []string
		if header, err = LoadHeader(j.path(j.Input), j.Read); err == nil {
			_, err = PlanColumns(header, j.Kind, string(b))
		}
	}
	if err != nil {
		s.columnsError(w, r, j, err)
		return
	}
	j.MappingYAML, j.g = string(b), nil
	if err := j.save(); err != nil {
		s.fail(w, r, j, http.StatusInternalServerError, err.Error())
		return
	}
	redirect(w, r, jobPath(j, "columns"))
}

func (s *Server) downloadMapping(w http.ResponseWriter, r *http.Request, j *Job) {
	j.mu.Lock()
	yml := j.MappingYAML
	j.mu.Unlock()
	if yml == "" {
		yml = "# every column is recognised by its header: no mapping needed\n{}\n"
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="mapping.yaml"`)
	io.WriteString(w, yml)
}

type checkData struct {
	Header   []string
	Rows     []table.RowView
	Counts   table.Counts
	Filter   table.Filter
	Total    int
	Pages    int
	Rules    []ruleCount
	CanEdit  bool
	Password int
}

type ruleCount struct {
	Rule     string
	Severity string
	N        int
}

func (s *Server) checkPage(w http.ResponseWriter, r *http.Request, j *Job) {
	lang := langOf(r)
	f := filterOf(r)
	live := s.runs.get(j.ID) != nil // before j.mu: the runner's lock comes first
	j.mu.Lock()
	g, err := j.loadGrid()
	if err != nil {
		j.mu.Unlock()
		s.fail(w, r, j, http.StatusBadRequest, T(lang, "err.unreadable", err.Error()))
		return
	}
	if j.State == StateNew {
		j.State = StateChecked
		j.save()
	}
	cd := checkData{Header: g.File().Header, Counts: g.Counts(), Filter: f, CanEdit: !live, Password: g.PasswordCol()}
	rows, total := g.Rows(f)
	cd.Total, cd.Pages = total, max(1, (total+table.PageSize-1)/table.PageSize)
	for _, i := range rows {
		cd.Rows = append(cd.Rows, g.View(i))
	}
	for rule, n := range g.Counts().Rules {
		cd.Rules = append(cd.Rules, ruleCount{rule, g.Counts().Severity[rule], n})
	}
	j.mu.Unlock()
	slices.SortFunc(cd.Rules, func(a, b ruleCount) int {
		if a.N != b.N {
			return b.N - a.N
		}
		return compareStr(a.Rule, b.Rule)
	})
	d := s.page(r, j, "check", T(lang, "step.check"))
	d.P = cd
	s.pages.render(w, "check", d)
}

func compareStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func filterOf(r *http.Request) table.Filter {
	q := r.URL.Query()
	f := table.Filter{Show: q.Get("show"), Rule: q.Get("rule")}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page < 1 {
		f.Page = 1
	}
	if f.Show == "" {
		f.Show = "all"
	}
	return f
}

// editRequest is the body of POST /jobs/{id}/cell.
type editRequest struct {
	Row   int    `json:"row"`
	Col   int    `json:"col"`
	Value string `json:"value"`
}

// editResponse holds the rows whose findings changed and the new counts.
// It never holds a password: password cells carry presence only.
type editResponse struct {
	Rows   []rowHTML    `json:"rows"`
	Counts table.Counts `json:"counts"`
}

// rowHTML is one grid row rendered by the same template as the page, so
// the script inserts markup html/template has escaped.
type rowHTML struct {
	Index int    `json:"index"`
	HTML  string `json:"html"`
}

func (s *Server) editCell(w http.ResponseWriter, r *http.Request, j *Job) {
	var req editRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if s.runs.get(j.ID) != nil {
		writeJSON(w, http.StatusConflict, map[string]string{"error": T(langOf(r), "err.running")})
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	g, err := j.loadGrid()
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	rows, err := g.Edit(req.Row, req.Col, req.Value)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	j.Edits[editKey(req.Row, req.Col)] = req.Value
	if err := j.saveEdits(); err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	resp := editResponse{Counts: g.Counts()}
	lang := langOf(r)
	for _, i := range rows {
		var b strings.Builder
		err := s.pages.t.ExecuteTemplate(&b, "gridrow", map[string]any{"Lang": lang, "Row": g.View(i), "CanEdit": true})
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		resp.Rows = append(resp.Rows, rowHTML{Index: i, HTML: b.String()})
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) downloadCorrected(w http.ResponseWriter, r *http.Request, j *Job) {
	s.downloadXLSX(w, r, j, false)
}

func (s *Server) downloadAnnotated(w http.ResponseWriter, r *http.Request, j *Job) {
	s.downloadXLSX(w, r, j, true)
}

func (s *Server) downloadXLSX(w http.ResponseWriter, r *http.Request, j *Job, annotated bool) {
	lang := langOf(r)
	j.mu.Lock()
	defer j.mu.Unlock()
	g, err := j.loadGrid()
	if err != nil {
		s.fail(w, r, j, http.StatusBadRequest, err.Error())
		return
	}
	name := "corrected.xlsx"
	if annotated {
		name = "annotated.xlsx"
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := writeGridXLSX(w, g, annotated, lang); err != nil {
		s.log.Printf("job %s: writing %s failed", j.ID, name)
	}
}

// errBusy renders the reason a run cannot start.
func (s *Server) runError(w http.ResponseWriter, r *http.Request, j *Job, err error) {
	lang := langOf(r)
	var busy *ErrDomainBusy
	switch {
	case errors.As(err, &busy):
		s.fail(w, r, j, http.StatusConflict, T(lang, "err.domain_busy", busy.Job.FileName, busy.Job.ID))
	case errors.Is(err, errNoCredentials):
		redirect(w, r, "/signin")
	case errors.Is(err, errAlreadyRunning):
		redirect(w, r, jobPath(j, "import"))
	case errors.Is(err, errNothingResume):
		s.fail(w, r, j, http.StatusConflict, T(lang, "err.nothing_to_resume"))
	default:
		s.fail(w, r, j, http.StatusBadRequest, err.Error())
	}
}
