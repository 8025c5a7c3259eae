package watch

import (
	"context"
	"sync"
	"time"
)

// Hosts limits how hard one process presses on each host: at most PerHost
// requests to one host at a time, and Delay between the start of one and
// the next. Feed polls and article fetches share it, so a feed and its
// articles on one site are throttled together. It is safe for concurrent
// use; the zero value allows 2 at a time and no delay.
type Hosts struct {
	PerHost int
	Delay   time.Duration

	mu    sync.Mutex
	hosts map[string]*host
}

type host struct {
	slots chan struct{}
	next  time.Time // earliest start of the next request
	users int       // holders and waiters
}

// Acquire waits for a slot on host and returns the function that frees
// it, or the context's error.
func (h *Hosts) Acquire(ctx context.Context, name string) (release func(), err error) {
	h.mu.Lock()
	if h.hosts == nil {
		h.hosts = map[string]*host{}
	}
	e := h.hosts[name]
	if e == nil {
		n := h.PerHost
		if n <= 0 {
			n = 2
		}
		e = &host{slots: make(chan struct{}, n)}
		h.hosts[name] = e
	}
	e.users++
	h.mu.Unlock()
	done := func() {
		h.mu.Lock()
		e.users--
		if e.users == 0 && !e.next.After(time.Now()) {
			// Idle and past its delay: forget the host, so the map
			// stays as small as the set of hosts in use.
			delete(h.hosts, name)
		}
		h.mu.Unlock()
	}
	select {
	case e.slots <- struct{}{}:
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
	free := func() { <-e.slots; done() }
	if h.Delay > 0 {
		h.mu.Lock()
		now := time.Now()
		start := now
		if e.next.After(now) {
			start = e.next
		}
		e.next = start.Add(h.Delay)
		h.mu.Unlock()
		if wait := time.Until(start); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				free()
				return nil, ctx.Err()
			}
		}
	}
	return free, nil
}
