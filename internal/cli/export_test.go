package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"unspun/internal/analysis"
	"unspun/internal/store"
	"unspun/internal/technique"
	"unspun/internal/testenv"
)

// goldenOut is golden for commands that write a folder or file OUT: the
// temporary OUT is shown as $OUT, and every file written under it follows
// the streams.
func goldenOut(t *testing.T, dir, name, out string, args ...string) {
	t.Helper()
	stdout, stderr, code := runMain(args...)
	var b strings.Builder
	fmt.Fprintf(&b, "$ unspun %s\nexit %d\n-- stdout --\n%s-- stderr --\n%s", strings.Join(args, " "), code, stdout, stderr)
	var files []string
	filepath.Walk(out, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(out, p)
		fmt.Fprintf(&b, "-- file %s --\n%s", filepath.ToSlash(rel), data)
	}
	got := strings.ReplaceAll(b.String(), out, "$OUT")
	path := filepath.Join("testdata", dir, name+".golden")
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

func TestExportGolden(t *testing.T) {
	const ptc = "testdata/export/ptc"
	for _, tc := range []struct {
		name string
		args []string // OUT is appended unless the args end in "-"
	}{
		{"ptc", []string{"export", "--from", ptc, "--format", "ptc"}},
		{"brat", []string{"export", "--from", ptc, "--format", "brat"}},
		{"labelstudio", []string{"export", "--from", ptc, "--format", "labelstudio", "-"}},
		{"labelstudio-file", []string{"export", "--from", ptc, "--format", "labelstudio"}},
		{"labelstudio-config", []string{"export", "--format", "labelstudio-config", "-"}},
		{"jsonl", []string{"export", "--from", ptc, "--format", "jsonl", "-"}},
		{"csv", []string{"export", "--from", ptc, "--format", "csv", "-"}},
		{"reviewed", []string{"export", "--from", ptc, "--reviewed", "--format", "csv", "-"}},
		{"help", []string{"export", "-h"}},
		{"usage-no-format", []string{"export", "--from", ptc, "-"}},
		{"usage-unknown-format", []string{"export", "--from", ptc, "--format", "xml", "-"}},
		{"usage-no-out", []string{"export", "--from", ptc, "--format", "csv"}},
		{"usage-two-sources", []string{"export", "--from", ptc, "--data", "x", "--format", "csv", "-"}},
		{"missing-folder", []string{"export", "--from", "testdata/export/no-such", "--format", "csv", "-"}},
		{"no-store", []string{"export", "--data", "testdata/export/no-such", "--format", "csv", "-"}},
		{"not-a-corpus", []string{"export", "--from", "testdata/import/brat", "--format", "csv", "-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := tc.args
			if args[len(args)-1] != "-" && !strings.HasPrefix(tc.name, "usage") && tc.name != "help" {
				args = append(args, out)
			}
			goldenOut(t, "export", tc.name, out, args...)
		})
	}
}

func TestExportRefusesNonEmptyFolder(t *testing.T) {
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "old.txt"), []byte("x"), 0o644)
	_, stderr, code := runMain("export", "--from", "testdata/export/ptc", "--format", "ptc", out)
	if code != ExitRuntime || !strings.Contains(stderr, "not empty") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestImportGolden(t *testing.T) {
	const d = "testdata/import/"
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"labelstudio", []string{"import", "--format", "labelstudio", d + "labelstudio.json"}},
		{"brat", []string{"import", "--format", "brat", d + "brat"}},
		{"help", []string{"import", "-h"}},
		{"usage-no-format", []string{"import", d + "brat", "out"}},
		{"usage-unknown-format", []string{"import", "--format", "conll", d + "brat", "out"}},
		{"usage-one-argument", []string{"import", "--format", "brat"}},
		{"labelstudio-unknown-label", []string{"import", "--format", "labelstudio", d + "labelstudio-unknown-label.json"}},
		{"labelstudio-past-text", []string{"import", "--format", "labelstudio", d + "labelstudio-past-text.json"}},
		{"labelstudio-text-mismatch", []string{"import", "--format", "labelstudio", d + "labelstudio-text-mismatch.json"}},
		{"labelstudio-truncated", []string{"import", "--format", "labelstudio", d + "labelstudio-truncated.json"}},
		{"labelstudio-missing", []string{"import", "--format", "labelstudio", d + "no-such.json"}},
		{"brat-unknown-type", []string{"import", "--format", "brat", d + "brat-bad"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := tc.args
			if !strings.HasPrefix(tc.name, "usage") && tc.name != "help" {
				args = append(args, out)
			}
			goldenOut(t, "import", tc.name, out, args...)
		})
	}
}

// TestImportIsReadableByEval: what import writes reads back as a corpus with
// eval, scoring itself perfectly.
func TestImportIsReadableByEval(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if _, stderr, code := runMain("import", "--format", "labelstudio", "testdata/import/labelstudio.json", out); code != ExitOK {
		t.Fatalf("import: %s", stderr)
	}
	for _, task := range []string{"si", "tc"} {
		gold := filepath.Join(out, "labels-"+task)
		stdout, stderr, code := runMain("eval", task, "--gold", gold, "--pred", gold, "--articles", filepath.Join(out, "articles"), "--json")
		if code != ExitOK || !strings.Contains(stdout, `"f1":1,`) {
			t.Errorf("eval %s on the import: exit %d\n%s%s", task, code, stdout, stderr)
		}
	}
}

