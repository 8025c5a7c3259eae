package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspun/internal/testenv"
)

// updateGolden is the -update flag shared by every golden test of the
// package: it rewrites the golden files instead of comparing with them.
var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata")

// runMain runs Main with a test Env and returns what it printed and its
// exit code.
func runMain(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = Main(context.Background(), env, args)
	return out.String(), errb.String(), code
}

// golden compares a run with testdata/<dir>/<name>.golden, which holds the
// exit code, stdout and stderr, or rewrites the file under -update.
func golden(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	stdout, stderr, code := runMain(args...)
	got := fmt.Sprintf("$ unspun %s\nexit %d\n-- stdout --\n%s-- stderr --\n%s", strings.Join(args, " "), code, stdout, stderr)
	path := filepath.Join("testdata", dir, name+".golden")
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run Golden -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

func TestEvalGolden(t *testing.T) {
	const d = "testdata/eval/"
	tests := []struct {
		name string
		args []string
	}{
		// The README's worked example: P 0.964912 R 0.486864 F1 0.647181.
		{"si-worked-example", []string{"eval", "si", "--gold", d + "gold-si", "--pred", d + "pred-si.labels"}},
		{"si-worked-example-json", []string{"eval", "si", "--gold", d + "gold-si", "--pred", d + "pred-si.labels", "--json"}},
		{"si-worked-example-gold-file", []string{"eval", "si", "--gold", d + "gold-si/article1.task1-SI.labels", "--pred", d + "pred-si.labels"}},
		{"si-with-articles", []string{"eval", "si", "--gold", d + "gold-si", "--pred", d + "pred-si.labels", "--articles", d + "articles"}},
		{"si-article-without-gold-spans", []string{"eval", "si", "--gold", d + "gold-si", "--pred", d + "pred-si-no-gold.labels"}},
		{"si-empty-prediction", []string{"eval", "si", "--gold", d + "gold-si", "--pred", d + "pred-empty.labels"}},
		{"si-ids", []string{"eval", "si", "--gold", d + "gold-si", "--ids", d + "ids-1.txt", "--pred", d + "pred-si.labels"}},
		{"si-ids-refuses-other-articles", []string{"eval", "si", "--gold", d + "gold-si", "--ids", d + "ids-1.txt", "--pred", d + "pred-si-no-gold.labels"}},
		{"si-ids-not-in-articles", []string{"eval", "si", "--gold", d + "gold-si", "--ids", d + "ids-bad.txt", "--articles", d + "articles", "--pred", d + "pred-si.labels"}},
		{"tc", []string{"eval", "tc", "--gold", d + "gold-tc.labels", "--pred", d + "pred-tc.labels"}},
		{"tc-json", []string{"eval", "tc", "--json", "--gold", d + "gold-tc.labels", "--pred", d + "pred-tc.labels"}},

		{"help", []string{"eval", "-h"}},
		{"help-via-top-level", []string{"help", "eval"}},
		{"si-help", []string{"eval", "si", "-h"}},
		{"tc-help", []string{"eval", "tc", "--help"}},

		{"usage-no-task", []string{"eval"}},
		{"usage-unknown-task", []string{"eval", "ner"}},
		{"usage-missing-pred", []string{"eval", "si", "--gold", d + "gold-si"}},
		{"usage-unknown-flag", []string{"eval", "tc", "--gold", d + "gold-tc.labels", "--pred", d + "pred-tc.labels", "--verbose"}},
		{"usage-extra-argument", []string{"eval", "si", "--gold", d + "gold-si", "--pred", d + "pred-si.labels", "extra"}},

		{"si-unknown-article", []string{"eval", "si", "--gold", d + "gold-si", "--pred", d + "pred-si-unknown.labels"}},
		{"si-gold-file-misses-article", []string{"eval", "si", "--gold", d + "gold-si/article1.task1-SI.labels", "--pred", d + "pred-si-no-gold.labels"}},
		{"si-malformed", []string{"eval", "si", "--gold", d + "gold-si", "--pred", d + "pred-si-malformed.labels"}},
		{"si-past-end", []string{"eval", "si", "--gold", d + "gold-si", "--pred", d + "pred-si-past-end.labels", "--articles", d + "articles"}},
		{"si-tc-file-as-gold", []string{"eval", "si", "--gold", d + "gold-tc.labels", "--pred", d + "pred-si.labels"}},
		{"si-missing-gold", []string{"eval", "si", "--gold", d + "no-such-folder", "--pred", d + "pred-si.labels"}},
		{"tc-missing-row", []string{"eval", "tc", "--gold", d + "gold-tc.labels", "--pred", d + "pred-tc-missing-row.labels"}},
		{"tc-empty-prediction", []string{"eval", "tc", "--gold", d + "gold-tc.labels", "--pred", d + "pred-empty.labels"}},
		{"tc-unknown-technique", []string{"eval", "tc", "--gold", d + "gold-tc.labels", "--pred", d + "pred-tc-bad-technique.labels"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { golden(t, "eval", tt.name, tt.args...) })
	}
}

// TestEvalSharedValidation scores the validation split's gold against
// itself through the command line.
func TestEvalSharedValidation(t *testing.T) {
	ptc := testenv.PTC(t)
	for _, task := range []string{"si", "tc"} {
		gold := filepath.Join(ptc, "labels-"+task)
		stdout, stderr, code := runMain("eval", task, "--gold", gold, "--pred", gold, "--articles", filepath.Join(ptc, "articles"), "--json")
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", task, code, stderr)
		}
		var r struct{ Precision, Recall, F1 float64 }
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatalf("%s: %v in %q", task, err, stdout)
		}
		if r.Precision != 1 || r.Recall != 1 || r.F1 != 1 {
			t.Errorf("%s: gold against itself = %+v, want all 1", task, r)
		}
	}
}

// TestEvalInputGolden covers label files as editors and scripts write
// them: a UTF-8 byte-order mark is not part of the first article id, and
// an offset is digits only.
func TestEvalInputGolden(t *testing.T) {
	const d = "testdata/eval/"
	tests := []struct {
		name string
		args []string
	}{
		{"si-bom", []string{"eval", "si", "--gold", d + "gold-si", "--pred", d + "pred-si-bom.labels"}},
		{"si-plus-offset", []string{"eval", "si", "--gold", d + "gold-si", "--pred", d + "pred-si-plus-offset.labels"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { golden(t, "eval", tt.name, tt.args...) })
	}
	// The BOM file scores exactly as the file without it.
	plain, _, _ := runMain("eval", "si", "--gold", d+"gold-si", "--pred", d+"pred-si.labels")
	bom, _, _ := runMain("eval", "si", "--gold", d+"gold-si", "--pred", d+"pred-si-bom.labels")
	if plain != bom {
		t.Errorf("a BOM changes the score:\n%s\nvs\n%s", bom, plain)
	}
}
