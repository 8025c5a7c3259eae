package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"unspun/internal/store"
	"unspun/internal/technique"
	"unspun/internal/web"
)

func (s *Server) base(title, nav string) web.Base {
	return web.Base{PageTitle: title, Nav: nav, TokenRequired: s.cfg.Token != ""}
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	var buf strings.Builder
	if err := s.pages.Render(&buf, page, data); err != nil {
		s.cfg.Logger.Error("render page", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	w.Write([]byte(buf.String()))
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	title := http.StatusText(status)
	if title == "" {
		title = "Error"
	}
	s.render(w, r, status, web.PageError, web.ErrorData{Base: s.base(title, ""), Status: status, Message: msg})
}

func (s *Server) pageHome(w http.ResponseWriter, r *http.Request) {
	recent, _, err := s.cfg.Store.List(r.Context(), store.Filter{}, 1, 5)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.PageHome, web.HomeData{Base: s.base("Analyze an article", "home"), Recent: recent})
}

// formWrite admits a form post that changes something: from this site's
// own pages, well-formed, and carrying the token when one is set. It has
// answered the request when it returns false.
func (s *Server) formWrite(w http.ResponseWriter, r *http.Request) bool {
	if ok, why := s.sameOrigin(r); !ok {
		s.fail(w, r, http.StatusForbidden, why)
		return false
	}
	if err := r.ParseForm(); err != nil {
		s.failErr(w, r, err)
		return false
	}
	if !s.authorized(r, r.PostForm.Get("token")) {
		s.unauthorized(w, r)
		return false
	}
	return true
}

func (s *Server) pageAnalyze(w http.ResponseWriter, r *http.Request) {
	if !s.formWrite(w, r) {
		return
	}
	j := job{AnalyzeRequest: AnalyzeRequest{
		Text: r.PostForm.Get("text"), URL: r.PostForm.Get("url"),
		Title: r.PostForm.Get("title"), Source: r.PostForm.Get("source"), Published: r.PostForm.Get("published"),
	}, store: r.PostForm.Get("store") == "true"}
	ctx, cancel := context.WithTimeout(r.Context(), RequestTimeout)
	defer cancel()
	resp, err := s.analyze(ctx, j)
	if err != nil {
		setRetryAfter(w, err)
		status, msg := s.statusOf(r, err)
		// Show the form again with the error and what was typed.
		recent, _, _ := s.cfg.Store.List(r.Context(), store.Filter{}, 1, 5)
		s.render(w, r, status, web.PageHome, web.HomeData{
			Base: s.base("Analyze an article", "home"), Recent: recent, Error: msg,
			Text: j.Text, URL: j.URL, Form: web.FormValues{Title: j.Title, Source: j.Source, Published: j.Published},
		})
		return
	}
	if resp.ID != 0 {
		http.Redirect(w, r, fmt.Sprintf("/articles/%d", resp.ID), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, web.PageArticle, web.NewArticleData(s.base("", ""), web.Meta{ID: resp.ID, Meta: resp.meta()}, resp.Result))
}

func (s *Server) pageArticle(w http.ResponseWriter, r *http.Request) {
	resp, ok := s.articleAt(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, web.PageArticle, web.NewArticleData(s.base("", "articles"), web.Meta{ID: resp.ID, Meta: resp.meta()}, resp.Result))
}

func (s *Server) pageDelete(w http.ResponseWriter, r *http.Request) {
	if !s.formWrite(w, r) {
		return
	}
	if s.deleteAt(w, r) {
		http.Redirect(w, r, "/articles", http.StatusSeeOther)
	}
}

const pageSize = 20

func (s *Server) pageList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data := web.ListData{
		Base: s.base("Articles", "articles"),
		F:    web.ListFilter{Q: q.Get("q"), Source: q.Get("source"), Technique: q.Get("technique"), From: q.Get("from"), To: q.Get("to"), Reviewed: q.Get("reviewed")},
	}
	for _, t := range technique.All() {
		data.Techniques = append(data.Techniques, t.Info())
	}
	sources, err := s.cfg.Store.Sources(r.Context())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	data.Sources = sources
	f, err := filterParams(q)
	page, perr := intParam(q, "page", 1, 1, 1_000_000)
	if err == nil {
		err = perr
	}
	if err != nil {
		status, msg := s.statusOf(r, err)
		data.Error = msg
		s.render(w, r, status, web.PageList, data)
		return
	}
	items, total, err := s.cfg.Store.List(r.Context(), f, page, pageSize)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	data.Items, data.Total, data.PageNum = items, total, page
	data.Pages = max(1, (total+pageSize-1)/pageSize)
	link := func(p int) string {
		v := url.Values{}
		for k, vs := range q {
			if k != "page" && len(vs) > 0 && vs[0] != "" {
				v.Set(k, vs[0])
			}
		}
		v.Set("page", strconv.Itoa(p))
		return "/articles?" + v.Encode()
	}
	if page > 1 {
		data.PrevURL = link(page - 1)
	}
	if page < data.Pages {
		data.NextURL = link(page + 1)
	}
	s.render(w, r, http.StatusOK, web.PageList, data)
}

func (s *Server) pageDashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	n, err := s.cfg.Store.Count(ctx)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	var stats [3][]store.Stat
	for i, g := range []store.Grouping{store.BySource, store.ByDay, store.ByTechnique} {
		if stats[i], err = s.cfg.Store.Stats(ctx, g, store.Filter{}); err != nil {
			s.failErr(w, r, err)
			return
		}
	}
	d := web.NewDashboardData(s.base("Dashboard", "dashboard"), n, stats[0], stats[1], stats[2])
	if d.Agreement, d.Reviewed, err = s.agreement(ctx); err != nil {
		s.failErr(w, r, err)
		return
	}
	if d.Targets, d.TargetArticles, err = s.labelledTargets(ctx); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.PageDashboard, d)
}
