// Package si finds the fragments of an article that use a propaganda
// technique (span identification, SemEval-2020 Task 11 subtask SI).
//
// Spans are found by one tagger per group of techniques (DefaultGroups:
// those whose spans are a word or a phrase, and those that take a clause
// or a sentence), their overlapping spans merged. Each tagger is a
// linear-chain conditional random field over BIO tags of the article's
// words, one sentence at a time, trained on its group's spans, with
// hashed sparse features (the word and its neighbours, shape, affixes,
// lexicon hits, sentiment, repetition in the article, position,
// quotation, sentence signals, article style, clusters of word vectors)
// and the dense word vectors of the word, of its neighbours and of its
// sentence; its weights are the mean of several training runs that visit
// the sentences in different orders. Spans are read off the per-word
// marginal probability of being inside a span (a threshold, a peak a span
// must reach, gap joining, a minimum length, narrowing to the words near
// the run's peak or widening to the clause), trimmed the way the
// annotators trimmed theirs, and scored by a small logistic reranker
// whose output is the span's calibrated probability. Each tagger's
// decoding settings and reranker are fitted by k-fold cross-validation
// inside the training articles, for the F1 of all the taggers' spans
// together, never on held-out data.
package si

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"unspun/internal/cue"
	"unspun/internal/doc"
	"unspun/internal/embed"
	"unspun/internal/lexicon"
	"unspun/internal/technique"
	"unspun/internal/words"
)

// Span is a predicted propaganda fragment.
type Span struct {
	Start, End int // code points, half-open
	// Score is the calibrated probability that the span is propaganda,
	// in the sense of the fraction of it an annotator would mark.
	Score float64
	// Cues are the facts behind the span, strongest first (cue.Merge
	// words them).
	Cues []cue.Cue
}

// Decoding turns per-word probabilities into spans.
type Decoding struct {
	// Threshold is the probability of being inside a span above which a
	// word is taken.
	Threshold float64
	// Gap joins two runs of taken words of one sentence separated by at
	// most Gap words.
	Gap int
	// MinWords drops spans with fewer words (punctuation aside).
	MinWords int
	// Peak drops a span unless one of its words reaches this
	// probability: a low Threshold sets the extent, Peak the evidence.
	Peak float64
	// Sentence, when positive, takes a whole sentence (trimmed) when one
	// of its words reaches this probability.
	Sentence float64
	// MinScore drops spans whose calibrated probability is lower.
	MinScore float64
	// Clause widens every span to the clause around it, between the
	// nearest punctuation marks that are not inside a word.
	Clause bool
	// Relative, when positive, narrows every run of taken words to the
	// words reaching Relative times the run's highest probability
	// (splitting it where they do not): a run carried by one strong word
	// is cut back to it, while a run of uniformly likely words is kept.
	Relative float64
}

// Model is a trained span finder: one tagger per group of techniques
// (see Options.Groups), sharing the word features. It is safe for
// concurrent use.
type Model struct {
	vecs     *embed.Vectors
	clusters [][]uint16 // per granularity: cluster of each vector row
	bits     uint32     // the sparse feature rows are 1<<bits
	taggers  []*tagger
	// sparse holds the sparse weights of every tagger's CRFs row by row,
	// sparseK values a row (nTags per CRF; see interleave), so that one
	// pass over a word's features reads every CRF's weights from the same
	// cache lines: reading them CRF by CRF, each from its own 6 MB, was
	// a sixth of tagging. Derived, never stored.
	sparse  []float32
	sparseK int
	// typeSums holds, for the typeSumRows most frequent vector rows, the
	// sums of m.sparse's rows over the word's type features (see
	// sumTypes) and then, for each of neighbourOffsets, over the features
	// the word gives the token at that offset (see
	// extractor.neighbourFeatures): sumSlots blocks of sparseK values a
	// row. A word's five sums are read for five neighbouring tokens
	// within a few words of each other, so they share cache lines
	// (separate tables of 393 KB each made that five lines a word).
	// Derived, never stored.
	typeSums []float32
	// shapeRows holds, for the typeSumRows most frequent vector rows,
	// the weight row of the shape feature of the row's word (see
	// tokenFeatures), spelling it and hashing it being a tenth of a
	// word's features. Derived, never stored.
	shapeRows []uint32
	// known holds the word facts of the knownRows most frequent vector
	// rows, for Words. Derived, never stored.
	known *words.Known

	pool sync.Pool // *scratch
}

