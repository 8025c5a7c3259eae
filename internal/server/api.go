package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unspun/internal/analysis"

	"unspun/internal/fetch"
	"unspun/internal/store"
	"unspun/internal/technique"
)

// httpError is an error with the status it should be answered with.
type httpError struct {
	status int
	msg    string
	// retryAfter, when set, is sent as Retry-After (seconds).
	retryAfter int
}

func (e *httpError) Error() string { return e.msg }

// upstreamError is a failure to fetch a URL; unless it is one of the
// fetch package's specific errors it is the remote server's fault (502).
type upstreamError struct{ err error }

func (e *upstreamError) Error() string { return e.err.Error() }
func (e *upstreamError) Unwrap() error { return e.err }

func errorf(status int, format string, args ...any) error {
	return &httpError{status: status, msg: fmt.Sprintf(format, args...)}
}

// statusOf maps an error to its HTTP status and the message a client sees.
// Unexpected errors are logged and reported without internals.
func (s *Server) statusOf(r *http.Request, err error) (int, string) {
	var he *httpError
	var mbe *http.MaxBytesError
	var refused *fetch.RefusedError
	switch {
	case errors.As(err, &he):
		return he.status, he.msg
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", mbe.Limit)
	case errors.Is(err, analysis.ErrEmpty):
		return http.StatusBadRequest, "the article is empty: give some text or a URL"
	case errors.Is(err, analysis.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, err.Error()
	case errors.As(err, &refused):
		return http.StatusForbidden, err.Error()
	case errors.Is(err, fetch.ErrBadURL):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, fetch.ErrUnsupportedType), errors.Is(err, fetch.ErrTooLarge), errors.Is(err, fetch.ErrNoText):
		return http.StatusUnprocessableEntity, err.Error()
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, err.Error()
	case errors.Is(err, store.ErrFull), errors.Is(err, store.ErrReadOnly), errors.Is(err, store.ErrCorrupt):
		// The log gets the database's path and what to do; the client
		// gets the reason, not the server's file names.
		s.cfg.Logger.Error("store failed", "method", r.Method, "path", r.URL.Path, "err", err)
		return storeStatus(err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		if r.Context().Err() == nil {
			// Our own timeout (the fetch's), not the client leaving.
			return http.StatusGatewayTimeout, err.Error()
		}
		return 499, "request cancelled"
	case errors.As(err, new(*upstreamError)):
		return http.StatusBadGateway, err.Error()
	}
	s.cfg.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	return http.StatusInternalServerError, "internal error"
}

// fail answers with an error, as JSON for the API and as a page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if isAPI(r) {
		writeJSON(w, status, map[string]any{"error": msg, "status": status})
		return
	}
	s.renderError(w, r, status, msg)
}

func (s *Server) failErr(w http.ResponseWriter, r *http.Request, err error) {
	setRetryAfter(w, err)
	status, msg := s.statusOf(r, err)
	s.fail(w, r, status, msg)
}

// setRetryAfter tells a client when to try again after a 503 for load.
func setRetryAfter(w http.ResponseWriter, err error) {
	var he *httpError
	if errors.As(err, &he) && he.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(he.retryAfter))
	}
}

func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// AnalyzeRequest is the body of POST /api/v1/analyze.
type AnalyzeRequest struct {
	Text   string `json:"text,omitempty"`
	URL    string `json:"url,omitempty"`
	Title  string `json:"title,omitempty"`
	Source string `json:"source,omitempty"`
	// Published is RFC 3339 or YYYY-MM-DD.
	Published string `json:"published,omitempty"`
}

// ArticleResponse is an analysis with the stored article's metadata: the
// analysis fields are inlined, as in "unspun analyze --format json".
type ArticleResponse struct {
	// ID is the stored article's id; absent when not stored.
	ID        int64      `json:"id,omitempty"`
	Title     string     `json:"title,omitempty"`
	Source    string     `json:"source,omitempty"`
	URL       string     `json:"url,omitempty"`
	Byline    string     `json:"byline,omitempty"`
	Published *time.Time `json:"published,omitempty"`
	Created   *time.Time `json:"created,omitempty"`
	// CopyOf is the id of the article this one is a syndicated copy of.
	CopyOf int64 `json:"copy_of,omitempty"`
	*analysis.Result
	// existed is set when the article was stored before this request.
	existed bool
}

