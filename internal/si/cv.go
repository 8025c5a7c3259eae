package si

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"unspun/internal/corpus"
	"unspun/internal/doc"
	"unspun/internal/embed"
	"unspun/internal/score"
)

// heldOut is a held-out article's word probabilities from a fold model.
type heldOut struct {
	ex   *example
	prob []float64
	di   docInfo // just the sentences and the headline, for decode and spanFeatures
	fold int     // the fold the article was held out in
}

// crossValidate trains, for every tagger, one model per fold and
// collects the held-out word probabilities; on them it chooses each
// tagger's decoding and span reranker (see chooseDecodings). byGroup[g]
// holds the examples tagged for tagger g, in the same article order for
// every tagger; so does the result, held[g] for tagger g.
//
// With unlabelled articles u, the chosen taggers are returned as they
// were (decoding and reranker, no weights), and a second round trains
// each fold's tagger again on its labelled examples and u pseudo-labelled
// by that fold's first tagger, so that the decodings and rerankers the
// model ends with are chosen for self-trained taggers.
func (m *Model) crossValidate(byGroup [][]*example, u *unlabeled, opts Options) ([][]heldOut, []tagger) {
	held := make([][]heldOut, len(byGroup))
	folds := make([][]*tagger, len(byGroup))
	for g, exs := range byGroup {
		folds[g] = make([]*tagger, opts.Folds)
		held[g] = foldHeld(exs, opts, func(f int, train []*example, name string) func(*example) []float64 {
			tg := &tagger{members: trainMembers(train, m.vecs, opts, tagName(g, len(byGroup))+name)}
			folds[g][f] = tg
			return tg.probs(m)
		})
	}
	m.chooseDecodings(held, opts)
	first := m.chosen()
	if u == nil {
		return held, first
	}
	for g, exs := range byGroup {
		held[g] = foldHeld(exs, opts, func(k int, train []*example, name string) func(*example) []float64 {
			f := first[g]
			f.members = folds[g][k].members
			tg := &tagger{members: m.selfTrained(train, u, &f, opts, tagName(g, len(byGroup))+name)}
			return tg.probs(m)
		})
	}
	m.chooseDecodings(held, opts)
	return held, first
}

// chosen returns copies of the model's taggers as they decode and score
// now, without their weights.
func (m *Model) chosen() []tagger {
	out := make([]tagger, len(m.taggers))
	for g, tg := range m.taggers {
		out[g] = tagger{group: tg.group, dec: tg.dec, rerank: tg.rerank}
	}
	return out
}

// probs returns a function giving tg's word probabilities in an example.
func (tg *tagger) probs(m *Model) func(*example) []float64 {
	s := &scratch{}
	return func(ex *example) []float64 {
		m.extract(ex.art.Doc, s)
		m.marginals(tg, s)
		return slices.Clone(s.prob)
	}
}

// reportHeldOut calls f with every article's held-out spans, those the
// taggers' chosen decodings and rerankers find in the held-out
// probabilities, merged as Locate merges them, and the held-out word
// probabilities (see Options.HeldOut).
func (m *Model) reportHeldOut(arts []*corpus.Article, held [][]heldOut, f func(i int, spans []Span, prob []float64)) {
	index := make(map[*corpus.Article]int, len(arts))
	for i, a := range arts {
		index[a] = i
	}
	m.reportHeld(held, func(a *corpus.Article, spans []Span, prob []float64) { f(index[a], spans, prob) })
}

// foldHeld splits exs into opts.Folds folds and, for each fold f, trains
// on the other folds with fit and collects the held-out articles' word
// probabilities, sorted by article ID.
func foldHeld(exs []*example, opts Options, fit func(f int, train []*example, name string) func(*example) []float64) []heldOut {
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
		prob := fit(f, train, fmt.Sprintf("fold %d/%d", f+1, k))
		for _, ex := range test {
			di := docInfo{sents: ex.seqs, toks: tokSents(ex)}
			_, di.title = ex.art.Doc.Headline()
			held = append(held, heldOut{ex: ex, prob: prob(ex), di: di, fold: f})
		}
	}
	// A fixed order, whatever the fold layout.
	slices.SortFunc(held, func(a, b heldOut) int { return cmp.Compare(a.ex.art.ID, b.ex.art.ID) })
	return held
}