// tagger finds the spans of one group of techniques: the spans of
// loaded words and labels are a few words long, those of doubt or causal
// oversimplification a clause or a sentence, and one tagger decoding both
// with the same settings marked either too much or too little.
type tagger struct {
	group technique.Set
	// crf is the first member of the ensemble: its weights explain spans
	// (cues).
	crf *crf
	// members are the CRFs, crf first, whose per-word marginals are
	// averaged (Options.Members; usually just crf). Each was trained on
	// the same features visiting the sentences in its own order: a
	// single run's probabilities depend on the order it happened to see
	// (±0.5 F1 between seeds), their mean much less.
	members []*crf
	dec     Decoding
	// rerank weighs a candidate span's features (see spanFeatures) into
	// its calibrated probability σ(rerank·features).
	rerank [nSpanFeats]float64
}

// Groups returns the technique groups of the model's taggers.
func (m *Model) Groups() []technique.Set {
	out := make([]technique.Set, len(m.taggers))
	for i, t := range m.taggers {
		out[i] = t.group
	}
	return out
}

// scratch is the per-call memory of Predict.
type scratch struct {
	di   docInfo
	x    extractor
	offs []int // feature range of each token in x.out
	// kept reports that x.out holds every token's features; otherwise
	// only those spanFeatures last extracted.
	kept  bool
	dense []float32
	e     []float64
	alpha []float64
	beta  []float64
	marg  []float64
	prob  []float64 // per token: P(inside a span of the tagger's group)
	proj  []float32 // projW dense projections of the words outside the CRF's table (see project)
	// denseT is the CRF's transposed dense weights when it has none of
	// its own (one outside a read or trained model: cross-validation's).
	denseT []float32
	// projAt is, per token, its projW dense projections: a row of the
	// CRF's table, of proj, or noProj for a word without a vector.
	projAt []*[projW]float32
	// projOf maps a vector row outside the CRF's projection table to the
	// first token projected with it (see project).
	projOf map[int]int
	emis   []float32 // per token: the sparse emissions of every CRF in Model.sparse
	found  []found
	cueAt  []int32 // see cues
	pulls  []pull  // see cues
	top    []pull  // see cues
	// touched is the last value of cues' reading ahead.
	touched uint32
}

// found is a span one tagger found, before the taggers' spans are merged.
type found struct {
	cand
	tagger int
}

func (m *Model) getScratch() *scratch {
	if s, ok := m.pool.Get().(*scratch); ok {
		return s
	}
	return &scratch{}
}

// putScratch keeps s for the next call unless a long text grew it: a
// 2 MB article's per-token buffers are tens of megabytes, which the pool
// would hold until the collector dropped it.
func (m *Model) putScratch(s *scratch) {
	if cap(s.di.toks) <= maxPooledTokens {
		m.pool.Put(s)
	}
}

// maxPooledTokens is the most tokens a kept scratch may have room for.
const maxPooledTokens = 1 << 15

// Predict returns the propaganda spans of d, sorted and non-overlapping,
// each with the cues that explain it.
func (m *Model) Predict(d *doc.Document) []Span {
	spans, _ := m.Tag(context.Background(), d, nil, true)
	return spans
}

// Locate returns the spans Predict returns, without their cues: for
// scoring and SemEval output, where nobody reads them and they cost a
// second pass over every span's features and their wording.
func (m *Model) Locate(d *doc.Document) []Span {
	spans, _ := m.Tag(context.Background(), d, nil, false)
	return spans
}

// Words builds d's word table with the model's vectors, for Tag and for
// a classifier sharing them (tc.Model.ArticleOf).
func (m *Model) Words(d *doc.Document) *words.Table {
	t := new(words.Table)
	m.FillWords(t, d)
	return t
}

// FillWords makes t d's word table, as Words builds it, reusing t's
// memory (words.Table.Fill).
func (m *Model) FillWords(t *words.Table, d *doc.Document) {
	switch {
	case m.vecs == nil:
		t.Fill(d, nil)
	case m.known != nil:
		t.Fill(d, m.known)
	default:
		t.Fill(d, m.vecs)
	}
}

// Tag returns the spans Predict returns, with their cues when withCues.
// tab is d's word table built with the model's vectors (see Words), or
// nil to build it. Tag checks ctx between sentences and between spans,
// and returns ctx.Err() soon after ctx is done.
func (m *Model) Tag(ctx context.Context, d *doc.Document, tab *words.Table, withCues bool) ([]Span, error) {
	t, err := m.Tagging(ctx, d, tab, withCues)
	return t.Spans, err
}

// Tagged is what the taggers find in a document.
type Tagged struct {
	// Spans are the spans Tag returns.
	Spans []Span
	// Prob[k] is the highest probability, over the taggers, that word k
	// of the document (doc.Document.Words) is inside a span: evidence
	// below the decodings' thresholds, which the sentence calibration
	// reads. Training reports the same from held-out folds
	// (Options.HeldOut).
	Prob []float64
}

