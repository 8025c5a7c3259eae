package task

import (
	"context"
	"errors"
	"testing"

	"unspun/internal/analyze"
	"unspun/internal/model"
)

// neutral is a plain news paragraph with no technique in it.
const neutral = `City council approves budget for road repairs

The city council met on Tuesday evening and approved next year's budget by a vote of seven to two. The budget sets aside 4.2 million dollars for road repairs and 1.1 million for a new branch library on Elm Street. Construction of the library is expected to begin in the spring and to take about eighteen months. The council will hold a public hearing on the road repair schedule on March 3 at the community centre.
`

// TestNeutralParagraphScoresNearZero: a text where nothing is propaganda
// scores near 0 with the shipped model, sentence by sentence and as a
// whole. Models whose calibration predates the separate fit for
// sentences without fragments (calibration version 1) gave every sentence
// at least 0.15; the test needs a model trained by this release's unspun
// train, and says so.
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
		if s.Score >= 0.05 {
			t.Errorf("sentence %q scores %.4f", neutral[s.Start:s.End], s.Score)
		}
	}
	if res.Score >= 0.05 {
		t.Errorf("article score %.4f (fragments %v), want < 0.05", res.Score, res.Spans)
	}
}
