// Package tc is unspun's technique classifier: given a fragment of an
// article, it gives a calibrated probability for each of the 14 propaganda
// techniques and the cues, in plain words, that drove the decision.
//
// The model is a multinomial logistic regression over hashed sparse
// features of the span, its sentence and its article (words, stems,
// bigrams, character n-grams, length, repetition in the article, quotation,
// position, capitals and punctuation, lexicon hits, VADER valence) and,
// when word vectors are given, the averaged vectors of the span, of its
// sentence and of the article. It is trained
// with AdaGrad, deterministically, and its probabilities are calibrated by
// a temperature fitted on cross-validated held-out predictions.
package tc

import (
	"cmp"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"unspun/internal/doc"
	"unspun/internal/score"
	"unspun/internal/technique"
	"unspun/internal/words"
)

// Vectors are word vectors, as *embed.Vectors provides them: Lookup finds
// a lowercased word's row and Vec returns that row's values, appended to
// or stored in dst. The interface keeps this package independent of how
// the vectors are stored.
type Vectors interface {
	Dim() int
	Lookup(word string) (row int, ok bool)
	Vec(row int, dst []float32) []float32
}

// usable returns vecs, or nil when it is nil or a nil pointer, so that a
// caller's nil *embed.Vectors means "no vectors" rather than a crash.
func usable(vecs Vectors) Vectors {
	if vecs == nil {
		return nil
	}
	if v := reflect.ValueOf(vecs); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil
	}
	if vecs.Dim() <= 0 {
		return nil
	}
	return vecs
}

// Model is a trained technique classifier. Its methods are safe for
// concurrent use.
type Model struct {
	cfg config
	// hashes are the kept feature hashes, sorted; feature k's weights are
	// w[k*technique.Count:(k+1)*technique.Count].
	hashes []uint64
	// table finds a hash's index in hashes (see features).
	tableOnce sync.Once
	table     *featureTable
	w         []float32
	// dense holds the weights of the vector features: denseBlocks×dim
	// rows of technique.Count.
	dense []float32
	dim   int
	// temp is the calibration temperature dividing the logits.
	temp float64

	vecs Vectors

	// last caches the statistics of the most recently seen document, as
	// callers classify all spans of one article in a row.
	last atomic.Pointer[docStats]
	pool sync.Pool // *scratch
}

type scratch struct {
	fs    []feat
	idx   []int32
	vals  []float32
	dense []float32
	vbuf  []float32
}

// Prediction is the model's answer for one span.
type Prediction struct {
	// Probs are calibrated probabilities indexed by technique; they sum
	// to 1.
	Probs [technique.Count]float64
	// Cues are two to four short reasons for the most likely technique,
	// in plain words.
	Cues []string
}

// Ranked returns the techniques from most to least likely; ties go to
// the lower technique value.
func (p Prediction) Ranked() []technique.Technique {
	out := technique.All()
	slices.SortStableFunc(out, func(a, b technique.Technique) int {
		return cmp.Compare(p.Probs[b], p.Probs[a])
	})
	return out
}

// Top returns the most likely technique and its probability.
func (p Prediction) Top() (technique.Technique, float64) {
	best := technique.Technique(0)
	for t := range p.Probs {
		if p.Probs[t] > p.Probs[best] {
			best = technique.Technique(t)
		}
	}
	return best, p.Probs[best]
}

// Assign returns the labels for k rows that repeat one span: the k most
// likely different techniques, most likely first. Past Count rows the
// ranking starts over, as no span has more distinct techniques than that.
func (p Prediction) Assign(k int) []technique.Technique {
	r := p.Ranked()
	out := make([]technique.Technique, k)
	for i := range out {
		out[i] = score.Assign(r, i)
	}
	return out
}

func (m *Model) stats(d *doc.Document) *docStats {
	if s := m.last.Load(); s != nil && s.d == d {
		return s
	}
	s := newDocStats(d, m.vecs, m.dim)
	m.last.Store(s)
	return s
}

// Classify predicts the technique of the span [start, end) of d, in code
// points. Out-of-range offsets are clamped to the text and a nil document
// is an empty one, so any input gives a valid distribution. Successive
// calls on one document share its statistics; callers classifying the
// spans of many documents at once should use Article.
func (m *Model) Classify(d *doc.Document, start, end int) Prediction {
	if d == nil {
		d = doc.New("", "")
	}
	return (&Article{m: m, st: m.stats(d)}).Classify(start, end)
}

// Probabilities is Classify without the cues, for outputs that never
// show them.
func (m *Model) Probabilities(d *doc.Document, start, end int) Prediction {
	if d == nil {
		d = doc.New("", "")
	}
	return (&Article{m: m, st: m.stats(d)}).Probabilities(start, end)
}

