// Package si finds the fragments of an article that use a propaganda
// technique (span identification, SemEval-2020 Task 11 subtask SI).
//
// The tagger is a linear-chain conditional random field over BIO tags of
// the article's words, one sentence at a time, with hashed sparse features
// (the word and its neighbours, shape, affixes, lexicon hits, sentiment,
// repetition in the article, position, quotation, sentence signals,
// clusters of word vectors) and the dense word vectors of the word and of
// its sentence. Spans are read off the per-word marginal probability of
// being inside a span, with a threshold, gap joining and a minimum length
// chosen by cross-validation inside the training data, then trimmed the
// way the annotators trimmed theirs.
package si

import (
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"unspun/internal/doc"
	"unspun/internal/embed"
)

// Span is a predicted propaganda fragment.
type Span struct {
	Start, End int // code points, half-open
	// Score is the calibrated probability that the span is propaganda,
	// in the sense of the fraction of it an annotator would mark.
	Score float64
	// Cues are short reasons in plain words, strongest first.
	Cues []string
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
	// Sentence, when positive, takes a whole sentence (trimmed) when its
	// mean word probability reaches it.
	Sentence float64
}

// Model is a trained span tagger. It is safe for concurrent use.
type Model struct {
	vecs     *embed.Vectors
	crf      *crf
	clusters [][]uint16 // per granularity: cluster of each vector row
	dec      Decoding
	// Platt scaling of a span's mean word probability: P = σ(a·logit(p)+b).
	calA, calB float64

	pool sync.Pool // *scratch
}

// Decoding returns the decoding settings the model uses.
func (m *Model) Decoding() Decoding { return m.dec }

// SetDecoding replaces the decoding settings. It is not safe to call
// concurrently with Predict.
func (m *Model) SetDecoding(d Decoding) { m.dec = d }

// denseDim is the number of dense values per word: its vector and its
// sentence's mean vector.
func (m *Model) denseDim() int {
	if m.vecs == nil {
		return 0
	}
	return 2 * m.vecs.Dim()
}

// scratch is the per-call memory of Predict.
type scratch struct {
	di    docInfo
	x     extractor
	offs  []int // feature range of each token in x.out
	dense []float32
	sent  []float32
	e     []float64
	alpha []float64
	beta  []float64
	marg  []float64
	prob  []float64 // per token: P(inside a span)
}

func (m *Model) getScratch() *scratch {
	if s, ok := m.pool.Get().(*scratch); ok {
		return s
	}
	return &scratch{}
}

// Predict returns the propaganda spans of d, sorted and non-overlapping.
func (m *Model) Predict(d *doc.Document) []Span {
	s := m.getScratch()
	defer m.pool.Put(s)
	m.marginals(d, s)
	spans := m.decode(d, &s.di, s.prob, m.dec)
	for i := range spans {
		spans[i].Score = m.calibrate(spans[i].Score)
		spans[i].Cues = m.cues(d, s, spans[i])
	}
	return spans
}

// marginals fills s.prob with each word's probability of lying inside a
// span.
func (m *Model) marginals(d *doc.Document, s *scratch) {
	m.analyse(d, &s.di)
	n := len(d.Words)
	s.prob = resize(s.prob, n)
	s.x.m = m
	s.x.bits = m.crf.bits
	dd := m.denseDim()
	s.dense = resize(s.dense, dd)
	for _, r := range s.di.sents {
		l := r[1] - r[0]
		s.e = resize(s.e, l*nTags)
		s.alpha = resize(s.alpha, l*nTags)
		s.beta = resize(s.beta, l*nTags)
		s.marg = resize(s.marg, l*nTags)
		if dd > 0 {
			s.sent = m.sentenceVec(&s.di, r, s.sent)
		}
		for i := r[0]; i < r[1]; i++ {
			s.x.out = s.x.out[:0]
			s.x.features(d, &s.di, i)
			if dd > 0 {
				m.denseOf(&s.di, i, s.sent, s.dense)
			}
			m.crf.emit(s.x.out, s.dense, s.e[(i-r[0])*nTags:])
		}
		m.crf.forwardBackward(s.e, s.alpha, s.beta, s.marg, l, nil)
		for i := r[0]; i < r[1]; i++ {
			s.prob[i] = 1 - s.marg[(i-r[0])*nTags+tagO]
		}
	}
}

// sentenceVec returns the mean vector of the words of sentence range r.
func (m *Model) sentenceVec(di *docInfo, r [2]int, dst []float32) []float32 {
	dst = resize(dst, m.vecs.Dim())
	k := 0
	for i := r[0]; i < r[1]; i++ {
		if row := di.toks[i].vecRow; row >= 0 && isContent(di.toks[i].lower) {
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

// denseOf writes the dense values of token i into dst.
func (m *Model) denseOf(di *docInfo, i int, sent, dst []float32) {
	dim := m.vecs.Dim()
	clear(dst[:dim])
	if row := di.toks[i].vecRow; row >= 0 {
		m.vecs.AddVec(row, 1, dst[:dim])
	}
	copy(dst[dim:], sent)
}

// calibrate maps a span's mean word probability to a calibrated one.
func (m *Model) calibrate(p float64) float64 {
	if m.calA == 0 && m.calB == 0 {
		return p
	}
	return sigmoid(m.calA*logit(p) + m.calB)
}

func logit(p float64) float64 {
	p = min(max(p, 1e-6), 1-1e-6)
	return math.Log(p / (1 - p))
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// decode turns word probabilities into trimmed spans; Score is the mean
// word probability, uncalibrated.
func (m *Model) decode(d *doc.Document, di *docInfo, prob []float64, dc Decoding) []Span {
	var spans []Span
	add := func(a, b int) { // tokens [a, b)
		nw := 0
		var sum float64
		for k := a; k < b; k++ {
			sum += prob[k]
			if isWordy(d.Words[k].Text) {
				nw++
			}
		}
		if nw == 0 || nw < dc.MinWords {
			return
		}
		st, en, ok := Trim(d, d.Words[a].Start, d.Words[b-1].End)
		if !ok {
			return
		}
		if n := len(spans); n > 0 && spans[n-1].End > st {
			return
		}
		spans = append(spans, Span{Start: st, End: en, Score: sum / float64(b-a)})
	}
	for _, r := range di.sents {
		if dc.Sentence > 0 {
			var sum float64
			for k := r[0]; k < r[1]; k++ {
				sum += prob[k]
			}
			if sum/float64(r[1]-r[0]) >= dc.Sentence {
				add(r[0], r[1])
				continue
			}
		}
		runStart, lastIn := -1, -1
		for k := r[0]; k < r[1]; k++ {
			if prob[k] <= dc.Threshold {
				continue
			}
			if runStart >= 0 && k-lastIn-1 > dc.Gap {
				add(runStart, lastIn+1)
				runStart = -1
			}
			if runStart < 0 {
				runStart = k
			}
			lastIn = k
		}
		if runStart >= 0 {
			add(runStart, lastIn+1)
		}
	}
	return spans
}

// isWordy reports whether a token has a letter or digit.
func isWordy(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
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
