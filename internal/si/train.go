package si

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"unspun/internal/corpus"
	"unspun/internal/doc"
	"unspun/internal/embed"
	"unspun/internal/technique"
)

// Options controls training. The zero value gives the defaults.
type Options struct {
	// Progress, when not nil, receives one line per training stage.
	Progress io.Writer
	// Context, when not nil, stops training soon after it is done:
	// every CRF stops at the end of its epoch and Train returns
	// Context.Err(). (An option rather than a parameter: cross-validation
	// and self-training reach trainCRF through many callers.)
	Context context.Context
	// Epochs over the training sentences (default 8).
	Epochs int
	// Seed fixes the order sentences are visited in (default 1). Same
	// data, same options → byte-identical model.
	Seed uint64
	// HashBits sets the number of sparse weight rows to 2^HashBits
	// (default 19).
	HashBits int
	// LearningRate of AdaGrad (default 0.02).
	LearningRate float64
	// L2 penalty applied to the weights a step touches (default 1e-3;
	// negative for none).
	L2 float64
	// Folds for choosing the decoding and calibration by
	// cross-validation inside the training articles (default 4; 1
	// disables it and uses Decode as given or the defaults).
	Folds int
	// Decode, when Folds is 1, sets the decoding; zero → defaults.
	Decode Decoding
	// Clusters lists the numbers of k-means clusters of word vectors used
	// as features, one feature set per entry (default 64, 512; empty
	// with NoClusters).
	Clusters   []int
	NoClusters bool
	// ClusterWords is how many of the most frequent words are clustered
	// (default 30000).
	ClusterWords int
	// LastEpoch keeps the last epoch's weights instead of the mean of
	// the end-of-epoch weights, which generalises better.
	LastEpoch bool
	// Bags is the number of training runs, each visiting the sentences
	// in its own order, whose weights are averaged (default 4; they are
	// trained two at a time, so 4 take as long as 3). On split-train,
	// averaging 4 runs gave cross-validated F1 0.4295 against 0.4253 for
	// one, as much as averaging the marginals of 3 runs (Members) and
	// at no cost when tagging.
	Bags int
	// Members is the number of CRFs, each trained as Bags says with its
	// own seed, whose per-word marginals are averaged when tagging
	// (default 1). Each member costs a CRF's time when tagging and its
	// weights in the model file.
	Members int
	// Groups lists the technique groups, one tagger each, learning the
	// spans of its group's techniques (default DefaultGroups). Groups
	// must not share a technique; spans of techniques in no group are
	// not learned. Articles whose spans carry no technique (SI labels)
	// train one tagger over all spans.
	Groups []technique.Set
	// HeldOut, when not nil, receives after cross-validation, for every
	// training article (by its index in Train's articles), the spans the
	// fold models that did not see it find with the chosen decodings, as
	// Locate would, and prob[k], the highest probability over the
	// taggers that word k of the article is inside a span, as Tagging
	// reports it: held-out predictions to calibrate what is built on
	// spans, at no extra training. It is not called without
	// cross-validation (Folds 1, or fewer articles than folds).
	HeldOut func(i int, spans []Span, prob []float64)
	// Unlabeled articles (their spans are ignored), when given, are
	// self-training data: each tagger, once trained, marks its most
	// probable spans in them (see pseudoLabel) and is trained again on the
	// labelled articles and those, at half weight. Cross-validation does
	// the same in every fold, so the decodings and rerankers are chosen
	// for self-trained taggers. It about doubles training time. On
	// split-train it lowered cross-validated F1 (0.4420 → 0.4336) and
	// raised validation F1 (0.4064 → 0.4134); see MODEL.md.
	Unlabeled []*corpus.Article
}

// DefaultGroups splits the techniques between two taggers by how long
// their spans are in the corpus: a word or a phrase (median 13–39
// characters: repetition, loaded language, name calling, slogans,
// clichés, exaggeration, flag-waving) or a clause or a sentence (median
// 72–110: the others). On split-train this raised cross-validated F1 from
// 0.4295 with one tagger to 0.4388; splitting further (three groups, or
// only the first three techniques apart) did worse.
var DefaultGroups = []technique.Set{
	technique.SetOf(technique.Repetition, technique.LoadedLanguage, technique.NameCalling, technique.Slogans,
		technique.ThoughtTerminating, technique.Exaggeration, technique.FlagWaving),
	technique.SetOf(technique.AppealToAuthority, technique.AppealToFear, technique.BandwagonReductio,
		technique.BlackAndWhite, technique.CausalOversimplification, technique.Doubt, technique.Whataboutism),
}