// Article is one document prepared for classifying its spans: what all
// its spans share (word counts, article vectors) is computed once. It is
// safe for concurrent use.
type Article struct {
	m  *Model
	st *docStats
}

// Article prepares d (nil for an empty document) for Article.Classify.
// Unlike Model.Classify it never shares statistics between documents, so
// concurrent analyses of different articles do not evict each other's.
func (m *Model) Article(d *doc.Document) *Article {
	if d == nil {
		d = doc.New("", "")
	}
	return &Article{m: m, st: newDocStats(d, m.vecs, m.dim)}
}

// ArticleOf is Article reading d's word table tab, built with the
// model's vectors (si.Model.Words, model.Model's shared vectors), so that
// the taggers and the classifier look each word up once.
func (m *Model) ArticleOf(d *doc.Document, tab *words.Table) *Article {
	return &Article{m: m, st: newDocStatsOf(d, tab, m.vecs, m.dim)}
}

// Classify predicts the technique of the span [start, end) of the
// article's document, as Model.Classify does.
func (a *Article) Classify(start, end int) Prediction { return a.classify(start, end, true) }

// Probabilities is Classify without the cues, for outputs that never show
// them: wording the cues is a tenth of classifying.
func (a *Article) Probabilities(start, end int) Prediction { return a.classify(start, end, false) }

func (a *Article) classify(start, end int, withCues bool) Prediction {
	m, st := a.m, a.st
	n := st.d.Len()
	start = min(max(start, 0), n)
	end = min(max(end, start), n)
	sc, _ := m.pool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	defer m.pool.Put(sc)

	c := st.span(start, end)
	sc.fs = c.extract(m.cfg, sc.fs[:0])
	sc.idx, sc.vals = sc.idx[:0], sc.vals[:0]
	ft := m.features()
	for _, f := range sc.fs {
		sc.idx = append(sc.idx, int32(ft.get(f.hash)))
		sc.vals = append(sc.vals, f.val)
	}
	sc.dense = sc.dense[:0]
	if m.dim > 0 {
		sc.dense, sc.vbuf = denseFeatures(m.vecs, &c, m.dim, sc.dense, sc.vbuf)
	}
	logits := m.score(sc.idx, sc.vals, sc.dense)
	temp := m.temp
	if !(temp > 0) {
		temp = 1 // a zero Model: uniform probabilities
	}
	var p Prediction
	softmax(logits[:], 1/temp, p.Probs[:])
	if withCues {
		p.Cues = m.cues(&c, sc, &p)
	}
	return p
}

// score returns the logits of a span's features: idx are feature indices
// (negative for unknown features) with values vals, dense the vector
// features.
func (m *Model) score(idx []int32, vals, dense []float32) [technique.Count]float64 {
	const K = technique.Count
	var z [K]float64
	for i, k := range idx {
		if k < 0 {
			continue
		}
		v := vals[i]
		row := m.w[int(k)*K : int(k)*K+K]
		for t := range z {
			z[t] += float64(v * row[t])
		}
	}
	for j, v := range dense {
		if v == 0 {
			continue
		}
		row := m.dense[j*K : j*K+K]
		for t := range z {
			z[t] += float64(v * row[t])
		}
	}
	return z
}

// featureTable is an open-addressing hash table from a kept feature's
// hash to its index in Model.hashes: one probe or two per feature instead
// of a binary search over hundreds of thousands of hashes.
type featureTable struct {
	mask uint64
	keys []uint64
	idx  []int32 // index + 1; 0 marks an empty slot
}

func newFeatureTable(hashes []uint64) *featureTable {
	n := 1
	for n < 2*len(hashes) {
		n <<= 1
	}
	t := &featureTable{mask: uint64(n - 1), keys: make([]uint64, n), idx: make([]int32, n)}
	for k, h := range hashes {
		i := slot(h) & t.mask
		for t.idx[i] != 0 {
			i = (i + 1) & t.mask
		}
		t.keys[i], t.idx[i] = h, int32(k+1)
	}
	return t
}

// slot spreads a feature hash over the table (the low bits of the
// features' FNV hashes alone cluster).
func slot(h uint64) uint64 { return (h ^ h>>29) * 0xbf58476d1ce4e5b9 >> 20 }

// get returns the index of hash h, or -1 when the model does not keep it.
func (t *featureTable) get(h uint64) int {
	for i := slot(h) & t.mask; ; i = (i + 1) & t.mask {
		switch k := t.idx[i]; {
		case k == 0:
			return -1
		case t.keys[i] == h:
			return int(k - 1)
		}
	}
}

