// Package score computes the SemEval-2020 Task 11 metrics exactly as the
// task defines them (see ../shared/data/ptc/README.md):
//
//   - span identification (SI): a soft, character-level precision and
//     recall over spans merged per article;
//   - technique classification (TC): micro-F1 (= accuracy) over a fixed set
//     of gold spans, with per-technique precision, recall and F1.
//
// Offsets are code points, as in every corpus file. Both scorers take
// corpus.Span slices in any order and never modify them.
//
// # Repeated spans
//
// The corpus gives some fragments two techniques by repeating the row.
// Match is the one multiset matcher of a span's rows, and Assign the one
// rule that gives a repeated span's k-th row its k-th most likely
// technique.
//
// # Calibration
//
// Reliability is the one reliability table (10 bins) and expected
// calibration error of predicted probabilities.
package score

import (
	"cmp"
	"slices"

	"unspun/internal/corpus"
)

// SIResult is the SI score of a set of predicted spans against gold spans.
type SIResult struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`

	// Gold and Predicted count the spans as given (rows);
	// GoldMerged and PredictedMerged count them after overlapping spans of
	// an article were merged, which is what the precision and recall
	// denominators use.
	Gold            int `json:"gold_spans"`
	Predicted       int `json:"predicted_spans"`
	GoldMerged      int `json:"gold_merged"`
	PredictedMerged int `json:"predicted_merged"`
}

// interval is a span reduced to what SI needs.
type interval struct {
	article    string
	start, end int
}

func compareInterval(a, b interval) int {
	if c := cmp.Compare(a.article, b.article); c != 0 {
		return c
	}
	return cmp.Compare(a.start, b.start)
}

// mergeInto copies spans into buf, sorts them by article and start and
// merges, within each article, spans that overlap (share at least one
// code point). Spans that only touch ([a,b) and [b,c)) stay apart, as the
// task's scorer keeps them. It returns the merged intervals, reusing buf.
func mergeInto(buf []interval, spans []corpus.Span) []interval {
	buf = buf[:0]
	for _, s := range spans {
		// A span that covers nothing cannot be scored (its length would
		// divide); the corpus readers never produce one.
		if s.End > s.Start {
			buf = append(buf, interval{s.Article, s.Start, s.End})
		}
	}
	slices.SortFunc(buf, compareInterval)
	out := buf[:0]
	for _, iv := range buf {
		if n := len(out); n > 0 && out[n-1].article == iv.article && iv.start < out[n-1].end {
			out[n-1].end = max(out[n-1].end, iv.end)
			continue
		}
		out = append(out, iv)
	}
	return out
}

// SIGold is a gold span set prepared once for scoring many predictions,
// as parameter tuning does. It is safe for concurrent use.
type SIGold struct {
	merged []interval
	rows   int
}

// NewSIGold merges and sorts gold for repeated scoring with Score.
func NewSIGold(gold []corpus.Span) *SIGold {
	return &SIGold{merged: mergeInto(make([]interval, 0, len(gold)), gold), rows: len(gold)}
}

// Score returns the SI score of pred against g. Its only allocation is
// one scratch slice of len(pred) intervals; use an SIScorer to avoid even
// that.
func (g *SIGold) Score(pred []corpus.Span) SIResult {
	return g.score(mergeInto(make([]interval, 0, len(pred)), pred), len(pred))
}

// SIScorer scores predictions against one gold set, reusing its scratch
// memory across calls so that Score does not allocate once warm. It is not
// safe for concurrent use; give each goroutine its own.
type SIScorer struct {
	Gold *SIGold
	buf  []interval
}

// Score returns the SI score of pred against s.Gold.
func (s *SIScorer) Score(pred []corpus.Span) SIResult {
	s.buf = mergeInto(s.buf, pred)
	return s.Gold.score(s.buf, len(pred))
}

// SI returns the span-identification score of pred against gold, as the
// task defines it. Per article, overlapping spans are merged, gold and
// predicted alike; spans that only touch are not. For every predicted span
// s and gold span t of the same article, with I = |s ∩ t| in code points,
// precision sums I/|s| and recall sums I/|t|; P is the precision sum over
// the number of merged predicted spans and R the recall sum over the
// number of merged gold spans, both over all articles at once. F1 is their
// harmonic mean, 0 when P or R is 0 (so also when either set is empty).
//
// Spans with End <= Start cover nothing and are ignored, though they
// still count as rows in Gold and Predicted.
//
// Predicted spans for articles that have no gold span count as wrong: they
// add to the precision denominator and nothing to either sum. Callers that
// want such predictions refused must check articles themselves (the
// corpus package does when given the gold articles).
//
// To score many predictions against the same gold, prepare it once with
// NewSIGold or use an SIScorer.
func SI(gold, pred []corpus.Span) SIResult {
	return NewSIGold(gold).Score(pred)
}

// score sweeps the sorted, merged predictions and gold together. Within an
// article both lists are disjoint and sorted, so every overlapping pair is
// met by advancing whichever interval ends first: O(n+m).
func (g *SIGold) score(pred []interval, predRows int) SIResult {
	gold := g.merged
	var psum, rsum float64
	i, j := 0, 0
	for i < len(pred) && j < len(gold) {
		p, t := pred[i], gold[j]
		if c := cmp.Compare(p.article, t.article); c != 0 {
			if c < 0 {
				i++
			} else {
				j++
			}
			continue
		}
		if lo, hi := max(p.start, t.start), min(p.end, t.end); lo < hi {
			inter := float64(hi - lo)
			psum += inter / float64(p.end-p.start)
			rsum += inter / float64(t.end-t.start)
		}
		if p.end <= t.end {
			i++
		} else {
			j++
		}
	}
	r := SIResult{
		Gold: g.rows, Predicted: predRows,
		GoldMerged: len(gold), PredictedMerged: len(pred),
	}
	if len(pred) > 0 {
		r.Precision = psum / float64(len(pred))
	}
	if len(gold) > 0 {
		r.Recall = rsum / float64(len(gold))
	}
	r.F1 = f1(r.Precision, r.Recall)
	return r
}

// f1 is the harmonic mean of p and r, 0 when either is 0.
func f1(p, r float64) float64 {
	if p <= 0 || r <= 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
