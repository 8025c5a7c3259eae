package tc

import "unspun/internal/technique"

// decide applies the decision rules of o to p, the prediction for a span
// whose word sequence occurs repeats times in its article, before of them
// earlier than the span.
//
// In the corpus a phrase that recurs in an article is annotated Repetition
// at its later occurrences. With RepeatMin > 0, a span that occurs at
// least RepeatMin times and is not the first occurrence gets Repetition as
// its most likely technique (it takes half the probability; the others
// keep their order); with RepeatSuppress, any other span loses
// Repetition.
func (o Options) decide(p *Prediction, repeats, before int) {
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
