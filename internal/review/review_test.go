package review

import (
	"errors"
	"testing"

	"unspun/internal/analysis"
	"unspun/internal/technique"
)

func TestValidate(t *testing.T) {
	text := "🐱 cats are bad" // 14 code points, 15 UTF-16 units
	for _, tc := range []struct {
		name  string
		spans []Span
		index int
		want  string
	}{
		{"ok, overlapping, two techniques", []Span{{2, 6, "Loaded_Language"}, {2, 6, "Doubt"}, {0, 14, "Slogans"}}, -1, ""},
		{"past the text", []Span{{2, 6, "Doubt"}, {10, 15, "Doubt"}}, 1, "span 2 (10–15 \"Doubt\"): end is past the end of the text (14 code points)"},
		{"negative", []Span{{-1, 3, "Doubt"}}, 0, "span 1 (-1–3 \"Doubt\"): negative start"},
		{"empty", []Span{{3, 3, "Doubt"}}, 0, "span 1 (3–3 \"Doubt\"): end is not after start"},
		{"unknown technique", []Span{{0, 3, "Sarcasm"}}, 0, `span 1 (0–3 "Sarcasm"): unknown technique: want one of the 14 corpus labels, such as "Loaded_Language"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(text, tc.spans)
			if tc.index < 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Index != tc.index || err.Error() != tc.want {
				t.Errorf("err = %v, want %s", err, tc.want)
			}
		})
	}
}

func TestAgreement(t *testing.T) {
	model := []analysis.Span{
		{Start: 0, End: 10, Technique: technique.LoadedLanguage}, // accepted with shifted bounds
		{Start: 20, End: 30, Technique: technique.NameCalling},   // relabelled
		{Start: 40, End: 50, Technique: technique.Doubt},         // rejected
		{Start: 60, End: 70, Technique: technique.LoadedLanguage, // two techniques: one kept, one relabelled
			Techniques: []analysis.Alternative{{Technique: technique.LoadedLanguage}, {Technique: technique.Exaggeration}}},
	}
	rev := []Span{{1, 12, "Loaded_Language"}, {20, 30, "Doubt"}, {60, 70, "Loaded_Language"}, {80, 90, "Slogans"}}
	a := Agreement(model, rev)
	want := map[technique.Technique]Counts{
		technique.LoadedLanguage: {Highlights: 2, Accepted: 2},
		technique.NameCalling:    {Highlights: 1, Relabelled: 1},
		technique.Doubt:          {Highlights: 1, Rejected: 1},
		technique.Exaggeration:   {Highlights: 1, Relabelled: 1},
		technique.Slogans:        {Added: 1},
	}
	for _, tq := range technique.All() {
		if a[tq] != want[tq] {
			t.Errorf("%s: %+v, want %+v", tq, a[tq], want[tq])
		}
	}
}

func TestPriority(t *testing.T) {
	sure := &analysis.Result{Spans: []analysis.Span{{Confidence: 0.9, Techniques: []analysis.Alternative{{Confidence: 0.9}}, Alternatives: []analysis.Alternative{{Confidence: 0.05}}}},
		Sentences: []analysis.Sentence{{Score: 0.95}}}
	torn := &analysis.Result{Spans: []analysis.Span{{Confidence: 0.4, Techniques: []analysis.Alternative{{Confidence: 0.4}}, Alternatives: []analysis.Alternative{{Confidence: 0.38}}}}}
	borderline := &analysis.Result{Sentences: []analysis.Sentence{{Score: 0.1}, {Score: 0.52}}}
	ps, pt, pb := Priority(sure), Priority(torn), Priority(borderline)
	if !(pt > ps && pb > ps) || pt < 0.97 || pb < 0.95 || Priority(&analysis.Result{}) != 0 {
		t.Errorf("priorities sure %.3f torn %.3f borderline %.3f", ps, pt, pb)
	}
}
