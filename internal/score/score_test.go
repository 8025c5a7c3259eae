package score

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"unspun/internal/corpus"
	"unspun/internal/technique"

	"unspun/internal/testenv"
)

func spans(article string, pairs ...int) []corpus.Span {
	var out []corpus.Span
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, corpus.Span{Article: article, Start: pairs[i], End: pairs[i+1]})
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6 }

// bruteSI scores SI the slow, obvious way: merge by repeatedly joining any
// two overlapping spans of an article, then count shared code points of
// every predicted/gold pair as sets of positions.
func bruteSI(gold, pred []corpus.Span) (p, r, f float64) {
	mergeArticle := func(out []corpus.Span) []corpus.Span {
		for changed := true; changed; {
			changed = false
		outer:
			for a := range out {
				for b := range out {
					x, y := out[a], out[b]
					if a == b || x.Start >= y.End || y.Start >= x.End {
						continue
					}
					out[a].Start, out[a].End = min(x.Start, y.Start), max(x.End, y.End)
					out = append(out[:b], out[b+1:]...)
					changed = true
					break outer
				}
			}
		}
		return out
	}
	merge := func(in []corpus.Span) []corpus.Span {
		byArticle := map[string][]corpus.Span{}
		for _, s := range in {
			byArticle[s.Article] = append(byArticle[s.Article], s)
		}
		var out []corpus.Span
		for _, ss := range byArticle {
			out = append(out, mergeArticle(ss)...)
		}
		return out
	}
	g, q := merge(gold), merge(pred)
	var ps, rs float64
	for _, s := range q {
		set := map[int]bool{}
		for c := s.Start; c < s.End; c++ {
			set[c] = true
		}
		for _, t := range g {
			if t.Article != s.Article {
				continue
			}
			n := 0
			for c := t.Start; c < t.End; c++ {
				if set[c] {
					n++
				}
			}
			ps += float64(n) / float64(s.End-s.Start)
			rs += float64(n) / float64(t.End-t.Start)
		}
	}
	if len(q) > 0 {
		p = ps / float64(len(q))
	}
	if len(g) > 0 {
		r = rs / float64(len(g))
	}
	if p > 0 && r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

func TestSI(t *testing.T) {
	tests := []struct {
		name                  string
		gold, pred            []corpus.Span
		p, r, f               float64
		goldMerged, predMerge int
	}{
		{
			name: "README worked example",
			gold: spans("1", 0, 59, 171, 181, 0, 9, 115, 167, 740, 759),
			pred: spans("1", 0, 50, 161, 172, 0, 10, 115, 167),
			p:    0.964912, r: 0.486864, f: 0.647181, goldMerged: 4, predMerge: 2,
		},
		{
			name: "identical",
			gold: spans("1", 3, 8, 10, 20),
			pred: spans("1", 10, 20, 3, 8),
			p:    1, r: 1, f: 1, goldMerged: 2, predMerge: 2,
		},
		{
			// [0,5) and [5,10) touch: not merged, so the gold [0,10)
			// is matched by two half predictions.
			name: "touching predictions are not merged",
			gold: spans("1", 0, 10),
			pred: spans("1", 0, 5, 5, 10),
			p:    1, r: 1, f: 1, goldMerged: 1, predMerge: 2,
		},
		{
			name: "touching gold is not merged",
			gold: spans("1", 0, 5, 5, 10),
			pred: spans("1", 0, 10),
			p:    1, r: 1, f: 1, goldMerged: 2, predMerge: 1,
		},
		{
			name: "overlap of one code point merges",
			gold: spans("1", 0, 10),
			pred: spans("1", 0, 6, 5, 10),
			p:    1, r: 1, f: 1, goldMerged: 1, predMerge: 1,
		},
		{
			name: "article with no gold spans",
			gold: spans("1", 0, 10),
			pred: append(spans("1", 0, 10), spans("2", 0, 10)...),
			p:    0.5, r: 1, f: 2 * 0.5 / 1.5, goldMerged: 1, predMerge: 2,
		},
		{
			name: "empty prediction",
			gold: spans("1", 0, 10),
			pred: nil,
			p:    0, r: 0, f: 0, goldMerged: 1, predMerge: 0,
		},
		{
			name: "empty gold",
			gold: nil,
			pred: spans("1", 0, 10),
			p:    0, r: 0, f: 0, goldMerged: 0, predMerge: 1,
		},
		{
			name: "same offsets in another article do not count",
			gold: spans("1", 0, 10),
			pred: spans("2", 0, 10),
			p:    0, r: 0, f: 0, goldMerged: 1, predMerge: 1,
		},
		{
			name: "empty span is ignored",
			gold: spans("1", 0, 10),
			pred: spans("1", 4, 4, 0, 10),
			p:    1, r: 1, f: 1, goldMerged: 1, predMerge: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SI(tt.gold, tt.pred)
			if !near(got.Precision, tt.p) || !near(got.Recall, tt.r) || !near(got.F1, tt.f) {
				t.Errorf("SI = P %.6f R %.6f F1 %.6f, want P %.6f R %.6f F1 %.6f", got.Precision, got.Recall, got.F1, tt.p, tt.r, tt.f)
			}
			if got.GoldMerged != tt.goldMerged || got.PredictedMerged != tt.predMerge {
				t.Errorf("merged spans gold %d predicted %d, want %d and %d", got.GoldMerged, got.PredictedMerged, tt.goldMerged, tt.predMerge)
			}
			if got.Gold != len(tt.gold) || got.Predicted != len(tt.pred) {
				t.Errorf("rows gold %d predicted %d, want %d and %d", got.Gold, got.Predicted, len(tt.gold), len(tt.pred))
			}
			bp, br, bf := bruteSI(tt.gold, tt.pred)
			if !near(got.Precision, bp) || !near(got.Recall, br) || !near(got.F1, bf) {
				t.Errorf("SI disagrees with brute force: P %.6f R %.6f F1 %.6f vs %.6f %.6f %.6f", got.Precision, got.Recall, got.F1, bp, br, bf)
			}
		})
	}
}

