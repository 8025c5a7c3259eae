package fetch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// wireHTML is a wire story as news sites lay it out: the site's name in
// the title, the headline repeated, a byline and a date above the story,
// and a dateline opening it.
const wireHTML = `<!doctype html><html><head><meta charset="utf-8"><title>Ministers clash over budget | Daily Wire Example</title>
<meta property="og:site_name" content="Daily Wire Example"></head><body><article><h1>Ministers clash over budget</h1>
<p>By Jane Doe and John Roe, Reuters</p><p>Jan. 5, 2019</p>
<p>WASHINGTON (Reuters) — The ministers clashed on Tuesday over the new budget after a long debate that ran late into the evening and drew a large crowd to the hall.</p>
<p>Supporters said the plan would cut traffic in the centre, while opponents warned that the cost had been underestimated and that shops would suffer during the works.</p>
<p>By the end of the day, the plan had gone to a public consultation, which will run for six weeks before a final vote in the summer.</p></article></body></html>`

// TestFetchLaysOutArticleAsTheCorpus: a fetched article's text is its
// headline, a blank line and the story, without byline, date line and
// dateline, as the corpus lays out articles (line 1 is the title, which is
// analysed).
func TestFetchLaysOutArticleAsTheCorpus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(wireHTML))
	}))
	t.Cleanup(srv.Close)
	p, err := New(Options{AllowPrivate: true, Timeout: 5 * time.Second}).Fetch(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	want := "Ministers clash over budget\n\n" +
		"The ministers clashed on Tuesday over the new budget after a long debate that ran late into the evening and drew a large crowd to the hall.\n\n" +
		"Supporters said the plan would cut traffic in the centre, while opponents warned that the cost had been underestimated and that shops would suffer during the works.\n\n" +
		"By the end of the day, the plan had gone to a public consultation, which will run for six weeks before a final vote in the summer."
	if p.Text != want {
		t.Errorf("text =\n%q\nwant\n%q", p.Text, want)
	}
	if p.Title != "Ministers clash over budget" || p.Byline != "Jane Doe and John Roe, Reuters" {
		t.Errorf("title %q, byline %q", p.Title, p.Byline)
	}
}

func TestIsDateLine(t *testing.T) {
	for p, want := range map[string]bool{
		"Jan. 5, 2019":    true,
		"January 5, 2019": true,
		"5 January 2019":  true,
		"2019-01-05":      true,
		"Updated 10:30 a.m. ET, Sat January 5, 2019": true,
		"Published: Monday 7 May 2018 14:02 BST":     true,
		"May the best man win":                       false,
		"2019 was a bad year":                        false,
		"12:30":                                      false,
		"On January 5, 2019, the minister resigned.": false,
	} {
		if got := isDateLine(p); got != want {
			t.Errorf("isDateLine(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestStripDateline(t *testing.T) {
	for p, want := range map[string]string{
		"WASHINGTON (Reuters) — The ministers met on Tuesday.":       "The ministers met on Tuesday.",
		"KABUL, Afghanistan (AP) - A bomb exploded near the base.":   "A bomb exploded near the base.",
		"NEW YORK, Jan 5 (Reuters) - Stocks fell sharply on Friday.": "Stocks fell sharply on Friday.",
		"HAMBURG - Airbus has landed a coup with the new plane.":     "Airbus has landed a coup with the new plane.",
		"The minister — who resigned — said nothing more.":           "The minister — who resigned — said nothing more.",
		"US - China trade talks resumed on Monday in Beijing.":       "US - China trade talks resumed on Monday in Beijing.",
		"LONDON — Short.": "LONDON — Short.",
	} {
		if got := stripDateline(p); got != want {
			t.Errorf("stripDateline(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestCleanTitle(t *testing.T) {
	for _, tt := range []struct{ title, site, want string }{
		{"Council backs plan | Daily Example", "Daily Example", "Council backs plan"},
		{"Daily Example - Council backs new plan", "Daily Example", "Council backs new plan"},
		{"Trump: it's a disgrace - Breitbart", "", "Trump: it's a disgrace"},
		{"Left - Right", "", "Left - Right"},
		{"  Plain   headline  ", "", "Plain headline"},
	} {
		if got := cleanTitle(tt.title, tt.site); got != tt.want {
			t.Errorf("cleanTitle(%q, %q) = %q, want %q", tt.title, tt.site, got, tt.want)
		}
	}
}

func TestArticleTextKeepsOneParagraph(t *testing.T) {
	text, _, byline := articleText("", "", "By Jane Doe")
	if text != "By Jane Doe" || byline != "" {
		t.Errorf("a page that is only a byline became %q (byline %q)", text, byline)
	}
}
