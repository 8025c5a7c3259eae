package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"
	"unspun/internal/analysis"

	"unspun/internal/analyze"
	"unspun/internal/batch"
	"unspun/internal/corpus"
	"unspun/internal/fetch"
	"unspun/internal/store"
	"unspun/internal/task"
)

func init() {
	register(&command{
		name:    "batch",
		summary: "analyse many articles from folders, files and feeds, and compare sources",
		run:     runBatch,
	})
}

const batchUsage = `
Usage:
  unspun batch [flags] SOURCE...

Analyses every article of every SOURCE, several at a time, and prints the
results in input order. A SOURCE is:

  a folder     every .txt file under it, recursively, in name order
               (hidden files and folders are skipped)
  a file       one article (plain UTF-8 text; the first line is taken as
               its title)
  -            one article on standard input
  a feed       an RSS, Atom or JSON feed, as an http(s) URL or a local
               .xml, .rss, .atom or .json file: each item's link is
               fetched and its article text extracted; when the fetch
               fails, or with --no-fetch, the feed's own text of the item
               (content or description, often only a summary) is analysed

Articles are grouped by source for the summary and the store: a feed's
title, a folder's name (for a file, its folder's name), or --source.

Formats (--format; default summary when standard output is a terminal,
jsonl otherwise):
  summary  one row per source: articles, failed, words, technique
           fragments per 1,000 words, mean article score (the expected
           share of sentences that use a technique) and the most frequent
           techniques, with their share of the fragments
  jsonl    one JSON object a line per article: {"source","path" or "url",
           "id","title","published","note","result"} where result is the
           analysis of 'unspun analyze --format json'; a failed article is
           {"source","path" or "url","id","error"}
  tsv      ID TECHNIQUE START END rows (SemEval-2020 Task 11 TC format);
           ID is the id of an articleID.txt file, else the file name
           without extension, or the feed item's URL
  si       ID START END rows (SI format), scorable by 'unspun eval si'
  html     reports to share, written to the new folder --out DIR:
           DIR/index.html, a summary page with a row per article (words,
           fragments, score, top techniques) linking to DIR/NNNN-title.html,
           each article's self-contained report (as 'unspun analyze
           --format html' writes it; NNNN is its place in the input order)

An article that cannot be analysed (empty, binary, not UTF-8, too large,
unreachable, or at a refused address) does not stop the batch: it is
reported on standard error, and the exit code is 1. The last line on
standard error counts the articles analysed and failed. Ctrl-C stops
promptly, keeping (printing, storing) what was done.

Feed item links are fetched like 'unspun serve' fetches URLs: loopback,
private and link-local addresses are refused unless --allow-private-urls
is given. The feed URL itself, typed by you, is fetched as given.

With --store every analysed article is saved, with its source, title, URL
and date, in the database 'unspun serve' uses (same --db and --data
defaults), so its dashboard compares the sources. An article is stored
once (by canonical URL, else by text): one already stored by the same
model is not analysed again (nor its feed link fetched), so rerunning an
interrupted batch does the rest.

Examples:
  unspun batch ../shared/data/unlabeled-news
  unspun batch --format jsonl news/ > results.jsonl
  unspun batch --store https://feeds.bbci.co.uk/news/world/rss.xml https://www.aljazeera.com/xml/rss/all.xml
  unspun batch --source mine --no-fetch saved-feed.xml
  unspun batch --format si ../shared/data/ptc/articles > pred-si.labels &&
      unspun eval si --gold ../shared/data/ptc/labels-si --pred pred-si.labels
  unspun batch --format tsv ../shared/data/ptc/articles > pred-tc.labels
  unspun batch --format html --out reports/ news/ && xdg-open reports/index.html
`

// progressEvery and progressPeriod pace the progress line: whichever
// comes first.
const (
	progressEvery  = 100
	progressPeriod = 5 * time.Second
)

