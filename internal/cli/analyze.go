package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"unspun/internal/analysis"
	"unspun/internal/analyze"
	"unspun/internal/corpus"
	"unspun/internal/ctxio"
	"unspun/internal/model"
	"unspun/internal/store"
	"unspun/internal/task"
	"unspun/internal/technique"
)

func init() {
	register(&command{
		name:    "analyze",
		summary: "find and explain the propaganda techniques in one article",
		run:     runAnalyze,
	})
}

const analyzeUsage = `
Usage:
  unspun analyze [FILE|-] [--format text|json|tsv|html] [--model FILE]

Runs the whole pipeline on one article (FILE, or standard input when FILE
is - or missing; missing FILE with standard input a terminal is an error):
finds the fragments that use a propaganda technique, names the technique
with a confidence and the cues behind it, and says whose voice it is (the
author's, or a quoted speaker's). The article must be UTF-8 text of at
most %d MB; binary files and invalid UTF-8 are refused, not repaired, so
that offsets stay exact.

Formats:
  text  the article with every fragment highlighted in its technique's
        colour, a legend and an explanation of each fragment; plain text
        with [bracketed] markers when standard output is not a terminal
        or NO_COLOR is set
  json  {"spans":[{"start","end","text","technique","confidence",
        "techniques","voice","speaker","cues"}],"quotes":[{"start",
        "end","speaker"}],"sentences":[{"start","end","score"}],
        "score":…}; offsets are code points; "techniques" holds a
        second technique when it comes close to the first
  tsv   ID TECHNIQUE START END rows (SemEval-2020 Task 11 TC format),
        one per technique of a fragment, as the corpus repeats them
  html  a report to share: one self-contained HTML file with the page's
        highlighting, legend, tooltips and explanations, its style and
        script inline (allowed by hash in a strict Content-Security-Policy;
        no request leaves the file); printed, each highlight is numbered
        and its technique listed as a footnote

Without --model the model built into unspun is used.

Examples:
  unspun analyze testdata/demo/iran-mek-2018.txt
  curl -s https://example.com/article.txt | unspun analyze --format json -
  unspun analyze --format html article.txt > report.html
`

func runAnalyze(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "analyze", fmt.Sprintf(analyzeUsage, analysis.MaxBytes>>20))
	format := fs.String("format", "text", "output `format`: text, json, tsv or html")
	modelPath := fs.String("model", "", "model `FILE` (default: the built-in model)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return usageErrorf("expected one article, got %d arguments", len(rest))
	}
	switch *format {
	case "text", "json", "tsv", "html":
	default:
		return usageErrorf("unknown format %q: want text, json, tsv or html", *format)
	}
	path := "-"
	if len(rest) == 1 {
		path = rest[0]
	} else if f, ok := env.Stdin.(*os.File); ok && isTerminal(f) {
		// Waiting for an article to be typed is more likely a mistake.
		return usageErrorf("no article: give a FILE, or - to type or paste one on standard input")
	}
	var text, id string
	if path == "-" {
		id = "stdin"
		text, err = readArticle(ctx, "standard input", env.Stdin)
	} else {
		id = corpus.ArticleID(path)
		if id == "" {
			id = strings.TrimSuffix(baseName(path), ".txt")
		}
		text, err = readArticleFile(ctx, path)
	}
	if err != nil {
		return err
	}
	a, err := untilDone(ctx, func() (*analyze.Analyzer, error) { return loadAnalyzer(*modelPath) })
	if err != nil {
		return err
	}
	// TSV rows carry no cues: not wording them is a tenth of the work.
	opts := analyze.Options{NoCues: *format == "tsv"}
	res, err := untilDone(ctx, func() (*analysis.Result, error) { return a.AnalyzeWith(ctx, id, text, opts) })
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return fmt.Errorf("%s: stopped before the analysis finished (%v)", displayName(path), context.Cause(ctx))
		case errors.Is(err, analysis.ErrEmpty):
			return fmt.Errorf("%s: the article is empty", displayName(path))
		case errors.Is(err, analysis.ErrTooLarge):
			return fmt.Errorf("%s: the article is larger than %d MB", displayName(path), analysis.MaxBytes>>20)
		}
		return fmt.Errorf("%s: %w", displayName(path), err)
	}
	w := bufio.NewWriter(env.Stdout)
	switch *format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		err = enc.Encode(res)
	case "html":
		err = writeReport(w, store.TitleOf(text), res)
	case "tsv":
		err = corpus.WriteTC(w, task.ResultRows(id, res))
	default:
		colour := env.StdoutIsTerminal && (env.Getenv == nil || env.Getenv("NO_COLOR") == "")
		writeText(w, res, colour)
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return err
}

