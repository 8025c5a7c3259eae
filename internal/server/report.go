package server

import (
	"fmt"
	"net/http"
	"strings"

	"unspun/internal/web"
)

// pageReport serves an article's self-contained HTML report as a
// download. Its Content-Security-Policy header is the report's own (the
// same as its <meta> tag), which allows the inline style and script by
// hash; the site-wide policy would block them.
func (s *Server) pageReport(w http.ResponseWriter, r *http.Request) {
	resp, ok := s.articleAt(w, r)
	if !ok {
		return
	}
	csp, err := web.ReportCSP()
	if err != nil {
		s.renderError(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	d := web.NewArticleData(s.base("", ""), web.Meta{ID: resp.ID, Meta: resp.meta()}, resp.Result)
	var b strings.Builder
	if err := s.pages.Report(&b, d); err != nil {
		s.renderError(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, reportFileName(resp.ID, resp.meta().Title)))
	w.Write([]byte(b.String()))
}

// reportFileName is "unspun-ID-title-words.html", ASCII only so that it
// needs no quoting in a header.
func reportFileName(id int64, title string) string {
	slug := web.Slug(title, 48)
	if slug == "" {
		return fmt.Sprintf("unspun-%d.html", id)
	}
	return fmt.Sprintf("unspun-%d-%s.html", id, slug)
}
