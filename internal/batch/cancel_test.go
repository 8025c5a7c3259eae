//go:build unix

package batch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestRunStopsBlockedReads: a run waiting on an idle standard input or on
// a named pipe without a writer returns promptly when cancelled.
func TestRunStopsBlockedReads(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "a.txt")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes:", err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	for name, it := range map[string]Item{"stdin": {Path: "-", ID: "stdin"}, "fifo": {Path: fifo, ID: "a"}} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		var emitted int
		err := (&Runner{Analyzer: testAnalyzer(t), Stdin: pr}).Run(ctx, []Item{it}, func(*Record) error { emitted++; return nil })
		if !errors.Is(err, context.Canceled) || emitted != 0 {
			t.Errorf("%s: Run = %v with %d records, want Canceled and none", name, err, emitted)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: Run returned after %s", name, d)
		}
		cancel()
	}
}