func TestSIDoesNotModifyInput(t *testing.T) {
	pred := spans("1", 10, 20, 0, 15)
	orig := append([]corpus.Span(nil), pred...)
	SI(spans("1", 0, 5), pred)
	for i := range pred {
		if pred[i] != orig[i] {
			t.Fatalf("SI reordered or changed its input: %v, was %v", pred, orig)
		}
	}
}

func TestSIRandomAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func() []corpus.Span {
		var out []corpus.Span
		for range rng.IntN(8) {
			a := string(rune('a' + rng.IntN(3)))
			s := rng.IntN(40)
			out = append(out, corpus.Span{Article: a, Start: s, End: s + 1 + rng.IntN(12)})
		}
		return out
	}
	var sc SIScorer
	for i := range 2000 {
		gold, pred := random(), random()
		got := SI(gold, pred)
		bp, br, bf := bruteSI(gold, pred)
		if !near(got.Precision, bp) || !near(got.Recall, br) || !near(got.F1, bf) {
			t.Fatalf("case %d: gold %v pred %v: SI P %.6f R %.6f F1 %.6f, brute force %.6f %.6f %.6f",
				i, gold, pred, got.Precision, got.Recall, got.F1, bp, br, bf)
		}
		sc.Gold = NewSIGold(gold)
		if again := sc.Score(pred); again != got {
			t.Fatalf("case %d: SIScorer.Score = %+v, SI = %+v", i, again, got)
		}
	}
}

// ptcDir returns ../shared/data/ptc relative to the module root, skipping
// the test when the shared data is not beside the repository.
func ptcDir(t testing.TB) string {
	t.Helper()
	return testenv.PTC(t)
}

func validation(t testing.TB) []*corpus.Article {
	dir := ptcDir(t)
	arts, err := corpus.ReadSplit(dir, "split-validation.txt")
	if err != nil {
		t.Fatal(err)
	}
	return arts
}