// Tagging is Tag with the word probabilities.
func (m *Model) Tagging(ctx context.Context, d *doc.Document, tab *words.Table, withCues bool) (Tagged, error) {
	s := m.getScratch()
	defer m.putScratch(s)
	if err := m.extractCtx(ctx, d, tab, s, !m.interleaved()); err != nil {
		return Tagged{}, err
	}
	s.found = s.found[:0]
	var out Tagged
	for t, tg := range m.taggers {
		if err := m.marginalsCtx(ctx, tg, s); err != nil {
			return Tagged{}, err
		}
		s.found = m.find(s.found, t, d, &s.di, s.prob)
		out.Prob = maxInto(out.Prob, s.prob)
	}
	merged := mergeFound(s.found)
	for _, f := range merged {
		if withCues {
			if err := ctx.Err(); err != nil {
				return Tagged{}, err
			}
			f.Cues = m.cues(m.taggers[f.tagger].crf, d, s, f.Span)
		}
		out.Spans = append(out.Spans, f.Span)
	}
	return out, nil
}

// find appends to dst the spans tagger t finds in the word probabilities
// prob of d: decoded, scored by its reranker, those below its MinScore
// dropped.
func (m *Model) find(dst []found, t int, d *doc.Document, di *docInfo, prob []float64) []found {
	return m.findBy(dst, m.taggers[t], t, d, di, prob)
}

// findBy is find with tagger tg standing for tagger t: cross-validation's
// fold taggers decode and score as the model's own.
func (m *Model) findBy(dst []found, tg *tagger, t int, d *doc.Document, di *docInfo, prob []float64) []found {
	art := artMean(prob)
	for _, c := range m.decode(d, di, prob, tg.dec) {
		if c.Score = tg.spanScore(d, di, prob, art, c); c.Score >= tg.dec.MinScore {
			dst = append(dst, found{c, t})
		}
	}
	return dst
}

// mergeFound merges the taggers' overlapping spans, as the task's scorer
// does: a merged span's score is its parts' scores weighted by length,
// and its cues come from the tagger of its strongest part. fs is sorted
// and merged in place.
func mergeFound(fs []found) []found {
	slices.SortStableFunc(fs, func(x, y found) int { return cmp.Compare(x.Start, y.Start) })
	out := fs[:0]
	// Per merged span: its parts' summed length × score and length, and
	// its strongest part's score.
	var weighted, length, best float64
	for _, f := range fs {
		l := float64(f.End - f.Start)
		if n := len(out); n > 0 && f.Start < out[n-1].End {
			o := &out[n-1]
			o.End = max(o.End, f.End)
			o.a, o.b = min(o.a, f.a), max(o.b, f.b)
			weighted += l * f.Score
			length += l
			if f.Score > best {
				best, o.tagger = f.Score, f.tagger
			}
			o.Score = weighted / length
			continue
		}
		out = append(out, f)
		weighted, length, best = l*f.Score, l, f.Score
	}
	return out
}

// extract analyses d and extracts every word's sparse features into s:
// they are the same for every tagger.
func (m *Model) extract(d *doc.Document, s *scratch) {
	_ = m.extractCtx(context.Background(), d, nil, s, true)
}

// extractCtx is extract, checking ctx between sentences. Unless keep, it
// keeps only the summed emissions (s.emis) and drops each sentence's
// features once they are summed: a 2 MB article's features are hundreds
// of megabytes, and only the words of the spans found need them again
// (see spanFeatures).
func (m *Model) extractCtx(ctx context.Context, d *doc.Document, tab *words.Table, s *scratch, keep bool) error {
	m.analyse(d, tab, &s.di)
	n := len(d.Words)
	s.x.m = m
	s.x.bits = m.bits
	s.x.out = s.x.out[:0]
	s.offs = resize(s.offs, n+1)
	s.kept = keep
	k := m.sparseK
	if k > 0 {
		s.emis = resize(s.emis, n*k)
	}
	if !keep {
		return m.emitSums(ctx, d, s)
	}
	for _, r := range s.di.sents {
		if err := ctx.Err(); err != nil {
			return err
		}
		for i := r[0]; i < r[1]; i++ {
			s.x.features(d, &s.di, i)
			s.offs[i+1] = len(s.x.out)
		}
		if k > 0 {
			// Summed in the order emit sums them: the same scores.
			for i := r[0]; i < r[1]; i++ {
				acc := s.emis[i*k : (i+1)*k]
				for _, f := range s.x.out[s.offs[i]:s.offs[i+1]] {
					add(acc, m.sparse[int(f.row)*k:int(f.row)*k+k])
				}
			}
		}
	}
	return nil
}

