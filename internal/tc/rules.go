package tc

import "unspun/internal/technique"

// decide applies the decision rules of o to p, the prediction for a span
// whose word sequence occurs repeats times in its article, before of them
// earlier than the span.
//
// A zero RepeatMin means DefaultRepeatMin, a negative one no rule.
//
// In the corpus a phrase that recurs in an article is annotated Repetition
// at its later occurrences. With RepeatMin > 0, a span that occurs at
// least RepeatMin times and is not the first occurrence gets Repetition as
// its most likely technique (it takes half the probability; the others
// keep their order); with RepeatSuppress, any other span loses
// Repetition.
func (o Options) decide(p *Prediction, repeats, before int) {
	if o.RepeatMin == 0 {
		o.RepeatMin = DefaultRepeatMin
	}
	if o.RepeatMin <= 0 {
		return
	}
	const R = technique.Repetition
	switch {
	case repeats >= o.RepeatMin && before >= 1:
		p.Probs[R] += 1
		scale(p, 0.5)
	case o.RepeatSuppress && p.Probs[R] < 1:
		p.Probs[R] = 0
		scale(p, 1/sum(p))
	}
}

func sum(p *Prediction) float64 {
	s := 0.0
	for _, v := range p.Probs {
		s += v
	}
	return s
}

func scale(p *Prediction, f float64) {
	for t := range p.Probs {
		p.Probs[t] *= f
	}
}

// SecondRatio is how close, as a share of the most likely technique's
// probability, the second most likely one must come for a fragment to be
// given both (the corpus gives some fragments two techniques). On
// cross-validated held-out predictions over all articles the second
// technique is one the annotators gave about 31% of the time at any ratio
// from 0.3 to 0.9, and only 41 of 6,087 gold spans carry two techniques,
// so it is given only for a near tie (MODEL.md, "Technique
// classification: cross-validation over 371").
const SecondRatio = 0.9

// Techniques returns the techniques a fragment is given, most likely
// first: the top one, and the second when its probability is at least
// SecondRatio of the first's.
func (p Prediction) Techniques() []technique.Technique {
	r := p.Ranked()
	if p.Probs[r[1]] >= SecondRatio*p.Probs[r[0]] {
		return r[:2]
	}
	return r[:1]
}

// DefaultRepeatMin is the Repetition rule every model applies when it
// classifies (Article.Classify) and cross-validation scores: a later
// occurrence of a span that occurs at least 3 times in its article is
// Repetition. Over 3×5-fold cross-validation on all 371 articles it
// raised micro-F1 in every repeat (+0.0010, +0.0021, +0.0036; same folds,
// same models); ≥ 2 occurrences, or taking Repetition from other spans,
// lowered it.
const DefaultRepeatMin = 3

// rules are the decision rules Classify applies.
var rules = Options{}