func TestSIValidationSplit(t *testing.T) {
	arts := validation(t)
	var gold []corpus.Span
	for _, a := range arts {
		gold = append(gold, a.Spans...)
	}
	perturb := func(f func(s corpus.Span, a *corpus.Article) []corpus.Span) []corpus.Span {
		var out []corpus.Span
		for _, a := range arts {
			for _, s := range a.Spans {
				out = append(out, f(s, a)...)
			}
		}
		return out
	}
	tests := []struct {
		name string
		pred []corpus.Span
	}{
		{"itself", gold},
		{"shifted right by 3", perturb(func(s corpus.Span, a *corpus.Article) []corpus.Span {
			s.Start, s.End = s.Start+3, s.End+3
			return []corpus.Span{s}
		})},
		{"shifted left by 7", perturb(func(s corpus.Span, a *corpus.Article) []corpus.Span {
			s.Start, s.End = max(0, s.Start-7), max(1, s.End-7)
			return []corpus.Span{s}
		})},
		{"truncated to the first half", perturb(func(s corpus.Span, a *corpus.Article) []corpus.Span {
			s.End = s.Start + max(1, (s.End-s.Start)/2)
			return []corpus.Span{s}
		})},
		{"every other span dropped", perturb(func(s corpus.Span, a *corpus.Article) []corpus.Span {
			if s.Start%2 == 0 {
				return nil
			}
			return []corpus.Span{s}
		})},
		{"merged with the following sentence's worth", perturb(func(s corpus.Span, a *corpus.Article) []corpus.Span {
			s.End = min(a.Doc.Len(), s.End+80)
			return []corpus.Span{s}
		})},
	}
	// Merged: each article's spans in pairs of file order joined into one
	// covering span.
	var merged []corpus.Span
	for _, a := range arts {
		for i := 0; i < len(a.Spans); i += 2 {
			s := a.Spans[i]
			if i+1 < len(a.Spans) {
				n := a.Spans[i+1]
				s.Start, s.End = min(s.Start, n.Start), max(s.End, n.End)
			}
			merged = append(merged, s)
		}
	}
	tests = append(tests, struct {
		name string
		pred []corpus.Span
	}{"pairs merged", merged})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SI(gold, tt.pred)
			bp, br, bf := bruteSI(gold, tt.pred)
			if !near(got.Precision, bp) || !near(got.Recall, br) || !near(got.F1, bf) {
				t.Errorf("SI P %.6f R %.6f F1 %.6f, brute force %.6f %.6f %.6f", got.Precision, got.Recall, got.F1, bp, br, bf)
			}
			if tt.name == "itself" && (got.Precision != 1 || got.Recall != 1 || got.F1 != 1) {
				t.Errorf("gold against itself = %+v, want 1, 1, 1", got)
			}
			if tt.name != "itself" && got.F1 >= 1 {
				t.Errorf("perturbed predictions scored F1 %.6f", got.F1)
			}
		})
	}
}

func tcRows(article string, rows ...any) []corpus.Span {
	var out []corpus.Span
	for i := 0; i+2 < len(rows); i += 3 {
		out = append(out, corpus.Span{Article: article, Technique: rows[i].(technique.Technique), HasTechnique: true, Start: rows[i+1].(int), End: rows[i+2].(int)})
	}
	return out
}

