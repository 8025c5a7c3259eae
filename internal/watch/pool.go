package watch

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"unspun/internal/store"
)

// Queue is the durable feed-item table seen as a queue, for the Pool.
type Queue interface {
	Items
	// Queued returns up to limit queued items, fewest attempts first,
	// then oldest.
	Queued(ctx context.Context, limit int) ([]store.FeedItem, error)
}

// DefaultMaxAttempts is how many times an article is tried before its
// items are marked failed.
const DefaultMaxAttempts = 5

// RetryDelay is the wait after the given number of failed attempts: 2 s,
// 4 s, 8 s, … at most 30 minutes.
func RetryDelay(attempts int) time.Duration {
	d := time.Second
	for i := 0; i < attempts && d < 30*time.Minute; i++ {
		d *= 2
	}
	return min(d, 30*time.Minute)
}

// Pool works the queued feed items of one process with Workers
// goroutines, reading them from the durable item table itself: it is the
// job runner of `serve --watch` on SQLite, where there is one process and
// the table is the queue. Items survive a crash because they are rows;
// one interrupted mid-work is simply queued again.
type Pool struct {
	Queue       Queue
	Processor   *Processor
	Workers     int // GOMAXPROCS-independent; 2 if 0
	MaxAttempts int // DefaultMaxAttempts if 0
	// Idle is the pause when nothing is due (500 ms if 0).
	Idle time.Duration
	// RetryDelay is the wait after a number of failed attempts
	// (the package's RetryDelay if nil).
	RetryDelay func(attempts int) time.Duration
	Log        *slog.Logger
}

// Run works items until ctx ends; the items in work then are left queued.
func (p *Pool) Run(ctx context.Context) {
	workers := p.Workers
	if workers <= 0 {
		workers = 2
	}
	maxAttempts := p.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	idle := p.Idle
	if idle <= 0 {
		idle = 500 * time.Millisecond
	}
	retry := p.RetryDelay
	if retry == nil {
		retry = RetryDelay
	}
	log := p.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var (
		mu       sync.Mutex
		inFlight = map[string]bool{}
		wg       sync.WaitGroup
	)
	work := make(chan store.FeedItem)
	for range workers {
		wg.Go(func() {
			for it := range work {
				p.one(ctx, it, maxAttempts, log)
				mu.Lock()
				delete(inFlight, it.CanonicalURL)
				mu.Unlock()
			}
		})
	}
	defer func() {
		close(work)
		wg.Wait()
	}()
	for ctx.Err() == nil {
		items, err := p.Queue.Queued(ctx, 256)
		if err != nil {
			if ctx.Err() == nil {
				log.Error("read queued items", "err", err)
			}
		}
		sent := 0
		now := time.Now()
		for _, it := range items {
			mu.Lock()
			busy := inFlight[it.CanonicalURL]
			mu.Unlock()
			if busy || (it.Attempts > 0 && now.Before(it.Updated.Add(retry(it.Attempts)))) {
				continue
			}
			mu.Lock()
			inFlight[it.CanonicalURL] = true
			mu.Unlock()
			select {
			case work <- it:
				sent++
			case <-ctx.Done():
				return
			}
		}
		if sent == 0 {
			select {
			case <-ctx.Done():
			case <-time.After(idle):
			}
		}
	}
}

func (p *Pool) one(ctx context.Context, it store.FeedItem, maxAttempts int, log *slog.Logger) {
	start := time.Now()
	out, err := p.Processor.Process(ctx, it.CanonicalURL, it.URL)
	if err == nil {
		p.Processor.Metrics.Job("done", time.Since(start))
		log.Info("article stored", "url", it.URL, "article", out.ArticleID, "stored", out.Stored, "duplicate", out.Duplicate)
		return
	}
	if ctx.Err() != nil {
		return // shutting down: the item stays queued, this attempt uncounted
	}
	final := Permanent(err) || it.Attempts+1 >= maxAttempts
	result := "retried"
	if final {
		result = "failed"
	}
	p.Processor.Metrics.Job(result, time.Since(start))
	log.Warn("article failed", "url", it.URL, "attempt", it.Attempts+1, "final", final, "err", err)
	if ferr := p.Processor.Fail(ctx, it.CanonicalURL, err, final); ferr != nil {
		log.Error("record failure", "url", it.URL, "err", ferr)
	}
}
