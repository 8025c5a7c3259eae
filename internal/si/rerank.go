package si

import (
	"math"

	"unspun/internal/doc"
	"unspun/internal/lexicon"
)

// Span features the reranker weighs; their order is part of the model
// format.
const (
	fBias      = iota
	fMean      // logit of the mean word probability
	fMax       // logit of the highest word probability
	fMin       // logit of the lowest word probability
	fWords     // log(1 + words)
	fSentMax   // logit of the highest word probability in the sentence
	fSentShare // share of the sentence's words the span covers
	fArtMean   // logit of the article's mean word probability
	fTitle     // the span is in the headline
	fQuote     // the span starts inside quoted speech
	nSpanFeats
)

// artMean is the article's mean word probability, the fArtMean feature
// of every span of the article: computed once per article, not per span,
// which made long articles quadratic.
func artMean(prob []float64) float64 {
	var art float64
	for _, p := range prob {
		art += p
	}
	return art / float64(len(prob))
}

// spanFeatures describes a candidate span for the reranker; art is
// artMean(prob).
func spanFeatures(d *doc.Document, di *docInfo, prob []float64, art float64, c cand) [nSpanFeats]float64 {
	var f [nSpanFeats]float64
	var sum, hi float64
	lo := 1.0
	nw := 0
	for k := c.a; k < c.b; k++ {
		sum += prob[k]
		hi = max(hi, prob[k])
		lo = min(lo, prob[k])
		if lexicon.IsWord(d.Words[k].Text) {
			nw++
		}
	}
	s := di.toks[c.a].sent
	r := di.sents[s]
	// The sentence's highest probability near the span: a sentence of
	// thousands of words (text without breaks) must not make each
	// candidate cost its length.
	var sentHi float64
	for k := max(r[0], c.a-maxContext); k < min(r[1], c.b+maxContext); k++ {
		sentHi = max(sentHi, prob[k])
	}
	f[fBias] = 1
	f[fMean] = logit(sum / float64(c.b-c.a))
	f[fMax] = logit(hi)
	f[fMin] = logit(lo)
	f[fWords] = math.Log1p(float64(nw))
	f[fSentMax] = logit(sentHi)
	f[fSentShare] = float64(c.b-c.a) / float64(r[1]-r[0])
	f[fArtMean] = logit(art)
	if s == 0 && di.title {
		f[fTitle] = 1
	}
	if d.QuoteAt(c.Start) >= 0 {
		f[fQuote] = 1
	}
	return f
}

// maxContext bounds, in words each side, how much of a span's sentence
// spanFeatures reads; corpus sentences are at most 129 words long.
const maxContext = 200

// spanScore is the calibrated probability of a candidate span of the
// tagger.
func (t *tagger) spanScore(d *doc.Document, di *docInfo, prob []float64, art float64, c cand) float64 {
	return rerankScore(&t.rerank, d, di, prob, art, c)
}

// rerankScore is σ(weights·spanFeatures).
func rerankScore(weights *[nSpanFeats]float64, d *doc.Document, di *docInfo, prob []float64, art float64, c cand) float64 {
	f := spanFeatures(d, di, prob, art, c)
	var z float64
	for i, w := range weights {
		z += w * f[i]
	}
	return sigmoid(z)
}

// fitLogistic fits weights w so that σ(w·x) matches the soft targets y,
// by Newton's method on the cross-entropy with an L2 prior of strength
// lambda pulling w towards prior.
func fitLogistic(xs [][nSpanFeats]float64, ys []float64, prior [nSpanFeats]float64, lambda float64) [nSpanFeats]float64 {
	w := prior
	if len(xs) == 0 {
		return w
	}
	const n = nSpanFeats
	for range 30 {
		var g [n]float64
		var h [n][n]float64
		for i, x := range xs {
			var z float64
			for j := range n {
				z += w[j] * x[j]
			}
			p := sigmoid(z)
			d := p - ys[i]
			v := max(p*(1-p), 1e-9)
			for j := range n {
				g[j] += d * x[j]
				for k := range n {
					h[j][k] += v * x[j] * x[k]
				}
			}
		}
		for j := range n {
			g[j] += lambda * (w[j] - prior[j])
			h[j][j] += lambda
		}
		step, ok := solve(h, g)
		if !ok {
			break
		}
		// Damped: a full Newton step can overshoot on nearly separable
		// data (a tiny training set, an ensemble's sharp probabilities)
		// and diverge, so the step is halved until the loss drops.
		before := logLoss(xs, ys, w, prior, lambda)
		var next [n]float64
		var moved float64
		for scale := 1.0; scale > 1e-6; scale /= 2 {
			moved = 0
			for j := range n {
				next[j] = w[j] - scale*step[j]
				moved += math.Abs(scale * step[j])
			}
			if logLoss(xs, ys, next, prior, lambda) <= before {
				break
			}
		}
		w = next
		if moved < 1e-8 {
			break
		}
	}
	return w
}

// logLoss is the cross-entropy of σ(w·x) against the soft targets y plus
// the prior's penalty, the objective fitLogistic minimises.
func logLoss(xs [][nSpanFeats]float64, ys []float64, w, prior [nSpanFeats]float64, lambda float64) float64 {
	var l float64
	for i, x := range xs {
		var z float64
		for j := range x {
			z += w[j] * x[j]
		}
		// log(1+e^z) − y·z, stable for large |z|.
		l += max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) - ys[i]*z
	}
	for j := range w {
		l += lambda / 2 * (w[j] - prior[j]) * (w[j] - prior[j])
	}
	return l
}

// solve solves a·x = b by Gaussian elimination with partial pivoting; it
// reports false for a singular system.
func solve(a [nSpanFeats][nSpanFeats]float64, b [nSpanFeats]float64) ([nSpanFeats]float64, bool) {
	const n = nSpanFeats
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return b, false
		}
		a[c], a[p] = a[p], a[c]
		b[c], b[p] = b[p], b[c]
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k < n; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	var x [n]float64
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < n; k++ {
			s -= a[r][k] * x[k]
		}
		x[r] = s / a[r][r]
	}
	return x, true
}