// job is one analysis request from the API or the form.
type job struct {
	AnalyzeRequest
	store bool
	key   string // Idempotency-Key, stored with the article
}

func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Parse(time.DateOnly, s)
}

// analyze runs a job: fetch if needed, analyse, store if asked.
func (s *Server) analyze(ctx context.Context, j job) (*ArticleResponse, error) {
	j.Text = strings.ToValidUTF8(j.Text, "\uFFFD")
	j.URL = strings.TrimSpace(j.URL)
	if j.Text != "" && j.URL != "" {
		return nil, errorf(http.StatusBadRequest, "give either text or url, not both")
	}
	if i := strings.IndexByte(j.Text, 0); i >= 0 {
		// As the CLI refuses a file with a NUL byte: it is binary data,
		// not an article.
		return nil, errorf(http.StatusBadRequest, "text contains a NUL character (U+0000) at offset %d: send the article's text, not binary data",
			utf8.RuneCountInString(j.Text[:i]))
	}
	resp := &ArticleResponse{Title: strings.TrimSpace(j.Title), Source: strings.TrimSpace(j.Source)}
	if j.Published != "" {
		t, err := parseDate(j.Published)
		if err != nil {
			return nil, errorf(http.StatusBadRequest, "published %q: want RFC 3339 or YYYY-MM-DD", j.Published)
		}
		resp.Published = &t
	}
	for name, v := range map[string]string{"title": resp.Title, "source": resp.Source} {
		if utf8.RuneCountInString(v) > 500 {
			return nil, errorf(http.StatusBadRequest, "%s longer than 500 characters", name)
		}
	}
	if stored, err := s.storedAnswer(ctx, j); stored != nil || err != nil {
		return stored, err
	}
	text := j.Text
	if j.URL != "" {
		if s.cfg.Fetcher == nil {
			return nil, errorf(http.StatusBadRequest, "URL fetching is disabled on this server; send the text instead")
		}
		page, err := s.cfg.Fetcher.Fetch(ctx, j.URL)
		if err != nil {
			return nil, &upstreamError{err}
		}
		text, resp.URL, resp.Byline = page.Text, page.URL, page.Byline
		if resp.Title == "" {
			resp.Title = page.Title
		}
		if resp.Source == "" {
			resp.Source = page.Site
		}
		if resp.Published == nil && !page.Published.IsZero() {
			resp.Published = &page.Published
		}
	}
	if strings.TrimSpace(text) == "" {
		return nil, analysis.ErrEmpty
	}
	res, err := s.runAnalysis(ctx, text)
	if err != nil {
		return nil, err
	}
	if res.Spans == nil {
		res.Spans = []analysis.Span{}
	}
	resp.Result = res
	s.metrics.analysed(res.Model)
	if !j.store {
		return resp, nil
	}
	if resp.Title == "" {
		resp.Title = store.TitleOf(text)
	}
	a, err := store.FromResult(resp.meta(), res)
	if err != nil {
		return nil, err
	}
	a.Key = j.key
	// An article is stored only for a request that can still be
	// answered: a client that has gone, or whose deadline has passed,
	// would not learn its id and would retry (and a retry with the same
	// Idempotency-Key or identity finds the stored one anyway). A save
	// once started finishes, so that a half-finished request leaves no
	// half a row.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	id, existed, err := s.cfg.Store.Save(context.WithoutCancel(ctx), a)
	if err != nil {
		return nil, err
	}
	if existed {
		// Stored before (same canonical URL, or same text): answer with
		// the stored article, re-analysed only if the model changed.
		stored, err := s.loadArticle(ctx, id)
		if err != nil {
			return nil, err
		}
		stored.existed = true
		return stored, nil
	}
	resp.ID = id
	resp.Created = &a.Created
	return resp, nil
}

