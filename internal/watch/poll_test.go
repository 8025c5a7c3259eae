package watch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"unspun/internal/fetch"
	"unspun/internal/store"
)

// rss renders a feed of the given links.
func rss(title string, links ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>http://example.com/</link>`, title)
	for i, l := range links {
		fmt.Fprintf(&b, `<item><title>Item %d</title><link>%s</link></item>`, i+1, l)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func testPoller(s Store) *Poller {
	return &Poller{Store: s, Client: fetch.New(fetch.Options{AllowPrivate: true, Timeout: 2 * time.Second}).HTTPClient(),
		Hosts: &Hosts{PerHost: 2}, Timeout: 500 * time.Millisecond}
}

func TestPollConditionalGET(t *testing.T) {
	var etagHits, lmHits, full atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/etag.xml", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			etagHits.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full.Add(1)
		w.Header().Set("ETag", `"v1"`)
		fmt.Fprint(w, rss("Etag News", "http://a.example/1", "http://a.example/2?x=1#top", "/relative"))
	})
	mux.HandleFunc("/lm.xml", func(w http.ResponseWriter, r *http.Request) {
		const lm = "Tue, 01 Dec 2026 10:00:00 GMT"
		if r.Header.Get("If-Modified-Since") == lm {
			lmHits.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full.Add(1)
		w.Header().Set("Last-Modified", lm)
		fmt.Fprint(w, rss("LM News", "http://b.example/1"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	m := &memStore{}
	p := testPoller(m)
	ctx := context.Background()
	etag := m.addFeed(store.Feed{URL: srv.URL + "/etag.xml", Every: time.Minute})
	lm := m.addFeed(store.Feed{URL: srv.URL + "/lm.xml", Every: time.Minute})
	for range 2 {
		for _, id := range []int64{etag, lm} {
			if err := p.Poll(ctx, m.feed(id)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if full.Load() != 2 || etagHits.Load() != 1 || lmHits.Load() != 1 {
		t.Errorf("full answers %d, 304 by ETag %d, by Last-Modified %d; want 2, 1, 1", full.Load(), etagHits.Load(), lmHits.Load())
	}
	f := m.feed(etag)
	if f.Title != "Etag News" || f.ETag != `"v1"` || f.Failures != 0 || f.LastPoll.IsZero() {
		t.Errorf("feed after polls: %+v", f)
	}
	if d := f.NextPoll.Sub(f.LastPoll); d != time.Minute {
		t.Errorf("next poll %v after the last; want 1m", d)
	}
	items, _ := m.snapshot()
	var got []string
	for _, it := range items {
		got = append(got, it.CanonicalURL)
	}
	want := []string{"http://a.example/1", "http://a.example/2?x=1", srv.URL + "/relative", "http://b.example/1"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("items %q, want %q", got, want)
	}
}

func TestPollBadFeedsAreRecordedFailures(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!doctype html><html><body><p>A web page, not a feed.</p></body></html>")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>`)
		w.Write([]byte(strings.Repeat("a", 2<<20)))
	})
	mux.HandleFunc("/laughs", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><rss version="2.0"><channel><title>&lol3;</title><item><link>http://c.example/1</link></item></channel></rss>`)
	})
	mux.HandleFunc("/xxe", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&xxe;</title><item><link>http://c.example/2</link></item></channel></rss>`)
	})
	mux.HandleFunc("/binary", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte{0, 1, 2, 0xff, 0xfe, 0}) })
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><link>http://c.example/3`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, tc := range []struct{ path, reason string }{
		{"/html", "not an RSS, Atom or JSON feed"},
		{"/missing", "server answered 404"},
		{"/slow", "no answer within"},
		{"/huge", "feed larger than"},
		{"/binary", "not an RSS, Atom or JSON feed"},
		{"/broken", ""},
		{"/laughs", ""},
		{"/xxe", ""},
		{"http://127.0.0.1:1/closed", "refused"},
		{"ftp://example.com/feed", "not an http(s) URL"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			m := &memStore{}
			p := testPoller(m)
			p.MaxBytes = 1 << 20
			u := tc.path
			if strings.HasPrefix(u, "/") {
				u = srv.URL + u
			}
			id := m.addFeed(store.Feed{URL: u, Every: time.Minute})
			err := p.Poll(context.Background(), m.feed(id))
			f := m.feed(id)
			items, _ := m.snapshot()
			if err == nil {
				// Hostile but well-formed documents may parse; what
				// matters is no crash, no file read, no expansion bomb.
				if tc.reason != "" {
					t.Fatalf("poll succeeded; want a failure %q", tc.reason)
				}
				if strings.Contains(f.Title, "root:") || len(f.Title) > 1000 {
					t.Errorf("title %q: an entity was expanded", f.Title[:min(len(f.Title), 80)])
				}
				return
			}
			var pe *PollError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *PollError", err)
			}
			if !strings.Contains(f.LastError, tc.reason) || f.Failures != 1 {
				t.Errorf("recorded failures %d, last error %q; want 1 and %q", f.Failures, f.LastError, tc.reason)
			}
			if d := f.NextPoll.Sub(f.LastPoll); d != time.Minute {
				t.Errorf("first failure: next poll after %v; want 1m", d)
			}
			if len(items) != 0 {
				t.Errorf("%d items recorded from a failed poll", len(items))
			}
			// A second failure doubles the wait.
			p.Poll(context.Background(), m.feed(id))
			if f := m.feed(id); f.Failures != 2 || f.NextPoll.Sub(f.LastPoll) != 2*time.Minute {
				t.Errorf("second failure: failures %d, next poll after %v; want 2, 2m", f.Failures, f.NextPoll.Sub(f.LastPoll))
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		every    time.Duration
		failures int
		want     time.Duration
	}{
		{15 * time.Minute, 1, 15 * time.Minute},
		{15 * time.Minute, 2, 30 * time.Minute},
		{15 * time.Minute, 4, 2 * time.Hour},
		{15 * time.Minute, 40, MaxBackoff},
		{48 * time.Hour, 1, MaxBackoff},
	} {
		if got := Backoff(tc.every, tc.failures); got != tc.want {
			t.Errorf("Backoff(%v, %d) = %v, want %v", tc.every, tc.failures, got, tc.want)
		}
	}
}

func TestPollDueHonoursPerHostLimitAndDelay(t *testing.T) {
	var mu sync.Mutex
	var running, peak int
	var starts []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		running++
		peak = max(peak, running)
		starts = append(starts, time.Now())
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		running--
		mu.Unlock()
		fmt.Fprint(w, rss("Same host", "http://d.example"+r.URL.Path))
	}))
	defer srv.Close()
	m := &memStore{}
	p := testPoller(m)
	p.Hosts = &Hosts{PerHost: 1, Delay: 30 * time.Millisecond}
	p.Concurrency = 6
	for i := range 6 {
		m.addFeed(store.Feed{URL: fmt.Sprintf("%s/f%d", srv.URL, i), Every: time.Hour})
	}
	n, err := p.PollDue(context.Background())
	if err != nil || n != 6 {
		t.Fatalf("PollDue = %d, %v; want 6 feeds", n, err)
	}
	if peak != 1 {
		t.Errorf("%d requests at once to one host; want 1", peak)
	}
	// Starts are spaced by the delay (measured at the server, so allow
	// for the jitter of connecting).
	if span := starts[len(starts)-1].Sub(starts[0]); span < 5*30*time.Millisecond*9/10 {
		t.Errorf("6 requests started within %v; want at least 5 delays of 30ms", span)
	}
	// Claimed feeds are not due again until their poll sets the next.
	if n, _ := p.PollDue(context.Background()); n != 0 {
		t.Errorf("%d feeds due right after polling; want 0", n)
	}
}
