package watch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"unspun/internal/analysis"
	"unspun/internal/fetch"
	"unspun/internal/store"
)

// wordsAnalyzer is an Analyzer test double: it counts words and finds no
// techniques, so these tests need no model.
type wordsAnalyzer struct{}

func (wordsAnalyzer) Analyze(_ context.Context, _, text string) (*analysis.Result, error) {
	if strings.TrimSpace(text) == "" {
		return nil, analysis.ErrEmpty
	}
	return &analysis.Result{Text: text, Words: len(strings.Fields(text)), Model: "words-1"}, nil
}

// articleServer serves /a/N as a small article page, /gone/N as 404,
// /flaky/N as 503 on its first fails answers, /down/N always 503, and
// /feed/NAME as a feed of the links given for NAME.
func articleServer(t *testing.T, feeds map[string][]string, fails int) *httptest.Server {
	var flaky atomic.Int32
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "Article %s. The minister said the plan was a disaster for everyone.", r.URL.Path)
	}
	mux.HandleFunc("/a/", page)
	mux.HandleFunc("/flaky/", func(w http.ResponseWriter, r *http.Request) {
		if int(flaky.Add(1)) <= fails {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		page(w, r)
	})
	mux.HandleFunc("/down/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/empty/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
	})
	var srv *httptest.Server
	mux.HandleFunc("/feed/", func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/feed/")
		var links []string
		for _, l := range feeds[name] {
			links = append(links, srv.URL+l)
		}
		fmt.Fprint(w, rss("Feed "+name, links...))
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func testProcessor(m *memStore) *Processor {
	return &Processor{Items: m, Fetcher: fetch.New(fetch.Options{AllowPrivate: true, Timeout: 2 * time.Second}),
		Analyzer: wordsAnalyzer{}, Hosts: &Hosts{PerHost: 4}}
}

func TestPermanent(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&fetch.StatusError{Code: 404, Status: "404 Not Found"}, true},
		{fmt.Errorf("x: %w", &fetch.StatusError{Code: 410}), true},
		{&fetch.StatusError{Code: 503}, false},
		{&fetch.StatusError{Code: 429}, false},
		{&fetch.RefusedError{Addr: "10.0.0.1", Reason: "private"}, true},
		{fmt.Errorf("fetch x: %w", fetch.ErrNoText), true},
		{fmt.Errorf("analyse: %w", analysis.ErrEmpty), true},
		{context.DeadlineExceeded, false},
		{fmt.Errorf("connection refused"), false},
	} {
		if got := Permanent(tc.err); got != tc.want {
			t.Errorf("Permanent(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestProcessStoresUnderFeedTitleAndMarksDuplicates(t *testing.T) {
	srv := articleServer(t, nil, 0)
	m := &memStore{}
	ctx := context.Background()
	f1 := m.addFeed(store.Feed{URL: srv.URL + "/feed/one", Title: "One Times"})
	f2 := m.addFeed(store.Feed{URL: srv.URL + "/feed/two", Title: "Two Post"})
	u := srv.URL + "/a/1"
	m.AddItems(ctx, f1, "", []store.FeedItem{{URL: u, CanonicalURL: u, Title: "From one"}})
	m.AddItems(ctx, f2, "", []store.FeedItem{{URL: u, CanonicalURL: u, Title: "From two"}})
	p := testProcessor(m)
	out, err := p.Process(ctx, u, u)
	if err != nil {
		t.Fatal(err)
	}
	if out.Stored != 1 || out.Duplicate != 1 || out.ArticleID != 1 {
		t.Errorf("outcome %+v; want one stored, one duplicate, article 1", out)
	}
	items, arts := m.snapshot()
	if len(arts) != 1 || arts[0].Source != "One Times" || arts[0].URL != u {
		t.Fatalf("articles %+v; want one, source One Times", arts)
	}
	if items[0].State != store.ItemStored || items[1].State != store.ItemDuplicate || items[1].ArticleID != 1 {
		t.Errorf("items %+v", items)
	}
	// Nothing queued any more: a rerun of the job does nothing.
	if out, err := p.Process(ctx, u, u); err != nil || out.ArticleID != 0 {
		t.Errorf("rerun: %+v, %v; want nothing done", out, err)
	}
	// A later feed with the same article: a duplicate, not a second row.
	f3 := m.addFeed(store.Feed{URL: srv.URL + "/feed/three", Title: "Three"})
	m.AddItems(ctx, f3, "", []store.FeedItem{{URL: u, CanonicalURL: u}})
	if out, err := p.Process(ctx, u, u); err != nil || out.Duplicate != 1 || out.Stored != 0 {
		t.Errorf("third feed: %+v, %v; want a duplicate", out, err)
	}
	if _, arts := m.snapshot(); len(arts) != 1 {
		t.Errorf("%d articles; want 1", len(arts))
	}
}

func TestProcessErrors(t *testing.T) {
	srv := articleServer(t, nil, 0)
	for _, tc := range []struct {
		path      string
		permanent bool
		reason    string
	}{
		{"/gone/1", true, "server answered 404"},
		{"/down/1", false, "server answered 503"},
		{"/empty/1", true, "no readable article text"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			m := &memStore{}
			ctx := context.Background()
			f := m.addFeed(store.Feed{URL: srv.URL + "/feed/x", Title: "X"})
			u := srv.URL + tc.path
			m.AddItems(ctx, f, "", []store.FeedItem{{URL: u, CanonicalURL: u}})
			p := testProcessor(m)
			_, err := p.Process(ctx, u, u)
			if err == nil || !strings.Contains(err.Error(), tc.reason) || Permanent(err) != tc.permanent {
				t.Fatalf("error %v (permanent %v); want %q, permanent %v", err, Permanent(err), tc.reason, tc.permanent)
			}
			if err := p.Fail(ctx, u, err, false); err != nil {
				t.Fatal(err)
			}
			items, _ := m.snapshot()
			if items[0].State != store.ItemQueued || items[0].Attempts != 1 || !strings.Contains(items[0].Reason, tc.reason) {
				t.Errorf("after a counted attempt: %+v", items[0])
			}
			p.Fail(ctx, u, err, true)
			if items, _ := m.snapshot(); items[0].State != store.ItemFailed {
				t.Errorf("after the final attempt: %+v", items[0])
			}
		})
	}
}

func TestPoolWorksFeedsToTheEnd(t *testing.T) {
	srv := articleServer(t, map[string][]string{
		"one": {"/a/1", "/a/2?utm_source=x", "/gone/3", "/flaky/4", "/down/5"},
		"two": {"/a/1", "/a/6"},
	}, 2)
	m := &memStore{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m.addFeed(store.Feed{URL: srv.URL + "/feed/one", Every: time.Hour})
	m.addFeed(store.Feed{URL: srv.URL + "/feed/two", Every: time.Hour})
	poller := testPoller(m)
	for id := int64(1); id <= 2; id++ { // in order, so feed one has the first /a/1
		if err := poller.Poll(ctx, m.feed(id)); err != nil {
			t.Fatal(err)
		}
	}
	pool := &Pool{Queue: m, Processor: testProcessor(m), Workers: 3, MaxAttempts: 3, Idle: 10 * time.Millisecond,
		RetryDelay: func(int) time.Duration { return 50 * time.Millisecond }}
	done := make(chan struct{})
	go func() { pool.Run(ctx); close(done) }()
	for {
		q, _ := m.Queued(ctx, 100)
		if len(q) == 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("still queued: %+v", q)
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	<-done
	items, arts := m.snapshot()
	got := map[string]string{}
	for _, it := range items {
		got[fmt.Sprintf("%d %s", it.FeedID, strings.TrimPrefix(it.URL, srv.URL))] = string(it.State)
	}
	want := map[string]string{
		"1 /a/1": "stored", "1 /a/2?utm_source=x": "stored", "1 /gone/3": "failed", "1 /flaky/4": "stored",
		"1 /down/5": "failed", "2 /a/1": "duplicate", "2 /a/6": "stored",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("item states\n got %v\nwant %v", got, want)
	}
	if len(arts) != 4 {
		t.Errorf("%d articles stored; want 4", len(arts))
	}
	for _, it := range items {
		if it.State == store.ItemFailed && it.Reason == "" {
			t.Errorf("failed item %s has no reason", it.URL)
		}
		if strings.HasSuffix(it.URL, "/down/5") && it.Attempts != 3 {
			t.Errorf("transient failure tried %d times; want 3", it.Attempts)
		}
		if strings.HasSuffix(it.URL, "/gone/3") && it.Attempts != 1 {
			t.Errorf("permanent failure tried %d times; want 1", it.Attempts)
		}
	}
}