// storedAnswer returns the stored article a job to store would save as,
// when this server's model analysed it: so that posting a stored article
// again costs neither a fetch nor an analysis. It returns nil when the
// article must be (re-)analysed: not stored, stored by another model
// version, or the model version unknown. A URL is matched as given; one
// that redirects is matched after the fetch, by Save.
func (s *Server) storedAnswer(ctx context.Context, j job) (*ArticleResponse, error) {
	if !j.store || s.cfg.ModelVersion == "" {
		return nil, nil
	}
	var id int64
	var model string
	var err error
	if j.URL != "" {
		id, model, err = s.cfg.Store.LookupURL(ctx, j.URL)
	} else {
		id, model, err = s.cfg.Store.Lookup(ctx, "", j.Text)
	}
	if err != nil || model != s.cfg.ModelVersion {
		// A URL that is not http(s) is refused by the fetch, with its
		// reason; a store failure shows at the save.
		return nil, nil
	}
	resp, err := s.loadArticle(ctx, id)
	if err != nil {
		return nil, err
	}
	resp.existed = true
	return resp, nil
}

// maxIdempotencyKey caps an Idempotency-Key header, in bytes.
const maxIdempotencyKey = 255

// idempotencyKey returns the request's Idempotency-Key header: at most
// 255 visible ASCII characters, or a 400 error.
func idempotencyKey(r *http.Request) (string, error) {
	k := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if len(k) > maxIdempotencyKey {
		return "", errorf(http.StatusBadRequest, "Idempotency-Key longer than %d characters", maxIdempotencyKey)
	}
	for _, c := range []byte(k) {
		if c < 0x21 || c > 0x7e {
			return "", errorf(http.StatusBadRequest, "Idempotency-Key: want visible ASCII characters only")
		}
	}
	return k, nil
}

func (s *Server) apiAnalyze(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r, "") {
		s.unauthorized(w, r)
		return
	}
	storeIt, err := boolParam(r.URL.Query(), "store", true)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	key, err := idempotencyKey(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if !storeIt {
		key = "" // nothing is stored, so there is nothing to repeat
	}
	if key != "" {
		// A repeat of an answered request: the same answer, without
		// analysing again.
		id, existed, err := s.cfg.Store.KeyArticle(r.Context(), key)
		if err == nil {
			var resp *ArticleResponse
			if resp, err = s.loadArticle(r.Context(), id); err == nil {
				resp.existed = existed
				s.answerAnalyze(w, resp)
				return
			}
		}
		if !errors.Is(err, store.ErrNotFound) {
			s.failErr(w, r, err)
			return
		}
	}
	var req AnalyzeRequest
	if err := decodeJSON(r, &req); err != nil {
		s.failErr(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), RequestTimeout)
	defer cancel()
	resp, err := s.analyze(ctx, job{AnalyzeRequest: req, store: storeIt, key: key})
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.answerAnalyze(w, resp)
}

// answerAnalyze writes POST /api/v1/analyze's answer: 201 and Location for
// a new stored article, 200 for one stored before or not stored.
func (s *Server) answerAnalyze(w http.ResponseWriter, resp *ArticleResponse) {
	status := http.StatusOK
	if resp.ID != 0 {
		w.Header().Set("Location", fmt.Sprintf("/api/v1/articles/%d", resp.ID))
		if !resp.existed {
			status = http.StatusCreated
		}
	}
	writeJSON(w, status, resp)
}

