package si

import (
	"context"
	"math"
	"slices"
	"testing"
)

// TestEmitSumsMatchFeatures checks that tagging's summed emissions (the
// sentence, type and neighbour features summed from precomputed tables)
// equal the sums over every word's features, as training extracts them.
func TestEmitSumsMatchFeatures(t *testing.T) {
	m, arts, _ := trainSmall(t)
	if !m.interleaved() || len(m.typeSums) == 0 {
		t.Fatal("the trained model has no interleaved weights or type sums")
	}
	full, fast := &scratch{}, &scratch{}
	for _, a := range arts[:3] {
		if err := m.extractCtx(context.Background(), a.Doc, nil, full, true); err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(full.emis)
		if err := m.extractCtx(context.Background(), a.Doc, nil, fast, false); err != nil {
			t.Fatal(err)
		}
		if len(fast.emis) != len(want) {
			t.Fatalf("article %s: %d summed emissions, want %d", a.ID, len(fast.emis), len(want))
		}
		for i, w := range want {
			if d := math.Abs(float64(fast.emis[i] - w)); d > 1e-4*(1+math.Abs(float64(w))) {
				t.Fatalf("article %s: word %d emission %d: %v from the tables, %v from the features", a.ID, i/m.sparseK, i%m.sparseK, fast.emis[i], w)
			}
		}
	}
}
