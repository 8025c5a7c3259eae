package web

import (
	"strings"
	"testing"

	"unspun/internal/analysis"
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
