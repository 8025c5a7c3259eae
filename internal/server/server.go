// Package server is unspun's HTTP front end: the JSON API under /api/v1,
// its OpenAPI description, the web pages, health and Prometheus metrics.
// It calls the analyzer through the small Analyzer interface and keeps
// articles in a store.Store.
package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
	"unspun/internal/analysis"

	"unspun/internal/fetch"
	"unspun/internal/metrics"
	"unspun/internal/store"
	"unspun/internal/web"
)

// Analyzer analyses one article; *analyze.Analyzer implements it.
type Analyzer interface {
	Analyze(ctx context.Context, id, text string) (*analysis.Result, error)
}

// DefaultMaxBody caps request bodies; larger requests get 413.
const DefaultMaxBody = 5 << 20

// Timeouts of the HTTP server. Writes may wait for a URL fetch and an
// analysis, so they get longer than reads.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 60 * time.Second
	IdleTimeout       = 120 * time.Second
	// ShutdownTimeout bounds how long in-flight requests may take to
	// finish after a shutdown signal.
	ShutdownTimeout = 30 * time.Second
	// RequestTimeout bounds an analysis request as a whole (fetch, wait,
	// analysis, store), so that it is answered before WriteTimeout closes
	// the connection: a client gets a reason, never silence.
	RequestTimeout = WriteTimeout - 10*time.Second
	// DefaultQueueTimeout is how long a request waits for an analysis slot
	// and for memory budget before it gets 503 with Retry-After.
	DefaultQueueTimeout = 15 * time.Second
	// DefaultAnalysisTimeout bounds one analysis; past it the request gets
	// 504 and the analysis is cancelled.
	DefaultAnalysisTimeout = 30 * time.Second
	// DefaultMaxTextBytes bounds the bytes of article text in analysis at
	// once. The pipeline's memory grows with the text (a few hundred bytes
	// of working memory per byte of text), so this is what bounds the
	// server's memory under concurrent large articles; it admits one
	// article of the largest allowed size (analysis.MaxBytes) beside a
	// few small ones.
	DefaultMaxTextBytes = analysis.MaxBytes + analysis.MaxBytes/2
)

// Config configures a Server.
type Config struct {
	Analyzer Analyzer
	Store    *store.Store
	// Fetcher fetches URLs to analyse; nil refuses URL requests.
	Fetcher *fetch.Fetcher
	// Token, if set, must accompany every write as "Authorization: Bearer
	// <token>" (or the form's token field on the web page).
	Token string
	// MaxBody caps request bodies; zero means DefaultMaxBody.
	MaxBody int64
	// Logger receives request errors; nil discards them.
	Logger *slog.Logger
	// ModelVersion, if known, is reported by /metrics from the start
	// (otherwise from the first analysis).
	ModelVersion string
	// MaxAnalyses bounds the analyses running at once; zero means
	// GOMAXPROCS. Analysis is CPU-bound, so running more at once only
	// adds memory and makes latency less even; requests beyond the
	// bound wait their turn.
	MaxAnalyses int
	// Metrics are the process's Prometheus collectors, served at
	// /metrics; nil makes the server its own.
	Metrics *metrics.Set
	// MaxTextBytes bounds the bytes of text in analysis at once; zero
	// means DefaultMaxTextBytes. An article waits until its bytes fit.
	MaxTextBytes int64
	// QueueTimeout bounds the wait for an analysis slot and for
	// MaxTextBytes; past it the request gets 503 with Retry-After. Zero
	// means DefaultQueueTimeout.
	QueueTimeout time.Duration
	// AnalysisTimeout bounds one analysis (504 past it); zero means
	// DefaultAnalysisTimeout.
	AnalysisTimeout time.Duration
	// Hosts are the names the server answers to, as a request's Host
	// header gives them: "host" (any port) or "host:port". Other names
	// get 421 Misdirected Request, and page forms are accepted only from
	// origins among them (DNS rebinding). Empty means the loopback names
	// localhost, 127.0.0.1 and ::1, on any port.
	Hosts []string
	// AnyHost answers every Host instead (a server reachable under names
	// it cannot know, whose writes a Token guards).
	AnyHost bool
}

// Server serves the API and the pages.
type Server struct {
	cfg     Config
	pages   *web.Renderer
	metrics *serverMetrics
	mux     *http.ServeMux
	// slots holds one token per analysis allowed to run.
	slots chan struct{}
	// text bounds the bytes of text in analysis (Config.MaxTextBytes).
	text  *budget
	hosts hostSet
	// state is stateStarting until Serve serves, stateStopping once it
	// is asked to stop (for /readyz).
	state atomic.Int32
	check storeCheck
}

