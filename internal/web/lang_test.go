package web

import (
	"strings"
	"testing"

	"unspun/internal/analysis"
	"unspun/internal/store"
)

// TestArticleShowsSkipped: the article page names each paragraph that was
// not analysed, its language and why, in a band of its own.
func TestArticleShowsSkipped(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	text := "A title\n\nرئیس جمهور ایران گفت که کشورش هرگز در برابر فشارهای خارجی تسلیم نخواهد شد.\n\n<b>English</b> text."
	res := &analysis.Result{Text: text, Words: 3, Skipped: []analysis.Skipped{{Start: 9, End: 84, Language: "Persian", Reason: "written in Arabic script"}}}
	var b strings.Builder
	if err := r.Render(&b, PageArticle, NewArticleData(Base{}, Meta{}, res)); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		`<ul class="skipped" aria-label="Paragraphs not analysed">`,
		`not analysed: Persian (written in Arabic script) — <span class="excerpt">رئیس جمهور ایران گفت که کشورش هرگز در برابر فشارهای خارجی…</span>`,
		`&lt;b&gt;English&lt;/b&gt;`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	res.Skipped = nil
	b.Reset()
	if err := r.Render(&b, PageArticle, NewArticleData(Base{}, Meta{}, res)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), `class="skipped"`) {
		t.Error("an article with nothing skipped shows the band")
	}
}

// TestArticleNotAnalysed: a text with no English words left shows that it
// was not analysed, not a 0% propaganda score.
func TestArticleNotAnalysed(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	text := "Governo anuncia novo plano\n\nO governo estadual anunciou nesta terça-feira um novo plano para o transporte público."
	res := &analysis.Result{Text: text, Skipped: []analysis.Skipped{{Start: 0, End: len([]rune(text)), Language: "Portuguese", Reason: "the article is in this language; identified with confidence 1.00"}}}
	var b strings.Builder
	if err := r.Render(&b, PageArticle, NewArticleData(Base{}, Meta{}, res)); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !strings.Contains(page, `<strong>Not analysed:</strong> the text has no English words`) || strings.Contains(page, "propaganda score") {
		t.Errorf("a text with no English shows a score, or does not say it was not analysed:\n%s", page)
	}
	res.Words, res.Skipped = 12, nil
	b.Reset()
	if err := r.Render(&b, PageArticle, NewArticleData(Base{}, Meta{}, res)); err != nil {
		t.Fatal(err)
	}
	if page := b.String(); strings.Contains(page, "Not analysed:") || !strings.Contains(page, "propaganda score") {
		t.Error("an analysed text says it was not analysed, or shows no score")
	}
}

func TestTopTargets(t *testing.T) {
	res := func(targets ...string) *analysis.Result {
		r := &analysis.Result{}
		for _, tg := range targets {
			r.Spans = append(r.Spans, analysis.Span{Target: tg})
		}
		return r
	}
	got := TopTargets([]Labelled{
		{Source: "b", Result: res("Iran", "iran", "Iran", "MEK", "")},
		{Source: "a", Result: res("Trump", "Obama", "Obama")},
		{Source: "b", Result: res("  Iran ", "Zarif")},
		{Source: "c", Result: res("")},
		{Source: "d", Result: nil},
	}, 2)
	want := []SourceTargets{
		{Source: "a", Targets: []TargetCount{{"Obama", 2}, {"Trump", 1}}},
		{Source: "b", Targets: []TargetCount{{"Iran", 4}, {"MEK", 1}}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].Source != want[i].Source || len(got[i].Targets) != len(want[i].Targets) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		for k := range want[i].Targets {
			if got[i].Targets[k] != want[i].Targets[k] {
				t.Errorf("%s: got %+v, want %+v", want[i].Source, got[i].Targets, want[i].Targets)
			}
		}
	}
}

// TestListNotAnalysed: in the article list, an article with no English
// words says "not analysed" where others show their score.
func TestListNotAnalysed(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	data := ListData{Items: []store.Summary{
		{ID: 1, Title: "Governo anuncia novo plano", Words: 0, Score: 0},
		{ID: 2, Title: "The plan", Words: 120, Score: 0.42},
	}, Total: 2, PageNum: 1, Pages: 1}
	var b strings.Builder
	if err := r.Render(&b, PageList, data); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.Count(page, ">not analysed<") != 1 || !strings.Contains(page, "score 42%") || strings.Contains(page, "score 0%") {
		t.Errorf("list does not mark the article with no English words, or scores it:\n%s", page)
	}
}

// TestBatchSummaryNotAnalysed: a batch report's summary says "not
// analysed" for an article with no English words instead of a 0% score.
func TestBatchSummaryNotAnalysed(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	d := &SummaryData{Title: "Batch", Articles: 2, Rows: []SummaryRow{
		{Title: "Governo anuncia novo plano", File: "a.html"},
		{Title: "The plan", File: "b.html", Words: 120, Spans: 3, Score: 0.42},
	}}
	var b strings.Builder
	if err := r.Summary(&b, d); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.Count(page, "<td>not analysed</td>") != 1 || !strings.Contains(page, "<td>42%</td>") || strings.Contains(page, "<td>0%</td>") {
		t.Errorf("summary does not mark the article with no English words, or scores it:\n%s", page)
	}
}