func (o *Options) defaults() {
	if o.Epochs <= 0 {
		o.Epochs = 8
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.HashBits <= 0 {
		o.HashBits = 19
	}
	if o.LearningRate <= 0 {
		o.LearningRate = 0.02
	}
	if o.L2 < 0 {
		o.L2 = 0
	} else if o.L2 == 0 {
		o.L2 = 1e-3
	}
	if o.Folds <= 0 {
		o.Folds = 4
	}
	if len(o.Clusters) == 0 && !o.NoClusters {
		o.Clusters = []int{64, 512}
	}
	if o.NoClusters {
		o.Clusters = nil
	}
	if o.ClusterWords <= 0 {
		o.ClusterWords = 30000
	}
	if o.Bags <= 0 {
		o.Bags = 4
	}
	if o.Members <= 0 {
		o.Members = 1
	}
}

// DefaultDecoding is the decoding used when none was chosen by
// cross-validation.
var DefaultDecoding = Decoding{Threshold: 0.4, Gap: 1, MinWords: 2}

// logMu keeps the lines of members trained at once whole: Progress
// need not be safe for concurrent use.
var logMu sync.Mutex

func (o *Options) logf(format string, args ...any) {
	if o.Progress != nil {
		logMu.Lock()
		defer logMu.Unlock()
		fmt.Fprintf(o.Progress, "si: "+format+"\n", args...)
	}
}

// example is one article prepared for training.
type example struct {
	art     *corpus.Article
	seqs    [][2]int
	rows    []feat
	offs    []int32 // token i's features are rows[offs[i]:offs[i+1]]
	tags    []int8
	vecRows []int32
	sentOf  []int32
	sentVec [][]float32
	// weight scales the example's gradient; 0 means 1.
	weight float32
}

// gradWeight is the factor on the example's gradient.
func (ex *example) gradWeight() float32 {
	if ex.weight == 0 {
		return 1
	}
	return ex.weight
}

// Train trains a span finder on articles carrying gold spans (TC or SI
// rows; overlapping spans are merged). vecs may be nil.
func Train(arts []*corpus.Article, vecs *embed.Vectors, opts Options) (*Model, error) {
	opts.defaults()
	if len(arts) == 0 {
		return nil, errors.New("si: train: no articles")
	}
	if opts.HashBits < 10 || opts.HashBits > 26 {
		return nil, fmt.Errorf("si: train: HashBits %d out of range [10, 26]", opts.HashBits)
	}
	for i, a := range arts {
		if a == nil || a.Doc == nil {
			return nil, fmt.Errorf("si: train: article %d has no document", i)
		}
	}
	groups, err := trainGroups(arts, opts.Groups)
	if err != nil {
		return nil, err
	}
	began := time.Now()
	m := &Model{vecs: vecs, bits: uint32(opts.HashBits)}
	if vecs != nil && len(opts.Clusters) > 0 {
		m.clusters = clusterVectors(vecs, opts.Clusters, opts.ClusterWords, opts.Seed)
		opts.logf("clustered %d word vectors into %v groups (%.1fs)", min(opts.ClusterWords, vecs.Len()), opts.Clusters, time.Since(began).Seconds())
	}
	exs := make([]*example, len(arts))
	tokens := 0
	for i, a := range arts {
		exs[i] = m.prepare(a)
		tokens += len(a.Doc.Words)
	}
	opts.logf("extracted features of %d articles, %d words (%.1fs)", len(arts), tokens, time.Since(began).Seconds())

	dec := opts.Decode
	if dec == (Decoding{}) {
		dec = DefaultDecoding
	}
	byGroup := make([][]*example, len(groups))
	m.taggers = make([]*tagger, len(groups))
	for g, set := range groups {
		byGroup[g] = withTags(exs, set)
		tg := &tagger{group: set, dec: dec}
		tg.rerank[fMean] = 1 // σ(logit(mean)) = the mean, until cross-validation fits it
		m.taggers[g] = tg
	}
	var u *unlabeled
	if len(opts.Unlabeled) > 0 {
		u = m.prepareUnlabeled(opts.Unlabeled)
		opts.logf("extracted features of %d unlabelled articles, %d words", len(u.exs), u.words)
	}
	// first[g] decodes and scores as tagger g did before self-training:
	// with the final weights, it labels the unlabelled articles for the
	// final, self-trained tagger.
	first := m.chosen()
	if opts.Folds > 1 && len(exs) >= opts.Folds {
		var held [][]heldOut
		held, first = m.crossValidate(byGroup, u, opts)
		if opts.HeldOut != nil {
			m.reportHeldOut(arts, held, opts.HeldOut)
		}
	}
	for g, tg := range m.taggers {
		name := tagName(g, len(groups)) + "all"
		tg.members = trainMembers(byGroup[g], vecs, opts, name)
		tg.crf = tg.members[0]
		if u != nil {
			f := first[g]
			f.members = tg.members
			tg.members = m.selfTrained(byGroup[g], u, &f, opts, name)
			tg.crf = tg.members[0]
		}
	}
	if err := opts.stopped(); err != nil {
		return nil, err
	}
	m.prepareTagging()
	opts.logf("trained on %d articles in %.1fs", len(arts), time.Since(began).Seconds())
	return m, nil
}

// stopped returns the error of a done Context, nil otherwise.
func (o *Options) stopped() error {
	if o.Context == nil {
		return nil
	}
	return o.Context.Err()
}

// unlabeled holds the self-training articles, their features extracted
// once for every model that labels them or trains on them.
type unlabeled struct {
	exs   []*example
	words int
}

// prepareUnlabeled extracts the features of the articles that have words.
func (m *Model) prepareUnlabeled(arts []*corpus.Article) *unlabeled {
	u := &unlabeled{}
	for _, a := range arts {
		if a == nil || a.Doc == nil || len(a.Doc.Words) == 0 {
			continue
		}
		u.exs = append(u.exs, m.prepare(a)) // prepare ignores spans
		u.words += len(a.Doc.Words)
	}
	return u
}

// pseudoLabel returns u's articles tagged, at pseudoWeight, with the
// spans tagger tg finds in them with its decoding and reranker. It keeps
// the most probable spans up to share of u's words: the share its group's
// gold spans cover in the labelled articles, so pseudo-labels are as
// frequent as real ones and the retrained tagger is pushed to mark
// neither more nor less than annotators do.
func (m *Model) pseudoLabel(u *unlabeled, tg *tagger, share float64) ([]*example, int) {
	type pspan struct {
		art, start, end, words int
		score                  float64
	}
	var c []pspan
	s := &scratch{}
	for k, ex := range u.exs {
		d := ex.art.Doc
		m.extract(d, s)
		m.marginals(tg, s)
		for _, f := range m.findBy(nil, tg, 0, d, &s.di, s.prob) {
			c = append(c, pspan{k, f.Start, f.End, f.b - f.a, f.Score})
		}
	}
	slices.SortStableFunc(c, func(x, y pspan) int { return cmp.Compare(y.score, x.score) })
	budget := int(share * float64(u.words))
	spans := make([][][2]int, len(u.exs))
	used := 0
	for _, p := range c {
		if used >= budget {
			break
		}
		spans[p.art] = append(spans[p.art], [2]int{p.start, p.end})
		used += p.words
	}
	out := make([]*example, len(u.exs))
	for k, ex := range u.exs {
		slices.SortFunc(spans[k], func(x, y [2]int) int { return cmp.Compare(x[0], y[0]) })
		e := *ex
		e.tags = goldTags(ex.art.Doc, spans[k], ex.seqs)
		e.weight = pseudoWeight
		out[k] = &e
	}
	return out, used
}

// insideShare is the share of the examples' words inside a gold span.
func insideShare(exs []*example) float64 {
	inside, total := 0, 0
	for _, ex := range exs {
		for _, t := range ex.tags {
			if t != tagO {
				inside++
			}
		}
		total += len(ex.tags)
	}
	return float64(inside) / float64(max(1, total))
}

// selfTrained trains a tagger's CRFs on the labelled examples and u's
// articles pseudo-labelled by first: a tagger trained on those examples
// alone, with the decoding and reranker chosen for it.
func (m *Model) selfTrained(exs []*example, u *unlabeled, first *tagger, opts Options, name string) []*crf {
	pseudo, used := m.pseudoLabel(u, first, insideShare(exs))
	opts.logf("%s: self-training on %d unlabelled articles, %d of %d words marked", name, len(pseudo), used, u.words)
	o := opts
	o.Bags = selfTrainBags
	return trainMembers(append(slices.Clip(exs), pseudo...), m.vecs, o, name+" self-trained")
}

// pseudoWeight scales the gradient of pseudo-labelled articles: at full
// weight, validation F1 was 0.4137 and cross-validated 0.4339; at half,
// 0.4165 and 0.4352.
const pseudoWeight = 0.5

// selfTrainBags is the number of averaged runs of a self-trained tagger:
// fewer than Bags, since each run sees twice the words and self-training
// otherwise triples training time.
const selfTrainBags = 2

// tagName prefixes progress lines with the tagger when there are several.
func tagName(g, n int) string {
	if n == 1 {
		return ""
	}
	return fmt.Sprintf("tagger %d/%d: ", g+1, n)
}

// trainGroups returns the technique groups to train taggers for: the
// asked ones (DefaultGroups when none), or one group of all techniques
// when some span carries no technique.
func trainGroups(arts []*corpus.Article, groups []technique.Set) ([]technique.Set, error) {
	for _, a := range arts {
		for _, s := range a.Spans {
			if !s.HasTechnique {
				return []technique.Set{technique.AllTechniques}, nil
			}
		}
	}
	if len(groups) == 0 {
		groups = DefaultGroups
	}
	var seen technique.Set
	for i, g := range groups {
		switch {
		case g == 0 || !g.Valid():
			return nil, fmt.Errorf("si: train: technique group %d is empty or invalid", i+1)
		case g&seen != 0:
			return nil, fmt.Errorf("si: train: technique group %d shares techniques with an earlier group (%v)", i+1, g&seen)
		}
		seen |= g
	}
	return groups, nil
}

// memberSeed is the seed of ensemble member k: far from the seeds Bags
// derives, so no two runs share an order.
func memberSeed(seed uint64, k int) uint64 { return seed + uint64(k)*104729 }

// trainMembers trains the opts.Members CRFs of an ensemble: two at a
// time, unless their bags already are. Each run depends only on its
// seed, so the result is the same whatever the scheduling.
func trainMembers(exs []*example, vecs *embed.Vectors, opts Options, name string) []*crf {
	out := make([]*crf, opts.Members)
	train := func(k int) {
		o := opts
		o.Seed = memberSeed(opts.Seed, k)
		n := name
		if opts.Members > 1 {
			n = fmt.Sprintf("%s member %d/%d", name, k+1, opts.Members)
		}
		out[k] = trainCRF(exs, vecs, o, n)
	}
	if opts.Bags > 1 {
		for k := range out {
			train(k)
		}
	} else {
		twoAtATime(len(out), train)
	}
	return out
}

// prepare extracts an article's features; its tags come from withTags.
func (m *Model) prepare(a *corpus.Article) *example {
	d := a.Doc
	var di docInfo
	m.analyse(d, nil, &di)
	x := &extractor{m: m, bits: m.bits}
	ex := &example{art: a, seqs: slices.Clone(di.sents)}
	n := len(d.Words)
	ex.offs = make([]int32, n+1)
	for i := range n {
		x.features(d, &di, i)
		ex.offs[i+1] = int32(len(x.out))
	}
	ex.rows = slices.Clip(x.out)
	if m.vecs != nil {
		ex.vecRows = make([]int32, n)
		ex.sentOf = make([]int32, n)
		for i := range n {
			ex.vecRows[i] = int32(di.toks[i].vecRow)
			ex.sentOf[i] = int32(di.toks[i].sent)
		}
		for _, r := range di.sents {
			ex.sentVec = append(ex.sentVec, m.sentenceVec(&di, r, nil))
		}
	}
	return ex
}

// withTags returns copies of the examples, sharing their features, tagged
// with the gold spans of the techniques in set (every span when set holds
// them all).
func withTags(exs []*example, set technique.Set) []*example {
	out := make([]*example, len(exs))
	for i, ex := range exs {
		var spans []corpus.Span
		for _, s := range ex.art.Spans {
			if set == technique.AllTechniques || (s.HasTechnique && set.Has(s.Technique)) {
				spans = append(spans, s)
			}
		}
		c := *ex
		c.tags = goldTags(ex.art.Doc, mergeGold(spans), ex.seqs)
		out[i] = &c
	}
	return out
}

// mergeGold returns the gold spans as sorted, merged [start, end) pairs.
func mergeGold(spans []corpus.Span) [][2]int {
	var iv [][2]int
	for _, s := range spans {
		if s.End > s.Start {
			iv = append(iv, [2]int{s.Start, s.End})
		}
	}
	slices.SortFunc(iv, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	var out [][2]int
	for _, s := range iv {
		if n := len(out); n > 0 && s[0] < out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], s[1])
			continue
		}
		out = append(out, s)
	}
	return out
}

