package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
	"unspun/internal/analysis"

	"unspun/internal/corpus"
	"unspun/internal/store"
)

func TestBatchGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"help", []string{"batch", "-h"}},
		{"usage-no-source", []string{"batch"}},
		{"usage-unknown-format", []string{"batch", "--format", "csv", "testdata/batch/bad"}},
		{"usage-negative-workers", []string{"batch", "--workers", "-2", "testdata/batch/bad"}},
		{"usage-data-without-store", []string{"batch", "--data", "/tmp/x", "testdata/batch/bad"}},
		{"missing-source", []string{"batch", "testdata/batch/bad", "testdata/batch/nowhere"}},
		{"malformed-feed", []string{"batch", "testdata/batch/malformed.rss"}},
		{"bad-articles-jsonl", []string{"batch", "testdata/batch/bad"}},
		{"bad-articles-summary", []string{"batch", "--format", "summary", "--workers", "3", "testdata/batch/bad"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { golden(t, "batch", tt.name, tt.args...) })
	}
}

// batchFolder writes a folder of articles made of the demo article's
// paragraphs, named by names, and returns it. Names in bad get the
// content given there instead.
func batchFolder(t *testing.T, dir string, names []string, bad map[string]string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", "iran-mek-2018.txt"))
	if err != nil {
		t.Fatal(err)
	}
	paras := strings.Split(strings.TrimSpace(string(b)), "\n\n")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, name := range names {
		text, ok := bad[name]
		if !ok {
			// Two different halves of the article, so the copies differ.
			half := len(paras) / 2
			text = strings.Join(paras[(i%2)*half:(i%2+1)*half], "\n\n") + "\n"
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBatchJSONL(t *testing.T) {
	dir := batchFolder(t, filepath.Join(t.TempDir(), "desk"),
		[]string{"a.txt", "b.txt", "c-binary.txt", "d-empty.txt"},
		map[string]string{"c-binary.txt": "\x00\x01PK", "d-empty.txt": ""})
	for _, workers := range []string{"1", "4"} {
		stdout, stderr, code := runMain("batch", "--workers", workers, dir)
		if code != 1 {
			t.Fatalf("exit %d, want 1 (two bad articles): %s", code, stderr)
		}
		wantErr := []string{
			"unspun batch: " + filepath.Join(dir, "c-binary.txt") + ": binary file (NUL byte at offset 0), not an article",
			"unspun batch: " + filepath.Join(dir, "d-empty.txt") + ": the article is empty",
			"unspun batch: analysed 2 articles, 2 failed",
		}
		if got := strings.Split(strings.TrimSpace(stderr), "\n"); !slices.Equal(got, wantErr) {
			t.Errorf("stderr\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantErr, "\n"))
		}
		var recs []batchRecord
		sc := bufio.NewScanner(strings.NewReader(stdout))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var r batchRecord
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("line %d is not JSON: %v\n%s", len(recs)+1, err, sc.Text())
			}
			recs = append(recs, r)
		}
		if len(recs) != 4 {
			t.Fatalf("%d records, want 4:\n%s", len(recs), stdout)
		}
		for i, name := range []string{"a", "b", "c-binary", "d-empty"} {
			r := recs[i]
			if r.ID != name || r.Path != filepath.Join(dir, name+".txt") || r.Source != "desk" {
				t.Errorf("record %d: id %q path %q source %q", i, r.ID, r.Path, r.Source)
			}
			if i < 2 {
				if r.Error != "" || r.Result == nil || r.Result.Words == 0 || r.Result.Model == "" || r.Title == "" {
					t.Errorf("record %d: error %q, result %v, title %q", i, r.Error, r.Result, r.Title)
				}
			} else if r.Error == "" || r.Result != nil {
				t.Errorf("record %d: want an error record, got %+v", i, r)
			}
		}
		// The raw line holds the documented keys.
		first := strings.SplitN(stdout, "\n", 2)[0]
		for _, key := range []string{`"source":`, `"path":`, `"title":`, `"result":{`, `"spans":`, `"score":`} {
			if !strings.Contains(first, key) {
				t.Errorf("jsonl line lacks %s", key)
			}
		}
	}
}

func TestBatchAllGoodAndStdin(t *testing.T) {
	dir := batchFolder(t, filepath.Join(t.TempDir(), "ok"), []string{"one.txt"}, nil)
	text, _ := os.ReadFile(filepath.Join(dir, "one.txt"))
	stdout, stderr, code := runMainEnv(string(text), false, nil, "batch", dir, "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stderr != "unspun batch: analysed 2 articles, 0 failed\n" {
		t.Errorf("stderr %q", stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2", len(lines))
	}
	var a, b batchRecord
	if err := json.Unmarshal([]byte(lines[0]), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &b); err != nil {
		t.Fatal(err)
	}
	if b.Path != "-" || b.Source != "stdin" || b.Result == nil || b.Result.Score != a.Result.Score {
		t.Errorf("stdin record %+v, want the file's analysis", b)
	}
}

func TestBatchSummary(t *testing.T) {
	root := t.TempDir()
	left := batchFolder(t, filepath.Join(root, "left"), []string{"1.txt", "2.txt"}, nil)
	right := batchFolder(t, filepath.Join(root, "right"), []string{"1.txt", "bad.txt"}, map[string]string{"bad.txt": "\xff\xfe"})
	// On a terminal the summary is the default.
	stdout, stderr, code := runMainEnv("", true, nil, "batch", left, right)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("summary:\n%s", stdout)
	}
	wantStart := []string{"source", "left", "right", "all"}
	wantCounts := [][2]string{{"articles", "failed"}, {"2", "0"}, {"1", "1"}, {"3", "1"}}
	for i, line := range lines {
		f := strings.Fields(line)
		if f[0] != wantStart[i] || f[1] != wantCounts[i][0] || f[2] != wantCounts[i][1] {
			t.Errorf("row %d %q: want %s %s %s", i, line, wantStart[i], wantCounts[i][0], wantCounts[i][1])
		}
		if i > 0 && !strings.Contains(line, "%") {
			t.Errorf("row %d lacks the top techniques: %q", i, line)
		}
	}
	// Columns line up.
	col := strings.Index(lines[0], "mean score")
	for _, line := range lines[1:] {
		if utf8.RuneCountInString(line) < col {
			t.Errorf("short row %q", line)
		}
	}
}

func TestBatchLabelsReadable(t *testing.T) {
	names := []string{"article111.txt", "article222.txt", "article333.txt"}
	dir := batchFolder(t, filepath.Join(t.TempDir(), "ptc"), names, nil)
	arts, err := corpus.ReadArticles(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	lengths := corpus.Lengths(arts)
	for _, tt := range []struct {
		format string
		f      corpus.Format
	}{{"tsv", corpus.TC}, {"si", corpus.SI}} {
		stdout, stderr, code := runMain("batch", "--format", tt.format, dir)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tt.format, code, stderr)
		}
		spans, err := corpus.ParseLabels("batch "+tt.format, strings.NewReader(stdout), tt.f, lengths)
		if err != nil {
			t.Fatalf("%s output is not readable: %v", tt.format, err)
		}
		if len(spans) == 0 {
			t.Fatalf("%s: no spans", tt.format)
		}
		seen := map[string]bool{}
		for _, s := range spans {
			seen[s.Article] = true
		}
		if len(seen) < 2 {
			t.Errorf("%s: rows for %d articles, want several", tt.format, len(seen))
		}
	}
	// The same folder twice gives rows that cannot be told apart.
	_, stderr, _ := runMain("batch", "--format", "si", dir, dir)
	if !strings.Contains(stderr, "unspun batch: warning: 3 articles share the id of an earlier one, e.g. 111 (") {
		t.Errorf("no warning of duplicate ids:\n%s", stderr)
	}
	// The SI rows are those of 'unspun predict si'.
	si, _, _ := runMain("batch", "--format", "si", dir)
	predicted, stderr, code := runMain("predict", "si", "--articles", dir)
	if code != 0 {
		t.Fatalf("predict si: exit %d: %s", code, stderr)
	}
	if si != predicted {
		t.Errorf("batch --format si differs from predict si:\n%s\nwant\n%s", si, predicted)
	}
	// The TC rows match the jsonl spans.
	tsv, _, _ := runMain("batch", "--format", "tsv", dir)
	jsonl, _, _ := runMain("batch", "--format", "jsonl", dir)
	var want strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		var r struct {
			ID     string          `json:"id"`
			Result analysis.Result `json:"result"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		// A fragment given two techniques has a row for each, as the
		// corpus repeats them.
		for _, s := range r.Result.Spans {
			if len(s.Techniques) == 0 {
				t.Errorf("%s: span %d–%d has no techniques", r.ID, s.Start, s.End)
			}
			for _, tq := range s.Techniques {
				fmt.Fprintf(&want, "%s\t%s\t%d\t%d\n", r.ID, tq.Technique, s.Start, s.End)
			}
		}
	}
	if tsv != want.String() {
		t.Errorf("tsv differs from the jsonl spans:\n%s\nwant\n%s", tsv, want.String())
	}
}

func TestBatchStore(t *testing.T) {
	root := t.TempDir()
	a := batchFolder(t, filepath.Join(root, "alpha"), []string{"1.txt", "2.txt", "3.txt"}, map[string]string{"3.txt": ""})
	b := batchFolder(t, filepath.Join(root, "beta"), []string{"1.txt"}, nil)
	data := filepath.Join(root, "data")
	_, stderr, code := runMain("batch", "--store", "--data", data, "--format", "summary", a, b)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (one empty article): %s", code, stderr)
	}
	// beta/1.txt has the text of alpha/1.txt: one article, stored once.
	wantLine := "unspun batch: stored 2 articles (1 already stored) in " + filepath.Join(data, store.DefaultFile)
	if !strings.Contains(stderr, wantLine+"\n") {
		t.Errorf("stderr lacks %q:\n%s", wantLine, stderr)
	}
	// Again under one chosen source name: stored already, not again.
	_, stderr, code = runMain("batch", "--store", "--data", data, "--source", "Chosen Name", "--format", "si", b)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "unspun batch: stored 0 articles (1 already stored) in "; !strings.Contains(stderr, want) {
		t.Errorf("rerun: stderr lacks %q:\n%s", want, stderr)
	}

	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(data, store.DefaultFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sources, err := st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"alpha"}; !slices.Equal(sources, want) {
		t.Errorf("stored sources %q, want %q", sources, want)
	}
	n, err := st.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d stored articles, want 2", n)
	}
	for id := int64(1); id <= int64(n); id++ {
		art, err := st.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if art.Title == "" || art.Words == 0 || art.Text == "" || len(art.Result) == 0 {
			t.Errorf("article %d stored incompletely: title %q, %d words", id, art.Title, art.Words)
		}
	}
}

func TestBatchFeedFile(t *testing.T) {
	dir := t.TempDir()
	feed := filepath.Join(dir, "wire.rss")
	const rss = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>The Wire</title>
<item><title>Story A</title><link>https://example.com/a</link><pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;The minister said the plan was a disaster that would ruin the country.&lt;/p&gt;</description></item>
<item><title>Story B</title><link>https://example.com/b</link></item>
</channel></rss>`
	if err := os.WriteFile(feed, []byte(rss), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runMain("batch", "--no-fetch", feed)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (an item without text): %s", code, stderr)
	}
	wantErr := "unspun batch: https://example.com/b: fetching is off and the feed gives no text for this item\nunspun batch: analysed 1 article, 1 failed\n"
	if stderr != wantErr {
		t.Errorf("stderr\n%s\nwant\n%s", stderr, wantErr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines:\n%s", len(lines), stdout)
	}
	var r batchRecord
	if err := json.Unmarshal([]byte(lines[0]), &r); err != nil {
		t.Fatal(err)
	}
	if r.Source != "The Wire" || r.URL != "https://example.com/a" || r.Title != "Story A" || r.Published == nil ||
		r.Published.Format("2006-01-02") != "2024-01-02" || r.Result == nil ||
		r.Result.Text != "The minister said the plan was a disaster that would ruin the country." {
		t.Errorf("record %+v", r)
	}
	summary, _, _ := runMain("batch", "--no-fetch", "--format", "summary", feed)
	if !strings.Contains(summary, "note: The Wire: 1 of 1 article analysed from the feed's own text") {
		t.Errorf("summary does not say the feed's text was analysed:\n%s", summary)
	}
}
