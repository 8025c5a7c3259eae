package si

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"unspun/internal/corpus"
	"unspun/internal/embed"
	"unspun/internal/score"
	"unspun/internal/testenv"
)

// TestExperiment trains on the PTC train split and scores the validation
// split. It takes minutes, so it runs only when UNSPUN_SI_EXPERIMENT is
// set; the pipeline's bench command is the regular way to get the number.
//
//	UNSPUN_SI_EXPERIMENT=1 go test -run TestExperiment -v -timeout 30m ./internal/si
func TestExperiment(t *testing.T) {
	if os.Getenv("UNSPUN_SI_EXPERIMENT") == "" {
		t.Skip("set UNSPUN_SI_EXPERIMENT=1 to run")
	}
	root := testenv.ModuleRoot()
	ptc := testenv.PTC(t)
	train, err := corpus.ReadSplit(ptc, "split-train.txt")
	if err != nil {
		t.Fatal(err)
	}
	val, err := corpus.ReadSplit(ptc, "split-validation.txt")
	if err != nil {
		t.Fatal(err)
	}
	var vecs *embed.Vectors
	if os.Getenv("UNSPUN_SI_NOVECS") == "" {
		vecs, err = embed.BuildFromNPM(filepath.Join(root, ".cache", "resources", embed.NPMPackage), 100000)
		if err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{Progress: testWriter{t}}
	if v := os.Getenv("UNSPUN_SI_EPOCHS"); v != "" {
		opts.Epochs, _ = strconv.Atoi(v)
	}
	if v := os.Getenv("UNSPUN_SI_SEED"); v != "" {
		opts.Seed, _ = strconv.ParseUint(v, 10, 64)
	}
	if v := os.Getenv("UNSPUN_SI_BITS"); v != "" {
		opts.HashBits, _ = strconv.Atoi(v)
	}
	if v := os.Getenv("UNSPUN_SI_L2"); v != "" {
		opts.L2, _ = strconv.ParseFloat(v, 64)
	}
	if v := os.Getenv("UNSPUN_SI_LR"); v != "" {
		opts.LearningRate, _ = strconv.ParseFloat(v, 64)
	}
	if v := os.Getenv("UNSPUN_SI_FOLDS"); v != "" {
		opts.Folds, _ = strconv.Atoi(v)
	}
	if v := os.Getenv("UNSPUN_SI_CLUSTERS"); v != "" {
		for _, f := range strings.Split(v, ",") {
			k, _ := strconv.Atoi(f)
			opts.Clusters = append(opts.Clusters, k)
		}
	}
	if v := os.Getenv("UNSPUN_SI_CLUSTERWORDS"); v != "" {
		opts.ClusterWords, _ = strconv.Atoi(v)
	}
	if v := os.Getenv("UNSPUN_SI_BAGS"); v != "" {
		opts.Bags, _ = strconv.Atoi(v)
	}
	if v := os.Getenv("UNSPUN_SI_MEMBERS"); v != "" {
		opts.Members, _ = strconv.Atoi(v)
	}
	if dir := os.Getenv("UNSPUN_SI_UNLABELED"); dir != "" {
		// Relative to the repository, as MODEL.md gives it: tests run in
		// the package's folder.
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
		opts.Unlabeled, err = corpus.ReadArticles(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	setBounds(t)
	opts.LastEpoch = os.Getenv("UNSPUN_SI_LAST") != ""
	opts.NoClusters = os.Getenv("UNSPUN_SI_NOCLUSTERS") != ""
	began := time.Now()
	m, err := Train(train, vecs, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("trained in %v", time.Since(began))
	for _, tg := range m.taggers {
		t.Logf("tagger for %v: decoding %+v", tg.group, tg.dec)
	}
	r := Evaluate(m, val)
	t.Logf("validation: P %.4f R %.4f F1 %.4f (pred %d gold %d)", r.Precision, r.Recall, r.F1, r.PredictedMerged, r.GoldMerged)
	// Calibration: a span's score against the share of it the annotators
	// marked, in ten bins (expected calibration error).
	var cnt [10]int
	var sumP, sumY [10]float64
	total := 0
	for _, a := range val {
		gm := mergeGold(a.Spans)
		for _, s := range m.Predict(a.Doc) {
			b := min(9, int(s.Score*10))
			cnt[b]++
			sumP[b] += s.Score
			sumY[b] += overlapFraction(s, gm)
			total++
		}
	}
	var ece float64
	for b := range cnt {
		if cnt[b] == 0 {
			continue
		}
		t.Logf("score bin %.1f-%.1f: %4d spans, mean score %.3f, mean share marked %.3f", float64(b)/10, float64(b+1)/10, cnt[b], sumP[b]/float64(cnt[b]), sumY[b]/float64(cnt[b]))
		ece += float64(cnt[b]) / float64(total) * math.Abs(sumP[b]-sumY[b]) / float64(cnt[b])
	}
	t.Logf("expected calibration error on validation: %.4f", ece)
	if out := os.Getenv("UNSPUN_SI_SAVE"); out != "" {
		f, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.WriteTo(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p[:len(p)-1]))
	return len(p), nil
}

// TestCrossValidation cross-validates SI over every PTC article (train
// and validation splits, 371) and prints each fold's P/R/F1, their mean
// ± sd and the pooled figures. It takes minutes per repeat, so it runs
// only when UNSPUN_SI_CV is set:
//
//	UNSPUN_SI_CV=1 UNSPUN_SI_FOLDS=5 UNSPUN_SI_REPEATS=3 go test -run TestCrossValidation -v -timeout 120m ./internal/si
//
// Decodings and rerankers are chosen once on all held-out probabilities
// of a repeat, as Train chooses them; UNSPUN_SI_NESTED=1 also chooses
// them for each fold on the other folds only (six choices instead of one:
// about 15 minutes a repeat on the shared machine).
//
// With UNSPUN_SI_HELD=DIR, each repeat's held-out word probabilities are
// kept in DIR (held-<folds>x-<repeat>.gob) and read from there on the
// next run: the taggers do not depend on decoding, trimming or
// reranking, so changes to those are measured in seconds on the same
// held-out probabilities.
func TestCrossValidation(t *testing.T) {
	if os.Getenv("UNSPUN_SI_CV") == "" {
		t.Skip("set UNSPUN_SI_CV=1 to run")
	}
	root := testenv.ModuleRoot()
	ptc := testenv.PTC(t)
	arts, err := corpus.ReadPTC(ptc, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Progress: testWriter{t}, Folds: 5}
	if v := os.Getenv("UNSPUN_SI_FOLDS"); v != "" {
		opts.Folds, _ = strconv.Atoi(v)
	}
	if v := os.Getenv("UNSPUN_SI_CLUSTERWORDS"); v != "" {
		opts.ClusterWords, _ = strconv.Atoi(v)
	}
	repeats := 1
	if v := os.Getenv("UNSPUN_SI_REPEATS"); v != "" {
		repeats, _ = strconv.Atoi(v)
	}
	opts.defaults()
	dir := os.Getenv("UNSPUN_SI_HELD")
	cached := func(r int) string {
		return filepath.Join(dir, fmt.Sprintf("held-%dx-%d.gob", opts.Folds, r))
	}
	var m *Model
	var byGroup [][]*example
	setup := func() {
		if m != nil && m.vecs != nil {
			return
		}
		vecs, err := embed.BuildFromNPM(filepath.Join(root, ".cache", "resources", embed.NPMPackage), 100000)
		if err != nil {
			t.Fatal(err)
		}
		if m, byGroup, err = cvSetup(arts, vecs, opts); err != nil {
			t.Fatal(err)
		}
	}
	if m == nil {
		groups, err := trainGroups(arts, opts.Groups)
		if err != nil {
			t.Fatal(err)
		}
		m = &Model{}
		for _, g := range groups {
			m.taggers = append(m.taggers, &tagger{group: g})
		}
	}
	setBounds(t)
	nested := os.Getenv("UNSPUN_SI_NESTED") != ""
	cv := CV{Folds: opts.Folds}
	for r := range repeats {
		var held [][]heldOut
		if dir != "" {
			held, err = readHeld(cached(r), arts, len(m.taggers))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
		}
		if held == nil {
			setup()
			began := time.Now()
			held = m.heldOutRepeat(byGroup, opts, r)
			t.Logf("repeat %d: trained %d folds in %v", r, opts.Folds, time.Since(began))
			if dir != "" {
				if err := writeHeld(cached(r), held); err != nil {
					t.Fatal(err)
				}
			}
		}
		an := &Model{}
		for g := range held {
			for j := range held[g] {
				an.analyse(held[g][j].ex.art.Doc, nil, &held[g][j].di)
			}
		}
		began := time.Now()
		folds, pooled, chosenFolds, chosen := m.scoreFolds(held, opts, nested)
		t.Logf("repeat %d: scored in %v", r, time.Since(began))
		cv.Fold = append(cv.Fold, folds)
		cv.Pooled = append(cv.Pooled, pooled)
		cv.Chosen = append(cv.Chosen, chosen)
		cv.ChosenFold = append(cv.ChosenFold, chosenFolds)
		for f, x := range chosenFolds {
			t.Logf("repeat %d fold %d (decodings chosen on all): P %.4f R %.4f F1 %.4f", r, f+1, x.Precision, x.Recall, x.F1)
		}
	}
	report := func(name string, folds [][]score.SIResult, pooled []score.SIResult) {
		pm, ps := Mean(folds, func(r score.SIResult) float64 { return r.Precision })
		rm, rs := Mean(folds, func(r score.SIResult) float64 { return r.Recall })
		fm, fsd := Mean(folds, func(r score.SIResult) float64 { return r.F1 })
		var f1s []float64
		for _, p := range pooled {
			f1s = append(f1s, p.F1)
			t.Logf("%s: repeat pooled P %.4f R %.4f F1 %.4f (pred %d gold %d)", name, p.Precision, p.Recall, p.F1, p.PredictedMerged, p.GoldMerged)
		}
		pf, pfs := score.MeanSD(f1s)
		t.Logf("%s: %d×%d-fold over %d articles: P %.4f ± %.4f R %.4f ± %.4f F1 %.4f ± %.4f (over folds); pooled F1 %.4f ± %.4f (over repeats)",
			name, len(folds), opts.Folds, len(arts), pm, ps, rm, rs, fm, fsd, pf, pfs)
	}
	report("decodings chosen on all held-out articles", cv.ChosenFold, cv.Chosen)
	if nested {
		report("decodings chosen on the other folds (nested)", cv.Fold, cv.Pooled)
	}
}

// heldFile is a repeat's held-out probabilities as TestCrossValidation
// keeps them.
type heldFile struct {
	IDs  []string
	Fold []int
	Prob [][][]float64 // tagger, article, word
}

func writeHeld(path string, held [][]heldOut) error {
	var hf heldFile
	for _, h := range held[0] {
		hf.IDs = append(hf.IDs, h.ex.art.ID)
		hf.Fold = append(hf.Fold, h.fold)
	}
	for _, h := range held {
		var p [][]float64
		for _, x := range h {
			p = append(p, x.prob)
		}
		hf.Prob = append(hf.Prob, p)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(f).Encode(&hf); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func readHeld(path string, arts []*corpus.Article, taggers int) ([][]heldOut, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var hf heldFile
	if err := gob.NewDecoder(f).Decode(&hf); err != nil {
		return nil, err
	}
	if len(hf.Prob) != taggers {
		return nil, fmt.Errorf("%s: %d taggers, want %d", path, len(hf.Prob), taggers)
	}
	byID := map[string]*corpus.Article{}
	for _, a := range arts {
		byID[a.ID] = a
	}
	held := make([][]heldOut, taggers)
	for j, id := range hf.IDs {
		a := byID[id]
		if a == nil {
			return nil, fmt.Errorf("%s: article %s not in the corpus", path, id)
		}
		ex := &example{art: a}
		for g := range held {
			if len(hf.Prob[g][j]) != len(a.Doc.Words) {
				return nil, fmt.Errorf("%s: article %s has %d words, probabilities for %d", path, id, len(a.Doc.Words), len(hf.Prob[g][j]))
			}
			held[g] = append(held[g], heldOut{ex: ex, prob: hf.Prob[g][j], fold: hf.Fold[j]})
		}
	}
	return held, nil
}

// setBounds sets, for the test, the boundary repair UNSPUN_SI_BOUNDS
// names: "names,compounds,function", names and compounds each cut,
// extend or keep (see nameMode), function keep (fragments may end on a
// function word) or strip. keep,keep,keep is decoding before the repair.
func setBounds(t *testing.T) {
	v := os.Getenv("UNSPUN_SI_BOUNDS")
	if v == "" {
		return
	}
	modes := map[string]nameMode{"cut": nameCut, "extend": nameExtend, "keep": nameKeep}
	f := strings.Split(v, ",")
	if len(f) != 3 {
		t.Fatalf("UNSPUN_SI_BOUNDS=%q: want names,compounds,function", v)
	}
	saved := boundsMode
	t.Cleanup(func() { boundsMode = saved })
	boundsMode.names, boundsMode.compounds, boundsMode.keepFunction = modes[f[0]], modes[f[1]], f[2] == "keep"
	t.Logf("bounds: %+v", boundsMode)
}
