package cli

import (
	"bufio"
	"context"
	"fmt"
	"unspun/internal/analysis"

	"unspun/internal/analyze"
	"unspun/internal/corpus"
)

func init() {
	register(&command{
		name:    "predict",
		summary: "write SemEval-2020 Task 11 predictions (si: spans, tc: techniques)",
		run:     runPredict,
	})
}

const predictUsage = `
Usage:
  unspun predict si --articles DIR [--model FILE]
  unspun predict tc --articles DIR --spans FILE [--model FILE]

Writes predictions in the SemEval-2020 Task 11 formats to standard output,
ready for 'unspun eval':

  si  span identification: an ID START END row for every fragment found
      in every articleID.txt of DIR.
  tc  technique classification: for every ID ANY START END row of FILE
      (the technique column is ignored and may be ?), one
      ID TECHNIQUE START END row, in the same order. Rows that repeat a
      span get different techniques, the most likely first.

Offsets are code points. Without --model the built-in model is used.

Examples:
  unspun predict si --articles ../shared/data/ptc/articles > pred-si.labels
  unspun predict tc --articles ../shared/data/ptc/articles --spans gold-tc.labels > pred-tc.labels
`

const predictSIUsage = `
Usage:
  unspun predict si --articles DIR [--model FILE]

Prints an ID START END row (code points) for every fragment found in
every articleID.txt of DIR.

Example:
  unspun predict si --articles ../shared/data/ptc/articles > pred-si.labels
`

const predictTCUsage = `
Usage:
  unspun predict tc --articles DIR --spans FILE [--model FILE]

Reads ID ANY START END rows from FILE (the technique column is ignored
and may be ?) and prints one ID TECHNIQUE START END row for each, in the
same order. Rows that repeat a span get different techniques, the most
likely first.

Example:
  unspun predict tc --articles ../shared/data/ptc/articles --spans ../shared/data/ptc/labels-tc > pred-tc.labels
`

func runPredict(ctx context.Context, env *Env, args []string) error {
	task, err := taskOf(env, predictUsage, args)
	if err != nil {
		return err
	}
	usage := predictSIUsage
	if task == "tc" {
		usage = predictTCUsage
	}
	fs := newFlags(env, "predict "+task, usage)
	articles := fs.String("articles", "", "folder `DIR` of articleID.txt files")
	modelPath := fs.String("model", "", "model `FILE` (default: the built-in model)")
	var spansPath *string
	if task == "tc" {
		spansPath = fs.String("spans", "", "`FILE` of ID ANY START END rows, or a folder of .labels files")
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if *articles == "" {
		return usageErrorf("--articles is required")
	}
	if spansPath != nil && *spansPath == "" {
		return usageErrorf("--spans is required")
	}
	arts, err := readArticleFolder("--articles", *articles, analysis.MaxBytes)
	if err != nil {
		return err
	}
	if err := checkAnalysable(arts); err != nil {
		return err
	}
	var rows []corpus.Span
	if spansPath != nil {
		// Read the spans before the model: a malformed file is reported
		// without waiting for the model to load.
		if rows, err = corpus.ReadLabels(*spansPath, corpus.Spans, corpus.Lengths(arts)); err != nil {
			return err
		}
	}
	a, err := loadAnalyzer(*modelPath)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(env.Stdout)
	if task == "si" {
		for _, art := range arts {
			if err := ctx.Err(); err != nil {
				return err
			}
			for _, f := range a.Fragments(art.Doc) {
				fmt.Fprintf(w, "%s\t%d\t%d\n", art.ID, f.Start, f.End)
			}
		}
		return w.Flush()
	}
	if err := corpus.WriteTC(w, predictTechniques(a, arts, rows)); err != nil {
		return err
	}
	return w.Flush()
}

// predictTechniques labels every row. The k-th row of a span gets the
// span's k-th most likely technique, so duplicated spans get different
// techniques.
func predictTechniques(a *analyze.Analyzer, arts []*corpus.Article, rows []corpus.Span) []corpus.Span {
	byID := make(map[string]*corpus.Article, len(arts))
	for _, art := range arts {
		byID[art.ID] = art
	}
	type key struct {
		id         string
		start, end int
	}
	ranked := make(map[key][]analysis.Alternative)
	seen := make(map[key]int)
	out := make([]corpus.Span, len(rows))
	for i, r := range rows {
		k := key{r.Article, r.Start, r.End}
		alts, ok := ranked[k]
		if !ok {
			alts = a.Techniques(byID[r.Article].Doc, r.Start, r.End)
			ranked[k] = alts
		}
		n := seen[k]
		seen[k]++
		r.Technique = alts[n%len(alts)].Technique
		r.HasTechnique = true
		out[i] = r
	}
	return out
}
