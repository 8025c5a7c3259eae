package task

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"unspun/internal/analysis"
	"unspun/internal/corpus"
	"unspun/internal/doc"
	"unspun/internal/model"
	"unspun/internal/si"
	"unspun/internal/technique"
)

// writePTC writes a PTC-format folder: articles maps ids to texts, labels
// ids to TC rows (technique, start, end).
func writePTC(t *testing.T, dir string, articles map[string]string, labels map[string][][3]any) {
	t.Helper()
	for _, sub := range []string{"articles", "labels-tc"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for id, text := range articles {
		if err := os.WriteFile(filepath.Join(dir, "articles", "article"+id+".txt"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		var b []byte
		for _, r := range labels[id] {
			b = append(b, []byte(id+"\t"+r[0].(string)+"\t"+strconv.Itoa(r[1].(int))+"\t"+strconv.Itoa(r[2].(int))+"\n")...)
		}
		if err := os.WriteFile(filepath.Join(dir, "labels-tc", "article"+id+".task2-TC.labels"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReadDataLaterFolderWins(t *testing.T) {
	base, review := filepath.Join(t.TempDir(), "ptc"), filepath.Join(t.TempDir(), "review")
	writePTC(t, base, map[string]string{"1": "The corrupt regime lies.\n", "2": "Rain fell on Monday.\n"},
		map[string][][3]any{"1": {{"Loaded_Language", 4, 11}}, "2": {{"Doubt", 0, 4}}})
	// The review relabels article 2 (no technique) and adds article 3.
	writePTC(t, review, map[string]string{"2": "Rain fell on Monday.\n", "3": "They are traitors.\n"},
		map[string][][3]any{"3": {{"Name_Calling,Labeling", 9, 17}}})
	arts, replaced, err := ReadData([]string{base, review}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if replaced != 1 || len(arts) != 3 || arts[0].ID != "1" || arts[1].ID != "2" || arts[2].ID != "3" {
		t.Fatalf("replaced %d, articles %v", replaced, ids(arts))
	}
	if len(arts[1].Spans) != 0 {
		t.Errorf("article 2 kept the earlier folder's labels: %v", arts[1].Spans)
	}
	if len(arts[0].Spans) != 1 || arts[0].Spans[0].Technique != technique.LoadedLanguage {
		t.Errorf("article 1: %v", arts[0].Spans)
	}
	// The other order: the corpus wins.
	arts, _, err = ReadData([]string{review, base}, nil)
	if err != nil || len(arts[1].Spans) != 1 || arts[1].Spans[0].Technique != technique.Doubt {
		t.Errorf("reversed: %v, %v", err, arts)
	}
	// ids select across folders; an id no folder has is an error.
	arts, _, err = ReadData([]string{base, review}, []string{"3", "1"})
	if err != nil || len(arts) != 2 || arts[0].ID != "1" || arts[1].ID != "3" {
		t.Errorf("ids: %v, %v", err, ids(arts))
	}
	if _, _, err := ReadData([]string{base, review}, []string{"9"}); err == nil {
		t.Error("an unknown id was accepted")
	}
	if DataName([]string{base + "/", review}) != "ptc+review" {
		t.Errorf("DataName = %q", DataName([]string{base + "/", review}))
	}
}

func ids(arts []*corpus.Article) []string {
	var out []string
	for _, a := range arts {
		out = append(out, a.ID)
	}
	return out
}

func TestFitLogistic(t *testing.T) {
	// Data drawn from σ(4x − 2 + 1.5m): the fit recovers it.
	var x [][]float64
	var y []bool
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		r, m := rng.Float64(), rng.Float64()
		p := 1 / (1 + math.Exp(-(4*r - 2 + 1.5*m)))
		x = append(x, []float64{r, m, 1})
		y = append(y, rng.Float64() < p)
	}
	w := fitLogistic(x, y, 3)
	if math.Abs(w[0]-4) > 0.5 || math.Abs(w[1]-1.5) > 0.4 || math.Abs(w[2]+2) > 0.4 {
		t.Errorf("fit %v, want about [4 1.5 -2]", w)
	}
	// No rows: a flat 0.5, not a NaN.
	if w := fitLogistic(nil, nil, 2); w[0] != 0 || w[1] != 0 {
		t.Errorf("empty fit %v", w)
	}
}

// TestFitSentenceCalibration fits on made-up held-out fragments: sentences
// with a fragment are propaganda half the time, those without never, so
// a sentence where nothing was found must score near 0.
func TestFitSentenceCalibration(t *testing.T) {
	var arts []*corpus.Article
	var held [][]si.Span
	for i := range 40 {
		text := "The corrupt regime lies again. Rain fell on Monday. Officials met in the capital."
		d := doc.New(strconv.Itoa(i+1), text)
		a := &corpus.Article{ID: d.ID, Doc: d}
		var found []si.Span
		if i%2 == 0 {
			a.Spans = []corpus.Span{{Article: d.ID, Start: 4, End: 18, Technique: technique.LoadedLanguage, HasTechnique: true}}
		}
		found = append(found, si.Span{Start: 4, End: 18, Score: 0.5})
		arts = append(arts, a)
		held = append(held, found)
	}
	c, err := FitSentenceCalibration(arts, Held{Spans: held, Prob: make([][]float64, len(arts))})
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Apply(model.Sentence{Raw: 0.5, Mean: 0.5 / 3, Found: true, Words: 5}); math.Abs(p-0.5) > 0.05 {
		t.Errorf("a sentence with a fragment scores %.3f, want about 0.5 (%+v)", p, c)
	}
	if p := c.Apply(model.Sentence{Words: 4}); p > 0.05 {
		t.Errorf("a sentence without fragments in a text with none scores %.3f (%+v)", p, c)
	}
	if _, err := FitSentenceCalibration(arts, Held{Spans: held[:3], Prob: make([][]float64, 3)}); err == nil {
		t.Error("calibrated with held-out spans for 3 of 40 articles")
	}
	if _, err := FitSentenceCalibration(nil, Held{}); err == nil {
		t.Error("calibrated on no articles")
	}
	rep, err := CrossCheckCalibration(arts, Held{Spans: held, Prob: make([][]float64, len(arts))}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Calibrated.N() != 120 || rep.Empty != 80 || rep.EmptyShare != 0 || rep.EmptyMean > 0.05 {
		t.Errorf("cross-check: %d sentences, %d empty, share %.3f, mean %.3f", rep.Calibrated.N(), rep.Empty, rep.EmptyShare, rep.EmptyMean)
	}
}

func TestResultRows(t *testing.T) {
	res := &analysis.Result{Spans: []analysis.Span{
		{Start: 0, End: 4, Technique: technique.LoadedLanguage, Techniques: []analysis.Alternative{
			{Technique: technique.LoadedLanguage, Confidence: 0.3}, {Technique: technique.NameCalling, Confidence: 0.25}}},
		{Start: 9, End: 20, Technique: technique.Doubt}, // a result without Techniques
	}}
	want := []corpus.Span{
		{Article: "7", Start: 0, End: 4, Technique: technique.LoadedLanguage, HasTechnique: true},
		{Article: "7", Start: 0, End: 4, Technique: technique.NameCalling, HasTechnique: true},
		{Article: "7", Start: 9, End: 20, Technique: technique.Doubt, HasTechnique: true},
	}
	if got := ResultRows("7", res); !slices.Equal(got, want) {
		t.Errorf("ResultRows = %v\nwant %v", got, want)
	}
	if got := ResultSpans("7", res); len(got) != 2 || got[1] != (corpus.Span{Article: "7", Start: 9, End: 20}) {
		t.Errorf("ResultSpans = %v", got)
	}
}
