package server

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"unspun/internal/analysis"
	"unspun/internal/fetch"
)

// tallyAnalyzer counts analyses, so tests can tell a stored answer
// from a new analysis.
type tallyAnalyzer struct {
	keywordAnalyzer
	n atomic.Int64
}

func (c *tallyAnalyzer) Analyze(ctx context.Context, id, text string) (*analysis.Result, error) {
	c.n.Add(1)
	return c.keywordAnalyzer.Analyze(ctx, id, text)
}

func TestAnalyzeDuplicateAnswers200(t *testing.T) {
	f := newFixture(t, Config{})
	body := `{"text":"The regime lies. Is it a disaster?","title":"One"}`
	first := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: body})
	if first.Code != http.StatusCreated {
		t.Fatalf("first POST: %d %s", first.Code, first.Body)
	}
	id := jsonBody(t, first)["id"]
	// The same text re-wrapped, with another title: the stored article.
	again := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"The regime  lies.\nIs it a disaster?","title":"Two"}`})
	if again.Code != http.StatusOK {
		t.Fatalf("repeat POST: %d, want 200 %s", again.Code, again.Body)
	}
	m := jsonBody(t, again)
	if m["id"] != id || m["title"] != "One" {
		t.Errorf("repeat answered id %v title %v, want the stored article %v \"One\"", m["id"], m["title"], id)
	}
	if loc := again.Header().Get("Location"); !strings.HasSuffix(loc, "/api/v1/articles/1") {
		t.Errorf("Location %q", loc)
	}
	if n, _ := f.store.Count(context.Background()); n != 1 {
		t.Errorf("%d articles stored, want 1", n)
	}
	// store=false: analysed, not stored, 200 without an id.
	nostore := f.do(t, call{method: "POST", path: "/api/v1/analyze?store=false", body: body})
	if nostore.Code != http.StatusOK || jsonBody(t, nostore)["id"] != nil {
		t.Errorf("store=false: %d %s", nostore.Code, nostore.Body)
	}
}

func TestAnalyzeURLDuplicate(t *testing.T) {
	page := articlePage(t)
	f := newFixture(t, Config{Fetcher: fetch.New(fetch.Options{AllowPrivate: true})})
	codes := []int{}
	for _, u := range []string{page.URL + "/story", page.URL + "/story?utm_source=newsletter&fbclid=x#top"} {
		rec := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: `{"url":"` + u + `"}`})
		codes = append(codes, rec.Code)
	}
	if codes[0] != http.StatusCreated || codes[1] != http.StatusOK {
		t.Errorf("statuses %v, want [201 200] (tracking parameters do not make another article)", codes)
	}
	if n, _ := f.store.Count(context.Background()); n != 1 {
		t.Errorf("%d articles stored, want 1", n)
	}
}

func TestIdempotencyKey(t *testing.T) {
	a := &tallyAnalyzer{}
	f := newFixture(t, Config{Analyzer: a})
	key := map[string]string{"Idempotency-Key": "7f3c-retry-1"}
	first := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"The regime lies."}`, header: key})
	if first.Code != http.StatusCreated {
		t.Fatalf("first: %d %s", first.Code, first.Body)
	}
	// A retry (even with a body the client has since changed) gets the
	// first answer, without a second analysis.
	retry := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"Something else entirely."}`, header: key})
	if retry.Code != http.StatusCreated || jsonBody(t, retry)["id"] != jsonBody(t, first)["id"] ||
		jsonBody(t, retry)["text"] != "The regime lies." {
		t.Errorf("retry: %d %s; want the first answer", retry.Code, retry.Body)
	}
	if got := a.n.Load(); got != 1 {
		t.Errorf("%d analyses, want 1", got)
	}
	if n, _ := f.store.Count(context.Background()); n != 1 {
		t.Errorf("%d articles stored, want 1", n)
	}
	// A key on a request whose article existed replays 200.
	f.do(t, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"Known text."}`})
	k2 := map[string]string{"Idempotency-Key": "second"}
	for i := range 2 {
		rec := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"Known text."}`, header: k2})
		if rec.Code != http.StatusOK {
			t.Errorf("existing article with a key, try %d: %d, want 200", i+1, rec.Code)
		}
	}
	for _, bad := range []string{strings.Repeat("k", 256), "has space", "tab\tkey"} {
		rec := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"x y"}`, header: map[string]string{"Idempotency-Key": bad}})
		if rec.Code != http.StatusBadRequest {
			t.Errorf("Idempotency-Key %.20q: %d, want 400", bad, rec.Code)
		}
	}
}

// TestStoredArticleNotAnalysedAgain: with the model version known, a
// stored article posted again is answered from the store; after a model
// change it is analysed again and updated in place.
func TestStoredArticleNotAnalysedAgain(t *testing.T) {
	a := &tallyAnalyzer{}
	f := newFixture(t, Config{Analyzer: a, ModelVersion: "keyword-double"})
	body := `{"text":"The regime lies. Is it a disaster?"}`
	for i, want := range []int{http.StatusCreated, http.StatusOK, http.StatusOK} {
		if rec := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: body}); rec.Code != want {
			t.Errorf("POST #%d: %d, want %d", i+1, rec.Code, want)
		}
	}
	if got := a.n.Load(); got != 1 {
		t.Errorf("%d analyses for one article posted three times, want 1", got)
	}
	// Another server version: the stored analysis (keyword-double) is
	// from another model, so it is analysed again.
	g, err := New(Config{Analyzer: a, Store: f.store, ModelVersion: "v2"})
	if err != nil {
		t.Fatal(err)
	}
	rec := (&fixture{srv: g, h: g.Handler(), store: f.store}).do(t, call{method: "POST", path: "/api/v1/analyze", body: body})
	if rec.Code != http.StatusOK || a.n.Load() != 2 {
		t.Errorf("after a model change: %d, %d analyses; want 200 and a second analysis", rec.Code, a.n.Load())
	}
}
