package si

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"unspun/internal/corpus"
	"unspun/internal/cue"
	"unspun/internal/doc"
	"unspun/internal/embed"
	"unspun/internal/lexicon"
	"unspun/internal/technique"
	"unspun/internal/testenv"
)

// bruteForce enumerates every tag sequence: it returns the best one, the
// tag marginals, log Z and the expected transition counts.
func bruteForce(c *crf, e []float64, n int) ([]int8, []float64, float64, [nTags * nTags]float64) {
	total := 1
	for range n {
		total *= nTags
	}
	seq := func(code int, tags []int8) float64 {
		for t := range n {
			tags[t] = int8(code % nTags)
			code /= nTags
		}
		s := float64(c.start[tags[0]]) + e[int(tags[0])]
		for t := 1; t < n; t++ {
			s += float64(c.trans[int(tags[t-1])*nTags+int(tags[t])]) + e[t*nTags+int(tags[t])]
		}
		return s
	}
	tags := make([]int8, n)
	best, bestScore := []int8(nil), math.Inf(-1)
	for code := range total {
		if s := seq(code, tags); s > bestScore {
			best, bestScore = slices.Clone(tags), s
		}
	}
	// Probabilities relative to the best sequence's, so that exp stays
	// finite whatever the scale of the emissions.
	marg := make([]float64, n*nTags)
	var pair [nTags * nTags]float64
	var z float64
	for code := range total {
		p := math.Exp(seq(code, tags) - bestScore)
		z += p
		for t := range n {
			marg[t*nTags+int(tags[t])] += p
			if t > 0 {
				pair[int(tags[t-1])*nTags+int(tags[t])] += p
			}
		}
	}
	for i := range marg {
		marg[i] /= z
	}
	for i := range pair {
		pair[i] /= z
	}
	return best, marg, math.Log(z) + bestScore, pair
}

func TestViterbiAndMarginals(t *testing.T) {
	tests := []struct {
		name  string
		trans [nTags * nTags]float32
		start [nTags]float32
		e     []float64
	}{
		{"emissions only", [9]float32{}, [3]float32{}, []float64{2, 0, 0, 0, 0, 3, 0, 1, 0, 1, 0, 0}},
		{"O to I forbidden", [9]float32{0, 0, -20, 0, 0, 1, 0, 0, 1}, [3]float32{0, 0, -20},
			[]float64{0, 0, 5, 0, 1, 2, 3, 0, 0, 0, 0.5, 0.4}},
		{"sticky spans", [9]float32{1, -1, -5, -2, 0, 2, -1, -1, 2}, [3]float32{0.5, 0, -3},
			[]float64{0, 1, 0, 0.2, 0, 0.3, 1, 0, 0, 0, 0.9, 0.9, 0.3, 0, 0.1}},
		{"one token", [9]float32{}, [3]float32{1, 0, 0}, []float64{0, 1.5, 0}},
		{"large emissions", [9]float32{2, -3, -30, 0, 1, 4, -1, 0, 3}, [3]float32{0, 0, -30},
			[]float64{800, 790, 0, 0, 810, 805, 750, 760, 770, 820, 0, 815}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &crf{trans: tt.trans, start: tt.start}
			n := len(tt.e) / nTags
			want, wantMarg, wantZ, wantPair := bruteForce(c, tt.e, n)
			got := make([]int8, n)
			c.viterbi(tt.e, n, make([]float64, n*nTags), make([]int8, n*nTags), got)
			if !slices.Equal(got, want) {
				t.Errorf("viterbi = %v, want %v", got, want)
			}
			marg := make([]float64, n*nTags)
			var pair [nTags * nTags]float64
			logZ := c.forwardBackward(tt.e, make([]float64, n*nTags), make([]float64, n*nTags), marg, n, &pair)
			for i := range marg {
				if !(math.Abs(marg[i]-wantMarg[i]) <= 1e-9) {
					t.Fatalf("marginals = %v, want %v", marg, wantMarg)
				}
			}
			if !(math.Abs(logZ-wantZ) <= 1e-9*max(1, math.Abs(wantZ))) {
				t.Errorf("log Z = %v, want %v", logZ, wantZ)
			}
			for i := range pair {
				if !(math.Abs(pair[i]-wantPair[i]) <= 1e-9) {
					t.Fatalf("transition counts = %v, want %v", pair, wantPair)
				}
			}
		})
	}
}

