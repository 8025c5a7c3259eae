package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"unspun/internal/testenv"
)

// TestAnalyzeHTML: the report is one file whose only script and style are
// the inline ones its policy allows by hash, with the article text escaped.
func TestAnalyzeHTML(t *testing.T) {
	demo, err := os.ReadFile(testenv.Demo())
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "a.txt")
	os.WriteFile(p, append(demo, "\n<script>alert(1)</script> \"><img src=x onerror=alert(2)>\n"...), 0o644)
	stdout, stderr, code := runMain("analyze", "--format", "html", p)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "<!doctype html>") || !strings.Contains(stdout, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("report: %.300s", stdout)
	}
	if strings.Contains(stdout, "<script>alert") || strings.Contains(stdout, "<img src=x") {
		t.Error("the report holds the article's markup unescaped")
	}
	if n := len(regexp.MustCompile(`<script>`).FindAllString(stdout, -1)); n != 1 {
		t.Errorf("%d inline scripts, want 1", n)
	}
	if regexp.MustCompile(`(src|href)="(https?:|/)`).MatchString(stdout) {
		t.Error("the report refers to another file or server")
	}
	_, stderr, code = runMain("analyze", "--format", "pdf", p)
	if code != ExitUsage || !strings.Contains(stderr, "text, json, tsv or html") {
		t.Errorf("--format pdf: exit %d %s", code, stderr)
	}
}

func TestBatchHTML(t *testing.T) {
	in := t.TempDir()
	demo, _ := os.ReadFile(testenv.Demo())
	os.WriteFile(filepath.Join(in, "a-demo.txt"), demo, 0o644)
	os.WriteFile(filepath.Join(in, "b-empty.txt"), nil, 0o644)
	out := filepath.Join(t.TempDir(), "reports")
	_, stderr, code := runMain("batch", "--format", "html", "--out", out, in)
	if code != ExitRuntime || !strings.Contains(stderr, "wrote 1 report and index.html") {
		t.Fatalf("exit %d (want 1: one article is empty): %s", code, stderr)
	}
	index, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`<a href="(0001-[a-z0-9-]+\.html)">Iranian Officials Admit the Role of MEK</a>`).FindSubmatch(index)
	if link == nil {
		t.Fatalf("index.html has no link to the first report:\n%s", index)
	}
	if !strings.Contains(string(index), "empty") || !strings.Contains(string(index), `http-equiv="Content-Security-Policy"`) || strings.Contains(string(index), "<script") {
		t.Errorf("index.html: no row for the failed article, no CSP, or a script:\n%s", index)
	}
	if rep, err := os.ReadFile(filepath.Join(out, string(link[1]))); err != nil || !strings.Contains(string(rep), `id="article-text"`) {
		t.Errorf("report %s: %v", link[1], err)
	}
	for _, args := range [][]string{
		{"batch", "--format", "html", in},
		{"batch", "--out", out, in},
	} {
		if _, stderr, code := runMain(args...); code != ExitUsage || !strings.Contains(stderr, "--out") {
			t.Errorf("%v: exit %d %s", args, code, stderr)
		}
	}
	if _, stderr, code := runMain("batch", "--format", "html", "--out", out, in); code != ExitRuntime || !strings.Contains(stderr, "not empty") {
		t.Errorf("into a used folder: exit %d %s", code, stderr)
	}
}
