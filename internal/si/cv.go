package si

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"unspun/internal/corpus"
	"unspun/internal/embed"
	"unspun/internal/score"
)

// heldOut is a held-out article's word probabilities from a fold model.
type heldOut struct {
	ex   *example
	prob []float64
}

// crossValidate trains one model per fold, collects the held-out word
// probabilities, and picks the decoding with the best SI F1 over all
// held-out articles, then fits the span calibration on the same spans.
func crossValidate(proto *Model, exs []*example, opts Options) (Decoding, float64, float64, error) {
	k := opts.Folds
	held := make([]heldOut, 0, len(exs))
	for f := range k {
		var train, test []*example
		for i, ex := range exs {
			if i%k == f {
				test = append(test, ex)
			} else {
				train = append(train, ex)
			}
		}
		m := proto.clone()
		m.crf = trainCRF(train, proto.vecs, opts, fmt.Sprintf("fold %d/%d", f+1, k))
		s := &scratch{}
		for _, ex := range test {
			m.marginals(ex.art.Doc, s)
			held = append(held, heldOut{ex: ex, prob: slices.Clone(s.prob)})
		}
	}
	// Score in the articles' original order so ties break the same way
	// whatever the fold layout.
	slices.SortFunc(held, func(a, b heldOut) int { return cmp.Compare(a.ex.art.ID, b.ex.art.ID) })
	var gold []corpus.Span
	for _, h := range held {
		gold = append(gold, goldRows(h.ex.art)...)
	}
	g := score.NewSIGold(gold)
	best, bestF := DefaultDecoding, -1.0
	var bestR score.SIResult
	for _, dc := range decodingGrid() {
		r := g.Score(heldSpans(proto, held, dc, nil))
		if r.F1 > bestF {
			best, bestF, bestR = dc, r.F1, r
		}
	}
	opts.logf("cross-validation (%d folds): best decoding %+v: P %.4f R %.4f F1 %.4f", k, best, bestR.Precision, bestR.Recall, bestR.F1)
	var xs, ys []float64
	heldSpans(proto, held, best, func(h heldOut, s Span) {
		xs = append(xs, logit(s.Score))
		ys = append(ys, overlapFraction(s, mergeGold(h.ex.art.Spans)))
	})
	a, b := fitPlatt(xs, ys)
	opts.logf("calibration: P(propaganda) = σ(%.3f·logit(p) %+.3f) from %d held-out spans", a, b, len(xs))
	return best, a, b, nil
}

// goldRows returns an article's gold spans as SI rows with its ID.
func goldRows(a *corpus.Article) []corpus.Span {
	out := make([]corpus.Span, 0, len(a.Spans))
	for _, s := range a.Spans {
		out = append(out, corpus.Span{Article: a.ID, Start: s.Start, End: s.End})
	}
	return out
}

// heldSpans decodes every held-out article with dc; each span is also
// passed to fn when fn is not nil.
func heldSpans(m *Model, held []heldOut, dc Decoding, fn func(heldOut, Span)) []corpus.Span {
	var out []corpus.Span
	for _, h := range held {
		di := docInfo{sents: h.ex.seqs}
		for _, s := range m.decode(h.ex.art.Doc, &di, h.prob, dc) {
			out = append(out, corpus.Span{Article: h.ex.art.ID, Start: s.Start, End: s.End})
			if fn != nil {
				fn(h, s)
			}
		}
	}
	return out
}

// decodingGrid lists the decodings cross-validation compares.
func decodingGrid() []Decoding {
	var out []Decoding
	for _, sent := range []float64{0, 0.5, 0.6, 0.7} {
		for t := 0.15; t < 0.66; t += 0.05 {
			for gap := 0; gap <= 3; gap++ {
				for mw := 1; mw <= 4; mw++ {
					out = append(out, Decoding{Threshold: math.Round(t*100) / 100, Gap: gap, MinWords: mw, Sentence: sent})
				}
			}
		}
	}
	return out
}

// overlapFraction is the share of s covered by the merged gold spans.
func overlapFraction(s Span, gold [][2]int) float64 {
	ov := 0
	for _, g := range gold {
		ov += max(0, min(s.End, g[1])-max(s.Start, g[0]))
	}
	return float64(ov) / float64(s.End-s.Start)
}

