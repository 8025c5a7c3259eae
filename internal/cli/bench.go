package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unspun/internal/analysis"

	"unspun/internal/analyze"
	"unspun/internal/corpus"
	"unspun/internal/score"
	"unspun/internal/task"
	"unspun/internal/technique"
)

func init() {
	register(&command{
		name:    "bench",
		summary: "measure the full pipeline's speed and memory (and accuracy on a PTC split)",
		run:     runBench,
	})
}

const benchUsage = `
Usage:
  unspun bench [--articles DIR] [--model FILE] [--min-time D] [--path PATH] [--validate DIR]

Runs the whole analysis pipeline on every articleID.txt of DIR, one article
after another on one core (GOMAXPROCS=1), for at least --min-time, and
prints articles per second, words per second, articles per CPU-second
(the figure to compare builds by on a shared machine: it does not count
time spent waiting for a core), heap allocations and bytes per article,
the peak resident memory of the process and the time it took to load the
model.

It times two paths, one after the other, after one untimed pass over the
articles: the full analysis ('unspun analyze', with every span's cues),
and the predict path (the lines starting "predict"): the same analysis
without wording the cues, as 'unspun analyze --format tsv' and the
outputs that print no cues run it. --path analyze or --path predict times
only that one.

With --validate DIR (a PTC folder with split-validation.txt) it also
scores the model on the validation articles: span identification
precision, recall and F1 and technique classification micro-F1, as
'unspun eval' computes them. Only a model trained on split-train.txt
(unspun train --train-ids) gives honest numbers there.

Examples:
  unspun bench
  unspun bench --path predict --min-time 10s
  unspun bench --model train-only.model --validate ../shared/data/ptc
`

func runBench(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "bench", benchUsage)
	articles := fs.String("articles", filepath.Join("..", "shared", "data", "unlabeled-news"), "folder `DIR` of articleID.txt files")
	modelPath := fs.String("model", "", "model `FILE` (default: the built-in model)")
	minTime := fs.Duration("min-time", 3*time.Second, "keep repeating the articles for at least this `duration`")
	validate := fs.String("validate", "", "PTC folder `DIR`: also score the model on its split-validation.txt")
	path := fs.String("path", "both", "`PATH` to time: analyze (with cues), predict (without) or both")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if *minTime <= 0 {
		return usageErrorf("--min-time must be positive")
	}
	switch *path {
	case "both", "analyze", "predict":
	default:
		return usageErrorf("--path must be analyze, predict or both, not %q", *path)
	}
	arts, err := readArticleFolder("--articles", *articles, analysis.MaxBytes)
	if err != nil {
		return err
	}
	if len(arts) == 0 {
		return fmt.Errorf("%s: no articleID.txt files", *articles)
	}
	if err := checkAnalysable(arts); err != nil {
		return err
	}
	if !slices.ContainsFunc(arts, func(a *corpus.Article) bool { return strings.TrimSpace(a.Doc.Text) != "" }) {
		return fmt.Errorf("%s: every article is empty: nothing to measure", *articles)
	}
	// The validation data is read now: a bad folder is reported before
	// the benchmark, not after it.
	var valArts []*corpus.Article
	if *validate != "" {
		if valArts, err = readValidation(*validate); err != nil {
			return err
		}
	}
	t0 := time.Now()
	a, err := loadAnalyzer(*modelPath)
	if err != nil {
		return err
	}
	load := time.Since(t0)

	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "model            %s\n", a.Model().Version)
	fmt.Fprintf(w, "model load       %.1f ms\n", float64(load.Microseconds())/1000)

	texts := make([]string, len(arts))
	paths := make([]string, len(arts))
	for i, art := range arts {
		texts[i], paths[i] = art.Doc.Text, art.Path
	}
	arts = nil // keep only the texts: the pipeline segments them itself

	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	// One untimed pass warms caches and pools as a server would be.
	for i, t := range texts {
		if _, err := a.Analyze(ctx, strconv.Itoa(i), t); err != nil && err != analysis.ErrEmpty {
			return fmt.Errorf("%s: %w", paths[i], err)
		}
	}
	if *path != "predict" {
		r, err := benchPass(ctx, a, texts, *minTime, analyze.Options{})
		if err != nil {
			return err
		}
		r.write(w, "")
	}
	if *path != "analyze" {
		// The warm-up above served this pass too: the predict path is
		// the analysis without its cues' wording.
		r, err := benchPass(ctx, a, texts, *minTime, analyze.Options{NoCues: true})
		if err != nil {
			return err
		}
		r.write(w, "predict ")
	}
	runtime.GOMAXPROCS(prev)
	if rss, ok := peakRSS(); ok {
		fmt.Fprintf(w, "peak RSS         %.1f MB\n", float64(rss)/(1<<20))
	}
	if *validate != "" {
		if err := benchValidate(ctx, w, a, *validate, valArts); err != nil {
			return err
		}
	}
	return w.Flush()
}

