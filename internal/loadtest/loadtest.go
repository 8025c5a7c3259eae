// Package loadtest drives an unspun server with concurrent clients that
// post articles to /api/v1/analyze, and reports throughput, latency
// percentiles and errors.
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
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
}

// Report is the outcome of a run.
type Report struct {
	Requests int
	Errors   int
	// ErrorSamples holds the first few distinct error messages.
	ErrorSamples []string
	Elapsed      time.Duration
	P50, P90     time.Duration
	P99, Max     time.Duration
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
	for _, e := range r.ErrorSamples {
		fmt.Fprintf(&b, "  error: %s\n", e)
	}
	return b.String()
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
	url := strings.TrimRight(cfg.BaseURL, "/") + fmt.Sprintf("/api/v1/analyze?store=%t", cfg.Store)
	client := &http.Client{
		Timeout:   30 * time.Second,
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
	)
	record := func(d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs++
			if msg := err.Error(); len(samples) < 5 && !slices.Contains(samples, msg) {
				samples = append(samples, msg)
			}
			return
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
	start := time.Now()
	var wg sync.WaitGroup
	for range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body()))
				if err != nil {
					record(0, err)
					return
				}
				req.Header.Set("Content-Type", "application/json")
				if cfg.Token != "" {
					req.Header.Set("Authorization", "Bearer "+cfg.Token)
				}
				// Requests are not cancelled at the deadline: a request
				// in flight finishes and counts, so the end of the run
				// does not show up as errors.
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					record(0, err)
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				d := time.Since(t0)
				if err == nil && resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("status %s", resp.Status)
				}
				record(d, err)
			}
		}()
	}
	wg.Wait()
	rep := &Report{Requests: len(latencies) + errs, Errors: errs, ErrorSamples: samples, Elapsed: time.Since(start)}
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
