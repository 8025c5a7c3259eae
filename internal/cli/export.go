package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"unspun/internal/analysis"
	"unspun/internal/exchange"
	"unspun/internal/store"
	"unspun/internal/technique"
)

func init() {
	register(&command{
		name:    "export",
		summary: "write stored analyses and reviews, or a corpus folder, as PTC, Label Studio, BRAT, JSONL or CSV",
		run:     runExport,
	})
}

const exportUsage = `
Usage:
  unspun export [--data DIR | --db URL | --from PTCDIR] [--reviewed] --format FORMAT OUT

Writes annotated articles in the format of an annotation tool or a
spreadsheet. The articles come from the store that 'unspun serve' keeps
(--db URL or --data DIR, default as for serve) — each article's fragments
as its finished review has them where it has one, the model's otherwise —
or from a folder in the corpus layout (--from PTCDIR). --reviewed keeps
only the articles whose review is done (from a corpus folder: those with
labels files).

Formats (offsets are Unicode code points in every one):
  ptc          OUT is a new folder in the corpus layout: articles/articleID.txt,
               labels-tc/ (ID TECHNIQUE START END) and labels-si/ (ID START END),
               readable by 'unspun train' and 'unspun eval'
  labelstudio  OUT is a JSON file of Label Studio tasks: data.text, the
               reviewed fragments as the annotation, the model's as the
               prediction (result type "labels", from_name "technique",
               to_name "text"); the project's labelling config is printed by
               'unspun export --format labelstudio-config -'
  brat         OUT is a new folder of BRAT standoff files (articleID.txt and
               articleID.ann, T-lines TYPE START END) with an annotation.conf
  jsonl        OUT is a file of one JSON object a fragment:
               {"article","start","end","technique","text","confidence","source"}
  csv          the same columns as CSV with a header row, for spreadsheets

OUT "-" writes a file format to standard output. The article id is the
store's article id, or the corpus's.

Examples:
  unspun export --reviewed --format ptc reviewed/
  unspun train --data ../shared/data/ptc --data reviewed/ --out my.model
  unspun export --from ../shared/data/ptc --format labelstudio tasks.json
  unspun export --format csv - > fragments.csv
`

// exportFormats are the formats export writes.
var exportFormats = map[string]bool{"ptc": true, "labelstudio": true, "brat": true, "jsonl": true, "csv": true, "labelstudio-config": true}

func runExport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "export", exportUsage)
	db := AddDBFlags(fs)
	from := fs.String("from", "", "read a folder in the corpus layout instead of the store")
	reviewed := fs.Bool("reviewed", false, "only articles a person reviewed (or, with --from, labelled)")
	format := fs.String("format", "", "ptc, labelstudio, brat, jsonl or csv (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("want one OUT argument, got %d", fs.NArg())
	}
	out := fs.Arg(0)
	if *format == "" {
		return usageErrorf("--format is required: ptc, labelstudio, brat, jsonl or csv")
	}
	if !exportFormats[*format] {
		return usageErrorf("unknown --format %q: want ptc, labelstudio, brat, jsonl or csv", *format)
	}
	if *format == "labelstudio-config" {
		return writeOut(env, out, func(w io.Writer) error {
			_, err := io.WriteString(w, exchange.LabelStudioConfig())
			return err
		})
	}
	if *from != "" && db.Given() {
		return usageErrorf("give one of --data, --db and --from")
	}
	var arts []*exchange.Article
	var err error
	if *from != "" {
		arts, err = exchange.ReadPTC(*from)
	} else {
		arts, err = storeArticles(ctx, env, db)
	}
	if err != nil {
		return err
	}
	if *reviewed {
		kept := arts[:0]
		for _, a := range arts {
			if a.Annotated {
				kept = append(kept, a)
			}
		}
		arts = kept
	}
	if len(arts) == 0 {
		return fmt.Errorf("no articles to export")
	}
	switch *format {
	case "ptc":
		err = exchange.WritePTC(out, arts)
	case "brat":
		err = exchange.WriteBRAT(out, arts)
	case "labelstudio":
		err = writeOut(env, out, func(w io.Writer) error { return exchange.WriteLabelStudio(w, arts) })
	case "jsonl":
		err = writeOut(env, out, func(w io.Writer) error { return exchange.WriteJSONL(w, arts) })
	case "csv":
		err = writeOut(env, out, func(w io.Writer) error { return exchange.WriteCSV(w, arts) })
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "unspun export: %s\n", exportSummary(arts, out))
	return nil
}

