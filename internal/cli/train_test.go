package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"unspun/internal/corpus"
	"unspun/internal/model"
	"unspun/internal/task"
	"unspun/internal/testenv"
)

// smallPTC writes a PTC-format folder with the first n training articles
// into dir.
func smallPTC(t testing.TB, dir string, n int) {
	t.Helper()
	src := testenv.PTC(t)
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

var fixture struct {
	once sync.Once
	err  error
}

// testModel returns the path of the small model the tests share
// (testenv.FixtureModel), after checking once that it can be read.
func testModel(t testing.TB) string {
	t.Helper()
	path := testenv.FixtureModel(t)
	fixture.once.Do(func() {
		f, err := os.Open(path)
		if err != nil {
			fixture.err = err
			return
		}
		defer f.Close()
		_, fixture.err = model.Read(f)
	})
	if fixture.err != nil {
		testenv.FixtureUnreadable(t, fixture.err)
	}
	return path
}

// TestFixtureModel runs testenv.FixtureCommand, the training that made the
// committed fixture model, and expects the same bytes: training is
// deterministic, and the fixture is what today's training makes of its
// articles. With -update it rewrites the fixture instead.
func TestFixtureModel(t *testing.T) {
	want := testenv.FixtureModel(t)
	out := filepath.Join(t.TempDir(), "fixture.model")
	if *updateGolden {
		out = want
	}
	ids := testenv.FixtureIDs()
	n, err := corpus.ReadIDs(ids)
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"train", "--data", testenv.PTC(t), "--train-ids", ids, "--resources", "none", "--out", out}, strings.Fields(testenv.FixtureSize)...)
	_, stderr, code := runMain(args...)
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, fmt.Sprintf("train: %d articles", len(n))) || !strings.Contains(stderr, "wrote "+out) {
		t.Errorf("progress does not report the data and the result:\n%s", stderr)
	}
	if *updateGolden {
		return
	}
	a, _ := os.ReadFile(want)
	b, _ := os.ReadFile(out)
	if !bytes.Equal(a, b) {
		t.Errorf("training the fixture again gave a different model (%d bytes, committed %d): "+
			"either training or the features changed, and the fixture must be regenerated with\n\t%s\n"+
			"(or go test ./internal/cli -run TestFixtureModel -update) and committed; "+
			"or training is no longer deterministic (train twice and compare)", len(b), len(a), testenv.FixtureCommand)
	}
}

func TestTrainTrainIDs(t *testing.T) {
	dir := t.TempDir()
	smallPTC(t, filepath.Join(dir, "ptc"), 12)
	ids := filepath.Join(dir, "some.txt")
	os.WriteFile(ids, []byte("999999999\n"), 0o644)
	_, stderr, code := runMain("train", "--data", filepath.Join(dir, "ptc"), "--train-ids", ids, "--resources", "none", "--out", filepath.Join(dir, "m"))
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
		{"hash-bits-out-of-range", []string{"train", "--data", "testdata/predict", "--out", "testdata/train/never.model", "--hash-bits", "27"}},
		{"bags-zero", []string{"train", "--data", "testdata/predict", "--out", "testdata/train/never.model", "--bags", "0"}},
		{"epochs-negative", []string{"train", "--data", "testdata/predict", "--out", "testdata/train/never.model", "--epochs", "-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { golden(t, "train", tt.name, tt.args...) })
	}
}

// TestTrainSeveralData trains on the corpus and a folder of reviews that
// relabels one of its articles: the review's labels are the ones trained
// on, as the model's data hash shows, and progress says so. It trains the
// smallest model the size flags allow, which its metadata records.
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
	_, stderr, code := runMain("train", "--data", base, "--data", review, "--out", out, "--resources", "none",
		"--hash-bits", "10", "--epochs", "2", "--bags", "1")
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
	if got, want := m.Get(task.MetaOptions), "hash-bits 10, epochs 2, bags 1; si and tc defaults otherwise"; got != want {
		t.Errorf("options %q, want %q", got, want)
	}
	// 2^10 rows of span-tagger weights are a few tens of KB; the default
	// 2^19 would be 12 MB.
	if st, err := os.Stat(out); err != nil {
		t.Error(err)
	} else if st.Size() > 256<<10 {
		t.Errorf("model file of %d bytes; want under 256 KB with --hash-bits 10", st.Size())
	}
}

// TestTrainSizeString checks how the metadata names the size flags: the
// defaults as every model trained before the flags existed says them, so
// that those models keep their bytes.
func TestTrainSizeString(t *testing.T) {
	tests := []struct {
		size task.Size
		want string
	}{
		{task.Size{}, "si and tc defaults"},
		{task.Size{HashBits: 14, Bags: 1}, "hash-bits 14, bags 1; si and tc defaults otherwise"},
		{task.Size{Epochs: 3}, "epochs 3; si and tc defaults otherwise"},
	}
	for _, tt := range tests {
		if got := tt.size.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.size, got, tt.want)
		}
	}
}

// TestTrainInterrupted: a training interrupted (Ctrl-C, SIGTERM: the
// command's context is cancelled) stops at once, says so, and writes no
// model, though training itself checks only between its stages.
func TestTrainInterrupted(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "ptc")
	smallPTC(t, base, task.MinArticles)
	out := filepath.Join(dir, "m.model")
	ctx, cancel := context.WithCancel(context.Background())
	var errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := make(chan int, 1)
	go func() {
		// The full-size defaults: a training that takes far longer than
		// the test waits.
		code <- Main(ctx, env, []string{"train", "--data", base, "--out", out, "--resources", "none"})
	}()
	time.Sleep(200 * time.Millisecond)
	cancel()
	select {
	case c := <-code:
		if c == 0 || !strings.Contains(errb.String(), "training interrupted") {
			t.Errorf("exit %d, stderr:\n%s", c, errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("train did not stop within 20 s of being interrupted")
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("an interrupted training left a model file")
	}
}
