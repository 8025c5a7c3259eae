package server

import (
	"net/http"
	"time"

	"unspun/internal/metrics"
)

// serverMetrics are the server's Prometheus collectors (internal/metrics): a
// Set shared with the feed watcher and job workers of the same process,
// so one /metrics shows them all.
type serverMetrics struct{ set *metrics.Set }

func newMetrics(set *metrics.Set) *serverMetrics {
	if set == nil {
		set = metrics.New()
	}
	return &serverMetrics{set: set}
}

func (m *serverMetrics) observe(route string, code int, d time.Duration) {
	m.set.Request(route, code, d)
}

func (m *serverMetrics) analysed(model string) { m.set.Analysed(model) }

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	s.metrics.set.Handler().ServeHTTP(w, r)
}