// fitPlatt fits σ(a·x+b) to soft targets y by Newton's method on the
// cross-entropy, with a weak prior that keeps it defined on tiny data.
func fitPlatt(xs, ys []float64) (float64, float64) {
	a, b := 1.0, 0.0
	if len(xs) < 10 {
		return a, b
	}
	const prior = 1e-3
	for range 50 {
		var g0, g1, h00, h01, h11 float64
		for i, x := range xs {
			p := sigmoid(a*x + b)
			d := p - ys[i]
			w := max(p*(1-p), 1e-9)
			g0 += d * x
			g1 += d
			h00 += w * x * x
			h01 += w * x
			h11 += w
		}
		g0 += prior * (a - 1)
		g1 += prior * b
		h00 += prior
		h11 += prior
		det := h00*h11 - h01*h01
		if det <= 0 {
			break
		}
		da := (h11*g0 - h01*g1) / det
		db := (h00*g1 - h01*g0) / det
		a -= da
		b -= db
		if math.Abs(da)+math.Abs(db) < 1e-9 {
			break
		}
	}
	return a, b
}

// clusterVectors groups the first n rows of vecs (cosine k-means) at each
// granularity in ks: the first level directly, each further level by
// splitting every cluster of the level before, so levels nest.
func clusterVectors(vecs *embed.Vectors, ks []int, n int, seed uint64) [][]uint16 {
	n = min(n, vecs.Len())
	dim := vecs.Dim()
	pts := make([]float32, n*dim)
	for i := range n {
		v := vecs.Vec(i, pts[i*dim:(i+1)*dim])
		normalize(v)
	}
	rng := rand.New(rand.NewPCG(seed, 0xc105))
	out := make([][]uint16, 0, len(ks))
	prev := make([]uint16, n) // everything in one cluster
	groups := 1
	for _, k := range ks {
		split := max(1, k/groups)
		cur := make([]uint16, n)
		members := make([][]int, groups)
		for i, c := range prev {
			members[c] = append(members[c], i)
		}
		for g, idx := range members {
			assign := kmeans(pts, dim, idx, split, rng)
			for j, i := range idx {
				cur[i] = uint16(g*split + assign[j])
			}
		}
		out = append(out, cur)
		prev, groups = cur, groups*split
	}
	return out
}

func normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
}

// kmeans clusters the points idx into k groups by spherical k-means with
// a fixed number of iterations, seeded from rng.
func kmeans(pts []float32, dim int, idx []int, k int, rng *rand.Rand) []int {
	assign := make([]int, len(idx))
	if len(idx) <= k {
		for j := range idx {
			assign[j] = j
		}
		return assign
	}
	cent := make([]float32, k*dim)
	for c, j := range rng.Perm(len(idx))[:k] {
		copy(cent[c*dim:(c+1)*dim], pts[idx[j]*dim:(idx[j]+1)*dim])
	}
	for range 10 {
		for j, i := range idx {
			p := pts[i*dim : (i+1)*dim]
			best, arg := float32(math.Inf(-1)), 0
			for c := range k {
				var dot float32
				for d, x := range cent[c*dim : (c+1)*dim] {
					dot += x * p[d]
				}
				if dot > best {
					best, arg = dot, c
				}
			}
			assign[j] = arg
		}
		clear(cent)
		for j, i := range idx {
			c := cent[assign[j]*dim : (assign[j]+1)*dim]
			for d, x := range pts[i*dim : (i+1)*dim] {
				c[d] += x
			}
		}
		for c := range k {
			normalize(cent[c*dim : (c+1)*dim])
		}
	}
	return assign
}

// Evaluate predicts spans for every article and scores them against the
// articles' gold spans with the task's SI metric.
func Evaluate(m *Model, arts []*corpus.Article) score.SIResult {
	var gold, pred []corpus.Span
	for _, a := range arts {
		gold = append(gold, goldRows(a)...)
		for _, s := range m.Predict(a.Doc) {
			pred = append(pred, corpus.Span{Article: a.ID, Start: s.Start, End: s.End})
		}
	}
	return score.SI(gold, pred)
}
