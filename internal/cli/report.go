package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"unspun/internal/analysis"
	"unspun/internal/batch"
	"unspun/internal/store"
	"unspun/internal/technique"
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

// reportSet writes a batch run's reports into a folder as they come, and
// the summary page at the end.
type reportSet struct {
	dir    string
	r      *web.Renderer
	rows   []web.SummaryRow
	failed int
	model  string
}

// newReportSet makes dir, which must not exist or be empty (so that no
// older report is listed by mistake).
func newReportSet(dir string) (*reportSet, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case os.IsNotExist(err):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case len(entries) > 0:
		return nil, fmt.Errorf("%s: not empty; write the reports into a new folder", dir)
	}
	r, err := web.New()
	if err != nil {
		return nil, err
	}
	return &reportSet{dir: dir, r: r}, nil
}

// add writes one article's report (a failed article gets a row only).
func (s *reportSet) add(rec *batch.Record) error {
	row := web.SummaryRow{Title: rec.Title, Source: rec.Source}
	if row.Title == "" {
		row.Title = rec.Name()
	}
	n := len(s.rows) + 1
	if rec.Err != nil || rec.Result == nil {
		s.failed++
		row.Error = fmt.Sprint(rec.Err)
		s.rows = append(s.rows, row)
		return nil
	}
	res := rec.Result
	s.model = res.Model
	row.File = fmt.Sprintf("%04d-%s.html", n, web.Slug(row.Title, 40))
	row.Words, row.Spans, row.Score = res.Words, len(res.Spans), res.Score
	row.Top = topTechniques(res.Spans, 3)
	f, err := os.Create(filepath.Join(s.dir, row.File))
	if err != nil {
		return err
	}
	meta := store.Meta{Title: row.Title, Source: rec.Source, URL: rec.URL, Published: rec.Published}
	if err := s.r.Report(f, web.NewArticleData(web.Base{}, web.Meta{Meta: meta}, res)); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	s.rows = append(s.rows, row)
	return nil
}

// finish writes index.html.
func (s *reportSet) finish() error {
	f, err := os.Create(filepath.Join(s.dir, "index.html"))
	if err != nil {
		return err
	}
	d := &web.SummaryData{Title: "unspun batch report", Articles: len(s.rows) - s.failed, Failed: s.failed, Model: s.model, Rows: s.rows}
	if err := s.r.Summary(f, d); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// topTechniques names the n most frequent techniques of spans.
func topTechniques(spans []analysis.Span, n int) string {
	counts := map[technique.Technique]int{}
	for _, sp := range spans {
		if sp.Technique.Valid() {
			counts[sp.Technique]++
		}
	}
	ts := make([]technique.Technique, 0, len(counts))
	for t := range counts {
		ts = append(ts, t)
	}
	sort.Slice(ts, func(i, j int) bool {
		if counts[ts[i]] != counts[ts[j]] {
			return counts[ts[i]] > counts[ts[j]]
		}
		return ts[i] < ts[j]
	})
	var parts []string
	for _, t := range ts[:min(n, len(ts))] {
		parts = append(parts, fmt.Sprintf("%s ×%d", t.Info().Name, counts[t]))
	}
	return strings.Join(parts, ", ")
}