func runBatch(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "batch", batchUsage)
	format := fs.String("format", "", "output `format`: summary, jsonl, tsv, si or html (default: summary on a terminal, else jsonl)")
	outDir := fs.String("out", "", "with --format html: the new folder `DIR` for index.html and the reports")
	workers := fs.Int("workers", 0, "articles analysed at a time: `N` (default: the number of CPUs, at least 8 when fetching feed links)")
	source := fs.String("source", "", "group every article under source `NAME`")
	noFetch := fs.Bool("no-fetch", false, "analyse feed items from the feed's own text, without fetching their links")
	allowPrivate := fs.Bool("allow-private-urls", false, "allow fetching feed links on loopback, private and link-local addresses")
	storeIt := fs.Bool("store", false, "save every analysed article in the database of 'unspun serve'")
	db := AddDBFlags(fs)
	progress := fs.Bool("progress", false, "print a progress line on standard error (default: when it is a terminal)")
	modelPath := fs.String("model", "", "model `FILE` (default: the built-in model)")
	sources, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(sources) == 0 {
		return usageErrorf("no SOURCE: give folders, files, - or feeds")
	}
	if *format == "" {
		*format = "jsonl"
		if env.StdoutIsTerminal {
			*format = "summary"
		}
	}
	switch *format {
	case "summary", "jsonl", "tsv", "si", "html":
	default:
		return usageErrorf("unknown format %q: want summary, jsonl, tsv, si or html", *format)
	}
	if (*format == "html") != (*outDir != "") {
		return usageErrorf("--format html needs --out DIR, and --out is only for --format html")
	}
	if *workers < 0 {
		return usageErrorf("--workers %d: want a positive number", *workers)
	}
	if db.Given() && !*storeIt {
		return usageErrorf("--db and --data are only used with --store")
	}
	if !*progress {
		f, ok := env.Stderr.(*os.File)
		*progress = ok && isTerminal(f)
	}

	items, err := batch.Gather(ctx, sources, batch.GatherOptions{Source: strings.TrimSpace(*source)})
	if err != nil {
		return err
	}
	if *format == "tsv" || *format == "si" {
		warnDuplicateIDs(env.Stderr, items)
	}
	a, err := untilDone(ctx, func() (*analyze.Analyzer, error) { return loadAnalyzer(*modelPath) })
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted after 0 of %d articles, while loading the model", len(items))
		}
		return fmt.Errorf("load model: %w", err)
	}
	var st *store.Store
	if *storeIt {
		if st, err = db.Open(ctx, env); err != nil {
			return err
		}
		defer st.Close()
	}
	var reports *reportSet
	if *format == "html" {
		if reports, err = newReportSet(*outDir); err != nil {
			return err
		}
	}
	r := &batch.Runner{Analyzer: a, Stdin: env.Stdin, Workers: *workers}
	if st != nil {
		// A rerun after an interruption analyses only what is not stored.
		r.Known = storedAnalysis(st, a.Model().Version)
	}
	if !*noFetch {
		r.Fetcher = fetch.New(fetch.Options{AllowPrivate: *allowPrivate})
	}

	out := bufio.NewWriter(env.Stdout)
	var sum batch.Summary
	var analysed, failed, stored, already int
	start, lastProgress := time.Now(), time.Now()
	emit := func(rec *batch.Record) error {
		if rec.Err != nil {
			failed++
			fmt.Fprintf(env.Stderr, "unspun batch: %s: %v\n", rec.Name(), rec.Err)
		} else {
			analysed++
			if rec.Note != "" {
				fmt.Fprintf(env.Stderr, "unspun batch: %s: %s\n", rec.Name(), rec.Note)
			}
		}
		sum.Add(rec)
		var err error
		switch *format {
		case "jsonl":
			err = writeBatchJSON(out, rec)
		case "tsv", "si":
			err = writeBatchLabels(out, rec, *format == "si")
		case "html":
			err = reports.add(rec)
		}
		if err != nil {
			return err
		}
		if st != nil && rec.Result != nil {
			art, err := batch.StoreArticle(rec)
			if err != nil {
				return err
			}
			// Stored even when interrupted: the analysis is done.
			_, existed, err := st.Save(context.WithoutCancel(ctx), art)
			if err != nil {
				return err
			}
			if existed {
				already++
			} else {
				stored++
			}
		}
		done := analysed + failed
		if *progress && (done%progressEvery == 0 || time.Since(lastProgress) >= progressPeriod) && done < len(items) {
			lastProgress = time.Now()
			fmt.Fprintf(env.Stderr, "unspun batch: %d/%d articles, %d failed, %.1f articles/s\n",
				done, len(items), failed, float64(done)/time.Since(start).Seconds())
		}
		return nil
	}
	runErr := r.Run(ctx, items, emit)
	if *format == "summary" {
		writeBatchSummary(out, &sum)
	}
	if reports != nil {
		if err := reports.finish(); err != nil && runErr == nil {
			runErr = err
		}
		fmt.Fprintf(env.Stderr, "unspun batch: wrote %s and %s to %s\n", batchPlural(len(reports.rows)-reports.failed, "report"), "index.html", *outDir)
	}
	if err := out.Flush(); err != nil && runErr == nil {
		runErr = err
	}
	if st != nil {
		msg := "stored " + batchPlural(stored, "article")
		if already > 0 {
			msg += fmt.Sprintf(" (%d already stored)", already)
		}
		fmt.Fprintf(env.Stderr, "unspun batch: %s in %s\n", msg, st.Name())
	}
	tally := fmt.Sprintf("analysed %s, %d failed", batchPlural(analysed, "article"), failed)
	if *progress {
		tally += fmt.Sprintf(" (%.1f articles/s)", float64(analysed+failed)/time.Since(start).Seconds())
	}
	switch {
	case errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded):
		return fmt.Errorf("interrupted after %d of %d articles: %s", analysed+failed, len(items), tally)
	case runErr != nil:
		return fmt.Errorf("%w (%s)", runErr, tally)
	case failed > 0:
		return errors.New(tally)
	}
	fmt.Fprintf(env.Stderr, "unspun batch: %s\n", tally)
	return nil
}

