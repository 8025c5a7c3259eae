package metrics

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestSetExposesWatcherAndJobSeries(t *testing.T) {
	s := New()
	s.Poll("https://news.example/rss", "ok", 120*time.Millisecond)
	s.Poll("https://news.example/rss", "failed", time.Second)
	s.Items("stored", 3)
	s.Items("failed", 0) // nothing recorded
	s.Job("done", 50*time.Millisecond)
	s.Job("retried", time.Second)
	s.Lag(2 * time.Second)
	s.Model("m-1")
	depth := 7
	s.QueueDepth(func(context.Context) (int, error) { return depth, nil }, nil)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`unspun_feed_polls_total{feed="https://news.example/rss",outcome="failed"} 1`,
		`unspun_feed_poll_duration_seconds_count{feed="https://news.example/rss"} 2`,
		`unspun_feed_items_total{state="stored"} 3`,
		`unspun_jobs_total{result="done"} 1`,
		`unspun_jobs_total{result="retried"} 1`,
		`unspun_item_lag_seconds_count 1`,
		`unspun_queue_depth 7`,
		`unspun_model_info{version="m-1"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(body, `state="failed"`) {
		t.Error("zero items recorded a series")
	}
}

func TestQueueDepthFailureIsMinusOne(t *testing.T) {
	s := New()
	s.QueueDepth(func(context.Context) (int, error) { return 0, errors.New("database down") }, nil)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(rec.Body.String(), "unspun_queue_depth -1") {
		t.Error("a failed depth read is not shown as -1")
	}
}

func TestNilSetRecordsNothing(t *testing.T) {
	var s *Set
	s.Poll("f", "ok", time.Second)
	s.Job("done", time.Second)
	s.Items("stored", 1)
	s.Lag(time.Second)
	s.Analysed("m")
	s.Request("r", 200, time.Second)
	s.QueueDepth(nil, nil)
}
