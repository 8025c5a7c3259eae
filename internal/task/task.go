// Package task is unspun's side of SemEval-2020 Task 11 that is not the
// models themselves: training a whole model file from annotated articles
// (the span taggers, the technique classifier and the sentence-score
// calibration fitted on held-out predictions), reading several annotated
// folders as one training set, and turning an analyzer's answers into the
// task's rows (span identification and technique classification), written
// with the corpus writers.
//
// Front ends (the CLI's train, predict and bench commands) parse flags and
// call this package; the models are reached only through it and through
// internal/analyze.
package task

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"unspun/internal/corpus"
	"unspun/internal/embed"
	"unspun/internal/model"
	"unspun/internal/si"
	"unspun/internal/tc"
)

// Metadata keys of a trained model file (model.Model.Meta).
const (
	MetaData          = "data"           // the training folders' names
	MetaTrainIDs      = "train-ids"      // the id list's file name, or "all"
	MetaArticles      = "articles"       // how many articles
	MetaLabelledSpans = "labelled-spans" // how many labelled rows
	MetaDataHash      = "data-sha256"    // DataHash of the articles
	MetaVectors       = "vectors"        // which word vectors
	MetaOptions       = "options"        // the training options
	MetaUnlabeled     = "unlabeled"      // self-training articles, when any
)

// MinArticles is the fewest articles Train accepts: the span taggers'
// decoding is chosen, and the sentence calibration fitted, by 4-fold
// cross-validation.
const MinArticles = 4

// ErrTooFewArticles is returned (wrapped) when there are fewer than
// MinArticles articles.
var ErrTooFewArticles = errors.New("training needs at least 4 articles (4-fold cross-validation)")

// Options say what Train trains on besides the labelled articles, and how
// the model file describes its data.
type Options struct {
	// Progress, when not nil, receives one line per training stage.
	Progress io.Writer
	// Unlabeled are articles without labels to self-train the span
	// taggers on (si.Options.Unlabeled); nil for none.
	Unlabeled []*corpus.Article
	// Data names the training data in the metadata (folder names);
	// TrainIDs the id list ("" for all articles); Vectors the word
	// vectors ("" for none).
	Data, TrainIDs, Vectors string
	// Size, when not zero, trains smaller, faster and less accurate
	// models than the defaults, for tests and quick experiments; the
	// model's metadata records it.
	Size Size
}

// Size sets how big the models are and how long they train; a zero
// field keeps the models' default. The defaults are what cross-validation
// chose (MODEL.md); the fixture model the tests share is trained with
// HashBits 14 and Bags 1: 0.4 MB instead of 12 MB, in a third of the
// time.
type Size struct {
	// HashBits sets the span taggers' hashed sparse features to
	// 2^HashBits weight rows (si.Options.HashBits: default 19, 10–26),
	// most of a model file's size.
	HashBits int
	// Epochs over the training data, of the span taggers and of the
	// technique classifier alike (defaults 8 and 15).
	Epochs int
	// Bags is the number of averaged training runs of each span tagger
	// (si.Options.Bags: default 4).
	Bags int
}

// String describes the size as the model's metadata records it: "si and
// tc defaults" for the zero Size, as in every model trained before sizes
// could be set.
func (s Size) String() string {
	if s == (Size{}) {
		return "si and tc defaults"
	}
	var parts []string
	for _, p := range []struct {
		name string
		v    int
	}{{"hash-bits", s.HashBits}, {"epochs", s.Epochs}, {"bags", s.Bags}} {
		if p.v != 0 {
			parts = append(parts, fmt.Sprintf("%s %d", p.name, p.v))
		}
	}
	return strings.Join(parts, ", ") + "; si and tc defaults otherwise"
}

func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", args...)
	}
}