// exportSummary counts what was written.
func exportSummary(arts []*exchange.Article, out string) string {
	annotated, frags := 0, 0
	for _, a := range arts {
		f, _ := a.Fragments()
		frags += len(f)
		if a.Annotated {
			annotated++
		}
	}
	if out == "-" {
		out = "standard output"
	}
	return fmt.Sprintf("wrote %s (%d reviewed or labelled, %s) to %s", batchPlural(len(arts), "article"), annotated, batchPlural(frags, "fragment"), out)
}

// writeOut writes a file format to out ("-": standard output) through a
// temporary file and a rename, so a failed export leaves no half file.
func writeOut(env *Env, out string, write func(io.Writer) error) error {
	if out == "-" {
		bw := bufio.NewWriter(env.Stdout)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriter(tmp)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}

// storeArticles reads every stored article, by id, with the model's
// fragments (one per technique of a span, as the corpus repeats rows) and
// its finished review's.
func storeArticles(ctx context.Context, env *Env, db *DBFlags) ([]*exchange.Article, error) {
	u, err := db.URL(env)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(u, "://") && !strings.HasPrefix(u, "sqlite:") {
		if _, err := os.Stat(u); err != nil {
			return nil, fmt.Errorf("no store at %s: %w (analyse articles with 'unspun serve' or 'unspun batch --store' first, or pass --from PTCDIR)", u, err)
		}
	}
	st, err := store.Open(ctx, u)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	reviews, err := st.Reviews(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]store.Review, len(reviews))
	for _, r := range reviews {
		byID[r.ArticleID] = r
	}
	var ids []int64
	for page := 1; ; page++ {
		sums, total, err := st.List(ctx, store.Filter{}, page, 100)
		if err != nil {
			return nil, err
		}
		for _, s := range sums {
			ids = append(ids, s.ID)
		}
		if len(sums) == 0 || len(ids) >= total {
			break
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := make([]*exchange.Article, 0, len(ids))
	for _, id := range ids {
		sa, err := st.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		a, err := storeArticle(sa)
		if err != nil {
			return nil, err
		}
		if r, ok := byID[id]; ok && r.Done {
			a.Annotated, a.Reviewer, a.Done, a.Updated, a.Model = true, r.Reviewer, true, r.Updated, r.Model
			a.Labels = []exchange.Fragment{}
			for _, sp := range r.Spans {
				f, err := storeFragment(id, sp.Technique, sp.Start, sp.End)
				if err != nil {
					return nil, err
				}
				a.Labels = append(a.Labels, f)
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// storeArticle converts one stored article with the model's fragments.
func storeArticle(sa *store.Article) (*exchange.Article, error) {
	a := &exchange.Article{ID: strconv.FormatInt(sa.ID, 10), Text: sa.Text, Model: sa.Model}
	var res analysis.Result
	if err := json.Unmarshal(sa.Result, &res); err != nil {
		return nil, fmt.Errorf("stored article %d: analysis: %w", sa.ID, err)
	}
	for _, sp := range res.Spans {
		techs := sp.Techniques
		if len(techs) == 0 {
			techs = []analysis.Alternative{{Technique: sp.Technique, Confidence: sp.Confidence}}
		}
		for _, t := range techs {
			a.Predictions = append(a.Predictions, exchange.Fragment{Start: sp.Start, End: sp.End, Technique: t.Technique, Confidence: t.Confidence})
		}
	}
	return a, nil
}

// storeFragment converts a stored span's technique label.
func storeFragment(id int64, label string, start, end int) (exchange.Fragment, error) {
	t, err := technique.Parse(label)
	if err != nil {
		return exchange.Fragment{}, fmt.Errorf("stored article %d: %w", id, err)
	}
	return exchange.Fragment{Start: start, End: end, Technique: t}, nil
}
