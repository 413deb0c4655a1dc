package status

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tillwatch/tillwatch/agent/words"
)

// Options tune a Server; zero fields take their defaults.
type Options struct {
	// Refresh is how often the status page reloads itself; default 5s.
	Refresh time.Duration
	// Log receives request errors; default discard.
	Log *slog.Logger
	// Location is the page's time zone; default time.Local.
	Location *time.Location
	// Lang is the manager page's language (?lang= overrides); default
	// English.
	Lang words.Lang
	// Guard wraps every route (Host, cross-site and token checks; see
	// agent/apiguard); default none.
	Guard func(http.Handler) http.Handler
}

// Server answers /healthz, /metrics and the status page from a Source.
type Server struct {
	src  Source
	opts Options
	reg  *prometheus.Registry
	mux  *http.ServeMux
}

// New returns a Server reading src. Its Prometheus registry is its own
// (no global state): the lane's collector plus the Go runtime and process
// collectors.
func New(src Source, opts Options) *Server {
	if opts.Refresh <= 0 {
		opts.Refresh = 5 * time.Second
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{src: src, opts: opts, reg: prometheus.NewRegistry(), mux: http.NewServeMux()}
	s.reg.MustRegister(newCollector(src),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{ErrorLog: promLog{opts.Log}}))
	s.mux.HandleFunc("GET /{$}", s.page)
	s.mux.HandleFunc("GET /status.json", s.json)
	s.mux.HandleFunc("GET /today", s.today)
	return s
}

// Mount lets register add routes (the journal API) to the server's mux;
// call it before Serve.
func (s *Server) Mount(register func(*http.ServeMux)) { register(s.mux) }

// Handler is the server's HTTP handler, behind Options.Guard (for tests
// and embedding).
func (s *Server) Handler() http.Handler {
	if s.opts.Guard == nil {
		return s.mux
	}
	return s.opts.Guard(s.mux)
}

// Listen opens the listener for addr ("127.0.0.1:9109"; port 0 picks a
// free one), so that a busy port is an error at start, not later.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("status: listen on %s (set http.address, or \"\" to turn the listener off): %w", addr, err)
	}
	return ln, nil
}

// Serve serves on ln until ctx is done, then shuts down (waiting up to 2s
// for requests in flight) and returns nil; it closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.opts.Log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("status: serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("status: shutdown: %w", err)
	}
	return nil
}

// promLog adapts slog to promhttp's error logger.
type promLog struct{ log *slog.Logger }

func (p promLog) Println(v ...any) { p.log.Warn("status: metrics", "error", fmt.Sprint(v...)) }
