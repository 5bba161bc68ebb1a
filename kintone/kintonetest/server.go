package kintonetest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Server is a Domain served over HTTP on loopback, like httptest.Server.
// The Domain's accessors (Users, Requests, AddUsers, ...) are promoted.
// Create one with NewServer or Listen, and Close it.
type Server struct {
	*Domain
	// URL is the base URL of the domain, "http://127.0.0.1:port", without a
	// trailing slash.
	URL string

	srv  *http.Server
	done chan struct{}
}

// NewServer starts a simulated domain on 127.0.0.1 on a free port, like
// httptest.NewServer. It panics if the options are invalid or no port can
// be opened; callers must Close it.
func NewServer(opts ...Option) *Server {
	s, err := Listen("127.0.0.1:0", opts...)
	if err != nil {
		panic(err.Error())
	}
	return s
}

// ErrNotLoopback is returned by Listen for an address that is not a loopback
// address: the simulator's admin password travels in clear over plain HTTP.
var ErrNotLoopback = errors.New("kintonetest: refusing to listen on a non-loopback address")

// Listen starts a simulated domain configured by opts on addr
// ("127.0.0.1:8080"; port 0 picks a free port). Only loopback hosts
// (127.0.0.0/8, ::1, localhost) are accepted.
func Listen(addr string, opts ...Option) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("kintonetest: address %q: %w", addr, err)
	}
	if !isLoopback(host) {
		return nil, fmt.Errorf("%w: %q", ErrNotLoopback, addr)
	}
	d, err := newDomain(opts...)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("kintonetest: listen: %w", err)
	}
	s := &Server{
		Domain: d,
		URL:    "http://" + ln.Addr().String(),
		srv:    &http.Server{Handler: d, ReadHeaderTimeout: 10 * time.Second},
		done:   make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln) // returns http.ErrServerClosed on Close
	}()
	return s, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Close stops the server and closes every open connection. Handlers blocked
// in a request hook are not waited for.
func (s *Server) Close() {
	_ = s.srv.Close()
	<-s.done
}

// String describes the server without its password.
func (s *Server) String() string {
	return fmt.Sprintf("kintonetest.Server{URL: %s, AdminUser: %s, AdminPassword: ***}", s.URL, s.AdminUser)
}

// GoString masks the password for %#v too.
func (s *Server) GoString() string { return s.String() }

// Format masks the password for every verb, including %+v.
func (s *Server) Format(f fmt.State, _ rune) { fmt.Fprint(f, s.String()) }
