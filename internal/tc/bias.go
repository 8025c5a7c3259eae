package tc

import (
	"math"

	"unspun/internal/score"
	"unspun/internal/technique"
)

// BiasObjective names what the per-technique logit bias (a decision rule
// fitted on held-out predictions, see fitBias) maximises.
type BiasObjective int

const (
	// BiasDefault is the zero value: DefaultBias.
	BiasDefault BiasObjective = iota
	// BiasNone fits no bias.
	BiasNone
	// BiasMicro maximises micro-F1 (accuracy over rows).
	BiasMicro
	// BiasMacro maximises macro-F1 over the techniques.
	BiasMacro
	// BiasBoth maximises micro-F1 plus macro-F1.
	BiasBoth
	// BiasPrior minimises the log-loss with rows weighted by inverse
	// technique frequency to the power Options.BiasWeight (fitPriorBias).
	BiasPrior
)

// DefaultBias is the bias objective of the zero Options.
const DefaultBias = BiasNone

// biasGrid are the values coordinate ascent tries for each technique's
// bias, in logit units (the logits of a calibrated model are within a
// few units of each other).
var biasGrid = func() []float64 {
	var g []float64
	for i := -20; i <= 20; i++ {
		g = append(g, float64(i)/10)
	}
	return g
}()

// fitBias returns the per-technique additive logit bias that maximises
// obj over the examples exs with held-out logits logits (only those with
// use[i] set), under the decision rules of rules: coordinate ascent over
// biasGrid, technique by technique, until a round changes nothing (at
// most a few rounds). Ties keep the smaller bias, so a technique the
// objective is indifferent to keeps 0.
func fitBias(exs []*example, logits [][technique.Count]float64, use func(i int) bool, obj BiasObjective, rules Options) [technique.Count]float64 {
	const K = technique.Count
	var b [K]float64
	switch obj {
	case BiasNone, BiasDefault:
		return b
	case BiasPrior:
		return fitPriorBias(exs, logits, use, rules.BiasWeight)
	}
	var gold [K]int
	rows := 0
	var idx []int
	for i, e := range exs {
		if !use(i) {
			continue
		}
		idx = append(idx, i)
		for _, t := range e.labels {
			gold[t]++
			rows++
		}
	}
	if rows == 0 {
		return b
	}
	eval := func() float64 {
		var pred, hit [K]int
		correct := 0
		var p Prediction
		var z [K]float64
		for _, i := range idx {
			e := exs[i]
			for t := range z {
				z[t] = logits[i][t] + b[t]
			}
			softmax(z[:], 1, p.Probs[:])
			rules.decide(&p, e.repeats, e.before)
			if len(e.labels) == 1 {
				top, _ := p.Top()
				pred[top]++
				if top == e.labels[0] {
					hit[top]++
					correct++
				}
				continue
			}
			pr := p.Assign(len(e.labels))
			for _, t := range pr {
				pred[t]++
			}
			correct += score.Match(e.labels, pr, func(g, q technique.Technique) {
				if g == q {
					hit[g]++
				}
			})
		}
		micro := float64(correct) / float64(rows)
		macro, n := 0.0, 0
		for t := range gold {
			if gold[t] == 0 {
				continue
			}
			n++
			if pred[t] > 0 && hit[t] > 0 {
				pp, rr := float64(hit[t])/float64(pred[t]), float64(hit[t])/float64(gold[t])
				macro += 2 * pp * rr / (pp + rr)
			}
		}
		macro /= float64(n)
		switch obj {
		case BiasMicro:
			return micro
		case BiasMacro:
			return macro
		default:
			return micro + macro
		}
	}
	best := eval()
	for round := 0; round < 4; round++ {
		changed := false
		for t := range b {
			cur := b[t]
			bt := cur
			for _, v := range biasGrid {
				if v == cur {
					continue
				}
				b[t] = v
				s := eval()
				if s > best+1e-12 || s > best-1e-12 && math.Abs(v) < math.Abs(bt) {
					best, bt = max(s, best), v
				}
			}
			b[t] = bt
			changed = changed || bt != cur
		}
		if !changed {
			break
		}
	}
	return b
}

// fitPriorBias returns the per-technique logit bias that minimises the
// held-out log-loss of the examples with use[i] set, each row weighted by
// its technique's inverse frequency to the power alpha (0: the plain
// log-loss; larger: rarer techniques count more). The loss is convex in
// the bias, so gradient descent finds its one minimum and, unlike an F1
// objective, the answer moves little with the folds.
func fitPriorBias(exs []*example, logits [][technique.Count]float64, use func(i int) bool, alpha float64) [technique.Count]float64 {
	const K = technique.Count
	var b [K]float64
	var freq [K]float64
	rows := 0.0
	for i, e := range exs {
		if use(i) {
			for _, t := range e.labels {
				freq[t]++
				rows++
			}
		}
	}
	if rows == 0 {
		return b
	}
	var cw [K]float64
	for t := range cw {
		if freq[t] > 0 {
			cw[t] = math.Pow(rows/(K*freq[t]), alpha)
		}
	}
	var p [K]float64
	var z [K]float64
	for iter := 0; iter < 300; iter++ {
		var g [K]float64
		wsum := 0.0
		for i, e := range exs {
			if !use(i) {
				continue
			}
			for t := range z {
				z[t] = logits[i][t] + b[t]
			}
			softmax(z[:], 1, p[:])
			for _, y := range e.labels {
				w := cw[y]
				wsum += w
				for t := range g {
					g[t] += w * p[t]
				}
				g[y] -= w
			}
		}
		step := 0.0
		for t := range b {
			g[t] /= wsum
			b[t] -= 4 * g[t]
			step = max(step, math.Abs(g[t]))
		}
		if step < 1e-5 {
			break
		}
	}
	// Softmax ignores a common shift: centre the bias.
	mean := 0.0
	for _, v := range b {
		mean += v / K
	}
	for t := range b {
		b[t] -= mean
	}
	return b
}
