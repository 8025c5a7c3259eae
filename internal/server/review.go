package server

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"unspun/internal/review"
	"unspun/internal/store"
	"unspun/internal/technique"
	"unspun/internal/web"
)

// ReviewBody is the review of an article, as GET returns it and PUT
// takes it: the article's corrected set of fragments, offsets in code
// points; PUT replaces the previous review.
type ReviewBody struct {
	Reviewer string        `json:"reviewer"`
	Done     bool          `json:"done"`
	Spans    []review.Span `json:"spans"`
	// Model and Updated are set by the server.
	Model   string     `json:"model,omitempty"`
	Updated *time.Time `json:"updated,omitempty"`
}

func reviewBody(rv *store.Review) ReviewBody {
	b := ReviewBody{Reviewer: rv.Reviewer, Done: rv.Done, Model: rv.Model, Spans: []review.Span{}}
	if !rv.Updated.IsZero() {
		u := rv.Updated.UTC()
		b.Updated = &u
	}
	for _, sp := range rv.Spans {
		b.Spans = append(b.Spans, review.Span{Start: sp.Start, End: sp.End, Technique: sp.Technique})
	}
	return b
}

func (s *Server) apiGetReview(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	rv, err := s.cfg.Store.Review(r.Context(), id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reviewBody(rv))
}

// MaxReviewer bounds a reviewer's name.
const MaxReviewer = 200

func (s *Server) apiPutReview(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r, "") {
		s.unauthorized(w, r)
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	var body ReviewBody
	if err := decodeJSON(r, &body); err != nil {
		s.failErr(w, r, err)
		return
	}
	body.Reviewer = strings.TrimSpace(body.Reviewer)
	switch {
	case body.Reviewer == "":
		s.fail(w, r, http.StatusBadRequest, "reviewer is required: the name the review is shown under")
		return
	case len(body.Reviewer) > MaxReviewer:
		s.fail(w, r, http.StatusBadRequest, "reviewer longer than 200 bytes")
		return
	case body.Spans == nil:
		s.fail(w, r, http.StatusBadRequest, `spans is required: the article's corrected fragments ([] when it has none)`)
		return
	}
	a, err := s.cfg.Store.Get(r.Context(), id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := review.Validate(a.Text, body.Spans); err != nil {
		s.fail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	rv := store.Review{Reviewer: body.Reviewer, Done: body.Done, Model: a.Model}
	for _, sp := range body.Spans {
		rv.Spans = append(rv.Spans, store.ReviewSpan{Start: sp.Start, End: sp.End, Technique: sp.Technique})
	}
	if err := s.cfg.Store.PutReview(r.Context(), id, rv); err != nil {
		if errors.Is(err, store.ErrInvalid) {
			s.fail(w, r, http.StatusBadRequest, err.Error())
			return
		}
		s.failErr(w, r, err)
		return
	}
	saved, err := s.cfg.Store.Review(r.Context(), id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reviewBody(saved))
}

// queueSize bounds the articles the review queue ranks.
const queueSize = 500

// pageReviewQueue lists the articles without a finished review, those a
// review would teach the model most first (review.Priority).
func (s *Server) pageReviewQueue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	no := false
	sums, total, err := s.cfg.Store.List(ctx, store.Filter{Reviewed: &no}, 1, queueSize)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	data := &web.QueueData{Base: s.base("Review next", "review"), Total: total}
	for _, sum := range sums {
		resp, err := s.loadArticle(ctx, sum.ID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		data.Items = append(data.Items, web.QueueItem{Summary: sum, Priority: review.Priority(resp.Result)})
	}
	sort.SliceStable(data.Items, func(i, j int) bool { return data.Items[i].Priority > data.Items[j].Priority })
	s.render(w, r, http.StatusOK, web.PageQueue, data)
}

// agreement sums how the finished reviews treated the model's highlights,
// per technique.
func (s *Server) agreement(ctx context.Context) ([]web.AgreementRow, int, error) {
	reviews, err := s.cfg.Store.Reviews(ctx)
	if err != nil {
		return nil, 0, err
	}
	var sum [technique.Count]review.Counts
	n := 0
	for _, rv := range reviews {
		if !rv.Done {
			continue
		}
		resp, err := s.loadArticle(ctx, rv.ArticleID)
		if err != nil {
			return nil, 0, err
		}
		n++
		spans := make([]review.Span, len(rv.Spans))
		for i, sp := range rv.Spans {
			spans[i] = review.Span{Start: sp.Start, End: sp.End, Technique: sp.Technique}
		}
		for t, c := range review.Agreement(resp.Result.Spans, spans) {
			sum[t].Add(c)
		}
	}
	var rows []web.AgreementRow
	for _, t := range technique.All() {
		if c := sum[t]; c.Highlights > 0 || c.Added > 0 {
			rows = append(rows, web.AgreementRow{Index: int(t), Name: t.Info().Name, Counts: c})
		}
	}
	return rows, n, nil
}