// Train trains a model on arts, articles with TC rows: the span taggers
// (whose cross-validation also yields held-out fragments for every
// article), the sentence calibration fitted on those held-out fragments,
// and the technique classifier. vecs may be nil (no word vectors).
// Training is deterministic. ctx is checked between stages.
func Train(ctx context.Context, arts []*corpus.Article, vecs *embed.Vectors, opts Options) (*model.Model, error) {
	if len(arts) < MinArticles {
		return nil, fmt.Errorf("%w, found %d", ErrTooFewArticles, len(arts))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows := 0
	for _, a := range arts {
		rows += len(a.Spans)
	}
	opts.progress("training the span tagger (SI)")
	held := Held{Spans: make([][]si.Span, len(arts)), Prob: make([][]float64, len(arts))}
	nHeld := 0
	siModel, err := si.Train(arts, vecs, si.Options{
		Context:   ctx,
		Progress:  opts.Progress,
		Unlabeled: opts.Unlabeled,
		HashBits:  opts.Size.HashBits,
		Epochs:    opts.Size.Epochs,
		Bags:      opts.Size.Bags,
		HeldOut: func(i int, spans []si.Span, prob []float64) {
			held.Spans[i], held.Prob[i] = spans, prob
			nHeld++
		},
	})
	if err != nil {
		return nil, fmt.Errorf("training the span tagger: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if nHeld < len(arts) {
		return nil, fmt.Errorf("held-out spans for %d of %d articles: cannot calibrate sentence scores", nHeld, len(arts))
	}
	cal, err := FitSentenceCalibration(arts, held)
	if err != nil {
		return nil, err
	}
	opts.progress("sentence calibration on held-out spans: %s", describe(cal))
	if rep, err := CrossCheckCalibration(arts, held, 5); err == nil {
		opts.progress("sentence calibration, held-out folds: ECE %.4f, log-loss %.4f over %d sentences (without the word probabilities, calibration version 3: %.4f, %.4f; raw scores: ECE %.4f); nothing found: mean score %.3f, share with propaganda %.3f",
			rep.Calibrated.ECE(), rep.LogLoss, rep.Calibrated.N(), rep.V3.ECE(), rep.LogLossV3, rep.Raw.ECE(), rep.EmptyMean, rep.EmptyShare)
	}
	opts.progress("training the technique classifier (TC)")
	var tcVecs tc.Vectors
	if vecs != nil {
		tcVecs = vecs
	}
	tcModel, err := tc.Train(arts, tcVecs, tc.Options{Context: ctx, Progress: opts.Progress, Epochs: opts.Size.Epochs})
	if err != nil {
		return nil, fmt.Errorf("training the technique classifier: %w", err)
	}
	trainIDs := opts.TrainIDs
	if trainIDs == "" {
		trainIDs = "all"
	}
	vecDesc := opts.Vectors
	if vecDesc == "" {
		vecDesc = "none"
	}
	m := &model.Model{
		Meta: []model.KV{
			{Key: MetaData, Value: opts.Data},
			{Key: MetaTrainIDs, Value: trainIDs},
			{Key: MetaArticles, Value: strconv.Itoa(len(arts))},
			{Key: MetaLabelledSpans, Value: strconv.Itoa(rows)},
			{Key: MetaDataHash, Value: DataHash(arts)},
			{Key: MetaVectors, Value: vecDesc},
			{Key: MetaOptions, Value: opts.Size.String()},
		},
		Vectors:  vecs,
		SI:       siModel,
		TC:       tcModel,
		Sentence: cal,
	}
	if len(opts.Unlabeled) > 0 {
		// Only then: models trained without it keep the bytes they had.
		m.Meta = append(m.Meta, model.KV{Key: MetaUnlabeled, Value: fmt.Sprintf("%d articles, sha256 %s", len(opts.Unlabeled), DataHash(opts.Unlabeled))})
	}
	return m, nil
}

// DataHash identifies a set of articles: ids, texts and labels.
func DataHash(arts []*corpus.Article) string {
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
