package tc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"unspun/internal/corpus"
	"unspun/internal/technique"
)

// Options control training. The zero value gives the defaults chosen by
// cross-validation on the training split.
type Options struct {
	// Progress, when not nil, receives one line per training stage.
	Progress io.Writer
	// Context, when not nil, stops training soon after it is done: each
	// fit stops at the end of its epoch and Train returns Context.Err().
	Context context.Context
	// Epochs over the training rows; default 25.
	Epochs int
	// LearnRate is AdaGrad's step size; default 0.05.
	LearnRate float64
	// L2 is the weight decay per update; default 3e-3, negative for none.
	L2 float64
	// MinCount drops features seen in fewer training spans; default 2.
	MinCount int
	// CharN is the character n-gram size; default 4, negative disables.
	CharN int
	// ClassWeight is the exponent of inverse-frequency class weights:
	// default 0.3, negative weighs every row alike, 1 balances the
	// classes.
	ClassWeight float64
	// Folds is the number of article folds whose held-out predictions fit
	// the calibration temperature; default 5, at most one per article.
	// 1 skips calibration.
	Folds int
	// RepeatMin makes Repetition the answer for a span that occurs at
	// least RepeatMin times in its article and is not the first
	// occurrence (0: DefaultRepeatMin, which Classify applies; negative:
	// no rule); RepeatSuppress then also takes Repetition from every
	// other span (see decide). Only cross-validation's scores use them.
	RepeatMin      int
	RepeatSuppress bool
	// Seed drives the order of training rows.
	Seed uint64
	// NoContext, NoBigrams, NoLexicons, NoVectors, NoIdentity and NoSenses switch
	// feature groups off, for ablations.
	NoContext, NoBigrams, NoLexicons, NoVectors, NoIdentity, NoSenses bool
	// Ensemble is the number of models, trained on the same rows in the
	// orders of successive seeds, whose weights are averaged (an
	// ensemble of linear models with one feature index is one linear
	// model); default 4, 1 for a single model.
	Ensemble int
}

func (o Options) withDefaults() Options {
	if o.Epochs <= 0 {
		o.Epochs = 25
	}
	if o.LearnRate <= 0 {
		o.LearnRate = 0.05
	}
	if o.L2 < 0 {
		o.L2 = 0
	} else if o.L2 == 0 {
		o.L2 = 3e-3
	}
	if o.ClassWeight == 0 {
		o.ClassWeight = 0.3
	}
	if o.Ensemble <= 0 {
		o.Ensemble = 4
	}
	if o.MinCount <= 0 {
		o.MinCount = 2
	}
	if o.CharN == 0 {
		o.CharN = 4
	}
	if o.Folds <= 0 {
		o.Folds = 5
	}
	return o
}

func (o Options) config(vecs Vectors) config {
	c := config{Context: !o.NoContext, Bigrams: !o.NoBigrams, Lexicons: !o.NoLexicons,
		Vectors: !o.NoVectors && vecs != nil, Identity: !o.NoIdentity, Senses: !o.NoSenses}
	if o.CharN > 0 {
		c.CharN = uint8(min(o.CharN, 8))
	}
	return c
}

func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "tc: "+format+"\n", args...)
	}
}

// example is one distinct span with every gold row's technique.
type example struct {
	article int
	fs      []feat
	dense   []float32
	labels  []technique.Technique
	// idx are the kept features' indices, parallel to vals.
	idx  []int32
	vals []float32
	// repeats counts the span's word sequence in its article, itself
	// included, and before the occurrences before it (decision rules).
	repeats, before int
}

