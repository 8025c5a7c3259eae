package batch

import (
	"errors"
	"fmt"

	"unspun/internal/store"
)

// StoreArticle converts an analysed record into the article the store
// keeps, with its feed or folder metadata.
func StoreArticle(r *Record) (*store.Article, error) {
	if r.Result == nil {
		return nil, errors.New("batch: no analysis to store")
	}
	a, err := store.FromResult(store.Meta{Title: r.Title, Source: r.Source, URL: r.URL, Published: r.Published}, r.Result)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Name(), err)
	}
	return a, nil
}
