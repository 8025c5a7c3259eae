package task

import (
	"context"
	"errors"
	"slices"
	"testing"

	"unspun/internal/analysis"
	"unspun/internal/analyze"
	"unspun/internal/model"
)

// maxNeutral bounds the scores of the sentences of the neutral paragraphs
// where nothing is found: the calibration of version 3 fitted on held-out
// fragments gives them 0.06–0.10 (MODEL.md "Sentence scores: calibration
// over 371"), under the 0.106 of version 2 and the 0.153 of version 1.
// It is not 0.05: held out, even the twentieth of nothing-found sentences
// the calibration scores lowest overlaps gold 8% of the time.
const maxNeutral = 0.11

// neutralParagraphs are plain news paragraphs with no technique in them,
// on topics the corpus does not cover; they were written before the
// sentence signals were chosen and not changed after.
var neutralParagraphs = []struct{ name, text string }{
	{"council", `City council approves budget for road repairs

The city council met on Tuesday evening and approved next year's budget by a vote of seven to two. The budget sets aside 4.2 million dollars for road repairs and 1.1 million for a new branch library on Elm Street. Construction of the library is expected to begin in the spring and to take about eighteen months. The council will hold a public hearing on the road repair schedule on March 3 at the community centre.
`},
	{"weather", `Weather: mild week ahead

Temperatures will stay between 12 and 17 degrees for most of the week. Light rain is expected on Wednesday afternoon, with winds from the south west at about 20 kilometres an hour. The weekend should be dry and partly cloudy. Sunrise on Saturday is at 6.42 and sunset at 19.15.
`},
	{"sports", `Results from Saturday's league games

The home side won the match two goals to one after a goal in the 78th minute. Both teams had eleven shots, and the visitors had the ball for 54 percent of the game. The next round will be played on Sunday, March 9, with kick-off at three in the afternoon. Tickets are on sale at the club's office and online.
`},
	{"court", `Court schedule for next week

The county court will hear four civil cases next week. A hearing on a contract dispute between two local firms is set for Monday at 9.30 in courtroom 2. On Wednesday, the judge will hear motions in a property case that was filed in June. The court is closed on Friday for a public holiday, and filings can be made online.
`},
	{"company", `Company reports quarterly figures

The company reported sales of 312 million dollars for the third quarter, up from 298 million a year earlier. Its operating costs rose by 3 percent, mainly because of higher shipping rates. The firm employs about 2,400 people at six sites. It will publish its annual report in February and hold a meeting for shareholders in April.
`},
}

// TestNeutralParagraphScoresNearZero: in texts where nothing is
// propaganda, the sentences where the taggers find nothing score well
// under what every such sentence got before (0.153 in version 1, 0.106
// in version 2), and so does a text where they find nothing at all. A
// sentence with a fragment (a tagger's false positive: the shipped
// taggers mark "with kick-off" in the sports paragraph) is scored by the
// fragment, which is the taggers' business, not the calibration's, and is
// only logged. Models whose calibration predates the sentence signals
// (calibration versions 1 and 2) fail: the shipped model must be one
// trained by this release's unspun train.
func TestNeutralParagraphScoresNearZero(t *testing.T) {
	m, err := model.Embedded()
	if errors.Is(err, model.ErrNoModel) {
		t.Skip("no shipped model in this tree yet")
	}
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Sentence; c.G == 0 && c.H == 0 && c.Q == 0 {
		t.Fatalf("the shipped model %s has a sentence calibration before version 3 (%+v): retrain it with unspun train", m.Version, c)
	}
	for _, p := range neutralParagraphs {
		res, err := analyze.New(m).Analyze(context.Background(), p.name, p.text)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Spans {
			t.Logf("%s: the taggers mark %q (%s, %.4f)", p.name, f.Text, f.Technique, f.Confidence)
		}
		for _, s := range res.Sentences {
			if slices.ContainsFunc(res.Spans, func(f analysis.Span) bool { return f.Start < s.End && s.Start < f.End }) {
				continue
			}
			if s.Score >= maxNeutral {
				t.Errorf("%s: sentence %q scores %.4f, want < %.2f", p.name, p.text[s.Start:s.End], s.Score, maxNeutral)
			}
		}
		if len(res.Spans) == 0 && res.Score >= maxNeutral {
			t.Errorf("%s: article score %.4f, want < %.2f", p.name, res.Score, maxNeutral)
		}
	}
}
