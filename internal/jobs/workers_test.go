package jobs_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"unspun/internal/feedserver"
	"unspun/internal/store"
	"unspun/internal/testenv"
)

// buildUnspun builds the unspun binary into a temporary folder.
func buildUnspun(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "unspun")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/unspun")
	cmd.Dir = testenv.ModuleRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// proc is a running unspun process with its output kept.
type proc struct {
	cmd  *exec.Cmd
	out  *bytes.Buffer
	mu   *sync.Mutex
	done chan struct{} // closed when the process has ended
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func start(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{out: &bytes.Buffer{}, mu: &sync.Mutex{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout = lockedWriter{p.mu, p.out}
	p.cmd.Stderr = lockedWriter{p.mu, p.out}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	return p
}

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func run(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("unspun %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestWorkersSurviveSIGKILL is the newsroom's acceptance test: a local
// site's 1,000 feed items (tracking-parameter duplicates across feeds,
// syndicated copies, 404s, slow pages) worked by three `unspun worker`
// processes on one PostgreSQL database, one of them killed with SIGKILL
// twice mid-run and restarted. Afterwards every item is stored exactly
// once, a duplicate of a stored one, or failed with its reason: none
// missing, none twice.
func TestWorkersSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("works 1,000 feed items in three worker processes and waits for River to rescue a killed worker's jobs (about a minute)")
	}
	dbURL := testenv.PostgresDB(t)
	bin := buildUnspun(t)
	site := feedserver.New(feedserver.Config{Items: 1000, Feeds: 4, Mixed: true, SlowDelay: 1500 * time.Millisecond, Words: 40})
	defer site.Close()
	site.Reveal(1000)
	for _, u := range site.FeedURLs() {
		run(t, bin, "feeds", "add", u, "--every", "1h", "--db", dbURL)
	}
	args := []string{"worker", "--db", dbURL, "--allow-private-urls", "--concurrency", "4", "--job-timeout", "5s",
		"--poll-interval", "200ms", "--log-format", "json", "--grace", "5s"}
	workers := []*proc{start(t, bin, args...), start(t, bin, args...), start(t, bin, args...)}
	var killed []*proc
	defer func() {
		for _, w := range workers {
			w.cmd.Process.Signal(syscall.SIGTERM)
		}
		for _, w := range workers {
			<-w.done
		}
		if t.Failed() {
			for i, w := range append(workers, killed...) {
				out := w.output()
				t.Logf("worker %d output (last 3000 bytes):\n%s", i, out[max(0, len(out)-3000):])
			}
		}
	}()

	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	done := func() (resolved, total int) {
		db.QueryRow(`SELECT count(*) FILTER (WHERE state <> 'queued'), count(*) FROM feed_items`).Scan(&resolved, &total)
		return
	}
	deadline := time.Now().Add(100 * time.Second)
	waitFor := func(n int) {
		t.Helper()
		for {
			r, total := done()
			if r >= n && total == 1000 {
				return
			}
			for i, w := range workers {
				if w.exited() {
					t.Fatalf("worker %d exited:\n%s", i, w.output())
				}
			}
			if time.Now().After(deadline) {
				rows, _ := db.Query(`SELECT i.url, i.attempts, i.reason, i.updated, coalesce(j.state::text, 'no job'),
					coalesce(j.attempt, 0), coalesce(j.attempted_at::text, ''), coalesce(j.scheduled_at::text, ''), now()::text
					FROM feed_items i LEFT JOIN river_job j ON j.args->>'canonical_url' = i.canonical_url
					WHERE i.state = 'queued' ORDER BY i.id, j.id`)
				for rows != nil && rows.Next() {
					var u, reason, updated, state, attemptedAt, scheduledAt, now string
					var attempts, attempt int
					rows.Scan(&u, &attempts, &reason, &updated, &state, &attempt, &attemptedAt, &scheduledAt, &now)
					t.Logf("queued %s (attempts %d, %q, updated %s): job %s attempt %d attempted %s scheduled %s (now %s)",
						u, attempts, reason, updated, state, attempt, attemptedAt, scheduledAt, now)
				}
				t.Fatalf("after 100s: %d of %d items resolved, want %d", r, total, n)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	for _, at := range []int{150, 450} {
		waitFor(at)
		w := workers[0]
		if err := w.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-w.done
		killed = append(killed, w)
		r, _ := done()
		t.Logf("SIGKILL at %d resolved items; restarting", r)
		workers[0] = start(t, bin, args...)
	}
	waitFor(1000)
	t.Logf("all 1000 items resolved")

	// Check every item against what the site knows of it.
	st, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	items, err := st.FeedItems(context.Background(), 0)
	if err != nil || len(items) != 1000 {
		t.Fatalf("%d feed items (%v); want 1000", len(items), err)
	}
	byPage := map[int][]store.FeedItem{} // items by the site item whose page they link
	for _, it := range items {
		si, ok := site.ItemOf(it.URL)
		if !ok {
			t.Fatalf("item %s is not the site's", it.URL)
		}
		page := si.Index
		if si.Kind == feedserver.Tracking {
			page = si.Same
		}
		byPage[page] = append(byPage[page], it)
		switch {
		case si.Kind == feedserver.Gone:
			if it.State != store.ItemFailed || !strings.Contains(it.Reason, "404") {
				t.Errorf("%s: %s %q; want failed with a 404", it.URL, it.State, it.Reason)
			}
		case it.State != store.ItemStored && it.State != store.ItemDuplicate:
			t.Errorf("%s: %s %q; want stored or duplicate", it.URL, it.State, it.Reason)
		}
	}
	for page, its := range byPage {
		if site.Items()[page].Kind == feedserver.Gone {
			continue
		}
		stored, dup := 0, 0
		for _, it := range its {
			switch it.State {
			case store.ItemStored:
				stored++
			case store.ItemDuplicate:
				dup++
			}
			if it.ArticleID != its[0].ArticleID {
				t.Errorf("page %d: items point to articles %d and %d", page, its[0].ArticleID, it.ArticleID)
			}
		}
		if stored != 1 || dup != len(its)-1 {
			t.Errorf("page %d: %d stored, %d duplicates of %d items; want exactly one stored", page, stored, dup, len(its))
		}
	}
	// The articles: one per page, none twice; copies linked.
	var articles, distinct, copies int
	db.QueryRow(`SELECT count(*), count(DISTINCT canonical_url), count(copy_of) FROM articles`).Scan(&articles, &distinct, &copies)
	wantArticles, wantCopies := 0, 0
	for _, si := range site.Items() {
		switch si.Kind {
		case feedserver.Article, feedserver.Slow:
			wantArticles++
		case feedserver.Copy:
			wantArticles++
			wantCopies++
		}
	}
	if articles != wantArticles || distinct != wantArticles || copies != wantCopies {
		t.Errorf("%d articles (%d distinct URLs, %d copies); want %d, %d, %d", articles, distinct, copies, wantArticles, wantArticles, wantCopies)
	}
	var source string
	db.QueryRow(`SELECT source FROM articles ORDER BY id LIMIT 1`).Scan(&source)
	if !strings.HasPrefix(source, "Local Wire ") {
		t.Errorf("articles stored under source %q; want the feed's title", source)
	}
	out := run(t, bin, "feeds", "list", "--db", dbURL)
	if !strings.Contains(out, "Local Wire 0") {
		t.Errorf("feeds list:\n%s", out)
	}
	t.Logf("feeds list:\n%s", out)
	if os.Getenv("UNSPUN_WORKER_LOGS") != "" {
		fmt.Println(workers[1].output())
	}
}
