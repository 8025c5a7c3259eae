package si

import (
	"errors"
	"math/rand/v2"
	"slices"

	"unspun/internal/corpus"
	"unspun/internal/embed"
	"unspun/internal/score"
)

// CV is the outcome of CrossValidate: SI scores of held-out articles,
// fold by fold and repeat by repeat.
type CV struct {
	Folds int
	// Fold[r][f] scores the articles of fold f in repeat r: the spans the
	// taggers trained on the other folds find in them, with decodings and
	// rerankers chosen on the other folds' held-out probabilities, so
	// that nothing about fold f was fitted on it.
	Fold [][]score.SIResult
	// Pooled[r] scores every article's held-out spans of repeat r at once.
	Pooled []score.SIResult
	// Chosen[r] scores the held-out spans with decodings and rerankers
	// chosen on all of repeat r's held-out probabilities: what Train's own
	// cross-validation prints, slightly optimistic; ChosenFold[r][f] is
	// fold f's part of them. Cheaper than Fold (one choice of decodings
	// instead of one per fold), it is the screen for changes.
	Chosen     []score.SIResult
	ChosenFold [][]score.SIResult
}

// Mean returns the mean and sample standard deviation of f over every
// fold of every repeat of folds (cv.Fold or cv.ChosenFold).
func Mean(folds [][]score.SIResult, f func(score.SIResult) float64) (mean, sd float64) {
	var xs []float64
	for _, r := range folds {
		for _, x := range r {
			xs = append(xs, f(x))
		}
	}
	return score.MeanSD(xs)
}

// CrossValidate estimates SI on unseen articles: repeats times, with the
// articles in another order (repeat 0 keeps the given one; folds take
// articles round-robin, so the order is the fold assignment), it trains
// the taggers on all folds but one as Train trains them and scores the
// fold left out (see CV). opts.Folds is the number of folds (default 4,
// as Train's); opts.Unlabeled is not used.
func CrossValidate(arts []*corpus.Article, vecs *embed.Vectors, opts Options, repeats int) (CV, error) {
	opts.defaults()
	if opts.Folds < 2 || len(arts) < opts.Folds {
		return CV{}, errors.New("si: cross-validate: need at least 2 folds and as many articles")
	}
	m, byGroup, err := cvSetup(arts, vecs, opts)
	if err != nil {
		return CV{}, err
	}
	cv := CV{Folds: opts.Folds}
	for r := range max(1, repeats) {
		held := m.heldOutRepeat(byGroup, opts, r)
		folds, pooled, chosenFolds, chosen := m.scoreFolds(held, opts, true)
		cv.Fold = append(cv.Fold, folds)
		cv.Pooled = append(cv.Pooled, pooled)
		cv.Chosen = append(cv.Chosen, chosen)
		cv.ChosenFold = append(cv.ChosenFold, chosenFolds)
	}
	return cv, nil
}

// cvSetup prepares what every repeat of CrossValidate shares: the model's
// clusters and taggers (untrained) and every article's features, tagged
// for each tagger.
func cvSetup(arts []*corpus.Article, vecs *embed.Vectors, opts Options) (*Model, [][]*example, error) {
	for i, a := range arts {
		if a == nil || a.Doc == nil {
			return nil, nil, errors.New("si: cross-validate: an article has no document")
		} else if i > 0 && a.ID == arts[i-1].ID {
			return nil, nil, errors.New("si: cross-validate: article " + a.ID + " given twice")
		}
	}
	groups, err := trainGroups(arts, opts.Groups)
	if err != nil {
		return nil, nil, err
	}
	m := &Model{vecs: vecs, bits: uint32(opts.HashBits)}
	if vecs != nil && len(opts.Clusters) > 0 {
		m.clusters = clusterVectors(vecs, opts.Clusters, opts.ClusterWords, opts.Seed)
	}
	exs := make([]*example, len(arts))
	for i, a := range arts {
		exs[i] = m.prepare(a)
	}
	byGroup := make([][]*example, len(groups))
	for g, set := range groups {
		byGroup[g] = withTags(exs, set)
		m.taggers = append(m.taggers, &tagger{group: set})
	}
	return m, byGroup, nil
}

// heldOutRepeat trains repeat r's fold taggers and returns every
// tagger's held-out probabilities (see foldHeld).
func (m *Model) heldOutRepeat(byGroup [][]*example, opts Options, r int) [][]heldOut {
	held := make([][]heldOut, len(byGroup))
	for g, exs := range byGroup {
		exs = cvOrder(exs, r)
		held[g] = foldHeld(exs, opts, func(f int, train []*example, name string) func(*example) []float64 {
			tg := &tagger{members: trainMembers(train, m.vecs, opts, tagName(g, len(byGroup))+name)}
			return tg.probs(m)
		})
	}
	return held
}

