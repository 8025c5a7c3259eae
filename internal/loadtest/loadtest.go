// Package loadtest drives an unspun server with concurrent clients that
// post articles to /api/v1/analyze (or, in mixed mode, also read, search
// and delete), and reports throughput, latency percentiles and errors.
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits keep a mistyped flag from becoming a denial of service.
const (
	MaxClients  = 1000
	MaxDuration = 10 * time.Minute
)

// Config describes a load run.
type Config struct {
	// BaseURL is the server, e.g. http://127.0.0.1:8080.
	BaseURL string
	// Clients is the number of concurrent clients, each sending one
	// request at a time.
	Clients  int
	Duration time.Duration
	// Articles are the texts to post, in turn; each request appends its
	// number so that stored articles differ.
	Articles []string
	// Store is the store query parameter.
	Store bool
	// Token, if set, is sent as a bearer token.
	Token string
	// Mixed makes each client cycle through writes, reads, searches,
	// statistics and deletes (see mixedCycle) instead of only posting.
	// Every answer must be a success: a client reads and deletes only
	// the articles it stored itself.
	Mixed bool
}

// mixedCycle is what each client does in turn in mixed mode: three
// analyses (stored) for each delete, and reads of every kind between.
var mixedCycle = []string{"analyze", "get", "list", "analyze", "search", "delete", "stats", "get", "analyze", "page"}

// Report is the outcome of a run.
type Report struct {
	Requests int
	Errors   int
	// ErrorSamples holds the first few distinct error messages.
	ErrorSamples []string
	Elapsed      time.Duration
	P50, P90     time.Duration
	P99, Max     time.Duration
	// Ops counts requests by operation; Statuses by HTTP status.
	Ops      map[string]int
	Statuses map[int]int
	// Created is the number of articles newly stored (201), Deleted the
	// number deleted (204): the store should end with Created - Deleted
	// more articles than it started with.
	Created, Deleted int
}

// RequestsPerSecond is the rate of completed requests.
func (r *Report) RequestsPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// String formats the report for people.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "requests   %d in %.1fs (%.1f requests/s)\n", r.Requests, r.Elapsed.Seconds(), r.RequestsPerSecond())
	fmt.Fprintf(&b, "errors     %d\n", r.Errors)
	fmt.Fprintf(&b, "latency    p50 %s  p90 %s  p99 %s  max %s\n", ms(r.P50), ms(r.P90), ms(r.P99), ms(r.Max))
	if len(r.Ops) > 1 {
		fmt.Fprintf(&b, "operations %s\n", counts(r.Ops))
	}
	if len(r.Statuses) > 0 {
		st := map[string]int{}
		for code, n := range r.Statuses {
			st[strconv.Itoa(code)] = n
		}
		fmt.Fprintf(&b, "statuses   %s\n", counts(st))
	}
	fmt.Fprintf(&b, "stored     %d created, %d deleted\n", r.Created, r.Deleted)
	for _, e := range r.ErrorSamples {
		fmt.Fprintf(&b, "  error: %s\n", e)
	}
	return b.String()
}

// counts formats a tally as "a 3, b 1" in key order.
func counts(m map[string]int) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }

// Run sends requests until cfg.Duration has passed or ctx is cancelled.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	switch {
	case cfg.Clients < 1 || cfg.Clients > MaxClients:
		return nil, fmt.Errorf("loadtest: %d clients: want 1 to %d", cfg.Clients, MaxClients)
	case cfg.Duration <= 0 || cfg.Duration > MaxDuration:
		return nil, fmt.Errorf("loadtest: duration %s: want more than 0 and at most %s", cfg.Duration, MaxDuration)
	case len(cfg.Articles) == 0:
		return nil, errors.New("loadtest: no articles to send")
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	client := &http.Client{
		// Longer than the server's own request deadline, so that its
		// answer (even a 503 or 504) arrives rather than a client
		// timeout.
		Timeout:   90 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Clients, MaxConnsPerHost: cfg.Clients, Proxy: nil},
	}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()

	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      int
		samples   []string
		next      int
		rep       = &Report{Ops: map[string]int{}, Statuses: map[int]int{}}
	)
	record := func(op string, status int, d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		rep.Ops[op]++
		if status != 0 {
			rep.Statuses[status]++
		}
		if err != nil {
			errs++
			if msg := op + ": " + err.Error(); len(samples) < 5 && !slices.Contains(samples, msg) {
				samples = append(samples, msg)
			}
			return
		}
		switch {
		case op == "analyze" && status == http.StatusCreated:
			rep.Created++
		case op == "delete":
			rep.Deleted++
		}
		latencies = append(latencies, d)
	}
	body := func() []byte {
		mu.Lock()
		n := next
		next++
		mu.Unlock()
		text := cfg.Articles[n%len(cfg.Articles)] + fmt.Sprintf("\n\n(load request %d)\n", n)
		b, _ := json.Marshal(map[string]string{"text": text, "source": fmt.Sprintf("load-%d.example", n%5)})
		return b
	}
	// do sends one request; ok lists the statuses that count as success.
	do := func(op, method, path string, payload []byte, ok ...int) []byte {
		var rd io.Reader
		if payload != nil {
			rd = bytes.NewReader(payload)
		}
		req, err := http.NewRequest(method, base+path, rd)
		if err != nil {
			record(op, 0, 0, err)
			return nil
		}
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if cfg.Token != "" {
			req.Header.Set("Authorization", "Bearer "+cfg.Token)
		}
		// Requests are not cancelled at the deadline: a request in
		// flight finishes and counts, so the end of the run does not
		// show up as errors.
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			record(op, 0, 0, err)
			return nil
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && !slices.Contains(ok, resp.StatusCode) {
			msg := strings.TrimSpace(string(b))
			if len(msg) > 200 {
				msg = msg[:200] + "…"
			}
			err = fmt.Errorf("status %s: %s", resp.Status, msg)
		}
		record(op, resp.StatusCode, time.Since(t0), err)
		if err != nil {
			return nil
		}
		return b
	}
	analyzePath := fmt.Sprintf("/api/v1/analyze?store=%t", cfg.Store)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var own []int64 // articles this client stored and has not deleted
			for i := c; ctx.Err() == nil; i++ {
				op := "analyze"
				if cfg.Mixed {
					op = mixedCycle[i%len(mixedCycle)]
					if (op == "get" || op == "delete") && len(own) == 0 {
						op = "list"
					}
				}
				switch op {
				case "analyze":
					b := do(op, http.MethodPost, analyzePath, body(), http.StatusCreated, http.StatusOK)
					var got struct{ ID int64 }
					if b != nil && cfg.Mixed && json.Unmarshal(b, &got) == nil && got.ID > 0 {
						own = append(own, got.ID)
					}
				case "get":
					do(op, http.MethodGet, fmt.Sprintf("/api/v1/articles/%d", own[i%len(own)]), nil, http.StatusOK)
				case "delete":
					if do(op, http.MethodDelete, fmt.Sprintf("/api/v1/articles/%d", own[0]), nil, http.StatusNoContent) != nil {
						own = own[1:]
					}
				case "list":
					do(op, http.MethodGet, "/api/v1/articles?per_page=20", nil, http.StatusOK)
				case "search":
					do(op, http.MethodGet, "/api/v1/articles?q=load+request&source=load-1.example", nil, http.StatusOK)
				case "stats":
					do(op, http.MethodGet, "/api/v1/stats?by="+[]string{"source", "technique", "day"}[i%3], nil, http.StatusOK)
				case "page":
					do(op, http.MethodGet, "/articles?page=2", nil, http.StatusOK)
				}
			}
		}()
	}
	wg.Wait()
	rep.Requests, rep.Errors, rep.ErrorSamples, rep.Elapsed = len(latencies)+errs, errs, samples, time.Since(start)
	slices.Sort(latencies)
	if n := len(latencies); n > 0 {
		rep.P50, rep.P90, rep.P99, rep.Max = percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99), latencies[n-1]
	}
	return rep, nil
}

// percentile returns the nearest-rank p-th percentile of sorted values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(rank, len(sorted)-1))]
}
