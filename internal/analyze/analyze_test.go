package analyze

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
	"unspun/internal/analysis"

	"unspun/internal/corpus"
	"unspun/internal/model"
	"unspun/internal/testenv"
)

var fixture struct {
	once sync.Once
	m    *model.Model
	err  error
}

// fixtureModel returns the small model the tests share
// (testenv.FixtureModel): trained, without word vectors, on six articles,
// enough for the pipeline to find and classify spans.
func fixtureModel(t testing.TB) *model.Model {
	t.Helper()
	path := testenv.FixtureModel(t)
	fixture.once.Do(func() {
		f, err := os.Open(path)
		if err != nil {
			fixture.err = err
			return
		}
		defer f.Close()
		fixture.m, fixture.err = model.Read(f)
	})
	if fixture.err != nil {
		testenv.FixtureUnreadable(t, fixture.err)
	}
	return fixture.m
}

// TestAnalyzeRejects checks the input checks, which come before the model
// is used: they need none.
func TestAnalyzeRejects(t *testing.T) {
	a := New(nil)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		text string
		want error
	}{
		{"empty", context.Background(), "", analysis.ErrEmpty},
		{"white space", context.Background(), " \n\t\r\n ", analysis.ErrEmpty},
		{"too large", context.Background(), strings.Repeat("word ", analysis.MaxBytes/5+1), analysis.ErrTooLarge},
		{"invalid UTF-8", context.Background(), "caf\xe9 au lait", analysis.ErrInvalidUTF8},
		{"canceled", canceled, "Some text.", context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := a.Analyze(tt.ctx, "x", tt.text)
			if !errors.Is(err, tt.want) || res != nil {
				t.Errorf("Analyze = %v, %v; want nil, %v", res, err, tt.want)
			}
		})
	}
	// Past the checks, an analyzer without a model says so.
	for _, m := range []*model.Model{nil, {}} {
		if res, err := New(m).Analyze(context.Background(), "x", "Some text."); err == nil || !strings.Contains(err.Error(), "no model") || res != nil {
			t.Errorf("Analyze without a model = %v, %v; want an error saying there is no model", res, err)
		}
	}
}

// checkResult checks the invariants every Result keeps.
func checkResult(t *testing.T, text string, res *analysis.Result) {
	t.Helper()
	n := utf8.RuneCountInString(text)
	runes := []rune(text)
	if res.Text != text {
		t.Error("Result.Text is not the input")
	}
	if res.Model == "" {
		t.Error("no model version")
	}
	for _, s := range res.Spans {
		if s.Start < 0 || s.End <= s.Start || s.End > n {
			t.Fatalf("span [%d,%d) outside text of %d code points", s.Start, s.End, n)
		}
		if got := string(runes[s.Start:s.End]); got != s.Text {
			t.Errorf("span [%d,%d) text %q, want %q", s.Start, s.End, s.Text, got)
		}
		if !s.Technique.Valid() {
			t.Errorf("span %q: invalid technique", s.Text)
		}
		if !(s.Confidence >= 0 && s.Confidence <= 1) {
			t.Errorf("span %q: confidence %v", s.Text, s.Confidence)
		}
		if s.Voice != "author" && s.Voice != "quote" {
			t.Errorf("span %q: voice %q", s.Text, s.Voice)
		}
		if s.Voice == "author" && s.Speaker != "" {
			t.Errorf("span %q: author voice with speaker %q", s.Text, s.Speaker)
		}
		if len(s.Cues) > maxCues {
			t.Errorf("span %q: %d cues", s.Text, len(s.Cues))
		}
		for _, alt := range s.Alternatives {
			if alt.Technique == s.Technique || alt.Confidence > s.Confidence {
				t.Errorf("span %q: alternative %v (%v) against %v (%v)", s.Text, alt.Technique, alt.Confidence, s.Technique, s.Confidence)
			}
		}
	}
	for _, q := range res.Quotes {
		if q.Start < 0 || q.End <= q.Start || q.End > n {
			t.Errorf("quote [%d,%d) outside text", q.Start, q.End)
		}
	}
	for _, s := range res.Sentences {
		if !(s.Score >= 0 && s.Score <= 1) {
			t.Errorf("sentence [%d,%d) score %v", s.Start, s.End, s.Score)
		}
	}
	if !(res.Score >= 0 && res.Score <= 1) {
		t.Errorf("article score %v", res.Score)
	}
}

func TestAnalyzeCorpus(t *testing.T) {
	a := New(fixtureModel(t))
	dir := testenv.PTC(t)
	ids, err := corpus.ReadIDs(filepath.Join(dir, "split-validation.txt"))
	if err != nil {
		t.Fatal(err)
	}
	arts, err := corpus.ReadArticles(filepath.Join(dir, "articles"), ids[:10])
	if err != nil {
		t.Fatal(err)
	}
	spans := 0
	for _, art := range arts {
		res, err := a.Analyze(context.Background(), art.ID, art.Doc.Text)
		if err != nil {
			t.Fatalf("article %s: %v", art.ID, err)
		}
		checkResult(t, art.Doc.Text, res)
		spans += len(res.Spans)
	}
	if spans == 0 {
		t.Error("no spans found in ten validation articles")
	}
}

