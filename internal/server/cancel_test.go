package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"unspun/internal/analysis"
)

// blockingAnalyzer stands for a long analysis: it runs until its context
// ends (or, when deaf, until release is closed, ignoring the context) and
// records how it ended.
type blockingAnalyzer struct {
	deaf     bool
	started  chan struct{} // receives once per Analyze call
	release  chan struct{}
	mu       sync.Mutex
	canceled []error // the context's error seen by each call that ended
}

func newBlocking(deaf bool) *blockingAnalyzer {
	return &blockingAnalyzer{deaf: deaf, started: make(chan struct{}, 16), release: make(chan struct{})}
}

func (b *blockingAnalyzer) Analyze(ctx context.Context, id, text string) (*analysis.Result, error) {
	b.started <- struct{}{}
	if b.deaf {
		<-b.release
	} else {
		select {
		case <-ctx.Done():
		case <-b.release:
		}
	}
	b.mu.Lock()
	b.canceled = append(b.canceled, ctx.Err())
	b.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return (&keywordAnalyzer{}).Analyze(ctx, id, text)
}

func (b *blockingAnalyzer) ends() []error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]error(nil), b.canceled...)
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestAnalysisDeadline: an analysis that runs past AnalysisTimeout is
// cancelled and the client gets 504 with a reason, even when the analyzer
// does not notice the cancellation; nothing is stored for it.
func TestAnalysisDeadline(t *testing.T) {
	for _, deaf := range []bool{false, true} {
		a := newBlocking(deaf)
		f := newFixture(t, Config{Analyzer: a, AnalysisTimeout: 100 * time.Millisecond})
		start := time.Now()
		rec := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"A terrible day."}`})
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("deaf=%v: answered after %s", deaf, took)
		}
		if rec.Code != http.StatusGatewayTimeout || !strings.Contains(jsonBody(t, rec)["error"].(string), "did not finish within 100ms") {
			t.Errorf("deaf=%v: %d %s, want 504 with a reason", deaf, rec.Code, rec.Body)
		}
		close(a.release)
		waitFor(t, "the analysis to end", func() bool { return len(a.ends()) == 1 })
		if !deaf && a.ends()[0] != context.DeadlineExceeded {
			t.Errorf("the analyzer's context ended with %v, want DeadlineExceeded", a.ends()[0])
		}
		if n, _ := f.store.Count(context.Background()); n != 0 {
			t.Errorf("deaf=%v: %d articles stored for a request answered 504", deaf, n)
		}
	}
}

// TestClientGoneCancelsAnalysis: a client that disconnects cancels the
// analysis it asked for, over a real connection.
func TestClientGoneCancelsAnalysis(t *testing.T) {
	a := newBlocking(false)
	f := newFixture(t, Config{Analyzer: a})
	ts := httptest.NewServer(f.h)
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/api/v1/analyze", strings.NewReader(`{"text":"A terrible day."}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-a.started
	cancel()
	<-errc
	waitFor(t, "the analysis to be cancelled", func() bool { return len(a.ends()) == 1 })
	if a.ends()[0] != context.Canceled {
		t.Errorf("the analyzer's context ended with %v, want Canceled", a.ends()[0])
	}
	if n, _ := f.store.Count(context.Background()); n != 0 {
		t.Errorf("%d articles stored for a client that left", n)
	}
}

// TestBusy: a request that cannot start an analysis within QueueTimeout,
// for want of a slot or of text budget, gets 503 with Retry-After and a
// reason; once the running analysis ends, requests pass again.
func TestBusy(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  Config
	}{
		{"slots", Config{MaxAnalyses: 1}},
		{"text budget", Config{MaxAnalyses: 4, MaxTextBytes: 30}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := newBlocking(false)
			tt.cfg.Analyzer, tt.cfg.QueueTimeout = a, 50*time.Millisecond
			f := newFixture(t, tt.cfg)
			first := make(chan int, 1)
			go func() {
				first <- f.do(t, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"A terrible day, truly."}`}).Code
			}()
			<-a.started
			rec := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"Another terrible day."}`})
			if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" ||
				!strings.Contains(jsonBody(t, rec)["error"].(string), "busy") {
				t.Errorf("second request = %d %s (Retry-After %q), want 503 busy with Retry-After", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
			}
			form := f.do(t, call{method: "POST", path: "/analyze", body: "text=Yet+another+terrible+day.", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
			if form.Code != http.StatusServiceUnavailable || form.Header().Get("Retry-After") == "" || !strings.Contains(form.Body.String(), "busy") {
				t.Errorf("form while busy = %d (Retry-After %q)", form.Code, form.Header().Get("Retry-After"))
			}
			close(a.release)
			if c := <-first; c != http.StatusCreated {
				t.Errorf("first request = %d", c)
			}
			if c := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"A third day."}`}).Code; c != http.StatusCreated {
				t.Errorf("request after the analysis ended = %d", c)
			}
		})
	}
}