// emitSums fills s.emis, every word's summed sparse weights in m.sparse,
// without keeping the features: a sentence's own features are summed once
// for all its words, the features a frequent word gives itself and its
// neighbours come summed from m.typeSums, and only the rest are hashed
// word by word.
func (m *Model) emitSums(ctx context.Context, d *doc.Document, s *scratch) error {
	k := m.sparseK
	x := &s.x
	sum := func(acc []float32) {
		if k == 2*nTags {
			a := (*[2 * nTags]float32)(acc)
			for _, f := range x.out {
				add2(a, (*[2 * nTags]float32)(m.sparse[int(f.row)*k:]))
			}
		} else {
			for _, f := range x.out {
				add(acc, m.sparse[int(f.row)*k:int(f.row)*k+k])
			}
		}
		x.out = x.out[:0]
	}
	sent := make([]float32, k)
	cached := len(m.typeSums) / (sumSlots * k)
	for si, r := range s.di.sents {
		if err := ctx.Err(); err != nil {
			return err
		}
		clear(sent)
		x.sentenceFeatures(&s.di, si)
		sum(sent)
		for i := r[0]; i < r[1]; i++ {
			acc := s.emis[i*k : (i+1)*k]
			copy(acc, sent)
			t := &s.di.toks[i]
			if row := t.vecRow; row >= 0 && row < cached {
				add(acc, m.typeSum(row, 0))
			} else {
				x.typeFeatures(t)
				sum(acc)
			}
			x.ownOnly = true
			x.tokenFeatures(d, &s.di, i)
			x.ownOnly = false
			sum(acc)
			for o, off := range neighbourOffsets {
				j := i + off
				switch {
				case j < 0:
					x.add1(neighbourTemplate(off), off, "<s>")
				case j >= len(s.di.toks):
					x.add1(neighbourTemplate(off), off, "</s>")
				case s.di.toks[j].vecRow >= 0 && s.di.toks[j].vecRow < cached:
					row := s.di.toks[j].vecRow
					add(acc, m.typeSum(row, o+1))
					continue
				default:
					x.neighbourFeatures(&s.di.toks[j], off)
				}
				sum(acc)
			}
		}
	}
	return nil
}

// typeSumRows is how many word vectors, the most frequent first, have the
// summed weights of their type and neighbour features (see
// extractor.typeFeatures and neighbourFeatures) precomputed: 16,384 rows
// cover about 95% of the words of news articles, for 2 MB with two CRFs.
const typeSumRows = 16384

// sumSlots is the number of sums typeSums holds a row: the word's own
// type features, then one per neighbour offset.
const sumSlots = 1 + len(neighbourOffsets)

// typeSum is slot slot of vector row row in m.typeSums: 0 for the word's
// own type features, 1+o for those it gives the token at
// neighbourOffsets[o].
func (m *Model) typeSum(row, slot int) []float32 {
	k := m.sparseK
	at := (row*sumSlots + slot) * k
	return m.typeSums[at : at+k : at+k]
}

// sumTypes fills m.typeSums and m.shapeRows from m.sparse. It runs after
// interleave.
func (m *Model) sumTypes() {
	if m.vecs == nil || m.sparseK == 0 {
		m.typeSums, m.shapeRows = nil, nil
		return
	}
	k := m.sparseK
	n := min(typeSumRows, m.vecs.Len())
	m.typeSums = make([]float32, n*sumSlots*k)
	x := extractor{m: m, bits: m.bits}
	sumRows := func(acc []float32) {
		for _, f := range x.out {
			add(acc, m.sparse[int(f.row)*k:int(f.row)*k+k])
		}
	}
	m.shapeRows = make([]uint32, n)
	for row := range n {
		w := m.vecs.Word(row)
		x.out = x.out[:0]
		x.add1(tShape, 0, shape(w))
		m.shapeRows[row] = x.out[0].row
		t := tokenInfo{lower: w, stem: lexicon.Stem(w), superl: lexicon.LooksSuperlative(w), vecRow: row}
		t.valence, t.hasVal = lexicon.Valence(w)
		x.out = x.out[:0]
		x.typeFeatures(&t)
		sumRows(m.typeSum(row, 0))
		for o, off := range neighbourOffsets {
			x.out = x.out[:0]
			x.neighbourFeatures(&t, off)
			sumRows(m.typeSum(row, o+1))
		}
	}
}

// interleaved reports whether every CRF of every tagger reads its sparse
// weights from m.sparse, so that tagging needs only the summed emissions
// extract leaves.
func (m *Model) interleaved() bool {
	if m.sparseK == 0 {
		return false
	}
	for _, tg := range m.taggers {
		for _, c := range tg.members {
			if c.col == 0 {
				return false
			}
		}
	}
	return true
}

