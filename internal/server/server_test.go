package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
	"unspun/internal/analysis"

	"golang.org/x/net/html"

	"unspun/internal/fetch"
	"unspun/internal/store"
	"unspun/internal/technique"
)

// keywordAnalyzer is a test double for the handler mechanics, not a model:
// it marks every occurrence of a few fixed words with a fixed technique,
// and a sentence-long Doubt span over any sentence ending in "?", so
// that results have overlapping spans and depend on the input.
type keywordAnalyzer struct {
	// entered, if set, is closed when Analyze is first called, and gate,
	// if set, is waited on before answering (for shutdown tests).
	entered chan struct{}
	gate    chan struct{}
}

var doubleWords = map[string]technique.Technique{
	"terrible": technique.LoadedLanguage,
	"traitors": technique.NameCalling,
	"everyone": technique.BandwagonReductio,
}

func (k *keywordAnalyzer) Analyze(ctx context.Context, id, text string) (*analysis.Result, error) {
	if k.entered != nil {
		close(k.entered)
		k.entered = nil
	}
	if k.gate != nil {
		<-k.gate
	}
	if strings.TrimSpace(text) == "" {
		return nil, analysis.ErrEmpty
	}
	res := &analysis.Result{Text: text, Spans: []analysis.Span{}, Quotes: []analysis.Quote{}, Sentences: []analysis.Sentence{},
		Words: len(strings.Fields(text)), Model: "keyword-double"}
	lower := strings.ToLower(text)
	cp := func(b int) int { return utf8.RuneCountInString(text[:b]) }
	for w, t := range doubleWords {
		for off := 0; ; {
			i := strings.Index(lower[off:], w)
			if i < 0 {
				break
			}
			b := off + i
			res.Spans = append(res.Spans, analysis.Span{Start: cp(b), End: cp(b + len(w)), Text: text[b : b+len(w)], Technique: t,
				Confidence: 0.75, Voice: "author", Cues: []string{"the word " + w}})
			off = b + len(w)
		}
	}
	start := 0
	for i, r := range text {
		if r == '.' || r == '?' {
			if r == '?' {
				res.Spans = append(res.Spans, analysis.Span{Start: cp(start), End: cp(i + 1), Text: text[start : i+1],
					Technique: technique.Doubt, Confidence: 0.5, Voice: "quote", Speaker: "A <b>Speaker</b>", Cues: []string{"a question"}})
			}
			start = i + 1
		}
	}
	if len(res.Spans) > 0 {
		res.Score = 0.6
	}
	return res, nil
}

type fixture struct {
	srv   *Server
	h     http.Handler
	store *store.Store
}

func newFixture(t testing.TB, cfg Config) *fixture {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), store.DefaultFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg.Store = st
	if cfg.Analyzer == nil {
		cfg.Analyzer = &keywordAnalyzer{}
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{srv: s, h: s.Handler(), store: st}
}

type call struct {
	method, path, body string
	header             map[string]string
}

func (f *fixture) do(t testing.TB, c call) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req := httptest.NewRequest(c.method, c.path, body)
	// As a browser on the loopback server would send it; a test of
	// another name sets the Host header.
	req.Host = "127.0.0.1:8080"
	if c.body != "" && c.method == "POST" && strings.HasPrefix(c.path, "/api/") {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

func jsonBody(t testing.TB, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, rec.Body)
	}
	return m
}

