package batch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unspun/internal/analysis"

	"unspun/internal/analyze"
	"unspun/internal/fetch"
	"unspun/internal/store"
	"unspun/internal/technique"
)

// demoParagraphs returns the paragraphs of the demo article at the repo
// root, to build test articles of real news prose.
func demoParagraphs(t testing.TB) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", "iran-mek-2018.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range strings.Split(string(b), "\n\n") {
		if p = strings.TrimSpace(p); len(p) > 80 {
			out = append(out, p)
		}
	}
	if len(out) < 4 {
		t.Fatalf("demo article has %d long paragraphs", len(out))
	}
	return out
}

var (
	analyzerOnce sync.Once
	analyzer     *analyze.Analyzer
	analyzerErr  error
)

func testAnalyzer(t testing.TB) *analyze.Analyzer {
	t.Helper()
	analyzerOnce.Do(func() { analyzer, analyzerErr = analyze.Default() })
	if analyzerErr != nil {
		t.Fatal(analyzerErr)
	}
	return analyzer
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestGatherFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "news")
	for _, name := range []string{
		"b.txt", "a.txt", "sub/c.TXT", "sub/deeper/article42.txt", "notes.md",
		".hidden.txt", ".git/x.txt", "z/.secret/y.txt",
	} {
		writeFile(t, filepath.Join(dir, name), "text")
	}
	if err := os.Symlink(filepath.Join(dir, "a.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "sub"), filepath.Join(dir, "sublink.txt")); err != nil {
		t.Fatal(err)
	}
	items, err := Gather(context.Background(), []string{dir}, GatherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		rel, _ := filepath.Rel(dir, it.Path)
		got = append(got, fmt.Sprintf("%s %s %s", it.Source, filepath.ToSlash(rel), it.ID))
	}
	want := []string{"news a.txt a", "news b.txt b", "news link.txt link", "news sub/c.TXT c", "news sub/deeper/article42.txt 42"}
	if !slices.Equal(got, want) {
		t.Errorf("items\n%q\nwant\n%q", got, want)
	}
}

func TestGatherSources(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "one", "x.txt"), "text")
	writeFile(t, filepath.Join(dir, "page.html"), "<p>text</p>")
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "bad.rss"), "<rss><channel><item><title>unclosed")
	writeFile(t, filepath.Join(dir, "notfeed.xml"), "just words, not XML")
	writeFile(t, filepath.Join(dir, "noitems.rss"), `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>`)
	tests := []struct {
		name    string
		sources []string
		opts    GatherOptions
		want    []string // Source|Path|ID per item
		wantErr string
	}{
		{name: "file takes its folder's name", sources: []string{filepath.Join(dir, "one", "x.txt")},
			want: []string{"one|" + filepath.Join(dir, "one", "x.txt") + "|x"}},
		{name: "stdin", sources: []string{"-"}, want: []string{"stdin|-|stdin"}},
		{name: "source override", sources: []string{"-", filepath.Join(dir, "one")}, opts: GatherOptions{Source: "S"},
			want: []string{"S|-|stdin", "S|" + filepath.Join(dir, "one", "x.txt") + "|x"}},
		{name: "missing path", sources: []string{filepath.Join(dir, "nope")}, wantErr: "nope: no such file or folder"},
		{name: "missing after good", sources: []string{filepath.Join(dir, "one"), filepath.Join(dir, "gone.txt")}, wantErr: "gone.txt: no such file"},
		{name: "empty folder", sources: []string{filepath.Join(dir, "empty")}, wantErr: "no .txt articles"},
		{name: "html file", sources: []string{filepath.Join(dir, "page.html")}, wantErr: "HTML files are not supported"},
		{name: "stdin twice", sources: []string{"-", "-"}, wantErr: "given twice"},
		{name: "malformed feed", sources: []string{filepath.Join(dir, "bad.rss")}, wantErr: "bad.rss: not a valid RSS, Atom or JSON feed"},
		{name: "not a feed", sources: []string{filepath.Join(dir, "notfeed.xml")}, wantErr: "notfeed.xml: not an RSS, Atom or JSON feed (a web page or other file?)"},
		{name: "feed without items", sources: []string{filepath.Join(dir, "noitems.rss")}, wantErr: "noitems.rss: no items"},
		{name: "no sources", wantErr: "no sources"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Gather(context.Background(), tt.sources, tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range items {
				got = append(got, it.Source+"|"+it.Path+"|"+it.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("items %q, want %q", got, tt.want)
			}
		})
	}
}

const rssFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>  The Daily
  Example </title>
<link>https://example.com/</link>
<item>
  <title>First story</title>
  <link>%s/one</link>
  <pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate>
  <description>&lt;p&gt;A &lt;b&gt;short&lt;/b&gt; summary.&lt;/p&gt;&lt;script&gt;evil()&lt;/script&gt;&lt;p&gt;Second &amp;amp; last.&lt;/p&gt;</description>
</item>
<item>
  <title>Second story</title>
  <link>%s/two</link>
</item>
<item>
  <title>No link</title>
  <description>Only the feed's words.</description>
</item>
</channel></rss>`

const atomFeed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Times</title>
  <entry>
    <title>Entry one</title>
    <link href="https://example.org/e1"/>
    <updated>2024-05-06T07:08:09Z</updated>
    <content type="html">&lt;div&gt;Full &lt;i&gt;content&lt;/i&gt; here.&lt;/div&gt;</content>
    <summary>Just a summary.</summary>
  </entry>
</feed>`

func TestGatherFeedFiles(t *testing.T) {
	dir := t.TempDir()
	rss := filepath.Join(dir, "daily.rss")
	writeFile(t, rss, fmt.Sprintf(rssFeed, "https://example.com", "https://example.com"))
	atom := filepath.Join(dir, "times.atom")
	writeFile(t, atom, atomFeed)
	untitled := filepath.Join(dir, "untitled.xml")
	writeFile(t, untitled, `<rss version="2.0"><channel><item><link>https://example.net/a</link></item></channel></rss>`)

	items, err := Gather(context.Background(), []string{rss, atom, untitled}, GatherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Source, URL, ID, Title, Fallback string
		Published                        time.Time
	}
	var got []row
	for _, it := range items {
		got = append(got, row{it.Source, it.URL, it.ID, it.Title, it.Fallback, it.Published.UTC()})
	}
	want := []row{
		{"The Daily Example", "https://example.com/one", "https://example.com/one", "First story",
			"A short summary.\n\nSecond & last.", time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC)},
		{"The Daily Example", "https://example.com/two", "https://example.com/two", "Second story", "", time.Time{}},
		{"The Daily Example", "", "item3", "No link", "Only the feed's words.", time.Time{}},
		{"Atom Times", "https://example.org/e1", "https://example.org/e1", "Entry one", "Full content here.",
			time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)},
		{"untitled", "https://example.net/a", "https://example.net/a", "", "", time.Time{}},
	}
	if !slices.Equal(got, want) {
		t.Errorf("items\n%+v\nwant\n%+v", got, want)
	}
}

