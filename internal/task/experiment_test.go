package task

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspun/internal/corpus"
	"unspun/internal/embed"
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
	arts, err := corpus.ReadPTC(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	cache := os.Getenv("UNSPUN_TASK_HELD")
	var held [][]si.Span
	if b, err := os.ReadFile(cache); err == nil && cache != "" {
		if err := json.Unmarshal(b, &held); err != nil {
			t.Fatal(err)
		}
	} else {
		vecs, err := embed.BuildFromNPM(filepath.Join(testenv.ModuleRoot(), ".cache", "resources", embed.NPMPackage), 100000)
		if err != nil {
			t.Fatal(err)
		}
		held = make([][]si.Span, len(arts))
		if _, err := si.Train(arts, vecs, si.Options{Progress: os.Stderr, HeldOut: func(i int, s []si.Span) { held[i] = s }}); err != nil {
			t.Fatal(err)
		}
		if cache != "" {
			b, _ := json.Marshal(held)
			if err := os.WriteFile(cache, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	c, err := FitSentenceCalibration(arts, held)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("calibration on all %d articles: %s; a text with nothing found scores %.4f", len(arts), describe(c), c.Apply(0, 0, false))
	rep, err := CrossCheckCalibration(arts, held, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("held-out folds: ECE calibrated %.4f, one-feature %.4f, raw %.4f over %d sentences; %d without fragments: mean score %.4f, share with propaganda %.4f",
		rep.Calibrated.ECE(), rep.Legacy.ECE(), rep.Raw.ECE(), rep.Calibrated.N(), rep.Empty, rep.EmptyMean, rep.EmptyShare)
	var b strings.Builder
	rep.Calibrated.WriteTable(&b)
	t.Logf("calibrated, held-out folds:\n%s", b.String())
}
