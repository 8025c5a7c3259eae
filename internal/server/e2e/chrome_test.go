package e2e

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"unspun/internal/testenv"
)

// browser is a headless Chromium driven for one test, collecting script
// errors and Content-Security-Policy violations from its console.
type browser struct {
	t   *testing.T
	ctx context.Context
	out string // where screenshots go

	mu   sync.Mutex
	errs []string
	stop func()
	done chan struct{}
}

// chromiumPath returns the Chromium binary a browser test drives; without
// one the test is skipped, or fails in CI (testenv.Chromium). Under -short
// the test is skipped: the browser tests take seconds each to start and
// drive Chromium, a fifth of the -short run.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("drives headless Chromium (not under -short)")
	}
	return testenv.Chromium(t)
}

// newBrowser starts Chromium (chromiumPath).
func newBrowser(t *testing.T) *browser {
	t.Helper()
	chromium := chromiumPath(t)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	// Start the browser on a context without a deadline (a deadline on the
	// first run would bound the browser's life), then bound each step.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	b := &browser{t: t, ctx: ctx, out: artifactDir(t), done: make(chan struct{})}
	consoleCtx, stop := context.WithCancel(ctx)
	b.stop = stop
	go func() {
		defer close(b.done)
		for m, err := range chromedp.Console(consoleCtx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleException || m.Type == chromedp.ConsoleError {
				b.mu.Lock()
				b.errs = append(b.errs, string(m.Type)+": "+m.Text)
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// step runs actions with a time bound, failing the test (with a
// screenshot) when they fail.
func (b *browser) step(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	sctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		if buf, serr := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)); serr == nil {
			os.WriteFile(filepath.Join(b.out, "failure.png"), buf, 0o644)
		}
		b.t.Fatalf("%s: %v (page %s; screenshot failure.png in %s)", name, err, loc, b.out)
	}
}

// shot saves a full-page screenshot as name and returns its path.
func (b *browser) shot(name string) string {
	b.t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	p := filepath.Join(b.out, name)
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", p)
	return p
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	sctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// consoleErrors stops collecting and returns what the console reported.
func (b *browser) consoleErrors() []string {
	b.stop()
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.errs
}

// artifactDir is where screenshots go: $UNSPUN_ARTIFACTS if set, so CI can
// keep them, else the test's temporary directory.
func artifactDir(t *testing.T) string {
	if d := os.Getenv("UNSPUN_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}
