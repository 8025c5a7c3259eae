package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserRefusesCrossSiteForm: a page on another origin (here another
// port of the same machine, as a page reached through a rebinding name
// would be) that makes the browser post unspun's delete form is refused
// with 403, and the article survives.
func TestBrowserRefusesCrossSiteForm(t *testing.T) {
	br := newBrowser(t)
	base, _ := startServer(t)
	resp, err := http.Post(base+"/api/v1/analyze", "application/json", strings.NewReader(`{"text":"They are traitors, and everyone knows it."}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("store an article: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location") // /api/v1/articles/N
	id := loc[strings.LastIndex(loc, "/")+1:]
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>Free prizes</title>
<form method="post" action="%s/articles/%s/delete"><button id="go">Claim</button></form>`, base, id)
	}))
	defer attacker.Close()

	br.step("open the other site's page and submit its form",
		chromedp.Navigate(attacker.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("go")),
		chromedp.Click(chromedp.ID("go")),
		chromedp.WaitVisible(chromedp.CSS("main")),
	)
	body := eval[string](br, `document.body.innerText`)
	if !strings.Contains(body, "refused") {
		t.Errorf("the cross-site form's answer does not say it was refused:\n%s", body)
	}
	resp, err = http.Get(base + loc)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("article after the cross-site delete = %d, want it still there (200)", resp.StatusCode)
	}
}

// TestBrowserDNSRebinding: a browser that reaches the server through
// another name resolving to 127.0.0.1 (what a rebinding attacker's page
// does) gets 421 and the reason, not the page; through its own name it
// gets the page.
func TestBrowserDNSRebinding(t *testing.T) {
	chromium := chromiumPath(t)
	base, _ := startServer(t)
	port := base[strings.LastIndex(base, ":")+1:]
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()), chromedp.Flag("disable-dev-shm-usage", true),
		// The rebinding: evil.example resolves to the server's address.
		chromedp.Flag("host-resolver-rules", "MAP evil.example 127.0.0.1"),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	for _, tc := range []struct{ url, want string }{
		{"http://evil.example:" + port + "/", "does not answer to the name"},
		{base + "/", "Analyze"},
	} {
		sctx, scancel := context.WithTimeout(ctx, 30*time.Second)
		err := chromedp.Do(sctx, chromedp.Navigate(tc.url))
		var body string
		if err == nil {
			body, err = chromedp.Run(sctx, chromedp.Evaluate[string](`document.body.innerText`))
		}
		scancel()
		if err != nil {
			t.Fatalf("open %s: %v", tc.url, err)
		}
		if !strings.Contains(body, tc.want) {
			t.Errorf("%s shows %q, want %q", tc.url, body, tc.want)
		}
	}
}