// features returns the model's feature table, built on first use.
func (m *Model) features() *featureTable {
	m.tableOnce.Do(func() { m.table = newFeatureTable(m.hashes) })
	return m.table
}

func (m *Model) lookup(h uint64) int { return m.features().get(h) }

// softmax writes softmax(scale*z) to out.
func softmax(z []float64, scale float64, out []float64) {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = max(mx, v*scale)
	}
	sum := 0.0
	for i, v := range z {
		out[i] = math.Exp(v*scale - mx)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
}

// Dense vector blocks: the averaged vector of the span's content words,
// that of the rest of its sentence and that of the whole article (its
// topic), each scaled to length denseScale. (The head word's own vector was
// tried as a block too and lowered cross-validated accuracy.)
const denseBlocks = 3

// denseScale is the length of each dense block. Cross-validation preferred
// 6 to 1: at unit length the L2 decay kept the vector weights too small to
// matter next to hundreds of sparse features.
const denseScale = 6

// denseFeatures writes the dense vector features of the span to dst
// (denseBlocks×dim values; a block is zero when no word has a vector).
func denseFeatures(vecs Vectors, c *spanCtx, dim int, dst, buf []float32) ([]float32, []float32) {
	dst = slices.Grow(dst[:0], denseBlocks*dim)[:denseBlocks*dim]
	clear(dst)
	if vecs == nil {
		return dst, buf
	}
	st := c.st
	addWord := func(block []float32, i int) {
		if !st.isWord[i] || stopword(st.lower[i]) {
			return
		}
		row := st.vec[i]
		if row < 0 {
			return
		}
		var v []float32
		v, buf = vecOf(vecs, int(row), dim, buf)
		for j, x := range v {
			block[j] += x
		}
	}
	span, ctx := dst[:dim], dst[dim:2*dim]
	copy(dst[2*dim:], st.articleVec)
	for i := c.wi; i < c.wj; i++ {
		addWord(span, i)
	}
	for i := c.si; i < c.sj; i++ {
		if i < c.wi || i >= c.wj {
			addWord(ctx, i)
		}
	}
	unit(span, denseScale)
	unit(ctx, denseScale)
	return dst, buf
}

// vecOf returns row's vector (dim values) using buf as storage, and the
// buffer for reuse. It accepts both readings of Vec's dst: appended to
// (called with an empty dst) or stored into dst's length.
func vecOf(vecs Vectors, row, dim int, buf []float32) (v, newBuf []float32) {
	buf = slices.Grow(buf[:0], dim)
	out := vecs.Vec(row, buf)
	if len(out) < dim {
		out = vecs.Vec(row, buf[:dim])
	}
	if len(out) < dim {
		// A short vector counts as zero beyond its end.
		out = append(out[:len(out):len(out)], make([]float32, dim-len(out))...)
	}
	return out[:dim], out[:0]
}

func unit(v []float32, length float32) {
	norm := 0.0
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	if norm > 0 {
		s := length / float32(math.Sqrt(norm))
		for j := range v {
			v[j] *= s
		}
	}
}

// cues explains the top technique: the features whose weights pushed it
// above the model's average belief the most, put into words.
func (m *Model) cues(c *spanCtx, sc *scratch, p *Prediction) []string {
	top, _ := p.Top()
	// Contributions are merged by what they would say (the same word seen
	// as a span word and as the first word is one reason), and only the
	// strongest few are put into words, to keep Classify cheap.
	type contrib struct {
		score float64
		f     feat
	}
	var cs [12]contrib
	n := 0
	same := func(a, b feat) bool {
		return a.cue == b.cue && a.arg == b.arg && a.arg2 == b.arg2 && a.kind == b.kind
	}
	// The span's averaged word vector, as one reason.
	if m.dim > 0 && len(sc.dense) >= m.dim {
		s := 0.0
		for j, v := range sc.dense[:m.dim] {
			row := m.dense[j*technique.Count : (j+1)*technique.Count]
			avg := 0.0
			for t, pt := range p.Probs {
				avg += pt * float64(row[t])
			}
			s += float64(v) * (float64(row[top]) - avg)
		}
		f := feat{cue: cueMeaning, arg: -1, arg2: int32(top)}
		if w := c.onlyWord(); w >= 0 {
			f.arg = int32(w)
		}
		cs[0] = contrib{s, f}
		n = 1
	}
	for i, f := range sc.fs {
		k := sc.idx[i]
		if f.cue == cueNone || k < 0 {
			continue
		}
		row := m.w[int(k)*technique.Count : (int(k)+1)*technique.Count]
		avg := 0.0
		for t, pt := range p.Probs {
			avg += pt * float64(row[t])
		}
		s := float64(f.val) * (float64(row[top]) - avg)
		j := 0
		for j < n && !same(cs[j].f, f) {
			j++
		}
		switch {
		case j < n:
			cs[j].score += s
		case n < len(cs):
			cs[n] = contrib{s, f}
			n++
		default:
			w := 0
			for j := 1; j < n; j++ {
				if cs[j].score < cs[w].score {
					w = j
				}
			}
			if s > cs[w].score {
				cs[w] = contrib{s, f}
			}
		}
	}
	slices.SortStableFunc(cs[:n], func(a, b contrib) int { return cmp.Compare(b.score, a.score) })
	out := make([]string, 0, 4)
	ctx := 0
	for j := 0; j < n && len(out) < 4 && cs[j].score > 0; j++ {
		// The sentence around a span explains less than the span itself:
		// say so at most once.
		if cs[j].f.cue == cueCtx {
			if ctx > 0 {
				continue
			}
			ctx++
		}
		if text := cueText(c, cs[j].f); text != "" && !slices.Contains(out, text) {
			out = append(out, text)
		}
	}
	// Always give at least two reasons: fall back on the span's shape.
	if len(out) < 2 {
		if f := lengthCue(c); !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) < 2 {
		out = append(out, voiceCue(c))
	}
	return out
}