func TestTC(t *testing.T) {
	const (
		LL = technique.LoadedLanguage
		NC = technique.NameCalling
		D  = technique.Doubt
	)
	tests := []struct {
		name       string
		gold, pred []corpus.Span
		correct    int
		per        map[technique.Technique]TechniqueScore
	}{
		{
			name:    "all correct, any order",
			gold:    tcRows("1", LL, 0, 5, NC, 10, 20),
			pred:    tcRows("1", NC, 10, 20, LL, 0, 5),
			correct: 2,
			per: map[technique.Technique]TechniqueScore{
				LL: {1, 1, 1, 1, 1, 1}, NC: {1, 1, 1, 1, 1, 1},
			},
		},
		{
			name:    "one wrong",
			gold:    tcRows("1", LL, 0, 5, NC, 10, 20, NC, 30, 40),
			pred:    tcRows("1", LL, 0, 5, LL, 10, 20, NC, 30, 40),
			correct: 2,
			per: map[technique.Technique]TechniqueScore{
				LL: {0.5, 1, 2 * 0.5 / 1.5, 1, 2, 1}, NC: {1, 0.5, 2 * 0.5 / 1.5, 2, 1, 1},
			},
		},
		{
			name:    "duplicate span matched as a multiset, swapped",
			gold:    tcRows("1", LL, 0, 5, NC, 0, 5),
			pred:    tcRows("1", NC, 0, 5, LL, 0, 5),
			correct: 2,
			per: map[technique.Technique]TechniqueScore{
				LL: {1, 1, 1, 1, 1, 1}, NC: {1, 1, 1, 1, 1, 1},
			},
		},
		{
			name:    "duplicate span with a repeated label",
			gold:    tcRows("1", LL, 0, 5, NC, 0, 5),
			pred:    tcRows("1", LL, 0, 5, LL, 0, 5),
			correct: 1,
			per: map[technique.Technique]TechniqueScore{
				LL: {0.5, 1, 2 * 0.5 / 1.5, 1, 2, 1}, NC: {0, 0, 0, 1, 0, 0},
			},
		},
		{
			name:    "same offsets in two articles are different spans",
			gold:    append(tcRows("1", D, 0, 5), tcRows("2", LL, 0, 5)...),
			pred:    append(tcRows("2", LL, 0, 5), tcRows("1", LL, 0, 5)...),
			correct: 1,
			per: map[technique.Technique]TechniqueScore{
				LL: {0.5, 1, 2 * 0.5 / 1.5, 1, 2, 1}, D: {0, 0, 0, 1, 0, 0},
			},
		},
		{
			name: "no rows at all",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TC(tt.gold, tt.pred)
			if err != nil {
				t.Fatal(err)
			}
			acc := 0.0
			if len(tt.gold) > 0 {
				acc = float64(tt.correct) / float64(len(tt.gold))
			}
			if got.Correct != tt.correct || got.Rows != len(tt.gold) || !near(got.F1, acc) || !near(got.Precision, acc) || !near(got.Recall, acc) {
				t.Errorf("TC = correct %d of %d, P %.6f R %.6f F1 %.6f; want %d of %d, %.6f", got.Correct, got.Rows, got.Precision, got.Recall, got.F1, tt.correct, len(tt.gold), acc)
			}
			for tech := range technique.Count {
				want := tt.per[technique.Technique(tech)]
				g := got.PerTechnique[tech]
				if g.Gold != want.Gold || g.Predicted != want.Predicted || g.Correct != want.Correct ||
					!near(g.Precision, want.Precision) || !near(g.Recall, want.Recall) || !near(g.F1, want.F1) {
					t.Errorf("%s: got %+v, want %+v", technique.Technique(tech), g, want)
				}
			}
		})
	}
}

func TestTCMismatch(t *testing.T) {
	LL := technique.LoadedLanguage
	tests := []struct {
		name       string
		gold, pred []corpus.Span
		want       MismatchError
	}{
		{"missing span", tcRows("1", LL, 0, 5, LL, 10, 20), tcRows("1", LL, 0, 5),
			MismatchError{Article: "1", Start: 10, End: 20, Gold: 1, Predicted: 0, Spans: 1}},
		{"extra span", tcRows("1", LL, 0, 5), tcRows("1", LL, 0, 5, LL, 3, 9),
			MismatchError{Article: "1", Start: 3, End: 9, Gold: 0, Predicted: 1, Spans: 1}},
		{"duplicate row dropped", tcRows("1", LL, 0, 5, LL, 0, 5), tcRows("1", LL, 0, 5),
			MismatchError{Article: "1", Start: 0, End: 5, Gold: 2, Predicted: 1, Spans: 1}},
		{"shifted end", tcRows("1", LL, 0, 5), tcRows("1", LL, 0, 6),
			MismatchError{Article: "1", Start: 0, End: 5, Gold: 1, Predicted: 0, Spans: 2}},
		{"article absent from gold", tcRows("1", LL, 0, 5), append(tcRows("1", LL, 0, 5), tcRows("9", LL, 0, 5)...),
			MismatchError{Article: "9", Start: 0, End: 5, Gold: 0, Predicted: 1, Spans: 1}},
		{"empty prediction", tcRows("1", LL, 0, 5), nil,
			MismatchError{Article: "1", Start: 0, End: 5, Gold: 1, Predicted: 0, Spans: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TC(tt.gold, tt.pred)
			var me *MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("TC error = %v, want a *MismatchError", err)
			}
			if *me != tt.want {
				t.Errorf("TC error = %+v, want %+v", *me, tt.want)
			}
		})
	}
}

