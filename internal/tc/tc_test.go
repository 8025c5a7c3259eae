package tc

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"unspun/internal/corpus"
	"unspun/internal/cue"
	"unspun/internal/doc"
	"unspun/internal/lexicon"
	"unspun/internal/technique"

	"unspun/internal/testenv"
)

// spanOf returns the code-point span of the n-th (0-based) occurrence of
// sub in d.
func spanOf(t testing.TB, d *doc.Document, sub string, n int) (int, int) {
	t.Helper()
	b := 0
	for i := 0; ; i++ {
		k := strings.Index(d.Text[b:], sub)
		if k < 0 {
			t.Fatalf("%q: occurrence %d not found", sub, n)
		}
		if i == n {
			s := d.CodePoint(b + k)
			return s, d.CodePoint(b + k + len(sub))
		}
		b += k + len(sub)
	}
}

func TestRecurrences(t *testing.T) {
	text := "Title here\n\nThe plan is a failure. A failure for families, a Failure for workers.\n" +
		"“They lie,” he said. Nobody failed."
	d := doc.New("1", text)
	st := newDocStats(d, nil, 0)
	tests := []struct {
		sub         string
		n           int // occurrence
		wantCount   int
		wantBefore  int
		wantInQuote bool
	}{
		{"a failure", 0, 3, 0, false},
		{"a Failure", 0, 3, 2, false},
		{"failure", 1, 3, 1, false}, // stems match "Failure" and "failure"
		{"plan", 0, 1, 0, false},
		{"They lie", 0, 1, 0, true},
		{"he said", 0, 1, 0, false},
		{".", 0, 0, 0, false}, // no words
	}
	for _, tt := range tests {
		s, e := spanOf(t, d, tt.sub, tt.n)
		c := st.span(s, e)
		n, before := c.recurrences()
		if n != tt.wantCount || before != tt.wantBefore {
			t.Errorf("%q#%d: recurrences = %d, %d before; want %d, %d before", tt.sub, tt.n, n, before, tt.wantCount, tt.wantBefore)
		}
		if got := st.inQuote(s, e); got != tt.wantInQuote {
			t.Errorf("%q#%d: inQuote = %v, want %v", tt.sub, tt.n, got, tt.wantInQuote)
		}
	}
}

// TestRecurrencesShared checks that concurrent classifications sharing an
// article's statistics agree (the counts are memoised per article).
func TestRecurrencesShared(t *testing.T) {
	text := "Title\n\n" + strings.Repeat("We will win, and they will lose. ", 200)
	d := doc.New("1", text)
	st := newDocStats(d, nil, 0)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for n := g; n < 200; n += 4 {
				s, e := spanOf(t, d, "win, and they", n)
				c := st.span(s, e)
				if count, before := c.recurrences(); count != 200 || before != n {
					t.Errorf("occurrence %d: recurrences = %d, %d before; want 200, %d before", n, count, before, n)
				}
			}
		})
	}
	wg.Wait()
}

func TestExtractFeatures(t *testing.T) {
	d := doc.New("1", "Headline\n\nThe so-called experts were utterly wrong! Were they?")
	st := newDocStats(d, nil, 0)
	s, e := spanOf(t, d, "utterly wrong!", 0)
	c := st.span(s, e)
	fs := c.extract(config{CharN: 4, Context: true, Bigrams: true, Lexicons: true}, nil)
	has := func(cue cueKind) bool {
		for _, f := range fs {
			if f.cue == cue {
				return true
			}
		}
		return false
	}
	for _, cue := range []cueKind{cueWord, cueBigram, cueCtx, cueExclaim, cueLex, cueLen} {
		if !has(cue) {
			t.Errorf("no feature with cue %d", cue)
		}
	}
	if has(cueQuestion) || has(cueQuote) || has(cueTitle) {
		t.Error("span features leak from outside the span: question, quote or headline")
	}
	// Same input, same features: extraction must not depend on map order.
	again := c.extract(config{CharN: 4, Context: true, Bigrams: true, Lexicons: true}, nil)
	if len(again) != len(fs) {
		t.Fatalf("second extraction gave %d features, first %d", len(again), len(fs))
	}
	for i := range fs {
		if fs[i] != again[i] {
			t.Fatalf("feature %d differs between extractions", i)
		}
	}
	// Title spans say so.
	c = st.span(0, 8)
	if fs := c.extract(config{}, nil); !hasCue(fs, cueTitle) {
		t.Error("headline span has no headline feature")
	}
}

