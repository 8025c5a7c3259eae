// Package tc is unspun's technique classifier: given a fragment of an
// article, it gives a calibrated probability for each of the 14 propaganda
// techniques and the cues, in plain words, that drove the decision.
//
// The model is a multinomial logistic regression over hashed sparse
// features of the span, its sentence and its article (words, stems,
// bigrams, the whole span's stem sequence, character n-grams, length, repetition in the article, quotation,
// position, capitals and punctuation, lexicon hits, VADER valence) and,
// when word vectors are given, the averaged vectors of the span, of its
// sentence and of the article. It is trained
// with AdaGrad, deterministically, and its probabilities are calibrated by
// a temperature fitted on cross-validated held-out predictions.
package tc

import (
	"cmp"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"unspun/internal/cue"
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
	rows  []int32
}

// Prediction is the model's answer for one span.
type Prediction struct {
	// Probs are calibrated probabilities indexed by technique; they sum
	// to 1.
	Probs [technique.Count]float64
	// Cues are the facts behind the most likely technique, strongest
	// first, at most maxCues (cue.Merge words them).
	Cues []cue.Cue
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
		sc.dense, sc.vbuf, sc.rows = denseFeatures(m.vecs, &c, m.dim, sc.dense, sc.vbuf, sc.rows)
	}
	logits := m.score(sc.idx, sc.vals, sc.dense)
	temp := m.temp
	if !(temp > 0) {
		temp = 1 // a zero Model: uniform probabilities
	}
	var p Prediction
	softmax(logits[:], 1/temp, p.Probs[:])
	if n, before := c.recurrences(); n > 0 {
		rules.decide(&p, n, before)
	}
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
	vals = vals[:len(idx)]
	for i, k := range idx {
		if k < 0 {
			continue
		}
		addRow(&z, vals[i], (*[K]float32)(m.w[int(k)*K:]))
	}
	for j, v := range dense {
		if v == 0 {
			continue
		}
		addRow(&z, v, (*[K]float32)(m.dense[j*K:]))
	}
	return z
}

// addRow adds v times row to z: on arrays, without bounds checks, and
// unrolled (there are 14 techniques), which took score from 0.72M to
// 0.4M instructions an article; the sums are the same.
func addRow(z *[technique.Count]float64, v float32, row *[technique.Count]float32) {
	z[0] += float64(v * row[0])
	z[1] += float64(v * row[1])
	z[2] += float64(v * row[2])
	z[3] += float64(v * row[3])
	z[4] += float64(v * row[4])
	z[5] += float64(v * row[5])
	z[6] += float64(v * row[6])
	z[7] += float64(v * row[7])
	z[8] += float64(v * row[8])
	z[9] += float64(v * row[9])
	z[10] += float64(v * row[10])
	z[11] += float64(v * row[11])
	z[12] += float64(v * row[12])
	z[13] += float64(v * row[13])
}

// expect returns the mean of row under the probabilities p, summed in
// technique order and unrolled like addRow.
func expect(p *[technique.Count]float64, row *[technique.Count]float32) float64 {
	avg := 0.0
	avg += p[0] * float64(row[0])
	avg += p[1] * float64(row[1])
	avg += p[2] * float64(row[2])
	avg += p[3] * float64(row[3])
	avg += p[4] * float64(row[4])
	avg += p[5] * float64(row[5])
	avg += p[6] * float64(row[6])
	avg += p[7] * float64(row[7])
	avg += p[8] * float64(row[8])
	avg += p[9] * float64(row[9])
	avg += p[10] * float64(row[10])
	avg += p[11] * float64(row[11])
	avg += p[12] * float64(row[12])
	avg += p[13] * float64(row[13])
	return avg
}

// addRow and expect are unrolled for exactly 14 techniques: a different
// count fails to compile here.
var _ = [1]struct{}{}[technique.Count-14]

// featureTable is an open-addressing hash table from a kept feature's
// hash to its index in Model.hashes: one probe or two per feature instead
// of a binary search over hundreds of thousands of hashes.
type featureTable struct {
	mask uint64
	// slots hold each hash beside its index, so that a probe reads one
	// cache line (the hashes and indices in two arrays were two).
	slots []featureSlot
}

type featureSlot struct {
	key uint64
	idx int32 // index + 1; 0 marks an empty slot
}

func newFeatureTable(hashes []uint64) *featureTable {
	n := 1
	for n < 2*len(hashes) {
		n <<= 1
	}
	t := &featureTable{mask: uint64(n - 1), slots: make([]featureSlot, n)}
	for k, h := range hashes {
		i := slot(h) & t.mask
		for t.slots[i].idx != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = featureSlot{key: h, idx: int32(k + 1)}
	}
	return t
}

// slot spreads a feature hash over the table (the low bits of the
// features' FNV hashes alone cluster).
func slot(h uint64) uint64 { return (h ^ h>>29) * 0xbf58476d1ce4e5b9 >> 20 }

