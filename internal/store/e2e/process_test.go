// Package e2e runs the real unspun binary against the store: a batch
// killed with SIGKILL and run again, and two servers sharing one
// PostgreSQL database.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"unspun/internal/ident"
	"unspun/internal/store"
	"unspun/internal/testenv"
)

var build struct {
	once sync.Once
	bin  string
	err  error
}

// binary builds cmd/unspun once for the package's tests.
func binary(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		dir, err := os.MkdirTemp("", "unspun-e2e-")
		if err != nil {
			build.err = err
			return
		}
		build.bin = filepath.Join(dir, "unspun")
		cmd := exec.Command("go", "build", "-o", build.bin, "./cmd/unspun")
		cmd.Dir = testenv.ModuleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if build.bin != "" {
		os.RemoveAll(filepath.Dir(build.bin))
	}
	os.Exit(code)
}

// distinctTexts counts the articles of dir by identity: some files of the
// shared set repeat another's text.
func distinctTexts(t *testing.T, dir string) (files, distinct int) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		seen[ident.Of("", string(b))] = true
	}
	return len(paths), len(seen)
}

func count(t *testing.T, db string) int {
	t.Helper()
	s, err := store.Open(context.Background(), db)
	if err != nil {
		return -1 // not created yet
	}
	defer s.Close()
	n, err := s.Count(context.Background())
	if err != nil {
		return -1
	}
	return n
}

// TestBatchKilledAndResumed kills 'unspun batch --store' with SIGKILL
// midway through the 400 shared articles, runs the same command again, and
// checks that every article is stored once.
func TestBatchKilledAndResumed(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses the 400 shared articles twice per database, in real processes")
	}
	src := testenv.Unlabeled(t)
	files, want := distinctTexts(t, src)
	bin := binary(t)
	backends := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "data", store.DefaultFile) },
		"postgres": func(t *testing.T) string { return testenv.PostgresDB(t) },
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			db := backends[name](t)
			args := []string{"batch", "--store", "--db", db, "--format", "jsonl", "--workers", "2", src}
			cmd := exec.Command(bin, args...)
			cmd.Stdout = io.Discard
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			deadline := time.After(2 * time.Minute)
			killedAt := 0
		poll:
			for {
				select {
				case err := <-done:
					t.Fatalf("batch finished before it was killed (%v); stderr:\n%s", err, stderr.String())
				case <-deadline:
					cmd.Process.Kill()
					t.Fatal("batch stored fewer than 100 articles in 2 minutes")
				case <-time.After(50 * time.Millisecond):
				}
				if n := count(t, db); n >= 100 {
					cmd.Process.Signal(syscall.SIGKILL)
					<-done
					killedAt = count(t, db)
					break poll
				}
			}
			if killedAt >= want {
				t.Fatalf("killed after all %d articles were stored; nothing left to resume", killedAt)
			}
			t.Logf("killed with %d of %d articles stored", killedAt, want)

			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			again := exec.CommandContext(ctx, bin, args...)
			again.Stdout = io.Discard
			var stderr2 bytes.Buffer
			again.Stderr = &stderr2
			if err := again.Run(); err != nil {
				t.Fatalf("rerun: %v\n%s", err, stderr2.String())
			}
			wantLine := regexp.MustCompile(`stored (\d+) articles \((\d+) already stored\)`)
			m := wantLine.FindStringSubmatch(stderr2.String())
			if m == nil {
				t.Fatalf("rerun does not say what it stored:\n%s", stderr2.String())
			}
			var stored, already int
			fmt.Sscan(m[1], &stored)
			fmt.Sscan(m[2], &already)
			if stored != want-killedAt || stored+already != files {
				t.Errorf("rerun stored %d new, %d already; want %d new of %d files", stored, already, want-killedAt, files)
			}
			s, err := store.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			n, _ := s.Count(context.Background())
			if n != want {
				t.Errorf("%d articles stored, want %d (%d files, %d distinct texts)", n, want, files, want)
			}
			// No duplicates: every stored text is stored once.
			seen := map[string]int64{}
			for id := int64(1); len(seen) < n && id < int64(10*files); id++ {
				a, err := s.Get(context.Background(), id)
				if err != nil {
					continue
				}
				if prev, ok := seen[a.Identity]; ok {
					t.Errorf("articles %d and %d share identity %s", prev, id, a.Identity)
				}
				seen[a.Identity] = id
			}
			if len(seen) != want {
				t.Errorf("%d distinct identities stored, want %d", len(seen), want)
			}
		})
	}
}