// onlyWord returns the index of the span's one content word, or -1 when
// it has none or several.
func (c *spanCtx) onlyWord() int {
	w := -1
	for i := c.wi; i < c.wj; i++ {
		if c.st.isWord[i] && !stopword(c.st.lower[i]) {
			if w >= 0 {
				return -1
			}
			w = i
		}
	}
	return w
}

func lengthCue(c *spanCtx) string {
	n := 0
	for i := c.wi; i < c.wj; i++ {
		if c.st.isWord[i] {
			n++
		}
	}
	return spanLengthText(n)
}

func spanLengthText(n int) string {
	switch {
	case n == 1:
		return "a single word"
	case n <= 3:
		return fmt.Sprintf("short phrase (%d words)", n)
	case n >= 15:
		return fmt.Sprintf("long passage (%d words)", n)
	}
	return fmt.Sprintf("phrase of %d words", n)
}

func voiceCue(c *spanCtx) string {
	if c.st.inQuote(c.start, c.end) {
		return "inside a quotation"
	}
	return "in the author's own words"
}

func cueText(c *spanCtx, f feat) string {
	st := c.st
	words := st.d.Words
	switch f.cue {
	case cueWord:
		i := int(f.arg)
		if !st.isWord[i] {
			return ""
		}
		if k := st.lexWord[i]; k != 0 {
			return fmt.Sprintf("“%s” is %s", words[i].Text, k.Describe())
		}
		if stopword(st.lower[i]) {
			return ""
		}
		return fmt.Sprintf("the word “%s”", words[i].Text)
	case cueBigram:
		i := int(f.arg)
		if (!st.isWord[i] || stopword(st.lower[i])) && (!st.isWord[i+1] || stopword(st.lower[i+1])) {
			return ""
		}
		return fmt.Sprintf("the phrase “%s”", st.d.Slice(words[i].Start, words[i+1].End))
	case cueCtx:
		if stopword(st.lower[f.arg]) {
			return ""
		}
		return fmt.Sprintf("the sentence mentions “%s”", words[f.arg].Text)
	case cueRep:
		return fmt.Sprintf("phrase recurs %d times in the article", f.arg)
	case cueHeadRep:
		return fmt.Sprintf("“%s” recurs %d times in the article", words[f.arg].Text, f.arg2)
	case cueLen:
		return spanLengthText(int(f.arg))
	case cueWhole:
		return "covers the whole sentence"
	case cueQuote:
		return "inside a quotation"
	case cueExclaim:
		return "has an exclamation mark"
	case cueQuestion:
		return "phrased as a question"
	case cueCaps:
		return "written in capitals"
	case cueTitle:
		return "in the headline"
	case cueMeaning:
		name := strings.ToLower(technique.Technique(f.arg2).Info().Name)
		if f.arg >= 0 {
			return fmt.Sprintf("“%s” resembles typical %s", words[f.arg].Text, name)
		}
		return "wording resembles typical " + name
	case cueLex:
		text := st.d.Slice(words[f.arg].Start, words[f.arg2-1].End)
		return fmt.Sprintf("“%s” is %s", text, f.kind.Describe())
	case cueValence:
		if f.arg < 0 {
			return ""
		}
		v := st.valence[f.arg]
		tone := "positive"
		if v < 0 {
			tone = "negative"
		}
		return fmt.Sprintf("“%s” is strongly %s", words[f.arg].Text, tone)
	}
	return ""
}
