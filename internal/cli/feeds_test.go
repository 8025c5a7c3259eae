package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"unspun/internal/feedserver"
	"unspun/internal/store"
)

func TestFeedsCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "unspun.db")
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"feeds", "list", "--db", db}, 0, "no watched feeds", ""},
		{[]string{"feeds", "add", "https://news.example/rss", "--every", "30m", "--db", db}, 0, "watching https://news.example/rss (feed 1), polled every 30m0s", ""},
		{[]string{"feeds", "add", "--db", db, "https://other.example/atom", "--title", "Other"}, 0, "(feed 2), polled every 15m0s", ""},
		{[]string{"feeds", "add", "https://news.example/rss", "--db", db}, 1, "", "feed already watched"},
		{[]string{"feeds", "add", "ftp://news.example/rss", "--db", db}, 2, "", "not a feed URL"},
		{[]string{"feeds", "add", "https://x.example/rss", "--every", "10ms", "--db", db}, 2, "", "--every 10ms: at least 1s"},
		{[]string{"feeds", "add", "--db", db}, 2, "", "feeds add wants one URL"},
		{[]string{"feeds", "list", "extra", "--db", db}, 2, "", "takes no argument"},
		{[]string{"feeds", "purge", "--db", db}, 2, "", `unknown subcommand "purge"`},
		{[]string{"feeds", "--db", db}, 2, "", "want a subcommand"},
		{[]string{"feeds", "list", "--db", db}, 0, "https://other.example/atom  Other", ""},
		{[]string{"feeds", "remove", "https://news.example/rss", "--db", db}, 0, "stopped watching https://news.example/rss (feed 1)", ""},
		{[]string{"feeds", "remove", "2", "--db", db}, 0, "stopped watching https://other.example/atom (feed 2)", ""},
		{[]string{"feeds", "remove", "https://news.example/rss", "--db", db}, 1, "", "not a watched feed"},
		{[]string{"worker", "--db", db}, 2, "", "worker needs a PostgreSQL database"},
		{[]string{"worker", "--db", db, "--concurrency", "0"}, 2, "", "--concurrency 0"},
		{[]string{"worker", "--db", db, "--log-format", "xml"}, 2, "", `--log-format "xml"`},
	} {
		stdout, stderr, code := runMain(tc.args...)
		if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("unspun %s: exit %d\nstdout %s\nstderr %s\nwant exit %d, stdout with %q, stderr with %q",
				strings.Join(tc.args, " "), code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
		}
	}
	runMain("feeds", "add", "https://news.example/rss", "--every", "2h", "--db", db)
	stdout, _, _ := runMain("feeds", "list", "--format", "json", "--db", db)
	var feeds []map[string]any
	if err := json.Unmarshal([]byte(stdout), &feeds); err != nil || len(feeds) != 1 || feeds[0]["every_seconds"] != 7200.0 {
		t.Errorf("list --format json: %s (%v)", stdout, err)
	}
}

// TestServeWatchSQLite runs 'unspun serve --watch' on SQLite (the
// in-process pool) over a local site's feeds until every item has its
// outcome.
func TestServeWatchSQLite(t *testing.T) {
	site := feedserver.New(feedserver.Config{Items: 60, Feeds: 2, Mixed: true, SlowDelay: 200 * time.Millisecond, Words: 30})
	defer site.Close()
	site.Reveal(60)
	db := filepath.Join(t.TempDir(), "unspun.db")
	for _, u := range site.FeedURLs() {
		if _, stderr, code := runMain("feeds", "add", u, "--db", db); code != 0 {
			t.Fatal(stderr)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var errb bytes.Buffer
	done := make(chan int)
	go func() {
		env := &Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &errb, Getenv: func(string) string { return "" }}
		done <- Main(ctx, env, []string{"serve", "--watch", "--addr", "127.0.0.1:0", "--db", db, "--allow-private-urls",
			"--poll-interval", "100ms", "--log-format", "json"})
	}()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		items, _ := st.FeedItems(context.Background(), 0)
		queued := 0
		for _, it := range items {
			if it.State == store.ItemQueued {
				queued++
			}
		}
		if len(items) == 60 && queued == 0 {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatalf("after 60s: %d items, %d queued\n%s", len(items), queued, errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve --watch exited %d:\n%s", code, errb.String())
	}
	items, _ := st.FeedItems(context.Background(), 0)
	counts := map[store.ItemState]int{}
	for _, it := range items {
		counts[it.State]++
		si, _ := site.ItemOf(it.URL)
		if (si.Kind == feedserver.Gone) != (it.State == store.ItemFailed) {
			t.Errorf("%s (%s): %s %q", it.URL, si.Kind, it.State, it.Reason)
		}
	}
	want := map[store.ItemState]int{}
	for _, si := range site.Items() {
		switch si.Kind {
		case feedserver.Gone:
			want[store.ItemFailed]++
		case feedserver.Tracking:
			want[store.ItemDuplicate]++
		default:
			want[store.ItemStored]++
		}
	}
	if len(counts) != len(want) || counts[store.ItemStored] != want[store.ItemStored] || counts[store.ItemDuplicate] != want[store.ItemDuplicate] {
		t.Errorf("item states %v; want %v", counts, want)
	}
	if !strings.Contains(errb.String(), `"msg":"article stored"`) {
		t.Errorf("no JSON log lines:\n%s", errb.String())
	}
}