func articlePage(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/story", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>Harbour story</title><meta property="og:site_name" content="Harbour Times">
<meta property="article:published_time" content="2024-02-03T08:00:00Z"></head><body><article>
<p>The harbour board met on Monday and everyone agreed the terrible delays had to end before the summer season began in earnest.</p>
<p>Officials said the new cranes would arrive in April, and that the works would be finished within the year if the weather held.</p>
</article></body></html>`)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/photo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write([]byte{0xff, 0xd8})
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func TestAnalyzeAPI(t *testing.T) {
	pages := articlePage(t)
	f := newFixture(t, Config{Fetcher: fetch.New(fetch.Options{AllowPrivate: true}), MaxBody: 4096})
	strict := newFixture(t, Config{Fetcher: fetch.New(fetch.Options{})})
	noFetch := newFixture(t, Config{})
	impatient := newFixture(t, Config{Fetcher: fetch.New(fetch.Options{AllowPrivate: true, Timeout: 100 * time.Millisecond})})
	tests := []struct {
		name   string
		f      *fixture
		c      call
		status int
		want   string // a substring of the body
	}{
		{"text stored", f, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"What a terrible plan. Is it?","title":"T","source":"s.example","published":"2024-01-05"}`}, 201, `"id":`},
		{"text not stored", f, call{method: "POST", path: "/api/v1/analyze?store=false", body: `{"text":"A terrible plan."}`}, 200, `"model":"keyword-double"`},
		{"url", f, call{method: "POST", path: "/api/v1/analyze", body: `{"url":"` + pages.URL + `/story"}`}, 201, `"source":"Harbour Times"`},
		{"malformed JSON", f, call{method: "POST", path: "/api/v1/analyze", body: `{"text":`}, 400, "malformed JSON"},
		{"trailing data", f, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"a"} {}`}, 400, "after the object"},
		{"unknown field", f, call{method: "POST", path: "/api/v1/analyze", body: `{"txt":"a"}`}, 400, "unknown field"},
		{"wrong type", f, call{method: "POST", path: "/api/v1/analyze", body: `{"text":5}`}, 400, "malformed JSON"},
		{"empty body", f, call{method: "POST", path: "/api/v1/analyze", body: ``, header: map[string]string{"Content-Type": "application/json"}}, 400, "empty body"},
		{"empty text", f, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"  \n "}`}, 400, "empty"},
		{"NUL in text", f, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"ab\u00e9\u0000cd"}`}, 400, "NUL character (U+0000) at offset 3"},
		{"text and url", f, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"a","url":"http://x.example/"}`}, 400, "not both"},
		{"bad published", f, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"a","published":"yesterday"}`}, 400, "published"},
		{"bad store param", f, call{method: "POST", path: "/api/v1/analyze?store=maybe", body: `{"text":"a"}`}, 400, "store"},
		{"not JSON", f, call{method: "POST", path: "/api/v1/analyze", body: `text=a`, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415, "application/json"},
		{"oversized body", f, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"` + strings.Repeat("word ", 2000) + `"}`}, 413, "larger than 4096"},
		{"refused URL", strict, call{method: "POST", path: "/api/v1/analyze", body: `{"url":"` + pages.URL + `/story"}`}, 403, "loopback"},
		{"unsupported content type", f, call{method: "POST", path: "/api/v1/analyze", body: `{"url":"` + pages.URL + `/photo"}`}, 422, "image/jpeg"},
		{"missing page", f, call{method: "POST", path: "/api/v1/analyze", body: `{"url":"` + pages.URL + `/nothing"}`}, 502, "404"},
		{"fetch timeout", impatient, call{method: "POST", path: "/api/v1/analyze", body: `{"url":"` + pages.URL + `/slow"}`}, 504, "deadline"},
		{"bad scheme", f, call{method: "POST", path: "/api/v1/analyze", body: `{"url":"file:///etc/passwd"}`}, 400, "scheme"},
		{"fetching disabled", noFetch, call{method: "POST", path: "/api/v1/analyze", body: `{"url":"https://example.com/"}`}, 400, "disabled"},
		{"wrong method", f, call{method: "GET", path: "/api/v1/analyze"}, 405, "not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.f.do(t, tt.c)
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
				t.Errorf("%s %s = %d %s\nwant %d containing %q", tt.c.method, tt.c.path, rec.Code, rec.Body, tt.status, tt.want)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if rec.Code >= 400 {
				if m := jsonBody(t, rec); m["error"] == "" || m["status"] != float64(tt.status) {
					t.Errorf("error body = %v", m)
				}
			}
		})
	}

	// The stored text article reads back with its analysis.
	rec := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"Everyone knows. Traitors?"}`})
	m := jsonBody(t, rec)
	id := int64(m["id"].(float64))
	if loc := rec.Header().Get("Location"); loc != fmt.Sprintf("/api/v1/articles/%d", id) {
		t.Errorf("Location = %q", loc)
	}
	got := jsonBody(t, f.do(t, call{method: "GET", path: fmt.Sprintf("/api/v1/articles/%d", id)}))
	if got["text"] != "Everyone knows. Traitors?" || len(got["spans"].([]any)) != 3 || got["id"] != m["id"] {
		t.Errorf("stored article = %v", got)
	}
	// Text sent without a title is stored under its first line.
	m = jsonBody(t, f.do(t, call{method: "POST", path: "/api/v1/analyze", body: `{"text":"\n  Terrible   plan  \nBody."}`}))
	got = jsonBody(t, f.do(t, call{method: "GET", path: fmt.Sprintf("/api/v1/articles/%d", int64(m["id"].(float64)))}))
	if got["title"] != "Terrible plan" {
		t.Errorf("title of an untitled article = %q, want its first line", got["title"])
	}
	// The fetched article kept the page's metadata.
	list := jsonBody(t, f.do(t, call{method: "GET", path: "/api/v1/articles?source=Harbour+Times"}))
	arts := list["articles"].([]any)
	if len(arts) != 1 || arts[0].(map[string]any)["title"] != "Harbour story" ||
		!strings.HasPrefix(arts[0].(map[string]any)["published"].(string), "2024-02-03") {
		t.Errorf("fetched article summary = %v", list)
	}
}

func TestTokenAuth(t *testing.T) {
	f := newFixture(t, Config{Token: "s3cret"})
	body := `{"text":"A terrible day."}`
	tests := []struct {
		name   string
		c      call
		status int
	}{
		{"write without token", call{method: "POST", path: "/api/v1/analyze", body: body}, 401},
		{"write with wrong token", call{method: "POST", path: "/api/v1/analyze", body: body, header: map[string]string{"Authorization": "Bearer nope"}}, 401},
		{"write with wrong scheme", call{method: "POST", path: "/api/v1/analyze", body: body, header: map[string]string{"Authorization": "Basic s3cret"}}, 401},
		{"write with token", call{method: "POST", path: "/api/v1/analyze", body: body, header: map[string]string{"Authorization": "Bearer s3cret"}}, 201},
		{"read without token", call{method: "GET", path: "/api/v1/articles"}, 200},
		{"delete without token", call{method: "DELETE", path: "/api/v1/articles/1"}, 401},
		{"delete with token", call{method: "DELETE", path: "/api/v1/articles/1", header: map[string]string{"Authorization": "bearer s3cret"}}, 204},
		{"form without token", call{method: "POST", path: "/analyze", body: "text=hello&store=true", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 401},
		{"form with token", call{method: "POST", path: "/analyze", body: "text=hello&store=true&token=s3cret", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 303},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.do(t, tt.c)
			if rec.Code != tt.status {
				t.Errorf("%s %s = %d %s, want %d", tt.c.method, tt.c.path, rec.Code, rec.Body, tt.status)
			}
			if rec.Code == 401 && rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

// seedAPI stores three articles through the API and returns their ids.
func seedAPI(t testing.TB, f *fixture) []int64 {
	t.Helper()
	var ids []int64
	for _, b := range []string{
		`{"text":"A terrible, terrible storm. Who is to blame?","title":"Storm","source":"alpha.example","published":"2024-01-01"}`,
		`{"text":"Everyone backs the budget.","title":"Budget","source":"alpha.example","published":"2024-01-02"}`,
		`{"text":"The storm passed quietly overnight.","title":"Calm","source":"beta.example","published":"2024-01-02"}`,
	} {
		rec := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: b})
		if rec.Code != 201 {
			t.Fatalf("seed: %d %s", rec.Code, rec.Body)
		}
		ids = append(ids, int64(jsonBody(t, rec)["id"].(float64)))
	}
	return ids
}

func TestArticlesAPI(t *testing.T) {
	f := newFixture(t, Config{})
	ids := seedAPI(t, f)
	listTests := []struct {
		query  string
		status int
		want   []int64
		total  int
	}{
		{"", 200, []int64{ids[2], ids[1], ids[0]}, 3},
		{"?q=storm", 200, []int64{ids[2], ids[0]}, 2},
		{"?q=storm&source=alpha.example", 200, []int64{ids[0]}, 1},
		{"?technique=Loaded_Language", 200, []int64{ids[0]}, 1},
		{"?from=2024-01-02&to=2024-01-02", 200, []int64{ids[2], ids[1]}, 2},
		{"?per_page=1&page=2", 200, []int64{ids[1]}, 3},
		{"?page=0", 400, nil, 0},
		{"?page=x", 400, nil, 0},
		{"?per_page=101", 400, nil, 0},
		{"?from=01/02/2024", 400, nil, 0},
		{"?from=2024-01-03&to=2024-01-01", 400, nil, 0},
		{"?technique=Shouting", 400, nil, 0},
	}
	for _, tt := range listTests {
		t.Run("list"+tt.query, func(t *testing.T) {
			rec := f.do(t, call{method: "GET", path: "/api/v1/articles" + tt.query})
			if rec.Code != tt.status {
				t.Fatalf("status %d %s, want %d", rec.Code, rec.Body, tt.status)
			}
			if tt.status != 200 {
				return
			}
			var lr ListResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &lr); err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, a := range lr.Articles {
				got = append(got, a.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || lr.Total != tt.total {
				t.Errorf("ids %v total %d, want %v total %d", got, lr.Total, tt.want, tt.total)
			}
		})
	}

	one := []struct {
		c      call
		status int
	}{
		{call{method: "GET", path: fmt.Sprintf("/api/v1/articles/%d", ids[0])}, 200},
		{call{method: "GET", path: "/api/v1/articles/999"}, 404},
		{call{method: "GET", path: "/api/v1/articles/abc"}, 400},
		{call{method: "GET", path: "/api/v1/articles/-1"}, 400},
		{call{method: "DELETE", path: "/api/v1/articles/abc"}, 400},
		{call{method: "DELETE", path: fmt.Sprintf("/api/v1/articles/%d", ids[0])}, 204},
		{call{method: "DELETE", path: fmt.Sprintf("/api/v1/articles/%d", ids[0])}, 404},
		{call{method: "GET", path: fmt.Sprintf("/api/v1/articles/%d", ids[0])}, 404},
		{call{method: "PUT", path: "/api/v1/articles/1"}, 405},
		{call{method: "GET", path: "/api/v1/nothing"}, 404},
	}
	for _, tt := range one {
		rec := f.do(t, tt.c)
		if rec.Code != tt.status {
			t.Errorf("%s %s = %d %s, want %d", tt.c.method, tt.c.path, rec.Code, rec.Body, tt.status)
		}
		if rec.Code >= 400 && rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: error is not JSON", tt.c.method, tt.c.path)
		}
	}
}

func TestStatsAPI(t *testing.T) {
	f := newFixture(t, Config{})
	seedAPI(t, f)
	tests := []struct {
		query  string
		status int
		want   string // key:spans/rate per group
	}{
		{"?by=source", 200, "alpha.example:4/333.33 beta.example:0/0.00"},
		{"?by=day", 200, "2024-01-01:3/375.00 2024-01-02:1/111.11"},
		{"?by=technique", 200, "Loaded_Language:2/117.65 Bandwagon,Reductio_ad_hitlerum:1/58.82 Doubt:1/58.82"},
		{"?by=source&source=beta.example", 200, "beta.example:0/0.00"},
		{"?by=technique&q=budget", 200, "Bandwagon,Reductio_ad_hitlerum:1/250.00"},
		{"", 400, ""},
		{"?by=week", 400, ""},
		{"?by=day&from=bad", 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			rec := f.do(t, call{method: "GET", path: "/api/v1/stats" + tt.query})
			if rec.Code != tt.status {
				t.Fatalf("status %d %s, want %d", rec.Code, rec.Body, tt.status)
			}
			if tt.status != 200 {
				return
			}
			var sr StatsResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &sr); err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, g := range sr.Groups {
				parts = append(parts, fmt.Sprintf("%s:%d/%.2f", g.Key, g.Spans, g.Rate))
			}
			if got := strings.Join(parts, " "); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestHealthAndMetrics(t *testing.T) {
	f := newFixture(t, Config{ModelVersion: "configured-v1"})
	if rec := f.do(t, call{method: "GET", path: "/healthz"}); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"ok"`) {
		t.Errorf("healthz = %d %s", rec.Code, rec.Body)
	}
	seedAPI(t, f)
	f.do(t, call{method: "GET", path: "/api/v1/articles/999"})
	rec := f.do(t, call{method: "GET", path: "/metrics"})
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("metrics = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	body := rec.Body.String()
	for _, want := range []string{
		`unspun_http_requests_total{code="201",route="POST /api/v1/analyze"} 3`,
		`unspun_http_requests_total{code="404",route="GET /api/v1/articles/{id}"} 1`,
		`unspun_http_requests_total{code="200",route="GET /healthz"} 1`,
		`unspun_http_request_duration_seconds_bucket{route="POST /api/v1/analyze",le="+Inf"} 3`,
		`unspun_http_request_duration_seconds_count{route="POST /api/v1/analyze"} 3`,
		"unspun_articles_analysed_total 3",
		`unspun_model_info{version="keyword-double"} 1`,
		`unspun_model_info{version="configured-v1"} 1`,
		"# TYPE unspun_http_request_duration_seconds histogram",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q\n%s", want, body)
		}
	}
	// Every sample line is "name{labels} value" or "name value".
	sample := regexp.MustCompile(`^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+$`)
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		if !strings.HasPrefix(line, "#") && !sample.MatchString(line) {
			t.Errorf("malformed sample line %q", line)
		}
	}
	// Buckets are cumulative.
	var last = -1
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, `unspun_http_request_duration_seconds_bucket{route="POST /api/v1/analyze"`) {
			var n int
			fmt.Sscan(line[strings.LastIndex(line, " ")+1:], &n)
			if n < last {
				t.Errorf("bucket counts decrease at %q", line)
			}
			last = n
		}
	}
}

