package score

import (
	"fmt"
	"io"
	"math"
)

// Reliability collects (confidence, outcome) pairs in ten equal-width
// bins, to tell whether confidences are probabilities: of the answers
// given with confidence near 0.7, about 70% should be right. It is the one
// reliability table of unspun: the classifier's calibration, the
// pipeline's confidences and the sentence scores are all read through it.
type Reliability struct {
	Bins [10]Bin
}

// Bin is one confidence interval of a Reliability table.
type Bin struct {
	N       int     // answers in the bin
	SumConf float64 // their total confidence
	Correct int     // how many were right
}

// Add records one answer given with confidence conf.
func (c *Reliability) Add(conf float64, correct bool) {
	if math.IsNaN(conf) {
		return
	}
	i := int(conf * float64(len(c.Bins)))
	i = min(max(i, 0), len(c.Bins)-1)
	b := &c.Bins[i]
	b.N++
	b.SumConf += conf
	if correct {
		b.Correct++
	}
}

// N returns the number of answers recorded.
func (c *Reliability) N() int {
	n := 0
	for _, b := range c.Bins {
		n += b.N
	}
	return n
}

// ECE returns the expected calibration error: the answer-weighted mean,
// over bins, of |mean confidence − accuracy|.
func (c *Reliability) ECE() float64 {
	n := c.N()
	if n == 0 {
		return 0
	}
	e := 0.0
	for _, b := range c.Bins {
		if b.N > 0 {
			e += math.Abs(b.SumConf-float64(b.Correct)) / float64(n)
		}
	}
	return e
}

// WriteTable prints the reliability table as Markdown.
func (c *Reliability) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "| confidence | answers | mean confidence | accuracy |\n|---|---:|---:|---:|\n")
	width := 1 / float64(len(c.Bins))
	for i, b := range c.Bins {
		if b.N == 0 {
			continue
		}
		fmt.Fprintf(w, "| %.1f–%.1f | %d | %.3f | %.3f |\n", float64(i)*width, float64(i+1)*width,
			b.N, b.SumConf/float64(b.N), float64(b.Correct)/float64(b.N))
	}
	_, err := fmt.Fprintf(w, "\nexpected calibration error %.4f over %d answers\n", c.ECE(), c.N())
	return err
}
