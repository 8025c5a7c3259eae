package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Text string }
		if r.URL.Path != "/api/v1/analyze" || r.URL.Query().Get("store") != "true" ||
			r.Header.Get("Authorization") != "Bearer tok" || json.NewDecoder(r.Body).Decode(&body) != nil ||
			!strings.HasPrefix(body.Text, "article") {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		// Every tenth request fails, so errors must be counted.
		if n.Add(1)%10 == 0 {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	rep, err := Run(context.Background(), Config{BaseURL: srv.URL, Clients: 4, Duration: 300 * time.Millisecond,
		Articles: []string{"article one", "article two"}, Store: true, Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	if int64(rep.Requests) != n.Load() || rep.Requests < 10 {
		t.Errorf("report counts %d requests, server saw %d", rep.Requests, n.Load())
	}
	if want := int(n.Load() / 10); rep.Errors != want {
		t.Errorf("errors = %d, want %d", rep.Errors, want)
	}
	if len(rep.ErrorSamples) != 1 || !strings.Contains(rep.ErrorSamples[0], "500") {
		t.Errorf("error samples = %q", rep.ErrorSamples)
	}
	if !(rep.P50 <= rep.P90 && rep.P90 <= rep.P99 && rep.P99 <= rep.Max && rep.Max > 0) {
		t.Errorf("percentiles out of order: %+v", rep)
	}
	if !strings.Contains(rep.String(), "requests/s") {
		t.Errorf("report text = %q", rep.String())
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{Clients: 0, Duration: time.Second, Articles: []string{"a"}},
		{Clients: MaxClients + 1, Duration: time.Second, Articles: []string{"a"}},
		{Clients: 1, Duration: 0, Articles: []string{"a"}},
		{Clients: 1, Duration: time.Hour, Articles: []string{"a"}},
		{Clients: 1, Duration: time.Second},
	} {
		if _, err := Run(context.Background(), cfg); err == nil {
			t.Errorf("Run(%+v) succeeded", cfg)
		}
	}
}

func TestPercentile(t *testing.T) {
	var v []time.Duration
	for i := 1; i <= 100; i++ {
		v = append(v, time.Duration(i))
	}
	for _, tt := range []struct {
		p    float64
		want time.Duration
	}{{50, 50}, {99, 99}, {100, 100}, {1, 1}, {0, 1}} {
		if got := percentile(v, tt.p); got != tt.want {
			t.Errorf("percentile(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if percentile(nil, 50) != 0 {
		t.Error("percentile of nothing is not 0")
	}
}

// TestRunMixed: in mixed mode clients read, search, list and delete only
// what they stored, and the report's tallies match what the server saw.
func TestRunMixed(t *testing.T) {
	var mu sync.Mutex
	live := map[int64]bool{}
	var nextID int64
	var created, deleted, bad int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		var id int64
		switch {
		case r.Method == "POST" && r.URL.Path == "/api/v1/analyze":
			nextID++
			live[nextID] = true
			created++
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"id":%d}`, nextID)
		case r.Method == "GET" && (r.URL.Path == "/api/v1/articles" || r.URL.Path == "/api/v1/stats" || r.URL.Path == "/articles"):
			w.Write([]byte(`{}`))
		case strings.HasPrefix(r.URL.Path, "/api/v1/articles/"):
			fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/api/v1/articles/"), &id)
			if !live[id] {
				bad++
				http.NotFound(w, r)
				return
			}
			if r.Method == "DELETE" {
				delete(live, id)
				deleted++
				w.WriteHeader(http.StatusNoContent)
				return
			}
			w.Write([]byte(`{}`))
		default:
			bad++
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	rep, err := Run(context.Background(), Config{BaseURL: srv.URL, Clients: 5, Duration: 300 * time.Millisecond,
		Articles: []string{"article"}, Store: true, Mixed: true})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if rep.Errors != 0 || bad != 0 {
		t.Errorf("%d errors, %d bad requests: %v", rep.Errors, bad, rep.ErrorSamples)
	}
	if rep.Created != created || rep.Deleted != deleted || deleted == 0 {
		t.Errorf("report: %d created, %d deleted; server: %d, %d", rep.Created, rep.Deleted, created, deleted)
	}
	for _, op := range []string{"analyze", "get", "list", "search", "delete", "stats", "page"} {
		if rep.Ops[op] == 0 {
			t.Errorf("no %s requests: %v", op, rep.Ops)
		}
	}
	if !strings.Contains(rep.String(), "operations ") || !strings.Contains(rep.String(), "204 ") {
		t.Errorf("report lacks the tallies:\n%s", rep)
	}
}