// Train fits a model on the TC rows of arts (rows with a technique;
// duplicates of a span count once per row). vecs may be nil; a model
// trained with vectors needs the same vectors when it is read back.
func Train(arts []*corpus.Article, vecs Vectors, opts Options) (*Model, error) {
	vecs = usable(vecs)
	opts = opts.withDefaults()
	cfg := opts.config(vecs)
	t0 := time.Now()
	exs, err := examples(arts, vecs, cfg)
	if err != nil {
		return nil, err
	}
	opts.progress("%d spans, %d rows from %d articles (%.1fs)", len(exs), countRows(exs), len(arts), time.Since(t0).Seconds())

	// Calibration needs held-out predictions; with fewer articles than
	// folds each article is its own fold, and with one there is none.
	opts.Folds = min(opts.Folds, len(arts))
	temp := 1.0
	if opts.Folds > 1 {
		cv, err := crossValidate(exs, len(arts), vecs, cfg, opts)
		if err != nil {
			return nil, err
		}
		temp = cv.Temperature
		opts.progress("%d-fold CV: accuracy %.4f, temperature %.3f, ECE %.4f → %.4f (%.1fs)",
			opts.Folds, cv.Accuracy, cv.Temperature, cv.ECERaw, cv.ECE, time.Since(t0).Seconds())
	}
	m := fit(exs, vecs, cfg, opts)
	if err := opts.stopped(); err != nil {
		return nil, err
	}
	m.temp = temp
	opts.progress("model: %d features, %d vector dims (%.1fs)", len(m.hashes), m.dim, time.Since(t0).Seconds())
	return m, nil
}

// stopped returns the error of a done Context, nil otherwise.
func (o Options) stopped() error {
	if o.Context == nil {
		return nil
	}
	return o.Context.Err()
}

func countRows(exs []*example) int {
	n := 0
	for _, e := range exs {
		n += len(e.labels)
	}
	return n
}

// examples featurises every distinct labelled span, in article and then
// span order, so training never depends on map order.
func examples(arts []*corpus.Article, vecs Vectors, cfg config) ([]*example, error) {
	var exs []*example
	dim := 0
	if cfg.Vectors {
		dim = vecs.Dim()
	}
	for ai, a := range arts {
		if a == nil || a.Doc == nil {
			return nil, fmt.Errorf("tc: article %d has no document", ai)
		}
		st := newDocStats(a.Doc, vecs, dim)
		type key struct{ s, e int }
		byKey := map[key]*example{}
		n := a.Doc.Len()
		for _, sp := range a.Spans {
			if !sp.HasTechnique {
				return nil, fmt.Errorf("tc: article %s: span [%d,%d) has no technique (SI labels given where TC rows are needed)", a.ID, sp.Start, sp.End)
			}
			if sp.Technique >= technique.Count {
				return nil, fmt.Errorf("tc: article %s: span [%d,%d) has unknown technique %d", a.ID, sp.Start, sp.End, sp.Technique)
			}
			if sp.Start < 0 || sp.End < sp.Start || sp.End > n {
				return nil, fmt.Errorf("tc: article %s: span [%d,%d) outside text of %d code points", a.ID, sp.Start, sp.End, n)
			}
			k := key{sp.Start, sp.End}
			if e := byKey[k]; e != nil {
				e.labels = append(e.labels, sp.Technique)
				continue
			}
			c := st.span(sp.Start, sp.End)
			e := &example{article: ai, labels: []technique.Technique{sp.Technique}}
			e.fs = c.extract(cfg, nil)
			e.repeats, e.before = c.recurrences()
			if dim > 0 {
				e.dense, _, _ = denseFeatures(vecs, &c, dim, nil, nil, nil)
			}
			byKey[k] = e
			exs = append(exs, e)
		}
	}
	if len(exs) == 0 {
		return nil, errors.New("tc: no labelled spans to train on")
	}
	return exs, nil
}

