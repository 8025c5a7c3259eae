package tc

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"unspun/internal/corpus"
	"unspun/internal/score"
	"unspun/internal/technique"
)

// Eval is the technique-classification score of a model on gold spans, as
// SemEval-2020 Task 11 defines it: one prediction per gold row, rows of
// the same span matched as a multiset of labels (score.Match).
type Eval struct {
	Rows, Correct int
	// MicroF1 equals accuracy, since every row gets one prediction.
	MicroF1 float64
	// Gold[t], Pred[t] and Hit[t] count rows per technique.
	Gold, Pred, Hit [technique.Count]int
	// Confusion[g][p] counts rows of gold g predicted p; matched rows lie
	// on the diagonal, the unmatched ones of a span are paired in rank
	// order.
	Confusion [technique.Count][technique.Count]int
	// Reliability is the top technique's probability against whether a
	// gold row of the span carries it, one answer per gold row; ECE is its
	// expected calibration error.
	Reliability score.Reliability
	ECE         float64
	// Second[i] counts, for the ratio SecondRatios[i], the spans whose
	// second most likely technique has at least that ratio of the first's
	// probability (Offered) and those of them whose gold rows carry it
	// (Right): how often a second technique shown beside the first would
	// be one an annotator gave. MultiGold counts the spans with two or
	// more distinct gold techniques.
	Second    [len(SecondRatios)]struct{ Offered, Right int }
	MultiGold int
	Spans     int
}

// SecondRatios are the ratios Eval.Second is measured at.
var SecondRatios = [...]float64{0.3, 0.5, 0.7, 0.9}

// add scores the prediction p for one span whose gold rows are gold.
func (ev *Eval) add(gold []technique.Technique, p Prediction) {
	pred := p.Assign(len(gold))
	ev.Rows += len(gold)
	for _, t := range gold {
		ev.Gold[t]++
	}
	for _, t := range pred {
		ev.Pred[t]++
	}
	ev.Correct += score.Match(gold, pred, func(g, q technique.Technique) {
		if g == q {
			ev.Hit[g]++
		}
		ev.Confusion[g][q]++
	})
	top, pr := p.Top()
	for _, t := range gold {
		ev.Reliability.Add(pr, t == top)
	}
	ev.Spans++
	if slices.ContainsFunc(gold, func(t technique.Technique) bool { return t != gold[0] }) {
		ev.MultiGold++
	}
	r := p.Ranked()
	for i, ratio := range SecondRatios {
		if p.Probs[r[1]] >= ratio*p.Probs[r[0]] {
			ev.Second[i].Offered++
			if slices.Contains(gold, r[1]) {
				ev.Second[i].Right++
			}
		}
	}
}

// finish sets the figures derived from the counts.
func (ev *Eval) finish() {
	if ev.Rows > 0 {
		ev.MicroF1 = float64(ev.Correct) / float64(ev.Rows)
	}
	ev.ECE = ev.Reliability.ECE()
}

// Evaluate classifies every gold span of arts (rows with a technique) and
// scores the predictions.
func Evaluate(m *Model, arts []*corpus.Article) Eval {
	var ev Eval
	for _, a := range arts {
		type key struct{ s, e int }
		groups := map[key][]technique.Technique{}
		var order []key
		for _, sp := range a.Spans {
			if !sp.HasTechnique {
				continue
			}
			k := key{sp.Start, sp.End}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], sp.Technique)
		}
		for _, k := range order {
			ev.add(groups[k], m.Classify(a.Doc, k.s, k.e))
		}
	}
	ev.finish()
	return ev
}

// PRF returns precision, recall and F1 of technique t.
func (ev *Eval) PRF(t technique.Technique) (p, r, f float64) {
	if ev.Pred[t] > 0 {
		p = float64(ev.Hit[t]) / float64(ev.Pred[t])
	}
	if ev.Gold[t] > 0 {
		r = float64(ev.Hit[t]) / float64(ev.Gold[t])
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// MacroF1 returns the mean F1 over the techniques that have gold rows.
func (ev *Eval) MacroF1() float64 {
	s, n := 0.0, 0
	for _, t := range technique.All() {
		if ev.Gold[t] == 0 {
			continue
		}
		_, _, f := ev.PRF(t)
		s += f
		n++
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

// Report writes the scores as plain-text tables: overall, per technique,
// the confusion table and the reliability table.
func (ev *Eval) Report(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "micro-F1 %.4f (%d/%d rows)   macro-F1 %.4f   ECE %.4f\n\n", ev.MicroF1, ev.Correct, ev.Rows, ev.MacroF1(), ev.ECE)
	fmt.Fprintf(&b, "%-36s %5s %5s %6s %6s %6s\n", "technique", "gold", "pred", "P", "R", "F1")
	for _, t := range technique.All() {
		p, r, f := ev.PRF(t)
		fmt.Fprintf(&b, "%-36s %5d %5d %6.3f %6.3f %6.3f\n", t.Info().Label, ev.Gold[t], ev.Pred[t], p, r, f)
	}
	b.WriteString("\nconfusion (rows gold, columns predicted, in technique order)\n")
	for _, g := range technique.All() {
		fmt.Fprintf(&b, "%-8.8s", g.Info().Label)
		for _, p := range technique.All() {
			fmt.Fprintf(&b, " %4d", ev.Confusion[g][p])
		}
		b.WriteByte('\n')
	}
	b.WriteString("\nreliability (top technique)\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return ev.Reliability.WriteTable(w)
}