// spanFeatures makes sure s holds the features of words [a, b) at
// s.x.out[s.offs[i]:s.offs[i+1]], extracting them again when extract
// dropped them (then without those that state no fact: only cues reads
// them).
func (m *Model) spanFeatures(d *doc.Document, s *scratch, a, b int) {
	if s.kept {
		return
	}
	s.x.out = s.x.out[:0]
	s.offs[a] = 0
	s.x.factsOnly = true
	for i := a; i < b; i++ {
		s.x.features(d, &s.di, i)
		s.offs[i+1] = len(s.x.out)
	}
	s.x.factsOnly = false
}

// add adds src to dst, element by element.
func add(dst, src []float32) {
	src = src[:len(dst)]
	if len(dst) == 2*nTags {
		add2((*[2 * nTags]float32)(dst), (*[2 * nTags]float32)(src))
		return
	}
	for j, v := range src {
		dst[j] += v
	}
}

// add2 is add for the rows of two CRFs, the shipped model's: unrolled,
// the same sums. Adding weight rows is the most frequent step of tagging.
func add2(d, s *[2 * nTags]float32) {
	d[0] += s[0]
	d[1] += s[1]
	d[2] += s[2]
	d[3] += s[3]
	d[4] += s[4]
	d[5] += s[5]
}

// marginals fills s.prob with each word's probability of lying inside a
// span of tg's group: the mean over tg's members. It reads the features
// extract left in s.
func (m *Model) marginals(tg *tagger, s *scratch) {
	_ = m.marginalsCtx(context.Background(), tg, s)
}

// marginalsCtx is marginals, checking ctx between sentences.
func (m *Model) marginalsCtx(ctx context.Context, tg *tagger, s *scratch) error {
	n := len(s.di.toks)
	s.prob = resize(s.prob, n)
	inv := 1 / float64(len(tg.members))
	for _, c := range tg.members {
		dd := m.vecs != nil && len(c.dense) > 0
		if dd {
			m.project(c, &s.di, s)
		}
		ex := c.exps()
		for _, r := range s.di.sents {
			if err := ctx.Err(); err != nil {
				return err
			}
			l := r[1] - r[0]
			s.e = resize(s.e, l*nTags)
			s.alpha = resize(s.alpha, l*nTags)
			s.beta = resize(s.beta, l*nTags)
			s.marg = resize(s.marg, l*nTags)
			// The dense part of the emission is linear in the vectors, so
			// it is summed from per-word projections (see project) instead
			// of building each word's dense values: same scores, a third
			// of the work.
			var sent [nTags]float64
			if dd {
				k := 0
				for i := r[0]; i < r[1]; i++ {
					if s.di.toks[i].vecRow >= 0 && s.di.toks[i].content {
						p := s.projAt[i]
						for y := range nTags {
							sent[y] += float64(p[2*nTags+y])
						}
						k++
					}
				}
				if k > 0 {
					for y := range sent {
						sent[y] /= float64(k)
					}
				}
			}
			for i := r[0]; i < r[1]; i++ {
				e := s.e[(i-r[0])*nTags : (i-r[0]+1)*nTags]
				if c.col != 0 { // sparseEmit, inlined
					em := s.emis[i*m.sparseK+c.col-1:]
					e[0], e[1], e[2] = float64(em[0]), float64(em[1]), float64(em[2])
				} else {
					m.sparseEmit(c, s, i, e)
				}
				if !dd {
					continue
				}
				var win [nTags]float64
				k := 0
				// A neighbour without a vector is one whose projections
				// are noProj (see project).
				for j, hi := max(r[0], i-2), min(r[1], i+3); j < hi; j++ {
					if p := s.projAt[j]; j != i && p != &noProj {
						win[0] += float64(p[nTags])
						win[1] += float64(p[nTags+1])
						win[2] += float64(p[nTags+2])
						k++
					}
				}
				own := s.projAt[i]
				for y := range nTags {
					if k > 1 {
						win[y] /= float64(k)
					}
					e[y] += float64(own[y]) + win[y] + sent[y]
				}
			}
			c.forwardBackwardExp(&ex, s.e, s.alpha, s.beta, s.marg, l, nil)
			for i := r[0]; i < r[1]; i++ {
				s.prob[i] += inv * (1 - s.marg[(i-r[0])*nTags+tagO])
			}
		}
	}
	return nil
}

// sparseEmit writes word i's sparse emission scores under CRF c to e:
// the sums extract took from the interleaved weights when c is in the
// model's table, else from c's own weights (cross-validation's CRFs).
func (m *Model) sparseEmit(c *crf, s *scratch, i int, e []float64) {
	if c.col == 0 {
		c.emit(s.x.out[s.offs[i]:s.offs[i+1]], nil, e)
		return
	}
	em := s.emis[i*m.sparseK+c.col-1:]
	e[0], e[1], e[2] = float64(em[0]), float64(em[1]), float64(em[2])
}