func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="unspun"`)
	s.fail(w, r, http.StatusUnauthorized, "missing or wrong access token: send Authorization: Bearer <token>")
}

// decodeJSON reads one JSON object from r's body into v, strictly.
func decodeJSON(r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return errorf(http.StatusUnsupportedMediaType, "Content-Type %q: send application/json", ct)
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return errorf(http.StatusBadRequest, "empty body: send a JSON object")
		}
		return errorf(http.StatusBadRequest, "malformed JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return errorf(http.StatusBadRequest, "malformed JSON: data after the object")
	}
	return nil
}

func boolParam(q url.Values, name string, def bool) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, errorf(http.StatusBadRequest, "%s=%q: want true or false", name, v)
	}
	return b, nil
}

// MaxPerPage caps per_page in the article list.
const MaxPerPage = 100

// filterParams reads the list and stats filters from a query.
func filterParams(q url.Values) (store.Filter, error) {
	f := store.Filter{Q: q.Get("q"), Source: q.Get("source"), Technique: q.Get("technique")}
	if v := q.Get("reviewed"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, errorf(http.StatusBadRequest, "reviewed=%q: want true (a finished review) or false", v)
		}
		f.Reviewed = &b
	}
	if len(f.Q) > 1000 {
		return f, errorf(http.StatusBadRequest, "q longer than 1000 bytes")
	}
	if f.Technique != "" {
		if _, err := technique.Parse(f.Technique); err != nil {
			return f, errorf(http.StatusBadRequest, "technique=%q: unknown technique label (see the OpenAPI document for the list)", f.Technique)
		}
	}
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				return f, errorf(http.StatusBadRequest, "%s=%q: want a date as YYYY-MM-DD", p.name, v)
			}
			*p.t = t
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return f, errorf(http.StatusBadRequest, "to (%s) is before from (%s)", q.Get("to"), q.Get("from"))
	}
	return f, nil
}

func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, errorf(http.StatusBadRequest, "%s=%q: want a whole number from %d to %d", name, v, lo, hi)
	}
	return n, nil
}

// ListResponse is the body of GET /api/v1/articles.
type ListResponse struct {
	Articles []store.Summary `json:"articles"`
	Total    int             `json:"total"`
	Page     int             `json:"page"`
	PerPage  int             `json:"per_page"`
}

func (s *Server) apiList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := filterParams(q)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	page, err := intParam(q, "page", 1, 1, 1_000_000)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	per, err := intParam(q, "per_page", 20, 1, MaxPerPage)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	items, total, err := s.cfg.Store.List(r.Context(), f, page, per)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ListResponse{Articles: items, Total: total, Page: page, PerPage: per})
}

func pathID(r *http.Request) (int64, error) {
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, errorf(http.StatusBadRequest, "article id %q: want a positive whole number", v)
	}
	return id, nil
}

// articleAt loads the stored article the request's path names. It has
// answered the request (400, 404, 500) when it returns false.
func (s *Server) articleAt(w http.ResponseWriter, r *http.Request) (*ArticleResponse, bool) {
	id, err := pathID(r)
	if err == nil {
		var resp *ArticleResponse
		if resp, err = s.loadArticle(r.Context(), id); err == nil {
			return resp, true
		}
	}
	s.failErr(w, r, err)
	return nil, false
}

// loadArticle returns a stored article with its analysis decoded.
func (s *Server) loadArticle(ctx context.Context, id int64) (*ArticleResponse, error) {
	a, err := s.cfg.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	var res analysis.Result
	if err := json.Unmarshal(a.Result, &res); err != nil {
		return nil, fmt.Errorf("article %d: stored analysis: %w", id, err)
	}
	if res.Spans == nil {
		res.Spans = []analysis.Span{}
	}
	resp := &ArticleResponse{ID: a.ID, Title: a.Title, Source: a.Source, URL: a.URL, Byline: a.Byline, Created: &a.Created,
		CopyOf: a.CopyOf, Result: &res}
	if !a.Published.IsZero() {
		resp.Published = &a.Published
	}
	return resp, nil
}

func (s *Server) apiGet(w http.ResponseWriter, r *http.Request) {
	resp, ok := s.articleAt(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) apiDelete(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r, "") {
		s.unauthorized(w, r)
		return
	}
	if s.deleteAt(w, r) {
		w.WriteHeader(http.StatusNoContent)
	}
}

// deleteAt deletes the stored article the request's path names. It has
// answered the request (400, 404, 500) when it returns false.
func (s *Server) deleteAt(w http.ResponseWriter, r *http.Request) bool {
	id, err := pathID(r)
	if err == nil {
		err = s.cfg.Store.Delete(r.Context(), id)
	}
	if err != nil {
		s.failErr(w, r, err)
		return false
	}
	return true
}

// meta is what the store keeps about the article besides its analysis.
func (a *ArticleResponse) meta() store.Meta {
	m := store.Meta{Title: a.Title, Source: a.Source, URL: a.URL, Byline: a.Byline}
	if a.Published != nil {
		m.Published = *a.Published
	}
	return m
}

// StatsResponse is the body of GET /api/v1/stats.
type StatsResponse struct {
	By     string       `json:"by"`
	Groups []store.Stat `json:"groups"`
}

func (s *Server) apiStats(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	by := store.Grouping(q.Get("by"))
	switch by {
	case store.BySource, store.ByTechnique, store.ByDay:
	case "":
		s.fail(w, r, http.StatusBadRequest, "by is required: source, technique or day")
		return
	default:
		s.fail(w, r, http.StatusBadRequest, fmt.Sprintf("by=%q: want source, technique or day", by))
		return
	}
	f, err := filterParams(q)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	groups, err := s.cfg.Store.Stats(r.Context(), by, f)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, StatsResponse{By: string(by), Groups: groups})
}

// runAnalysis analyses text once there is a slot and budget for it. The
// wait is bounded by QueueTimeout (then 503 with Retry-After), the
// analysis by AnalysisTimeout (then 504); either way, and when the client
// goes away, the analysis's context is cancelled. The request is answered
// at once even if the analyzer is slow to notice; its slot and budget are
// held until it has really stopped, since until then it still holds its
// memory and a core.
func (s *Server) runAnalysis(ctx context.Context, text string) (*analysis.Result, error) {
	qctx, qcancel := context.WithTimeout(ctx, s.cfg.QueueTimeout)
	defer qcancel()
	n, err := s.text.acquire(qctx, int64(len(text)))
	if err == nil {
		select {
		case s.slots <- struct{}{}:
		case <-qctx.Done():
			s.text.release(n)
			err = qctx.Err()
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, s.deadlineError(ctx)
		}
		return nil, &httpError{status: http.StatusServiceUnavailable, retryAfter: 5, msg: fmt.Sprintf(
			"the server is busy: no analysis could start within %s (it runs at most %d at once, with at most %d bytes of text); try again shortly",
			s.cfg.QueueTimeout, cap(s.slots), s.cfg.MaxTextBytes)}
	}
	actx, cancel := context.WithTimeout(ctx, s.cfg.AnalysisTimeout)
	defer cancel() // when it returns early, actx has ended already
	type outcome struct {
		res *analysis.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			<-s.slots
			s.text.release(n)
		}()
		res, err := s.cfg.Analyzer.Analyze(actx, "request", text)
		done <- outcome{res, err}
	}()
	var o outcome
	select {
	case o = <-done:
	case <-actx.Done():
		select {
		case o = <-done: // finished as the deadline passed
		default:
			o.err = actx.Err()
		}
	}
	if o.err != nil && actx.Err() != nil && errors.Is(o.err, actx.Err()) {
		if ctx.Err() != nil {
			return nil, s.deadlineError(ctx)
		}
		return nil, errorf(http.StatusGatewayTimeout, "the analysis did not finish within %s: the article is too long or the server too busy; try a shorter article or later", s.cfg.AnalysisTimeout)
	}
	return o.res, o.err
}

// deadlineError is what a request whose own context ended is answered:
// the client going away (nobody reads the answer) or RequestTimeout.
func (s *Server) deadlineError(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return errorf(http.StatusGatewayTimeout, "the request did not finish within %s (fetch, wait and analysis); try again later", RequestTimeout)
	}
	return ctx.Err()
}
