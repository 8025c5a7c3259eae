//go:build unix

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"unspun/internal/testenv"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds unspun once for the tests that run it as a user does.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "unspun-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "unspun")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build unspun: %v", buildErr)
	}
	return binPath
}

// interrupt starts cmd, sends sig after wait, and returns its exit code,
// its stderr and how long it took to exit after the signal; it fails the
// test if the process is not gone within bound.
func interrupt(t *testing.T, cmd *exec.Cmd, sig os.Signal, wait, bound time.Duration) (int, string, time.Duration) {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(wait)
	sent := time.Now()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(bound):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%v still running %s after %v; stderr: %s", cmd.Args, bound, sig, stderr.String())
	}
	return cmd.ProcessState.ExitCode(), stderr.String(), time.Since(sent)
}

// idleStdin is "sleep 30 | unspun args...": a command whose standard input
// is a pipe nobody writes to; cleanup closes it.
func idleStdin(t *testing.T, bin string, args ...string) (*exec.Cmd, func()) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command(bin, args...)
	c.Stdin = pr
	return c, func() { pr.Close(); pw.Close() }
}

// TestSignalStopsBlockedRead: "sleep 30 | unspun analyze -" and "unspun
// analyze FIFO" (no writer yet, or a writer that sends nothing) stop on
// SIGINT or SIGTERM at once, with a message and a non-zero status.
//
// The cases run in parallel, each with its own FIFO: each waits half a
// second before its signal, its process blocked on a read.
func TestSignalStopsBlockedRead(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "probe.fifo"), 0o600); err != nil {
		t.Skip("no named pipes:", err)
	}
	// newFIFO makes a named pipe of its own for one case.
	newFIFO := func(t *testing.T) string {
		f := filepath.Join(t.TempDir(), "article.fifo")
		if err := syscall.Mkfifo(f, 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		for _, tc := range []struct {
			name string
			// cmd returns the command, what to do after it, and the
			// message it must end with.
			cmd func(t *testing.T) (*exec.Cmd, func(), string)
		}{
			{"idle stdin pipe", func(t *testing.T) (*exec.Cmd, func(), string) {
				c, cleanup := idleStdin(t, bin, "analyze", "-")
				return c, cleanup, "standard input: stopped before the article was read"
			}},
			{"fifo without writer", func(t *testing.T) (*exec.Cmd, func(), string) {
				fifo := newFIFO(t)
				return exec.Command(bin, "analyze", fifo), func() {}, fifo + ": stopped before the article was read"
			}},
			{"fifo with idle writer", func(t *testing.T) (*exec.Cmd, func(), string) {
				fifo := newFIFO(t)
				// O_RDWR opens a FIFO without waiting for a reader.
				w, err := os.OpenFile(fifo, os.O_RDWR, 0)
				if err != nil {
					t.Fatal(err)
				}
				return exec.Command(bin, "analyze", fifo), func() { w.Close() }, fifo + ": stopped before the article was read"
			}},
			{"batch of idle stdin", func(t *testing.T) (*exec.Cmd, func(), string) {
				c, cleanup := idleStdin(t, bin, "batch", "-")
				return c, cleanup, "interrupted after 0 of 1 articles"
			}},
		} {
			t.Run(tc.name+"/"+sig.String(), func(t *testing.T) {
				t.Parallel()
				cmd, cleanup, want := tc.cmd(t)
				defer cleanup()
				code, stderr, took := interrupt(t, cmd, sig, 500*time.Millisecond, 5*time.Second)
				if code == 0 || !strings.Contains(stderr, want) {
					t.Errorf("exit %d, stderr %q; want non-zero and %q", code, stderr, want)
				}
				t.Logf("exited %s after the signal: %s", took, strings.TrimSpace(stderr))
			})
		}
	}
}

// TestBatchStopsOnInterrupt: Ctrl-C on a batch of many articles stops it
// within a second, with what was done so far and a non-zero status. It
// runs beside TestSignalStopsBlockedRead, whose processes use no CPU
// while they wait.
func TestBatchStopsOnInterrupt(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	demo, err := os.ReadFile(testenv.Demo())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "news")
	os.Mkdir(dir, 0o755)
	// About ten seconds of work on one core; the signal comes after one.
	for i := range 3000 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("a%05d.txt", i)), demo, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "batch", "--format", "jsonl", dir)
	cmd.Stdout = &bytes.Buffer{}
	code, stderr, took := interrupt(t, cmd, os.Interrupt, 1500*time.Millisecond, 5*time.Second)
	if took > time.Second {
		t.Errorf("batch took %s to stop after Ctrl-C, want under a second", took)
	}
	if code == 0 || !strings.Contains(stderr, "interrupted after") {
		t.Errorf("exit %d, stderr %q; want non-zero and an interruption report", code, stderr)
	}
	t.Logf("stopped %s after Ctrl-C: %s", took, strings.TrimSpace(stderr))
}