// projW is the number of projections per word: one per dense part and
// tag.
const projW = denseParts * nTags

// project sets s.projAt to, for every word that has a vector and for
// each dense part p and tag y, the dot product of the word's vector with
// member c's weights of part p for tag y. The most frequent words' are
// rows of c's precomputed table (see prepareTagging), the others' are
// computed into s.proj.
func (m *Model) project(c *crf, di *docInfo, s *scratch) {
	// Each token points at its row instead of receiving a copy: copying
	// the table's rows was most of project (4% of the analysis).
	s.projAt = resize(s.projAt, len(di.toks))
	s.proj = s.proj[:0]
	cached := len(c.proj) / projW
	// The rarer words outside c.proj are mostly names, which an article
	// repeats: each is projected once, and its other tokens share the row.
	if s.projOf == nil {
		s.projOf = make(map[int]int)
	}
	clear(s.projOf)
	rare := 0
	for _, t := range di.toks {
		if t.vecRow >= cached {
			rare++
		}
	}
	// Sized before any row is taken, so that no row moves.
	s.proj = resize(s.proj, rare*projW)
	wt := c.denseT // c's transposed dense weights
	if wt == nil && rare > 0 {
		s.denseT = c.transposeDense(s.denseT, m.vecs.Dim())
		wt = s.denseT
	}
	rare = 0
	for i, t := range di.toks {
		switch {
		case t.vecRow < 0:
			s.projAt[i] = &noProj
		case t.vecRow < cached:
			s.projAt[i] = (*[projW]float32)(c.proj[t.vecRow*projW:])
		default:
			if j, ok := s.projOf[t.vecRow]; ok {
				s.projAt[i] = s.projAt[j]
				continue
			}
			s.projOf[t.vecRow] = i
			out := (*[projW]float32)(s.proj[rare*projW:])
			rare++
			s.dense = m.vecs.Vec(t.vecRow, s.dense)
			projectVec(s.dense, wt, out[:])
			s.projAt[i] = out
		}
	}
}

// noProj is the projections of a word without a vector, which
// marginals reads as zeros; nobody writes it.
var noProj [projW]float32

// projectVec writes to out (projW values) the dot products of vector v
// with c's dense weights of each part and tag, wt (transposeDense).
func projectVec(v, wt []float32, out []float32) {
	dim := len(v)
	for j := range projW {
		// One tag's weights of one part are contiguous in wt, so the
		// loop indexes nothing the compiler must check: with the three
		// tags interleaved the checks were half the work, which runs for
		// 16,384 words in each CRF when the model is read. The sum runs
		// in the same order as it did.
		w := wt[j*dim : (j+1)*dim]
		w = w[:len(v)]
		var a float32
		for k, x := range v {
			a += x * w[k]
		}
		out[j] = a
	}
}

// transposeDense returns c.dense (part, dimension, tag) reordered as
// (part, tag, dimension) in dst's memory, for projectVec.
func (c *crf) transposeDense(dst []float32, dim int) []float32 {
	dst = resize(dst, len(c.dense))
	for p := range denseParts {
		for k := range dim {
			for t := range nTags {
				dst[(p*nTags+t)*dim+k] = c.dense[(p*dim+k)*nTags+t]
			}
		}
	}
	return dst
}

// projCacheRows is how many word vectors, the most frequent first, have
// their projections precomputed in every CRF: 576 KB per CRF and about
// twenty milliseconds when the model is built or read. Counted by
// cachegrind on 100 news articles, 8,192 rows take tagging 9% fewer
// instructions than 4,096 (the dot products of the words outside the
// table were the largest single cost), and 16,384 0.35M fewer an article
// than 8,192 (2% of the analysis) for 0.13G more at load (about 8 ms);
// 32,768 would save 0.2M more for 0.25G more at load, which a
// one-article 'unspun analyze' pays in full.
const projCacheRows = 16384

// knownRows is how many word vectors, the most frequent first, have the
// facts the word table needs (stem, lexicon lists, valence) computed when
// the model is built or read (see words.Known): 1.5 MB, read by nobody
// but words.New, and 0.13M fewer instructions an article in cachegrind
// (a vector row beyond it is still looked up in the lexicons).
const knownRows = 1 << 16