// server is a running 'unspun serve'.
type server struct {
	url    string
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

func serve(t *testing.T, bin, db string) *server {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db)
	cmd.Env = append(os.Environ(), "UNSPUN_TOKEN=")
	pr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	srv := &server{cmd: cmd, stderr: &bytes.Buffer{}}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		re := regexp.MustCompile(`serving on (http://\S+)`)
		for sc.Scan() {
			srv.stderr.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case u := <-addr:
		srv.url = u
	case <-time.After(60 * time.Second):
		t.Fatalf("unspun serve did not start in 60 s")
	}
	return srv
}

func request(t *testing.T, method, u, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, u, err, b)
		}
	}
	return resp.StatusCode
}

// TestTwoServersOnePostgres posts an article to one 'unspun serve' and
// finds it listed, searched and counted by another on the same database.
func TestTwoServersOnePostgres(t *testing.T) {
	db := testenv.PostgresDB(t)
	bin := binary(t)
	a, b := serve(t, bin, db), serve(t, bin, db)

	text, err := os.ReadFile(testenv.Demo())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"text": string(text), "title": "Shared article", "source": "wire.example"})
	var posted struct {
		ID int64 `json:"id"`
	}
	if code := request(t, "POST", a.url+"/api/v1/analyze", string(body), &posted); code != http.StatusCreated || posted.ID == 0 {
		t.Fatalf("POST to the first server: %d, id %d\n%s", code, posted.ID, a.stderr)
	}
	var list struct {
		Articles []store.Summary `json:"articles"`
		Total    int             `json:"total"`
	}
	if code := request(t, "GET", b.url+"/api/v1/articles", "", &list); code != 200 || list.Total != 1 || list.Articles[0].ID != posted.ID {
		t.Errorf("second server lists %d %+v, want article %d", code, list, posted.ID)
	}
	word := strings.Fields(string(text))[3]
	list.Articles, list.Total = nil, 0
	if code := request(t, "GET", b.url+"/api/v1/articles?q="+word, "", &list); code != 200 || list.Total != 1 {
		t.Errorf("second server's search for %q: %d, %d results", word, code, list.Total)
	}
	var stats struct {
		Groups []store.Stat `json:"groups"`
	}
	if code := request(t, "GET", b.url+"/api/v1/stats?by=source", "", &stats); code != 200 || len(stats.Groups) != 1 ||
		stats.Groups[0].Key != "wire.example" || stats.Groups[0].Articles != 1 {
		t.Errorf("second server's stats: %d %+v", code, stats)
	}
	// The same article posted to the second server is the stored one.
	var again struct {
		ID int64 `json:"id"`
	}
	if code := request(t, "POST", b.url+"/api/v1/analyze", string(body), &again); code != http.StatusOK || again.ID != posted.ID {
		t.Errorf("same article to the second server: %d id %d, want 200 id %d", code, again.ID, posted.ID)
	}
	// Deleted on one, gone on the other.
	if code := request(t, "DELETE", b.url+fmt.Sprintf("/api/v1/articles/%d", posted.ID), "", nil); code != http.StatusNoContent {
		t.Errorf("DELETE on the second server: %d", code)
	}
	if code := request(t, "GET", a.url+fmt.Sprintf("/api/v1/articles/%d", posted.ID), "", nil); code != http.StatusNotFound {
		t.Errorf("first server after the delete: %d, want 404", code)
	}
}
