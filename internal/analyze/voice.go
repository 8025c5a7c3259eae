package analyze

import (
	"cmp"
	"slices"

	"unspun/internal/analysis"
	"unspun/internal/doc"
	"unspun/internal/quotes"
)

// attributePosts gives the social-media posts embedded in d
// (quotes.Posts) their author's voice: a span of the author's voice lying
// mostly inside a post becomes a quote of the post's author, and the post
// is listed among res.Quotes.
func attributePosts(d *doc.Document, res *analysis.Result) {
	posts := quotes.Posts(d)
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