// TestExportImportCorpus: the shared corpus exported to Label Studio and
// imported back is the same corpus, through the command line.
func TestExportImportCorpus(t *testing.T) {
	ptc := testenv.PTC(t)
	dir := t.TempDir()
	tasks := filepath.Join(dir, "tasks.json")
	if _, stderr, code := runMain("export", "--from", ptc, "--format", "labelstudio", tasks); code != ExitOK {
		t.Fatalf("export: %s", stderr)
	}
	out := filepath.Join(dir, "back")
	if _, stderr, code := runMain("import", "--format", "labelstudio", tasks, out); code != ExitOK {
		t.Fatalf("import: %s", stderr)
	}
	for _, sub := range []string{"labels-tc", "labels-si", "articles"} {
		files, _ := filepath.Glob(filepath.Join(ptc, sub, "*"))
		if len(files) != 371 {
			t.Fatalf("%s: %d files", sub, len(files))
		}
		for _, p := range files {
			a, _ := os.ReadFile(p)
			b, err := os.ReadFile(filepath.Join(out, sub, filepath.Base(p)))
			if err != nil || string(a) != string(b) {
				t.Fatalf("%s/%s differs after export and import (%v)", sub, filepath.Base(p), err)
			}
		}
	}
}

// TestExportFromStore: a finished review's fragments replace the model's;
// an unreviewed article keeps the model's (one row per technique); a
// draft review does not count; --reviewed keeps the finished ones only.
func TestExportFromStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, store.DefaultFile))
	if err != nil {
		t.Fatal(err)
	}
	save := func(text string, spans ...analysis.Span) int64 {
		t.Helper()
		a, err := store.FromResult(store.Meta{Title: text[:5]}, &analysis.Result{Text: text, Spans: spans, Model: "unspun-test"})
		if err != nil {
			t.Fatal(err)
		}
		id, _, err := st.Save(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	two := []analysis.Alternative{{Technique: technique.LoadedLanguage, Confidence: 0.6}, {Technique: technique.NameCalling, Confidence: 0.3}}
	a := save("“Traitors” run the council, a disgrace.", analysis.Span{Start: 0, End: 10, Technique: technique.LoadedLanguage, Confidence: 0.6, Techniques: two})
	b := save("Rain on Tuesday; bring an umbrella.", analysis.Span{Start: 0, End: 4, Technique: technique.Doubt, Confidence: 0.2})
	c := save("Only fools disagree with this plan.", analysis.Span{Start: 5, End: 10, Technique: technique.NameCalling, Confidence: 0.5})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.PutReview(ctx, a, store.Review{Reviewer: "ana", Done: true, Model: "unspun-test", Spans: []store.ReviewSpan{{Start: 1, End: 9, Technique: "Name_Calling,Labeling"}, {Start: 30, End: 38, Technique: "Loaded_Language"}}}))
	must(st.PutReview(ctx, b, store.Review{Reviewer: "ana", Done: true, Spans: []store.ReviewSpan{}}))
	must(st.PutReview(ctx, c, store.Review{Reviewer: "bo", Done: false, Spans: []store.ReviewSpan{{Start: 0, End: 4, Technique: "Doubt"}}}))
	st.Close()

	stdout, stderr, code := runMain("export", "--data", dir, "--format", "jsonl", "-")
	if code != ExitOK {
		t.Fatalf("export: %s", stderr)
	}
	want := fmt.Sprintf(`{"article":"%[1]d","start":1,"end":9,"technique":"Name_Calling,Labeling","text":"Traitors","confidence":0,"source":"annotation"}
{"article":"%[1]d","start":30,"end":38,"technique":"Loaded_Language","text":"disgrace","confidence":0,"source":"annotation"}
{"article":"%[1]d","start":0,"end":10,"technique":"Loaded_Language","text":"“Traitors”","confidence":0.6,"source":"model"}
{"article":"%[1]d","start":0,"end":10,"technique":"Name_Calling,Labeling","text":"“Traitors”","confidence":0.3,"source":"model"}
{"article":"%[2]d","start":0,"end":4,"technique":"Doubt","text":"Rain","confidence":0.2,"source":"model"}
{"article":"%[3]d","start":5,"end":10,"technique":"Name_Calling,Labeling","text":"fools","confidence":0.5,"source":"model"}
`, a, b, c)
	if stdout != want {
		t.Errorf("jsonl:\n%s\nwant\n%s", stdout, want)
	}
	out := filepath.Join(t.TempDir(), "ptc")
	if _, stderr, code := runMain("export", "--db", filepath.Join(dir, store.DefaultFile), "--reviewed", "--format", "ptc", out); code != ExitOK || !strings.Contains(stderr, "wrote 2 articles (2 reviewed or labelled, 2 fragments)") {
		t.Fatalf("export --reviewed: exit %d %s", code, stderr)
	}
	tc, _ := os.ReadFile(filepath.Join(out, "labels-tc", fmt.Sprintf("article%d.task2-TC.labels", a)))
	if want := fmt.Sprintf("%[1]d\tName_Calling,Labeling\t1\t9\n%[1]d\tLoaded_Language\t30\t38\n", a); string(tc) != want {
		t.Errorf("labels-tc of the reviewed article = %q, want %q", tc, want)
	}
	if tc, err := os.ReadFile(filepath.Join(out, "labels-tc", fmt.Sprintf("article%d.task2-TC.labels", b))); err != nil || len(tc) != 0 {
		t.Errorf("a review with no fragments gives an empty labels file: %q %v", tc, err)
	}
	if _, err := os.Stat(filepath.Join(out, "articles", fmt.Sprintf("article%d.txt", c))); err == nil {
		t.Error("a draft review was exported with --reviewed")
	}
}
