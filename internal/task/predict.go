package task

import (
	"context"
	"fmt"
	"io"

	"unspun/internal/analysis"
	"unspun/internal/analyze"
	"unspun/internal/corpus"
	"unspun/internal/score"
	"unspun/internal/technique"
)

// PredictSI returns the span identification rows of arts: every fragment
// the analyzer finds, article by article in the given order, each in text
// order.
func PredictSI(ctx context.Context, a *analyze.Analyzer, arts []*corpus.Article) ([]corpus.Span, error) {
	var out []corpus.Span
	for _, art := range arts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, f := range a.Fragments(art.Doc) {
			out = append(out, corpus.Span{Article: art.ID, Start: f.Start, End: f.End})
		}
	}
	return out, nil
}

// PredictTC labels every row of rows (the technique column is ignored)
// with a technique, keeping their order. The rows of one span are the
// task's way of giving a fragment several techniques: the k-th row of a
// span gets its k-th most likely technique, so they differ. Every row must
// name an article of arts.
func PredictTC(ctx context.Context, a *analyze.Analyzer, arts []*corpus.Article, rows []corpus.Span) ([]corpus.Span, error) {
	byID := make(map[string]*corpus.Article, len(arts))
	for _, art := range arts {
		byID[art.ID] = art
	}
	type key struct {
		id         string
		start, end int
	}
	ranked := make(map[key][]technique.Technique)
	seen := make(map[key]int)
	out := make([]corpus.Span, len(rows))
	for i, r := range rows {
		k := key{r.Article, r.Start, r.End}
		techs, ok := ranked[k]
		if !ok {
			art := byID[r.Article]
			if art == nil {
				return nil, fmt.Errorf("task: row %d names article %s, which is not among the articles", i+1, r.Article)
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			for _, alt := range a.Techniques(art.Doc, r.Start, r.End) {
				techs = append(techs, alt.Technique)
			}
			ranked[k] = techs
		}
		r.Technique = score.Assign(techs, seen[k])
		r.HasTechnique = true
		seen[k]++
		out[i] = r
	}
	return out, nil
}

// WriteSI writes the span identification rows of arts to w.
func WriteSI(ctx context.Context, w io.Writer, a *analyze.Analyzer, arts []*corpus.Article) error {
	rows, err := PredictSI(ctx, a, arts)
	if err != nil {
		return err
	}
	return corpus.WriteSI(w, rows)
}

// WriteTC labels rows (see PredictTC) and writes them to w.
func WriteTC(ctx context.Context, w io.Writer, a *analyze.Analyzer, arts []*corpus.Article, rows []corpus.Span) error {
	out, err := PredictTC(ctx, a, arts, rows)
	if err != nil {
		return err
	}
	return corpus.WriteTC(w, out)
}

// ResultRows returns the TC rows of an analysis of article id: one row per
// technique a fragment is given (analysis.Span.Techniques, or its
// Technique for results without them), so a fragment with two techniques
// gives two rows of the same span, as the corpus writes them. SI rows are
// the same spans with the technique ignored (ResultSpans).
func ResultRows(id string, res *analysis.Result) []corpus.Span {
	out := make([]corpus.Span, 0, len(res.Spans))
	for _, s := range res.Spans {
		if len(s.Techniques) == 0 {
			out = append(out, corpus.Span{Article: id, Start: s.Start, End: s.End, Technique: s.Technique, HasTechnique: true})
			continue
		}
		for _, t := range s.Techniques {
			out = append(out, corpus.Span{Article: id, Start: s.Start, End: s.End, Technique: t.Technique, HasTechnique: true})
		}
	}
	return out
}

// ResultSpans returns the SI rows of an analysis of article id: one per
// fragment.
func ResultSpans(id string, res *analysis.Result) []corpus.Span {
	out := make([]corpus.Span, len(res.Spans))
	for i, s := range res.Spans {
		out[i] = corpus.Span{Article: id, Start: s.Start, End: s.End}
	}
	return out
}
