package task

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"unspun/internal/analyze"
	"unspun/internal/corpus"
	"unspun/internal/model"
	"unspun/internal/score"
	"unspun/internal/si"
	"unspun/internal/words"
)

// ErrNoSentences is returned when there is nothing to fit a calibration
// on.
var ErrNoSentences = errors.New("no sentences to calibrate sentence scores on")

// sentenceRow is one sentence's evidence and gold outcome.
type sentenceRow struct {
	model.Sentence
	gold bool
}

// Held is what the span taggers' cross-validation predicts for articles
// they did not see (si.Options.HeldOut): Spans[i] the fragments found in
// article i, Prob[i] its words' probabilities of being inside a span.
type Held struct {
	Spans [][]si.Span
	Prob  [][]float64
}

// sentenceRows computes every sentence's evidence from the held-out
// predictions of arts, and whether it overlaps a gold span.
func sentenceRows(arts []*corpus.Article, held Held) ([][]sentenceRow, error) {
	found := held.Spans
	if len(found) != len(arts) || len(held.Prob) != len(arts) {
		return nil, fmt.Errorf("task: held-out predictions for %d and %d articles, want %d", len(found), len(held.Prob), len(arts))
	}
	out := make([][]sentenceRow, len(arts))
	n := 0
	for k, a := range arts {
		fs := slices.Clone(found[k])
		slices.SortStableFunc(fs, func(x, y si.Span) int { return cmp.Compare(x.Start, y.Start) })
		ev := analyze.Evidence(a.Doc, words.New(a.Doc, nil), fs, held.Prob[k])
		for i, s := range a.Doc.Sentences {
			hit := false
			for _, g := range a.Spans {
				if g.Start < s.End && s.Start < g.End {
					hit = true
					break
				}
			}
			out[k] = append(out[k], sentenceRow{Sentence: ev.Sentence(i), gold: hit})
			n++
		}
	}
	if n == 0 {
		return nil, ErrNoSentences
	}
	return out, nil
}

// FitSentenceCalibration fits the sentence calibration on held-out
// predictions: what taggers that never saw arts[i] find in it
// (si.Options.HeldOut). Sentences with fragments and those
// without are fitted apart (model.SentenceCalibration), by maximum
// likelihood on whether each sentence overlaps a gold span; those without
// also read the sentence's length, loaded words and quotation.
func FitSentenceCalibration(arts []*corpus.Article, held Held) (model.SentenceCalibration, error) {
	rows, err := sentenceRows(arts, held)
	if err != nil {
		return model.SentenceCalibration{}, err
	}
	return fitCalibration(slices.Concat(rows...)), nil
}

func fitCalibration(rows []sentenceRow) model.SentenceCalibration {
	return fitWith(rows, true)
}

// fitWith fits the calibration, the nothing-found sentences' peak term
// (version 4) only when peak.
func fitWith(rows []sentenceRow, peak bool) model.SentenceCalibration {
	var xf, xe [][]float64
	var yf, ye []bool
	for _, r := range rows {
		if r.Found {
			xf = append(xf, []float64{r.Raw, r.Mean, 1})
			yf = append(yf, r.gold)
		} else {
			q := 0.0
			if r.Quoted {
				q = 1
			}
			x := []float64{r.Mean, math.Log1p(float64(r.Words)), math.Log1p(float64(r.Loaded)), q, 1}
			if peak {
				x = append(x, model.PeakLogit(r.Peak), r.Peak)
			}
			xe = append(xe, x)
			ye = append(ye, r.gold)
		}
	}
	de := 5
	if peak {
		de = 7
	}
	wf := fitLogistic(xf, yf, 3)
	we := fitLogistic(xe, ye, de)
	c := model.SentenceCalibration{A: wf[0], C: wf[1], B: wf[2], F: we[0], G: we[1], H: we[2], Q: we[3], E: we[4]}
	if peak {
		c.P, c.R = we[5], we[6]
	}
	return c
}

