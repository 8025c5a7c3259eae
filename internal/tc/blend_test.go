package tc

// TestBlendExperiment mixes the classifier's held-out probabilities with
// those of models of another kind trained on the same folds: multinomial
// naive Bayes over the sparse features, a one-layer MLP over the dense
// vector blocks, k nearest neighbours over the span vector or the sparse
// features (MODEL.md, "Models of another kind beside the classifier"). It
// takes minutes, so it runs only when UNSPUN_TC_BLEND names the models:
//
//	UNSPUN_TC_BLEND=nb,knn,sknn,mlp go test -run TestBlendExperiment -v -timeout 60m ./internal/tc
//
// UNSPUN_TC_KNN sets k (25), UNSPUN_TC_NB_ALPHA the smoothing (0.5),
// UNSPUN_TC_MLP_H/EPOCHS/LR/L2 the MLP.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"unspun/internal/corpus"
	"unspun/internal/embed"
	"unspun/internal/technique"
	"unspun/internal/testenv"
)

func TestBlendExperiment(t *testing.T) {
	comps := os.Getenv("UNSPUN_TC_BLEND")
	if comps == "" {
		t.Skip("set UNSPUN_TC_BLEND=nb,knn,sknn,mlp to run")
	}
	arts, err := corpus.ReadPTC(testenv.PTC(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	vecs, err := embed.BuildFromNPM(filepath.Join(testenv.ModuleRoot(), ".cache", "resources", embed.NPMPackage), 100000)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{}.withDefaults()
	cfg := opts.config(vecs)
	exs, err := examples(arts, vecs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	logits := make([]lp, len(exs))
	for f := range opts.Folds {
		var tr []*example
		for _, e := range exs {
			if e.article%opts.Folds != f {
				tr = append(tr, e)
			}
		}
		m := fit(tr, vecs, cfg, opts)
		for i, e := range exs {
			if e.article%opts.Folds == f {
				logits[i] = m.logits(e)
			}
		}
	}
	blendExperiment(exs, opts.Folds, logits, fitTemperature(exs, logits), opts, strings.Split(comps, ","))
}

func envF(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
		return v
	}
	return def
}

type lp = [technique.Count]float64

func blendExperiment(exs []*example, folds int, lrLogits []lp, temp float64, opts Options, comps []string) {
	const K = technique.Count
	n := len(exs)
	base := make([]lp, n)
	for i := range exs {
		softmax(lrLogits[i][:], 1/temp, base[i][:])
	}
	report := func(name string, probs []lp) {
		ev := evalProbs(exs, probs, opts)
		fmt.Printf("blend %-28s micro %.4f macro %.4f\n", name, ev.MicroF1, ev.MacroF1())
	}
	report("lr", base)
	for _, c := range comps {
		held := make([]lp, n) // logits
		for f := 0; f < folds; f++ {
			var tr, te []int
			for i, e := range exs {
				if e.article%folds == f {
					te = append(te, i)
				} else {
					tr = append(tr, i)
				}
			}
			switch c {
			case "nb":
				nbFold(exs, tr, te, held, envF("UNSPUN_TC_NB_ALPHA", 0.5))
			case "mlp":
				mlpFold(exs, tr, te, held, opts, f)
			case "sknn":
				sknnFold(exs, tr, te, held, int(envF("UNSPUN_TC_KNN", 25)))
			case "knn":
				knnFold(exs, tr, te, held, int(envF("UNSPUN_TC_KNN", 25)))
			default:
				fmt.Println("unknown component", c)
				return
			}
		}
		t := fitTemperature(exs, held)
		px := make([]lp, n)
		for i := range exs {
			softmax(held[i][:], 1/t, px[i][:])
		}
		fmt.Printf("component %s: temperature %.3f nll %.4f\n", c, t, nll(exs, held, t))
		report(c+" alone", px)
		for _, w := range []float64{0.1, 0.2, 0.3, 0.4, 0.5} {
			mix := make([]lp, n)
			geo := make([]lp, n)
			for i := range exs {
				var z lp
				for k := 0; k < K; k++ {
					mix[i][k] = (1-w)*base[i][k] + w*px[i][k]
					z[k] = (1-w)*math.Log(max(base[i][k], 1e-12)) + w*math.Log(max(px[i][k], 1e-12))
				}
				softmax(z[:], 1, geo[i][:])
			}
			report(fmt.Sprintf("%s linear w=%.1f", c, w), mix)
			report(fmt.Sprintf("%s geometric w=%.1f", c, w), geo)
		}
	}
}

func evalProbs(exs []*example, probs []lp, opts Options) Eval {
	var ev Eval
	var p Prediction
	for i, e := range exs {
		p.Probs = probs[i]
		opts.decide(&p, e.repeats, e.before)
		ev.add(e.labels, p)
	}
	ev.finish()
	return ev
}

func nbFold(exs []*example, tr, te []int, out []lp, alpha float64) {
	const K = technique.Count
	counts := map[uint64]*[K]float64{}
	var docs [K]float64
	total := 0.0
	var tot [K]float64
	for _, i := range tr {
		e := exs[i]
		for _, h := range distinct(e) {
			c := counts[h]
			if c == nil {
				c = new([K]float64)
				counts[h] = c
			}
			for _, t := range e.labels {
				c[t]++
				tot[t]++
			}
		}
		for _, t := range e.labels {
			docs[t]++
			total++
		}
	}
	V := float64(len(counts))
	for _, i := range te {
		e := exs[i]
		var z lp
		for t := range z {
			z[t] = math.Log((docs[t] + 1) / (total + K))
		}
		for _, h := range distinct(e) {
			c := counts[h]
			if c == nil {
				continue
			}
			for t := range z {
				z[t] += math.Log((c[t] + alpha) / (tot[t] + alpha*V))
			}
		}
		out[i] = z
	}
}

// distinct returns the distinct feature hashes of e, in first-seen order.
func distinct(e *example) []uint64 {
	seen := make(map[uint64]bool, len(e.fs))
	var out []uint64
	for _, f := range e.fs {
		if !seen[f.hash] {
			seen[f.hash] = true
			out = append(out, f.hash)
		}
	}
	return out
}

func knnFold(exs []*example, tr, te []int, out []lp, k int) {
	const K = technique.Count
	dim := len(exs[0].dense) / denseBlocks
	if dim == 0 {
		return
	}
	norm := func(v []float32) []float64 {
		r := make([]float64, dim)
		s := 0.0
		for j := 0; j < dim; j++ {
			r[j] = float64(v[j])
			s += r[j] * r[j]
		}
		s = math.Sqrt(s) + 1e-9
		for j := range r {
			r[j] /= s
		}
		return r
	}
	trv := make([][]float64, len(tr))
	for a, i := range tr {
		trv[a] = norm(exs[i].dense)
	}
	for _, i := range te {
		q := norm(exs[i].dense)
		best := nearest(k, len(trv), func(a int) float64 {
			s := 0.0
			for j := range q {
				s += q[j] * trv[a][j]
			}
			return s
		})
		out[i] = vote(exs, tr, best, 5)
	}
}

func mlpFold(exs []*example, tr, te []int, out []lp, opts Options, fold int) {
	const K = technique.Count
	D := len(exs[0].dense)
	if D == 0 {
		return
	}
	H := int(envF("UNSPUN_TC_MLP_H", 64))
	epochs := int(envF("UNSPUN_TC_MLP_EPOCHS", 20))
	lr := envF("UNSPUN_TC_MLP_LR", 0.01)
	l2 := envF("UNSPUN_TC_MLP_L2", 1e-4)
	rng := rand.New(rand.NewPCG(uint64(fold), 0x6d6c70))
	w1 := make([]float64, H*D)
	b1 := make([]float64, H)
	w2 := make([]float64, K*H)
	b2 := make([]float64, K)
	for i := range w1 {
		w1[i] = rng.NormFloat64() / math.Sqrt(float64(D))
	}
	for i := range w2 {
		w2[i] = rng.NormFloat64() / math.Sqrt(float64(H))
	}
	// Adam state
	type adam struct{ m, v []float64 }
	mk := func(n int) adam { return adam{make([]float64, n), make([]float64, n)} }
	a1, ab1, a2, ab2 := mk(len(w1)), mk(len(b1)), mk(len(w2)), mk(len(b2))
	step := 0
	upd := func(w, g []float64, s adam) {
		const b1c, b2c = 0.9, 0.999
		c1 := 1 - math.Pow(b1c, float64(step))
		c2 := 1 - math.Pow(b2c, float64(step))
		for i := range w {
			gi := g[i] + l2*w[i]
			s.m[i] = b1c*s.m[i] + (1-b1c)*gi
			s.v[i] = b2c*s.v[i] + (1-b2c)*gi*gi
			w[i] -= lr * (s.m[i] / c1) / (math.Sqrt(s.v[i]/c2) + 1e-8)
		}
	}
	// class weights
	var freq [K]float64
	rows := 0.0
	for _, i := range tr {
		for _, t := range exs[i].labels {
			freq[t]++
			rows++
		}
	}
	var cw [K]float64
	for t := range cw {
		cw[t] = 1
		if freq[t] > 0 {
			cw[t] = math.Pow(rows/(K*freq[t]), 0.3)
		}
	}
	x := make([]float64, D)
	h := make([]float64, H)
	forward := func(e *example, z *lp) {
		for j := 0; j < D; j++ {
			x[j] = float64(e.dense[j]) / denseScale
		}
		for u := 0; u < H; u++ {
			s := b1[u]
			row := w1[u*D : u*D+D]
			for j, v := range x {
				s += row[j] * v
			}
			h[u] = math.Tanh(s)
		}
		for t := 0; t < K; t++ {
			s := b2[t]
			row := w2[t*H : t*H+H]
			for u, v := range h {
				s += row[u] * v
			}
			z[t] = s
		}
	}
	const batch = 32
	g1, gb1, g2, gb2 := make([]float64, len(w1)), make([]float64, H), make([]float64, len(w2)), make([]float64, K)
	gh := make([]float64, H)
	order := append([]int(nil), tr...)
	for ep := 0; ep < epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for bs := 0; bs < len(order); bs += batch {
			clear(g1)
			clear(gb1)
			clear(g2)
			clear(gb2)
			be := min(bs+batch, len(order))
			for _, i := range order[bs:be] {
				e := exs[i]
				var z, p lp
				forward(e, &z)
				softmax(z[:], 1, p[:])
				var dz lp
				for _, lab := range e.labels {
					for t := range dz {
						y := 0.0
						if technique.Technique(t) == lab {
							y = 1
						}
						dz[t] += cw[lab] * (p[t] - y)
					}
				}
				clear(gh)
				for t := 0; t < K; t++ {
					gb2[t] += dz[t]
					row := w2[t*H : t*H+H]
					grow := g2[t*H : t*H+H]
					for u := range h {
						grow[u] += dz[t] * h[u]
						gh[u] += dz[t] * row[u]
					}
				}
				for u := 0; u < H; u++ {
					d := gh[u] * (1 - h[u]*h[u])
					gb1[u] += d
					grow := g1[u*D : u*D+D]
					for j, v := range x {
						grow[j] += d * v
					}
				}
			}
			inv := 1 / float64(be-bs)
			for _, g := range [][]float64{g1, gb1, g2, gb2} {
				for i := range g {
					g[i] *= inv
				}
			}
			step++
			upd(w1, g1, a1)
			upd(b1, gb1, ab1)
			upd(w2, g2, a2)
			upd(b2, gb2, ab2)
		}
	}
	for _, i := range te {
		var z lp
		forward(exs[i], &z)
		out[i] = z
	}
}

// sknnFold: k nearest neighbours by idf-weighted cosine over the sparse
// features (binary), through an inverted index.
func sknnFold(exs []*example, tr, te []int, out []lp, k int) {
	df := map[uint64]float64{}
	for _, i := range tr {
		for _, h := range distinct(exs[i]) {
			df[h]++
		}
	}
	N := float64(len(tr))
	idf := func(h uint64) float64 { return math.Log((N + 1) / (df[h] + 1)) }
	type post struct {
		a int
		w float64
	}
	inv := map[uint64][]post{}
	norms := make([]float64, len(tr))
	for a, i := range tr {
		for _, h := range distinct(exs[i]) {
			w := idf(h)
			inv[h] = append(inv[h], post{a, w})
			norms[a] += w * w
		}
		norms[a] = math.Sqrt(norms[a]) + 1e-9
	}
	sims := make([]float64, len(tr))
	for _, i := range te {
		clear(sims)
		qn := 0.0
		for _, h := range distinct(exs[i]) {
			if df[h] == 0 {
				continue
			}
			w := idf(h)
			qn += w * w
			for _, p := range inv[h] {
				sims[p.a] += w * p.w
			}
		}
		qn = math.Sqrt(qn) + 1e-9
		best := nearest(k, len(sims), func(a int) float64 {
			if sims[a] == 0 {
				return math.Inf(-1)
			}
			return sims[a] / (qn * norms[a])
		})
		out[i] = vote(exs, tr, best, envF("UNSPUN_TC_SKNN_SHARP", 5))
	}
}

// neighbour is a training span (its index in the fold's training rows)
// and its similarity to the span scored.
type neighbour struct {
	s float64
	a int
}

// nearest returns the k of n training spans most similar by sim, most
// similar first; spans at -Inf are never chosen.
func nearest(k, n int, sim func(a int) float64) []neighbour {
	best := make([]neighbour, 0, k+1)
	for a := range n {
		s := sim(a)
		if math.IsInf(s, -1) || (len(best) == k && s <= best[len(best)-1].s) {
			continue
		}
		best = append(best, neighbour{s, a})
		for b := len(best) - 1; b > 0 && best[b].s > best[b-1].s; b-- {
			best[b], best[b-1] = best[b-1], best[b]
		}
		if len(best) > k {
			best = best[:k]
		}
	}
	return best
}

// vote returns the log-distribution of the neighbours' techniques, each
// weighted by exp(sharp·similarity), with a small floor for every
// technique.
func vote(exs []*example, tr []int, best []neighbour, sharp float64) lp {
	var c lp
	for t := range c {
		c[t] = 0.1
	}
	for _, b := range best {
		e := exs[tr[b.a]]
		w := math.Exp(sharp * b.s)
		for _, t := range e.labels {
			c[t] += w / float64(len(e.labels))
		}
	}
	s := 0.0
	for _, v := range c {
		s += v
	}
	for t := range c {
		c[t] = math.Log(c[t] / s)
	}
	return c
}