func TestHTMLText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"Tom &amp; Jerry", "Tom & Jerry"},
		{"<p>One</p><p>Two <b>bold</b></p>", "One\n\nTwo bold"},
		{"line<br>break", "line\nbreak"},
		{"<style>p{}</style><script>x()</script>kept", "kept"},
		{"  lots   of \n\n\n\n space ", "lots of\n\nspace"},
		{"<p>unclosed <i>tags", "unclosed tags"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := htmlText(tt.in); got != tt.want {
			t.Errorf("htmlText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// runAll runs r over items and returns the records emitted.
func runAll(t *testing.T, r *Runner, items []Item) []*Record {
	t.Helper()
	var recs []*Record
	err := r.Run(context.Background(), items, func(rec *Record) error {
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestRunOrderAndErrors(t *testing.T) {
	paras := demoParagraphs(t)
	dir := t.TempDir()
	var items []Item
	wantErr := map[string]string{}
	for i := range 12 {
		name := fmt.Sprintf("article%03d.txt", i)
		content := fmt.Sprintf("Title %d\n\n%s\n\n%s\n", i, paras[i%len(paras)], paras[(i+1)%len(paras)])
		switch i {
		case 3:
			content, wantErr[name] = "", "the article is empty"
		case 5:
			content, wantErr[name] = "some\x00binary", "binary file (NUL byte at offset 4), not an article"
		case 8:
			content, wantErr[name] = "caf\xe9", "not valid UTF-8 (byte offset 3)"
		case 10:
			content, wantErr[name] = " \n\t\n", "the article is empty"
		}
		writeFile(t, filepath.Join(dir, name), content)
	}
	gone := filepath.Join(dir, "gone.txt")
	writeFile(t, gone, "soon removed")
	items, err := Gather(context.Background(), []string{dir}, GatherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(gone)
	wantErr["gone.txt"] = "no such file or directory"

	a := testAnalyzer(t)
	var first []*Record
	for _, workers := range []int{1, 2, 3, 8} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			recs := runAll(t, &Runner{Analyzer: a, Workers: workers}, items)
			if len(recs) != len(items) {
				t.Fatalf("%d records for %d items", len(recs), len(items))
			}
			for i, rec := range recs {
				if rec.Path != items[i].Path {
					t.Fatalf("record %d is %s, want %s (input order)", i, rec.Path, items[i].Path)
				}
				base := filepath.Base(rec.Path)
				if want, bad := wantErr[base]; bad {
					if rec.Err == nil || rec.Err.Error() != want || rec.Result != nil {
						t.Errorf("%s: error %v, want %q", base, rec.Err, want)
					}
					continue
				}
				if rec.Err != nil || rec.Result == nil {
					t.Fatalf("%s: %v", base, rec.Err)
				}
				if !strings.HasPrefix(rec.Title, "Title ") || rec.Result.Words == 0 {
					t.Errorf("%s: title %q, %d words", base, rec.Title, rec.Result.Words)
				}
			}
			if first == nil {
				first = recs
				return
			}
			// The same analyses whatever the number of workers.
			for i := range recs {
				if recs[i].Result != nil && recs[i].Result.Score != first[i].Result.Score {
					t.Errorf("%s: score %v with %d workers, %v with 1", recs[i].Path, recs[i].Result.Score, workers, first[i].Result.Score)
				}
			}
		})
	}
}

func TestRunStdin(t *testing.T) {
	paras := demoParagraphs(t)
	items := []Item{{Source: "stdin", Path: "-", ID: "stdin"}}
	recs := runAll(t, &Runner{Analyzer: testAnalyzer(t), Stdin: strings.NewReader(paras[0])}, items)
	if recs[0].Err != nil || recs[0].Result == nil || recs[0].Result.Text != paras[0] {
		t.Fatalf("stdin record: %+v", recs[0])
	}
	recs = runAll(t, &Runner{Analyzer: testAnalyzer(t)}, items)
	if recs[0].Err == nil {
		t.Errorf("no stdin: want an error")
	}
}

func TestRunCancel(t *testing.T) {
	paras := demoParagraphs(t)
	dir := t.TempDir()
	for i := range 20 {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("a%02d.txt", i)), strings.Join(paras, "\n\n"))
	}
	items, err := Gather(context.Background(), []string{dir}, GatherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Analyzer: testAnalyzer(t), Workers: 2}

	// Cancelled after the third record: the run stops early, reports the
	// cancellation, and what it emitted is in order and not cut short.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []string
	err = r.Run(ctx, items, func(rec *Record) error {
		if rec.Err != nil {
			t.Errorf("%s: %v", rec.Path, rec.Err)
		}
		got = append(got, rec.Path)
		if len(got) == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
	if len(got) < 3 || len(got) == len(items) {
		t.Errorf("emitted %d of %d records", len(got), len(items))
	}
	if !slices.IsSorted(got) {
		t.Errorf("records out of order: %q", got)
	}

	// An emit error stops the run and is returned.
	stop := errors.New("disk full")
	n := 0
	err = r.Run(context.Background(), items, func(*Record) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Run returned %v after %d emits, want %v after 1", err, n, stop)
	}

	if err := (&Runner{}).Run(context.Background(), items, nil); err == nil {
		t.Error("Run without an analyzer: want an error")
	}
}

func TestRunFeed(t *testing.T) {
	paras := demoParagraphs(t)
	page := "<html><head><title>Page title</title></head><body><article><h1>Page title</h1>" +
		"<p>" + strings.Join(paras[:3], "</p><p>") + "</p></article></body></html>"
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/feed.rss", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, rssFeed, srv.URL, srv.URL)
	})
	mux.HandleFunc("/one", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	mux.HandleFunc("/two", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusNotFound)
	})
	mux.HandleFunc("/broken.rss", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<rss><channel><item>")
	})
	srv = httptest.NewServer(mux) // listens on 127.0.0.1
	defer srv.Close()

	items, err := Gather(context.Background(), []string{srv.URL + "/feed.rss"}, GatherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 || items[0].Source != "The Daily Example" {
		t.Fatalf("items %+v", items)
	}
	for _, src := range []string{srv.URL + "/broken.rss", srv.URL + "/missing.rss"} {
		if _, err := Gather(context.Background(), []string{src}, GatherOptions{}); err == nil || !strings.Contains(err.Error(), src) {
			t.Errorf("Gather(%s): error %v, want one naming it", src, err)
		}
	}

	type outcome struct {
		text, note, err string
		feedText        bool
	}
	tests := []struct {
		name    string
		fetcher *fetch.Fetcher
		want    []outcome // per item: prefix of the text, substring of note and error
	}{
		{"allow private", fetch.New(fetch.Options{AllowPrivate: true}), []outcome{
			// A fetched page is laid out as the corpus: title, blank line, body.
			{text: "Page title\n\n" + paras[0][:30]},
			{err: "could not fetch: server answered 404 Not Found; the feed gives no text for this item"},
			{text: "Only the feed's words.", feedText: true},
		}},
		{"refused", fetch.New(fetch.Options{}), []outcome{
			{text: "A short summary.", note: "could not fetch (refusing to connect to 127.0.0.1: loopback address (only public addresses may be fetched); --allow-private-urls allows it); analysed the feed's summary instead", feedText: true},
			{err: "could not fetch: refusing to connect to 127.0.0.1: loopback address (only public addresses may be fetched); --allow-private-urls allows it; the feed gives no text for this item"},
			{text: "Only the feed's words.", feedText: true},
		}},
		{"no fetch", nil, []outcome{
			{text: "A short summary.", feedText: true},
			{err: "fetching is off and the feed gives no text for this item"},
			{text: "Only the feed's words.", feedText: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := runAll(t, &Runner{Analyzer: testAnalyzer(t), Fetcher: tt.fetcher, Workers: 2}, items)
			for i, want := range tt.want {
				rec := recs[i]
				if want.err != "" {
					if rec.Err == nil || rec.Err.Error() != want.err {
						t.Errorf("item %d: error %v, want %q", i, rec.Err, want.err)
					}
					continue
				}
				if rec.Err != nil {
					t.Fatalf("item %d: %v", i, rec.Err)
				}
				if !strings.HasPrefix(rec.Result.Text, want.text) {
					t.Errorf("item %d: text %.40q, want it to start %q", i, rec.Result.Text, want.text)
				}
				if rec.Note != want.note || rec.FeedText != want.feedText {
					t.Errorf("item %d: note %q, feed text %v; want %q, %v", i, rec.Note, rec.FeedText, want.note, want.feedText)
				}
				if rec.Title != items[i].Title {
					t.Errorf("item %d: title %q, want the feed's %q", i, rec.Title, items[i].Title)
				}
			}
		})
	}
}

func TestSummary(t *testing.T) {
	res := func(words int, score float64, ts ...technique.Technique) *analysis.Result {
		r := &analysis.Result{Words: words, Score: score}
		for _, tq := range ts {
			r.Spans = append(r.Spans, analysis.Span{Technique: tq})
		}
		return r
	}
	ll, nc, dbt := technique.LoadedLanguage, technique.NameCalling, technique.Doubt
	var s Summary
	for _, r := range []*Record{
		{Item: Item{Source: "B"}, Result: res(500, 0.2, ll, ll, nc)},
		{Item: Item{Source: "A"}, Result: res(1000, 0.1, dbt), FeedText: true},
		{Item: Item{Source: "B"}, Result: res(1500, 0.4, nc, ll)},
		{Item: Item{Source: "B"}, Err: errors.New("bad")},
		{Item: Item{Source: "C"}, Err: errors.New("bad")},
	} {
		s.Add(r)
	}
	tests := []struct {
		stats                         *SourceStats
		source                        string
		articles, failed, words, span int
		feedText                      int
		per1000, mean                 float64
		top                           []TechniqueCount
	}{
		{s.Sources()[0], "B", 2, 1, 2000, 5, 0, 2.5, 0.3, []TechniqueCount{{ll, 3}, {nc, 2}}},
		{s.Sources()[1], "A", 1, 0, 1000, 1, 1, 1, 0.1, []TechniqueCount{{dbt, 1}}},
		{s.Sources()[2], "C", 0, 1, 0, 0, 0, 0, 0, nil},
		{s.Total(), "all", 3, 2, 3000, 6, 1, 2, 0.7 / 3, []TechniqueCount{{ll, 3}, {nc, 2}, {dbt, 1}}},
	}
	if len(s.Sources()) != 3 {
		t.Fatalf("%d sources, want 3", len(s.Sources()))
	}
	for _, tt := range tests {
		st := tt.stats
		if st.Source != tt.source || st.Articles != tt.articles || st.Failed != tt.failed || st.Words != tt.words || st.Spans != tt.span || st.FeedText != tt.feedText {
			t.Errorf("%s: %+v", tt.source, st)
		}
		if d := st.SpansPer1000() - tt.per1000; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s: %v spans per 1000 words, want %v", tt.source, st.SpansPer1000(), tt.per1000)
		}
		if d := st.MeanScore() - tt.mean; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s: mean score %v, want %v", tt.source, st.MeanScore(), tt.mean)
		}
		if got := st.Top(3); !slices.Equal(got, tt.top) {
			t.Errorf("%s: top %v, want %v", tt.source, got, tt.top)
		}
	}
	if got := s.Total().Top(1); len(got) != 1 || got[0].Technique != ll {
		t.Errorf("Top(1) = %v", got)
	}
}

func TestStoreArticle(t *testing.T) {
	paras := demoParagraphs(t)
	a := testAnalyzer(t)
	res, err := a.Analyze(context.Background(), "x", strings.Join(paras, "\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	pub := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	rec := &Record{Item: Item{Source: "Feed A", URL: "https://example.com/a", Title: "T", Published: pub}, Result: res}
	art, err := StoreArticle(rec)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), store.DefaultFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	id, _, err := st.Save(ctx, art)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Source != "Feed A" || got.Title != "T" || got.URL != "https://example.com/a" || !got.Published.Equal(pub) ||
		got.Words != res.Words || got.Score != res.Score || got.Text != res.Text || len(got.Spans) != len(res.Spans) {
		t.Errorf("stored %+v", got)
	}
	if _, err := StoreArticle(&Record{Err: errors.New("x")}); err == nil {
		t.Error("StoreArticle of a failed record: want an error")
	}
}