// fit trains a model on exs: the feature index from exs alone, then
// AdaGrad on the multinomial log-loss with L2 decay.
func fit(exs []*example, vecs Vectors, cfg config, opts Options) *Model {
	const K = technique.Count
	// Feature index: hashes seen in at least MinCount distinct spans.
	counts := map[uint64]int32{}
	for _, e := range exs {
		seen := map[uint64]bool{}
		for _, f := range e.fs {
			if !seen[f.hash] {
				seen[f.hash] = true
				counts[f.hash]++
			}
		}
	}
	var hashes []uint64
	for h, n := range counts {
		if int(n) >= opts.MinCount {
			hashes = append(hashes, h)
		}
	}
	slices.Sort(hashes)
	index := make(map[uint64]int32, len(hashes))
	for i, h := range hashes {
		index[h] = int32(i)
	}
	for _, e := range exs {
		e.idx, e.vals = e.idx[:0], e.vals[:0]
		for _, f := range e.fs {
			if k, ok := index[f.hash]; ok {
				e.idx = append(e.idx, k)
				e.vals = append(e.vals, f.val)
			}
		}
	}

	dim := 0
	if cfg.Vectors && vecs != nil {
		dim = vecs.Dim()
	}
	m := &Model{cfg: cfg, hashes: hashes, dim: dim, vecs: vecs, temp: 1,
		w: make([]float32, len(hashes)*K), dense: make([]float32, denseBlocks*dim*K)}

	// Class weights from row frequencies.
	var freq [K]float64
	rows := 0
	for _, e := range exs {
		for _, t := range e.labels {
			freq[t]++
			rows++
		}
	}
	var cw [K]float64
	for t := range cw {
		cw[t] = 1
		if opts.ClassWeight > 0 && freq[t] > 0 {
			cw[t] = math.Pow(float64(rows)/(K*freq[t]), opts.ClassWeight)
		}
	}

	// One training row per gold row; rows of a duplicated span share its
	// features, which makes the target that span's label distribution.
	type row struct {
		e *example
		t technique.Technique
	}
	order := make([]row, 0, rows)
	for _, e := range exs {
		for _, t := range e.labels {
			order = append(order, row{e, t})
		}
	}
	runs := max(opts.Ensemble, 1)
	var sumW, sumD []float32
	for run := range runs {
		if run > 0 {
			clear(m.w)
			clear(m.dense)
			order = order[:0]
			for _, e := range exs {
				for _, t := range e.labels {
					order = append(order, row{e, t})
				}
			}
		}
		rng := rand.New(rand.NewPCG(opts.Seed+uint64(run), 0x7463))
		gw := make([]float32, len(m.w))
		gd := make([]float32, len(m.dense))
		lr, l2 := float32(opts.LearnRate), float32(opts.L2)
		var p [K]float64
		for epoch := 0; epoch < opts.Epochs; epoch++ {
			if opts.stopped() != nil {
				break // Train reports it
			}
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			loss := 0.0
			for _, r := range order {
				e := r.e
				z := m.score(e.idx, e.vals, e.dense)
				softmax(z[:], 1, p[:])
				loss -= cw[r.t] * math.Log(max(p[r.t], 1e-12))
				var g [K]float32
				for t := range g {
					y := 0.0
					if technique.Technique(t) == r.t {
						y = 1
					}
					g[t] = float32(cw[r.t] * (p[t] - y))
				}
				for i, k := range e.idx {
					base := int(k) * K
					adagrad(m.w[base:base+K], gw[base:base+K], &g, e.vals[i], lr, l2)
				}
				for j, v := range e.dense {
					if v != 0 {
						adagrad(m.dense[j*K:j*K+K], gd[j*K:j*K+K], &g, v, lr, l2)
					}
				}
			}
			opts.progress("epoch %d/%d: loss %.4f", epoch+1, opts.Epochs, loss/float64(len(order)))
		}
		if runs > 1 {
			if sumW == nil {
				sumW, sumD = make([]float32, len(m.w)), make([]float32, len(m.dense))
			}
			for i, v := range m.w {
				sumW[i] += v / float32(runs)
			}
			for i, v := range m.dense {
				sumD[i] += v / float32(runs)
			}
		}
	}
	if runs > 1 {
		copy(m.w, sumW)
		copy(m.dense, sumD)
	}
	return m
}

func adagrad(w, g2 []float32, g *[technique.Count]float32, v, lr, l2 float32) {
	for t := range w {
		gr := g[t]*v + l2*w[t]
		g2[t] += gr * gr
		w[t] -= lr * gr / float32(math.Sqrt(float64(g2[t])+1e-8))
	}
}

// CV is the outcome of cross-validation on the training articles.
type CV struct {
	Folds int
	// Accuracy is the held-out micro-F1: rows of a duplicated span get
	// that span's most likely different techniques.
	Accuracy float64
	// Temperature minimises the held-out log-loss; ECERaw and ECE are the
	// expected calibration errors of the top technique before and after.
	Temperature, ECERaw, ECE float64
	// NLL is the held-out log-loss per row after calibration.
	NLL float64
	// Eval scores the held-out predictions after calibration, per
	// technique (macro-F1, confusion, reliability) as Evaluate does;
	// Plain scores the same predictions without the decision rules (a
	// paired comparison: same folds, same models).
	Eval, Plain Eval
}

