package analyze

import (
	"unspun/internal/analysis"
	"unspun/internal/doc"
	"unspun/internal/model"
	"unspun/internal/si"
	"unspun/internal/words"
)

// SentenceEvidence is what the span tagger found in each sentence of a
// document and what the sentence itself says, the input of the sentence
// calibration (model.SentenceCalibration): Raw[i] is the probability that
// at least one of the fragments overlapping sentence i is propaganda,
// treating them as independent; Found[i] says whether any fragment
// overlaps it; Mean is the mean raw score over the sentences; Peak[i] is
// the highest probability over its words that a word is inside a span
// (si.Tagged.Prob); Words[i], Loaded[i] and Quoted[i] are the sentence's
// model.Sentence signals.
// Training fits the calibration on the same evidence computed from
// held-out fragments, so both sides must use this function.
type SentenceEvidence struct {
	Raw    []float64
	Found  []bool
	Mean   float64
	Peak   []float64
	Words  []int
	Loaded []int
	Quoted []bool
}

// Sentence returns what the calibration reads about sentence i.
func (ev *SentenceEvidence) Sentence(i int) model.Sentence {
	return model.Sentence{Raw: ev.Raw[i], Mean: ev.Mean, Found: ev.Found[i], Peak: ev.Peak[i],
		Words: ev.Words[i], Loaded: ev.Loaded[i], Quoted: ev.Quoted[i]}
}

// strongValence is the VADER valence (on its −4…4 scale) from which a
// word counts as loaded in model.Sentence.
const strongValence = 2

// Evidence computes the SentenceEvidence of found, fragments of d in text
// order, and prob, the probability of each of d's words that it is inside
// a span (si.Tagged.Prob; nil counts as 0 for every word); tab is d's word
// table (words.New, with or without vectors).
func Evidence(d *doc.Document, tab *words.Table, found []si.Span, prob []float64) SentenceEvidence {
	n := len(d.Sentences)
	ev := SentenceEvidence{Raw: make([]float64, 0, n), Found: make([]bool, 0, n), Peak: make([]float64, 0, n),
		Words: make([]int, 0, n), Loaded: make([]int, 0, n), Quoted: make([]bool, 0, n)}
	k := 0
	sum := 0.0
	for sn, s := range d.Sentences {
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
		nw, nl := 0, 0
		wi, wj := d.SentenceWords(sn)
		peak := 0.0
		if wj <= len(prob) {
			for _, p := range prob[wi:wj] {
				peak = max(peak, p)
			}
		}
		ev.Peak = append(ev.Peak, peak)
		for _, w := range tab.Words[wi:wj] {
			if !w.IsWord {
				continue
			}
			nw++
			if w.Lex|w.Phrase != 0 || w.Superlative || (w.Rated && (w.Valence >= strongValence || w.Valence <= -strongValence)) {
				nl++
			}
		}
		ev.Words = append(ev.Words, nw)
		ev.Loaded = append(ev.Loaded, nl)
		ev.Quoted = append(ev.Quoted, d.QuoteOf(s.Start, s.End) >= 0)
	}
	if len(ev.Raw) > 0 {
		ev.Mean = sum / float64(len(ev.Raw))
	}
	return ev
}

// sentenceScores scores every sentence (see analysis.Sentence) and the
// article, the mean over its sentences: the expected share of its
// sentences that use a technique. found must be in text order, prob is
// the taggers' word probabilities (si.Tagged.Prob); tab is d's word
// table.
func (a *Analyzer) sentenceScores(d *doc.Document, tab *words.Table, found []si.Span, prob []float64) ([]analysis.Sentence, float64) {
	ev := Evidence(d, tab, found, prob)
	out := make([]analysis.Sentence, len(d.Sentences))
	sum := 0.0
	for i, s := range d.Sentences {
		p := a.m.Sentence.Apply(ev.Sentence(i))
		out[i] = analysis.Sentence{Start: s.Start, End: s.End, Score: round(p)}
		sum += p
	}
	if len(out) == 0 {
		return out, 0
	}
	return out, round(sum / float64(len(out)))
}