func TestTCRejectsRowsWithoutTechnique(t *testing.T) {
	gold := tcRows("1", technique.Doubt, 0, 5)
	if _, err := TC(gold, spans("1", 0, 5)); err == nil {
		t.Error("TC accepted a predicted row without technique")
	}
}

func TestTCValidationSplit(t *testing.T) {
	arts := validation(t)
	var gold []corpus.Span
	for _, a := range arts {
		gold = append(gold, a.Spans...)
	}
	got, err := TC(gold, gold)
	if err != nil {
		t.Fatal(err)
	}
	if got.F1 != 1 || got.Rows != len(gold) {
		t.Errorf("gold against itself: F1 %v over %d rows, want 1 over %d", got.F1, got.Rows, len(gold))
	}
	// Relabel every third row; the expected count is computed by matching
	// each span's label multisets with counts.
	pred := append([]corpus.Span(nil), gold...)
	for i := range pred {
		if i%3 == 0 {
			pred[i].Technique = (pred[i].Technique + 1) % technique.Count
		}
	}
	type key struct {
		a    string
		s, e int
	}
	gl, pl := map[key][]int{}, map[key][]int{}
	for i := range gold {
		k := key{gold[i].Article, gold[i].Start, gold[i].End}
		if gl[k] == nil {
			gl[k], pl[k] = make([]int, technique.Count), make([]int, technique.Count)
		}
		gl[k][gold[i].Technique]++
		pl[k][pred[i].Technique]++
	}
	want := 0
	for k := range gl {
		for tech := range technique.Count {
			want += min(gl[k][tech], pl[k][tech])
		}
	}
	got, err = TC(gold, pred)
	if err != nil {
		t.Fatal(err)
	}
	if got.Correct != want || !near(got.F1, float64(want)/float64(len(gold))) {
		t.Errorf("perturbed: %d correct (F1 %.6f), want %d (%.6f)", got.Correct, got.F1, want, float64(want)/float64(len(gold)))
	}
}

func BenchmarkSIScorer(b *testing.B) {
	arts := validation(b)
	var gold, pred []corpus.Span
	for _, a := range arts {
		gold = append(gold, a.Spans...)
		for _, s := range a.Spans {
			s.Start, s.End = s.Start+2, s.End+2
			pred = append(pred, s)
		}
	}
	sc := SIScorer{Gold: NewSIGold(gold)}
	b.ReportAllocs()
	for b.Loop() {
		sc.Score(pred)
	}
}

func TestMeanSD(t *testing.T) {
	for _, tt := range []struct {
		in       []float64
		mean, sd float64
	}{
		{nil, 0, 0},
		{[]float64{0.44}, 0.44, 0},
		{[]float64{1, 2, 3}, 2, 1},
		{[]float64{2, 4, 4, 4, 5, 5, 7, 9}, 5, 2.138089935299395},
	} {
		m, sd := MeanSD(tt.in)
		if math.Abs(m-tt.mean) > 1e-12 || math.Abs(sd-tt.sd) > 1e-12 {
			t.Errorf("MeanSD(%v) = %v, %v; want %v, %v", tt.in, m, sd, tt.mean, tt.sd)
		}
	}
}
