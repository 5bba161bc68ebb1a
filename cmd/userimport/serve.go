package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/userimport/userimport/web"
)

// serveFlags are the flags of `userimport serve`; their names are a
// contract.
type serveFlags struct {
	addr      string
	data      string
	sim       bool
	maxUpload string
	tlsCert   string
	tlsKey    string
	insecure  bool
}

func newServeCmd(s *streams) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web page for uploading, checking, fixing and importing a file",
		Long: `serve starts a web application on --addr: upload a file, match its columns,
see every problem on its cell and fix it in place, plan with a dry run, and
import with live progress. It prints a link with an access token; open it in
a browser on this machine.

Jobs (the uploaded files, edits, reports and send logs) are kept under --data,
readable by this user only. Credentials come from the KINTONE_* variables, or a
sign-in form that keeps them in memory; --sim serves an embedded simulator.
Binding to an address other machines can reach needs --tls-cert and --tls-key,
or --insecure-http.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), s, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 = any free port)")
	fl.StringVar(&f.data, "data", "", "folder for jobs (default: userimport in the user's state or config folder)")
	fl.BoolVar(&f.sim, "sim", false, "import into an embedded Kintone simulator (no domain needed)")
	fl.StringVar(&f.maxUpload, "max-upload", "50MB", "largest file accepted (e.g. 50MB, 200MB)")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "TLS certificate file (PEM)")
	fl.StringVar(&f.tlsKey, "tls-key", "", "TLS private key file (PEM)")
	fl.BoolVar(&f.insecure, "insecure-http", false, "allow plain HTTP on an address other machines can reach")
	return cmd
}

func runServe(ctx context.Context, s *streams, f *serveFlags) error {
	limit, err := parseSize(f.maxUpload)
	if err != nil {
		return usageErr("--max-upload %q: %v", f.maxUpload, err)
	}
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return usageErr("--tls-cert and --tls-key go together")
	}
	useTLS := f.tlsCert != ""
	if err := web.CheckBind(f.addr, useTLS, f.insecure); err != nil {
		return usageErr("%v", err)
	}
	dir, err := dataDir(f.data)
	if err != nil {
		return usageErr("--data: %v", err)
	}
	creds, closeSim := serveCredentials(s, f.sim)
	defer closeSim()
	web.PrivateFiles()
	srv, err := web.New(web.Config{DataDir: dir, MaxUpload: limit, Credentials: creds, Sim: f.sim, Secure: useTLS, Log: s.err})
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	fmt.Fprintf(s.out, "userimport is serving on %s://%s/\nopen: %s://%s/?token=%s\ndata: %s\n", scheme, ln.Addr(), scheme, ln.Addr(), srv.Token(), dir)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() {
		if useTLS {
			errc <- hs.ServeTLS(ln, f.tlsCert, f.tlsKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return &exitError{code: exitUsage, err: err}
		}
	case <-ctx.Done():
		// Ctrl-C: running imports stop as the CLI's do (srv.Close waits
		// for their reports), then the listener closes.
		srv.Close()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}
	return nil
}

// serveCredentials are the KINTONE_* variables, or the embedded
// simulator's for --sim (closed by the returned func).
func serveCredentials(s *streams, sim bool) (web.Credentials, func()) {
	if sim {
		srv := demoServer()
		fmt.Fprintf(s.err, "simulator: %s (embedded; its users vanish when the server stops)\n", srv.URL)
		return web.Credentials{BaseURL: srv.URL, Username: srv.AdminUser, Password: srv.AdminPassword}, srv.Close
	}
	return web.Credentials{
		BaseURL:   os.Getenv("KINTONE_BASE_URL"),
		Username:  os.Getenv("KINTONE_USERNAME"),
		Password:  os.Getenv("KINTONE_PASSWORD"),
		APIToken:  os.Getenv("KINTONE_API_TOKEN"),
		BasicUser: os.Getenv("KINTONE_BASIC_AUTH_USERNAME"),
		BasicPass: os.Getenv("KINTONE_BASIC_AUTH_PASSWORD"),
	}, func() {}
}

// dataDir is --data, else userimport in the user's state folder
// ($XDG_STATE_HOME, ~/.local/state) or config folder.
func dataDir(flag string) (string, error) {
	if flag != "" {
		return flag, os.MkdirAll(flag, 0o700)
	}
	base := os.Getenv("XDG_STATE_HOME")
	if base == "" {
		if home, err := os.UserHomeDir(); err == nil {
			base = filepath.Join(home, ".local", "state")
		} else if base, err = os.UserConfigDir(); err != nil {
			return "", err
		}
	}
	dir := filepath.Join(base, "userimport")
	return dir, os.MkdirAll(dir, 0o700)
}

// parseSize reads 50MB, 512KB, 1GB or a plain number of bytes.
func parseSize(s string) (int64, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, x := range []struct {
		suffix string
		m      int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(u, x.suffix) {
			u, mult = strings.TrimSpace(strings.TrimSuffix(u, x.suffix)), x.m
			break
		}
	}
	n, err := strconv.ParseInt(u, 10, 64)
	if err != nil || n <= 0 {
		return 0, errors.New("want a size such as 50MB")
	}
	return n * mult, nil
}
