package score

import "unspun/internal/technique"

// Match pairs the predicted techniques of the rows of one span with its
// gold techniques as the task scores them: as multisets. Every predicted
// technique that a not yet matched gold row carries is a hit, paired with
// that row; the predictions left over are paired with the gold rows left
// over, in order (a confusion table needs a pair for every row). pair,
// when not nil, is called once per pair, hits first. Match returns the
// number of hits; gold and pred must have the same length for the
// leftovers to pair up.
func Match(gold, pred []technique.Technique, pair func(gold, pred technique.Technique)) int {
	var left [technique.Count]int
	for _, t := range gold {
		if t.Valid() {
			left[t]++
		}
	}
	hits := 0
	var missP []technique.Technique
	for _, t := range pred {
		if t.Valid() && left[t] > 0 {
			left[t]--
			hits++
			if pair != nil {
				pair(t, t)
			}
		} else {
			missP = append(missP, t)
		}
	}
	if pair == nil {
		return hits
	}
	k := 0
	for _, t := range gold {
		if t.Valid() && left[t] > 0 {
			left[t]--
			if k < len(missP) {
				pair(t, missP[k])
				k++
			}
		}
	}
	return hits
}

// Assign returns the technique of the k-th row (from 0) of one span in a
// TC submission, given the span's techniques ranked most likely first:
// the k-th most likely, so that the rows of a span differ, the ranking
// starting over past its end (no span has more distinct techniques than
// there are). It is the one rule by which unspun labels repeated rows.
func Assign(ranked []technique.Technique, k int) technique.Technique {
	return ranked[k%len(ranked)]
}
