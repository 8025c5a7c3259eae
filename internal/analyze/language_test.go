package analyze

import (
	"context"
	"slices"
	"strings"
	"testing"

	"unspun/internal/analysis"
	"unspun/internal/doc"
)

func TestForeign(t *testing.T) {
	text := "Title here\n\nThe regime is a gang of thugs, he said.\n\nПрезидент заявил, что правительство продолжит реформы.\n\nThe end came quickly."
	d := doc.New("x", text)
	p := d.Paragraphs[2]
	want := []analysis.Skipped{{Start: p.Start, End: p.End, Language: "Russian", Reason: "written in Cyrillic script"}}
	if got := foreign(d); !slices.Equal(got, want) {
		t.Fatalf("foreign %+v, want %+v", got, want)
	}
}

func TestForeignEnglishUntouched(t *testing.T) {
	text := "A headline\n\nBy Jane Doe\n\nAdvertisement\n\nThe minister said the plan was a disgrace."
	d := doc.New("x", text)
	if got := foreign(d); got != nil {
		t.Errorf("an English article has foreign paragraphs: %+v", got)
	}
	if got, skipped := leftOut(doc.New("y", "A headline\n\nThe minister said the plan was a disgrace.")); got.ID != "y" || skipped != nil || got.Text != "A headline\n\nThe minister said the plan was a disgrace." {
		t.Errorf("leftOut changed an article with nothing to leave out: %q, %+v", got.Text, skipped)
	}
}

// leftOutText is the text of TestLeftOut and TestAnalyzeLeavesOut: a
// byline and a Russian paragraph around English ones.
const leftOutText = "Thugs rule the city\n\nBy Jane Doe\n\nThe corrupt regime is a gang of thugs, he said.\n\nПрезидент заявил, что «правительство» продолжит реформы.\n\nThe end of this disgraceful regime came quickly."

func TestLeftOut(t *testing.T) {
	d := doc.New("x", leftOutText)
	m, skipped := leftOut(d)
	if len(skipped) != 1 || skipped[0].Language != "Russian" {
		t.Fatalf("skipped %+v, want the Russian paragraph", skipped)
	}
	if m.Len() != d.Len() || len(m.Lines) != len(d.Lines) {
		t.Fatalf("left-out document: %d code points and %d lines, want %d and %d", m.Len(), len(m.Lines), d.Len(), len(d.Lines))
	}
	byline, russian := d.Paragraphs[1], d.Paragraphs[3]
	for _, w := range m.Words {
		if w.Start >= byline.Start && w.Start < byline.End || w.Start >= russian.Start && w.Start < russian.End {
			t.Errorf("word %q at %d of a left-out line is still read", w.Text, w.Start)
		}
	}
	// Every other word is where it was.
	var want, got []doc.Word
	for _, w := range d.Words {
		if !(w.Start >= byline.Start && w.Start < byline.End) && !(w.Start >= russian.Start && w.Start < russian.End) {
			want = append(want, w)
		}
	}
	got = m.Words
	if len(got) != len(want) {
		t.Fatalf("%d words kept, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Start != want[i].Start || got[i].Text != want[i].Text {
			t.Fatalf("word %d: %q at %d, want %q at %d", i, got[i].Text, got[i].Start, want[i].Text, want[i].Start)
		}
	}
	if len(m.Quotes) != 0 {
		t.Errorf("the Russian paragraph's quotation is still a region: %+v", m.Quotes)
	}
}

// TestAnalyzeLeavesOut checks that the models never read a foreign
// paragraph or a byline: the analysis of the article is the analysis of
// the same article with those lines blanked, apart from the text it
// quotes and the skipped list.
func TestAnalyzeLeavesOut(t *testing.T) {
	a := New(fixtureModel(t))
	ctx := context.Background()
	res, err := a.Analyze(ctx, "x", leftOutText)
	if err != nil {
		t.Fatal(err)
	}
	d := doc.New("x", leftOutText)
	byline, russian := d.Paragraphs[1], d.Paragraphs[3]
	blanked := []rune(leftOutText)
	for _, l := range []doc.Span{byline, russian} {
		for i := l.Start; i < l.End; i++ {
			blanked[i] = ' '
		}
	}
	want, err := a.Analyze(ctx, "x", string(blanked))
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != leftOutText {
		t.Errorf("result text %q, want the article's", res.Text)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Start != russian.Start || res.Skipped[0].End != russian.End {
		t.Errorf("skipped %+v, want the Russian paragraph [%d,%d)", res.Skipped, russian.Start, russian.End)
	}
	if res.Words != want.Words || res.Score != want.Score || len(res.Sentences) != len(want.Sentences) || len(res.Spans) != len(want.Spans) || len(res.Quotes) != len(want.Quotes) {
		t.Fatalf("analysis with the lines read differs from the analysis without them:\n%+v\n%+v", res, want)
	}
	for i, s := range res.Spans {
		w := want.Spans[i]
		if s.Start != w.Start || s.End != w.End || s.Technique != w.Technique || s.Confidence != w.Confidence || strings.TrimSpace(s.Text) != strings.TrimSpace(w.Text) {
			t.Errorf("span %d: %+v, want %+v", i, s, w)
		}
	}
	for _, s := range res.Sentences {
		for _, l := range []doc.Span{byline, russian} {
			if s.Start >= l.Start && s.Start < l.End {
				t.Errorf("sentence at %d in a left-out line", s.Start)
			}
		}
	}
}
