package si

import "math"

// Tags of the BIO scheme the tagger decodes.
const (
	tagO = iota // outside any propaganda span
	tagB        // first token of a span
	tagI        // inside a span, after its first token
	nTags
)

// crf holds the parameters of a linear-chain conditional random field over
// BIO tags: emission weights per sparse feature row and per dense value,
// and transition and start scores.
type crf struct {
	bits  uint32
	w     []float32 // (1<<bits) rows × nTags
	dense []float32 // denseDim rows × nTags
	trans [nTags * nTags]float32
	start [nTags]float32
	// proj caches the dense projections of the most frequent words
	// (see Model.prepareTagging); derived from dense, never stored.
	proj []float32
	// denseT is dense transposed (see transposeDense), for projectVec;
	// set by Model.prepareTagging, derived, never stored.
	denseT []float32
	// col, when positive, is 1 + the offset of the CRF's weights in its
	// model's interleaved sparse table (Model.sparse); 0 for CRFs outside
	// one, such as cross-validation's.
	col int
}

func newCRF(bits uint32, denseDim int) *crf {
	return &crf{bits: bits, w: make([]float32, (1<<bits)*nTags), dense: make([]float32, denseDim*nTags)}
}

// emit adds the emission scores of one token, given its sparse feature rows
// and dense values, to e (nTags values).
func (c *crf) emit(rows []feat, x []float32, e []float64) {
	var s [nTags]float32
	for _, f := range rows {
		w := c.w[f.row*nTags : f.row*nTags+nTags]
		s[0] += w[0]
		s[1] += w[1]
		s[2] += w[2]
	}
	for k, v := range x {
		if v == 0 {
			continue
		}
		w := c.dense[k*nTags : k*nTags+nTags]
		s[0] += v * w[0]
		s[1] += v * w[1]
		s[2] += v * w[2]
	}
	for y := range nTags {
		e[y] = float64(s[y])
	}
}

// forwardBackward computes the tag marginals of a sequence of n tokens
// with emission scores e (n×nTags) into marg (n×nTags), using alpha and
// beta as scratch (n×nTags each). When pair is not nil it also
// accumulates the expected transition counts into it. It returns log Z.
//
// It works with probabilities rescaled at every token rather than in log
// space: three exponentials and one logarithm per token instead of about
// thirty, which made it the largest part of tagging. Each token's
// emissions are shifted by their maximum before exponentiation and the
// forward values renormalised to sum to one, so nothing overflows or
// underflows; the shifts and scales add up to log Z. The scales are
// multiplied and their logarithm taken only when the product nears the
// ends of float64's range: tagging never reads log Z, and a logarithm per
// token was a tenth of forwardBackward.
func (c *crf) forwardBackward(e, alpha, beta, marg []float64, n int, pair *[nTags * nTags]float64) float64 {
	if n == 0 {
		return 0
	}
	ex := c.exps()
	return c.forwardBackwardExp(&ex, e, alpha, beta, marg, n, pair)
}

// crfExps are the exponentials of a CRF's transition and start scores.
type crfExps struct {
	tr    [nTags * nTags]float64
	start [nTags]float64
}

// exps returns the exponentials of c's transition and start scores, which
// forwardBackwardExp reads: tagging computes them once per article
// instead of once per sentence.
func (c *crf) exps() crfExps {
	var x crfExps
	for i, v := range c.trans {
		x.tr[i] = math.Exp(float64(v))
	}
	for y := range nTags {
		x.start[y] = math.Exp(float64(c.start[y]))
	}
	return x
}