// New returns a Server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Analyzer == nil || cfg.Store == nil {
		return nil, errors.New("server: Config needs an Analyzer and a Store")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxAnalyses <= 0 {
		cfg.MaxAnalyses = runtime.GOMAXPROCS(0)
	}
	if cfg.MaxTextBytes <= 0 {
		cfg.MaxTextBytes = DefaultMaxTextBytes
	}
	if cfg.QueueTimeout <= 0 {
		cfg.QueueTimeout = DefaultQueueTimeout
	}
	if cfg.AnalysisTimeout <= 0 {
		cfg.AnalysisTimeout = DefaultAnalysisTimeout
	}
	hosts, err := newHostSet(cfg.Hosts, cfg.AnyHost)
	if err != nil {
		return nil, err
	}
	pages, err := web.New()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, pages: pages, metrics: newMetrics(cfg.Metrics), mux: http.NewServeMux(),
		slots: make(chan struct{}, cfg.MaxAnalyses), text: newBudget(cfg.MaxTextBytes), hosts: hosts}
	s.metrics.set.Model(cfg.ModelVersion)
	for _, r := range s.routes() {
		s.mux.Handle(r.method+" "+r.pattern, r.handler)
	}
	return s, nil
}

// route is one registered handler. The API routes among them must all be
// described in the OpenAPI document; a test checks.
type route struct {
	method, pattern string
	handler         http.Handler
	write           bool // needs the token when one is set
}

func (s *Server) routes() []route {
	h := func(f http.HandlerFunc) http.Handler { return f }
	return []route{
		{"POST", "/api/v1/analyze", h(s.apiAnalyze), true},
		{"GET", "/api/v1/articles", h(s.apiList), false},
		{"GET", "/api/v1/articles/{id}", h(s.apiGet), false},
		{"DELETE", "/api/v1/articles/{id}", h(s.apiDelete), true},
		{"GET", "/api/v1/articles/{id}/review", h(s.apiGetReview), false},
		{"PUT", "/api/v1/articles/{id}/review", h(s.apiPutReview), true},
		{"GET", "/api/v1/stats", h(s.apiStats), false},
		{"GET", "/api/v1/feeds", h(s.apiFeeds), false},
		{"POST", "/api/v1/feeds", h(s.apiAddFeed), true},
		{"GET", "/api/v1/feeds/{id}", h(s.apiFeed), false},
		{"DELETE", "/api/v1/feeds/{id}", h(s.apiDeleteFeed), true},
		{"GET", "/api/openapi.json", h(s.openAPI), false},
		{"GET", "/healthz", h(s.healthz), false},
		{"GET", "/readyz", h(s.readyz), false},
		{"GET", "/metrics", h(s.serveMetrics), false},
		{"GET", "/{$}", h(s.pageHome), false},
		{"POST", "/analyze", h(s.pageAnalyze), true},
		{"GET", "/articles", h(s.pageList), false},
		{"GET", "/articles/{id}", h(s.pageArticle), false},
		{"GET", "/articles/{id}/report.html", h(s.pageReport), false},
		{"POST", "/articles/{id}/delete", h(s.pageDelete), true},
		{"GET", "/dashboard", h(s.pageDashboard), false},
		{"GET", "/review", h(s.pageReviewQueue), false},
		{"GET", "/feeds", h(s.pageFeeds), false},
		{"GET", "/static/", web.Static(), false},
	}
}

// Handler returns the server's root handler.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		setSecurityHeaders(rec.Header())
		defer func() {
			if p := recover(); p != nil {
				s.cfg.Logger.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", p)
				if !rec.wrote {
					s.fail(rec, r, http.StatusInternalServerError, "internal error")
				}
			}
			s.metrics.observe(r.Pattern, rec.status, time.Since(start))
		}()
		if !s.checkHost(rec, r) {
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(rec, r.Body, s.cfg.MaxBody)
		}
		if h, pattern := s.mux.Handler(r); pattern == "" {
			// No route: let the mux decide between 404 and 405, then
			// answer in the API's or the page's error format.
			probe := &headerProbe{header: http.Header{}}
			h.ServeHTTP(probe, r)
			if allow := probe.header.Get("Allow"); allow != "" {
				rec.Header().Set("Allow", allow)
			}
			msg := "no such page: " + r.URL.Path
			if probe.status == http.StatusMethodNotAllowed {
				msg = fmt.Sprintf("method %s not allowed on %s", r.Method, r.URL.Path)
			}
			s.fail(rec, r, probe.status, msg)
			return
		}
		s.mux.ServeHTTP(rec, r)
	})
}

// setSecurityHeaders applies to every response. The policy allows scripts
// and styles from this server only: no inline script or handler runs, even
// if some text escaped escaping.
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// headerProbe records what the mux's fallback handler would answer.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header { return p.header }
func (p *headerProbe) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}
func (p *headerProbe) Write(b []byte) (int, error) {
	p.WriteHeader(http.StatusOK)
	return len(b), nil
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// authorized reports whether a write may proceed: always when no token is
// configured, else when the request carries it as a bearer token or (from
// the web page's forms) as the "token" form field.
func (s *Server) authorized(r *http.Request, formToken string) bool {
	if s.cfg.Token == "" {
		return true
	}
	got := formToken
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, tok, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return false
		}
		got = strings.TrimSpace(tok)
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) == 1
}

// IsLoopback reports whether addr (host:port, as for --addr) binds only to
// the loopback interface. An empty host binds every interface.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// Serve serves on ln until ctx is cancelled, then shuts down gracefully:
// it stops accepting, lets in-flight requests finish (up to
// ShutdownTimeout) and returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.state.Store(stateServing)
	select {
	case err := <-errc:
		s.state.Store(stateStopping)
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	s.state.Store(stateStopping)
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	}
	return nil
}
