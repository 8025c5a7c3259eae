package tc

import (
	"slices"
	"testing"

	"unspun/internal/technique"
)

func TestDecide(t *testing.T) {
	var p Prediction
	p.Probs[technique.LoadedLanguage] = 0.6
	p.Probs[technique.Repetition] = 0.1
	p.Probs[technique.Doubt] = 0.3
	tests := []struct {
		name            string
		o               Options
		repeats, before int
		top             technique.Technique
		rep             float64
	}{
		{"rule off", Options{RepeatMin: -1}, 5, 2, technique.LoadedLanguage, 0.1},
		{"default rule", Options{}, 3, 1, technique.Repetition, 0.55},
		{"later occurrence", Options{RepeatMin: 3}, 3, 1, technique.Repetition, 0.55},
		{"first occurrence", Options{RepeatMin: 3}, 3, 0, technique.LoadedLanguage, 0.1},
		{"too few", Options{RepeatMin: 3}, 2, 1, technique.LoadedLanguage, 0.1},
		{"suppressed", Options{RepeatMin: 3, RepeatSuppress: true}, 2, 1, technique.LoadedLanguage, 0},
	}
	for _, tt := range tests {
		q := p
		tt.o.decide(&q, tt.repeats, tt.before)
		top, _ := q.Top()
		s := 0.0
		for _, v := range q.Probs {
			s += v
		}
		if top != tt.top || q.Probs[technique.Repetition] < tt.rep-1e-9 || q.Probs[technique.Repetition] > tt.rep+1e-9 || s < 1-1e-9 || s > 1+1e-9 {
			t.Errorf("%s: top %v, Repetition %.3f, sum %.3f", tt.name, top, q.Probs[technique.Repetition], s)
		}
	}
}

func TestTechniques(t *testing.T) {
	var p Prediction
	p.Probs[technique.LoadedLanguage] = 0.45
	p.Probs[technique.NameCalling] = 0.42
	p.Probs[technique.Doubt] = 0.13
	if got := p.Techniques(); !slices.Equal(got, []technique.Technique{technique.LoadedLanguage, technique.NameCalling}) {
		t.Errorf("close second: %v", got)
	}
	p.Probs[technique.NameCalling] = 0.14
	p.Probs[technique.Doubt] = 0.41
	if got := p.Techniques(); len(got) != 2 || got[1] != technique.Doubt {
		t.Errorf("second by ratio %.2f: %v", p.Probs[technique.Doubt]/p.Probs[technique.LoadedLanguage], got)
	}
	p.Probs[technique.Doubt] = 0.1
	if got := p.Techniques(); len(got) != 1 || got[0] != technique.LoadedLanguage {
		t.Errorf("distant second: %v", got)
	}
}
