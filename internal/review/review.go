// Package review checks a person's review of an article's highlights,
// measures how it agrees with the model's, and orders articles by how
// much a review of them would teach the model.
//
// A review is the article's corrected set of fragments, in code points;
// fragments may overlap, and one fragment may carry two techniques (two
// spans with the same offsets), as in the corpus.
package review

import (
	"fmt"
	"sort"
	"unicode/utf8"

	"unspun/internal/analysis"
	"unspun/internal/technique"
)

// Span is one fragment of a review.
type Span struct {
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Technique string `json:"technique"`
}

// Error is an invalid span of a review: which one (0-based) and why.
type Error struct {
	Index  int
	Span   Span
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("span %d (%d–%d %q): %s", e.Index+1, e.Span.Start, e.Span.End, e.Span.Technique, e.Reason)
}

// MaxSpans bounds the fragments of one review.
const MaxSpans = 5000

// Validate checks spans against the article's text: offsets are code
// points with 0 ≤ start < end ≤ the text's length, and every technique
// is one of the 14 corpus labels. It returns an *Error for the first bad
// span.
func Validate(text string, spans []Span) error {
	if len(spans) > MaxSpans {
		return &Error{Index: MaxSpans, Reason: fmt.Sprintf("more than %d spans", MaxSpans)}
	}
	n := utf8.RuneCountInString(text)
	for i, s := range spans {
		fail := func(format string, args ...any) error {
			return &Error{Index: i, Span: s, Reason: fmt.Sprintf(format, args...)}
		}
		switch {
		case s.Start < 0:
			return fail("negative start")
		case s.End <= s.Start:
			return fail("end is not after start")
		case s.End > n:
			return fail("end is past the end of the text (%d code points)", n)
		}
		if _, err := technique.Parse(s.Technique); err != nil {
			return fail("unknown technique: want one of the 14 corpus labels, such as %q", technique.LoadedLanguage.String())
		}
	}
	return nil
}

// Counts is how a review treated one technique's highlights.
type Counts struct {
	// Highlights is how many fragments the model gave the technique.
	Highlights int `json:"highlights"`
	// Accepted: the reviewer kept the technique on an overlapping fragment.
	Accepted int `json:"accepted"`
	// Relabelled: the reviewer kept an overlapping fragment with other
	// techniques only.
	Relabelled int `json:"relabelled"`
	// Rejected: no fragment of the review overlaps it.
	Rejected int `json:"rejected"`
	// Added is how many of the review's fragments with the technique
	// overlap no model fragment: what the model missed.
	Added int `json:"added"`
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Highlights += o.Highlights
	c.Accepted += o.Accepted
	c.Relabelled += o.Relabelled
	c.Rejected += o.Rejected
	c.Added += o.Added
}

// Agreement compares a review with the model's spans, per technique
// (indexed by technique). A model fragment is matched to the review's
// fragments that overlap it, so a boundary the reviewer adjusted still
// counts as accepted. Each technique a model span is given (its
// Techniques, or Technique) counts as a highlight.
func Agreement(model []analysis.Span, rev []Span) [technique.Count]Counts {
	var out [technique.Count]Counts
	revT := make([]technique.Technique, len(rev))
	valid := make([]bool, len(rev))
	for i, r := range rev {
		t, err := technique.Parse(r.Technique)
		revT[i], valid[i] = t, err == nil
	}
	overlaps := func(a, b, c, d int) bool { return a < d && c < b }
	for _, m := range model {
		for _, t := range Techniques(m) {
			c := &out[t]
			c.Highlights++
			any, same := false, false
			for i, r := range rev {
				if valid[i] && overlaps(m.Start, m.End, r.Start, r.End) {
					any = true
					same = same || revT[i] == t
				}
			}
			switch {
			case same:
				c.Accepted++
			case any:
				c.Relabelled++
			default:
				c.Rejected++
			}
		}
	}
	for i, r := range rev {
		if !valid[i] {
			continue
		}
		missed := true
		for _, m := range model {
			if overlaps(m.Start, m.End, r.Start, r.End) {
				missed = false
				break
			}
		}
		if missed {
			out[revT[i]].Added++
		}
	}
	return out
}

// Techniques returns the techniques a model span is given.
func Techniques(s analysis.Span) []technique.Technique {
	if len(s.Techniques) == 0 {
		if s.Technique.Valid() {
			return []technique.Technique{s.Technique}
		}
		return nil
	}
	out := make([]technique.Technique, 0, len(s.Techniques))
	for _, a := range s.Techniques {
		if a.Technique.Valid() {
			out = append(out, a.Technique)
		}
	}
	return out
}

// Priority is how much a review of res would teach the model, in [0,1]:
// the larger of its most uncertain fragment's technique (one minus the
// margin between its two most likely techniques) and its sentence closest
// to the decision threshold (one minus twice the distance of its score
// from 0.5). An article without fragments or sentences has priority 0.
func Priority(res *analysis.Result) float64 {
	best := 0.0
	for _, s := range res.Spans {
		var probs []float64
		for _, a := range s.Techniques {
			probs = append(probs, a.Confidence)
		}
		if len(probs) == 0 {
			probs = append(probs, s.Confidence)
		}
		for _, a := range s.Alternatives {
			probs = append(probs, a.Confidence)
		}
		sort.Sort(sort.Reverse(sort.Float64Slice(probs)))
		second := 0.0
		if len(probs) > 1 {
			second = probs[1]
		}
		best = max(best, 1-(probs[0]-second))
	}
	for _, s := range res.Sentences {
		d := s.Score - 0.5
		if d < 0 {
			d = -d
		}
		best = max(best, 1-2*d)
	}
	return min(max(best, 0), 1)
}
