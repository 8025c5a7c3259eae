package analyze

import (
	"slices"

	"unspun/internal/analysis"
	"unspun/internal/doc"
	"unspun/internal/lang"
	"unspun/internal/lexicon"
)

// skipForeign leaves out of res the paragraphs of d that are not in
// English (see package lang): their spans, quotes and sentences are
// dropped, their words are not counted, the article score is the mean
// over the sentences that remain, and res.Skipped says which paragraphs
// and why. The models read English only; what they find in other
// languages is noise (a Persian post came out as Loaded language).
func skipForeign(d *doc.Document, res *analysis.Result) {
	for _, p := range d.Paragraphs {
		j := lang.Identify(d.Slice(p.Start, p.End))
		if !j.English {
			res.Skipped = append(res.Skipped, analysis.Skipped{Start: p.Start, End: p.End, Language: j.Language, Reason: j.Reason})
		}
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
	sum := 0.0
	for _, s := range res.Sentences {
		sum += s.Score
	}
	res.Score = 0
	if len(res.Sentences) > 0 {
		res.Score = round(sum / float64(len(res.Sentences)))
	}
	for _, w := range d.Words {
		if lexicon.IsWord(w.Text) && skipped(w.Start) {
			res.Words--
		}
	}
}
