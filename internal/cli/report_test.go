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
