package cli

import (
	"bufio"
	"context"
	"fmt"

	"unspun/internal/analysis"
	"unspun/internal/corpus"
	"unspun/internal/task"
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
likely first. A FILE without rows is an error: there is nothing to
classify.

Example:
  unspun predict tc --articles ../shared/data/ptc/articles --spans ../shared/data/ptc/labels-tc > pred-tc.labels
`

func runPredict(ctx context.Context, env *Env, args []string) error {
	name, err := taskOf(env, predictUsage, args)
	if err != nil {
		return err
	}
	usage := predictSIUsage
	if name == "tc" {
		usage = predictTCUsage
	}
	fs := newFlags(env, "predict "+name, usage)
	articles := fs.String("articles", "", "folder `DIR` of articleID.txt files")
	modelPath := fs.String("model", "", "model `FILE` (default: the built-in model)")
	var spansPath *string
	if name == "tc" {
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
		// Nothing to classify is most likely the wrong file or a step
		// before that failed; an empty output would pass for an answer.
		if len(rows) == 0 {
			return fmt.Errorf("%s has no spans (ID ANY START END rows): nothing to classify", *spansPath)
		}
	}
	a, err := loadAnalyzer(*modelPath)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(env.Stdout)
	if name == "si" {
		err = task.WriteSI(ctx, w, a, arts)
	} else {
		err = task.WriteTC(ctx, w, a, arts, rows)
	}
	if err != nil {
		return err
	}
	return w.Flush()
}
