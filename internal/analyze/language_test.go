package analyze

import (
	"testing"

	"unspun/internal/analysis"
	"unspun/internal/doc"
)

func TestSkipForeign(t *testing.T) {
	text := "Title here\n\nThe regime is a gang of thugs, he said.\n\nПрезидент заявил, что правительство продолжит реформы.\n\nThe end came quickly."
	d := doc.New("x", text)
	// Spans, a quote and sentences in each paragraph, as the pipeline
	// would leave them.
	res := &analysis.Result{Text: text, Words: countWords(d)}
	for _, s := range d.Sentences {
		res.Sentences = append(res.Sentences, analysis.Sentence{Start: s.Start, End: s.End, Score: 0.5})
		res.Spans = append(res.Spans, analysis.Span{Start: s.Start, End: s.Start + 3})
		res.Quotes = append(res.Quotes, analysis.Quote{Start: s.Start, End: s.Start + 2})
	}
	res.Sentences[len(res.Sentences)-1].Score = 0.1
	skipForeign(d, res)
	p := d.Paragraphs[2]
	want := analysis.Skipped{Start: p.Start, End: p.End, Language: "Russian", Reason: "written in Cyrillic script"}
	if len(res.Skipped) != 1 || res.Skipped[0] != want {
		t.Fatalf("skipped %+v, want [%+v]", res.Skipped, want)
	}
	if len(res.Sentences) != 3 || len(res.Spans) != 3 || len(res.Quotes) != 3 {
		t.Fatalf("kept %d sentences, %d spans, %d quotes; want 3 of each", len(res.Sentences), len(res.Spans), len(res.Quotes))
	}
	for _, s := range res.Spans {
		if s.Start >= p.Start && s.Start < p.End {
			t.Errorf("span at %d kept in the skipped paragraph", s.Start)
		}
	}
	if res.Score != 0.3667 {
		t.Errorf("score %v, want the mean of the kept sentences 0.3667", res.Score)
	}
	if res.Words != countWords(d)-6 {
		t.Errorf("words %d, want %d (the 6 Russian words left out)", res.Words, countWords(d)-6)
	}
}

func TestSkipForeignEnglishUntouched(t *testing.T) {
	text := "A headline\n\nBy Jane Doe\n\nAdvertisement\n\nThe minister said the plan was a disgrace."
	d := doc.New("x", text)
	res := &analysis.Result{Text: text, Words: countWords(d), Score: 0.2, Sentences: []analysis.Sentence{{Start: 0, End: 10, Score: 0.2}}}
	skipForeign(d, res)
	if res.Skipped != nil || res.Score != 0.2 || res.Words != countWords(d) || len(res.Sentences) != 1 {
		t.Errorf("an English article changed: %+v", res)
	}
}
