package server

import (
	"context"
	"strings"
	"testing"

	"unspun/internal/analysis"
	"unspun/internal/store"
	"unspun/internal/technique"
)

// TestDashboardShowsLabelledTargets: the dashboard lists, per source, the
// targets that labelling fragments of its stored articles attach to, most
// labelled first.
func TestDashboardShowsLabelledTargets(t *testing.T) {
	f := newFixture(t, Config{})
	save := func(source, text string, targets ...string) {
		t.Helper()
		res := &analysis.Result{Text: text, Words: 10, Model: "test"}
		for i, tg := range targets {
			res.Spans = append(res.Spans, analysis.Span{Start: i, End: i + 1, Text: text[i : i+1], Technique: technique.NameCalling, Voice: "author", Target: tg})
		}
		a, err := store.FromResult(store.Meta{Source: source, Title: text}, res)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.store.Save(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	save("alpha.example", "first article text", "Kim Jong Un", "Kim Jong Un", "Trump")
	save("alpha.example", "second article text", "kim jong un", "")
	save("beta.example", "third article text", "Farrakhan")
	rec := f.do(t, call{method: "GET", path: "/dashboard"})
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{
		"Who is labelled", "over the 3 most recent articles",
		"<th scope=\"row\">alpha.example</th><td>Kim Jong Un (3), Trump (1)</td>",
		"<th scope=\"row\">beta.example</th><td>Farrakhan (1)</td>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
}
