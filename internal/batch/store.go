package batch

import (
	"encoding/json"
	"errors"
	"fmt"

	"unspun/internal/store"
)

// StoreArticle converts an analysed record into the article the store
// keeps, as the HTTP API does for an analysed request, so that "unspun
// serve" shows and compares batch articles like its own.
func StoreArticle(r *Record) (*store.Article, error) {
	if r.Result == nil {
		return nil, errors.New("batch: no analysis to store")
	}
	raw, err := json.Marshal(r.Result)
	if err != nil {
		return nil, fmt.Errorf("encode analysis of %s: %w", r.Name(), err)
	}
	res := r.Result
	a := &store.Article{
		Title: r.Title, Source: r.Source, URL: r.URL, Published: r.Published,
		Words: res.Words, Score: res.Score, Model: res.Model, Text: res.Text, Result: raw,
	}
	for _, sp := range res.Spans {
		if sp.Technique.Valid() {
			a.Spans = append(a.Spans, store.Span{Technique: sp.Technique.String(), Start: sp.Start, End: sp.End, Confidence: sp.Confidence})
		}
	}
	return a, nil
}