func TestOpenAPICoversRoutes(t *testing.T) {
	f := newFixture(t, Config{})
	rec := f.do(t, call{method: "GET", path: "/api/openapi.json"})
	if rec.Code != 200 {
		t.Fatalf("openapi.json: %d", rec.Code)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
		Comps   struct {
			Schemas map[string]struct {
				Enum []string `json:"enum"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q, want 3.x", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m, op := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
			if _, ok := op["responses"]; !ok {
				t.Errorf("%s %s has no responses", m, p)
			}
		}
	}
	served := map[string]bool{}
	for _, r := range f.srv.routes() {
		if strings.HasPrefix(r.pattern, "/api/") || r.pattern == "/healthz" || r.pattern == "/readyz" || r.pattern == "/metrics" {
			served[r.method+" "+r.pattern] = true
			if !documented[r.method+" "+r.pattern] {
				t.Errorf("route %s %s is not in the OpenAPI document", r.method, r.pattern)
			}
		}
	}
	for k := range documented {
		if !served[k] {
			t.Errorf("OpenAPI documents %s, which no handler serves", k)
		}
	}
	// Every $ref points at a schema that exists.
	refs := regexp.MustCompile(`"\$ref":\s*"#/components/schemas/([A-Za-z]+)"`).FindAllStringSubmatch(rec.Body.String(), -1)
	if len(refs) == 0 {
		t.Error("no $refs found; the check below would prove nothing")
	}
	for _, m := range refs {
		if _, ok := doc.Comps.Schemas[m[1]]; !ok {
			t.Errorf("$ref to missing schema %s", m[1])
		}
	}
	var labels []string
	for _, tq := range technique.All() {
		labels = append(labels, tq.String())
	}
	if got := doc.Comps.Schemas["Technique"].Enum; fmt.Sprint(got) != fmt.Sprint(labels) {
		t.Errorf("Technique enum = %v, want %v", got, labels)
	}
}

func TestPages(t *testing.T) {
	f := newFixture(t, Config{})
	// An article whose every field tries to inject markup.
	evil := `<script>alert(1)</script> A terrible "><img src=x onerror=alert(2)> plan?`
	body, _ := json.Marshal(AnalyzeRequest{Text: evil, Title: `"><img src=x onerror=alert(3)>`, Source: `<script>src()</script>`})
	rec := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: string(body)})
	if rec.Code != 201 {
		t.Fatalf("store evil article: %d %s", rec.Code, rec.Body)
	}
	id := int64(jsonBody(t, rec)["id"].(float64))
	seedAPI(t, f)

	tests := []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{`<form class="analyze" method="post" action="/analyze">`, "Recently analysed"}},
		{fmt.Sprintf("/articles/%d", id), 200, []string{`<mark class="hl t5 t8 ov-5-8"`, "&lt;script&gt;alert(1)&lt;/script&gt;",
			"&#34;&gt;&lt;img src=x onerror=alert(2)&gt;", `id="span-data"`, "Loaded language", "ov-5-8"}},
		{"/articles", 200, []string{"Storm", "Budget", "4 articles"}},
		{"/articles?q=storm", 200, []string{"Storm", "Calm", "2 articles"}},
		{"/articles?technique=Loaded_Language", 200, []string{"2 articles"}},
		{"/articles?from=nonsense", 400, []string{"want a date"}},
		{"/dashboard", 200, []string{"<svg", "Technique mix per source", "Techniques over time", "alpha.example"}},
		{"/articles/999", 404, []string{"not found"}},
		{"/articles/x", 400, []string{"positive whole number"}},
		{"/nowhere", 404, []string{"no such page"}},
		{"/static/app.js", 200, []string{"span-data"}},
		{"/static/app.css", 200, []string{".article-text"}},
		{"/static/techniques.css", 200, []string{".t8{", ".ov-5-8{"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := f.do(t, call{method: "GET", path: tt.path})
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d\n%s", rec.Code, tt.status, rec.Body)
			}
			b := rec.Body.String()
			for _, w := range tt.want {
				if !strings.Contains(b, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if strings.Contains(b, "<script>alert") || strings.Contains(b, "<img src=x") || strings.Contains(b, "<script>src") ||
				strings.Contains(b, "<b>Speaker") {
				t.Errorf("page contains unescaped article text")
			}
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP = %q", csp)
			}
			if strings.HasSuffix(tt.path, ".js") || strings.HasSuffix(tt.path, ".css") {
				return
			}
			checkNoInlineScript(t, b)
		})
	}
}

