package analyze

import (
	"cmp"
	"slices"
	"strings"

	"unspun/internal/analysis"
	"unspun/internal/doc"
	"unspun/internal/lang"
)

// foreign returns the paragraphs (lines) of d that are not in English (see
// package lang), with the reason. The models read English only; what they
// find in other languages is noise (a Persian post came out as Loaded
// language).
func foreign(d *doc.Document) []analysis.Skipped {
	// Lines, not paragraphs: the corpus puts one paragraph on each line
	// with no blank line between, so a paragraph of doc can be a whole
	// article. The lines of one hard-wrapped paragraph judged alike are
	// merged back into one, and so are paragraphs separated only by blank
	// lines that were skipped for the same reason: an article in another
	// language is one passage, not a list of its paragraphs.
	var out []analysis.Skipped
	prevLine := -1
	texts := make([]string, len(d.Lines))
	for li, l := range d.Lines {
		texts[li] = d.TextOf(l)
	}
	for li, j := range lang.IdentifyLines(texts) {
		l := d.Lines[li]
		if j.English {
			continue
		}
		n := len(out)
		switch {
		case n > 0 && prevLine == li-1 && out[n-1].Language == j.Language:
			out[n-1].End = l.End
		case n > 0 && blankBetween(texts, prevLine, li) && out[n-1].Language == j.Language && out[n-1].Reason == j.Reason:
			out[n-1].End = l.End
		default:
			out = append(out, analysis.Skipped{Start: l.Start, End: l.End, Language: j.Language, Reason: j.Reason})
		}
		prevLine = li
	}
	return out
}

// blankBetween reports whether the lines strictly between i and j are
// all blank.
func blankBetween(lines []string, i, j int) bool {
	for k := i + 1; k < j; k++ {
		if strings.TrimSpace(lines[k]) != "" {
			return false
		}
	}
	return true
}

// leftOut returns d with the text the models must not read blanked: its
// foreign paragraphs (returned as skipped, for the result) and its
// byline. Each of their code points becomes a space, so that every
// offset into the returned document is an offset into d; with nothing
// to leave out it returns d itself. The models, the quotes, the sentence
// scores and the word count then never see that text: dropping what they
// found there afterwards still let it into every article-wide feature
// (repetition counts, the article's vector and style).
func leftOut(d *doc.Document) (*doc.Document, []analysis.Skipped) {
	skipped := foreign(d)
	blank := bylines(d)
	for _, s := range skipped {
		blank = append(blank, doc.Span{Start: s.Start, End: s.End})
	}
	if len(blank) == 0 {
		return d, nil
	}
	slices.SortFunc(blank, func(x, y doc.Span) int { return cmp.Compare(x.Start, y.Start) })
	var b strings.Builder
	b.Grow(len(d.Text))
	cp, k := 0, 0
	for _, r := range d.Text {
		for k < len(blank) && blank[k].End <= cp {
			k++
		}
		if k < len(blank) && cp >= blank[k].Start && r != '\n' && r != '\r' {
			r = ' '
		}
		b.WriteRune(r)
		cp++
	}
	return doc.New(d.ID, b.String()), skipped
}
