package cli

import (
	"context"
	"fmt"
	"os"

	"unspun/internal/exchange"
)

func init() {
	register(&command{
		name:    "import",
		summary: "turn a Label Studio export or BRAT files into the corpus layout, for train and eval",
		run:     runImport,
	})
}

const importUsage = `
Usage:
  unspun import --format labelstudio|brat IN OUT

Reads annotations made in Label Studio or BRAT and writes them to the new
folder OUT in the corpus layout (articles/articleID.txt, labels-tc/,
labels-si/), readable by 'unspun train --data OUT' and 'unspun eval'.

  labelstudio  IN is a Label Studio JSON export (a list of tasks): the text
               is data.text; the id data.article_id, else the task's id;
               the fragments are the "labels" results of the first
               annotation that was not cancelled, whose labels must be the
               corpus's technique labels (as 'unspun export --format
               labelstudio-config -' sets them up). Offsets are taken as
               code points; a result whose text matches only when its
               offsets are counted in UTF-16 units (as Label Studio before
               2021 counted them) is converted. Tasks without an annotation
               are skipped.
  brat         IN is a folder of articleID.txt and articleID.ann files;
               the T-lines' types must be technique labels; offsets are
               characters (code points).

An offset past the text, an unknown label or a fragment whose recorded
text is not the text at its offsets stops the import with an error naming
the file, the line or task, and the reason. Nothing is written then.

Examples:
  unspun import --format labelstudio project-1-export.json labelled/
  unspun import --format brat brat-data/collection labelled/
  unspun train --data ../shared/data/ptc --data labelled/ --out my.model
`

func runImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "import", importUsage)
	format := fs.String("format", "", "labelstudio or brat (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageErrorf("want IN and OUT arguments, got %d", fs.NArg())
	}
	in, out := fs.Arg(0), fs.Arg(1)
	var arts []*exchange.Article
	var err error
	switch *format {
	case "labelstudio":
		var f *os.File
		if f, err = os.Open(in); err != nil {
			return err
		}
		arts, err = exchange.ReadLabelStudio(in, f)
		f.Close()
	case "brat":
		arts, err = exchange.ReadBRAT(in)
	case "":
		return usageErrorf("--format is required: labelstudio or brat")
	default:
		return usageErrorf("unknown --format %q: want labelstudio or brat", *format)
	}
	if err != nil {
		return err
	}
	kept := arts[:0]
	for _, a := range arts {
		if a.Annotated {
			kept = append(kept, a)
		}
	}
	skipped := len(arts) - len(kept)
	if len(kept) == 0 {
		return fmt.Errorf("%s: none of the %d articles has an annotation", in, len(arts))
	}
	if err := exchange.WritePTC(out, kept); err != nil {
		return err
	}
	frags := 0
	for _, a := range kept {
		frags += len(a.Labels)
	}
	fmt.Fprintf(env.Stderr, "unspun import: wrote %s (%s) to %s", batchPlural(len(kept), "article"), batchPlural(frags, "fragment"), out)
	if skipped > 0 {
		fmt.Fprintf(env.Stderr, "; skipped %d without an annotation", skipped)
	}
	fmt.Fprintln(env.Stderr)
	return nil
}