// goldTags tags each word B, I or O: a word is inside a gold span when at
// least half of it is.
func goldTags(d *doc.Document, gold [][2]int, seqs [][2]int) []int8 {
	tags := make([]int8, len(d.Words))
	spanOf := make([]int, len(d.Words))
	g := 0
	for i, w := range d.Words {
		spanOf[i] = -1
		for g < len(gold) && gold[g][1] <= w.Start {
			g++
		}
		for k := g; k < len(gold) && gold[k][0] < w.End; k++ {
			ov := min(w.End, gold[k][1]) - max(w.Start, gold[k][0])
			if 2*ov >= w.End-w.Start {
				spanOf[i] = k
				break
			}
		}
	}
	for _, r := range seqs {
		for i := r[0]; i < r[1]; i++ {
			switch {
			case spanOf[i] < 0:
				tags[i] = tagO
			case i == r[0] || spanOf[i-1] != spanOf[i]:
				tags[i] = tagB
			default:
				tags[i] = tagI
			}
		}
	}
	return tags
}

// trainCRF fits a CRF to the examples by AdaGrad on the conditional log
// likelihood.
func trainCRF(exs []*example, vecs *embed.Vectors, opts Options, name string) *crf {
	if opts.Bags <= 1 {
		return trainOne(exs, vecs, opts, name)
	}
	// Several runs that visit the sentences in different orders,
	// averaged: less dependence on the order SGD happened to see.
	runs := make([]*crf, opts.Bags)
	twoAtATime(len(runs), func(b int) {
		o := opts
		o.Seed = opts.Seed + uint64(b)*7919
		runs[b] = trainOne(exs, vecs, o, fmt.Sprintf("%s bag %d/%d", name, b+1, opts.Bags))
	})
	var avg averager
	for _, c := range runs { // in order: float sums depend on it
		avg.accumulate(c)
	}
	return avg.mean()
}