func hasCue(fs []feat, cue cueKind) bool {
	for _, f := range fs {
		if f.cue == cue {
			return true
		}
	}
	return false
}

// toyCorpus builds small articles whose techniques follow learnable
// patterns: fear words, flag words, doubt questions, repeated phrases and
// loaded adjectives.
func toyCorpus(n int) []*corpus.Article {
	type pat struct {
		text string
		t    technique.Technique
	}
	pats := []pat{
		{"a deadly threat to our children", technique.AppealToFear},
		{"every true patriot loves this nation", technique.FlagWaving},
		{"can we really trust these reports", technique.Doubt},
		{"the outrageous and shameful scheme", technique.LoadedLanguage},
		{"radical thugs", technique.NameCalling},
	}
	var arts []*corpus.Article
	for i := 0; i < n; i++ {
		var b strings.Builder
		b.WriteString("News of the day\n\n")
		type at struct {
			s, e int
			t    technique.Technique
		}
		var spans []at
		for j := 0; j < 6; j++ {
			p := pats[(i+j)%len(pats)]
			b.WriteString("Officials said that ")
			s := b.Len()
			b.WriteString(p.text)
			spans = append(spans, at{s, b.Len(), p.t})
			b.WriteString(" today.\n")
		}
		// A repeated slogan: its later occurrences are Repetition.
		for j := 0; j < 3; j++ {
			s := b.Len()
			b.WriteString("Stop the steal now")
			if j > 0 {
				spans = append(spans, at{s, b.Len(), technique.Repetition})
			} else {
				spans = append(spans, at{s, b.Len(), technique.Slogans})
			}
			b.WriteString("!\n")
		}
		id := string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		a := &corpus.Article{ID: id, Doc: doc.New(id, b.String())}
		for _, sp := range spans {
			// The text is ASCII, so bytes are code points.
			a.Spans = append(a.Spans, corpus.Span{Article: id, Start: sp.s, End: sp.e, Technique: sp.t, HasTechnique: true})
		}
		// One span labelled twice.
		a.Spans = append(a.Spans, corpus.Span{Article: id, Start: spans[0].s, End: spans[0].e, Technique: technique.LoadedLanguage, HasTechnique: true})
		arts = append(arts, a)
	}
	return arts
}

func trainToy(t testing.TB, n int) *Model {
	t.Helper()
	m, err := Train(toyCorpus(n), nil, Options{Epochs: 5, Folds: 3})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func modelBytes(t testing.TB, m *Model) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := m.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Fatalf("WriteTo reported %d bytes, wrote %d", n, buf.Len())
	}
	return buf.Bytes()
}

func TestTrainLearnsToy(t *testing.T) {
	arts := toyCorpus(12)
	m := trainToy(t, 12)
	ev := Evaluate(m, arts)
	if ev.MicroF1 < 0.9 {
		t.Errorf("training micro-F1 on the toy corpus = %.3f, want ≥ 0.9", ev.MicroF1)
	}
	// Unseen article with the same patterns.
	d := doc.New("new", "Headline\n\nThey warned of a deadly threat to our children again.\n")
	s, e := spanOf(t, d, "a deadly threat to our children", 0)
	if top, _ := m.Classify(d, s, e).Top(); top != technique.AppealToFear {
		t.Errorf("fear span classified %v", top.Info().Label)
	}
}

