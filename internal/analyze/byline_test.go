package analyze

import (
	"testing"

	"unspun/internal/analysis"
	"unspun/internal/doc"
)

func TestDropBylines(t *testing.T) {
	text := "Corrupt thugs rule\n\nBy Jane Doe and John Roe\n\nBy all accounts the corrupt thugs lie.\n"
	d := doc.New("b", text)
	span := func(s string) analysis.Span {
		for i := 0; i+len([]rune(s)) <= d.Len(); i++ {
			if d.Slice(i, i+len([]rune(s))) == s {
				return analysis.Span{Start: i, End: i + len([]rune(s)), Text: s}
			}
		}
		t.Fatalf("%q not in the text", s)
		return analysis.Span{}
	}
	res := &analysis.Result{Spans: []analysis.Span{span("Corrupt thugs"), span("Jane Doe"), span("corrupt thugs lie")}}
	for i, sc := range []float64{0.3, 0.9, 0.1} {
		s := d.Sentences[i]
		res.Sentences = append(res.Sentences, analysis.Sentence{Start: s.Start, End: s.End, Score: sc})
	}
	res.Score = 0.4333
	dropBylines(d, res)
	if len(res.Sentences) != 2 || res.Score != 0.2 {
		t.Errorf("after dropping the byline: %d sentences, article score %v; want 2 and 0.2", len(res.Sentences), res.Score)
	}
	var got []string
	for _, s := range res.Spans {
		got = append(got, s.Text)
	}
	if len(got) != 2 || got[0] != "Corrupt thugs" || got[1] != "corrupt thugs lie" {
		t.Errorf("spans after dropping the byline: %q, want the headline's and the body's", got)
	}
}
