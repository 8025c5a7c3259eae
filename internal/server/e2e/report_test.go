package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"unspun/internal/cli"
	"unspun/internal/testenv"
)

// hostile lines are appended to the demo article: if the report let them
// become markup, a script would set window.__pwned.
const hostile = "\n\nA reader wrote <script>window.__pwned=1</script> and then \"><img src=x onerror=\"window.__pwned=2\"> in a comment.\n" +
	"Another wrote </textarea><svg onload=\"window.__pwned=3\"> and '><iframe src=javascript:window.__pwned=4>.\n"

// TestBrowserReport opens an 'unspun analyze --format html' report of an
// article with hostile text as a file in Chromium: the text shows
// literally, no script of the text runs, the report's own inline script
// and style (allowed by hash) do, and printing gives numbered footnotes.
func TestBrowserReport(t *testing.T) {
	b := newBrowser(t)
	demo, err := os.ReadFile(testenv.Demo())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	article := filepath.Join(dir, "article.txt")
	if err := os.WriteFile(article, append(demo, hostile...), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	if code := cli.Main(context.Background(), env, []string{"analyze", "--format", "html", article}); code != 0 {
		t.Fatalf("analyze --format html: exit %d: %s", code, errb.String())
	}
	report := filepath.Join(dir, "report.html")
	if err := os.WriteFile(report, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out.Bytes(), []byte("<script>window.__pwned")) || bytes.Contains(out.Bytes(), []byte("<img src=x")) {
		t.Fatal("the report holds the hostile markup unescaped")
	}

	b.step("open the report file", chromedp.Navigate("file://"+report), chromedp.WaitVisible(chromedp.CSS("#article-text mark.hl")))
	if p := eval[string](b, `String(window.__pwned)`); p != "undefined" {
		t.Errorf("a script of the article's text ran: window.__pwned = %s", p)
	}
	if n := eval[int](b, `document.querySelectorAll("#article-text script, #article-text img, #article-text svg, #article-text iframe").length`); n != 0 {
		t.Errorf("the article text became %d elements", n)
	}
	text := eval[string](b, `document.getElementById("article-text").textContent`)
	for _, want := range []string{"<script>window.__pwned=1</script>", `"><img src=x onerror="window.__pwned=2">`, `<svg onload="window.__pwned=3">`} {
		if !strings.Contains(text, want) {
			t.Errorf("the text does not show %q literally", want)
		}
	}
	// The inline style applies (its hash is allowed) …
	if ws := eval[string](b, `getComputedStyle(document.getElementById("article-text")).whiteSpace`); ws != "pre-wrap" {
		t.Errorf("the report's style is not applied: white-space %q", ws)
	}
	// … and the inline script runs: clicking a highlight opens its tooltip.
	b.step("click a highlight", chromedp.Click(chromedp.CSS("#article-text mark.hl")))
	if names := eval[[]string](b, `document.getElementById("tip").hidden ? [] : Array.from(document.querySelectorAll("#tip .tname"), e => e.textContent)`); len(names) == 0 {
		t.Error("the report's script did not run: no tooltip on click")
	}
	// No request leaves the file: every resource is the file itself.
	if urls := eval[[]string](b, `performance.getEntriesByType("resource").map(e => e.name)`); len(urls) != 0 {
		t.Errorf("the report loaded %v", urls)
	}
	b.shot("report.png")

	// Printed: footnote numbers show, the tooltip and legend hints do not.
	sctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	pdf, err := chromedp.Run(sctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	pdfPath := filepath.Join(b.out, "report-print.pdf")
	if err := os.WriteFile(pdfPath, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("printed report: %s", pdfPath)
	if tool, err := exec.LookPath("pdftotext"); err == nil {
		txt, err := exec.Command(tool, "-layout", pdfPath, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		for _, want := range []string{"[1]", "All findings", "What the techniques mean"} {
			if !bytes.Contains(txt, []byte(want)) {
				t.Errorf("the printed report lacks %q", want)
			}
		}
	}
	if tool, err := exec.LookPath("pdftoppm"); err == nil {
		if err := exec.Command(tool, "-png", "-r", "80", "-f", "1", "-l", "1", pdfPath, filepath.Join(b.out, "report-print")).Run(); err != nil {
			t.Errorf("pdftoppm: %v", err)
		} else {
			t.Logf("printed page: %s", filepath.Join(b.out, "report-print-1.png"))
		}
	}
	for _, e := range b.consoleErrors() {
		t.Errorf("browser console %s", e)
	}
}