// cvOrder is the order of repeat r: repeat 0 keeps exs's, the others
// shuffle it with a seed of their own.
func cvOrder[T any](exs []T, r int) []T {
	exs = slices.Clone(exs)
	if r > 0 {
		rng := rand.New(rand.NewPCG(uint64(r), 0x5349))
		rng.Shuffle(len(exs), func(i, j int) { exs[i], exs[j] = exs[j], exs[i] })
	}
	return exs
}

// resetTaggers puts the taggers back to their state before
// cross-validation: the default decoding, a reranker that returns the
// span's mean probability.
func (m *Model) resetTaggers() {
	for _, tg := range m.taggers {
		tg.dec = DefaultDecoding
		tg.rerank = [nSpanFeats]float64{}
		tg.rerank[fMean] = 1
	}
}

// scoreFolds scores held-out probabilities fold by fold. With nested,
// each fold's spans are found with decodings and rerankers chosen on the
// other folds' articles and scored against its gold (folds), and pooled
// scores all those spans together. chosen scores the spans of decodings
// chosen on every article, as Train does, and chosenFolds each fold's
// part of them. It leaves the taggers with the latter.
func (m *Model) scoreFolds(held [][]heldOut, opts Options, nested bool) (folds []score.SIResult, pooled score.SIResult, chosenFolds []score.SIResult, chosen score.SIResult) {
	k := opts.Folds
	split := func(f int) (train, test [][]heldOut) {
		train = make([][]heldOut, len(held))
		test = make([][]heldOut, len(held))
		for g, h := range held {
			for _, x := range h {
				if x.fold == f {
					test[g] = append(test[g], x)
				} else {
					train[g] = append(train[g], x)
				}
			}
		}
		return train, test
	}
	spans := func(held [][]heldOut) (gold, pred []corpus.Span) {
		for _, x := range held[0] {
			gold = append(gold, goldRows(x.ex.art)...)
		}
		m.reportHeld(held, func(a *corpus.Article, spans []Span, _ []float64) {
			for _, s := range spans {
				pred = append(pred, corpus.Span{Article: a.ID, Start: s.Start, End: s.End})
			}
		})
		return gold, pred
	}
	if nested {
		var allGold, allPred []corpus.Span
		for f := range k {
			train, test := split(f)
			m.resetTaggers()
			m.chooseDecodings(train, opts)
			gold, pred := spans(test)
			r := score.SI(gold, pred)
			opts.logf("cross-validation fold %d/%d (%d articles), decodings chosen on the other folds: P %.4f R %.4f F1 %.4f", f+1, k, len(test[0]), r.Precision, r.Recall, r.F1)
			folds = append(folds, r)
			allGold, allPred = append(allGold, gold...), append(allPred, pred...)
		}
		pooled = score.SI(allGold, allPred)
	}
	m.resetTaggers()
	m.chooseDecodings(held, opts)
	chosen = score.SI(spans(held))
	for f := range k {
		_, test := split(f)
		chosenFolds = append(chosenFolds, score.SI(spans(test)))
	}
	return folds, pooled, chosenFolds, chosen
}

// reportHeld calls f with every held-out article's spans: those the
// taggers' decodings and rerankers find in its held-out probabilities,
// merged as Locate merges them; and its words' held-out probabilities,
// the highest over the taggers, as Tagging reports them.
func (m *Model) reportHeld(held [][]heldOut, f func(a *corpus.Article, spans []Span, prob []float64)) {
	var fs []found
	for j := range held[0] {
		a := held[0][j].ex.art
		fs = fs[:0]
		var prob []float64
		for t := range m.taggers {
			h := held[t][j]
			if h.ex.art != a {
				panic("si: held-out articles of the taggers are not in the same order")
			}
			fs = m.find(fs, t, a.Doc, &h.di, h.prob)
			prob = maxInto(prob, h.prob)
		}
		var spans []Span
		for _, c := range mergeFound(fs) {
			spans = append(spans, c.Span)
		}
		f(a, spans, prob)
	}
}

// maxInto raises dst, grown to len(p), to p element-wise and returns it.
func maxInto(dst, p []float64) []float64 {
	for len(dst) < len(p) {
		dst = append(dst, 0)
	}
	for i, v := range p {
		dst[i] = max(dst[i], v)
	}
	return dst
}
