package tc

import (
	"fmt"
	"io"
	"math"
	"strings"

	"unspun/internal/corpus"
	"unspun/internal/technique"
)

// Eval is the technique-classification score of a model on gold spans, as
// SemEval-2020 Task 11 defines it: one prediction per gold row, rows of
// the same span matched as a multiset of labels.
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
	// ECE is the expected calibration error of the top technique over ten
	// confidence bins; Reliability holds those bins.
	ECE         float64
	Reliability [10]Bin
}

// Bin is one confidence bin of a reliability table.
type Bin struct {
	Rows       int
	Confidence float64 // mean predicted probability
	Accuracy   float64 // fraction of rows whose gold is the top technique
}

// Evaluate classifies every gold span of arts (rows with a technique) and
// scores the predictions.
func Evaluate(m *Model, arts []*corpus.Article) Eval {
	var ev Eval
	var conf, acc [10]float64
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
			gold := groups[k]
			p := m.Classify(a.Doc, k.s, k.e)
			pred := p.Assign(len(gold))
			ev.Rows += len(gold)
			var g [technique.Count]int
			for _, t := range gold {
				g[t]++
				ev.Gold[t]++
			}
			var missG, missP []technique.Technique
			for _, t := range pred {
				ev.Pred[t]++
				if g[t] > 0 {
					g[t]--
					ev.Hit[t]++
					ev.Correct++
					ev.Confusion[t][t]++
				} else {
					missP = append(missP, t)
				}
			}
			for _, t := range gold {
				if g[t] > 0 {
					g[t]--
					missG = append(missG, t)
				}
			}
			for i := range missG {
				ev.Confusion[missG[i]][missP[i]]++
			}
			top, pr := p.Top()
			b := min(int(pr*10), 9)
			for _, t := range gold {
				ev.Reliability[b].Rows++
				conf[b] += pr
				if t == top {
					acc[b]++
				}
			}
		}
	}
	if ev.Rows > 0 {
		ev.MicroF1 = float64(ev.Correct) / float64(ev.Rows)
	}
	for b := range ev.Reliability {
		r := &ev.Reliability[b]
		if r.Rows == 0 {
			continue
		}
		r.Confidence = conf[b] / float64(r.Rows)
		r.Accuracy = acc[b] / float64(r.Rows)
		ev.ECE += math.Abs(acc[b]-conf[b]) / float64(ev.Rows)
	}
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

// Report writes the scores as plain-text tables: overall, per technique,
// the confusion table and the reliability table.
func (ev *Eval) Report(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "micro-F1 %.4f (%d/%d rows)   ECE %.4f\n\n", ev.MicroF1, ev.Correct, ev.Rows, ev.ECE)
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
	b.WriteString("\nreliability (top technique)\n  bin        rows  conf   acc\n")
	for i, r := range ev.Reliability {
		fmt.Fprintf(&b, "  %.1f–%.1f %6d %5.3f %5.3f\n", float64(i)/10, float64(i+1)/10, r.Rows, r.Confidence, r.Accuracy)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