// get returns the index of hash h, or -1 when the model does not keep it.
func (t *featureTable) get(h uint64) int {
	for i := slot(h) & t.mask; ; i = (i + 1) & t.mask {
		switch s := &t.slots[i]; {
		case s.idx == 0:
			return -1
		case s.key == h:
			return int(s.idx - 1)
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
//
// buf and rows are scratch space, returned for reuse.
func denseFeatures(vecs Vectors, c *spanCtx, dim int, dst, buf []float32, rows []int32) ([]float32, []float32, []int32) {
	dst = slices.Grow(dst[:0], denseBlocks*dim)[:denseBlocks*dim]
	clear(dst)
	if vecs == nil {
		return dst, buf, rows
	}
	st := c.st
	// Vectors that add rows in place (embed.Vectors) spare the copy of
	// every word's vector; the sums are the same. A block's rows are added
	// together (AddVecs), in order, when it is complete.
	adder, direct := vecs.(vectorAdder)
	direct = direct && vecs.Dim() == dim
	rows = rows[:0]
	addWord := func(block []float32, i int) {
		if !st.w[i].IsWord || st.plain[i] {
			return
		}
		row := st.w[i].Vec
		if row < 0 {
			return
		}
		if direct {
			rows = append(rows, row)
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
	if direct {
		adder.AddVecs(rows, span)
		rows = rows[:0]
	}
	for i := c.si; i < c.sj; i++ {
		if i < c.wi || i >= c.wj {
			addWord(ctx, i)
		}
	}
	if direct {
		adder.AddVecs(rows, ctx)
	}
	unit(span, denseScale)
	unit(ctx, denseScale)
	return dst, buf, rows
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

// cues explains the top technique: the facts stated by the features
// whose weights pushed it above the model's average belief the most,
// strongest first.
func (m *Model) cues(c *spanCtx, sc *scratch, p *Prediction) []cue.Cue {
	top, _ := p.Top()
	// Contributions are merged by what they would say (the same word seen
	// as a span word and as the first word is one reason), and only the
	// strongest few become cues, to keep Classify cheap.
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
			row := (*[technique.Count]float32)(m.dense[j*technique.Count:])
			s += float64(v) * (float64(row[top]) - expect(&p.Probs, row))
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
		row := (*[technique.Count]float32)(m.w[int(k)*technique.Count:])
		s := float64(f.val) * (float64(row[top]) - expect(&p.Probs, row))
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
	var out []cue.Cue
	ctx := false
	for j := 0; j < n && len(out) < maxCues && cs[j].score > 0; j++ {
		k, ok := c.cue(cs[j].f, top)
		// The sentence around a span explains less than the span itself:
		// say so at most once.
		if !ok || slices.Contains(out, k) || cs[j].f.cue == cueCtx && ctx {
			continue
		}
		ctx = ctx || cs[j].f.cue == cueCtx
		if out == nil {
			out = make([]cue.Cue, 0, maxCues)
		}
		out = append(out, k)
	}
	return out
}

// maxSpanCue is the most words of a span its whole-span cue quotes.
const maxSpanCue = 4

// maxCues is the most cues a prediction carries: more than cue.Max, for
// cue.Merge to choose from once it has dropped the facts the tagger
// states too.
const maxCues = cue.Max + 2

// onlyWord returns the index of the span's one content word, or -1 when
// it has none or several.
func (c *spanCtx) onlyWord() int {
	w := -1
	for i := c.wi; i < c.wj; i++ {
		if c.st.w[i].IsWord && !c.st.plain[i] {
			if w >= 0 {
				return -1
			}
			w = i
		}
	}
	return w
}

// cue returns the fact feature f states about the span, for technique
// top; false for features that state none a reader could use (the
// span's length, its cover of the sentence) or that would quote a
// function word, punctuation or part of a web address (cue.Quotable).
func (c *spanCtx) cue(f feat, top technique.Technique) (cue.Cue, bool) {
	st := c.st
	d := st.d
	word := func(k cue.Kind, i int) (cue.Cue, bool) {
		return cue.Cue{Kind: k, Tech: int8(top), Start: int32(i), End: int32(i + 1)}, cue.Quotable(d, i, st.lower[i])
	}
	switch f.cue {
	case cueWord:
		i := int(f.arg)
		if k := st.lexWord[i]; k != 0 && st.w[i].IsWord {
			return cue.Cue{Kind: cue.List, List: k, Start: int32(i), End: int32(i + 1)}, true
		}
		return word(cue.Typical, i)
	case cueBigram:
		i := int(f.arg)
		if !st.w[i].IsWord || !st.w[i+1].IsWord || !cue.Quotable(d, i, st.lower[i]) && !cue.Quotable(d, i+1, st.lower[i+1]) {
			return cue.Cue{}, false
		}
		return cue.Cue{Kind: cue.Typical, Tech: int8(top), Start: int32(i), End: int32(i + 2)}, true
	case cueSpan:
		// The span word for word was labelled so in training: a reason a
		// reader can check when the span is a short phrase (a slogan, a
		// label); a long one quoted whole says nothing the highlight does
		// not. cue.Merge checks that its words are worth quoting.
		a, b := c.wordRange()
		return cue.Cue{Kind: cue.Typical, Tech: int8(top), Start: int32(a), End: int32(b)}, a < b && b-a <= maxSpanCue
	case cueCtx:
		// A word of the sentence outside the span: a reason only by its
		// word list or its valence.
		i := int(f.arg)
		switch {
		case st.lexWord[i] != 0:
			return cue.Cue{Kind: cue.List, List: st.lexWord[i], Start: f.arg, End: f.arg + 1}, true
		case cue.StrongValence(float64(st.valence[i])):
			return cue.Cue{Kind: cue.Valence, Start: f.arg, End: f.arg + 1}, cue.Quotable(d, i, st.lower[i])
		}
	case cueRep:
		a, b := c.wordRange()
		return cue.Cue{Kind: cue.Repeat, Start: int32(a), End: int32(b)}, a < b
	case cueHeadRep:
		return word(cue.Repeat, int(f.arg))
	case cueQuote:
		return cue.Cue{Kind: cue.Quote}, true
	case cueExclaim:
		return cue.Cue{Kind: cue.Exclaim}, true
	case cueQuestion:
		return cue.Cue{Kind: cue.Question}, true
	case cueCaps:
		a, b := c.wordRange()
		return cue.Cue{Kind: cue.Capitals, Start: int32(a), End: int32(b)}, a < b && cue.Shouted(d, a, b)
	case cueTitle:
		return cue.Cue{Kind: cue.Headline}, true
	case cueMeaning:
		if f.arg >= 0 {
			return cue.Cue{Kind: cue.Typical, Like: true, Tech: int8(f.arg2), Start: f.arg, End: f.arg + 1}, true
		}
		return cue.Cue{Kind: cue.Typical, Like: true, Tech: int8(f.arg2), Start: -1, End: -1}, true
	case cueLex:
		return cue.Cue{Kind: cue.List, List: f.kind, Start: f.arg, End: f.arg2}, true
	case cueValence:
		if f.arg < 0 {
			return cue.Cue{}, false
		}
		i := int(f.arg)
		return cue.Cue{Kind: cue.Valence, Start: f.arg, End: f.arg + 1},
			cue.StrongValence(float64(st.valence[i])) && cue.Quotable(d, i, st.lower[i])
	}
	return cue.Cue{}, false
}

// spellings returns a word of the stem id's first spelling and one of
// another, not a possessive of the first, or -1: enough to name another
// form of any word of the stem but a possessive of the first. A stem's
// words are read once, however many cues ask.
func (st *docStats) spellings(id int32) [2]int32 {
	st.recurMu.Lock()
	fs, ok := st.forms[id]
	st.recurMu.Unlock()
	if ok {
		return fs
	}
	post := st.post[st.postAt[id]:st.postAt[id+1]]
	fs = [2]int32{post[0], -1}
	first := st.lower[post[0]]
	for _, p := range post[1:] {
		if l := st.lower[p]; l != first && !possessive(l, first) && !possessive(first, l) {
			fs[1] = p
			break
		}
	}
	st.recurMu.Lock()
	if st.forms == nil {
		st.forms = make(map[int32][2]int32)
	}
	st.forms[id] = fs
	st.recurMu.Unlock()
	return fs
}

// possessive reports whether w is base + "'s".
func possessive(w, base string) bool {
	return len(w) == len(base)+2 && strings.HasPrefix(w, base) && strings.HasSuffix(w, "'s")
}

// wordRange returns the span's words without punctuation at either end.
func (c *spanCtx) wordRange() (a, b int) {
	a, b = c.wi, c.wj
	for a < b && !c.st.w[a].IsWord {
		a++
	}
	for b > a && !c.st.w[b-1].IsWord {
		b--
	}
	return a, b
}

// Recurs returns how many times the stems of words [i, j) of the
// article occur in it, punctuation skipped (as the repetition features
// count), and, for one word, the index of an occurrence written in
// another form (a possessive is no other form), or -1. It is
// cue.Counter.
func (a *Article) Recurs(i, j int) (n, other int) {
	st := a.st
	i, j = max(i, 0), min(j, len(st.stemID))
	if i >= j {
		return 0, -1
	}
	c := spanCtx{st: st, wi: i, wj: j}
	n, _ = c.recurrences()
	other = -1
	if id := st.stemID[i]; j == i+1 && id >= 0 {
		fs := st.spellings(id)
		for _, k := range fs {
			if k >= 0 && st.lower[k] != st.lower[i] && !possessive(st.lower[k], st.lower[i]) && !possessive(st.lower[i], st.lower[k]) {
				other = int(k)
				break
			}
		}
	}
	return n, other
}
