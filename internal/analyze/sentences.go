package analyze

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"unspun/internal/corpus"
	"unspun/internal/doc"
	"unspun/internal/si"
)

// MetaSentenceCalibration is the model metadata key holding the sentence
// calibration, as written by SentenceCalibration.String.
const MetaSentenceCalibration = "sentence-calibration"

// SentenceCalibration turns a sentence's raw score r, the probability that
// one of the fragments found in it is propaganda, into the probability that
// an annotator marked propaganda in it: σ(A·r + B). The tagger's fragment
// probabilities say how much of a fragment is propaganda, not whether the
// sentence holds some, and a sentence without fragments still holds some
// now and then; B carries that base rate.
type SentenceCalibration struct{ A, B float64 }

// identity is the calibration of models trained without one: the raw
// score itself.
var identity = SentenceCalibration{}

// Apply returns the calibrated score of a raw score r.
func (c SentenceCalibration) Apply(r float64) float64 {
	if c == identity {
		return r
	}
	return 1 / (1 + math.Exp(-(c.A*r + c.B)))
}

// String formats c for the model metadata, exactly.
func (c SentenceCalibration) String() string {
	return strconv.FormatFloat(c.A, 'g', -1, 64) + " " + strconv.FormatFloat(c.B, 'g', -1, 64)
}

// ParseSentenceCalibration parses what String wrote.
func ParseSentenceCalibration(s string) (SentenceCalibration, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return identity, fmt.Errorf("sentence calibration %q: want two numbers", s)
	}
	a, err1 := strconv.ParseFloat(f[0], 64)
	b, err2 := strconv.ParseFloat(f[1], 64)
	if err1 != nil || err2 != nil || math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return identity, fmt.Errorf("sentence calibration %q: not two finite numbers", s)
	}
	return SentenceCalibration{A: a, B: b}, nil
}

// rawSentenceScores gives each sentence of d the probability that at least
// one of the fragments overlapping it is propaganda, treating them as
// independent. found must be in text order.
func rawSentenceScores(d *doc.Document, found []si.Span, dst []float64) []float64 {
	dst = dst[:0]
	k := 0
	for _, s := range d.Sentences {
		for k < len(found) && found[k].End <= s.Start {
			k++
		}
		none := 1.0
		for j := k; j < len(found) && found[j].Start < s.End; j++ {
			if found[j].End > s.Start && found[j].End > found[j].Start {
				none *= 1 - clamp01(found[j].Score)
			}
		}
		dst = append(dst, 1-none)
	}
	return dst
}

// FitSentenceCalibration fits the sentence calibration on held-out
// predictions: found[i] are the spans a tagger that never saw arts[i]
// finds in it (si.Options.HeldOut), and A and B are fitted by maximum
// likelihood to whether each sentence overlaps a gold span.
func FitSentenceCalibration(arts []*corpus.Article, found [][]si.Span) (SentenceCalibration, error) {
	if len(found) != len(arts) {
		return identity, fmt.Errorf("analyze: held-out spans for %d articles, want %d", len(found), len(arts))
	}
	var raw []float64
	var hit []bool
	var buf []float64
	for k, a := range arts {
		fs := slices.Clone(found[k])
		slices.SortStableFunc(fs, func(x, y si.Span) int { return x.Start - y.Start })
		buf = rawSentenceScores(a.Doc, fs, buf)
		for i, s := range a.Doc.Sentences {
			h := false
			for _, g := range a.Spans {
				if g.Start < s.End && s.Start < g.End {
					h = true
					break
				}
			}
			raw = append(raw, buf[i])
			hit = append(hit, h)
		}
	}
	if len(raw) == 0 {
		return identity, errors.New("analyze: no sentences to calibrate sentence scores on")
	}
	return fitLogistic(raw, hit), nil
}

// fitLogistic fits σ(A·x + B) to the outcomes by Newton's method on the
// log-likelihood, with a tiny ridge keeping it finite on separable data.
func fitLogistic(x []float64, y []bool) SentenceCalibration {
	a, b := 1.0, 0.0
	const ridge = 1e-6
	for range 50 {
		var ga, gb, haa, hab, hbb float64
		for i, xi := range x {
			p := 1 / (1 + math.Exp(-(a*xi + b)))
			t := 0.0
			if y[i] {
				t = 1
			}
			ga += (p - t) * xi
			gb += p - t
			w := p * (1 - p)
			haa += w * xi * xi
			hab += w * xi
			hbb += w
		}
		ga += ridge * a
		gb += ridge * b
		haa += ridge
		hbb += ridge
		det := haa*hbb - hab*hab
		if det <= 0 {
			break
		}
		da := (hbb*ga - hab*gb) / det
		db := (haa*gb - hab*ga) / det
		a -= da
		b -= db
		if math.Abs(da)+math.Abs(db) < 1e-10 {
			break
		}
	}
	return SentenceCalibration{A: a, B: b}
}
