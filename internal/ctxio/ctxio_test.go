package ctxio

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadAll(t *testing.T) {
	b, err := ReadAll(context.Background(), strings.NewReader("hello"), 3)
	if err != nil || string(b) != "hell" {
		t.Fatalf("ReadAll = %q, %v; want limit+1 bytes", b, err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	defer pr.Close()
	cause := errors.New("interrupt")
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(50*time.Millisecond, func() { cancel(cause) })
	start := time.Now()
	if _, err := ReadAll(ctx, pr, 10); !errors.Is(err, cause) {
		t.Errorf("ReadAll of an idle pipe = %v, want the context's cause", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("ReadAll returned %s after the context ended", d)
	}
	// An io.Reader that cannot be stopped is abandoned.
	blocked, _ := io.Pipe()
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := ReadAll(ctx2, blocked, 10); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ReadAll of a blocked reader = %v", err)
	}
}

func TestOpenNamedPipe(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("no named pipes:", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Open(ctx, p); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), p) {
		t.Errorf("Open of a named pipe without writer = %v", err)
	}
	f, err := Open(context.Background(), filepath.Join(t.TempDir(), "missing"))
	if f != nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open of a missing file = %v, %v", f, err)
	}
}
