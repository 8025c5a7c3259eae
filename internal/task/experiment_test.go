package task

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspun/internal/analyze"
	"unspun/internal/corpus"
	"unspun/internal/embed"
	"unspun/internal/model"
	"unspun/internal/si"
	"unspun/internal/testenv"
)

// TestCalibrationExperiment measures the sentence calibration on the
// held-out fragments of the span taggers' cross-validation over every
// article of the corpus, as unspun train fits it: the ECE of the
// calibration on held-out folds, of the one-feature calibration older
// models used and of the raw score, and the score of sentences where
// nothing was found. It trains the taggers once (minutes) and keeps their
// held-out fragments in UNSPUN_TASK_HELD (a JSON file) for later runs.
//
//	UNSPUN_TASK_EXPERIMENT=1 UNSPUN_TASK_HELD=/tmp/held.json go test -run TestCalibrationExperiment -v -timeout 60m ./internal/task
func TestCalibrationExperiment(t *testing.T) {
	if os.Getenv("UNSPUN_TASK_EXPERIMENT") == "" {
		t.Skip("set UNSPUN_TASK_EXPERIMENT=1 to run")
	}
	dir := testenv.PTC(t)
	var ids []string
	if f := os.Getenv("UNSPUN_TASK_IDS"); f != "" {
		// A split, such as split-train.txt, to see the calibration as
		// the train-only model fits it.
		var err error
		if ids, err = corpus.ReadIDs(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	arts, err := corpus.ReadPTC(dir, ids)
	if err != nil {
		t.Fatal(err)
	}
	cache := os.Getenv("UNSPUN_TASK_HELD")
	held := heldOutOf(t, arts, cache)
	c, err := FitSentenceCalibration(arts, held)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("calibration on all %d articles: %s", len(arts), describe(c))
	rep, err := CrossCheckCalibration(arts, held, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("held-out folds: log-loss calibrated %.4f, version 3 %.4f", rep.LogLoss, rep.LogLossV3)
	t.Logf("held-out folds: ECE calibrated %.4f, version 3 %.4f, version 2 %.4f, one-feature %.4f, raw %.4f over %d sentences; %d without fragments: mean score %.4f, share with propaganda %.4f",
		rep.Calibrated.ECE(), rep.V3.ECE(), rep.V2.ECE(), rep.Legacy.ECE(), rep.Raw.ECE(), rep.Calibrated.N(), rep.Empty, rep.EmptyMean, rep.EmptyShare)
	var b strings.Builder
	for i, bin := range rep.EmptyBins {
		fmt.Fprintf(&b, "  twentieth %2d: %4d sentences, mean score %.4f, share with propaganda %.4f\n", i+1, bin.N, bin.Mean, bin.Share)
	}
	t.Logf("nothing found, held-out folds, by calibrated score:\n%s", b.String())
	b.Reset()
	rep.Calibrated.WriteTable(&b)
	t.Logf("calibrated, held-out folds:\n%s", b.String())
	// The neutral paragraphs with this calibration and the shipped
	// taggers (which find nothing in most of them).
	m, err := model.Embedded()
	if err != nil {
		t.Skip(err)
	}
	m.Sentence = c
	for _, p := range neutralParagraphs {
		res, err := analyze.New(m).Analyze(context.Background(), p.name, p.text)
		if err != nil {
			t.Fatal(err)
		}
		hi := 0.0
		for _, s := range res.Sentences {
			hi = max(hi, s.Score)
		}
		t.Logf("neutral %-8s: %d fragments, article %.4f, highest sentence %.4f", p.name, len(res.Spans), res.Score, hi)
	}
}

// heldCache is what TestCalibrationExperiment keeps of the taggers'
// cross-validation: every article's held-out spans and word
// probabilities (si.Options.HeldOut).
type heldCache struct {
	Spans [][]si.Span
	Prob  [][]float32
}

// heldOutOf returns the held-out spans and word probabilities of the span
// taggers' cross-validation over arts, read from the JSON file cache when
// it holds them, else trained (minutes) and written there.
func heldOutOf(t *testing.T, arts []*corpus.Article, cache string) Held {
	t.Helper()
	var hc heldCache
	if b, err := os.ReadFile(cache); err == nil && cache != "" {
		if err := json.Unmarshal(b, &hc); err != nil {
			t.Fatalf("%s: %v (delete it to train again)", cache, err)
		}
	} else {
		vecs, err := embed.BuildFromNPM(filepath.Join(testenv.ModuleRoot(), ".cache", "resources", embed.NPMPackage), 100000)
		if err != nil {
			t.Fatal(err)
		}
		hc.Spans = make([][]si.Span, len(arts))
		hc.Prob = make([][]float32, len(arts))
		opts := si.Options{Progress: os.Stderr, HeldOut: func(i int, s []si.Span, p []float64) {
			hc.Spans[i] = s
			hc.Prob[i] = make([]float32, len(p))
			for k, v := range p {
				hc.Prob[i][k] = float32(v)
			}
		}}
		if _, err := si.Train(arts, vecs, opts); err != nil {
			t.Fatal(err)
		}
		if cache != "" {
			b, _ := json.Marshal(hc)
			if err := os.WriteFile(cache, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(hc.Spans) != len(arts) || len(hc.Prob) != len(arts) {
		t.Fatalf("%s: held-out predictions for %d/%d articles, want %d (delete it to train again)", cache, len(hc.Spans), len(hc.Prob), len(arts))
	}
	prob := make([][]float64, len(arts))
	for i, p := range hc.Prob {
		prob[i] = make([]float64, len(p))
		for k, v := range p {
			prob[i][k] = float64(v)
		}
	}
	return Held{Spans: hc.Spans, Prob: prob}
}
