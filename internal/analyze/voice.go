package analyze

import (
	"cmp"
	"slices"

	"unspun/internal/analysis"
	"unspun/internal/doc"
	"unspun/internal/quotes"
)

// attributeRegions gives the passages of d spoken in another voice
// without quotation marks (quotes.Regions: embedded social-media posts and
// the turns of an interview transcript) their speaker's voice: a span of
// the author's voice lying mostly inside one becomes a quote of its
// speaker, and the passage is listed among res.Quotes. Spans inside
// quotation marks already have their speaker from speechOf.
func attributeRegions(d *doc.Document, res *analysis.Result) {
	posts := quotes.Regions(d)
	if len(posts) == 0 {
		return
	}
	for i := range res.Spans {
		s := &res.Spans[i]
		if s.Voice != "author" {
			continue
		}
		for _, p := range posts {
			if over := min(s.End, p.End) - max(s.Start, p.Start); over > 0 && 2*over >= s.End-s.Start {
				s.Voice, s.Speaker = "quote", p.Speaker
				break
			}
		}
	}
	for _, p := range posts {
		res.Quotes = append(res.Quotes, analysis.Quote{Start: p.Start, End: p.End, Speaker: p.Speaker})
	}
	slices.SortStableFunc(res.Quotes, func(a, b analysis.Quote) int { return cmp.Compare(a.Start, b.Start) })
}
