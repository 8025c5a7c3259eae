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
func (c *crf) forwardBackward(e, alpha, beta, marg []float64, n int, pair *[nTags * nTags]float64) float64 {
	for y := range nTags {
		alpha[y] = float64(c.start[y]) + e[y]
	}
	var tmp [nTags]float64
	for t := 1; t < n; t++ {
		for y := range nTags {
			for p := range nTags {
				tmp[p] = alpha[(t-1)*nTags+p] + float64(c.trans[p*nTags+y])
			}
			alpha[t*nTags+y] = e[t*nTags+y] + logSumExp(tmp[:])
		}
	}
	for y := range nTags {
		beta[(n-1)*nTags+y] = 0
	}
	for t := n - 2; t >= 0; t-- {
		for y := range nTags {
			for q := range nTags {
				tmp[q] = float64(c.trans[y*nTags+q]) + e[(t+1)*nTags+q] + beta[(t+1)*nTags+q]
			}
			beta[t*nTags+y] = logSumExp(tmp[:])
		}
	}
	logZ := logSumExp(alpha[(n-1)*nTags : n*nTags])
	for i := range n * nTags {
		marg[i] = math.Exp(alpha[i] + beta[i] - logZ)
	}
	if pair != nil {
		for t := 1; t < n; t++ {
			for p := range nTags {
				for y := range nTags {
					pair[p*nTags+y] += math.Exp(alpha[(t-1)*nTags+p] + float64(c.trans[p*nTags+y]) + e[t*nTags+y] + beta[t*nTags+y] - logZ)
				}
			}
		}
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

func logSumExp(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = max(m, v)
	}
	if math.IsInf(m, -1) {
		return m
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}
