package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestHostCheck is DNS rebinding as the issue showed it: a request to the
// loopback server under another name is refused before it reaches a
// handler, so nothing is deleted.
func TestHostCheck(t *testing.T) {
	loop := newFixture(t, Config{})
	seedAPI(t, loop)
	ported := newFixture(t, Config{Hosts: []string{"localhost:18080", "127.0.0.1:18080", "[::1]:18080"}})
	public := newFixture(t, Config{Hosts: []string{"news.example"}, Token: "s3cret"})
	open := newFixture(t, Config{AnyHost: true, Token: "s3cret"})
	tests := []struct {
		name   string
		f      *fixture
		method string
		path   string
		host   string
		status int
	}{
		{"rebinding delete", loop, "DELETE", "/api/v1/articles/1", "evil.example:18080", 421},
		{"rebinding read", loop, "GET", "/api/v1/articles", "evil.example:8080", 421},
		{"rebinding page", loop, "GET", "/", "evil.example", 421},
		{"health by any name", loop, "GET", "/healthz", "10.0.0.5:8080", 200},
		{"metrics by any name", loop, "GET", "/metrics", "10.0.0.5:8080", 200},
		{"readyz by any name", public, "GET", "/readyz", "10.0.0.5:8080", 503}, // answered: not serving yet
		{"loopback IPv4", loop, "GET", "/api/v1/articles", "127.0.0.1:8080", 200},
		{"localhost", loop, "GET", "/api/v1/articles", "LOCALHOST:9999", 200},
		{"loopback IPv6", loop, "GET", "/api/v1/articles", "[::1]:8080", 200},
		{"no port", loop, "GET", "/api/v1/articles", "localhost", 200},
		{"suffix trick", loop, "GET", "/api/v1/articles", "localhost.evil.example", 421},
		{"empty host", loop, "GET", "/api/v1/articles", "", 421},
		{"right port", ported, "GET", "/api/v1/articles", "localhost:18080", 200},
		{"wrong port", ported, "GET", "/api/v1/articles", "localhost:18081", 421},
		{"ipv6 right port", ported, "GET", "/api/v1/articles", "[::1]:18080", 200},
		{"public name", public, "GET", "/api/v1/articles", "news.example", 200},
		{"public name with port", public, "GET", "/api/v1/articles", "news.example:443", 200},
		{"public server under loopback", public, "GET", "/api/v1/articles", "127.0.0.1:8080", 421},
		{"public server other name", public, "GET", "/api/v1/articles", "other.example", 421},
		{"any host", open, "GET", "/api/v1/articles", "whatever.example", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.f.do(t, call{method: tt.method, path: tt.path, header: map[string]string{"Host": tt.host}})
			if rec.Code != tt.status {
				t.Fatalf("%s %s Host %q = %d %s, want %d", tt.method, tt.path, tt.host, rec.Code, rec.Body, tt.status)
			}
			if rec.Code == 421 && !strings.Contains(rec.Body.String(), "does not answer to the name") {
				t.Errorf("421 without a reason: %s", rec.Body)
			}
		})
	}
	if n, _ := loop.store.Count(context.Background()); n != 3 {
		t.Errorf("%d articles after the rebinding delete, want 3", n)
	}
	if _, err := New(Config{Analyzer: &keywordAnalyzer{}, Store: loop.store, Hosts: []string{"http://x/"}}); err == nil {
		t.Error("New accepted a URL as a host name")
	}
}

// TestFormOrigin: page forms that change the store are accepted only from
// the server's own names.
func TestFormOrigin(t *testing.T) {
	loop := newFixture(t, Config{})
	public := newFixture(t, Config{Hosts: []string{"news.example"}})
	open := newFixture(t, Config{AnyHost: true})
	tests := []struct {
		name   string
		f      *fixture
		path   string
		hdr    map[string]string
		status int
	}{
		{"own origin", loop, "/analyze", map[string]string{"Origin": "http://127.0.0.1:8080"}, 200},
		{"localhost origin", loop, "/analyze", map[string]string{"Origin": "http://localhost:8080", "Sec-Fetch-Site": "same-site"}, 403},
		{"other site", loop, "/analyze", map[string]string{"Origin": "http://evil.example"}, 403},
		{"rebinding name origin", loop, "/analyze", map[string]string{"Origin": "http://evil.example:8080", "Sec-Fetch-Site": "same-origin"}, 403},
		{"cross-site fetch", loop, "/analyze", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"opaque origin", loop, "/analyze", map[string]string{"Origin": "null"}, 403},
		{"not a browser", loop, "/analyze", nil, 200},
		{"delete from other site", loop, "/articles/1/delete", map[string]string{"Origin": "https://evil.example"}, 403},
		{"public origin", public, "/analyze", map[string]string{"Host": "news.example", "Origin": "https://news.example"}, 200},
		{"public, loopback origin", public, "/analyze", map[string]string{"Host": "news.example", "Origin": "http://127.0.0.1:8080"}, 403},
		{"any host, same origin", open, "/analyze", map[string]string{"Host": "a.example", "Origin": "http://a.example"}, 200},
		{"any host, other origin", open, "/analyze", map[string]string{"Host": "a.example", "Origin": "http://b.example"}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
			for k, v := range tt.hdr {
				h[k] = v
			}
			rec := tt.f.do(t, call{method: "POST", path: tt.path, body: url.Values{"text": {"A terrible idea."}}.Encode(), header: h})
			if rec.Code != tt.status {
				t.Fatalf("POST %s %v = %d, want %d\n%s", tt.path, tt.hdr, rec.Code, tt.status, rec.Body)
			}
			if rec.Code == http.StatusForbidden && !strings.Contains(rec.Body.String(), "refused") {
				t.Errorf("403 without a reason")
			}
		})
	}
}

// TestEveryFormChecksOrigin: every page route that changes something,
// including ones added later, refuses a form sent from another site.
func TestEveryFormChecksOrigin(t *testing.T) {
	f := newFixture(t, Config{})
	n := 0
	for _, r := range f.srv.routes() {
		if r.method == "GET" || strings.HasPrefix(r.pattern, "/api/") {
			continue
		}
		n++
		path := strings.NewReplacer("{id}", "1", "{$}", "").Replace(r.pattern)
		rec := f.do(t, call{method: r.method, path: path, body: "text=x",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}})
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s %s from another site = %d, want 403", r.method, path, rec.Code)
		}
	}
	if n < 2 {
		t.Errorf("only %d form routes found", n)
	}
}