// batchRecord is the JSON line of one article.
type batchRecord struct {
	Source    string           `json:"source"`
	Path      string           `json:"path,omitempty"`
	URL       string           `json:"url,omitempty"`
	ID        string           `json:"id"`
	Title     string           `json:"title,omitempty"`
	Published *time.Time       `json:"published,omitempty"`
	Note      string           `json:"note,omitempty"`
	Error     string           `json:"error,omitempty"`
	Result    *analysis.Result `json:"result,omitempty"`
}

func writeBatchJSON(w io.Writer, rec *batch.Record) error {
	j := batchRecord{Source: rec.Source, Path: rec.Path, URL: rec.URL, ID: rec.ID, Title: rec.Title,
		Note: rec.Note, Result: rec.Result}
	if !rec.Published.IsZero() {
		t := rec.Published.UTC()
		j.Published = &t
	}
	if rec.Err != nil {
		j.Error = rec.Err.Error()
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(j)
}

func writeBatchLabels(w io.Writer, rec *batch.Record, si bool) error {
	if rec.Result == nil {
		return nil
	}
	if si {
		return corpus.WriteSI(w, task.ResultSpans(rec.ID, rec.Result))
	}
	return corpus.WriteTC(w, task.ResultRows(rec.ID, rec.Result))
}

// writeBatchSummary prints the per-source table, with a total row when
// there are several sources.
func writeBatchSummary(w io.Writer, sum *batch.Summary) {
	rows := sum.Sources()
	if len(rows) == 0 {
		return
	}
	if len(rows) > 1 {
		rows = append(rows, sum.Total())
	}
	width := len("source")
	names := make([]string, len(rows))
	for i, s := range rows {
		names[i] = s.Source
		if names[i] == "" {
			names[i] = "(none)"
		}
		if r := []rune(names[i]); len(r) > 40 {
			names[i] = string(r[:39]) + "…"
		}
		width = max(width, utf8.RuneCountInString(names[i]))
	}
	pad := func(s string) string { return s + strings.Repeat(" ", width-utf8.RuneCountInString(s)) }
	fmt.Fprintf(w, "%s  %8s  %6s  %9s  %14s  %10s  %s\n", pad("source"), "articles", "failed", "words", "spans/1k words", "mean score", "top techniques (share of spans)")
	for i, s := range rows {
		var top []string
		for _, tc := range s.Top(3) {
			top = append(top, fmt.Sprintf("%s %.0f%%", tc.Technique.Info().Name, 100*float64(tc.Count)/float64(s.Spans)))
		}
		topText := strings.Join(top, ", ")
		if topText == "" {
			topText = "-"
		}
		fmt.Fprintf(w, "%s  %8d  %6d  %9d  %14.1f  %10.2f  %s\n", pad(names[i]), s.Articles, s.Failed, s.Words, s.SpansPer1000(), s.MeanScore(), topText)
	}
	for _, s := range sum.Sources() {
		if s.FeedText > 0 {
			fmt.Fprintf(w, "note: %s: %d of %s analysed from the feed's own text (often only a summary), not the linked page\n",
				s.Source, s.FeedText, batchPlural(s.Articles, "article"))
		}
	}
}

// batchPlural is "1 article", "2 articles".
func batchPlural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// warnDuplicateIDs says when two articles share an id, which makes their
// labels rows indistinguishable (as with same-named files in two folders).
func warnDuplicateIDs(w io.Writer, items []batch.Item) {
	first := make(map[string]string, len(items))
	dups := 0
	var example string
	for _, it := range items {
		if prev, ok := first[it.ID]; ok {
			if dups == 0 {
				example = fmt.Sprintf("%s (%s and %s)", it.ID, prev, it.Name())
			}
			dups++
			continue
		}
		first[it.ID] = it.Name()
	}
	if dups > 0 {
		fmt.Fprintf(w, "unspun batch: warning: %d articles share the id of an earlier one, e.g. %s; their rows cannot be told apart\n", dups, example)
	}
}

// storedAnalysis returns a batch.Runner.Known function: the stored
// analysis of an article the store holds (by identity, see store.Lookup)
// from the same model version, or nil.
func storedAnalysis(st *store.Store, model string) func(context.Context, *batch.Record, string) *analysis.Result {
	return func(ctx context.Context, rec *batch.Record, text string) *analysis.Result {
		var id int64
		var m string
		var err error
		if text == "" {
			id, m, err = st.LookupURL(ctx, rec.URL) // before fetching the link
		} else {
			id, m, err = st.Lookup(ctx, rec.URL, text)
		}
		if err != nil || m != model {
			return nil
		}
		a, err := st.Get(ctx, id)
		if err != nil {
			return nil
		}
		var res analysis.Result
		if json.Unmarshal(a.Result, &res) != nil || res.Text == "" {
			return nil
		}
		return &res
	}
}
