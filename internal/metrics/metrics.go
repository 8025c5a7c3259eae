// Package metrics holds unspun's Prometheus collectors: HTTP requests of the
// server, feed polls, and the article jobs of workers. One Set is made per
// process (or per test) on its own registry, so tests never share counters
// and nothing is registered globally.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// latencyBuckets are the upper bounds, in seconds, of the latency
// histograms: fine below 100 ms where analysis usually lands, coarse above
// for fetches.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// Set is the collectors of one process. Its methods are safe for
// concurrent use; a nil *Set records nothing, so packages that take one
// work without it.
type Set struct {
	reg *prometheus.Registry

	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	articles prometheus.Counter
	model    *prometheus.GaugeVec

	polls       *prometheus.CounterVec
	pollSeconds *prometheus.HistogramVec
	items       *prometheus.CounterVec

	jobs       *prometheus.CounterVec
	jobSeconds prometheus.Histogram
	lag        prometheus.Histogram
}

// New returns a Set on a fresh registry, which also carries the Go runtime
// and process collectors.
func New() *Set {
	s := &Set{reg: prometheus.NewRegistry()}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "unspun_http_requests_total", Help: "HTTP requests by route and status code.",
	}, []string{"route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "unspun_http_request_duration_seconds", Help: "HTTP request latency by route.", Buckets: latencyBuckets,
	}, []string{"route"})
	s.articles = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "unspun_articles_analysed_total", Help: "Articles analysed since the process started.",
	})
	s.model = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "unspun_model_info", Help: "The model version that produced analyses (value always 1).",
	}, []string{"version"})
	s.polls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "unspun_feed_polls_total", Help: "Feed polls by feed and outcome (ok, not_modified, failed).",
	}, []string{"feed", "outcome"})
	s.pollSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "unspun_feed_poll_duration_seconds", Help: "Time to poll a feed (download, parse, record its items), by feed.", Buckets: latencyBuckets,
	}, []string{"feed"})
	s.items = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "unspun_feed_items_total", Help: "Feed items by the state they reached in this process (queued, stored, duplicate, failed).",
	}, []string{"state"})
	s.jobs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "unspun_jobs_total", Help: "Article jobs worked in this process, by result (done, retried, failed).",
	}, []string{"result"})
	s.jobSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "unspun_job_duration_seconds", Help: "Time to work one article job: fetch, analyse, store.", Buckets: latencyBuckets,
	})
	s.lag = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "unspun_item_lag_seconds", Help: "Time from a feed item being seen to its analysis being stored.", Buckets: latencyBuckets,
	})
	s.reg.MustRegister(s.requests, s.latency, s.articles, s.model, s.polls, s.pollSeconds, s.items,
		s.jobs, s.jobSeconds, s.lag,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return s
}

// Handler serves the registry in the Prometheus text format.
func (s *Set) Handler() http.Handler {
	return promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
}

// Registry is where callers register collectors of their own (such as a
// queue-depth gauge).
func (s *Set) Registry() *prometheus.Registry { return s.reg }

// QueueDepth registers a gauge read from depth at each scrape: the number
// of article jobs waiting or running. A failing read is logged and shown
// as -1 rather than failing the scrape.
func (s *Set) QueueDepth(depth func(ctx context.Context) (int, error), log *slog.Logger) {
	if s == nil {
		return
	}
	s.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "unspun_queue_depth", Help: "Article jobs waiting, retrying or running.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := depth(ctx)
		if err != nil {
			if log != nil {
				log.Warn("queue depth", "err", err)
			}
			return -1
		}
		return float64(n)
	}))
}

// Request records one HTTP request.
func (s *Set) Request(route string, code int, d time.Duration) {
	if s == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	s.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	s.latency.WithLabelValues(route).Observe(d.Seconds())
}

// Analysed records one analysis by the given model version.
func (s *Set) Analysed(model string) {
	if s == nil {
		return
	}
	s.articles.Inc()
	if model != "" {
		s.model.WithLabelValues(model).Set(1)
	}
}

// Model records the model version analyses are made with, before the
// first analysis ("" records nothing).
func (s *Set) Model(version string) {
	if s == nil || version == "" {
		return
	}
	s.model.WithLabelValues(version).Set(1)
}

// Poll records one poll of feed with its outcome: "ok", "not_modified" or
// "failed".
func (s *Set) Poll(feed, outcome string, d time.Duration) {
	if s == nil {
		return
	}
	s.polls.WithLabelValues(feed, outcome).Inc()
	s.pollSeconds.WithLabelValues(feed).Observe(d.Seconds())
}

// Items records n feed items reaching state.
func (s *Set) Items(state string, n int) {
	if s == nil || n == 0 {
		return
	}
	s.items.WithLabelValues(state).Add(float64(n))
}

// Job records one worked job: result is "done", "retried" or "failed".
func (s *Set) Job(result string, d time.Duration) {
	if s == nil {
		return
	}
	s.jobs.WithLabelValues(result).Inc()
	s.jobSeconds.Observe(d.Seconds())
}

// Lag records the time from an item being seen to its article stored.
func (s *Set) Lag(d time.Duration) {
	if s == nil {
		return
	}
	s.lag.Observe(d.Seconds())
}
