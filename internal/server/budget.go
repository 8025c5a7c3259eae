package server

import (
	"container/list"
	"context"
	"sync"
)

// budget is a weighted semaphore over bytes of article text in analysis:
// the pipeline's memory grows with the text, so bounding the bytes in
// analysis at once bounds the server's memory whatever the mix of sizes.
// Waiters are served first come, first served, so a large article is not
// starved by a stream of small ones.
type budget struct {
	mu      sync.Mutex
	size    int64
	used    int64
	waiters list.List // of *budgetWaiter
}

type budgetWaiter struct {
	n     int64
	ready chan struct{}
}

func newBudget(size int64) *budget { return &budget{size: size} }

// acquire takes n bytes of the budget (at most all of it), waiting until
// they are free or ctx is done. It returns the amount to release.
func (b *budget) acquire(ctx context.Context, n int64) (int64, error) {
	n = min(max(n, 1), b.size)
	b.mu.Lock()
	if b.waiters.Len() == 0 && b.used+n <= b.size {
		b.used += n
		b.mu.Unlock()
		return n, nil
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	e := b.waiters.PushBack(w)
	b.mu.Unlock()
	select {
	case <-w.ready:
		return n, nil
	case <-ctx.Done():
		b.mu.Lock()
		select {
		case <-w.ready:
			// Granted while giving up: hand it back.
			b.used -= n
		default:
			b.waiters.Remove(e)
		}
		b.grant()
		b.mu.Unlock()
		return 0, ctx.Err()
	}
}

// release returns n bytes taken by acquire.
func (b *budget) release(n int64) {
	b.mu.Lock()
	b.used -= n
	b.grant()
	b.mu.Unlock()
}

// grant wakes the waiters at the head of the queue that now fit.
func (b *budget) grant() {
	for e := b.waiters.Front(); e != nil; e = b.waiters.Front() {
		w := e.Value.(*budgetWaiter)
		if b.used+w.n > b.size {
			return
		}
		b.used += w.n
		b.waiters.Remove(e)
		close(w.ready)
	}
}
