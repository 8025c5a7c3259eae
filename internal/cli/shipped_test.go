package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"unspun/internal/corpus"
	"unspun/internal/testenv"
)

// The shipped model's goldens pin what the built-in model outputs through
// the real commands, so that any change in its predictions (a retrain, a
// feature, a decoding rule) shows as a diff of testdata/shipped/ to review
// in the commit:
//
//	analyze-demo.json  unspun analyze --format json on the demo article
//	                   (re-indented, so that a diff names the span)
//	predict-si.labels  unspun predict si on ten validation articles
//	predict-tc.labels  unspun predict tc on their gold spans
//
// The ten articles are the first ten ids, in sorted order, of
// ../shared/data/ptc/split-validation.txt. After a change that is meant to
// change the predictions, regenerate them with
//
//	go test ./internal/cli -run Golden -update
//
// and commit the diff with the change.

// shippedGoldenArticles is how many validation articles the SI and TC
// goldens cover.
const shippedGoldenArticles = 10

func TestShippedGolden(t *testing.T) {
	demo := filepath.Join("..", "..", "testdata", "demo", "iran-mek-2018.txt")
	t.Run("analyze-demo-json", func(t *testing.T) {
		stdout, stderr, code := runMain("analyze", "--format", "json", demo)
		if code != 0 {
			t.Fatalf("unspun analyze --format json %s: exit %d: %s", demo, code, stderr)
		}
		var b bytes.Buffer
		if err := json.Indent(&b, []byte(stdout), "", "  "); err != nil {
			t.Fatalf("the output is not JSON: %v", err)
		}
		compareGolden(t, filepath.Join("testdata", "shipped", "analyze-demo.json"), b.Bytes())
	})

	ptc := testenv.PTC(t)
	ids, err := corpus.ReadIDs(filepath.Join(ptc, "split-validation.txt"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	ids = ids[:shippedGoldenArticles]
	// A folder holding only those articles, and their gold spans.
	dir := t.TempDir()
	arts := filepath.Join(dir, "articles")
	if err := os.Mkdir(arts, 0o755); err != nil {
		t.Fatal(err)
	}
	var spans bytes.Buffer
	for _, id := range ids {
		text, err := os.ReadFile(filepath.Join(ptc, "articles", "article"+id+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(arts, "article"+id+".txt"), text, 0o644); err != nil {
			t.Fatal(err)
		}
		labels, err := os.ReadFile(filepath.Join(ptc, "labels-tc", "article"+id+".task2-TC.labels"))
		if err != nil {
			t.Fatal(err)
		}
		spans.Write(labels)
	}
	spansFile := filepath.Join(dir, "spans.labels")
	if err := os.WriteFile(spansFile, spans.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, golden string
		args         []string
	}{
		{"predict-si", "predict-si.labels", []string{"predict", "si", "--articles", arts}},
		{"predict-tc", "predict-tc.labels", []string{"predict", "tc", "--articles", arts, "--spans", spansFile}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runMain(tt.args...)
			if code != 0 {
				t.Fatalf("unspun %s: exit %d: %s", strings.Join(tt.args, " "), code, stderr)
			}
			if stdout == "" {
				t.Fatalf("unspun %s printed no rows", strings.Join(tt.args, " "))
			}
			compareGolden(t, filepath.Join("testdata", "shipped", tt.golden), []byte(stdout))
		})
	}
}

// compareGolden compares got with the golden file at path, or rewrites
// the file under -update. A difference is reported by its first line.
func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s: %s\nIf the change is meant, regenerate the goldens with\n\tgo test ./internal/cli -run Golden -update\nand review git diff %s",
			path, firstDifference(got, want), filepath.Join("internal", "cli", filepath.Dir(path)))
	}
}

// firstDifference describes where got first differs from want, by line.
func firstDifference(got, want []byte) string {
	g := strings.Split(string(got), "\n")
	w := strings.Split(string(want), "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if i >= len(g) || i >= len(w) || gl != wl {
			return fmt.Sprintf("%d lines, golden %d; line %d is\n\t%q\nwant\n\t%q", len(g), len(w), i+1, gl, wl)
		}
	}
	return "same lines, different bytes"
}