func TestAnalyzeQuotedVoice(t *testing.T) {
	a := New(fixtureModel(t))
	text := "Minister praises reform\n\n" +
		"A spokesperson for the finance ministry spoke on Monday. She said: “These traitors and cowards want to destroy our great nation, and every true patriot must stop them now!”\n" +
		"The opposition called the plan a disaster for the country.\n"
	res, err := a.Analyze(context.Background(), "q", text)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, text, res)
	if len(res.Quotes) != 1 || res.Quotes[0].Speaker != "a spokesperson for the finance ministry" {
		t.Fatalf("quotes = %+v", res.Quotes)
	}
	for _, s := range res.Spans {
		inside := s.Start >= res.Quotes[0].Start && s.End <= res.Quotes[0].End
		if inside && (s.Voice != "quote" || s.Speaker != res.Quotes[0].Speaker) {
			t.Errorf("span %q inside the quote has voice %q, speaker %q", s.Text, s.Voice, s.Speaker)
		}
		if s.End <= res.Quotes[0].Start && s.Voice != "author" {
			t.Errorf("span %q before the quote has voice %q", s.Text, s.Voice)
		}
	}
}

// TestAnalyzeConcurrent runs one analyzer from many goroutines (under
// -race) and expects the sequential results.
func TestAnalyzeConcurrent(t *testing.T) {
	a := New(fixtureModel(t))
	texts := []string{
		"They are traitors! Only a fool would trust these corrupt liars.\n",
		"The committee met on Tuesday.\n\nIt will meet again next week.\n",
		"“Never, ever surrender,” the general said. The enemy is evil.\n",
	}
	want := make([]*analysis.Result, len(texts))
	for i, tx := range texts {
		r, err := a.Analyze(context.Background(), "c", tx)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = r
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 10 {
				i := (g + k) % len(texts)
				r, err := a.Analyze(context.Background(), "c", texts[i])
				if err != nil {
					t.Error(err)
					return
				}
				if !reflect.DeepEqual(r, want[i]) {
					t.Errorf("text %d: concurrent result differs", i)
				}
			}
		}()
	}
	wg.Wait()
}

func TestDefault(t *testing.T) {
	a, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	text := "The committee met on Tuesday.\n"
	res, err := a.Analyze(context.Background(), "d", text)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, text, res)
	if res.Model != a.Model().Version {
		t.Errorf("result names model %q, analyzer has %q", res.Model, a.Model().Version)
	}
}

// embeddedModel returns the shipped model, skipping when the tree has
// none.
func embeddedModel(b *testing.B) *model.Model {
	m, err := model.Embedded()
	if errors.Is(err, model.ErrNoModel) {
		b.Skip(err)
	}
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkAnalyze runs the full pipeline with the shipped model on the
// unlabeled news articles, one at a time.
func BenchmarkAnalyze(b *testing.B) { benchAnalyze(b, Options{}) }

// BenchmarkAnalyzeNoCues is BenchmarkAnalyze without cues: the
// difference between the two is what finding and wording cues costs.
func BenchmarkAnalyzeNoCues(b *testing.B) { benchAnalyze(b, Options{NoCues: true}) }

func benchAnalyze(b *testing.B, opt Options) {
	m := embeddedModel(b)
	arts, err := corpus.ReadArticles(testenv.Unlabeled(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	a := New(m)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		art := arts[i%len(arts)]
		i++
		if _, err := a.AnalyzeWith(ctx, art.ID, art.Doc.Text, opt); err != nil && !errors.Is(err, analysis.ErrEmpty) {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyzeHostile runs the pipeline on texts built to defeat
// per-sentence and per-repeat work: 200 KB without a sentence break, and
// one quoted sentence repeated 3,000 times. Both should cost about as
// much per byte as ordinary news.
func BenchmarkAnalyzeHostile(b *testing.B) {
	m := embeddedModel(b)
	a := New(m)
	words := strings.Fields("the corrupt regime destroys our great nation and its evil leaders lie about the terrible disaster while patriots fight")
	var unbroken strings.Builder
	unbroken.WriteString("Title\n\n")
	for i := 0; unbroken.Len() < 200_000; i++ {
		unbroken.WriteString(words[(i*7+i/5)%len(words)])
		unbroken.WriteByte(' ')
	}
	texts := map[string]string{
		"unbroken": unbroken.String(),
		"repeated": "Title\n\n" + strings.Repeat(`He said: "This is a disaster for the whole nation and the people." `, 3000),
	}
	for _, name := range []string{"unbroken", "repeated"} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(texts[name])))
			for b.Loop() {
				if _, err := a.Analyze(context.Background(), name, texts[name]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
