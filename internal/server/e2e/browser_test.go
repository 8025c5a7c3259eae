package e2e

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"unspun/internal/analyze"
	"unspun/internal/server"
	"unspun/internal/store"
	"unspun/internal/technique"

	"unspun/internal/testenv"
)

// startServer serves the real analyzer and a new store on loopback, and
// returns the base URL and the database's path.
func startServer(t *testing.T) (string, string) {
	t.Helper()
	a, err := analyze.Default()
	if err != nil {
		t.Fatalf("load the built-in model: %v", err)
	}
	db := filepath.Join(t.TempDir(), store.DefaultFile)
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Analyzer: a, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
		st.Close()
	})
	return "http://" + ln.Addr().String(), db
}

func TestBrowserHighlightsDemoArticle(t *testing.T) {
	br := newBrowser(t)
	ctx, step, shot := br.ctx, br.step, func(name string) { br.shot(name) }
	article, err := os.ReadFile(testenv.Demo())
	if err != nil {
		t.Fatal(err)
	}
	base, _ := startServer(t)

	step("open the start page",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("text")),
	)
	shot("home.png")
	step("paste the demo article and submit",
		chromedp.SetValue(chromedp.ID("text"), string(article)),
		chromedp.SetValue(chromedp.ID("title"), "Demo article"),
		chromedp.Click(chromedp.ID("analyze-button")),
		chromedp.WaitVisible(chromedp.CSS("#article-text mark.hl")),
	)
	marks, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#article-text mark.hl").length`))
	if err != nil || marks == 0 {
		t.Fatalf("highlights on the page: %d, %v", marks, err)
	}
	t.Logf("%d highlighted segments", marks)

	names := make([]string, 0, technique.Count)
	for _, tq := range technique.All() {
		names = append(names, tq.Info().Name)
	}
	tooltipNames := func() []string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`document.getElementById("tip").hidden ? [] : Array.from(document.querySelectorAll("#tip .tname"), e => e.textContent)`))
		if err != nil {
			t.Fatalf("read the tooltip: %v", err)
		}
		return got
	}
	checkTooltip := func(how string) {
		t.Helper()
		got := tooltipNames()
		if len(got) == 0 {
			t.Fatalf("after %s the tooltip is hidden or empty", how)
		}
		for _, n := range got {
			if !slices.Contains(names, n) {
				t.Errorf("after %s the tooltip names %q, not a technique", how, n)
			}
		}
		t.Logf("tooltip after %s: %s", how, strings.Join(got, ", "))
	}

	// Hover with the mouse over the first highlight.
	pos, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const m = document.querySelector("#article-text mark.hl");
		m.scrollIntoView({block: "center"});
		const r = m.getClientRects()[0];
		return [r.left + r.width / 2, r.top + r.height / 2];
	})()`))
	if err != nil || len(pos) != 2 {
		t.Fatalf("locate the first highlight: %v %v", pos, err)
	}
	step("hover a highlight", chromedp.MouseEvent(chromedp.MouseMoved, pos[0], pos[1]))
	checkTooltip("hovering")
	shot("article-hover.png")

	// Keyboard: move the mouse away, then focus the last highlight.
	step("focus a highlight",
		chromedp.MouseEvent(chromedp.MouseMoved, 1, 1),
		chromedp.Focus(chromedp.JSPath(`Array.from(document.querySelectorAll("#article-text mark.hl")).at(-1)`)),
	)
	checkTooltip("focusing")

	// The legend filters: choosing one technique leaves only its highlights.
	step("filter by the first legend entry", chromedp.Click(chromedp.CSS(".legend-item")))
	left, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`(() => {
		const t = Number(document.querySelector(".legend-item").dataset.t);
		const marks = Array.from(document.querySelectorAll("#article-text mark.hl"));
		const on = marks.filter(m => !m.classList.contains("off"));
		const wrong = on.filter(m => !m.classList.contains("t" + t));
		return [on.length, wrong.length];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if left[0] == 0 || left[1] != 0 {
		t.Errorf("after filtering: %d highlights shown, %d of another technique; want some, none", left[0], left[1])
	}
	step("clear the filter", chromedp.Click(chromedp.CSS(".legend-item")))

	step("phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	shot("article-phone.png")
	step("dashboard", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(chromedp.CSS("svg.chart")))
	shot("dashboard.png")
	step("article list", chromedp.Navigate(base+"/articles?q=Iran"), chromedp.WaitVisible(chromedp.CSS(".summaries a.title")))
	shot("articles.png")

	// No script error and no Content-Security-Policy violation on the way.
	for _, e := range br.consoleErrors() {
		t.Errorf("browser console %s", e)
	}
}
