// Package web renders unspun's pages: server-side html/template pages, a
// small hand-written script and style sheet embedded in the binary (no CDN,
// works offline), and SVG charts drawn on the server.
//
// The pages run under a Content-Security-Policy without inline scripts or
// styles: behaviour lives in /static/app.js, and the per-technique colours
// in /static/techniques.css, generated from the technique package so there
// is one source of truth for them.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"
	"unspun/internal/analysis"

	"unspun/internal/review"
	"unspun/internal/store"
	"unspun/internal/technique"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Renderer renders pages. It is safe for concurrent use.
type Renderer struct {
	pages  map[string]*template.Template
	report *template.Template
}

var funcs = template.FuncMap{
	"pct": func(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) },
	"date": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return v.Format("2 Jan 2006")
		case *time.Time:
			if v != nil {
				return v.Format("2 Jan 2006")
			}
		}
		return ""
	},
	"join": strings.Join,
	"inc":  func(i int) int { return i + 1 },
}

// Page names accepted by Render.
const (
	PageHome      = "home"
	PageArticle   = "article"
	PageList      = "list"
	PageDashboard = "dashboard"
	PageError     = "error"
	PageQueue     = "queue"
)

// New parses the embedded templates.
func New() (*Renderer, error) {
	r := &Renderer{pages: map[string]*template.Template{}}
	for _, p := range []string{PageHome, PageArticle, PageList, PageDashboard, PageError, PageQueue, PageFeeds} {
		t, err := template.New(p).Funcs(funcs).ParseFS(templateFS, "templates/base.html", "templates/summaries.html", "templates/parts.html", "templates/"+p+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", p, err)
		}
		r.pages[p] = t
	}
	t, err := template.New("report").Funcs(funcs).ParseFS(templateFS, "templates/parts.html", "templates/report.html", "templates/batchreport.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse template report: %w", err)
	}
	r.report = t
	return r, nil
}

// Render writes page with data. It renders into a buffer first so that a
// template error never leaves half a page on the wire.
func (r *Renderer) Render(w io.Writer, page string, data any) error {
	t, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("web: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", data); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// Static serves the embedded assets; mount it at /static/.
func Static() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	files := http.FileServerFS(sub)
	css := techniqueCSS()
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		if r.URL.Path == "techniques.css" {
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
			w.Write(css)
			return
		}
		files.ServeHTTP(w, r)
	}))
}

// techniqueCSS gives each technique a colour class and each pair of
// techniques a striped class for text where their spans overlap.
func techniqueCSS() []byte {
	var b bytes.Buffer
	b.WriteString("/* generated from internal/technique colours */\n")
	for _, t := range technique.All() {
		c := t.Info().Color
		fmt.Fprintf(&b, ".t%d{--c:%s;background-color:%s}\n", t, c, c)
		fmt.Fprintf(&b, ".swatch.t%d{background:%s}\n", t, c)
	}
	for _, a := range technique.All() {
		for _, c := range technique.All() {
			if a == c {
				continue
			}
			fmt.Fprintf(&b, ".ov-%d-%d{background:repeating-linear-gradient(135deg,%s 0 6px,%s 6px 12px)}\n",
				a, c, a.Info().Color, c.Info().Color)
		}
	}
	return b.Bytes()
}

// Base is what every page needs.
type Base struct {
	// PageTitle is the page's title, before " · unspun".
	PageTitle string
	// Nav names the current section for the navigation bar.
	Nav string
	// TokenRequired asks forms for the access token.
	TokenRequired bool
}

// FormValues echoes the optional fields of the analyse form.
type FormValues struct {
	Title, Source, Published string
}

// HomeData is the start page.
type HomeData struct {
	Base
	Recent    []store.Summary
	Error     string
	Text, URL string
	Form      FormValues
}

// Meta describes an article beside its analysis: what the store keeps
// about it, and its id there (0 when it was not stored).
type Meta struct {
	ID int64
	store.Meta
}