// prepareTagging builds the tables tagging reads and training does not
// need: it interleaves the taggers' sparse weights and precomputes the
// projections of the most frequent words in every CRF. It must run before
// the model is shared: Predict reads the tables without locking.
func (m *Model) prepareTagging() {
	// The word facts and each CRF's projections are independent of the
	// interleaved table and of each other: built on other cores while
	// this one builds the table, they shorten a one-article 'unspun
	// analyze', whose time is mostly loading (the work is the same).
	var wg sync.WaitGroup
	if m.vecs != nil {
		wg.Go(func() { m.known = words.NewKnown(m.vecs, knownRows) })
		n := min(projCacheRows, m.vecs.Len())
		for _, tg := range m.taggers {
			for _, c := range tg.members {
				if len(c.dense) == 0 {
					continue
				}
				wg.Go(func() {
					c.denseT = c.transposeDense(nil, m.vecs.Dim())
					c.proj = make([]float32, n*projW)
					var v []float32
					for row := range n {
						v = m.vecs.Vec(row, v)
						projectVec(v, c.denseT, c.proj[row*projW:(row+1)*projW])
					}
				})
			}
		}
	}
	m.interleave()
	m.sumTypes()
	wg.Wait()
}

// interleave builds m.sparse from the taggers' CRFs and gives each its
// column (see crf.col).
func (m *Model) interleave() {
	var cs []*crf
	for _, tg := range m.taggers {
		cs = append(cs, tg.members...)
	}
	k := len(cs) * nTags
	rows := 1 << m.bits
	m.sparse, m.sparseK = make([]float32, rows*k), k
	for j, c := range cs {
		c.col = j*nTags + 1
		for r := range rows {
			copy(m.sparse[r*k+j*nTags:r*k+(j+1)*nTags], c.w[r*nTags:(r+1)*nTags])
		}
		// Its weights are now read from m.sparse only (see sparseEmit
		// and cues); keeping the CRF's own copy too was 6 MB of heap
		// per CRF, a fifth of the loaded model, which the collector's
		// heap goal doubles.
		c.w = nil
	}
}

// sparseTable returns where c's sparse weights are: row r's nTags values
// start at ws[r*stride]. They are c's own for a CRF outside the model's
// interleaved table (cross-validation's), else its column of m.sparse.
func (m *Model) sparseTable(c *crf) (ws []float32, stride int) {
	if c.col == 0 {
		return c.w, nTags
	}
	return m.sparse[c.col-1:], m.sparseK
}

// sparseOf returns c's sparse weights, row by row (nTags values a row),
// for writing: its own, or a copy of its column of m.sparse.
func (m *Model) sparseOf(c *crf) []float32 {
	ws, stride := m.sparseTable(c)
	if stride == nTags {
		return ws
	}
	rows := 1 << m.bits
	w := make([]float32, rows*nTags)
	for r := range rows {
		copy(w[r*nTags:(r+1)*nTags], ws[r*stride:])
	}
	return w
}

// sentenceVec returns the mean vector of the words of sentence range r.
func (m *Model) sentenceVec(di *docInfo, r [2]int, dst []float32) []float32 {
	dst = resize(dst, m.vecs.Dim())
	k := 0
	for i := r[0]; i < r[1]; i++ {
		if row := di.toks[i].vecRow; row >= 0 && di.toks[i].content {
			m.vecs.AddVec(row, 1, dst)
			k++
		}
	}
	if k > 0 {
		for j := range dst {
			dst[j] /= float32(k)
		}
	}
	return dst
}

// denseParts is the number of word-vector-sized parts of the dense
// values: the word's vector, the mean vector of its neighbours (two each
// side, within the sentence) and its sentence's mean vector.
const denseParts = 3

// fillDense writes the dense values of token i of sentence r into dst,
// given each token's vector row (or -1) and the sentence's mean vector.
func fillDense(vecs *embed.Vectors, vrows []int32, i int, r [2]int, sent, dst []float32) {
	dim := vecs.Dim()
	clear(dst[:2*dim])
	if row := vrows[i]; row >= 0 {
		vecs.AddVec(int(row), 1, dst[:dim])
	}
	win := dst[dim : 2*dim]
	k := 0
	for j := max(r[0], i-2); j < min(r[1], i+3); j++ {
		if j != i && vrows[j] >= 0 {
			vecs.AddVec(int(vrows[j]), 1, win)
			k++
		}
	}
	if k > 1 {
		inv := 1 / float32(k)
		for j := range win {
			win[j] *= inv
		}
	}
	copy(dst[2*dim:], sent)
}

