package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"unspun/internal/store"
)

func TestFeedsAPI(t *testing.T) {
	f := newFixture(t, Config{Token: "s3cret"})
	auth := map[string]string{"Authorization": "Bearer s3cret"}
	for _, tc := range []struct {
		name   string
		c      call
		status int
		want   string
	}{
		{"add", call{method: "POST", path: "/api/v1/feeds", body: `{"url":"https://news.example/rss","every_seconds":600}`, header: auth}, 201, `"every_seconds":600`},
		{"add default interval", call{method: "POST", path: "/api/v1/feeds", body: `{"url":"https://other.example/atom","title":"Other"}`, header: auth}, 201, `"every_seconds":900`},
		{"again", call{method: "POST", path: "/api/v1/feeds", body: `{"url":"https://news.example/rss"}`, header: auth}, 409, "already watched"},
		{"no token", call{method: "POST", path: "/api/v1/feeds", body: `{"url":"https://x.example/rss"}`}, 401, ""},
		{"not http", call{method: "POST", path: "/api/v1/feeds", body: `{"url":"file:///etc/passwd"}`, header: auth}, 400, "not a feed URL"},
		{"bad interval", call{method: "POST", path: "/api/v1/feeds", body: `{"url":"https://x.example/rss","every_seconds":-5}`, header: auth}, 400, "every_seconds"},
		{"unknown field", call{method: "POST", path: "/api/v1/feeds", body: `{"url":"https://x.example/rss","often":true}`, header: auth}, 400, "malformed JSON"},
		{"list", call{method: "GET", path: "/api/v1/feeds"}, 200, `"title":"Other"`},
		{"get", call{method: "GET", path: "/api/v1/feeds/1"}, 200, `"url":"https://news.example/rss"`},
		{"get missing", call{method: "GET", path: "/api/v1/feeds/99"}, 404, "not found"},
		{"get bad id", call{method: "GET", path: "/api/v1/feeds/x"}, 400, "positive whole number"},
		{"delete no token", call{method: "DELETE", path: "/api/v1/feeds/1"}, 401, ""},
		{"delete", call{method: "DELETE", path: "/api/v1/feeds/1", header: auth}, 204, ""},
		{"delete again", call{method: "DELETE", path: "/api/v1/feeds/1", header: auth}, 404, ""},
	} {
		rec := f.do(t, tc.c)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("%s: %d %s; want %d containing %q", tc.name, rec.Code, rec.Body, tc.status, tc.want)
		}
	}
	rec := f.do(t, call{method: "GET", path: "/api/v1/feeds"})
	var list struct{ Feeds []FeedView }
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list.Feeds) != 1 || list.Feeds[0].URL != "https://other.example/atom" {
		t.Errorf("after delete: %s (%v)", rec.Body, err)
	}
}

func TestFeedsPage(t *testing.T) {
	f := newFixture(t, Config{})
	ctx := context.Background()
	rec := f.do(t, call{method: "GET", path: "/feeds"})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "No watched feeds") {
		t.Fatalf("empty page: %d %s", rec.Code, rec.Body)
	}
	fd, _ := f.store.AddFeed(ctx, "https://news.example/rss", "", time.Hour)
	now := time.Now()
	f.store.RecordPoll(ctx, store.Poll{FeedID: fd.ID, Title: "News <Daily>", At: now, Next: now.Add(time.Hour)})
	f.store.RecordPoll(ctx, store.Poll{FeedID: fd.ID, At: now, Next: now.Add(time.Hour), Err: "server answered 503 Service Unavailable"})
	f.store.AddFeedItems(ctx, fd.ID, "", []store.FeedItem{
		{URL: "https://news.example/a", CanonicalURL: "https://news.example/a"},
		{URL: "https://news.example/b", CanonicalURL: "https://news.example/b"},
	}, nil)
	f.store.FailItems(ctx, "https://news.example/b", "server answered 404 Not Found", true)
	rec = f.do(t, call{method: "GET", path: "/feeds"})
	body := rec.Body.String()
	for _, want := range []string{
		"News &lt;Daily&gt;", "https://news.example/rss", "server answered 503 Service Unavailable",
		"<td>2</td><td>0</td><td>0</td><td>1</td><td>1</td>", "<td>1h</td>", `href="/feeds" aria-current="page"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
}