// SpanView is one span as the page and its script see it.
type SpanView struct {
	// Start and End are code points of the article's text.
	Start int `json:"start"`
	End   int `json:"end"`
	// Labels are the corpus labels of the span's techniques (the first
	// is T's), for the review.
	Labels       []string `json:"labels"`
	T            int      `json:"t"`
	Name         string   `json:"name"`
	Definition   string   `json:"definition"`
	Confidence   float64  `json:"confidence"`
	Text         string   `json:"text"`
	Voice        string   `json:"voice"`
	Speaker      string   `json:"speaker,omitempty"`
	Target       string   `json:"target,omitempty"`
	Cues         []string `json:"cues"`
	Alternatives []string `json:"alternatives,omitempty"`
}

// LegendItem is one technique in the legend.
type LegendItem struct {
	Index int
	Info  technique.Info
	Count int
}

// ArticleData is an analysed article's page.
type ArticleData struct {
	Base
	Meta
	Result   *analysis.Result
	Segments []Segment
	Spans    []SpanView
	Legend   []LegendItem
	// Rate is spans per 1,000 words.
	Rate float64
	// Report is set when the data is rendered as a self-contained report.
	Report bool
	// Skipped are the paragraphs not analysed (not in English).
	Skipped []SkippedView
}

// SkippedView is a paragraph that was not analysed, as the page shows it.
type SkippedView struct {
	Language, Reason string
	// Excerpt is the paragraph's opening words.
	Excerpt string
}

// skippedViews describes res's skipped paragraphs for the page.
func skippedViews(res *analysis.Result) []SkippedView {
	if len(res.Skipped) == 0 {
		return nil
	}
	var out []SkippedView
	r := []rune(res.Text)
	for _, sk := range res.Skipped {
		if sk.Start < 0 || sk.End > len(r) || sk.Start > sk.End {
			continue
		}
		ex := strings.Join(strings.Fields(string(r[sk.Start:sk.End])), " ")
		if er := []rune(ex); len(er) > 60 {
			ex = string(er[:57]) + "…"
		}
		out = append(out, SkippedView{Language: sk.Language, Reason: sk.Reason, Excerpt: ex})
	}
	return out
}

// NewArticleData prepares res for display. It sorts res.Spans.
func NewArticleData(b Base, m Meta, res *analysis.Result) *ArticleData {
	SortSpans(res.Spans)
	d := &ArticleData{Base: b, Meta: m, Result: res, Segments: Segments(res.Text, res.Spans), Skipped: skippedViews(res)}
	footnotes(d.Segments)
	if d.PageTitle == "" {
		d.PageTitle = m.Title
	}
	if d.PageTitle == "" {
		d.PageTitle = "Analysis"
	}
	counts := make([]int, technique.Count)
	d.Spans = make([]SpanView, len(res.Spans))
	for i, sp := range res.Spans {
		v := SpanView{Start: sp.Start, End: sp.End, Labels: []string{}, T: int(sp.Technique), Confidence: sp.Confidence, Text: sp.Text, Voice: sp.Voice, Speaker: sp.Speaker, Target: sp.Target, Cues: sp.Cues}
		for _, t := range spanTechniques(sp) {
			v.Labels = append(v.Labels, t.String())
		}
		if v.Cues == nil {
			v.Cues = []string{}
		}
		if sp.Technique.Valid() {
			info := sp.Technique.Info()
			v.Name, v.Definition = info.Name, info.Definition
			counts[sp.Technique]++
		}
		for _, alt := range sp.Alternatives {
			if alt.Technique.Valid() {
				v.Alternatives = append(v.Alternatives, fmt.Sprintf("%s (%.0f%%)", alt.Technique.Info().Name, 100*alt.Confidence))
			}
		}
		d.Spans[i] = v
	}
	for _, t := range technique.All() {
		if counts[t] > 0 {
			d.Legend = append(d.Legend, LegendItem{Index: int(t), Info: t.Info(), Count: counts[t]})
		}
	}
	if res.Words > 0 {
		d.Rate = float64(len(res.Spans)) * 1000 / float64(res.Words)
	}
	return d
}

// spanTechniques are a span's techniques: Techniques, else Technique.
func spanTechniques(sp analysis.Span) []technique.Technique {
	if len(sp.Techniques) == 0 {
		return []technique.Technique{sp.Technique}
	}
	out := make([]technique.Technique, 0, len(sp.Techniques))
	for _, a := range sp.Techniques {
		out = append(out, a.Technique)
	}
	return out
}

