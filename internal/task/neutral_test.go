package task

import (
	"context"
	"errors"
	"testing"

	"unspun/internal/analyze"
	"unspun/internal/model"
)

// maxNeutral bounds the scores of the neutral paragraph: under the 0.153
// floor of version-1 calibrations, above the 0.11 that held-out data
// gives a text where nothing is found.
const maxNeutral = 0.13

// neutral is a plain news paragraph with no technique in it.
const neutral = `City council approves budget for road repairs

The city council met on Tuesday evening and approved next year's budget by a vote of seven to two. The budget sets aside 4.2 million dollars for road repairs and 1.1 million for a new branch library on Elm Street. Construction of the library is expected to begin in the spring and to take about eighteen months. The council will hold a public hearing on the road repair schedule on March 3 at the community centre.
`

// TestNeutralParagraphScoresNearZero: a text where nothing is propaganda
// scores well under what every sentence got before (0.153), sentence by
// sentence and as a whole. The bound is what held-out data supports: of
// the corpus's sentences where the taggers found nothing, 15% overlap a
// gold span, and 9% even in the articles where they found least (MODEL.md,
// "Sentence scores: calibration over 371"), so a calibrated score for
// "nothing found" cannot honestly be under 0.05. Models whose calibration
// predates the separate fit for sentences without fragments (calibration
// version 1) are skipped: the test needs a model trained by this
// release's unspun train.
func TestNeutralParagraphScoresNearZero(t *testing.T) {
	m, err := model.Embedded()
	if errors.Is(err, model.ErrNoModel) {
		t.Skip("no shipped model in this tree yet")
	}
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Sentence; c.C == 0 && c.F == 0 && c.E == c.B {
		t.Skipf("the shipped model %s has a version-1 sentence calibration (%+v): retrain it with unspun train", m.Version, c)
	}
	res, err := analyze.New(m).Analyze(context.Background(), "neutral", neutral)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Sentences {
		if s.Score >= maxNeutral {
			t.Errorf("sentence %q scores %.4f, want < %.2f", neutral[s.Start:s.End], s.Score, maxNeutral)
		}
	}
	if res.Score >= maxNeutral {
		t.Errorf("article score %.4f (fragments %v), want < %.2f", res.Score, res.Spans, maxNeutral)
	}
}