// benchRun is what one timed pass measured.
type benchRun struct {
	n, distinct, words int
	elapsed            time.Duration
	cpu                time.Duration // 0 when not known
	mallocs, bytes     uint64
}

// benchPass analyses texts with opt one after another, again and again
// for at least minTime (and at least once), and measures it.
func benchPass(ctx context.Context, a *analyze.Analyzer, texts []string, minTime time.Duration, opt analyze.Options) (benchRun, error) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0, cpuOK := processCPU()
	start := time.Now()
	r := benchRun{distinct: len(texts)}
	for time.Since(start) < minTime || r.n == 0 {
		for i, t := range texts {
			if err := ctx.Err(); err != nil {
				return r, err
			}
			res, err := a.AnalyzeWith(ctx, strconv.Itoa(i), t, opt)
			if err != nil {
				continue // empty articles count as read
			}
			r.words += res.Words
		}
		r.n += len(texts)
	}
	r.elapsed = time.Since(start)
	cpu1, _ := processCPU()
	runtime.ReadMemStats(&after)
	if cpuOK {
		r.cpu = cpu1 - cpu0
	}
	r.mallocs, r.bytes = after.Mallocs-before.Mallocs, after.TotalAlloc-before.TotalAlloc
	return r, nil
}

// write prints r, each label preceded by prefix.
func (r benchRun) write(w *bufio.Writer, prefix string) {
	sec := r.elapsed.Seconds()
	line := func(label, format string, v ...any) {
		fmt.Fprintf(w, "%-*s"+format+"\n", append([]any{17 + len(prefix), prefix + label}, v...)...)
	}
	line("articles", "%d (%d distinct), %.2f s on 1 core", r.n, r.distinct, sec)
	line("articles/s", "%.1f", float64(r.n)/sec)
	line("words/s", "%.0f", float64(r.words)/sec)
	// CPU time, unlike the clock, does not count the time the process
	// waited for a core: on a shared machine it is the figure to compare
	// between builds (it includes the garbage collector's background work).
	if cpu := r.cpu.Seconds(); cpu > 0 {
		line("articles/CPU-s", "%.1f", float64(r.n)/cpu)
	}
	line("allocs/article", "%.0f", float64(r.mallocs)/float64(r.n))
	line("bytes/article", "%.0f", float64(r.bytes)/float64(r.n))
}

// readValidation reads the validation split of a PTC folder: the
// articles listed in its split-validation.txt, with their gold spans.
func readValidation(dir string) ([]*corpus.Article, error) {
	if err := requireDir("--validate", dir); err != nil {
		return nil, err
	}
	split := filepath.Join(dir, "split-validation.txt")
	if _, err := os.Stat(split); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("--validate %s is not a PTC-format folder with a validation split: it has no split-validation.txt", dir)
	}
	ids, err := readIDList(split)
	if err != nil {
		return nil, err
	}
	if err := checkArticleFolder(filepath.Join(dir, "articles"), ids, analysis.MaxBytes); err != nil {
		return nil, err
	}
	arts, err := corpus.ReadPTC(dir, ids)
	if err != nil {
		return nil, err
	}
	return arts, checkAnalysable(arts)
}

