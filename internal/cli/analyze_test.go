package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
	"unspun/internal/analysis"
)

// runMainEnv is runMain with standard input, a terminal flag and an
// environment.
func runMainEnv(stdin string, terminal bool, env map[string]string, args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	e := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }, StdoutIsTerminal: terminal}
	code = Main(context.Background(), e, args)
	return out.String(), errb.String(), code
}

func TestAnalyzeFormats(t *testing.T) {
	m := testModel(t)
	const article = "testdata/analyze/article.txt"
	text, _ := os.ReadFile(article)

	stdout, stderr, code := runMain("analyze", article, "--format", "json", "--model", m)
	if code != 0 {
		t.Fatalf("json: exit %d: %s", code, stderr)
	}
	var res analysis.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("json output: %v\n%s", err, stdout)
	}
	if res.Text != string(text) || len(res.Sentences) == 0 || res.Model == "" {
		t.Errorf("json result incomplete: %+v", res)
	}
	var speakers []string
	for _, q := range res.Quotes {
		speakers = append(speakers, q.Speaker)
	}
	want := []string{"a spokesperson for the mayor's office", "the leader of the opposition"}
	if strings.Join(speakers, "|") != strings.Join(want, "|") {
		t.Errorf("quote speakers %q, want %q", speakers, want)
	}
	// The documented keys are all there.
	for _, key := range []string{`"spans":`, `"quotes":`, `"sentences":`, `"score":`} {
		if !strings.Contains(stdout, key) {
			t.Errorf("json lacks %s", key)
		}
	}

	// tsv: one row per technique of each span of the json (a fragment
	// given two techniques has two rows, as in the corpus), same order.
	tsv, _, code := runMain("analyze", "--format", "tsv", "--model", m, article)
	if code != 0 {
		t.Fatal("tsv failed")
	}
	var wantTSV strings.Builder
	for _, s := range res.Spans {
		if len(s.Techniques) == 0 {
			t.Errorf("span %d–%d has no techniques", s.Start, s.End)
		}
		for _, tq := range s.Techniques {
			fmt.Fprintf(&wantTSV, "article\t%s\t%d\t%d\n", tq.Technique, s.Start, s.End)
		}
	}
	if tsv != wantTSV.String() {
		t.Errorf("tsv differs from the json spans:\n%s\nwant\n%s", tsv, wantTSV.String())
	}
	rowRE := regexp.MustCompile(`^article\t[A-Za-z_,-]+\t\d+\t\d+$`)
	for _, r := range strings.Split(strings.TrimSuffix(tsv, "\n"), "\n") {
		if r != "" && !rowRE.MatchString(r) {
			t.Errorf("tsv row %q", r)
		}
	}

	// text, piped: no escape codes, the article and a legend.
	plain, _, code := runMain("analyze", "--model", m, article)
	if code != 0 || strings.Contains(plain, "\x1b[") {
		t.Fatalf("plain text: exit %d, escapes present: %v", code, strings.Contains(plain, "\x1b["))
	}
	if !strings.Contains(plain, "City council approves new budget") {
		t.Error("plain text lacks the article")
	}
	if len(res.Spans) > 0 && (!strings.Contains(plain, "Techniques found") || !strings.Contains(plain, "]{1}")) {
		t.Errorf("plain text lacks markers or legend:\n%s", plain)
	}
	// Removing the markers gives the article back.
	unmarked := regexp.MustCompile(`\]\{\d+\}`).ReplaceAllString(plain, "")
	if body, _, _ := strings.Cut(unmarked, "\n"+strings.Repeat("─", 60)); strings.ReplaceAll(body, "[", "") != strings.ReplaceAll(string(text), "[", "") {
		t.Errorf("markers changed the text:\n%s", body)
	}

	// text on a terminal: colour, unless NO_COLOR.
	colour, _, _ := runMainEnv("", true, nil, "analyze", "--model", m, article)
	if len(res.Spans) > 0 && !strings.Contains(colour, "\x1b[") {
		t.Error("no colour on a terminal")
	}
	nocolour, _, _ := runMainEnv("", true, map[string]string{"NO_COLOR": "1"}, "analyze", "--model", m, article)
	if strings.Contains(nocolour, "\x1b[") || nocolour != plain {
		t.Error("NO_COLOR output differs from the plain output")
	}

	// Standard input, explicitly or by default.
	fromStdin, _, code := runMainEnv(string(text), false, nil, "analyze", "--format", "tsv", "--model", m, "-")
	if code != 0 || strings.ReplaceAll(fromStdin, "stdin\t", "article\t") != tsv {
		t.Errorf("stdin tsv differs:\n%s\nvs\n%s", fromStdin, tsv)
	}
	fromDefault, _, _ := runMainEnv(string(text), false, nil, "analyze", "--format", "tsv", "--model", m)
	if fromDefault != fromStdin {
		t.Error("no FILE is not standard input")
	}
}

func TestAnalyzeBadInput(t *testing.T) {
	m := testModel(t)
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.txt")
	if err := os.WriteFile(huge, bytes.Repeat([]byte("propaganda "), 50<<20/11), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		msg   string
	}{
		{"missing file", []string{"analyze", "testdata/analyze/nope.txt"}, "", 1, "no such file"},
		{"folder", []string{"analyze", "testdata/analyze"}, "", 1, "is a folder"},
		{"empty", []string{"analyze", "testdata/analyze/empty.txt"}, "", 1, "empty"},
		{"blank", []string{"analyze", "testdata/analyze/blank.txt"}, "", 1, "empty"},
		{"empty stdin", []string{"analyze", "-"}, "", 1, "standard input: the article is empty"},
		{"binary", []string{"analyze", "testdata/analyze/binary.txt"}, "", 1, "binary file"},
		{"invalid utf-8", []string{"analyze", "testdata/analyze/invalid-utf8.txt"}, "", 1, "not valid UTF-8"},
		{"50 MB", []string{"analyze", huge}, "", 1, "larger than"},
		{"bad model", []string{"analyze", "testdata/analyze/article.txt"}, "", 1, "not an unspun model"},
		{"bad format", []string{"analyze", "--format", "xml", "testdata/analyze/article.txt"}, "", 2, `unknown format "xml"`},
		{"two files", []string{"analyze", "a.txt", "b.txt"}, "", 2, "expected one article"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(tt.args, "--model", m)
			if tt.name == "bad model" {
				args = append(tt.args, "--model", "testdata/analyze/article.txt")
			}
			stdout, stderr, code := runMainEnv(tt.stdin, false, nil, args...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) || stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q; want exit %d and %q", code, stderr, stdout, tt.code, tt.msg)
			}
			if !utf8.ValidString(stderr) {
				t.Error("stderr is not UTF-8")
			}
		})
	}
}

func TestAnalyzeGolden(t *testing.T) {
	golden(t, "analyze", "help", "analyze", "-h")
}
