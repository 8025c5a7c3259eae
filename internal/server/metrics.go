package server

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// latencyBuckets are the upper bounds, in seconds, of the request latency
// histogram: fine below 100 ms where analysis usually lands, coarse above
// for URL fetches.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type routeKey struct {
	route string
	code  int
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      uint64
}

// metrics are kept by hand in the Prometheus text format (version 0.0.4)
// rather than pulling in a client library for four series.
type metrics struct {
	mu       sync.Mutex
	requests map[routeKey]uint64
	latency  map[string]*histogram
	articles uint64
	models   map[string]bool
}

func newMetrics() *metrics {
	return &metrics{requests: map[routeKey]uint64{}, latency: map[string]*histogram{}, models: map[string]bool{}}
}

func (m *metrics) observe(route string, code int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	sec := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[routeKey{route, code}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets)+1)}
		m.latency[route] = h
	}
	i := sort.SearchFloat64s(latencyBuckets, sec)
	h.counts[i]++
	h.sum += sec
	h.n++
}

func (m *metrics) analysed(model string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.articles++
	if model != "" {
		m.models[model] = true
	}
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	b.WriteString("# HELP unspun_http_requests_total HTTP requests by route and status code.\n")
	b.WriteString("# TYPE unspun_http_requests_total counter\n")
	keys := make([]routeKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].route != keys[j].route {
			return keys[i].route < keys[j].route
		}
		return keys[i].code < keys[j].code
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "unspun_http_requests_total{route=\"%s\",code=\"%d\"} %d\n", labelEscaper.Replace(k.route), k.code, m.requests[k])
	}
	b.WriteString("# HELP unspun_http_request_duration_seconds HTTP request latency by route.\n")
	b.WriteString("# TYPE unspun_http_request_duration_seconds histogram\n")
	for _, r := range slices.Sorted(maps.Keys(m.latency)) {
		h := m.latency[r]
		lr := labelEscaper.Replace(r)
		var cum uint64
		for i, le := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(&b, "unspun_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %d\n", lr, strconv.FormatFloat(le, 'g', -1, 64), cum)
		}
		fmt.Fprintf(&b, "unspun_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", lr, h.n)
		fmt.Fprintf(&b, "unspun_http_request_duration_seconds_sum{route=\"%s\"} %s\n", lr, strconv.FormatFloat(h.sum, 'g', -1, 64))
		fmt.Fprintf(&b, "unspun_http_request_duration_seconds_count{route=\"%s\"} %d\n", lr, h.n)
	}
	b.WriteString("# HELP unspun_articles_analysed_total Articles analysed since the server started.\n")
	b.WriteString("# TYPE unspun_articles_analysed_total counter\n")
	fmt.Fprintf(&b, "unspun_articles_analysed_total %d\n", m.articles)
	b.WriteString("# HELP unspun_model_info The model version that produced analyses (value always 1).\n")
	b.WriteString("# TYPE unspun_model_info gauge\n")
	for _, v := range slices.Sorted(maps.Keys(m.models)) {
		fmt.Fprintf(&b, "unspun_model_info{version=\"%s\"} 1\n", labelEscaper.Replace(v))
	}
	io.WriteString(w, b.String())
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.write(w)
}
