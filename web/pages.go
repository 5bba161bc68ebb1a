package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds the parsed templates.
type pages struct{ t *template.Template }

// pageData is what every page template gets.
type pageData struct {
	Lang   string
	Title  string
	CSRF   string
	Path   string // the page's own path, for the language switch
	Sim    bool
	Domain string
	Job    *jobView // a copy: templates run without the job's lock
	Step   string
	JobID  string // the job an error page links back to
	Error  string
	Notice string
	P      any // the page's own data
}

// jobView is what pages show of a job, copied under its lock.
type jobView struct {
	ID       string
	FileName string
	Kind     string
	Read     ReadOptions
	Mode     string
	State    string
	Created  time.Time
}

// view copies the job's fields for a page. j.mu must be held.
func (j *Job) view() *jobView {
	return &jobView{ID: j.ID, FileName: j.FileName, Kind: j.Kind, Read: j.Read, Mode: j.Mode, State: j.State, Created: j.Created}
}

// steps are the six steps of a job, in order.
var steps = []string{"upload", "columns", "check", "plan", "import", "results"}

func loadPages() (*pages, error) {
	funcs := template.FuncMap{
		"t":        func(lang, key string, args ...any) string { return T(lang, key, args...) },
		"steps":    func() []string { return steps },
		"add":      func(a, b int) int { return a + b },
		"lines":    func(s string) []string { return strings.Split(s, "\n") },
		"list":     func(xs ...string) []string { return xs },
		"statuses": func() []string { return Statuses },
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, errors.New("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, errors.New("dict: key is not a string")
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
	}
	t, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	return &pages{t: t}, nil
}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 instead of half a page.
func (p *pages) render(w http.ResponseWriter, name string, d *pageData) {
	var buf bytes.Buffer
	if err := p.t.ExecuteTemplate(&buf, name, d); err != nil {
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
