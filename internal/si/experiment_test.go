package si

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"unspun/internal/corpus"
	"unspun/internal/embed"
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
