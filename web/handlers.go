package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func (s *Server) routes() {
	m := http.NewServeMux()
	m.Handle("GET /static/", staticHandler())
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("GET /lang", s.setLang)
	m.HandleFunc("GET /signin", s.signinPage)
	m.HandleFunc("POST /signin", s.signin)
	m.HandleFunc("POST /signout", s.signout)
	m.HandleFunc("POST /jobs", s.upload)
	m.HandleFunc("GET /jobs/{id}", s.jobHandler(s.jobIndex))
	m.HandleFunc("GET /jobs/{id}/upload", s.jobHandler(s.uploadPage))
	m.HandleFunc("POST /jobs/{id}/upload", s.jobHandler(s.uploadSettings))
	m.HandleFunc("GET /jobs/{id}/columns", s.jobHandler(s.columnsPage))
	m.HandleFunc("POST /jobs/{id}/columns", s.jobHandler(s.saveColumns))
	m.HandleFunc("POST /jobs/{id}/mapping", s.jobHandler(s.uploadMapping))
	m.HandleFunc("GET /jobs/{id}/mapping.yaml", s.jobHandler(s.downloadMapping))
	m.HandleFunc("GET /jobs/{id}/check", s.jobHandler(s.checkPage))
	m.HandleFunc("POST /jobs/{id}/cell", s.jobHandler(s.editCell))
	m.HandleFunc("GET /jobs/{id}/corrected.xlsx", s.jobHandler(s.downloadCorrected))
	m.HandleFunc("GET /jobs/{id}/annotated.xlsx", s.jobHandler(s.downloadAnnotated))
	m.HandleFunc("GET /jobs/{id}/plan", s.jobHandler(s.planPage))
	m.HandleFunc("POST /jobs/{id}/plan", s.jobHandler(s.startPlan))
	m.HandleFunc("GET /jobs/{id}/import", s.jobHandler(s.importPage))
	m.HandleFunc("POST /jobs/{id}/import", s.jobHandler(s.startImport))
	m.HandleFunc("POST /jobs/{id}/resume", s.jobHandler(s.resumeImport))
	m.HandleFunc("POST /jobs/{id}/cancel", s.jobHandler(s.cancelRun))
	m.HandleFunc("GET /jobs/{id}/events", s.jobHandler(s.events))
	m.HandleFunc("GET /jobs/{id}/results", s.jobHandler(s.resultsPage))
	m.HandleFunc("GET /jobs/{id}/report.csv", s.jobHandler(s.downloadReport))
	m.HandleFunc("GET /jobs/{id}/report.xlsx", s.jobHandler(s.downloadReport))
	s.mux = m
}

// jobHandler looks the job up by the {id} of the path.
func (s *Server) jobHandler(h func(http.ResponseWriter, *http.Request, *Job)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		j := s.jobs.get(r.PathValue("id"))
		if j == nil {
			s.fail(w, r, nil, http.StatusNotFound, T(langOf(r), "err.no_job"))
			return
		}
		h(w, r, j)
	}
}

// page fills the data every page needs. It takes j's lock to copy the
// job: call it without holding it (pageLocked is for a caller that does).
func (s *Server) page(r *http.Request, j *Job, step, title string) *pageData {
	var v *jobView
	if j != nil {
		j.mu.Lock()
		v = j.view()
		j.mu.Unlock()
	}
	return s.pageWith(r, v, step, title)
}

// pageLocked is page for a caller that holds j.mu.
func (s *Server) pageLocked(r *http.Request, j *Job, step, title string) *pageData {
	return s.pageWith(r, j.view(), step, title)
}

func (s *Server) pageWith(r *http.Request, v *jobView, step, title string) *pageData {
	lang := langOf(r)
	d := &pageData{Lang: lang, Title: title, Path: r.URL.RequestURI(), Sim: s.cfg.Sim, Job: v, Step: step,
		Domain: s.credentials().Domain(), Notice: noticeText(lang, r.URL.Query().Get("notice"))}
	if sess, ok := r.Context().Value(sessionKey{}).(*session); ok {
		d.CSRF = sess.csrf
	}
	return d
}

// fail shows an error on a page of its own (or as JSON to the scripts).
// It does not take j's lock (callers may hold it): the page links back to
// the job by its id, which never changes.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, j *Job, status int, msg string) {
	if r.Header.Get("X-CSRF-Token") != "" || r.Header.Get("Accept") == "application/json" {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	d := s.pageWith(r, nil, "", T(langOf(r), "err.title"))
	if j != nil {
		d.JobID = j.ID
	}
	d.Error = msg
	w.WriteHeader(status)
	s.pages.render(w, "error", d)
}

func redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, path, http.StatusSeeOther)
}

func jobPath(j *Job, step string) string { return "/jobs/" + j.ID + "/" + step }

func (s *Server) credentials() Credentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creds
}