// fitV2 is the calibration of version 2 models: nothing-found sentences
// read only the article's mean, σ(E + F·m).
func fitV2(rows []sentenceRow) model.SentenceCalibration {
	c := fitCalibration(rows)
	var xe [][]float64
	var ye []bool
	for _, r := range rows {
		if !r.Found {
			xe = append(xe, []float64{r.Mean, 1})
			ye = append(ye, r.gold)
		}
	}
	we := fitLogistic(xe, ye, 2)
	return model.SentenceCalibration{A: c.A, B: c.B, C: c.C, F: we[0], E: we[1]}
}

// fitLogistic fits σ(w·x) to the outcomes by Newton's method on the
// log-likelihood, with a small ridge keeping it finite on separable or
// empty data (no rows give w = 0).
func fitLogistic(x [][]float64, y []bool, d int) []float64 {
	w := make([]float64, d)
	const ridge = 1e-3
	g := make([]float64, d)
	h := make([][]float64, d)
	for i := range h {
		h[i] = make([]float64, d)
	}
	for range 100 {
		clear(g)
		for i := range h {
			clear(h[i])
			h[i][i] = ridge
			g[i] = ridge * w[i]
		}
		for i, xi := range x {
			z := 0.0
			for j := range w {
				z += w[j] * xi[j]
			}
			p := 1 / (1 + math.Exp(-z))
			t := 0.0
			if y[i] {
				t = 1
			}
			v := p * (1 - p)
			for j := range w {
				g[j] += (p - t) * xi[j]
				for k := range w {
					h[j][k] += v * xi[j] * xi[k]
				}
			}
		}
		step, ok := solve(h, g)
		if !ok {
			break
		}
		moved := 0.0
		for j := range w {
			w[j] -= step[j]
			moved += math.Abs(step[j])
		}
		if moved < 1e-10 {
			break
		}
	}
	return w
}

// solve solves the small symmetric positive system a·x = b by Gaussian
// elimination with partial pivoting, without changing a or b.
func solve(a [][]float64, b []float64) ([]float64, bool) {
	n := len(b)
	m := make([][]float64, n)
	for i := range m {
		m[i] = append(slices.Clone(a[i]), b[i])
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		if math.Abs(m[p][c]) < 1e-300 {
			return nil, false
		}
		m[c], m[p] = m[p], m[c]
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		s := m[i][n]
		for k := i + 1; k < n; k++ {
			s -= m[i][k] * x[k]
		}
		x[i] = s / m[i][i]
	}
	return x, true
}

// CalibrationReport says how well sentence scores are calibrated on
// articles the calibration was not fitted on.
type CalibrationReport struct {
	// Calibrated, V3, V2, Legacy and Raw are the reliability of the
	// calibrated score, of the calibration of version 3 (without the
	// taggers' word probabilities), of version 2 (nothing-found
	// sentences read only the article's mean), of the one-feature
	// calibration σ(A·r + B) that models before calibration version 2
	// used, and of the raw score.
	Calibrated, V3, V2, Legacy, Raw score.Reliability
	// LogLoss and LogLossV3 are the mean negative log-likelihood of the
	// gold outcomes under the calibrated score and under version 3's: a
	// proper score, which the binned ECE is not.
	LogLoss, LogLossV3 float64
	// EmptyMean is the mean calibrated score of the sentences with no
	// fragment, EmptyShare the share of them that overlap gold.
	EmptyMean, EmptyShare float64
	Empty                 int
	// EmptyBins are the sentences with no fragment in twentieths by
	// calibrated score, lowest first (the last takes the remainder).
	EmptyBins []Bin
}

// Bin is a group of held-out sentences: how many, their mean calibrated
// score and the share of them that overlap gold.
type Bin struct {
	N           int
	Mean, Share float64
}

