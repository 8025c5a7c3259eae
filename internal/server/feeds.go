package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"unspun/internal/store"
	"unspun/internal/watch"
	"unspun/internal/web"
)

// FeedView is a watched feed as the API (and `unspun feeds list --format
// json`) shows it.
type FeedView struct {
	ID           int64      `json:"id"`
	URL          string     `json:"url"`
	Title        string     `json:"title"`
	EverySeconds int64      `json:"every_seconds"`
	LastPoll     *time.Time `json:"last_poll,omitempty"`
	NextPoll     time.Time  `json:"next_poll"`
	Failures     int        `json:"failures"`
	LastError    string     `json:"last_error,omitempty"`
	Created      time.Time  `json:"created"`
	Items        int        `json:"items"`
	Queued       int        `json:"queued"`
	Stored       int        `json:"stored"`
	Duplicates   int        `json:"duplicates"`
	Failed       int        `json:"failed"`
}

// NewFeedView converts a stored feed for JSON.
func NewFeedView(f store.Feed) FeedView {
	v := FeedView{ID: f.ID, URL: f.URL, Title: f.Title, EverySeconds: int64(f.Every / time.Second),
		NextPoll: f.NextPoll, Failures: f.Failures, LastError: f.LastError, Created: f.Created,
		Items: f.Items, Queued: f.Queued, Stored: f.Stored, Duplicates: f.Duplicates, Failed: f.Failed}
	if !f.LastPoll.IsZero() {
		lp := f.LastPoll
		v.LastPoll = &lp
	}
	return v
}

// FeedViews converts stored feeds for JSON.
func FeedViews(feeds []store.Feed) []FeedView {
	out := make([]FeedView, 0, len(feeds))
	for _, f := range feeds {
		out = append(out, NewFeedView(f))
	}
	return out
}

// FeedRequest is the body of POST /api/v1/feeds.
type FeedRequest struct {
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
	// EverySeconds is the polling interval; 0 means 15 minutes.
	EverySeconds int64 `json:"every_seconds,omitempty"`
}

// DefaultFeedInterval is the polling interval of a feed added without one.
const DefaultFeedInterval = 15 * time.Minute

func (s *Server) apiFeeds(w http.ResponseWriter, r *http.Request) {
	feeds, err := s.cfg.Store.Feeds(r.Context())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"feeds": FeedViews(feeds)})
}

func (s *Server) apiAddFeed(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r, "") {
		s.unauthorized(w, r)
		return
	}
	var req FeedRequest
	if err := decodeJSON(r, &req); err != nil {
		s.failErr(w, r, err)
		return
	}
	u, err := watch.CheckURL(req.URL)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	every := time.Duration(req.EverySeconds) * time.Second
	switch {
	case req.EverySeconds == 0:
		every = DefaultFeedInterval
	case req.EverySeconds < 1 || req.EverySeconds > int64(7*24*time.Hour/time.Second):
		s.fail(w, r, http.StatusBadRequest, fmt.Sprintf("every_seconds %d: want 1 to 604800 (a week)", req.EverySeconds))
		return
	}
	f, err := s.cfg.Store.AddFeed(r.Context(), u, req.Title, every)
	if errors.Is(err, store.ErrFeedExists) {
		s.fail(w, r, http.StatusConflict, err.Error())
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/feeds/"+strconv.FormatInt(f.ID, 10))
	writeJSON(w, http.StatusCreated, NewFeedView(f))
}

func (s *Server) apiFeed(w http.ResponseWriter, r *http.Request) {
	id, err := feedID(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	f, err := s.cfg.Store.Feed(r.Context(), id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, NewFeedView(f))
}

func (s *Server) apiDeleteFeed(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r, "") {
		s.unauthorized(w, r)
		return
	}
	id, err := feedID(r)
	if err == nil {
		err = s.cfg.Store.DeleteFeed(r.Context(), id)
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func feedID(r *http.Request) (int64, error) {
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, errorf(http.StatusBadRequest, "feed id %q: want a positive whole number", v)
	}
	return id, nil
}

func (s *Server) pageFeeds(w http.ResponseWriter, r *http.Request) {
	feeds, err := s.cfg.Store.Feeds(r.Context())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.PageFeeds, web.NewFeedsData(s.base("Watched feeds", "feeds"), feeds))
}