func displayName(path string) string {
	if path == "-" {
		return "standard input"
	}
	return path
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

// readArticleFile reads one article with readArticle's checks, and says
// so plainly when the path is a folder. A named pipe is read as it is
// written to; ctx ending stops the wait for a writer.
func readArticleFile(ctx context.Context, path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if st.IsDir() {
		return "", fmt.Errorf("%s is a folder, not an article file", path)
	}
	f, err := ctxio.Open(ctx, path)
	if err != nil {
		if ctx.Err() != nil {
			return "", interrupted(ctx, path)
		}
		return "", err
	}
	defer f.Close()
	return readArticle(ctx, path, f)
}

// loadAnalyzer returns an analyzer for the model file at path, or for the
// built-in model when path is "".
func loadAnalyzer(path string) (*analyze.Analyzer, error) {
	m, err := loadModel(path)
	if err != nil {
		return nil, err
	}
	return analyze.New(m), nil
}

// loadMu serialises loadModel.
var loadMu sync.Mutex

func loadModel(path string) (*model.Model, error) {
	// Loading allocates some 45 MB of tables that live as long as the
	// process, and as many again of buffers that do not; collecting while
	// they arrive marked the growing heap over and over, and that was half
	// the CPU time of a one-article 'unspun analyze' (0.53 against 0.29
	// CPU-seconds with the collector off). It is off while the model
	// loads; the first collection after finds the buffers. Loads are
	// serialised, so that each puts back the setting it found.
	loadMu.Lock()
	defer loadMu.Unlock()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	if path == "" {
		return model.Embedded()
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("--model %s is a folder, not a model file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := model.Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// parseInterspersed parses flags that may come before or after the
// positional arguments ("unspun analyze FILE --format json"), and returns
// the positional arguments. A lone "-" is an argument (standard input).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// writeSkipped lists the paragraphs that were not analysed because they
// are not in English, each with its line, language, reason and opening
// words. text is res.Text as runes.
func writeSkipped(w io.Writer, res *analysis.Result, text []rune) {
	if len(res.Skipped) == 0 {
		return
	}
	fmt.Fprintf(w, "Not analysed (not in English; unspun reads English only):\n")
	for _, sk := range res.Skipped {
		line := 1 + strings.Count(string(text[:sk.Start]), "\n")
		frag := strings.Join(strings.Fields(string(text[sk.Start:sk.End])), " ")
		if r := []rune(frag); len(r) > 50 {
			frag = string(r[:47]) + "…"
		}
		fmt.Fprintf(w, "  line %d: %s (%s): %s\n", line, sk.Language, sk.Reason, frag)
	}
	fmt.Fprintln(w)
}

// writeText prints the article with its fragments marked, a legend and one
// explanation per fragment. Marks are ANSI colours when colour is true and
// [brackets] otherwise; each fragment ends with its number in the legend.
func writeText(w io.Writer, res *analysis.Result, colour bool) {
	counts := make([]int, technique.Count)
	for _, s := range res.Spans {
		counts[s.Technique]++
	}
	// Legend numbers follow technique order, only for those present.
	num := make([]int, technique.Count)
	n := 0
	for t := range counts {
		if counts[t] > 0 {
			n++
			num[t] = n
		}
	}

	// Boundaries: where fragments open and close, in code points.
	type event struct {
		at    int
		open  bool
		index int
	}
	events := make([]event, 0, 2*len(res.Spans))
	for i, s := range res.Spans {
		events = append(events, event{s.Start, true, i}, event{s.End, false, i})
	}
	slices.SortStableFunc(events, func(a, b event) int {
		if a.at != b.at {
			return a.at - b.at
		}
		// Close before open at the same point, so touching fragments do
		// not nest.
		if a.open != b.open {
			if a.open {
				return 1
			}
			return -1
		}
		return 0
	})
	var active []int
	setColour := func() {
		if !colour {
			return
		}
		if len(active) == 0 {
			fmt.Fprint(w, "\x1b[0m")
			return
		}
		t := res.Spans[active[len(active)-1]].Technique
		fmt.Fprintf(w, "\x1b[0;30;48;5;%dm", t.Info().ANSI)
	}
	text := []rune(res.Text)
	pos := 0
	for _, e := range events {
		fmt.Fprint(w, string(text[pos:e.at]))
		pos = e.at
		t := res.Spans[e.index].Technique
		if e.open {
			active = append(active, e.index)
			if !colour {
				fmt.Fprint(w, "[")
			}
			setColour()
			continue
		}
		if k := slices.Index(active, e.index); k >= 0 {
			active = slices.Delete(active, k, k+1)
		}
		if colour {
			fmt.Fprint(w, "\x1b[0m")
			fmt.Fprintf(w, "\x1b[1;38;5;%dm[%d]\x1b[0m", t.Info().ANSI, num[t])
			if len(active) > 0 {
				setColour()
			}
		} else {
			fmt.Fprintf(w, "]{%d}", num[t])
		}
	}
	fmt.Fprint(w, string(text[pos:]))
	if len(text) > 0 && text[len(text)-1] != '\n' {
		fmt.Fprintln(w)
	}

	fmt.Fprintf(w, "\n%s\n", strings.Repeat("─", 60))
	writeSkipped(w, res, text)
	if len(res.Spans) == 0 {
		if res.NotAnalysed() {
			fmt.Fprintf(w, "Nothing was analysed: the text has no English words (model %s).\n", res.Model)
			return
		}
		fmt.Fprintf(w, "No propaganda technique found (article score %.2f, model %s).\n", res.Score, res.Model)
		return
	}
	fmt.Fprintf(w, "Techniques found (%d fragments; article score %.2f, model %s):\n", len(res.Spans), res.Score, res.Model)
	for t := range counts {
		if counts[t] == 0 {
			continue
		}
		info := technique.Technique(t).Info()
		label := fmt.Sprintf("[%d]", num[t])
		if colour {
			label = fmt.Sprintf("\x1b[0;30;48;5;%dm%s\x1b[0m", info.ANSI, label)
		}
		fmt.Fprintf(w, "  %s %s ×%d — %s\n", label, info.Name, counts[t], info.Definition)
	}
	fmt.Fprintf(w, "\nWhy:\n")
	for _, s := range res.Spans {
		voice := "author"
		if s.Voice == "quote" {
			voice = "quoted"
			if s.Speaker != "" {
				voice = "quoting " + s.Speaker
			}
		}
		frag := strings.Join(strings.Fields(s.Text), " ")
		if r := []rune(frag); len(r) > 70 {
			frag = string(r[:67]) + "…"
		}
		fmt.Fprintf(w, "  [%d] %s %.0f%% (%s): %q", num[s.Technique], s.Technique.Info().Name, 100*s.Confidence, voice, frag)
		if s.Target != "" {
			fmt.Fprintf(w, " → %s", s.Target)
		}
		if len(s.Cues) > 0 {
			fmt.Fprintf(w, "\n      cues: %s", strings.Join(s.Cues, "; "))
		}
		fmt.Fprintln(w)
	}
	if len(res.Quotes) > 0 {
		fmt.Fprintf(w, "\nQuoted speech:\n")
		for _, q := range res.Quotes {
			sp := q.Speaker
			if sp == "" {
				sp = "unattributed"
			}
			frag := strings.Join(strings.Fields(string(text[q.Start:q.End])), " ")
			if r := []rune(frag); len(r) > 70 {
				frag = string(r[:67]) + "…"
			}
			fmt.Fprintf(w, "  %s: %s\n", sp, frag)
		}
	}
}
