package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"unspun/internal/store"
)

func TestDBFlags(t *testing.T) {
	dir := t.TempDir()
	art := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(art, []byte("Headline\n\nThe regime lies, and the terrible plan will ruin us all.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": filepath.Join(dir, "home")}
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		wantDB string
	}{
		{"--db path", env, []string{"--db", filepath.Join(dir, "x", "my.db")}, filepath.Join(dir, "x", "my.db")},
		{"--db sqlite: URL", env, []string{"--db", "sqlite:" + filepath.Join(dir, "y.db")}, filepath.Join(dir, "y.db")},
		{"--data", env, []string{"--data", filepath.Join(dir, "d")}, filepath.Join(dir, "d", store.DefaultFile)},
		{"$UNSPUN_DB", map[string]string{"HOME": env["HOME"], "UNSPUN_DB": filepath.Join(dir, "env.db")}, nil, filepath.Join(dir, "env.db")},
		{"default", env, nil, filepath.Join(dir, "home", ".local", "share", "unspun", store.DefaultFile)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"batch", "--store", "--format", "jsonl"}, tt.args...)
			_, stderr, code := runMainEnv("", false, tt.env, append(args, art)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if want := "stored 1 article in " + tt.wantDB + "\n"; !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
			if _, err := os.Stat(tt.wantDB); err != nil {
				t.Error(err)
			}
		})
	}
	_, stderr, code := runMainEnv("", false, env, "batch", "--store", "--db", "x.db", "--data", dir, art)
	if code != ExitUsage || !strings.Contains(stderr, "give --db or --data, not both") {
		t.Errorf("--db and --data: exit %d: %s", code, stderr)
	}
	_, stderr, code = runMainEnv("", false, env, "batch", "--store", "--db", "mysql://host/db", art)
	if code != ExitRuntime || !strings.Contains(stderr, `unknown scheme "mysql"`) {
		t.Errorf("--db mysql://: exit %d: %s", code, stderr)
	}
}

// TestReadOnlyDataDir is issue 13's "create migrations table: unable to
// open database file (14)": the message must name the directory and why.
func TestReadOnlyDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
			t.Skipf("chattr: %v %s", err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", dir).Run() })
	} else {
		os.Chmod(dir, 0o555)
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
	}
	for _, args := range [][]string{
		{"batch", "--store", "--data", dir, "testdata/analyze/article.txt"},
		{"serve", "--addr", "127.0.0.1:0", "--data", dir},
	} {
		_, stderr, code := runMainEnv("", false, map[string]string{"HOME": t.TempDir()}, args...)
		if code != ExitRuntime || !strings.Contains(stderr, dir) || !strings.Contains(stderr, "database is read-only") ||
			!strings.Contains(stderr, "--data") || strings.Contains(stderr, "(14)") {
			t.Errorf("unspun %s: exit %d: %s", args[0], code, stderr)
		}
	}
}

func TestDamagedDatabase(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, store.DefaultFile), []byte(strings.Repeat("not a database ", 500)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runMainEnv("", false, map[string]string{"HOME": t.TempDir()}, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	if code != ExitRuntime || !strings.Contains(stderr, "database is damaged") || !strings.Contains(stderr, ".recover") {
		t.Errorf("serve on a damaged database: exit %d: %s", code, stderr)
	}
}

// TestBatchStoreFeedRerun: a rerun of 'batch --store' over a feed neither
// fetches nor analyses the links it stored before.
func TestBatchStoreFeedRerun(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>Story %s</title></head><body><article><p>The minister said the terrible plan %s would ruin
the country, and everyone in the harbour town agreed that the delays had to end before the summer season.</p>
<p>Officials said the new cranes would arrive in April, and the works would be finished within the year.</p></article></body></html>`, r.URL.Path, r.URL.Path)
	}))
	defer srv.Close()
	dir := t.TempDir()
	feed := filepath.Join(dir, "wire.rss")
	rss := `<?xml version="1.0"?><rss version="2.0"><channel><title>The Wire</title>
<item><title>A</title><link>` + srv.URL + `/a?utm_source=rss</link></item>
<item><title>B</title><link>` + srv.URL + `/b</link></item></channel></rss>`
	if err := os.WriteFile(feed, []byte(rss), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"batch", "--store", "--data", filepath.Join(dir, "data"), "--allow-private-urls", "--format", "jsonl", feed}
	_, stderr, code := runMain(args...)
	if code != 0 || !strings.Contains(stderr, "stored 2 articles in") || hits.Load() != 2 {
		t.Fatalf("first run: exit %d, %d fetches: %s", code, hits.Load(), stderr)
	}
	stdout, stderr, code := runMain(args...)
	if code != 0 || !strings.Contains(stderr, "stored 0 articles (2 already stored)") {
		t.Errorf("rerun: exit %d: %s", code, stderr)
	}
	if got := hits.Load(); got != 2 {
		t.Errorf("rerun fetched %d links, want none", got-2)
	}
	if n := strings.Count(stdout, `"result"`); n != 2 {
		t.Errorf("rerun printed %d results, want the 2 stored ones:\n%s", n, stdout)
	}
}