func TestTrim(t *testing.T) {
	tests := []struct {
		text       string
		start, end int
		want       string
		ok         bool
	}{
		{"a big lie.", 0, 10, "a big lie", true},
		{" , big lie;: \n", 0, 14, "big lie", true},
		{"“Évidemment,” he said", 0, 13, "“Évidemment,”", true},
		{"… so-called experts.", 2, 20, "so-called experts", true},
		{" .,;: \n", 0, 7, "", false},
		{"text", 2, 2, "", false},
	}
	for _, tt := range tests {
		d := doc.New("t", tt.text)
		s, e, ok := Trim(d, tt.start, tt.end)
		if ok != tt.ok || (ok && d.Slice(s, e) != tt.want) {
			t.Errorf("Trim(%q, %d, %d) = %q, %v; want %q, %v", tt.text, tt.start, tt.end, d.Slice(s, e), ok, tt.want, tt.ok)
		}
	}
}

func TestDecode(t *testing.T) {
	// Words: 0 They 1 are 2 evil 3 , 4 evil 5 thugs 6 and 7 liars 8 .
	//        9 Nice 10 weather 11 today 12 .
	const text = "They are evil, evil thugs and liars. Nice weather today."
	d := doc.New("t", text)
	if len(d.Words) != 13 {
		t.Fatalf("test text has %d words, want 13: %v", len(d.Words), d.Words)
	}
	m := &Model{bits: 10}
	var di docInfo
	m.analyse(d, nil, &di)
	prob := []float64{0.1, 0.1, 0.9, 0.2, 0.8, 0.7, 0.3, 0.6, 0.1, 0.5, 0.1, 0.1, 0.1}
	tests := []struct {
		name string
		dc   Decoding
		want []string
	}{
		{"threshold", Decoding{Threshold: 0.45}, []string{"evil", "evil thugs", "liars", "Nice"}},
		{"gap joins", Decoding{Threshold: 0.45, Gap: 1}, []string{"evil, evil thugs and liars", "Nice"}},
		{"min words", Decoding{Threshold: 0.45, MinWords: 2}, []string{"evil thugs"}},
		{"peak", Decoding{Threshold: 0.45, Peak: 0.75}, []string{"evil", "evil thugs"}},
		{"clause", Decoding{Threshold: 0.45, Clause: true, Peak: 0.6}, []string{"They are evil", "evil thugs and liars"}},
		{"sentence", Decoding{Threshold: 0.45, Sentence: 0.85}, []string{"They are evil, evil thugs and liars", "Nice"}},
		{"nothing", Decoding{Threshold: 0.95}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range m.decode(d, &di, prob, tt.dc) {
				got = append(got, d.Slice(s.Start, s.End))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("spans = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGoldTags(t *testing.T) {
	d := doc.New("t", "We fight the evil regime. They lie.")
	var di docInfo
	(&Model{bits: 10}).analyse(d, nil, &di)
	// "evil regime" and, merged from two overlapping rows, "They lie".
	gold := mergeGold([]corpus.Span{{Start: 13, End: 24}, {Start: 26, End: 30}, {Start: 26, End: 34}})
	got := goldTags(d, gold, di.sents)
	want := []int8{tagO, tagO, tagO, tagB, tagI, tagO, tagB, tagI, tagO}
	if !slices.Equal(got, want) {
		t.Errorf("tags = %v, want %v", got, want)
	}
}

// testArticles reads a few PTC training articles, skipping the test when
// the shared data is absent.
func testArticles(t testing.TB, n int) []*corpus.Article {
	t.Helper()
	ptc := testenv.PTC(t)
	ids, err := corpus.ReadIDs(filepath.Join(ptc, "split-train.txt"))
	if err != nil {
		t.Fatal(err)
	}
	arts, err := corpus.ReadPTC(ptc, ids[:n])
	if err != nil {
		t.Fatal(err)
	}
	return arts
}

// testVectors is a tiny deterministic vector table over the articles'
// words, so that the dense and cluster paths are exercised without the
// npm tarball.
func testVectors(t testing.TB, arts []*corpus.Article) *embed.Vectors {
	seen := map[string]bool{}
	var words []string
	var vecs [][]float32
	for _, a := range arts {
		for _, w := range a.Doc.Words {
			l := lexicon.Lower(w.Text)
			if seen[l] {
				continue
			}
			seen[l] = true
			v := make([]float32, 8)
			for i := range v {
				v[i] = float32(math.Sin(float64(len(words)*(i+1)) + float64(len(l))))
			}
			words = append(words, l)
			vecs = append(vecs, v)
		}
	}
	v, err := embed.New(8, words, vecs)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func smallOptions() Options {
	return Options{Epochs: 3, LearningRate: 0.1, HashBits: 14, Folds: 2, Bags: 2, Members: 2, Clusters: []int{4, 16}, ClusterWords: 2000}
}

// small is the model trainSmall trains once for the package's tests, with
// what cross-validation reported as held-out spans.
var small struct {
	once sync.Once
	m    *Model
	arts []*corpus.Article
	vecs *embed.Vectors
	held [][]Span // by article; nil until reported
	prob [][]float64
	n    int // HeldOut calls
	err  error
}

// trainSmall returns a model trained once, with smallOptions and toy
// vectors, on six training articles, and those articles and vectors.
// Tests share the model: they must not change it.
func trainSmall(t testing.TB) (*Model, []*corpus.Article, *embed.Vectors) {
	t.Helper()
	arts := testArticles(t, 6)
	small.once.Do(func() {
		small.arts = arts
		small.vecs = testVectors(t, arts)
		small.held = make([][]Span, len(arts))
		opts := smallOptions()
		small.prob = make([][]float64, len(arts))
		opts.HeldOut = func(i int, spans []Span, prob []float64) {
			small.held[i] = spans
			small.prob[i] = prob
			small.n++
		}
		small.m, small.err = Train(arts, small.vecs, opts)
	})
	if small.err != nil {
		t.Fatal(small.err)
	}
	return small.m, small.arts, small.vecs
}

// TestHeldOut checks what cross-validation reports as held-out spans: one
// call per training article, spans as Locate gives them (no cues).
func TestHeldOut(t *testing.T) {
	_, arts, _ := trainSmall(t)
	if small.n != len(arts) {
		t.Fatalf("HeldOut called %d times for %d articles", small.n, len(arts))
	}
	spans := 0
	for i, a := range arts {
		checkProbs(t, a.Doc, small.prob[i])
		checkSpans(t, a.Doc, small.held[i])
		for _, s := range small.held[i] {
			if s.Cues != nil {
				t.Errorf("article %s: held-out span %+v has cues", a.ID, s)
			}
		}
		spans += len(small.held[i])
	}
	if spans == 0 {
		t.Error("no held-out spans in six articles")
	}
}

func modelBytes(t testing.TB, m *Model) []byte {
	var b bytes.Buffer
	n, err := m.WriteTo(&b)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(b.Len()) {
		t.Fatalf("WriteTo reported %d bytes, wrote %d", n, b.Len())
	}
	return b.Bytes()
}

func TestTrainDeterministicAndRoundTrip(t *testing.T) {
	m1, arts, vecs := trainSmall(t)
	m2, err := Train(arts, vecs, smallOptions())
	if err != nil {
		t.Fatal(err)
	}
	b1, b2 := modelBytes(t, m1), modelBytes(t, m2)
	if !bytes.Equal(b1, b2) {
		t.Fatal("two trainings on the same data gave different models")
	}
	m3, err := Read(bytes.NewReader(b1), vecs)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(modelBytes(t, m3), b1) {
		t.Error("write → read → write changed the bytes")
	}
	if len(m3.taggers) != len(m1.taggers) {
		t.Fatalf("%d taggers after round trip, want %d", len(m3.taggers), len(m1.taggers))
	}
	for i, tg := range m3.taggers {
		if tg.dec != m1.taggers[i].dec || tg.group != m1.taggers[i].group {
			t.Errorf("tagger %d after round trip: %v %+v, want %v %+v", i, tg.group, tg.dec, m1.taggers[i].group, m1.taggers[i].dec)
		}
	}
	for _, a := range arts {
		p1, p3 := m1.Predict(a.Doc), m3.Predict(a.Doc)
		if !slices.EqualFunc(p1, p3, spanEqual) {
			t.Errorf("article %s: predictions differ after round trip", a.ID)
		}
		checkSpans(t, a.Doc, p1)
		// Locate finds the same spans with the same scores, only without
		// cues.
		l := m1.Locate(a.Doc)
		if len(l) != len(p1) {
			t.Fatalf("article %s: Locate found %d spans, Predict %d", a.ID, len(l), len(p1))
		}
		for i := range l {
			if l[i].Start != p1[i].Start || l[i].End != p1[i].End || l[i].Score != p1[i].Score || l[i].Cues != nil {
				t.Errorf("article %s: Locate span %+v, Predict %+v", a.ID, l[i], p1[i])
			}
		}
	}
}

func TestTrainLearns(t *testing.T) {
	arts := testArticles(t, 6)
	opts := smallOptions()
	// Cross-validating on three articles per fold tunes nothing useful:
	// check the tagger itself with the default decoding.
	opts.Folds = 1
	m, err := Train(arts, testVectors(t, arts), opts)
	if err != nil {
		t.Fatal(err)
	}
	// The model saw these articles: it must find most of their spans.
	if r := Evaluate(m, arts); r.F1 < 0.3 {
		t.Errorf("F1 on the training articles = %.3f, want ≥ 0.3", r.F1)
	}
	// Without word vectors the tagger still works, on sparse features.
	plain, err := Train(arts, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	if r := Evaluate(plain, arts); r.F1 < 0.3 {
		t.Errorf("without vectors: F1 on the training articles = %.3f, want ≥ 0.3", r.F1)
	}
	if _, err := Train(nil, nil, opts); err == nil {
		t.Error("Train with no articles succeeded")
	}
}

func spanEqual(a, b Span) bool {
	return a.Start == b.Start && a.End == b.End && a.Score == b.Score && slices.Equal(a.Cues, b.Cues)
}

// checkSpans asserts Predict's contract: sorted, non-overlapping, trimmed,
// in range, with a probability.
// checkProbs checks word probabilities as Tagged.Prob and Options.HeldOut
// give them: one per word of d, each a probability, and not all zero
// (the small model finds spans in its training articles).
func checkProbs(t *testing.T, d *doc.Document, prob []float64) {
	t.Helper()
	if len(prob) != len(d.Words) {
		t.Fatalf("%d word probabilities for %d words", len(prob), len(d.Words))
	}
	hi := 0.0
	for k, p := range prob {
		if !(p >= 0 && p <= 1) {
			t.Fatalf("word %d (%q): probability %v", k, d.Words[k].Text, p)
		}
		hi = max(hi, p)
	}
	if hi == 0 {
		t.Errorf("every word's probability is 0")
	}
}

// TestTagging: Tagging finds the spans Tag finds, and a probability per
// word of the document.
func TestTagging(t *testing.T) {
	m, arts, _ := trainSmall(t)
	for _, a := range arts {
		got, err := m.Tagging(context.Background(), a.Doc, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := m.Tag(context.Background(), a.Doc, nil, false)
		if !reflect.DeepEqual(got.Spans, want) {
			t.Errorf("article %s: Tagging's spans %v, Tag's %v", a.ID, got.Spans, want)
		}
		checkProbs(t, a.Doc, got.Prob)
	}
}

func checkSpans(t *testing.T, d *doc.Document, spans []Span) {
	t.Helper()
	for i, s := range spans {
		if s.Start < 0 || s.End > d.Len() || s.Start >= s.End {
			t.Fatalf("span %d [%d,%d) out of range (len %d)", i, s.Start, s.End, d.Len())
		}
		if i > 0 && spans[i-1].End > s.Start {
			t.Errorf("spans %d and %d overlap or are unsorted", i-1, i)
		}
		if st, en, _ := Trim(d, s.Start, s.End); st != s.Start || en != s.End {
			t.Errorf("span %q is not trimmed", d.Slice(s.Start, s.End))
		}
		if !(s.Score > 0 && s.Score < 1) {
			t.Errorf("span %d score %v not a probability", i, s.Score)
		}
	}
}

func TestReadRejectsBadInput(t *testing.T) {
	m, _, vecs := trainSmall(t)
	b := modelBytes(t, m)
	other, err := embed.New(4, []string{"a"}, [][]float32{{1, 2, 3, 4}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		vecs *embed.Vectors
	}{
		{"empty", nil, vecs},
		{"bad magic", append([]byte("NOTSI\x00\x00\x00"), b[8:]...), vecs},
		{"truncated header", b[:12], vecs},
		{"truncated weights", b[:len(b)-7], vecs},
		{"wrong vectors", b, other},
		{"no vectors", b, nil},
		{"future version", append(append(slices.Clone(b[:8]), byte(version+1), 0, 0, 0), b[12:]...), vecs},
	}
	for _, tt := range tests {
		if _, err := Read(bytes.NewReader(tt.data), tt.vecs); err == nil {
			t.Errorf("%s: Read succeeded, want error", tt.name)
		}
	}
}

// TestReadOlderVersion refuses a model from before technique groups with
// a message saying to retrain.
func TestReadOlderVersion(t *testing.T) {
	m, _, vecs := trainSmall(t)
	b := modelBytes(t, m)
	v3 := append(append(slices.Clone(b[:8]), 3, 0, 0, 0), b[12:]...)
	_, err := Read(bytes.NewReader(v3), vecs)
	if err == nil || !strings.Contains(err.Error(), "retrain") {
		t.Errorf("reading a version 3 model: err = %v, want one saying to retrain", err)
	}
}

func TestPredictEdgeCases(t *testing.T) {
	m, _, _ := trainSmall(t)
	for _, text := range []string{"", " ", "\n\n\t \n", ".", "!!! ???", "\xff\xfe bad utf8 \xc3", "word"} {
		d := doc.New("x", text)
		spans := m.Predict(d)
		if n := len(spans); text == "" || text == " " || text == "\n\n\t \n" || text == "." {
			if n != 0 {
				t.Errorf("Predict(%q) = %v, want no spans", text, spans)
			}
		}
		checkSpans(t, d, spans)
	}
}

func TestPredictConcurrent(t *testing.T) {
	m, arts, _ := trainSmall(t)
	want := make([][]Span, len(arts))
	for i, a := range arts {
		want[i] = m.Predict(a.Doc)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 3 * len(arts) {
				i := (g + k) % len(arts)
				if got := m.Predict(arts[i].Doc); !slices.EqualFunc(got, want[i], spanEqual) {
					errs <- arts[i].ID
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for id := range errs {
		t.Errorf("concurrent Predict on article %s differs from sequential", id)
	}
}

// TestCues checks the facts the tagger gives for its spans: at most
// maxCues, each stated once, none about a word that cannot stand alone,
// and all of them worded by cue.Merge without a repetition that is not
// one or a quoted punctuation mark.
func TestCues(t *testing.T) {
	m, arts, _ := trainSmall(t)
	n := 0
	for _, a := range arts {
		tab := m.Words(a.Doc)
		for _, s := range m.Predict(a.Doc) {
			if len(s.Cues) > maxCues {
				t.Errorf("span has %d cues, want at most %d", len(s.Cues), maxCues)
			}
			for i, c := range s.Cues {
				if c.Kind == cue.None || stated(s.Cues[:i], c) {
					t.Errorf("cue %d of %+v is empty or stated twice", i, s.Cues)
				}
				switch c.Kind {
				case cue.Typical, cue.Valence:
					if c.End == c.Start+1 && !cue.Quotable(a.Doc, int(c.Start), tab.Words[c.Start].Lower) {
						t.Errorf("cue %+v is about %q", c, a.Doc.Words[c.Start].Text)
					}
				}
			}
			f := cue.Fragment{Doc: a.Doc, Words: tab, Start: s.Start, End: s.End}
			for _, c := range cue.Merge(&f, nil, s.Cues) {
				if strings.Contains(c, "recurs 1 times") {
					t.Errorf("cue %q: a word seen once does not recur", c)
				}
				// Quoted words must be words, not punctuation.
				if i := strings.Index(c, "“"); i >= 0 {
					q := c[i+len("“"):]
					q = q[:strings.Index(q, "”")]
					if !lexicon.IsWord(q) {
						t.Errorf("cue %q quotes punctuation", c)
					}
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Error("no span carries a cue")
	}
}

func BenchmarkPredict(b *testing.B) {
	arts := testArticles(b, 40)
	// The real vectors when the resources were fetched: their dimension
	// drives the cost of the dense features.
	vecs, err := embed.BuildFromNPM(filepath.Join(testenv.ModuleRoot(), ".cache", "resources", embed.NPMPackage), 100000)
	if err != nil {
		b.Logf("using toy vectors: %v", err)
		vecs = testVectors(b, arts)
	}
	m, err := Train(arts, vecs, Options{Epochs: 2, Folds: 1})
	if err != nil {
		b.Fatal(err)
	}
	words := 0
	for _, a := range arts {
		words += len(a.Doc.Words)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Predict(arts[i%len(arts)].Doc)
	}
	b.ReportMetric(float64(words)/float64(len(arts)), "words/article")
}

func TestTrainGroups(t *testing.T) {
	m, arts, vecs := trainSmall(t)
	if got := m.Groups(); !slices.Equal(got, DefaultGroups) {
		t.Errorf("groups = %v, want DefaultGroups %v", got, DefaultGroups)
	}
	// SI labels carry no technique: one tagger learns every span.
	var si []*corpus.Article
	for _, a := range arts {
		b := *a
		b.Spans = nil
		for _, s := range a.Spans {
			b.Spans = append(b.Spans, corpus.Span{Article: s.Article, Start: s.Start, End: s.End})
		}
		si = append(si, &b)
	}
	o := smallOptions()
	o.Folds = 1
	plain, err := Train(si, vecs, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := plain.Groups(); !slices.Equal(got, []technique.Set{technique.AllTechniques}) {
		t.Errorf("groups for SI labels = %v, want all techniques", got)
	}
	if r := Evaluate(plain, si); r.F1 < 0.3 {
		t.Errorf("SI labels: F1 on the training articles = %.3f, want ≥ 0.3", r.F1)
	}
	bad := []struct {
		name   string
		groups []technique.Set
	}{
		{"empty group", []technique.Set{technique.SetOf(technique.Doubt), 0}},
		{"shared technique", []technique.Set{technique.SetOf(technique.Doubt), technique.SetOf(technique.Doubt, technique.Slogans)}},
		{"invalid technique", []technique.Set{1 << technique.Count}},
	}
	for _, tt := range bad {
		o.Groups = tt.groups
		if _, err := Train(arts, vecs, o); err == nil {
			t.Errorf("%s: Train succeeded, want error", tt.name)
		}
	}
}

func TestMergeFound(t *testing.T) {
	f := func(start, end int, score float64, tagger int) found {
		return found{cand: cand{Span: Span{Start: start, End: end, Score: score}, a: start, b: end}, tagger: tagger}
	}
	tests := []struct {
		name string
		in   []found
		want []found
	}{
		{"apart", []found{f(10, 20, 0.5, 1), f(0, 5, 0.2, 0)}, []found{f(0, 5, 0.2, 0), f(10, 20, 0.5, 1)}},
		{"touching stay apart", []found{f(0, 5, 0.2, 0), f(5, 9, 0.4, 1)}, []found{f(0, 5, 0.2, 0), f(5, 9, 0.4, 1)}},
		// A short strong span inside a long weak one: the long one's
		// extent, the length-weighted score, the strong one's tagger.
		{"nested", []found{f(0, 30, 0.2, 1), f(10, 20, 0.8, 0)}, []found{f(0, 30, (30*0.2+10*0.8)/40, 0)}},
		{"chain", []found{f(0, 10, 0.5, 0), f(5, 15, 0.5, 1), f(12, 20, 0.5, 0)}, []found{f(0, 20, 0.5, 0)}},
	}
	for _, tt := range tests {
		got := mergeFound(slices.Clone(tt.in))
		if len(got) != len(tt.want) {
			t.Errorf("%s: merged %d spans, want %d: %+v", tt.name, len(got), len(tt.want), got)
			continue
		}
		for i := range got {
			g, w := got[i], tt.want[i]
			if g.Start != w.Start || g.End != w.End || g.a != w.a || g.b != w.b || g.tagger != w.tagger || math.Abs(g.Score-w.Score) > 1e-12 {
				t.Errorf("%s: span %d = %+v, want %+v", tt.name, i, g, w)
			}
		}
	}
}

// TestDecodeClauseManyRuns checks the clause widening, which stops at the
// neighbouring runs to stay linear, against widening every run to its
// whole clause and merging, on random probabilities.
func TestDecodeClauseManyRuns(t *testing.T) {
	text := "They lie and cheat and steal, every day, all the time — and nobody (not one) stops them. " +
		"Short one. Then the corrupt regime, its evil leaders and their thugs destroy what remains of our great nation"
	d := doc.New("t", text)
	m := &Model{bits: 10}
	var di docInfo
	m.analyse(d, nil, &di)
	rng := rand.New(rand.NewPCG(3, 4))
	prob := make([]float64, len(d.Words))
	for trial := range 200 {
		for i := range prob {
			prob[i] = rng.Float64()
		}
		dc := Decoding{Threshold: 0.3 + 0.4*rng.Float64(), Gap: trial % 3, MinWords: 1, Clause: true}
		var want []string
		for _, r := range di.sents {
			runs := appendRuns(nil, r[0], r[1], dc.Gap, func(k int) bool { return prob[k] > dc.Threshold })
			var merged [][2]int
			for _, x := range runs {
				a, b := x[0], x[1]
				for a > r[0] && !isBreak(d.Words[a-1].Text) {
					a--
				}
				for b < r[1] && !isBreak(d.Words[b].Text) {
					b++
				}
				if n := len(merged); n > 0 && a <= merged[n-1][1] {
					merged[n-1][1] = max(merged[n-1][1], b)
					continue
				}
				merged = append(merged, [2]int{a, b})
			}
			for _, x := range merged {
				wordy := false
				for k := x[0]; k < x[1]; k++ {
					wordy = wordy || lexicon.IsWord(d.Words[k].Text)
				}
				if st, en, ok := Trim(d, d.Words[x[0]].Start, d.Words[x[1]-1].End); ok && wordy {
					want = append(want, d.Slice(st, en))
				}
			}
		}
		var got []string
		for _, c := range m.decode(d, &di, prob, dc) {
			got = append(got, d.Slice(c.Start, c.End))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d, %+v: spans %q, want %q", trial, dc, got, want)
		}
	}
}

// unlabeledCopies returns the articles without their spans.
func unlabeledCopies(arts []*corpus.Article) []*corpus.Article {
	out := make([]*corpus.Article, len(arts))
	for i, a := range arts {
		out[i] = &corpus.Article{ID: a.ID, Doc: a.Doc}
	}
	return out
}

func TestSelfTraining(t *testing.T) {
	if testing.Short() {
		t.Skip("self-trains twice")
	}
	// trainSmall's model is the one trained without self-training: on
	// the same six articles, with the same vectors (which do not cover
	// the unlabelled articles' words) and options.
	plain, arts, vecs := trainSmall(t)
	extra := unlabeledCopies(testArticles(t, 10)[6:])
	opts := smallOptions()
	opts.Unlabeled = extra
	var progress bytes.Buffer
	opts.Progress = &progress
	m1, err := Train(arts, vecs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "self-training on 4 unlabelled articles") {
		t.Errorf("progress does not report self-training:\n%s", progress.String())
	}
	opts.Progress = nil
	m2, err := Train(arts, vecs, opts)
	if err != nil {
		t.Fatal(err)
	}
	b1 := modelBytes(t, m1)
	if !bytes.Equal(b1, modelBytes(t, m2)) {
		t.Fatal("two self-trainings on the same data gave different models")
	}
	if bytes.Equal(b1, modelBytes(t, plain)) {
		t.Error("self-training left the model unchanged")
	}
	for _, a := range arts {
		checkSpans(t, a.Doc, m1.Predict(a.Doc))
	}
}

func TestPseudoLabelBudget(t *testing.T) {
	m, arts, _ := trainSmall(t)
	u := m.prepareUnlabeled(unlabeledCopies(arts))
	tg := m.taggers[0]
	var found, longest int
	s := &scratch{}
	for _, ex := range u.exs {
		m.extract(ex.art.Doc, s)
		m.marginals(tg, s)
		for _, f := range m.findBy(nil, tg, 0, ex.art.Doc, &s.di, s.prob) {
			found += f.b - f.a
			longest = max(longest, f.b-f.a)
		}
	}
	if found == 0 {
		t.Fatal("the tagger finds nothing in its own training articles")
	}
	for _, share := range []float64{0, 0.01, 0.05, 1} {
		exs, used := m.pseudoLabel(u, tg, share)
		budget := int(share * float64(u.words))
		switch {
		case share == 1 && used != found:
			t.Errorf("share 1: %d words marked, want all %d found", used, found)
		case share < 1 && (used > budget+longest || used > found):
			t.Errorf("share %v: %d words marked, budget %d (+ %d for the last span)", share, used, budget, longest)
		}
		inside := 0
		for _, ex := range exs {
			for _, tag := range ex.tags {
				if tag != tagO {
					inside++
				}
			}
		}
		if (inside == 0) != (used == 0) {
			t.Errorf("share %v: %d words marked but %d tagged inside", share, used, inside)
		}
	}
}

// TestTaggingMatchesTraining checks that tagging, which reads the sparse
// part of the emissions from the taggers' interleaved weights and sums
// the dense part from per-word projections (some precomputed), gives the
// marginals training computes from each CRF's own weights and the dense
// values themselves.
func TestTaggingMatchesTraining(t *testing.T) {
	m, arts, vecs := trainSmall(t)
	s := &scratch{}
	for _, a := range arts[:2] {
		ex := m.prepare(a)
		m.extract(a.Doc, s)
		for g, tg := range m.taggers {
			c := tg.members[0]
			one := &tagger{members: []*crf{c}}
			m.marginals(one, s)
			cached := slices.Clone(s.prob)
			proj := c.proj
			c.proj = c.proj[:projW] // only the most frequent word cached
			m.marginals(one, s)
			c.proj = proj
			uncached := slices.Clone(s.prob)

			// Training's view: the CRF with its own weights, which the
			// model keeps only in the interleaved table.
			own := *c
			own.w, own.col = m.sparseOf(c), 0
			dense := make([]float32, len(c.dense)/nTags)
			for _, r := range ex.seqs {
				n := r[1] - r[0]
				e := make([]float64, n*nTags)
				for i := r[0]; i < r[1]; i++ {
					fillDense(vecs, ex.vecRows, i, r, ex.sentVec[ex.sentOf[i]], dense)
					own.emit(ex.rows[ex.offs[i]:ex.offs[i+1]], dense, e[(i-r[0])*nTags:])
				}
				marg := make([]float64, n*nTags)
				own.forwardBackward(e, make([]float64, n*nTags), make([]float64, n*nTags), marg, n, nil)
				for i := r[0]; i < r[1]; i++ {
					want := 1 - marg[(i-r[0])*nTags+tagO]
					if !(math.Abs(cached[i]-want) < 1e-4 && math.Abs(uncached[i]-want) < 1e-4) {
						t.Fatalf("%s tagger %d word %d: tagging gives %v (cached) and %v (computed), training %v", a.ID, g, i, cached[i], uncached[i], want)
					}
				}
			}
		}
	}
}

// TestNoFact checks that the templates cues leaves out before ranking
// state no fact: leaving them out must not change any span's cues.
func TestNoFact(t *testing.T) {
	m, arts, _ := trainSmall(t)
	s := m.getScratch()
	checked := 0
	for _, a := range arts[:min(5, len(arts))] {
		m.extract(a.Doc, s)
		n := len(a.Doc.Words)
		for tpl := range numTemplates {
			if !noFact[tpl] {
				continue
			}
			for k := range n {
				for _, r := range [][2]int{{k, k + 1}, {max(0, k-2), min(n, k+3)}, {0, n}} {
					if c, ok := fact(a.Doc, s, pull{tpl: uint8(tpl), tok: k, pull: 1}, r[0], r[1]); ok {
						t.Errorf("template %d at word %d of [%d, %d) states %+v", tpl, k, r[0], r[1], c)
					}
					checked++
				}
			}
		}
	}
	if checked == 0 {
		t.Error("nothing checked")
	}
}