func TestFewArticles(t *testing.T) {
	// Fewer articles than calibration folds: one fold per article.
	arts := toyCorpus(2)
	if _, err := Train(arts, nil, Options{Epochs: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := Train(arts[:1], nil, Options{Epochs: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := CrossValidate(arts[:1], nil, Options{Epochs: 2}); err == nil {
		t.Error("cross-validation on one article succeeded")
	}
}

func TestDeterministic(t *testing.T) {
	a, b := modelBytes(t, trainToy(t, 8)), modelBytes(t, trainToy(t, 8))
	if !bytes.Equal(a, b) {
		t.Fatal("two trainings on the same data gave different model bytes")
	}
}

func TestRoundTrip(t *testing.T) {
	m := trainToy(t, 8)
	raw := modelBytes(t, m)
	m2, err := Read(bytes.NewReader(raw), nil)
	if err != nil {
		t.Fatal(err)
	}
	if again := modelBytes(t, m2); !bytes.Equal(raw, again) {
		t.Error("model read back does not write the same bytes")
	}
	// Read stops at the model's end.
	stream := bytes.NewReader(append(append([]byte(nil), raw...), "NEXT"...))
	if _, err := Read(stream, nil); err != nil {
		t.Fatal(err)
	}
	if rest, _ := io.ReadAll(stream); string(rest) != "NEXT" {
		t.Errorf("after Read the stream holds %q, want %q", rest, "NEXT")
	}
	for _, a := range toyCorpus(3) {
		for _, sp := range a.Spans {
			p1 := m.Classify(a.Doc, sp.Start, sp.End)
			p2 := m2.Classify(a.Doc, sp.Start, sp.End)
			if p1.Probs != p2.Probs || !slices.Equal(p1.Cues, p2.Cues) {
				t.Fatalf("span [%d,%d): predictions differ after round trip", sp.Start, sp.End)
			}
		}
	}
}

func TestReadErrors(t *testing.T) {
	raw := modelBytes(t, trainToy(t, 4))
	flip := append([]byte(nil), raw...)
	flip[len(flip)/2] ^= 0x40
	badVersion := append([]byte(nil), raw...)
	badVersion[8] = 99
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "header"},
		{"bad magic", []byte("NOTAMODEL-AT-ALL-REALLY-NOT-ATALL"), "bad magic"},
		{"version", badVersion, "version"},
		{"truncated", raw[:len(raw)/3], "unexpected EOF"},
		{"corrupt", flip, "corrupt"},
	}
	for _, tt := range tests {
		_, err := Read(bytes.NewReader(tt.in), nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

func TestTrainErrors(t *testing.T) {
	noSpans := []*corpus.Article{{ID: "1", Doc: doc.New("1", "Nothing here.")}}
	si := []*corpus.Article{{ID: "1", Doc: doc.New("1", "Nothing here."), Spans: []corpus.Span{{Article: "1", Start: 0, End: 7}}}}
	outside := []*corpus.Article{{ID: "1", Doc: doc.New("1", "Short."), Spans: []corpus.Span{{Article: "1", Start: 2, End: 70, HasTechnique: true}}}}
	tests := []struct {
		name string
		arts []*corpus.Article
		want string
	}{
		{"no spans", noSpans, "no labelled spans"},
		{"SI rows", si, "no technique"},
		{"outside", outside, "outside text"},
		{"nil doc", []*corpus.Article{{ID: "1"}}, "no document"},
		{"bad technique", []*corpus.Article{{ID: "1", Doc: doc.New("1", "Short."), Spans: []corpus.Span{{Article: "1", Start: 0, End: 3, Technique: 99, HasTechnique: true}}}}, "unknown technique"},
	}
	for _, tt := range tests {
		_, err := Train(tt.arts, nil, Options{Folds: 1})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

func checkPrediction(t *testing.T, name string, p Prediction) {
	t.Helper()
	sum := 0.0
	for _, v := range p.Probs {
		if v < 0 || v > 1 || math.IsNaN(v) {
			t.Errorf("%s: probability %v out of range", name, v)
		}
		sum += v
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("%s: probabilities sum to %v", name, sum)
	}
	if len(p.Cues) > maxCues {
		t.Errorf("%s: %d cues %v, want at most %d", name, len(p.Cues), p.Cues, maxCues)
	}
	for i, c := range p.Cues {
		if c.Kind == cue.None || slices.Contains(p.Cues[:i], c) {
			t.Errorf("%s: cue %d of %v is empty or repeated", name, i, p.Cues)
		}
	}
	r := p.Ranked()
	if len(r) != technique.Count || p.Probs[r[0]] < p.Probs[r[len(r)-1]] {
		t.Errorf("%s: Ranked = %v", name, r)
	}
}

func TestDegenerateSpans(t *testing.T) {
	m := trainToy(t, 6)
	text := "Título\n\n“¡Qué!” — ... !!! ???\nZ\n"
	d := doc.New("x", text)
	n := d.Len()
	tests := []struct {
		name       string
		start, end int
	}{
		{"whole article", 0, n},
		{"one char", 0, 1},
		{"punctuation only", 8, 16},
		{"empty", 3, 3},
		{"last char", n - 1, n},
		{"reversed", 5, 2},
		{"outside", -10, n + 10},
	}
	for _, tt := range tests {
		checkPrediction(t, tt.name, m.Classify(d, tt.start, tt.end))
	}
	empty := doc.New("e", "")
	checkPrediction(t, "empty document", m.Classify(empty, 0, 0))
	checkPrediction(t, "nil document", m.Classify(nil, 0, 5))
	var zero Model
	checkPrediction(t, "zero model", zero.Classify(d, 0, 4))
}

func TestAssignAndRanked(t *testing.T) {
	var p Prediction
	p.Probs[technique.Doubt] = 0.5
	p.Probs[technique.Repetition] = 0.3
	p.Probs[technique.Slogans] = 0.2
	got := p.Assign(3)
	want := []technique.Technique{technique.Doubt, technique.Repetition, technique.Slogans}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Assign(3) = %v, want %v", got, want)
		}
	}
	if len(p.Assign(20)) != 20 {
		t.Error("Assign(20) does not give 20 labels")
	}
	if top, pr := p.Top(); top != technique.Doubt || pr != 0.5 {
		t.Errorf("Top = %v, %v", top, pr)
	}
}

func TestConcurrentClassify(t *testing.T) {
	m := trainToy(t, 6)
	arts := toyCorpus(4)
	want := make([][]Prediction, len(arts))
	for i, a := range arts {
		for _, sp := range a.Spans {
			want[i] = append(want[i], m.Classify(a.Doc, sp.Start, sp.End))
		}
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Interleave articles so the per-document cache is contended.
			for r := 0; r < 3; r++ {
				for k, sp := range arts[(g+r)%len(arts)].Spans {
					i := (g + r) % len(arts)
					p := m.Classify(arts[i].Doc, sp.Start, sp.End)
					if p.Probs != want[i][k].Probs {
						t.Errorf("goroutine %d: article %d span %d: prediction differs", g, i, k)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// TestArticle checks that a prepared article classifies as Model.Classify
// does, from many goroutines at once.
func TestArticle(t *testing.T) {
	m := trainToy(t, 6)
	arts := toyCorpus(4)
	var wg sync.WaitGroup
	for _, a := range arts {
		prepared := m.Article(a.Doc)
		for _, sp := range a.Spans {
			want := m.Classify(a.Doc, sp.Start, sp.End)
			wg.Add(1)
			go func() {
				defer wg.Done()
				if got := prepared.Classify(sp.Start, sp.End); got.Probs != want.Probs || !slices.Equal(got.Cues, want.Cues) {
					t.Errorf("article %s [%d,%d): prepared article classifies differently", a.ID, sp.Start, sp.End)
				}
			}()
		}
	}
	wg.Wait()
	if p := m.Article(nil).Classify(0, 5); !(p.Probs[p.Ranked()[0]] > 0) {
		t.Errorf("empty document: %+v", p)
	}
}

func TestNilVectors(t *testing.T) {
	var v *nilVecs
	if usable(v) != nil {
		t.Error("a nil pointer counts as vectors")
	}
	if usable(nil) != nil {
		t.Error("nil counts as vectors")
	}
}

type nilVecs struct{}

func (*nilVecs) Dim() int                           { return 3 }
func (*nilVecs) Lookup(string) (int, bool)          { return 0, false }
func (*nilVecs) Vec(_ int, dst []float32) []float32 { return dst }

// ptcDir returns the shared PTC folder beside the repository, skipping
// the test when it is absent.
func ptcDir(t testing.TB) string {
	t.Helper()
	return testenv.PTC(t)
}

func readSplit(t testing.TB, dir, split string) []*corpus.Article {
	t.Helper()
	arts, err := corpus.ReadSplit(dir, split)
	if err != nil {
		t.Fatal(err)
	}
	return arts
}

// TestValidationFloor trains on the training split without word vectors
// and checks the validation micro-F1 against a floor a little under the
// measured 0.631, so a broken feature or trainer cannot land unnoticed.
func TestValidationFloor(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on the whole training split")
	}
	dir := ptcDir(t)
	m, err := Train(readSplit(t, dir, "split-train.txt"), nil, Options{Folds: 1})
	if err != nil {
		t.Fatal(err)
	}
	ev := Evaluate(m, readSplit(t, dir, "split-validation.txt"))
	const floor = 0.61
	if ev.MicroF1 < floor {
		t.Errorf("validation micro-F1 %.4f < floor %.2f", ev.MicroF1, floor)
	}
	if ev.Rows != 965 {
		t.Errorf("validation has %d rows, want 965", ev.Rows)
	}
}

func BenchmarkClassify(b *testing.B) {
	dir := ptcDir(b)
	arts := readSplit(b, dir, "split-validation.txt")
	m, err := Train(readSplit(b, dir, "split-train.txt")[:60], nil, Options{Folds: 1})
	if err != nil {
		b.Fatal(err)
	}
	type job struct {
		d    *doc.Document
		s, e int
	}
	var jobs []job
	for _, a := range arts {
		for _, sp := range a.Spans {
			jobs = append(jobs, job{a.Doc, sp.Start, sp.End})
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := jobs[i%len(jobs)]
		m.Classify(j.d, j.s, j.e)
	}
}

// toyVecs gives every word a fixed pseudo-random vector derived from its
// letters, so the vector features have something to carry.
type toyVecs struct {
	dim   int
	words map[string]int
	data  []float32
}

func newToyVecs(dim int, arts []*corpus.Article) *toyVecs {
	v := &toyVecs{dim: dim, words: map[string]int{}}
	for _, a := range arts {
		for _, w := range a.Doc.Words {
			l := strings.ToLower(w.Text)
			if _, ok := v.words[l]; ok {
				continue
			}
			v.words[l] = len(v.words)
			h := hashString(fnvOffset, l)
			for j := 0; j < dim; j++ {
				h = hashByte(h, byte(j))
				v.data = append(v.data, float32(int64(h%2001)-1000)/1000)
			}
		}
	}
	return v
}

func (v *toyVecs) Dim() int { return v.dim }
func (v *toyVecs) Lookup(w string) (int, bool) {
	r, ok := v.words[w]
	return r, ok
}
func (v *toyVecs) Vec(row int, dst []float32) []float32 {
	return append(dst[:0], v.data[row*v.dim:(row+1)*v.dim]...)
}

func TestVectors(t *testing.T) {
	arts := toyCorpus(8)
	vecs := newToyVecs(8, arts)
	m, err := Train(arts, vecs, Options{Epochs: 5, Folds: 3})
	if err != nil {
		t.Fatal(err)
	}
	if m.dim != 8 {
		t.Fatalf("model uses %d vector dims, want 8", m.dim)
	}
	raw := modelBytes(t, m)
	m2, err := Read(bytes.NewReader(raw), vecs)
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range arts[0].Spans {
		if m.Classify(arts[0].Doc, sp.Start, sp.End).Probs != m2.Classify(arts[0].Doc, sp.Start, sp.End).Probs {
			t.Fatal("predictions with vectors differ after round trip")
		}
	}
	if _, err := Read(bytes.NewReader(raw), nil); err == nil || !strings.Contains(err.Error(), "none were given") {
		t.Errorf("Read without vectors: err = %v", err)
	}
	if _, err := Read(bytes.NewReader(raw), newToyVecs(4, arts)); err == nil || !strings.Contains(err.Error(), "given 4") {
		t.Errorf("Read with 4-d vectors: err = %v", err)
	}
	// Switching vectors off ignores them.
	m3, err := Train(arts, vecs, Options{Epochs: 2, Folds: 1, NoVectors: true})
	if err != nil {
		t.Fatal(err)
	}
	if m3.dim != 0 {
		t.Errorf("NoVectors model uses %d vector dims", m3.dim)
	}
}

// fillVecs stores into dst's length instead of appending.
type fillVecs struct{ toyVecs }

func (v *fillVecs) Vec(row int, dst []float32) []float32 {
	copy(dst, v.data[row*v.dim:(row+1)*v.dim])
	return dst
}

func TestVecOfConventions(t *testing.T) {
	arts := toyCorpus(1)
	app := newToyVecs(4, arts)
	fill := &fillVecs{*app}
	for _, vecs := range []Vectors{app, fill} {
		row, ok := vecs.Lookup("deadly")
		if !ok {
			t.Fatal("no vector for a corpus word")
		}
		v, _ := vecOf(vecs, row, 4, nil)
		want := app.data[row*4 : row*4+4]
		for j := range want {
			if v[j] != want[j] {
				t.Fatalf("%T: vecOf = %v, want %v", vecs, v, want)
			}
		}
	}
}

func FuzzRead(f *testing.F) {
	raw := modelBytes(f, trainToy(f, 3))
	f.Add(raw)
	f.Add(raw[:40])
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Read(bytes.NewReader(b), nil)
		if err != nil {
			return
		}
		d := doc.New("f", "A short text, for a fuzzed model!")
		checkPrediction(t, "fuzzed model", m.Classify(d, 2, 12))
	})
}

// TestSpanContextBounded checks that a span's sentence context is at most
// doc.MaxSentenceWords words in a text with no sentence breaks (doc cuts
// it into sentences of that many), and the whole sentence in an ordinary
// one.
func TestSpanContextBounded(t *testing.T) {
	long := "Title\n\n" + strings.Repeat("they lie and we fight ", 400) + "the end"
	d := doc.New("1", long)
	st := newDocStats(d, nil, 0)
	s, e := spanOf(t, d, "we fight", 200)
	c := st.span(s, e)
	if c.sj-c.si > doc.MaxSentenceWords || c.wi < c.si || c.sj < c.wj {
		t.Errorf("context of a span mid-way through %d words without a sentence break: words [%d,%d) around [%d,%d); want at most %d", len(d.Words), c.si, c.sj, c.wi, c.wj, doc.MaxSentenceWords)
	}
	if c.sentStart != d.Words[c.si].Start || c.sentEnd != d.Words[c.sj-1].End {
		t.Errorf("context [%d,%d) does not match its words [%d,%d)", c.sentStart, c.sentEnd, d.Words[c.si].Start, d.Words[c.sj-1].End)
	}
	short := doc.New("2", "Title\n\nThey lie and we fight back. Next one.")
	st = newDocStats(short, nil, 0)
	s, e = spanOf(t, short, "we fight", 0)
	c = st.span(s, e)
	if got := short.Slice(c.sentStart, c.sentEnd); got != "They lie and we fight back." {
		t.Errorf("context of a span in a short sentence = %q, want the sentence", got)
	}
}

// TestStopwordFormat2 checks that the features read the function words as
// format 2 was trained with them: the words lexicon's list gained since,
// and contractions, still count as words.
func TestStopwordFormat2(t *testing.T) {
	for w, want := range map[string]bool{
		"the": true, "would": true, "said": true, "much": true,
		"us": false, "however": false, "whether": false, "don't": false, "it's": false, "nation": false,
	} {
		if got := stopword(w); got != want {
			t.Errorf("stopword(%q) = %v, want %v", w, got, want)
		}
	}
	for w := range sinceFormat2 {
		if !lexicon.FunctionWord(w) {
			t.Errorf("%q is in sinceFormat2 but not a function word", w)
		}
	}
}

// TestEnsembleAveragesSeeds: a model of Ensemble n is the average of the
// single models of seeds Seed … Seed+n−1, weight by weight (the same
// feature index, so averaging weights is averaging logits).
func TestEnsembleAveragesSeeds(t *testing.T) {
	arts := toyCorpus(40)
	o := Options{Epochs: 3, Folds: 1, Seed: 7}
	o.Ensemble = 2
	both, err := Train(arts, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	o.Ensemble = 1
	a, err := Train(arts, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	o.Seed = 8
	b, err := Train(arts, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(both.hashes, a.hashes) || len(both.w) != len(a.w) {
		t.Fatalf("the ensemble has %d features, a single model %d", len(both.hashes), len(a.hashes))
	}
	differ := false
	for i := range both.w {
		if want := a.w[i]/2 + b.w[i]/2; math.Abs(float64(both.w[i]-want)) > 1e-6 {
			t.Fatalf("weight %d: %v, want the mean of %v and %v", i, both.w[i], a.w[i], b.w[i])
		}
		differ = differ || a.w[i] != b.w[i]
	}
	if !differ {
		t.Error("the two seeds trained identical models: the ensemble averages nothing")
	}
}

func TestIdentityFeature(t *testing.T) {
	identity := func(text, sub string, cfg config) (uint64, bool) {
		d := doc.New("1", text)
		s, e := spanOf(t, d, sub, 0)
		c := newDocStats(d, nil, 0).span(s, e)
		var got uint64
		n := 0
		for _, f := range c.extract(cfg, nil) {
			if f.hash != 0 && isIdentity(cfg, c, f) {
				got = f.hash
				n++
			}
		}
		return got, n == 1
	}
	on := config{Identity: true}
	tests := []struct {
		name       string
		a, b       [2]string // text, span
		same, both bool
	}{
		{"case and punctuation", [2]string{"We must drain the swamp!", "drain the swamp!"}, [2]string{"Drain the swamp, he said.", "Drain the swamp"}, true, true},
		{"another word", [2]string{"We must drain the swamp.", "drain the swamp"}, [2]string{"We must drain the lake.", "drain the lake"}, false, true},
		{"word order", [2]string{"Lock her up now.", "Lock her up"}, [2]string{"Up her lock now.", "Up her lock"}, false, true},
	}
	for _, tt := range tests {
		ha, okA := identity(tt.a[0], tt.a[1], on)
		hb, okB := identity(tt.b[0], tt.b[1], on)
		if !okA || !okB {
			t.Errorf("%s: want exactly one whole-span feature per span", tt.name)
			continue
		}
		if (ha == hb) != tt.same {
			t.Errorf("%s: same feature = %v, want %v", tt.name, ha == hb, tt.same)
		}
	}
	if _, ok := identity("We must drain the swamp.", "drain the swamp", config{}); ok {
		t.Error("whole-span feature without config.Identity")
	}
}

// isIdentity reports whether f is c's whole-span feature: the one
// feature that extraction with cfg.Identity adds.
func isIdentity(cfg config, c spanCtx, f feat) bool {
	off := cfg
	off.Identity = false
	for _, g := range c.extract(off, nil) {
		if g.hash == f.hash {
			return false
		}
	}
	return cfg.Identity
}

// withVersion returns the model file raw with its format version set to
// v and the checksum recomputed.
func withVersion(raw []byte, v uint32) []byte {
	out := slices.Clone(raw)
	binary.LittleEndian.PutUint32(out[len(magic):], v)
	binary.LittleEndian.PutUint32(out[len(out)-4:], crc32.ChecksumIEEE(out[:len(out)-4]))
	return out
}

// oldFormatRoundTrip trains a toy model with opts, which leave out the
// features of the formats after version, and checks that it is written
// as that version and that reading it back re-encodes it unchanged; it
// returns the corpus, the model and the model read back.
func oldFormatRoundTrip(t *testing.T, opts Options, version uint32, without string) ([]*corpus.Article, *Model, *Model) {
	t.Helper()
	arts := toyCorpus(4)
	m, err := Train(arts, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	raw := modelBytes(t, m)
	if v := binary.LittleEndian.Uint32(raw[len(magic):]); v != version {
		t.Fatalf("a model without %s is written as format %d, want %d", without, v, version)
	}
	m2, err := Read(bytes.NewReader(raw), nil)
	if err != nil {
		t.Fatalf("reading a format %d model: %v", version, err)
	}
	if !bytes.Equal(modelBytes(t, m2), raw) {
		t.Errorf("a format %d model re-encodes differently", version)
	}
	return arts, m, m2
}

func TestReadFormat2(t *testing.T) {
	// A model without the whole-span feature is written, and read, as
	// format 2, so a format 2 file re-encodes unchanged.
	arts, m, m2 := oldFormatRoundTrip(t, Options{Epochs: 5, Folds: 3, NoIdentity: true, NoSenses: true}, 2, "the whole-span feature")
	if v := binary.LittleEndian.Uint32(modelBytes(t, trainToy(t, 4))[len(magic):]); v != formatVersion {
		t.Errorf("a model with the whole-span feature is written as format %d, want %d", v, formatVersion)
	}
	for _, a := range arts {
		for _, sp := range a.Spans {
			if p1, p2 := m.Classify(a.Doc, sp.Start, sp.End), m2.Classify(a.Doc, sp.Start, sp.End); p1.Probs != p2.Probs {
				t.Fatalf("span [%d,%d): a format 2 model predicts otherwise", sp.Start, sp.End)
			}
		}
	}
	// Format 2 never had the feature: a file claiming both is corrupt.
	_, err := Read(bytes.NewReader(withVersion(modelBytes(t, trainToy(t, 4)), 2)), nil)
	if err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("format 2 with the whole-span feature: err = %v, want corrupt", err)
	}
	for _, v := range []uint32{1, formatVersion + 1} {
		_, err := Read(bytes.NewReader(withVersion(modelBytes(t, m), v)), nil)
		if err == nil || !strings.Contains(err.Error(), "version") {
			t.Errorf("format %d: err = %v, want it to mention the version", v, err)
		}
	}
}

// TestIdentityCue: the whole-span feature's cue quotes a short span as
// typical of the technique, and a long one not at all.
func TestIdentityCue(t *testing.T) {
	top := technique.Slogans
	for _, tt := range []struct {
		text, span string
		want       string // the cue's words, "" for none
	}{
		{"We must drain the swamp!", "drain the swamp", "drain the swamp"},
		{"Tougher than ever.", "Tougher", "Tougher"},
		{"They said that the whole plan would fail badly.", "the whole plan would fail badly", ""},
	} {
		d := doc.New("1", tt.text)
		s, e := spanOf(t, d, tt.span, 0)
		c := newDocStats(d, nil, 0).span(s, e)
		got := ""
		for _, f := range c.extract(config{Identity: true}, nil) {
			if f.cue != cueSpan {
				continue
			}
			if k, ok := c.cue(f, top); ok {
				if k.Kind != cue.Typical || k.Tech != int8(top) {
					t.Errorf("%q: cue %+v, want typical of %v", tt.span, k, top)
				}
				got = d.Text[d.Words[k.Start].ByteStart:d.Words[k.End-1].ByteEnd]
			}
		}
		if got != tt.want {
			t.Errorf("%q: whole-span cue quotes %q, want %q", tt.span, got, tt.want)
		}
	}
}

func TestReadFormat3(t *testing.T) {
	// A model without the supersense features is written, and read, as
	// format 3, so a format 3 file (the previous release's) re-encodes
	// unchanged and predicts as it did.
	_, _, m2 := oldFormatRoundTrip(t, Options{Epochs: 5, Folds: 3, NoSenses: true}, 3, "supersenses")
	if m2.cfg.Senses {
		t.Error("a format 3 model reads with supersenses on")
	}
	// Format 3 never had the feature: a file claiming it is corrupt.
	_, err := Read(bytes.NewReader(withVersion(modelBytes(t, trainToy(t, 4)), 3)), nil)
	if err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("format 3 with supersenses: err = %v, want corrupt", err)
	}
}

// TestSenseFeatures: the supersenses of the span's content words, one
// feature each, and those of the rest of its sentence, each group scaled
// to unit length; stopwords add none.
func TestSenseFeatures(t *testing.T) {
	senses := func(text, sub string) map[uint64]float32 {
		d := doc.New("1", text)
		s, e := spanOf(t, d, sub, 0)
		c := newDocStats(d, nil, 0).span(s, e)
		out := map[uint64]float32{}
		for _, f := range c.senseFeatures(nil) {
			out[f.hash] = f.val
		}
		for _, f := range c.extract(config{}, nil) {
			if _, ok := out[f.hash]; ok {
				t.Errorf("%q: a supersense feature without config.Senses", sub)
			}
		}
		return out
	}
	in := func(x lexicon.Supersense) uint64 { return hashByte(hashNS(nsSense), byte(x)) }
	around := func(x lexicon.Supersense) uint64 { return hashByte(hashNS(nsSenseCtx), byte(x)) }
	got := senses("They spread terror and fear among the traitors today.", "terror and fear among the traitors")
	// In the span, terror: noun.feeling; fear: noun.feeling, verb.emotion;
	// traitors: noun.person; "and", "among", "the" have none. Around it,
	// spread: adj.all, noun.event, verb.contact; today: adv.all,
	// noun.time; "They" none.
	want := map[uint64]float32{}
	for _, x := range []lexicon.Supersense{12, 18, 37} {
		want[in(x)] = float32(1 / math.Sqrt(3))
	}
	for _, x := range []lexicon.Supersense{0, 11, 35, 2, 28} {
		want[around(x)] = float32(1 / math.Sqrt(5))
	}
	if len(got) != len(want) {
		t.Fatalf("features %v, want %v", got, want)
	}
	for h, v := range want {
		if math.Abs(float64(got[h]-v)) > 1e-6 {
			t.Errorf("feature %x = %v, want %v", h, got[h], v)
		}
	}
	if got := senses("Of the", "Of the"); len(got) != 0 {
		t.Errorf("stopwords only: %v, want none", got)
	}
}