// CrossValidate trains on all folds of the articles but one and predicts
// the held-out one, opts.Folds times (folds assign articles round-robin in
// the given order), to estimate accuracy and fit the calibration
// temperature without touching any other data.
func CrossValidate(arts []*corpus.Article, vecs Vectors, opts Options) (CV, error) {
	vecs = usable(vecs)
	opts = opts.withDefaults()
	if opts.Folds < 2 {
		return CV{}, fmt.Errorf("tc: cross-validation needs at least 2 folds, got %d", opts.Folds)
	}
	cfg := opts.config(vecs)
	exs, err := examples(arts, vecs, cfg)
	if err != nil {
		return CV{}, err
	}
	return crossValidate(exs, len(arts), vecs, cfg, opts)
}

func crossValidate(exs []*example, nArts int, vecs Vectors, cfg config, opts Options) (CV, error) {
	const K = technique.Count
	if nArts < opts.Folds {
		return CV{}, fmt.Errorf("tc: %d articles are too few for %d folds", nArts, opts.Folds)
	}
	logits := make([][K]float64, len(exs))
	quiet := opts
	quiet.Progress = nil
	for f := 0; f < opts.Folds; f++ {
		var tr []*example
		for _, e := range exs {
			if e.article%opts.Folds != f {
				tr = append(tr, e)
			}
		}
		if len(tr) == 0 {
			continue
		}
		m := fit(tr, vecs, cfg, quiet)
		for i, e := range exs {
			if e.article%opts.Folds == f {
				logits[i] = m.logits(e)
			}
		}
		opts.progress("fold %d/%d done", f+1, opts.Folds)
	}
	cv := CV{Folds: opts.Folds}
	cv.Temperature = fitTemperature(exs, logits)
	cv.ECERaw = heldOut(exs, logits, 1, Options{RepeatMin: -1}).ECE
	cv.Eval = heldOut(exs, logits, cv.Temperature, opts)
	cv.Plain = heldOut(exs, logits, cv.Temperature, Options{RepeatMin: -1})
	cv.ECE = cv.Eval.ECE
	cv.NLL = nll(exs, logits, cv.Temperature)
	cv.Accuracy = cv.Eval.MicroF1
	return cv, nil
}

// heldOut scores the held-out logits of exs at temperature temp, with the
// decision rules of opts.
func heldOut(exs []*example, logits [][technique.Count]float64, temp float64, opts Options) Eval {
	var ev Eval
	var p Prediction
	for i, e := range exs {
		softmax(logits[i][:], 1/temp, p.Probs[:])
		opts.decide(&p, e.repeats, e.before)
		ev.add(e.labels, p)
	}
	ev.finish()
	return ev
}

// logits scores an example featurised at training time by hash, so that
// held-out examples need no index of this model.
func (m *Model) logits(e *example) [technique.Count]float64 {
	idx := make([]int32, len(e.fs))
	vals := make([]float32, len(e.fs))
	for i, f := range e.fs {
		idx[i], vals[i] = int32(m.lookup(f.hash)), f.val
	}
	return m.score(idx, vals, e.dense)
}

func nll(exs []*example, logits [][technique.Count]float64, temp float64) float64 {
	var p [technique.Count]float64
	s, n := 0.0, 0
	for i, e := range exs {
		softmax(logits[i][:], 1/temp, p[:])
		for _, t := range e.labels {
			s -= math.Log(max(p[t], 1e-12))
			n++
		}
	}
	return s / float64(n)
}

// fitTemperature minimises the held-out log-loss over log-temperature by
// golden-section search; the loss is convex in 1/T.
func fitTemperature(exs []*example, logits [][technique.Count]float64) float64 {
	lo, hi := math.Log(0.05), math.Log(20.0)
	g := (math.Sqrt(5) - 1) / 2
	a, b := hi-g*(hi-lo), lo+g*(hi-lo)
	fa, fb := nll(exs, logits, math.Exp(a)), nll(exs, logits, math.Exp(b))
	for i := 0; i < 60; i++ {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - g*(hi-lo)
			fa = nll(exs, logits, math.Exp(a))
		} else {
			lo, a, fa = a, b, fb
			b = lo + g*(hi-lo)
			fb = nll(exs, logits, math.Exp(b))
		}
	}
	return math.Exp((lo + hi) / 2)
}
