// Package feedserver is a local news site for tests and benchmarks of the
// feed watcher: feeds of many items on 127.0.0.1, whose articles include
// the awkward cases a real newsroom meets, each known in advance so that a
// test can check every item's outcome: the same article linked twice (once
// with tracking parameters), syndicated copies (the same text under another
// URL), pages that are gone (404) and slow pages. Items may be revealed over
// time, so that a benchmark can measure the time from an item appearing in
// a feed to its analysis being stored.
package feedserver

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Kind is what an item's link leads to.
type Kind string

// The kinds of item.
const (
	Article  Kind = "article"  // a page of its own
	Tracking Kind = "tracking" // the previous item's page, linked with utm_* parameters (in another feed)
	Copy     Kind = "copy"     // the previous item's text under its own URL (syndicated)
	Gone     Kind = "gone"     // 404
	Slow     Kind = "slow"     // a page of its own, answered after Config.SlowDelay
)

// Config configures a Server.
type Config struct {
	// Items is the number of feed items, spread round-robin over Feeds
	// feeds (1 if 0).
	Items, Feeds int
	// Mixed makes some items awkward (tracking duplicates, copies, 404s,
	// slow pages); otherwise every item is a plain article.
	Mixed bool
	// SlowDelay is how long a slow page takes (1 s if 0).
	SlowDelay time.Duration
	// Words is the length of each article (60 if 0).
	Words int
}

// Item is one entry of one feed.
type Item struct {
	Index int
	Feed  int
	Kind  Kind
	// Path is the link's path and query on the server.
	Path string
	// Same is the index of the item whose page or text this one shares
	// (Tracking, Copy), else Index.
	Same int
}

// Server serves the feeds and their articles. Its methods are safe for
// concurrent use.
type Server struct {
	cfg   Config
	items []Item
	srv   *httptest.Server

	mu       sync.Mutex
	revealed int
	at       []time.Time // when each item was revealed
}

// New starts a server on 127.0.0.1 with no item revealed yet.
func New(cfg Config) *Server {
	if cfg.Feeds <= 0 {
		cfg.Feeds = 1
	}
	if cfg.SlowDelay <= 0 {
		cfg.SlowDelay = time.Second
	}
	if cfg.Words <= 0 {
		cfg.Words = 60
	}
	s := &Server{cfg: cfg, at: make([]time.Time, cfg.Items)}
	for i := range cfg.Items {
		it := Item{Index: i, Feed: i % cfg.Feeds, Kind: Article, Same: i, Path: "/a/" + strconv.Itoa(i)}
		if cfg.Mixed && i > 0 {
			switch {
			case i%20 == 7 && cfg.Feeds > 1:
				it.Kind, it.Same = Tracking, i-1
				it.Path = fmt.Sprintf("/a/%d?utm_source=feed&utm_medium=rss", i-1)
			case i%20 == 13:
				it.Kind, it.Same = Copy, i-1
				it.Path = "/copy/" + strconv.Itoa(i)
			case i%25 == 3:
				it.Kind, it.Path = Gone, "/gone/"+strconv.Itoa(i)
			case i%50 == 11:
				it.Kind, it.Path = Slow, "/slow/"+strconv.Itoa(i)
			}
		}
		s.items = append(s.items, it)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feed/{n}", s.feed)
	mux.HandleFunc("GET /a/{i}", s.article)
	mux.HandleFunc("GET /copy/{i}", s.article)
	mux.HandleFunc("GET /slow/{i}", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(s.cfg.SlowDelay):
		case <-r.Context().Done():
			return
		}
		s.article(w, r)
	})
	s.srv = httptest.NewUnstartedServer(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("feedserver: listen on 127.0.0.1: %v", err))
	}
	s.srv.Listener = ln
	s.srv.Start()
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// URL is the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// FeedURLs are the URLs of the feeds.
func (s *Server) FeedURLs() []string {
	out := make([]string, s.cfg.Feeds)
	for i := range out {
		out[i] = fmt.Sprintf("%s/feed/%d", s.srv.URL, i)
	}
	return out
}

// Items are every item, revealed or not.
func (s *Server) Items() []Item { return s.items }

// Reveal makes the first n items appear in their feeds (n is capped at
// the number of items; revealing fewer than shown is a no-op).
func (s *Server) Reveal(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n = min(n, len(s.items))
	now := time.Now()
	for i := s.revealed; i < n; i++ {
		s.at[i] = now
	}
	s.revealed = max(s.revealed, n)
}

// RevealedAt is when item i appeared (zero if not yet).
func (s *Server) RevealedAt(i int) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.at[i]
}

// ItemOf returns the item whose link path ends path ("/a/12", "/gone/3");
// ok is false for none.
func (s *Server) ItemOf(rawURL string) (Item, bool) {
	p := strings.TrimPrefix(rawURL, s.srv.URL)
	for _, it := range s.items {
		if it.Path == p {
			return it, true
		}
	}
	return Item{}, false
}

func (s *Server) feed(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n >= s.cfg.Feeds {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	revealed := s.revealed
	s.mu.Unlock()
	etag := fmt.Sprintf(`"r%d"`, revealed)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Local Wire %d</title><link>%s/</link><description>test feed</description>`, n, s.srv.URL)
	// Newest first, as news feeds list them.
	for i := revealed - 1; i >= 0; i-- {
		it := s.items[i]
		if it.Feed != n {
			continue
		}
		fmt.Fprintf(&b, `<item><title>Story %d</title><link>%s%s</link><guid>item-%d</guid></item>`,
			it.Index, s.srv.URL, strings.ReplaceAll(it.Path, "&", "&amp;"), it.Index)
	}
	b.WriteString(`</channel></rss>`)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Header().Set("ETag", etag)
	fmt.Fprint(w, b.String())
}

func (s *Server) article(w http.ResponseWriter, r *http.Request) {
	i, err := strconv.Atoi(r.PathValue("i"))
	if err != nil || i < 0 || i >= len(s.items) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprint(w, Text(s.items[i].Same, s.cfg.Words))
}

// words are the vocabulary of the generated articles: news prose with
// some loaded words, so that the analysis has something to find.
var words = strings.Fields(`the minister said council plan budget vote city officials
	disaster shameful brave heroes corrupt elite people nation future reform critics warned
	crisis workers families schools hospitals report tuesday announced opposition leaders
	claimed promised outrageous historic years million support against new law week`)

// Text is the article text of item i: a headline sentence naming i (so
// that every article's text differs) and about n words of prose.
func Text(i, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Report number %d from the local wire.\n\n", i)
	x := uint32(i*2654435761 + 1)
	for w := 0; w < n; w++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteString(words[int(x%uint32(len(words)))])
		if w%12 == 11 {
			b.WriteString(". ")
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteString("end.")
	return b.String()
}
