package analyze

import (
	"slices"

	"unspun/internal/analysis"
	"unspun/internal/doc"
)

// bylineLines is how many lines from the top of a text may hold its
// byline: the headline, a blank line and a line or two of credits.
const bylineLines = 8

// dropBylines removes from res the spans and sentences of a byline among
// the first lines of d ("By Jubin Katiraie"; doc.IsByline), and scores
// the article without it. A byline is not article text: fetch drops it
// from a web page, but a pasted or saved article keeps it, and the
// taggers had taken a name there for loaded language.
func dropBylines(d *doc.Document, res *analysis.Result) {
	dropped := false
	for _, l := range d.Lines[:min(len(d.Lines), bylineLines)] {
		if !doc.IsByline(d.TextOf(l)) {
			continue
		}
		in := func(start, end int) bool { return start >= l.Start && end <= l.End }
		res.Spans = slices.DeleteFunc(res.Spans, func(s analysis.Span) bool { return in(s.Start, s.End) })
		res.Sentences = slices.DeleteFunc(res.Sentences, func(s analysis.Sentence) bool { return in(s.Start, s.End) })
		dropped = true
	}
	if dropped {
		rescore(res)
	}
}