// ReviewKeys are the techniques the number keys 1–9 and 0 give in review
// mode, the most frequent in the corpus first; the rest are in the menu.
var ReviewKeys = []technique.Technique{
	technique.LoadedLanguage, technique.NameCalling, technique.Repetition, technique.Doubt,
	technique.Exaggeration, technique.FlagWaving, technique.AppealToFear, technique.CausalOversimplification,
	technique.Slogans, technique.BlackAndWhite,
}

// ReviewOption is a technique in the review menu.
type ReviewOption struct {
	Index int
	Label string
	Name  string
	Key   string // "1"…"9", "0" or ""
}

// ReviewOptions lists every technique for the review menu, those with a
// key first.
func ReviewOptions() []ReviewOption {
	var out []ReviewOption
	seen := map[technique.Technique]bool{}
	for i, t := range ReviewKeys {
		out = append(out, ReviewOption{Index: int(t), Label: t.String(), Name: t.Info().Name, Key: string("1234567890"[i])})
		seen[t] = true
	}
	for _, t := range technique.All() {
		if !seen[t] {
			out = append(out, ReviewOption{Index: int(t), Label: t.String(), Name: t.Info().Name})
		}
	}
	return out
}

// Options is ReviewOptions, for templates.
func (d *ArticleData) Options() []ReviewOption { return ReviewOptions() }

// ReviewInit is what the page's review script starts from.
type ReviewInit struct {
	ID    int64  `json:"id"`
	Model string `json:"model"`
	Text  string `json:"text"`
	Token bool   `json:"token"`
}

// Init is the review script's start data.
func (d *ArticleData) Init() ReviewInit {
	return ReviewInit{ID: d.ID, Model: d.Result.Model, Text: d.Result.Text, Token: d.TokenRequired}
}

// QueueItem is an article in the review queue.
type QueueItem struct {
	store.Summary
	// Priority is how much a review would teach the model, in [0,1].
	Priority float64
}

// QueueData is the "review next" page.
type QueueData struct {
	Base
	Items []QueueItem
	Total int
}

// AgreementRow is how reviewers treated one technique's highlights.
type AgreementRow struct {
	Index int
	Name  string
	review.Counts
}

// Share is n as a share of the row's highlights.
func (a AgreementRow) Share(n int) float64 {
	if a.Highlights == 0 {
		return 0
	}
	return float64(n) / float64(a.Highlights)
}

// ListFilter echoes the list page's filter fields.
type ListFilter struct {
	Q, Source, Technique, From, To string
	// Reviewed is "true", "false" or "".
	Reviewed string
}

// ListData is the article list.
type ListData struct {
	Base
	F          ListFilter
	Error      string
	Items      []store.Summary
	Total      int
	Sources    []string
	Techniques []technique.Info
	PageNum    int
	Pages      int
	PrevURL    string
	NextURL    string
}

// TechniqueStat is a row of the dashboard's technique table.
type TechniqueStat struct {
	Index int
	Label string
	Name  string
	Stat  store.Stat
}

// DashboardData is the dashboard.
type DashboardData struct {
	Base
	Articles    int
	Mix, Time   template.HTML
	ByTechnique []TechniqueStat
	// Agreement is how the finished reviews (Reviewed of them) treated
	// the model's highlights, per technique.
	Agreement []AgreementRow
	Reviewed  int
	// Targets are each source's most-labelled targets (TopTargets), over
	// the articles the caller counted; TargetArticles is how many.
	Targets        []SourceTargets
	TargetArticles int
}

// NewDashboardData draws the dashboard's charts from the store's
// statistics by source, by day and by technique.
func NewDashboardData(b Base, articles int, bySource, byDay, byTechnique []store.Stat) *DashboardData {
	d := &DashboardData{Base: b, Articles: articles, Mix: MixChart(bySource), Time: TimeChart(byDay)}
	for _, st := range byTechnique {
		t, err := technique.Parse(st.Key)
		if err != nil {
			continue
		}
		d.ByTechnique = append(d.ByTechnique, TechniqueStat{Index: int(t), Label: st.Key, Name: t.Info().Name, Stat: st})
	}
	return d
}

// ErrorData is an error page.
type ErrorData struct {
	Base
	Status  int
	Message string
}