// chooseDecodings chooses the taggers' decodings and span rerankers for
// the SI F1 of their spans together on the held-out probabilities
// (held[g] for tagger g), one tagger at a time, the others' spans fixed:
// twice round the taggers. For a tagger it ranks every decoding of the
// grid, then, for the best few, fits the span reranker to how much of
// each candidate span the annotators marked (all techniques) and picks
// the score below which spans are dropped.
func (m *Model) chooseDecodings(held [][]heldOut, opts Options) {
	k, n := opts.Folds, len(m.taggers)
	var gold []corpus.Span
	for _, h := range held[0] {
		gold = append(gold, goldRows(h.ex.art)...)
	}
	g := score.NewSIGold(gold)
	used := make([]bool, n)
	others := func(skip int) []corpus.Span {
		var out []corpus.Span
		for i, tg := range m.taggers {
			if i != skip && used[i] {
				out = append(out, heldSpans(m, held[i], tg.dec, tg.spanScore)...)
			}
		}
		return out
	}
	grid := decodingGrid()
	f1s := make([]float64, len(grid))
	bestF := -1.0
	rounds := 2 * n
	if n == 1 {
		rounds = 1
	}
	for round := range rounds {
		t := round % n
		tg, h := m.taggers[t], held[t]
		fixed := others(t)
		// The grid is the costly part: two workers, results by index so
		// the choice does not depend on scheduling.
		twoAtATime(2, func(w int) {
			for i := w; i < len(grid); i += 2 {
				f1s[i] = g.Score(append(heldSpans(m, h, grid[i], nil), fixed...)).F1
			}
		})
		order := make([]int, len(grid))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(f1s[b], f1s[a]) })

		var prior [nSpanFeats]float64
		prior[fMean] = 1
		// A tagger not yet used is always taken, at its best: bestF is
		// then the F1 of the taggers together, even if lower.
		floor := bestF
		if !used[t] {
			floor = -1
		}
		var bestR score.SIResult
		improved := false
		for _, i := range order[:min(8, len(order))] {
			dc := grid[i]
			var xs [][nSpanFeats]float64
			var ys []float64
			for _, hh := range h {
				gm := mergeGold(hh.ex.art.Spans)
				art := artMean(hh.prob)
				for _, c := range m.decode(hh.ex.art.Doc, &hh.di, hh.prob, dc) {
					xs = append(xs, spanFeatures(hh.ex.art.Doc, &hh.di, hh.prob, art, c))
					ys = append(ys, overlapFraction(c.Span, gm))
				}
			}
			w := fitLogistic(xs, ys, prior, 1)
			scorer := func(d *doc.Document, di *docInfo, prob []float64, art float64, c cand) float64 {
				return rerankScore(&w, d, di, prob, art, c)
			}
			for tau := 0.0; tau < 0.61; tau += 0.025 {
				dc.MinScore = math.Round(tau*1000) / 1000
				res := g.Score(append(heldSpans(m, h, dc, scorer), fixed...))
				if res.F1 > floor {
					tg.dec, tg.rerank, floor, bestR, improved = dc, w, res.F1, res, true
				}
			}
		}
		used[t] = true
		if improved {
			bestF = floor
			opts.logf("%scross-validation (%d folds), round %d: decoding %+v: P %.4f R %.4f F1 %.4f", tagName(t, n), k, round+1, tg.dec, bestR.Precision, bestR.Recall, bestR.F1)
			opts.logf("%sspan reranker weights %.3f", tagName(t, n), tg.rerank)
		}
	}
}

// tokSents gives the token infos decode and spanFeatures read (the
// sentence of each word) for a prepared example.
func tokSents(ex *example) []tokenInfo {
	t := make([]tokenInfo, len(ex.tags))
	for s, r := range ex.seqs {
		for i := r[0]; i < r[1]; i++ {
			t[i].sent = int32(s)
		}
	}
	return t
}

// goldRows returns an article's gold spans as SI rows with its ID.
func goldRows(a *corpus.Article) []corpus.Span {
	out := make([]corpus.Span, 0, len(a.Spans))
	for _, s := range a.Spans {
		out = append(out, corpus.Span{Article: a.ID, Start: s.Start, End: s.End})
	}
	return out
}

// heldSpans decodes every held-out article with dc. With a scorer, spans
// scoring below dc.MinScore are dropped.
func heldSpans(m *Model, held []heldOut, dc Decoding, scorer func(*doc.Document, *docInfo, []float64, float64, cand) float64) []corpus.Span {
	var out []corpus.Span
	for _, h := range held {
		art := artMean(h.prob)
		for _, c := range m.decode(h.ex.art.Doc, &h.di, h.prob, dc) {
			if scorer != nil && scorer(h.ex.art.Doc, &h.di, h.prob, art, c) < dc.MinScore {
				continue
			}
			out = append(out, corpus.Span{Article: h.ex.art.ID, Start: c.Start, End: c.End})
		}
	}
	return out
}

// relativeGrid lists the Relative values the decoding grid tries; the
// first, 0, is the rest of the grid.
var relativeGrid = []float64{0, 0.3, 0.5}

// decodingGrid lists the decodings cross-validation compares. Its order
// matters: among equal scores the first wins.
func decodingGrid() []Decoding {
	var out []Decoding
	// Relative only with plain runs: Sentence and Clause widen spans
	// again, undoing the narrowing.
	for _, rel := range relativeGrid[1:] {
		out = appendRunGrid(out, Decoding{Relative: rel})
	}
	for _, sent := range []float64{0, 0.5, 0.7, 0.9} {
		for _, clause := range []bool{false, true} {
			out = appendRunGrid(out, Decoding{Sentence: sent, Clause: clause})
		}
	}
	return out
}

// appendRunGrid appends to out the variants of base over the settings that
// find runs of words: threshold, peak above it, gap and minimum length.
func appendRunGrid(out []Decoding, base Decoding) []Decoding {
	for t := 0.05; t < 0.66; t += 0.05 {
		for _, peak := range []float64{0, 0.1, 0.2, 0.3} {
			for gap := 0; gap <= 2; gap++ {
				for mw := 1; mw <= 3; mw++ {
					d := base
					d.Threshold, d.Peak = math.Round(t*100)/100, math.Round((t+peak)*100)/100
					d.Gap, d.MinWords = gap, mw
					out = append(out, d)
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
		for _, s := range m.Locate(a.Doc) {
			pred = append(pred, corpus.Span{Article: a.ID, Start: s.Start, End: s.End})
		}
	}
	return score.SI(gold, pred)
}
