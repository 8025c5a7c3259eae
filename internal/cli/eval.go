package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"unspun/internal/corpus"
	"unspun/internal/score"
	"unspun/internal/technique"
)

func init() {
	register(&command{
		name:    "eval",
		summary: "score SI or TC predictions against gold labels (SemEval-2020 Task 11)",
		run:     runEval,
	})
}

const evalUsage = `
Usage:
  unspun eval si --gold PATH --pred FILE [--articles DIR] [--ids FILE] [--json]
  unspun eval tc --gold PATH --pred FILE [--articles DIR] [--ids FILE] [--json]

Scores predictions with the SemEval-2020 Task 11 metrics, as
../shared/data/ptc/README.md defines them:

  si  span identification: predicted spans (ID START END) against gold
      spans; prints precision, recall and F1.
  tc  technique classification: one technique per gold span
      (ID TECHNIQUE START END, exactly the gold spans); prints micro-F1
      and precision, recall and F1 per technique.

PATH is a .labels file or a folder of them. Offsets are code points.
Predictions for articles the gold does not cover are refused; give
--articles when the gold is a single file that leaves out articles
without annotations. --ids restricts the gold to a list of articles,
such as a split.

Examples:
  unspun eval si --gold ../shared/data/ptc/labels-si --pred pred-si.labels
  unspun eval tc --gold ../shared/data/ptc/labels-tc --pred pred-tc.labels --json
  unspun eval si --gold ../shared/data/ptc/labels-si \
      --ids ../shared/data/ptc/split-validation.txt --pred pred-si.labels

Run 'unspun eval si -h' or 'unspun eval tc -h' for the flags.
`

const evalSIUsage = `
Usage:
  unspun eval si --gold PATH --pred FILE [--articles DIR] [--ids FILE] [--json]

Scores span identification. Per article, overlapping spans are merged
(gold and predicted alike; spans that only touch are not); precision
averages, over predicted spans, the share of each that overlaps gold;
recall averages, over gold spans, the share of each that is predicted.

PATH is a .labels file or a folder of them (ID START END rows).
FILE holds the predicted rows in the same format.

Example:
  unspun eval si --gold ../shared/data/ptc/labels-si --pred pred-si.labels
`

const evalTCUsage = `
Usage:
  unspun eval tc --gold PATH --pred FILE [--articles DIR] [--ids FILE] [--json]

Scores technique classification. The predictions must label exactly the
gold spans (ID TECHNIQUE START END rows, the same spans the same number
of times); micro-F1 is then the share of rows whose technique matches,
rows of the same span matched as a multiset of techniques.

PATH is a .labels file or a folder of them.

Example:
  unspun eval tc --gold ../shared/data/ptc/labels-tc --pred pred-tc.labels
`

func runEval(ctx context.Context, env *Env, args []string) error {
	task, err := taskOf(env, evalUsage, args)
	if err != nil {
		return err
	}
	format := corpus.SI
	if task == "tc" {
		format = corpus.TC
	}
	return runEvalTask(env, format, args[1:])
}

// taskOf returns the task, si or tc, that eval's and predict's arguments
// start with, printing usage instead on a request for help.
func taskOf(env *Env, usage string, args []string) (string, error) {
	if len(args) == 0 {
		return "", usageErrorf("missing task: si or tc")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(env.Stdout, strings.TrimSpace(usage))
		return "", flag.ErrHelp
	case "si", "tc":
		return args[0], nil
	}
	return "", usageErrorf("unknown task %q: want si or tc", args[0])
}

func runEvalTask(env *Env, format corpus.Format, args []string) error {
	name, usage := "eval si", evalSIUsage
	if format == corpus.TC {
		name, usage = "eval tc", evalTCUsage
	}
	fs := newFlags(env, name, usage)
	gold := fs.String("gold", "", "gold labels: a .labels `PATH` or a folder of them")
	pred := fs.String("pred", "", "predicted labels `FILE`")
	articles := fs.String("articles", "", "folder `DIR` of articleID.txt files; offsets are checked against their lengths")
	idsFile := fs.String("ids", "", "score only the articles listed in `FILE`, one id a line (e.g. split-validation.txt)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of text")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if *gold == "" || *pred == "" {
		return usageErrorf("both --gold and --pred are required")
	}

	// Predictions may name only known articles: those listed by --ids, or
	// else those of --articles, or else those the gold covers. Their
	// lengths come from --articles; -1 marks one unknown.
	var lengths map[string]int
	if *articles != "" {
		arts, err := readArticleFolder("--articles", *articles, 0)
		if err != nil {
			return err
		}
		lengths = corpus.Lengths(arts)
	}
	g, err := corpus.ReadLabelSet(*gold, format, lengths)
	if err != nil {
		return err
	}
	if *idsFile != "" {
		ids, err := readIDList(*idsFile)
		if err != nil {
			return err
		}
		keep := make(map[string]bool, len(ids))
		for _, id := range ids {
			if lengths != nil {
				if _, ok := lengths[id]; !ok {
					return fmt.Errorf("%s: article %s is not in %s", *idsFile, id, *articles)
				}
			}
			keep[id] = true
		}
		var spans []corpus.Span
		for _, s := range g.Spans {
			if keep[s.Article] {
				spans = append(spans, s)
			}
		}
		// The listed articles are the known ones, annotated or not.
		g = &corpus.LabelSet{Spans: spans, Articles: ids}
	}
	if lengths == nil || *idsFile != "" {
		known := make(map[string]int, len(g.Articles))
		for _, id := range g.Articles {
			known[id] = -1
			if n, ok := lengths[id]; ok {
				known[id] = n
			}
		}
		lengths = known
	}
	p, err := corpus.ReadLabelSet(*pred, format, lengths)
	if err != nil {
		return err
	}

	if format == corpus.SI {
		r := score.SI(g.Spans, p.Spans)
		if *asJSON {
			return writeJSON(env.Stdout, r)
		}
		return writeSI(env.Stdout, r)
	}
	r, err := score.TC(g.Spans, p.Spans)
	if err != nil {
		return fmt.Errorf("%s: %w", *pred, err)
	}
	if *asJSON {
		return writeJSON(env.Stdout, r)
	}
	return writeTC(env.Stdout, r)
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func writeSI(w io.Writer, r score.SIResult) error {
	_, err := fmt.Fprintf(w, "precision %.6f\nrecall    %.6f\nf1        %.6f\nspans     gold %d  predicted %d  (merged: gold %d  predicted %d)\n",
		r.Precision, r.Recall, r.F1, r.Gold, r.Predicted, r.GoldMerged, r.PredictedMerged)
	return err
}

func writeTC(w io.Writer, r score.TCResult) error {
	var b strings.Builder
	fmt.Fprintf(&b, "micro-f1  %.6f\nrows      %d  correct %d\n\n", r.F1, r.Rows, r.Correct)
	const row = "%-34s  %9s  %8s  %8s  %5s  %9s\n"
	fmt.Fprintf(&b, row, "technique", "precision", "recall", "f1", "gold", "predicted")
	for t, s := range r.PerTechnique {
		fmt.Fprintf(&b, row, technique.Technique(t),
			fmt.Sprintf("%.6f", s.Precision), fmt.Sprintf("%.6f", s.Recall), fmt.Sprintf("%.6f", s.F1),
			fmt.Sprint(s.Gold), fmt.Sprint(s.Predicted))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