// twoAtATime calls f(0), …, f(n-1), two at a time: training runs are
// independent, and the machines unspun trains on have two cores.
func twoAtATime(n int, f func(k int)) {
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for k := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f(k)
		}()
	}
	wg.Wait()
}

// trainOne is one training run of trainCRF.
func trainOne(exs []*example, vecs *embed.Vectors, opts Options, name string) *crf {
	denseDim := 0
	if vecs != nil {
		denseDim = denseParts * vecs.Dim()
	}
	c := newCRF(uint32(opts.HashBits), denseDim)
	gw := make([]float32, len(c.w))
	gd := make([]float32, len(c.dense))
	var gt [nTags * nTags]float64
	var gs [nTags]float64
	type ref struct{ ex, seq int }
	var order []ref
	for i, ex := range exs {
		for j := range ex.seqs {
			order = append(order, ref{i, j})
		}
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	lr := float32(opts.LearningRate)
	l2 := float32(opts.L2)
	var e, alpha, beta, marg []float64
	dense := make([]float32, denseDim)
	// The dense weights' gradient is summed over a sentence and applied
	// in one step: all of them move for every word, and one AdaGrad step
	// per word for each was most of the training time.
	sumDense := make([]float32, len(c.dense))
	// upd takes one AdaGrad step on weight w, with squared-gradient sum g,
	// for gradient grad and L2 penalty pen.
	upd := func(w, g *float32, grad, pen float32) {
		grad += pen * *w
		*g += grad * grad
		*w -= lr * grad / (float32(math.Sqrt(float64(*g))) + 1e-6)
	}
	var avg averager
	for ep := range opts.Epochs {
		if opts.stopped() != nil {
			break // Train reports it
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var ll float64
		for _, o := range order {
			ex := exs[o.ex]
			wt := ex.gradWeight()
			r := ex.seqs[o.seq]
			n := r[1] - r[0]
			e = resize(e, n*nTags)
			alpha = resize(alpha, n*nTags)
			beta = resize(beta, n*nTags)
			marg = resize(marg, n*nTags)
			denseOf := func(i int) []float32 {
				if denseDim == 0 {
					return nil
				}
				fillDense(vecs, ex.vecRows, i, r, ex.sentVec[ex.sentOf[i]], dense)
				return dense
			}
			for i := r[0]; i < r[1]; i++ {
				c.emit(ex.rows[ex.offs[i]:ex.offs[i+1]], denseOf(i), e[(i-r[0])*nTags:])
			}
			var pair [nTags * nTags]float64
			logZ := c.forwardBackward(e, alpha, beta, marg, n, &pair)
			// Gold path score for the log likelihood report.
			gold := float64(c.start[ex.tags[r[0]]])
			for i := r[0]; i < r[1]; i++ {
				t := ex.tags[i]
				gold += e[(i-r[0])*nTags+int(t)]
				if i > r[0] {
					p := ex.tags[i-1]
					gold += float64(c.trans[int(p)*nTags+int(t)])
					pair[int(p)*nTags+int(t)]--
				}
			}
			ll += gold - logZ
			for i := r[0]; i < r[1]; i++ {
				var g [nTags]float32
				for y := range nTags {
					g[y] = float32(marg[(i-r[0])*nTags+y])
				}
				g[ex.tags[i]]--
				for y := range g {
					g[y] *= wt
				}
				for _, f := range ex.rows[ex.offs[i]:ex.offs[i+1]] {
					b := f.row * nTags
					for y := range nTags {
						upd(&c.w[b+uint32(y)], &gw[b+uint32(y)], g[y], l2)
					}
				}
				if x := denseOf(i); x != nil {
					for k, v := range x {
						if v == 0 {
							continue
						}
						sd := sumDense[k*nTags : k*nTags+nTags]
						sd[0] += g[0] * v
						sd[1] += g[1] * v
						sd[2] += g[2] * v
					}
				}
			}
			// The penalty too is summed over the sentence's words.
			pen := float32(n) * l2
			for k, g := range sumDense {
				upd(&c.dense[k], &gd[k], g, pen)
			}
			clear(sumDense)
			for y := range nTags {
				g := float32(marg[y])
				if int(ex.tags[r[0]]) == y {
					g--
				}
				g *= wt
				c.start[y] -= lr * g / float32(math.Sqrt(gs[y]+float64(g*g))+1e-6)
				gs[y] += float64(g * g)
			}
			for k := range pair {
				g := float32(pair[k])
				g *= wt
				gt[k] += float64(g * g)
				c.trans[k] -= lr * g / (float32(math.Sqrt(gt[k])) + 1e-6)
			}
		}
		opts.logf("%s: epoch %d/%d: log-likelihood %.1f", name, ep+1, opts.Epochs, ll)
		if !opts.LastEpoch {
			avg.accumulate(c)
		}
	}
	// An interrupted training may have no epoch to average.
	if !opts.LastEpoch && avg.n > 0 {
		return avg.mean()
	}
	return c
}

// averager sums end-of-epoch weights: their mean generalises better than
// the last epoch's weights, which follow the last sentences seen.
type averager struct {
	sum *crf
	n   int
}

func (a *averager) accumulate(c *crf) {
	if a.sum == nil {
		a.sum = newCRF(c.bits, len(c.dense)/nTags)
	}
	for i, v := range c.w {
		a.sum.w[i] += v
	}
	for i, v := range c.dense {
		a.sum.dense[i] += v
	}
	for i, v := range c.trans {
		a.sum.trans[i] += v
	}
	for i, v := range c.start {
		a.sum.start[i] += v
	}
	a.n++
}

func (a *averager) mean() *crf {
	inv := 1 / float32(a.n)
	c := a.sum
	for i := range c.w {
		c.w[i] *= inv
	}
	for i := range c.dense {
		c.dense[i] *= inv
	}
	for i := range c.trans {
		c.trans[i] *= inv
	}
	for i := range c.start {
		c.start[i] *= inv
	}
	return c
}