// forwardBackwardExp is forwardBackward with c's exponentials ex (exps).
func (c *crf) forwardBackwardExp(ex *crfExps, e, alpha, beta, marg []float64, n int, pair *[nTags * nTags]float64) float64 {
	if n == 0 {
		return 0
	}
	tr := &ex.tr
	// Forward. marg[t] holds the shifted exponentiated emissions ψ_t
	// until the backward pass replaces them, and beta[t][0] the scale c_t.
	var logZ float64
	prod := 1.0 // the scales c_t not yet in logZ
	for t := range n {
		em := e[t*nTags : t*nTags+nTags]
		m := max(em[0], em[1], em[2])
		psi := marg[t*nTags : t*nTags+nTags]
		for y := range nTags {
			// The largest emission's is exp(0) = 1, exactly: one
			// exponential in three spared.
			if em[y] == m {
				psi[y] = 1
			} else {
				psi[y] = math.Exp(em[y] - m)
			}
		}
		a := alpha[t*nTags : t*nTags+nTags]
		if t == 0 {
			for y := range nTags {
				a[y] = ex.start[y] * psi[y]
			}
		} else {
			p := alpha[(t-1)*nTags : t*nTags]
			for y := range nTags {
				a[y] = psi[y] * (p[0]*tr[y] + p[1]*tr[nTags+y] + p[2]*tr[2*nTags+y])
			}
		}
		s := a[0] + a[1] + a[2]
		inv := 1 / s
		a[0], a[1], a[2] = a[0]*inv, a[1]*inv, a[2]*inv
		beta[t*nTags] = s
		logZ += m
		if prod *= s; prod > 1e150 || prod < 1e-150 {
			logZ += math.Log(prod)
			prod = 1
		}
	}
	logZ += math.Log(prod)
	// Backward: β̂_{t-1}(y) = Σ_q tr(y,q) ψ_t(q) β̂_t(q) / c_t, and the
	// marginal of token t is α̂_t β̂_t.
	b := beta[(n-1)*nTags : n*nTags]
	scale := b[0]
	b[0], b[1], b[2] = 1, 1, 1
	for t := n - 1; t >= 1; t-- {
		bt := beta[t*nTags : t*nTags+nTags]
		psi := marg[t*nTags : t*nTags+nTags]
		var u [nTags]float64
		for q := range nTags {
			u[q] = psi[q] * bt[q] / scale
		}
		prev := beta[(t-1)*nTags : t*nTags]
		scale = prev[0]
		for y := range nTags {
			prev[y] = tr[y*nTags]*u[0] + tr[y*nTags+1]*u[1] + tr[y*nTags+2]*u[2]
		}
		if pair != nil {
			ap := alpha[(t-1)*nTags : t*nTags]
			for p := range nTags {
				for y := range nTags {
					pair[p*nTags+y] += ap[p] * tr[p*nTags+y] * u[y]
				}
			}
		}
		at := alpha[t*nTags : t*nTags+nTags]
		for y := range nTags {
			psi[y] = at[y] * bt[y]
		}
	}
	for y := range nTags {
		marg[y] = alpha[y] * beta[y]
	}
	return logZ
}

// viterbi writes the most likely tag sequence for emission scores e
// (n×nTags) into tags, using score and back (n×nTags) as scratch.
func (c *crf) viterbi(e []float64, n int, score []float64, back []int8, tags []int8) {
	if n == 0 {
		return
	}
	for y := range nTags {
		score[y] = float64(c.start[y]) + e[y]
	}
	for t := 1; t < n; t++ {
		for y := range nTags {
			best, arg := math.Inf(-1), 0
			for p := range nTags {
				if v := score[(t-1)*nTags+p] + float64(c.trans[p*nTags+y]); v > best {
					best, arg = v, p
				}
			}
			score[t*nTags+y] = best + e[t*nTags+y]
			back[t*nTags+y] = int8(arg)
		}
	}
	best, arg := math.Inf(-1), 0
	for y := range nTags {
		if v := score[(n-1)*nTags+y]; v > best {
			best, arg = v, y
		}
	}
	for t := n - 1; t >= 0; t-- {
		tags[t] = int8(arg)
		arg = int(back[t*nTags+arg])
	}
}
