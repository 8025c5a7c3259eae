package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strings"
	"sync"
)

// A report is one self-contained HTML file of an analysed article, to
// share or print: the article page's highlighting, legend, tooltips and
// explanations, with its style sheet and script inline. A strict
// Content-Security-Policy in a <meta> tag allows exactly those two inline
// blocks by their SHA-256 hashes and nothing else — no other script, no
// style attribute, no request to any server — so text in the article
// cannot become markup or code even if it escaped escaping. Printed, each
// highlight carries the number of its entry in the list of findings (a
// footnote), since tooltips do not print.

// ReportData is what the report template sees.
type ReportData struct {
	*ArticleData
	CSP    string
	Style  template.HTML
	Script template.HTML
}

// reportAssets are the inline blocks and the policy that allows them,
// built once.
type reportAssets struct {
	css, js string
	csp     string
}

var (
	reportOnce sync.Once
	reportAsm  reportAssets
	reportErr  error
)

func loadReportAssets() (reportAssets, error) {
	reportOnce.Do(func() {
		css, err := staticFS.ReadFile("static/app.css")
		if err != nil {
			reportErr = err
			return
		}
		js, err := staticFS.ReadFile("static/app.js")
		if err != nil {
			reportErr = err
			return
		}
		style := string(css) + "\n" + string(techniqueCSS())
		for _, s := range []string{style, string(js)} {
			if strings.Contains(strings.ToLower(s), "</s") {
				reportErr = fmt.Errorf("web: an inline asset contains \"</s\", which would end its element")
				return
			}
		}
		reportAsm = reportAssets{css: style, js: string(js)}
		reportAsm.csp = fmt.Sprintf("default-src 'none'; script-src 'sha256-%s'; style-src 'sha256-%s'; img-src data:; base-uri 'none'; form-action 'none'",
			hash(reportAsm.js), hash(reportAsm.css))
	})
	return reportAsm, reportErr
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// ReportCSP is the Content-Security-Policy of a report, for a server that
// sends one as a header too (the header and the <meta> tag then agree).
func ReportCSP() (string, error) {
	a, err := loadReportAssets()
	return a.csp, err
}

// Report writes d as a self-contained HTML report.
func (r *Renderer) Report(w io.Writer, d *ArticleData) error {
	a, err := loadReportAssets()
	if err != nil {
		return err
	}
	d.Report = true
	data := ReportData{ArticleData: d, CSP: a.csp,
		// The blocks' bytes must be exactly the hashed ones: they are
		// written verbatim (our own files, checked above for "</s").
		Style:  template.HTML("<style>" + a.css + "</style>"),
		Script: template.HTML("<script>" + a.js + "</script>"),
	}
	var buf bytes.Buffer
	if err := r.report.ExecuteTemplate(&buf, "report", data); err != nil {
		return fmt.Errorf("web: render report: %w", err)
	}
	_, err = buf.WriteTo(w)
	return err
}

var slugSep = regexp.MustCompile(`[^a-z0-9]+`)

// Slug turns a title into a file-name part of at most n bytes: lower-case
// ASCII letters and digits joined by hyphens ("" when none are left).
func Slug(title string, n int) string {
	s := strings.Trim(slugSep.ReplaceAllString(strings.ToLower(title), "-"), "-")
	if len(s) > n {
		s = strings.TrimRight(s[:n], "-")
	}
	return s
}

// SummaryRow is one article of a batch report's summary page.
type SummaryRow struct {
	// Title, Source name the article; File is its report's file name,
	// relative to the summary page.
	Title, Source, File string
	Words, Spans        int
	Score               float64
	// Top names its most frequent techniques.
	Top string
	// Error says why the article could not be analysed ("" if it was).
	Error string
}

// SummaryData is a batch report's summary page.
type SummaryData struct {
	Title            string
	Articles, Failed int
	Model            string
	Rows             []SummaryRow
}

// Summary writes a batch run's summary page: a self-contained HTML file
// with a row per article linking to its report. It has no script at all.
func (r *Renderer) Summary(w io.Writer, d *SummaryData) error {
	a, err := loadReportAssets()
	if err != nil {
		return err
	}
	csp := fmt.Sprintf("default-src 'none'; style-src 'sha256-%s'; img-src data:; base-uri 'none'; form-action 'none'", hash(a.css))
	data := struct {
		*SummaryData
		CSP, PageTitle string
		Style          template.HTML
	}{d, csp, d.Title, template.HTML("<style>" + a.css + "</style>")}
	var buf bytes.Buffer
	if err := r.report.ExecuteTemplate(&buf, "batchreport", data); err != nil {
		return fmt.Errorf("web: render summary: %w", err)
	}
	_, err = buf.WriteTo(w)
	return err
}
