package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"unspun/internal/corpus"
	"unspun/internal/task"
)

// sharedPTC returns the shared corpus beside the repository, skipping only
// when it is genuinely absent.
func sharedPTC(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data", "ptc")
	if _, err := os.Stat(filepath.Join(dir, "split-train.txt")); err != nil {
		t.Skipf("PTC corpus not available: %v", err)
	}
	return dir
}

// smallPTC writes a PTC-format folder with the first n training articles
// into dir.
func smallPTC(t testing.TB, dir string, n int) {
	t.Helper()
	src := sharedPTC(t)
	ids, err := corpus.ReadIDs(filepath.Join(src, "split-train.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"articles", "labels-tc"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var list strings.Builder
	for _, id := range ids[:n] {
		for _, f := range []string{"articles/article" + id + ".txt", "labels-tc/article" + id + ".task2-TC.labels"} {
			b, err := os.ReadFile(filepath.Join(src, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		fmt.Fprintln(&list, id)
	}
	if err := os.WriteFile(filepath.Join(dir, "ids.txt"), []byte(list.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

var trained struct {
	once  sync.Once
	dir   string
	model string
	err   string
}

// testModel trains a small model once for the package's tests, without
// word vectors, and returns its path.
func testModel(t testing.TB) string {
	t.Helper()
	trained.once.Do(func() {
		dir, err := os.MkdirTemp("", "unspun-cli-test-")
		if err != nil {
			trained.err = err.Error()
			return
		}
		trained.dir = dir
		smallPTC(t, filepath.Join(dir, "ptc"), 25)
		trained.model = filepath.Join(dir, "small.model")
		_, stderr, code := runMain("train", "--data", filepath.Join(dir, "ptc"), "--out", trained.model, "--resources", filepath.Join(dir, "no-resources"))
		if code != 0 {
			trained.err = stderr
		}
	})
	if trained.err != "" {
		t.Fatalf("training the test model: %s", trained.err)
	}
	return trained.model
}

func TestMain(m *testing.M) {
	code := m.Run()
	if trained.dir != "" {
		os.RemoveAll(trained.dir)
	}
	os.Exit(code)
}

func TestTrainDeterministic(t *testing.T) {
	first := testModel(t)
	dir := t.TempDir()
	smallPTC(t, filepath.Join(dir, "ptc"), 25)
	out := filepath.Join(dir, "again.model")
	_, stderr, code := runMain("train", "--data", filepath.Join(dir, "ptc"), "--out", out, "--resources", filepath.Join(dir, "none"))
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "train: 25 articles") || !strings.Contains(stderr, "wrote "+out) {
		t.Errorf("progress does not report the data and the result:\n%s", stderr)
	}
	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(out)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("two trainings on the same data differ (%d and %d bytes)", len(a), len(b))
	}
}

func TestTrainTrainIDs(t *testing.T) {
	dir := t.TempDir()
	smallPTC(t, filepath.Join(dir, "ptc"), 12)
	ids := filepath.Join(dir, "some.txt")
	os.WriteFile(ids, []byte("999999999\n"), 0o644)
	_, stderr, code := runMain("train", "--data", filepath.Join(dir, "ptc"), "--train-ids", ids, "--out", filepath.Join(dir, "m"))
	if code != 1 || !strings.Contains(stderr, "999999999") {
		t.Errorf("unknown id: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "m")); err == nil {
		t.Error("a failed training left a model file")
	}
}

func TestTrainGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"help", []string{"train", "-h"}},
		{"usage-no-flags", []string{"train"}},
		{"usage-no-out", []string{"train", "--data", "testdata/train/missing"}},
		{"usage-extra-argument", []string{"train", "--data", "d", "--out", "m", "extra"}},
		{"missing-data", []string{"train", "--data", "testdata/train/missing", "--out", "testdata/train/never.model"}},
		{"data-not-ptc", []string{"train", "--data", "testdata/analyze", "--out", "testdata/train/never.model"}},
		{"data-is-file", []string{"train", "--data", "testdata/analyze/article.txt", "--out", "testdata/train/never.model"}},
		{"out-folder-missing", []string{"train", "--data", "testdata/predict", "--out", "testdata/train/nope/m.model"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { golden(t, "train", tt.name, tt.args...) })
	}
}

// TestTrainSeveralData trains on the corpus and a folder of reviews that
// relabels one of its articles: the review's labels are the ones trained
// on, as the model's data hash shows, and progress says so.
func TestTrainSeveralData(t *testing.T) {
	dir := t.TempDir()
	base, review := filepath.Join(dir, "ptc"), filepath.Join(dir, "reviews")
	smallPTC(t, base, task.MinArticles)
	ids, err := corpus.ReadIDs(filepath.Join(base, "ids.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// The review keeps the first article's text and only its first label.
	id := ids[0]
	for _, sub := range []string{"articles", "labels-tc"} {
		os.MkdirAll(filepath.Join(review, sub), 0o755)
	}
	text, _ := os.ReadFile(filepath.Join(base, "articles", "article"+id+".txt"))
	labels, _ := os.ReadFile(filepath.Join(base, "labels-tc", "article"+id+".task2-TC.labels"))
	first, _, _ := strings.Cut(string(labels), "\n")
	os.WriteFile(filepath.Join(review, "articles", "article"+id+".txt"), text, 0o644)
	os.WriteFile(filepath.Join(review, "labels-tc", "article"+id+".task2-TC.labels"), []byte(first+"\n"), 0o644)

	out := filepath.Join(dir, "reviewed.model")
	_, stderr, code := runMain("train", "--data", base, "--data", review, "--out", out, "--resources", filepath.Join(dir, "none"))
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "1 articles taken from a later --data folder") {
		t.Errorf("progress does not say the review replaced an article:\n%s", stderr)
	}
	m, err := loadModel(out)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := task.ReadData([]string{base, review}, nil)
	if err != nil {
		t.Fatal(err)
	}
	corpusOnly, _, _ := task.ReadData([]string{base}, nil)
	if got := m.Get(task.MetaDataHash); got != task.DataHash(want) || got == task.DataHash(corpusOnly) {
		t.Errorf("model trained on data %s; the review's is %s, the corpus's %s", got, task.DataHash(want), task.DataHash(corpusOnly))
	}
	if got := m.Get(task.MetaData); got != "ptc+reviews" {
		t.Errorf("data %q", got)
	}
	if n := m.Get(task.MetaLabelledSpans); n == "" {
		t.Error("no labelled-spans metadata")
	}
}