// CrossCheckCalibration fits the sentence calibration on all folds of the
// articles but one and scores the held-out fold's sentences, folds times
// (articles assigned round-robin), from the same held-out fragments as
// FitSentenceCalibration.
func CrossCheckCalibration(arts []*corpus.Article, held Held, folds int) (CalibrationReport, error) {
	var rep CalibrationReport
	rows, err := sentenceRows(arts, held)
	if err != nil {
		return rep, err
	}
	if folds < 2 || len(arts) < folds {
		return rep, fmt.Errorf("task: %d articles are too few for %d folds", len(arts), folds)
	}
	hits := 0
	type scored struct {
		p    float64
		gold bool
	}
	var empty []scored
	for f := range folds {
		var train, test []sentenceRow
		for k := range rows {
			if k%folds == f {
				test = append(test, rows[k]...)
			} else {
				train = append(train, rows[k]...)
			}
		}
		c := fitCalibration(train)
		v3 := fitWith(train, false)
		v2 := fitV2(train)
		legacy := legacyFit(train)
		for _, r := range test {
			p := c.Apply(r.Sentence)
			p3 := v3.Apply(r.Sentence)
			rep.Calibrated.Add(p, r.gold)
			rep.V3.Add(p3, r.gold)
			rep.LogLoss += logLoss(p, r.gold)
			rep.LogLossV3 += logLoss(p3, r.gold)
			rep.V2.Add(v2.Apply(r.Sentence), r.gold)
			rep.Legacy.Add(legacy.Apply(r.Sentence), r.gold)
			rep.Raw.Add(r.Raw, r.gold)
			if !r.Found {
				rep.Empty++
				rep.EmptyMean += p
				empty = append(empty, scored{p, r.gold})
				if r.gold {
					hits++
				}
			}
		}
	}
	if n := rep.Calibrated.N(); n > 0 {
		rep.LogLoss /= float64(n)
		rep.LogLossV3 /= float64(n)
	}
	if rep.Empty > 0 {
		rep.EmptyMean /= float64(rep.Empty)
		rep.EmptyShare = float64(hits) / float64(rep.Empty)
	}
	slices.SortStableFunc(empty, func(x, y scored) int { return cmp.Compare(x.p, y.p) })
	const bins = 20
	for b := range bins {
		lo, hi := b*len(empty)/bins, (b+1)*len(empty)/bins
		if hi == lo {
			continue
		}
		bin := Bin{N: hi - lo}
		for _, e := range empty[lo:hi] {
			bin.Mean += e.p
			if e.gold {
				bin.Share++
			}
		}
		bin.Mean /= float64(bin.N)
		bin.Share /= float64(bin.N)
		rep.EmptyBins = append(rep.EmptyBins, bin)
	}
	return rep, nil
}

// logLoss is −ln of the probability p gives the outcome gold, p kept off
// 0 and 1.
func logLoss(p float64, gold bool) float64 {
	p = min(max(p, 1e-12), 1-1e-12)
	if gold {
		return -math.Log(p)
	}
	return -math.Log(1 - p)
}

// legacyFit is the calibration of models before version 2: σ(A·r + B)
// for every sentence.
func legacyFit(rows []sentenceRow) model.SentenceCalibration {
	x := make([][]float64, len(rows))
	y := make([]bool, len(rows))
	for i, r := range rows {
		x[i], y[i] = []float64{r.Raw, 1}, r.gold
	}
	w := fitLogistic(x, y, 2)
	return model.SentenceCalibration{A: w[0], B: w[1], E: w[1]}
}

func describe(c model.SentenceCalibration) string {
	return fmt.Sprintf("fragments σ(%.3f·r %+.3f %+.3f·m), none σ(%.3f %+.3f·m %+.3f·ln(1+words) %+.3f·ln(1+loaded) %+.3f·quoted %+.3f·logit(peak) %+.3f·peak)",
		c.A, c.B, c.C, c.E, c.F, c.G, c.H, c.Q, c.P, c.R)
}