// benchValidate scores a on arts, the validation split of the PTC folder
// dir.
func benchValidate(ctx context.Context, w *bufio.Writer, a *analyze.Analyzer, dir string, arts []*corpus.Article) error {
	var gold, goldTC []corpus.Span
	for _, art := range arts {
		gold = append(gold, art.Spans...)
		for _, s := range art.Spans {
			if s.HasTechnique {
				goldTC = append(goldTC, s)
			}
		}
	}
	predSI, err := task.PredictSI(ctx, a, arts)
	if err != nil {
		return err
	}
	predTC, err := task.PredictTC(ctx, a, arts, goldTC)
	if err != nil {
		return err
	}
	si := score.SI(gold, predSI)
	tcr, err := score.TC(goldTC, predTC)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "validation       %d articles of %s\n", len(arts), dir)
	fmt.Fprintf(w, "SI               P %.4f  R %.4f  F1 %.4f\n", si.Precision, si.Recall, si.F1)
	fmt.Fprintf(w, "TC               micro-F1 %.4f (%d rows)\n", tcr.F1, tcr.Rows)
	return benchCalibration(ctx, w, a, arts, &tcr)
}

// benchCalibration prints, for the validation articles, the confusion
// table of the technique classifier on the gold spans (from tcr), the
// reliability of its top technique's probability there, and the
// reliability of the whole pipeline's confidence: a (fragment, technique)
// answer is right when the fragment overlaps a gold span of that
// technique.
func benchCalibration(ctx context.Context, w *bufio.Writer, a *analyze.Analyzer, arts []*corpus.Article, tcr *score.TCResult) error {
	var top, pair, sent score.Reliability
	for _, art := range arts {
		if err := ctx.Err(); err != nil {
			return err
		}
		// Gold techniques per distinct span.
		type key struct{ start, end int }
		golds := map[key][]technique.Technique{}
		var order []key
		for _, s := range art.Spans {
			k := key{s.Start, s.End}
			if _, ok := golds[k]; !ok {
				order = append(order, k)
			}
			golds[k] = append(golds[k], s.Technique)
		}
		for _, k := range order {
			alts := a.Techniques(art.Doc, k.start, k.end)
			top.Add(alts[0].Confidence, slices.Contains(golds[k], alts[0].Technique))
		}
		res, err := a.AnalyzeDoc(ctx, art.Doc)
		if err != nil {
			return err
		}
		for _, s := range res.Sentences {
			hit := false
			for _, gs := range art.Spans {
				if gs.Start < s.End && s.Start < gs.End {
					hit = true
					break
				}
			}
			sent.Add(s.Score, hit)
		}
		for _, s := range res.Spans {
			hit := false
			for _, gs := range art.Spans {
				if gs.Technique == s.Technique && gs.Start < s.End && s.Start < gs.End {
					hit = true
					break
				}
			}
			pair.Add(s.Confidence, hit)
		}
	}
	fmt.Fprintf(w, "\nTC confusion on the gold spans (rows: gold, columns: predicted; technique numbers as in the rows):\n\n")
	fmt.Fprintf(w, "| gold \\ predicted |")
	for t := range technique.Count {
		fmt.Fprintf(w, " %d |", t+1)
	}
	fmt.Fprintf(w, "\n|---|")
	for range technique.Count {
		fmt.Fprintf(w, "---:|")
	}
	fmt.Fprintln(w)
	for g := range technique.Count {
		fmt.Fprintf(w, "| %d %s |", g+1, technique.Technique(g))
		for p := range technique.Count {
			fmt.Fprintf(w, " %d |", tcr.Confusion[g][p])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\nTC reliability: probability of the top technique on the gold spans\n\n")
	top.WriteTable(w)
	fmt.Fprintf(w, "\nPipeline reliability: confidence of each (fragment, technique) that analyze reports;\nright when the fragment overlaps a gold span of that technique\n\n")
	if err := pair.WriteTable(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nSentence reliability: sentence score against whether a gold span overlaps the sentence\n\n")
	return sent.WriteTable(w)
}

// peakRSS returns the process's peak resident set size in bytes, from
// Linux's /proc/self/status (VmHWM).
func peakRSS() (int64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v)
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				if err == nil {
					return kb << 10, true
				}
			}
		}
	}
	return 0, false
}