func TestAnalyzeForm(t *testing.T) {
	f := newFixture(t, Config{})
	form := func(v url.Values, hdr map[string]string) *httptest.ResponseRecorder {
		h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
		for k, x := range hdr {
			h[k] = x
		}
		return f.do(t, call{method: "POST", path: "/analyze", body: v.Encode(), header: h})
	}
	rec := form(url.Values{"text": {"A terrible idea."}, "title": {"Idea"}, "store": {"true"}}, map[string]string{"Origin": "http://127.0.0.1:8080"})
	if rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/articles/") {
		t.Fatalf("stored form post = %d %q", rec.Code, rec.Header().Get("Location"))
	}
	page := f.do(t, call{method: "GET", path: rec.Header().Get("Location")})
	if page.Code != 200 || !strings.Contains(page.Body.String(), "<h1 id=\"art-title\">Idea</h1>") {
		t.Errorf("article page after form: %d", page.Code)
	}
	rec = form(url.Values{"text": {"A terrible idea."}}, nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "not saved") {
		t.Errorf("unsaved form post = %d", rec.Code)
	}
	rec = form(url.Values{"text": {"   "}, "store": {"true"}}, nil)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "empty") || !strings.Contains(rec.Body.String(), "<textarea") {
		t.Errorf("empty form post = %d; want the form again with the error", rec.Code)
	}
	rec = form(url.Values{"text": {"x"}}, map[string]string{"Origin": "https://evil.example"})
	if rec.Code != 403 {
		t.Errorf("cross-origin form post = %d, want 403", rec.Code)
	}
	rec = form(url.Values{"text": {"x"}}, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "null"})
	if rec.Code != 403 {
		t.Errorf("cross-site form post = %d, want 403", rec.Code)
	}
	rec = form(url.Values{"text": {"x"}}, map[string]string{"Origin": "null"})
	if rec.Code != 403 {
		t.Errorf("form post from an opaque origin = %d, want 403", rec.Code)
	}
	rec = form(url.Values{"text": {"A terrible idea."}}, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "null"})
	if rec.Code != 200 {
		t.Errorf("same-origin form post = %d, want 200", rec.Code)
	}
	n, _ := f.store.Count(context.Background())
	if n != 1 {
		t.Errorf("%d articles stored, want 1", n)
	}
	rec = f.do(t, call{method: "POST", path: "/articles/1/delete", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	if rec.Code != 303 {
		t.Errorf("delete form = %d", rec.Code)
	}
	if n, _ := f.store.Count(context.Background()); n != 0 {
		t.Errorf("%d articles after delete, want 0", n)
	}
}

// serveLoopback runs f's server with Serve on a loopback port; cancel asks
// it to stop and done waits for Serve's result.
func serveLoopback(t *testing.T, f *fixture) (addr string, cancel func(), done func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	errc := make(chan error, 1)
	go func() { errc <- f.srv.Serve(ctx, ln) }()
	return ln.Addr().String(), cancel, func() error { return <-errc }
}

func TestGracefulShutdown(t *testing.T) {
	gate, entered := make(chan struct{}), make(chan struct{})
	f := newFixture(t, Config{Analyzer: &keywordAnalyzer{gate: gate, entered: entered}})
	addr, cancel, done := serveLoopback(t, f)
	type result struct {
		status int
		err    error
	}
	resc := make(chan result, 1)
	go func() {
		resp, err := http.Post("http://"+addr+"/api/v1/analyze", "application/json", strings.NewReader(`{"text":"A terrible day."}`))
		if err != nil {
			resc <- result{err: err}
			return
		}
		resp.Body.Close()
		resc <- result{status: resp.StatusCode}
	}()
	// Ask the server to stop while the request is being analysed.
	<-entered
	cancel()
	time.Sleep(50 * time.Millisecond) // let Shutdown close the listener
	close(gate)
	r := <-resc
	if r.err != nil || r.status != 201 {
		t.Errorf("in-flight request = %d, %v; want it to finish with 201", r.status, r.err)
	}
	if err := done(); err != nil {
		t.Errorf("Serve = %v, want nil after graceful shutdown", err)
	}
	if n, _ := f.store.Count(context.Background()); n != 1 {
		t.Errorf("%d articles stored, want 1", n)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("server still accepts connections after shutdown")
	}
}

func TestIsLoopback(t *testing.T) {
	tests := map[string]bool{
		"127.0.0.1:8080": true, "localhost:80": true, "[::1]:8080": true, "127.1.2.3:1": true,
		":8080": false, "0.0.0.0:8080": false, "192.168.1.5:80": false, "example.com:80": false, "nonsense": false,
	}
	keys := make([]string, 0, len(tests))
	for k := range tests {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, addr := range keys {
		if got := IsLoopback(addr); got != tests[addr] {
			t.Errorf("IsLoopback(%q) = %v, want %v", addr, got, tests[addr])
		}
	}
}

// checkNoInlineScript parses page as the browser would and fails if any
// script could run inline: script elements must be external or inert JSON,
// and no element may carry an on* handler or a javascript: URL.
func checkNoInlineScript(t *testing.T, page string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		attrs := map[string]string{}
		for _, a := range tok.Attr {
			attrs[a.Key] = a.Val
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s> has inline handler %s=%q", tok.Data, a.Key, a.Val)
			}
			if strings.HasPrefix(strings.TrimSpace(strings.ToLower(a.Val)), "javascript:") {
				t.Errorf("<%s %s> is a javascript: URL", tok.Data, a.Key)
			}
		}
		if tok.Data == "img" || tok.Data == "iframe" || tok.Data == "object" {
			t.Errorf("unexpected <%s> element from article text", tok.Data)
		}
		if tok.Data == "script" && !strings.HasPrefix(attrs["src"], "/static/") && attrs["type"] != "application/json" {
			t.Errorf("inline script element %v", tok)
		}
	}
}

// countingAnalyzer records the most analyses it saw running at once.
type countingAnalyzer struct {
	keywordAnalyzer
	mu          sync.Mutex
	running, hi int
}

func (c *countingAnalyzer) Analyze(ctx context.Context, id, text string) (*analysis.Result, error) {
	c.mu.Lock()
	c.running++
	c.hi = max(c.hi, c.running)
	c.mu.Unlock()
	time.Sleep(2 * time.Millisecond) // hold the slot so that requests overlap
	defer func() {
		c.mu.Lock()
		c.running--
		c.mu.Unlock()
	}()
	return c.keywordAnalyzer.Analyze(ctx, id, text)
}

func TestMaxAnalyses(t *testing.T) {
	a := &countingAnalyzer{}
	f := newFixture(t, Config{Analyzer: a, MaxAnalyses: 2})
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if rec := f.do(t, call{method: "POST", path: "/api/v1/analyze?store=false", body: `{"text":"A terrible day."}`}); rec.Code != 200 {
				t.Errorf("status %d", rec.Code)
			}
		}()
	}
	wg.Wait()
	if a.hi > 2 {
		t.Errorf("%d analyses ran at once, want at most 2", a.hi)
	}
}
