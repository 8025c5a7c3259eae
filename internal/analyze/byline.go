package analyze

import (
	"unspun/internal/doc"
)

// bylineLines is how many lines from the top of a text may hold its
// byline: the headline, a blank line and a line or two of credits.
const bylineLines = 8

// bylines returns the lines among the first of d that are a byline ("By
// Jubin Katiraie"; doc.IsByline). A byline is not article text: fetch
// drops it from a web page, but a pasted or saved article keeps it, and
// the taggers had taken a name there for loaded language.
func bylines(d *doc.Document) []doc.Span {
	var out []doc.Span
	for _, l := range d.Lines[:min(len(d.Lines), bylineLines)] {
		if doc.IsByline(d.TextOf(l)) {
			out = append(out, l)
		}
	}
	return out
}
