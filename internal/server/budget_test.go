package server

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBudget(t *testing.T) {
	b := newBudget(100)
	ctx := context.Background()
	a, _ := b.acquire(ctx, 60)
	c, _ := b.acquire(ctx, 40)
	if a != 60 || c != 40 {
		t.Fatalf("acquired %d, %d", a, c)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := b.acquire(short, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire over budget = %v, want a deadline error", err)
	}
	// A large waiter at the head is served before a small one behind it.
	order := make(chan int64, 2)
	go func() { n, _ := b.acquire(ctx, 500); order <- n }() // clamped to 100
	time.Sleep(10 * time.Millisecond)
	go func() { n, _ := b.acquire(ctx, 10); order <- n }()
	time.Sleep(10 * time.Millisecond)
	b.release(40)
	select {
	case n := <-order:
		t.Fatalf("a waiter got %d bytes while the head waits", n)
	case <-time.After(20 * time.Millisecond):
	}
	b.release(60)
	if n := <-order; n != 100 {
		t.Fatalf("first served %d, want the clamped 100", n)
	}
	b.release(100)
	if n := <-order; n != 10 {
		t.Fatalf("second served %d", n)
	}
	b.release(10)
	if b.used != 0 || b.waiters.Len() != 0 {
		t.Fatalf("used %d, %d waiting after all released", b.used, b.waiters.Len())
	}
}