type homeData struct {
	Jobs      []*jobView
	MaxUpload string
	SignedIn  bool
	FromEnv   bool
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	d := s.page(r, nil, "", T(langOf(r), "home.title"))
	var jobs []*jobView
	for _, j := range s.jobs.list() {
		j.mu.Lock()
		jobs = append(jobs, j.view())
		j.mu.Unlock()
	}
	d.P = homeData{Jobs: jobs, MaxUpload: sizeText(s.cfg.MaxUpload), SignedIn: s.credentials().Complete(),
		FromEnv: s.cfg.Credentials.Complete()}
	s.pages.render(w, "home", d)
}

func sizeText(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// setLang stores the chosen language in a cookie and goes back.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	l := r.URL.Query().Get("l")
	if _, ok := catalogs[l]; !ok {
		l = "en"
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: l, Path: "/", SameSite: http.SameSiteStrictMode, Secure: s.cfg.Secure})
	redirect(w, r, localPath(r.URL.Query().Get("back")))
}

// localPath keeps a redirect on this server.
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || strings.Contains(p, "\\") {
		return "/"
	}
	r := u.RequestURI()
	if !strings.HasPrefix(r, "/") || strings.HasPrefix(r, "//") {
		return "/"
	}
	return r
}

func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) {
	s.pages.render(w, "signin", s.page(r, nil, "", T(langOf(r), "signin.title")))
}

// signin keeps the credentials in memory only, after one request proves
// them.
func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	cr := Credentials{BaseURL: r.FormValue("baseURL"), Username: r.FormValue("username"),
		Password: r.FormValue("password"), APIToken: r.FormValue("apiToken"),
		BasicUser: r.FormValue("basicUser"), BasicPass: r.FormValue("basicPass")}
	lang := langOf(r)
	if !cr.Complete() {
		d := s.page(r, nil, "", T(lang, "signin.title"))
		d.Error = T(lang, "signin.incomplete")
		w.WriteHeader(http.StatusBadRequest)
		s.pages.render(w, "signin", d)
		return
	}
	if _, err := Connect(r.Context(), cr); err != nil {
		d := s.page(r, nil, "", T(lang, "signin.title"))
		d.Error = T(lang, "signin.refused")
		w.WriteHeader(http.StatusBadRequest)
		s.pages.render(w, "signin", d)
		return
	}
	s.mu.Lock()
	s.creds = cr
	s.mu.Unlock()
	redirect(w, r, "/?notice=signed_in")
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.creds = s.cfg.Credentials
	s.mu.Unlock()
	redirect(w, r, "/")
}

var allowedExt = map[string]bool{".csv": true, ".tsv": true, ".txt": true, ".tab": true, ".xlsx": true, ".xlsm": true}

// upload stores a new file in a new job.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+1<<20)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.fail(w, r, nil, http.StatusRequestEntityTooLarge, T(lang, "err.too_large", sizeText(s.cfg.MaxUpload)))
			return
		}
		s.fail(w, r, nil, http.StatusBadRequest, T(lang, "err.no_file"))
		return
	}
	defer file.Close()
	if hdr.Size > s.cfg.MaxUpload {
		s.fail(w, r, nil, http.StatusRequestEntityTooLarge, T(lang, "err.too_large", sizeText(s.cfg.MaxUpload)))
		return
	}
	if !allowedExt[strings.ToLower(filepath.Ext(hdr.Filename))] {
		s.fail(w, r, nil, http.StatusBadRequest, T(lang, "err.file_type"))
		return
	}
	kind := KindUsers
	if r.FormValue("kind") == KindGuests {
		kind = KindGuests
	}
	j, err := s.jobs.create(hdr.Filename, kind)
	if err == nil {
		err = saveUpload(j.path(j.Input), file)
	}
	if err == nil {
		err = s.detect(j)
	}
	if err != nil {
		if j != nil {
			os.RemoveAll(j.dir)
		}
		s.fail(w, r, nil, http.StatusBadRequest, T(lang, "err.unreadable", err.Error()))
		return
	}
	s.jobs.add(j)
	s.log.Printf("job %s created (%s, %d bytes)", j.ID, kind, hdr.Size)
	redirect(w, r, jobPath(j, "upload"))
}

func saveUpload(path string, src io.Reader) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// detect picks the header row of a new job from the preview and saves it.
func (s *Server) detect(j *Job) error {
	p, err := ReadPreview(j.path(j.Input), j.Kind, j.Read)
	if err != nil {
		return err
	}
	j.Read.HeaderRow = p.Detected
	if len(p.Sheets) > 0 {
		j.Read.Sheet = p.Sheets[0] // the reader's default: the first visible sheet
	}
	return j.save()
}

// jobIndex sends a job to the step it has reached.
func (s *Server) jobIndex(w http.ResponseWriter, r *http.Request, j *Job) {
	live := s.runs.get(j.ID) != nil // before j.mu: the runner's lock comes first
	j.mu.Lock()
	step := "upload"
	switch {
	case live || len(j.Imports) > 0 && !j.LastImport().Finished():
		step = "import"
	case len(j.Imports) > 0:
		step = "results"
	case j.State == StateChecked:
		step = "check"
	}
	j.mu.Unlock()
	redirect(w, r, jobPath(j, step))
}
