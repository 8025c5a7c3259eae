package task

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"unspun/internal/analyze"
	"unspun/internal/corpus"
	"unspun/internal/doc"
	"unspun/internal/model"
	"unspun/internal/score"
	"unspun/internal/si"
	"unspun/internal/testenv"
	"unspun/internal/words"
)

// sig is an exploratory sentence-level signal for a sentence where the
// taggers found nothing.
type sig struct {
	words, loaded, lex int
	maxVal             float64
	quote, title, bang bool
	nbr                float64 // max raw score of the neighbouring sentences
	peak               float64 // the taggers' highest word probability in it
	mean               float64
	gold               bool
	art                int
}

func sentenceSigs(k int, a *corpus.Article, ev analyze.SentenceEvidence, tab *words.Table, gold func(doc.Span) bool) []sig {
	d := a.Doc
	var out []sig
	title := 0
	if len(d.Lines) > 0 {
		title = d.Lines[0].End
	}
	for i, s := range d.Sentences {
		if ev.Found[i] {
			continue
		}
		g := sig{mean: ev.Mean, art: k, peak: ev.Peak[i]}
		if gold != nil {
			g.gold = gold(s)
		}
		wi, wj := d.WordsIn(s.Start, s.End)
		for j := wi; j < wj; j++ {
			w := tab.Words[j]
			if !w.IsWord {
				continue
			}
			g.words++
			l := w.Lex | w.Phrase
			if l != 0 {
				g.lex++
			}
			v := 0.0
			if w.Rated {
				v = math.Abs(w.Valence)
			}
			g.maxVal = max(g.maxVal, v)
			if l != 0 || w.Superlative || v >= 2 {
				g.loaded++
			}
		}
		g.quote = d.QuoteOf(s.Start, s.End) >= 0
		g.title = s.Start < title
		t := d.Slice(s.Start, s.End)
		g.bang = strings.ContainsAny(t, "!?")
		if i > 0 {
			g.nbr = max(g.nbr, ev.Raw[i-1])
		}
		if i+1 < len(d.Sentences) {
			g.nbr = max(g.nbr, ev.Raw[i+1])
		}
		out = append(out, g)
	}
	return out
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func sigX(g sig, set string) []float64 {
	x := []float64{1, g.mean}
	if strings.Contains(set, "w") {
		x = append(x, math.Log1p(float64(g.words)))
	}
	if strings.Contains(set, "l") {
		x = append(x, math.Log1p(float64(g.loaded)))
	}
	if strings.Contains(set, "v") {
		x = append(x, g.maxVal)
	}
	if strings.Contains(set, "q") {
		x = append(x, b2f(g.quote))
	}
	if strings.Contains(set, "t") {
		x = append(x, b2f(g.title))
	}
	if strings.Contains(set, "b") {
		x = append(x, b2f(g.bang))
	}
	if strings.Contains(set, "n") {
		x = append(x, g.nbr)
	}
	if strings.Contains(set, "p") {
		x = append(x, model.PeakLogit(g.peak))
	}
	if strings.Contains(set, "P") {
		x = append(x, g.peak)
	}
	return x
}

func predict(w, x []float64) float64 {
	z := 0.0
	for j := range w {
		z += w[j] * x[j]
	}
	return 1 / (1 + math.Exp(-z))
}

// TestSentenceSignals measures, on the held-out fragments kept by
// TestCalibrationExperiment (UNSPUN_TASK_HELD), whether sentence-level
// signals separate the sentences where nothing was found: gold overlap
// by bin, and a cross-fitted logistic over the signals.
func TestSentenceSignals(t *testing.T) {
	cache := os.Getenv("UNSPUN_TASK_HELD")
	if os.Getenv("UNSPUN_TASK_EXPERIMENT") == "" || cache == "" {
		t.Skip("set UNSPUN_TASK_EXPERIMENT=1 and UNSPUN_TASK_HELD")
	}
	arts, err := corpus.ReadPTC(testenv.PTC(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	held := heldOutOf(t, arts, cache)
	var all []sig
	for k, a := range arts {
		fs := slices.Clone(held.Spans[k])
		slices.SortStableFunc(fs, func(x, y si.Span) int { return cmp.Compare(x.Start, y.Start) })
		tab := words.New(a.Doc, nil)
		ev := analyze.Evidence(a.Doc, tab, fs, held.Prob[k])
		all = append(all, sentenceSigs(k, a, ev, tab, func(s doc.Span) bool {
			for _, g := range a.Spans {
				if g.Start < s.End && s.Start < g.End {
					return true
				}
			}
			return false
		})...)
	}
	n, pos := len(all), 0
	for _, g := range all {
		if g.gold {
			pos++
		}
	}
	t.Logf("%d nothing-found sentences, %.4f overlap gold", n, float64(pos)/float64(n))
	table := func(name string, key func(sig) string) {
		type c struct{ n, p int }
		m := map[string]*c{}
		var keys []string
		for _, g := range all {
			k := key(g)
			if m[k] == nil {
				m[k] = &c{}
				keys = append(keys, k)
			}
			m[k].n++
			if g.gold {
				m[k].p++
			}
		}
		slices.Sort(keys)
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, "  %-12s n=%5d gold=%.3f\n", k, m[k].n, float64(m[k].p)/float64(m[k].n))
		}
		t.Logf("by %s:\n%s", name, b.String())
	}
	bucket := func(v int, edges ...int) string {
		for _, e := range edges {
			if v <= e {
				return fmt.Sprintf("<=%03d", e)
			}
		}
		return fmt.Sprintf(">%03d", edges[len(edges)-1])
	}
	table("words", func(g sig) string { return bucket(g.words, 3, 6, 10, 15, 20, 30, 45) })
	table("loaded", func(g sig) string { return bucket(g.loaded, 0, 1, 2, 3, 5) })
	table("lex", func(g sig) string { return bucket(g.lex, 0, 1, 2, 4) })
	table("maxVal", func(g sig) string { return bucket(int(g.maxVal*2), 0, 2, 3, 4, 5, 6) })
	table("quote", func(g sig) string { return fmt.Sprint(g.quote) })
	table("title", func(g sig) string { return fmt.Sprint(g.title) })
	table("bang", func(g sig) string { return fmt.Sprint(g.bang) })
	table("nbr", func(g sig) string { return bucket(int(g.nbr*10), 0, 2, 4, 6) })
	table("peak", func(g sig) string { return bucket(int(g.peak*100), 1, 2, 4, 6, 10, 15, 20, 30, 40) })
	table("peak x loaded0", func(g sig) string {
		return fmt.Sprintf("p%s l%s", bucket(int(g.peak*100), 2, 5, 10, 20), bucket(min(g.loaded, 1), 0))
	})
	table("loaded0 x words", func(g sig) string {
		return fmt.Sprintf("l%s w%s", bucket(min(g.loaded, 2), 0, 1), bucket(g.words, 6, 15, 30))
	})
	// m deciles.
	ms := make([]float64, 0, len(arts))
	seen := map[int]bool{}
	for _, g := range all {
		if !seen[g.art] {
			seen[g.art] = true
			ms = append(ms, g.mean)
		}
	}
	slices.Sort(ms)
	dec := ms[len(ms)/10]
	table("m<p10 x loaded x words", func(g sig) string {
		if g.mean >= dec {
			return "m>=p10"
		}
		return fmt.Sprintf("l%s w%s", bucket(min(g.loaded, 1), 0), bucket(g.words, 10, 20))
	})

	rows, err := sentenceRows(arts, held)
	if err != nil {
		t.Fatal(err)
	}
	sets := []string{"", "w", "l", "wl", "wlv", "wlq", "wlqtbn", "wlvqtbn", "wln", "p", "P", "wlqp", "wlqP", "wlqpP", "wlqpn"}
	if s := os.Getenv("UNSPUN_TASK_SETS"); s != "" {
		sets = strings.Split(s, ",")
	}
	for _, set := range sets {
		const folds = 5
		var rel, relBase score.Reliability
		type pr struct {
			p float64
			g bool
		}
		var preds []pr
		for f := range folds {
			var x [][]float64
			var y []bool
			for _, g := range all {
				if g.art%folds != f {
					x = append(x, sigX(g, set))
					y = append(y, g.gold)
				}
			}
			w := fitLogistic(x, y, len(x[0]))
			var train []sentenceRow
			for k := range rows {
				if k%folds != f {
					train = append(train, rows[k]...)
				}
			}
			c := fitV2(train)
			for k := range rows {
				if k%folds != f {
					continue
				}
				for _, r := range rows[k] {
					if r.Found {
						p := c.Apply(r.Sentence)
						rel.Add(p, r.gold)
						relBase.Add(p, r.gold)
					}
				}
			}
			for _, g := range all {
				if g.art%folds == f {
					p := predict(w, sigX(g, set))
					preds = append(preds, pr{p, g.gold})
					rel.Add(p, g.gold)
					relBase.Add(c.Apply(model.Sentence{Mean: g.mean}), g.gold)
				}
			}
		}
		slices.SortFunc(preds, func(a, b pr) int { return cmp.Compare(a.p, b.p) })
		var tb strings.Builder
		for _, q := range []int{20, 10} {
			for i := range q {
				if q == 20 && i > 1 {
					break
				}
				if q == 10 && i > 2 {
					break
				}
				lo, hi := i*len(preds)/q, (i+1)*len(preds)/q
				s, p := 0.0, 0
				for _, x := range preds[lo:hi] {
					s += x.p
					if x.g {
						p++
					}
				}
				fmt.Fprintf(&tb, " 1/%d bin %d: n=%d mean=%.4f gold=%.4f;", q, i, hi-lo, s/float64(hi-lo), float64(p)/float64(hi-lo))
			}
		}
		// share of nothing-found sentences predicted under 0.05
		u, up := 0, 0
		for _, x := range preds {
			if x.p < 0.05 {
				u++
				if x.g {
					up++
				}
			}
		}
		var x [][]float64
		var y []bool
		for _, g := range all {
			x = append(x, sigX(g, set))
			y = append(y, g.gold)
		}
		w := fitLogistic(x, y, len(x[0]))
		t.Logf("set %-8q ECE %.4f (base %.4f); under 0.05: %d (gold %.3f);%s\n    w(all)=%.3f", set, rel.ECE(), relBase.ECE(), u, float64(up)/float64(max(u, 1)), tb.String(), w)
		neutralScores(t, set, w)
	}
}

// neutralScores prints the scores the signals' fit w gives the sentences
// of plain neutral paragraphs where the shipped taggers find nothing.
func neutralScores(t *testing.T, set string, w []float64) {
	m, err := model.Embedded()
	if err != nil {
		t.Log(err)
		return
	}
	var b strings.Builder
	for _, p := range neutralParagraphs {
		text := p.text
		d := doc.New("n", text)
		tagged, err := m.SI.Tagging(context.Background(), d, m.SI.Words(d), false)
		if err != nil {
			t.Fatal(err)
		}
		tab := words.New(d, nil)
		ev := analyze.Evidence(d, tab, tagged.Spans, tagged.Prob)
		sigs := sentenceSigs(0, &corpus.Article{Doc: d}, ev, tab, nil)
		mx, sum := 0.0, 0.0
		for _, g := range sigs {
			p := predict(w, sigX(g, set))
			mx = max(mx, p)
			sum += p
		}
		fmt.Fprintf(&b, " [%d spans, %d/%d empty: max %.4f mean %.4f]", len(tagged.Spans), len(sigs), len(d.Sentences), mx, sum/float64(max(len(sigs), 1)))
	}
	t.Logf("    neutral paragraphs:%s", b.String())
}
