package analyze

import (
	"unspun/internal/analysis"
	"unspun/internal/doc"
	"unspun/internal/si"
)

// SentenceEvidence is what the span tagger found in each sentence of a
// document, the input of the sentence calibration (model.SentenceCalibration):
// Raw[i] is the probability that at least one of the fragments overlapping
// sentence i is propaganda, treating them as independent; Found[i] says
// whether any fragment overlaps it; Mean is the mean raw score over the
// sentences. Training fits the calibration on the same evidence computed
// from held-out fragments, so both sides must use this function.
type SentenceEvidence struct {
	Raw   []float64
	Found []bool
	Mean  float64
}

// Evidence computes the SentenceEvidence of found, fragments of d in text
// order.
func Evidence(d *doc.Document, found []si.Span) SentenceEvidence {
	ev := SentenceEvidence{Raw: make([]float64, 0, len(d.Sentences)), Found: make([]bool, 0, len(d.Sentences))}
	k := 0
	sum := 0.0
	for _, s := range d.Sentences {
		for k < len(found) && found[k].End <= s.Start {
			k++
		}
		none, any := 1.0, false
		for j := k; j < len(found) && found[j].Start < s.End; j++ {
			if found[j].End > s.Start && found[j].End > found[j].Start {
				none *= 1 - clamp01(found[j].Score)
				any = true
			}
		}
		ev.Raw = append(ev.Raw, 1-none)
		ev.Found = append(ev.Found, any)
		sum += 1 - none
	}
	if len(ev.Raw) > 0 {
		ev.Mean = sum / float64(len(ev.Raw))
	}
	return ev
}

// sentenceScores scores every sentence (see analysis.Sentence) and the
// article, the mean over its sentences: the expected share of its
// sentences that use a technique. found must be in text order.
func (a *Analyzer) sentenceScores(d *doc.Document, found []si.Span) ([]analysis.Sentence, float64) {
	ev := Evidence(d, found)
	out := make([]analysis.Sentence, len(d.Sentences))
	sum := 0.0
	for i, s := range d.Sentences {
		p := a.m.Sentence.Apply(ev.Raw[i], ev.Mean, ev.Found[i])
		out[i] = analysis.Sentence{Start: s.Start, End: s.End, Score: round(p)}
		sum += p
	}
	if len(out) == 0 {
		return out, 0
	}
	return out, round(sum / float64(len(out)))
}
