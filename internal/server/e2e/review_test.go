package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chromedp/chromedp"

	"unspun/internal/analysis"
	"unspun/internal/cli"
	"unspun/internal/technique"
	"unspun/internal/testenv"
	"unspun/internal/web"
)

type reviewSpan struct {
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Technique string `json:"technique"`
}

func sortReview(s []reviewSpan) {
	sort.Slice(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End < b.End
		}
		return a.Technique < b.Technique
	})
}

// TestBrowserReview reviews the demo article in the page by keyboard:
// rejects one fragment, relabels one, adds a selected phrase, marks the
// review done, reloads — the review persists — and exports it: the PTC
// files hold exactly the corrected fragments.
func TestBrowserReview(t *testing.T) {
	b := newBrowser(t)
	base, db := startServer(t)
	demo, err := os.ReadFile(testenv.Demo())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"text": string(demo), "title": "Demo article", "source": "ncr-iran.org"})
	resp, err := http.Post(base+"/api/v1/analyze", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var art struct {
		ID int64 `json:"id"`
		analysis.Result
	}
	err = json.NewDecoder(resp.Body).Decode(&art)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("analyze: %d %v", resp.StatusCode, err)
	}

	// What the reviewer starts from: every technique of every fragment.
	var want []reviewSpan
	for _, sp := range art.Result.Spans {
		ts := sp.Techniques
		if len(ts) == 0 {
			ts = []analysis.Alternative{{Technique: sp.Technique}}
		}
		for _, a := range ts {
			want = append(want, reviewSpan{sp.Start, sp.End, a.Technique.String()})
		}
	}
	sortReview(want)
	if len(want) < 3 {
		t.Fatalf("the demo article has %d fragments; the test needs 3", len(want))
	}
	// Reject the first; relabel the (new) second with a number key that
	// gives another technique; add a phrase no fragment covers.
	want = want[1:]
	key, relabel := "", technique.Technique(0)
	for i, tq := range web.ReviewKeys {
		if tq.String() != want[1].Technique {
			key, relabel = string("1234567890"[i]), tq
			break
		}
	}
	want[1].Technique = relabel.String()
	add := freePhrase(t, art.Result.Text, art.Result.Spans)
	want = append(want, reviewSpan{add[0], add[1], web.ReviewKeys[8].String()}) // key 9
	sortReview(want)

	page := fmt.Sprintf("%s/articles/%d", base, art.ID)
	loaded := chromedp.WaitVisible(chromedp.CSS(`body[data-review-loaded="1"]`))
	b.step("open the article", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(page), loaded)
	b.step("start reviewing",
		chromedp.Click(chromedp.ID("review-start")),
		chromedp.WaitVisible(chromedp.ID("review-tools")),
		chromedp.SetValue(chromedp.ID("reviewer"), "Ana Reviewer"),
		chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`),
	)
	b.step("reject the first fragment by keyboard", chromedp.KeyEvent("j"), chromedp.KeyEvent("x"))
	b.step("relabel the next", chromedp.KeyEvent("j"), chromedp.KeyEvent(key))
	b.step("select a phrase and add it", chromedp.Evaluate[chromedp.Void](selectJS(add[0], add[1])), chromedp.KeyEvent("9"))
	b.step("mark it done", chromedp.Click(chromedp.ID("review-done")))
	b.step("wait for the saves", chromedp.WaitVisible(chromedp.CSS(`body[data-review-saved="4"]`)))
	b.step("show the current fragment", chromedp.KeyEvent("k"))
	b.shot("review-mode.png")

	b.step("reload", chromedp.Reload(), loaded)
	status := eval[string](b, `document.getElementById("review-status").textContent`)
	if !strings.HasPrefix(status, "Reviewed by Ana Reviewer at ") || !strings.Contains(status, "on model "+art.Result.Model) {
		t.Errorf("after reload the status is %q", status)
	}
	if n := eval[int](b, `document.querySelectorAll("#article-text mark.rv").length`); n == 0 {
		t.Error("after reload the page shows no reviewed fragments")
	}
	b.step("phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	b.shot("review-phone.png")
	b.step("tap a fragment", chromedp.Click(chromedp.CSS("#article-text mark.rv")))
	if sel := eval[int](b, `document.querySelectorAll("#article-text mark.rv.sel").length`); sel == 0 {
		t.Error("tapping a fragment does not make it current")
	}

	// The API has exactly the corrected set.
	resp, err = http.Get(fmt.Sprintf("%s/api/v1/articles/%d/review", base, art.ID))
	if err != nil {
		t.Fatal(err)
	}
	var rv struct {
		Reviewer string       `json:"reviewer"`
		Done     bool         `json:"done"`
		Spans    []reviewSpan `json:"spans"`
	}
	json.NewDecoder(resp.Body).Decode(&rv)
	resp.Body.Close()
	if !rv.Done || rv.Reviewer != "Ana Reviewer" || fmt.Sprint(rv.Spans) != fmt.Sprint(want) {
		t.Errorf("stored review %+v\nwant spans %v", rv, want)
	}

	// And the export's PTC files hold exactly those fragments.
	out := filepath.Join(t.TempDir(), "export")
	var so, se bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &so, Stderr: &se, Getenv: func(string) string { return "" }}
	if code := cli.Main(context.Background(), env, []string{"export", "--db", db, "--reviewed", "--format", "ptc", out}); code != 0 {
		t.Fatalf("export: %s", se.String())
	}
	var rows strings.Builder
	for _, s := range want {
		fmt.Fprintf(&rows, "%d\t%s\t%d\t%d\n", art.ID, s.Technique, s.Start, s.End)
	}
	got, err := os.ReadFile(filepath.Join(out, "labels-tc", fmt.Sprintf("article%d.task2-TC.labels", art.ID)))
	if err != nil || string(got) != rows.String() {
		t.Errorf("exported labels-tc (%v):\n%s\nwant\n%s", err, got, rows.String())
	}
	for _, e := range b.consoleErrors() {
		t.Errorf("browser console %s", e)
	}
}

// freePhrase finds a word of six letters or more that no fragment
// touches, as code points [start, end).
func freePhrase(t *testing.T, text string, spans []analysis.Span) [2]int {
	for _, m := range regexp.MustCompile(`\pL{6,}`).FindAllStringIndex(text, -1) {
		a, b := utf8.RuneCountInString(text[:m[0]]), utf8.RuneCountInString(text[:m[1]])
		free := true
		for _, s := range spans {
			if s.Start < b && a < s.End {
				free = false
				break
			}
		}
		if free {
			return [2]int{a, b}
		}
	}
	t.Fatal("no free word in the article")
	return [2]int{}
}

// selectJS selects code points [a, b) of the article text in the page.
func selectJS(a, b int) string {
	return fmt.Sprintf(`(() => {
  const root = document.getElementById("article-text");
  const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let n = 0, t, r = document.createRange(), set = 0;
  const at = (node, cp) => Array.from(node.data).slice(0, cp).join("").length;
  while ((t = w.nextNode())) {
    const len = Array.from(t.data).length;
    if (!(set & 1) && %[1]d < n + len) { r.setStart(t, at(t, %[1]d - n)); set |= 1; }
    if (!(set & 2) && %[2]d <= n + len) { r.setEnd(t, at(t, %[2]d - n)); set |= 2; break; }
    n += len;
  }
  const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
})()`, a, b)
}
