// Package ctxio opens and reads files and streams so that the caller can
// stop waiting when a context ends. A read from a terminal, a pipe whose
// writer is idle (sleep 30 | unspun analyze -) or a named pipe without a
// writer blocks in the kernel, where no signal context reaches it; these
// functions do the blocking call in a goroutine and return as soon as the
// context ends, leaving the call to finish (or the process to exit).
package ctxio

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// ReadAll reads r to its end, or limit bytes past which the caller is not
// interested (limit+1 bytes are read so that it can tell), or until ctx
// ends. When ctx ends first it returns the context's cause and stops the
// read if r can be told to (an *os.File on a pipe or socket); a read that
// cannot be stopped is abandoned, and reads into its own buffer.
func ReadAll(ctx context.Context, r io.Reader, limit int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, context.Cause(ctx)
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(r, limit+1))
		done <- result{b, err}
	}()
	select {
	case res := <-done:
		return res.b, res.err
	case <-ctx.Done():
		if d, ok := r.(interface{ SetReadDeadline(time.Time) error }); ok {
			d.SetReadDeadline(time.Now())
		}
		return nil, context.Cause(ctx)
	}
}

// Open opens path for reading, or gives up when ctx ends: opening a named
// pipe blocks until some process opens it for writing. A file opened after
// Open gave up is closed.
func Open(ctx context.Context, path string) (*os.File, error) {
	if err := ctx.Err(); err != nil {
		return nil, context.Cause(ctx)
	}
	type result struct {
		f   *os.File
		err error
	}
	done := make(chan result, 1)
	go func() {
		f, err := os.Open(path)
		done <- result{f, err}
	}()
	select {
	case res := <-done:
		return res.f, res.err
	case <-ctx.Done():
		go func() {
			if res := <-done; res.f != nil {
				res.f.Close()
			}
		}()
		return nil, fmt.Errorf("open %s: %w", path, context.Cause(ctx))
	}
}
