package score

import (
	"reflect"
	"strings"
	"testing"

	"unspun/internal/technique"
)

func TestMatch(t *testing.T) {
	D, R, S, L := technique.Doubt, technique.Repetition, technique.Slogans, technique.LoadedLanguage
	type pair struct{ g, p technique.Technique }
	tests := []struct {
		gold, pred []technique.Technique
		hits       int
		pairs      []pair
	}{
		{[]technique.Technique{D, R}, []technique.Technique{R, D}, 2, []pair{{R, R}, {D, D}}},
		{[]technique.Technique{D, D}, []technique.Technique{D, R}, 1, []pair{{D, D}, {D, R}}},
		{[]technique.Technique{D}, []technique.Technique{S}, 0, []pair{{D, S}}},
		// Leftovers pair in order: gold's, then the predictions' rank.
		{[]technique.Technique{L, D, S}, []technique.Technique{S, R, L}, 2, []pair{{S, S}, {L, L}, {D, R}}},
	}
	for _, tt := range tests {
		var got []pair
		hits := Match(tt.gold, tt.pred, func(g, p technique.Technique) { got = append(got, pair{g, p}) })
		if hits != tt.hits || !reflect.DeepEqual(got, tt.pairs) {
			t.Errorf("Match(%v, %v) = %d, %v; want %d, %v", tt.gold, tt.pred, hits, got, tt.hits, tt.pairs)
		}
		if n := Match(tt.gold, tt.pred, nil); n != tt.hits {
			t.Errorf("Match(%v, %v, nil) = %d", tt.gold, tt.pred, n)
		}
	}
}

func TestReliability(t *testing.T) {
	var c Reliability
	for range 10 {
		c.Add(0.95, true)
	}
	for i := range 10 {
		c.Add(0.25, i < 5) // 50% right at 25% confidence: off by 0.25
	}
	if c.N() != 20 {
		t.Errorf("N = %d", c.N())
	}
	// Half the answers are off by 0.05, half by 0.25.
	if got, want := c.ECE(), 0.15; got < want-1e-9 || got > want+1e-9 {
		t.Errorf("ECE = %v, want %v", got, want)
	}
	var b strings.Builder
	if err := c.WriteTable(&b); err != nil || !strings.Contains(b.String(), "| 0.9–1.0 | 10 | 0.950 | 1.000 |") {
		t.Errorf("table:\n%s", b.String())
	}
}
