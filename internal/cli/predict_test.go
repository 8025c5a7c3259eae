package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestPredictSI(t *testing.T) {
	m := testModel(t)
	stdout, stderr, code := runMain("predict", "si", "--articles", "testdata/predict/articles", "--model", m)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	row := regexp.MustCompile(`^(1001|1002)\t(\d+)\t(\d+)$`)
	for _, r := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		if r != "" && !row.MatchString(r) {
			t.Errorf("row %q", r)
		}
	}
	// Same output from a second run: predictions are deterministic.
	again, _, _ := runMain("predict", "si", "--articles", "testdata/predict/articles", "--model", m)
	if again != stdout {
		t.Error("two runs differ")
	}
	// A folder without articles is most likely the wrong folder.
	empty := t.TempDir()
	stdout, stderr, code = runMain("predict", "si", "--articles", empty, "--model", m)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "no articleID.txt files") {
		t.Errorf("empty folder: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestPredictTC(t *testing.T) {
	m := testModel(t)
	stdout, stderr, code := runMain("predict", "tc", "--articles", "testdata/predict/articles", "--spans", "testdata/predict/spans.labels", "--model", m)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	in, _ := os.ReadFile("testdata/predict/spans.labels")
	inRows := strings.Split(strings.TrimSuffix(string(in), "\n"), "\n")
	if len(rows) != len(inRows) {
		t.Fatalf("%d rows for %d input rows:\n%s", len(rows), len(inRows), stdout)
	}
	techniques := map[string][]string{}
	for i, r := range rows {
		got, want := strings.Split(r, "\t"), strings.Split(inRows[i], "\t")
		if len(got) != 4 || got[0] != want[0] || got[2] != want[2] || got[3] != want[3] {
			t.Errorf("row %d is %q for input %q", i, r, inRows[i])
			continue
		}
		k := got[0] + " " + got[2] + " " + got[3]
		for _, prev := range techniques[k] {
			if prev == got[1] {
				t.Errorf("span %s repeated with the same technique %s", k, got[1])
			}
		}
		techniques[k] = append(techniques[k], got[1])
	}
	if n := len(techniques["1001 34 42"]); n != 3 {
		t.Errorf("span 1001 [34,42) has %d rows, want 3", n)
	}
}

func TestPredictBadInput(t *testing.T) {
	m := testModel(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "article7.txt"), []byte("ok\x00binary"), 0o644)
	const arts = "testdata/predict/articles"
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"missing folder", []string{"predict", "si", "--articles", "testdata/predict/nope"}, 1, "no such file"},
		{"file as folder", []string{"predict", "si", "--articles", "testdata/predict/spans.labels"}, 1, "not a folder"},
		{"binary article", []string{"predict", "si", "--articles", dir}, 1, "binary file"},
		{"malformed spans", []string{"predict", "tc", "--articles", arts, "--spans", "testdata/predict/spans-malformed.labels"}, 1, "spans-malformed.labels:1: expected 4 tab-separated columns"},
		{"span past end", []string{"predict", "tc", "--articles", arts, "--spans", "testdata/predict/spans-past-end.labels"}, 1, "past the end"},
		{"unknown article", []string{"predict", "tc", "--articles", arts, "--spans", "testdata/predict/spans-unknown-article.labels"}, 1, `unknown article "9999"`},
		{"missing spans file", []string{"predict", "tc", "--articles", arts, "--spans", "testdata/predict/nope.labels"}, 1, "no such file"},
		{"no task", []string{"predict"}, 2, "missing task"},
		{"bad task", []string{"predict", "ner"}, 2, `unknown task "ner"`},
		{"no articles", []string{"predict", "si"}, 2, "--articles is required"},
		{"no spans", []string{"predict", "tc", "--articles", arts}, 2, "--spans is required"},
		{"extra argument", []string{"predict", "si", "--articles", arts, "x"}, 2, `unexpected argument "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runMain(append(tt.args, "--model", m)...)
			if tt.code == 2 && len(tt.args) < 3 {
				stdout, stderr, code = runMain(tt.args...)
			}
			if code != tt.code || !strings.Contains(stderr, tt.msg) || stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q; want exit %d and %q", code, stderr, stdout, tt.code, tt.msg)
			}
		})
	}
}

func TestPredictGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"help", []string{"predict", "-h"}},
		{"si-help", []string{"predict", "si", "-h"}},
		{"tc-help", []string{"predict", "tc", "--help"}},
	} {
		t.Run(tt.name, func(t *testing.T) { golden(t, "predict", tt.name, tt.args...) })
	}
}

// TestPredictInputGolden covers input that needs no model to be refused
// or read: UTF-16 articles (with a byte-order mark or without), an empty
// spans file, and a spans file with a UTF-8 byte-order mark.
func TestPredictInputGolden(t *testing.T) {
	const d = "testdata/predict/"
	tests := []struct {
		name string
		args []string
	}{
		{"utf16-le-bom", []string{"predict", "si", "--articles", d + "utf16-le-bom"}},
		{"utf16-be", []string{"predict", "si", "--articles", d + "utf16-be"}},
		{"spans-empty", []string{"predict", "tc", "--articles", d + "articles", "--spans", d + "spans-empty.labels"}},
		{"analyze-utf16", []string{"analyze", d + "utf16-be/article7.txt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { golden(t, "predict", tt.name, tt.args...) })
	}
}

// TestPredictSpansBOM: a spans file with a UTF-8 byte-order mark gives the
// rows the file without one gives.
func TestPredictSpansBOM(t *testing.T) {
	m := testModel(t)
	const d = "testdata/predict/"
	plain, stderr, code := runMain("predict", "tc", "--articles", d+"articles", "--spans", d+"spans.labels", "--model", m)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	bom, stderr, code := runMain("predict", "tc", "--articles", d+"articles", "--spans", d+"spans-bom.labels", "--model", m)
	if code != 0 || bom != plain {
		t.Errorf("with a BOM: exit %d, stderr %q, rows\n%s\nwant\n%s", code, stderr, bom, plain)
	}
}
