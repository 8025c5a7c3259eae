package score

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"unspun/internal/corpus"
	"unspun/internal/technique"
)

// TechniqueScore is the score of one technique in a TC evaluation.
type TechniqueScore struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	// Gold is the support: gold rows with this technique. Predicted counts
	// predicted rows with it and Correct the predicted rows matched by a
	// gold row of the same span and technique.
	Gold      int `json:"gold"`
	Predicted int `json:"predicted"`
	Correct   int `json:"correct"`
}

// TCResult is the TC score of predictions against gold. Because every gold
// row gets exactly one predicted row, micro precision, recall and F1 are
// all equal to the accuracy Correct/Rows.
type TCResult struct {
	Precision float64
	Recall    float64
	F1        float64
	Rows      int // gold rows, equal to predicted rows
	Correct   int
	// PerTechnique is indexed by technique.
	PerTechnique [technique.Count]TechniqueScore
	// Confusion[g][p] counts rows of gold technique g predicted p: the
	// matched rows of a span on the diagonal, its other rows paired in
	// the order the predictions give them (see Match). Not in the JSON.
	Confusion [technique.Count][technique.Count]int
}

// MarshalJSON encodes r as
// {"precision":…,"recall":…,"f1":…,"rows":…,"correct":…,"per_technique":{LABEL:{…},…}}
// with every technique present, keyed by its corpus label.
func (r TCResult) MarshalJSON() ([]byte, error) {
	per := make(map[string]TechniqueScore, technique.Count)
	for t, s := range r.PerTechnique {
		per[technique.Technique(t).String()] = s
	}
	return json.Marshal(struct {
		Precision    float64                   `json:"precision"`
		Recall       float64                   `json:"recall"`
		F1           float64                   `json:"f1"`
		Rows         int                       `json:"rows"`
		Correct      int                       `json:"correct"`
		PerTechnique map[string]TechniqueScore `json:"per_technique"`
	}{r.Precision, r.Recall, r.F1, r.Rows, r.Correct, per})
}

// MismatchError reports predictions that do not label exactly the gold
// spans: some span (article, start, end) has a different number of rows in
// the predictions than in the gold.
type MismatchError struct {
	// The first differing span, in article and offset order.
	Article    string
	Start, End int
	Gold       int // rows of that span in the gold
	Predicted  int // rows of that span in the predictions
	// Spans is how many spans differ in all.
	Spans int
}

func (e *MismatchError) Error() string {
	more := ""
	if e.Spans > 1 {
		more = fmt.Sprintf(" (%d spans differ in all)", e.Spans)
	}
	return fmt.Sprintf("predictions must label exactly the gold spans: article %s span [%d,%d) has %d gold row(s) and %d predicted%s",
		e.Article, e.Start, e.End, e.Gold, e.Predicted, more)
}

// row is a TC row reduced to what TC needs.
type row struct {
	article    string
	start, end int
	tech       technique.Technique
}

func compareSpan(a, b row) int {
	if c := cmp.Compare(a.article, b.article); c != 0 {
		return c
	}
	if c := cmp.Compare(a.start, b.start); c != 0 {
		return c
	}
	return cmp.Compare(a.end, b.end)
}

func sortedRows(spans []corpus.Span, what string) ([]row, error) {
	out := make([]row, len(spans))
	for i, s := range spans {
		if !s.HasTechnique || !s.Technique.Valid() {
			return nil, fmt.Errorf("%s row %d (article %s [%d,%d)) has no valid technique", what, i+1, s.Article, s.Start, s.End)
		}
		out[i] = row{s.Article, s.Start, s.End, s.Technique}
	}
	// Stable: the rows of a span keep their order, the predictions' rank.
	slices.SortStableFunc(out, compareSpan)
	return out, nil
}

func techs(rows []row) []technique.Technique {
	out := make([]technique.Technique, len(rows))
	for i, r := range rows {
		out[i] = r.tech
	}
	return out
}

// TC returns the technique-classification score of pred against gold, as
// the task defines it. pred must label exactly the gold spans: the same
// (article, start, end) triples with the same number of rows each, in any
// order; otherwise TC returns a *MismatchError. Rows of the same span are
// matched as multisets of techniques, so a span with gold {A, B} predicted
// {B, A} is fully correct and one predicted {A, A} has one correct row.
//
// Every row must carry a valid technique (HasTechnique).
func TC(gold, pred []corpus.Span) (TCResult, error) {
	g, err := sortedRows(gold, "gold")
	if err != nil {
		return TCResult{}, err
	}
	p, err := sortedRows(pred, "predicted")
	if err != nil {
		return TCResult{}, err
	}
	var r TCResult
	var mismatch *MismatchError
	i, j := 0, 0
	for i < len(g) || j < len(p) {
		// The next span in order and its rows on each side.
		var key row
		switch {
		case i == len(g):
			key = p[j]
		case j == len(p):
			key = g[i]
		case compareSpan(g[i], p[j]) <= 0:
			key = g[i]
		default:
			key = p[j]
		}
		gi, pj := i, j
		for i < len(g) && compareSpan(g[i], key) == 0 {
			i++
		}
		for j < len(p) && compareSpan(p[j], key) == 0 {
			j++
		}
		gs, ps := g[gi:i], p[pj:j]
		if len(gs) != len(ps) {
			if mismatch == nil {
				mismatch = &MismatchError{Article: key.article, Start: key.start, End: key.end, Gold: len(gs), Predicted: len(ps)}
			}
			mismatch.Spans++
			continue
		}
		for _, x := range gs {
			r.PerTechnique[x.tech].Gold++
		}
		for _, x := range ps {
			r.PerTechnique[x.tech].Predicted++
		}
		r.Correct += Match(techs(gs), techs(ps), func(g, p technique.Technique) {
			if g == p {
				r.PerTechnique[g].Correct++
			}
			r.Confusion[g][p]++
		})
	}
	if mismatch != nil {
		return TCResult{}, mismatch
	}
	r.Rows = len(g)
	if r.Rows > 0 {
		r.Precision = float64(r.Correct) / float64(r.Rows)
	}
	r.Recall = r.Precision
	r.F1 = r.Precision
	for t := range r.PerTechnique {
		s := &r.PerTechnique[t]
		if s.Predicted > 0 {
			s.Precision = float64(s.Correct) / float64(s.Predicted)
		}
		if s.Gold > 0 {
			s.Recall = float64(s.Correct) / float64(s.Gold)
		}
		s.F1 = f1(s.Precision, s.Recall)
	}
	return r, nil
}
