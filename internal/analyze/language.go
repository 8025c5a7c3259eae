package analyze

import (
	"slices"

	"unspun/internal/analysis"
	"unspun/internal/doc"
	"unspun/internal/lang"
	"unspun/internal/lexicon"
)

// skipForeign leaves out of res the paragraphs (lines) of d that are not in
// English (see package lang): their spans, quotes and sentences are
// dropped, their words are not counted, the article score is the mean
// over the sentences that remain, and res.Skipped says which paragraphs
// and why. The models read English only; what they find in other
// languages is noise (a Persian post came out as Loaded language).
func skipForeign(d *doc.Document, res *analysis.Result) {
	// Lines, not paragraphs: the corpus puts one paragraph on each line
	// with no blank line between, so a paragraph of doc can be a whole
	// article. The lines of one hard-wrapped paragraph judged alike are
	// merged back into one.
	prevLine := -1
	for li, l := range d.Lines {
		j := lang.Identify(d.TextOf(l))
		if j.English {
			continue
		}
		if n := len(res.Skipped); n > 0 && prevLine == li-1 && res.Skipped[n-1].Language == j.Language {
			res.Skipped[n-1].End = l.End
		} else {
			res.Skipped = append(res.Skipped, analysis.Skipped{Start: l.Start, End: l.End, Language: j.Language, Reason: j.Reason})
		}
		prevLine = li
	}
	if len(res.Skipped) == 0 {
		return
	}
	skipped := func(start int) bool {
		_, found := slices.BinarySearchFunc(res.Skipped, start, func(s analysis.Skipped, cp int) int {
			if s.End <= cp {
				return -1
			}
			if s.Start > cp {
				return 1
			}
			return 0
		})
		return found
	}
	res.Spans = slices.DeleteFunc(res.Spans, func(s analysis.Span) bool { return skipped(s.Start) })
	res.Quotes = slices.DeleteFunc(res.Quotes, func(q analysis.Quote) bool { return skipped(q.Start) })
	res.Sentences = slices.DeleteFunc(res.Sentences, func(s analysis.Sentence) bool { return skipped(s.Start) })
	rescore(res)
	for _, w := range d.Words {
		if lexicon.IsWord(w.Text) && skipped(w.Start) {
			res.Words--
		}
	}
}

// rescore sets the article score to the mean of res.Sentences' scores,
// after some were dropped.
func rescore(res *analysis.Result) {
	sum := 0.0
	for _, s := range res.Sentences {
		sum += s.Score
	}
	res.Score = 0
	if len(res.Sentences) > 0 {
		res.Score = round(sum / float64(len(res.Sentences)))
	}
}
