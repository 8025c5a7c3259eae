package cli

import (
	"io"

	"unspun/internal/analysis"
	"unspun/internal/store"
	"unspun/internal/web"
)

// writeReport writes res as a self-contained HTML report titled title.
func writeReport(w io.Writer, title string, res *analysis.Result) error {
	r, err := web.New()
	if err != nil {
		return err
	}
	return r.Report(w, web.NewArticleData(web.Base{}, web.Meta{Meta: store.Meta{Title: title}}, res))
}
