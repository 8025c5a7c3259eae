package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

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
