package score

import "math"

// MeanSD returns the mean of xs and their sample standard deviation (n−1
// in the denominator), as cross-validation reports a figure over folds or
// repeats: mean ± sd. One value has sd 0; none gives 0, 0.
func MeanSD(xs []float64) (mean, sd float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	for _, x := range xs {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(xs)-1))
}
