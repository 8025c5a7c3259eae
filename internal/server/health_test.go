package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"unspun/internal/store"
)

// lockedBuffer collects a server's log.
type lockedBuffer struct {
	mu chan struct{}
	b  bytes.Buffer
}

func newLockedBuffer() *lockedBuffer { return &lockedBuffer{mu: make(chan struct{}, 1)} }
func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu <- struct{}{}
	defer func() { <-l.mu }()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string {
	l.mu <- struct{}{}
	defer func() { <-l.mu }()
	return l.b.String()
}

// smallDisk mounts a tmpfs of size bytes (root only; the test skips
// otherwise) and returns its path.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small file system")
	}
	dir := filepath.Join(t.TempDir(), "disk")
	os.Mkdir(dir, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes to dir until the file system is full and returns the
// filler's path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "filler")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	for _, n := range []int{4096, 512, 1} {
		for {
			if _, err := f.Write(chunk[:n]); err != nil {
				break
			}
		}
	}
	return p
}

// TestFullDisk: with the disk full, a save answers 507 with the reason
// (and the log names the database), /healthz says so, and both recover
// when space is freed.
func TestFullDisk(t *testing.T) {
	disk := smallDisk(t, "4m")
	dbPath := filepath.Join(disk, store.DefaultFile)
	st, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log := newLockedBuffer()
	s, err := New(Config{Analyzer: &keywordAnalyzer{}, Store: st, Logger: slog.New(slog.NewTextHandler(log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{srv: s, h: s.Handler(), store: st}
	if rec := f.do(t, call{method: "GET", path: "/healthz"}); rec.Code != 200 {
		t.Fatalf("healthz before = %d %s", rec.Code, rec.Body)
	}
	filler := fill(t, disk)
	big := `{"text":"` + strings.Repeat("A storm hit the coast again today. ", 2000) + `"}`
	rec := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: big})
	if rec.Code != http.StatusInsufficientStorage || !strings.Contains(jsonBody(t, rec)["error"].(string), "disk is full") {
		t.Errorf("save on a full disk = %d %s, want 507 saying the disk is full", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), disk) {
		t.Errorf("the client is told the server's paths: %s", rec.Body)
	}
	if !strings.Contains(log.String(), dbPath) {
		t.Errorf("the log does not name the database %s:\n%s", dbPath, log.String())
	}
	time.Sleep(checkEvery)
	rec = f.do(t, call{method: "GET", path: "/healthz"})
	if rec.Code != http.StatusInsufficientStorage || !strings.Contains(rec.Body.String(), "disk is full") {
		t.Errorf("healthz on a full disk = %d %s, want 507", rec.Code, rec.Body)
	}
	os.Remove(filler)
	time.Sleep(checkEvery)
	if rec := f.do(t, call{method: "GET", path: "/healthz"}); rec.Code != 200 {
		t.Errorf("healthz after freeing space = %d %s", rec.Code, rec.Body)
	}
	if rec := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: big}); rec.Code != http.StatusCreated {
		t.Errorf("save after freeing space = %d %s", rec.Code, rec.Body)
	}
}

// TestReadyz: not ready before Serve serves and after it is told to stop;
// ready while serving.
func TestReadyz(t *testing.T) {
	f := newFixture(t, Config{})
	if rec := f.do(t, call{method: "GET", path: "/readyz"}); rec.Code != 503 || !strings.Contains(rec.Body.String(), "starting") {
		t.Errorf("readyz before serving = %d %s", rec.Code, rec.Body)
	}
	addr, stop, done := serveLoopback(t, f)
	waitFor(t, "the server to serve", func() bool { return f.srv.state.Load() == stateServing })
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("readyz while serving = %d", resp.StatusCode)
	}
	stop()
	done()
	if rec := f.do(t, call{method: "GET", path: "/readyz"}); rec.Code != 503 || !strings.Contains(rec.Body.String(), "shutting down") {
		t.Errorf("readyz after stopping = %d %s", rec.Code, rec.Body)
	}
}
