package server

import (
	"context"
	"encoding/json"
	"errors"

	"unspun/internal/analysis"
	"unspun/internal/store"
	"unspun/internal/web"
)

// maxTargetArticles bounds how many of the most recent articles the
// dashboard reads to count who is labelled: each one's stored result is
// decoded, so the page stays fast on a large store.
const maxTargetArticles = 200

// labelledTargets counts the most-labelled targets per source over the
// most recent stored articles (syndicated copies not counted twice), and
// says over how many articles.
func (s *Server) labelledTargets(ctx context.Context) ([]web.SourceTargets, int, error) {
	sums, _, err := s.cfg.Store.List(ctx, store.Filter{}, 1, maxTargetArticles)
	if err != nil {
		return nil, 0, err
	}
	var arts []web.Labelled
	for _, sum := range sums {
		if sum.CopyOf != 0 {
			continue
		}
		a, err := s.cfg.Store.Get(ctx, sum.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted since the list was read
		}
		if err != nil {
			return nil, 0, err
		}
		var res analysis.Result
		if json.Unmarshal(a.Result, &res) != nil {
			continue // a result the store kept but this version cannot read counts for nothing
		}
		arts = append(arts, web.Labelled{Source: sum.Source, Result: &res})
	}
	return web.TopTargets(arts, web.TopTargetsPerSource), len(arts), nil
}
