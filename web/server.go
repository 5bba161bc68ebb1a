// Package web is the browser front end of userimport (`userimport serve`):
// a step-by-step page for HR staff that uploads a file, maps its columns,
// shows every problem on its cell and lets it be fixed in place, plans the
// import with a dry run and runs it with live progress. It drives the same
// reading, checking and importing code as the command line, through the
// adapter in engine.go.
package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Config configures a Server.
type Config struct {
	// DataDir holds the jobs (created with mode 0700).
	DataDir string
	// MaxUpload caps an uploaded file, in bytes.
	MaxUpload int64
	// Credentials, if complete, are used for every dry run and import;
	// otherwise the page asks for them and keeps them in memory.
	Credentials Credentials
	// Sim says the credentials point at the embedded simulator (shown on
	// the page so nobody mistakes it for their domain).
	Sim bool
	// Token is the access token of the startup URL; "" makes a random one.
	Token string
	// Secure marks the session cookie Secure (the server speaks TLS).
	Secure bool
	// Log receives one line per request (method, path without query,
	// status) and server events; never cell values or secrets.
	Log io.Writer
}

// DefaultMaxUpload is the --max-upload default.
const DefaultMaxUpload = 50 << 20

// Server is the web application. Create it with New; it is an
// http.Handler.
type Server struct {
	cfg    Config
	token  string
	mux    *http.ServeMux
	log    *log.Logger
	jobs   *store
	runs   *runner
	pages  *pages
	mu     sync.Mutex
	sess   map[string]*session
	creds  Credentials
	ctx    context.Context
	cancel context.CancelFunc
}

type session struct {
	csrf    string
	created time.Time
}

// New opens (or creates) the data directory, loads the jobs in it and
// returns the server. Jobs that were importing when a previous server
// died are marked interrupted.
func New(cfg Config) (*Server, error) {
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	token := cfg.Token
	if token == "" {
		token = randomHex(24)
	}
	st, err := openStore(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	pg, err := loadPages()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{cfg: cfg, token: token, log: log.New(cfg.Log, "", log.LstdFlags), jobs: st,
		pages: pg, sess: map[string]*session{}, creds: cfg.Credentials, ctx: ctx, cancel: cancel}
	s.runs = newRunner(s)
	s.routes()
	return s, nil
}

// Token is the access token the startup URL carries.
func (s *Server) Token() string { return s.token }

// Close stops every run as Ctrl-C would and waits for their reports.
func (s *Server) Close() {
	s.cancel()
	s.runs.wait()
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}

// ServeHTTP applies the security rules to every request, then routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	start := time.Now()
	s.secure(rec, r)
	// The path only: the query may hold the access token.
	s.log.Printf("%s %s %d %s", r.Method, r.URL.Path, rec.status, time.Since(start).Round(time.Millisecond))
}

func (s *Server) secure(w *statusRecorder, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// same-origin, not no-referrer: under no-referrer browsers send
	// "Origin: null" with a form's POST, which the Origin check refuses.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	if len(r.URL.Path) > 8 && r.URL.Path[:8] == "/static/" {
		s.mux.ServeHTTP(w, r)
		return
	}
	if tok := r.URL.Query().Get("token"); tok != "" {
		s.exchangeToken(w, r, tok)
		return
	}
	sess := s.session(r)
	if sess == nil {
		s.refuse(w, r, http.StatusForbidden, "err.no_session")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if !sameOrigin(r) {
			s.refuse(w, r, http.StatusForbidden, "err.origin")
			return
		}
		if tooLarge := s.readForm(w, r); tooLarge {
			s.refuse(w, r, http.StatusRequestEntityTooLarge, "err.too_large", sizeText(s.cfg.MaxUpload))
			return
		}
		if !s.csrfOK(r, sess) {
			s.refuse(w, r, http.StatusForbidden, "err.csrf")
			return
		}
	}
	s.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess)))
}

type sessionKey struct{}

const cookieName = "userimport_session"

// exchangeToken turns the startup URL's token into a session cookie and
// redirects to the same page without the token, so it leaves the address
// bar and the history.
func (s *Server) exchangeToken(w http.ResponseWriter, r *http.Request, tok string) {
	if subtle.ConstantTimeCompare([]byte(tok), []byte(s.token)) != 1 {
		s.refuse(w, r, http.StatusForbidden, "err.bad_token")
		return
	}
	id := randomHex(32)
	s.mu.Lock()
	s.sess[id] = &session{csrf: randomHex(32), created: time.Now()}
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.cfg.Secure})
	u := *r.URL
	q := u.Query()
	q.Del("token")
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
}

func (s *Server) session(r *http.Request) *session {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sess[c.Value]
}

// sameOrigin requires the Origin header of a state-changing request to be
// this server's own: browsers always send it on POST, and a page of
// another origin cannot forge it.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return false
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return o == scheme+"://"+r.Host
}

// readForm reads a form body (multipart or urlencoded) up to the upload
// cap, so that the CSRF token in it can be checked; it reports whether the
// body was too large. The script's JSON requests carry the token in a
// header and are read by their handler.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (tooLarge bool) {
	limit := s.cfg.MaxUpload + 1<<20 // the file and the form around it
	if r.ContentLength > limit {
		return true
	}
	if r.Header.Get("X-CSRF-Token") != "" {
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(32 << 20)
	} else {
		err = r.ParseForm()
	}
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func (s *Server) csrfOK(r *http.Request, sess *session) bool {
	tok := r.Header.Get("X-CSRF-Token")
	if tok == "" {
		tok = r.FormValue("csrf")
	}
	return tok != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(sess.csrf)) == 1
}

// refuse answers a request that breaks a security rule with a page that
// says why (and JSON for the page's own scripts).
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	lang := langOf(r)
	if r.Header.Get("Accept") == "application/json" || r.Header.Get("X-CSRF-Token") != "" {
		writeJSON(w, status, map[string]string{"error": T(lang, key, args...)})
		return
	}
	w.WriteHeader(status)
	s.pages.render(w, "error", &pageData{Lang: lang, Title: T(lang, "err.title"), Error: T(lang, key, args...)})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Flush lets Server-Sent Events through the recorder.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// CheckBind refuses a non-loopback address without TLS, unless the person
// said --insecure-http: the page carries people's data and the access
// token.
func CheckBind(addr string, tls, insecure bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip != nil && ip.IsLoopback() {
		return nil
	}
	if tls || insecure {
		return nil
	}
	return errors.New("--addr " + addr + " is reachable from other machines: give --tls-cert and --tls-key, or --insecure-http if the network is trusted")
}