func logit(p float64) float64 {
	p = min(max(p, 1e-6), 1-1e-6)
	return math.Log(p / (1 - p))
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// cand is a decoded span with its word range [a, b).
type cand struct {
	Span
	a, b int
}

// decode turns word probabilities into trimmed candidate spans; Score is
// the mean word probability, uncalibrated.
func (m *Model) decode(d *doc.Document, di *docInfo, prob []float64, dc Decoding) []cand {
	var spans []cand
	add := func(a, b int, r [2]int) { // tokens [a, b) of sentence r
		if a, b = repairBounds(d, a, b, r[0], r[1]); a >= b {
			return
		}
		nw := 0
		var sum, peak float64
		for k := a; k < b; k++ {
			sum += prob[k]
			peak = max(peak, prob[k])
			if lexicon.IsWord(d.Words[k].Text) {
				nw++
			}
		}
		if nw == 0 || nw < dc.MinWords || peak < dc.Peak {
			return
		}
		st, en, ok := Trim(d, d.Words[a].Start, d.Words[b-1].End)
		if !ok {
			return
		}
		if n := len(spans); n > 0 && spans[n-1].End > st {
			return
		}
		spans = append(spans, cand{Span{Start: st, End: en, Score: sum / float64(b-a)}, a, b})
	}
	var runs [][2]int
	for _, r := range di.sents {
		if dc.Sentence > 0 {
			peak := 0.0
			for k := r[0]; k < r[1]; k++ {
				peak = max(peak, prob[k])
			}
			if peak >= dc.Sentence {
				add(r[0], r[1], r)
				continue
			}
		}
		runs = appendRuns(runs[:0], r[0], r[1], dc.Gap, func(k int) bool { return prob[k] > dc.Threshold })
		if dc.Relative > 0 {
			runs = splitRelative(runs, prob, dc)
		}
		if dc.Clause {
			// Widen each run to its clause: up to the nearest break
			// (comma, dash, bracket, quotation mark...) on each side.
			// A run widens at most to its neighbours' words: reaching
			// them without a break means one clause, which the merge
			// below joins the same, and the walks stay linear in the
			// sentence however many runs it has.
			lo := r[0]
			for k := range runs {
				a, b := runs[k][0], runs[k][1]
				hi := r[1]
				if k+1 < len(runs) {
					hi = runs[k+1][0]
				}
				for a > lo && !isBreak(d.Words[a-1].Text) {
					a--
				}
				for b < hi && !isBreak(d.Words[b].Text) {
					b++
				}
				lo = runs[k][1] // this run's own end, before widening
				runs[k] = [2]int{a, b}
			}
			n := 0
			for _, x := range runs {
				if n > 0 && x[0] <= runs[n-1][1] {
					runs[n-1][1] = max(runs[n-1][1], x[1])
					continue
				}
				runs[n] = x
				n++
			}
			runs = runs[:n]
		}
		for _, x := range runs {
			add(x[0], x[1], r)
		}
	}
	return spans
}

// appendRuns appends to dst the runs of words k in [a, b) for which in(k)
// holds, a run going on across at most gap words for which it does not.
func appendRuns(dst [][2]int, a, b, gap int, in func(k int) bool) [][2]int {
	runStart, lastIn := -1, -1
	for k := a; k < b; k++ {
		if !in(k) {
			continue
		}
		if runStart >= 0 && k-lastIn-1 > gap {
			dst = append(dst, [2]int{runStart, lastIn + 1})
			runStart = -1
		}
		if runStart < 0 {
			runStart = k
		}
		lastIn = k
	}
	if runStart >= 0 {
		dst = append(dst, [2]int{runStart, lastIn + 1})
	}
	return dst
}

// splitRelative replaces each run by its sub-runs of words reaching
// dc.Relative times the run's peak probability, joined across gaps of at
// most dc.Gap words.
func splitRelative(runs [][2]int, prob []float64, dc Decoding) [][2]int {
	var out [][2]int
	for _, x := range runs {
		peak := 0.0
		for k := x[0]; k < x[1]; k++ {
			peak = max(peak, prob[k])
		}
		t := max(dc.Threshold, dc.Relative*peak)
		out = appendRuns(out, x[0], x[1], dc.Gap, func(k int) bool { return prob[k] > t || prob[k] >= peak })
	}
	return out
}

// isBreak reports whether a token ends a clause: punctuation other than
// the hyphens and apostrophes that sit inside words.
func isBreak(w string) bool {
	switch w {
	case "-", "'", "’", "&", "/":
		return false
	}
	return !lexicon.IsWord(w)
}

// trimSet is what annotators never let a span start or end with.
const trimSet = " \t\n\r\v\f\u00a0.,:;"

// Trim narrows the code-point range [start, end) of d so that it neither
// starts nor ends with white space, '.', ',', ':' or ';', as the corpus
// annotators' spans do. It reports false when nothing is left.
func Trim(d *doc.Document, start, end int) (int, int, bool) {
	t := d.Slice(start, end)
	l := strings.TrimLeft(t, trimSet)
	start += utf8.RuneCountInString(t[:len(t)-len(l)])
	r := strings.TrimRight(l, trimSet)
	end -= utf8.RuneCountInString(l[len(r):])
	return start, end, start < end
}
