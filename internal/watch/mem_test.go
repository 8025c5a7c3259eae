package watch

import (
	"context"
	"slices"
	"sync"
	"time"

	"unspun/internal/ident"
	"unspun/internal/store"
)

// memStore is a complete in-memory Store, Items and Queue with the same
// rules as the database's (unique by feed and canonical URL, articles
// unique by URL), for tests that exercise this package alone.
type memStore struct {
	mu       sync.Mutex
	feeds    []store.Feed
	items    []store.FeedItem
	articles []*store.Article
	polls    []store.Poll
}

func (m *memStore) addFeed(f store.Feed) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	f.ID = int64(len(m.feeds) + 1)
	m.feeds = append(m.feeds, f)
	return f.ID
}

func (m *memStore) feed(id int64) store.Feed {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.feeds[id-1]
}

func (m *memStore) ClaimDueFeeds(_ context.Context, now time.Time, lease time.Duration, limit int) ([]store.Feed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var due []store.Feed
	for i := range m.feeds {
		f := &m.feeds[i]
		if len(due) < limit && !f.NextPoll.After(now) {
			due = append(due, *f)
			f.NextPoll = now.Add(lease)
		}
	}
	return due, nil
}

func (m *memStore) RecordPoll(_ context.Context, p store.Poll) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := &m.feeds[p.FeedID-1]
	f.LastPoll, f.NextPoll = p.At, p.Next
	if p.Err != "" {
		f.Failures++
		f.LastError = p.Err
	} else {
		f.Failures, f.LastError = 0, ""
		if p.Title != "" && f.Title == "" {
			f.Title = p.Title
		}
		if p.ETag != "" {
			f.ETag = p.ETag
		}
		if p.LastModified != "" {
			f.LastModified = p.LastModified
		}
	}
	m.polls = append(m.polls, p)
	return nil
}

func (m *memStore) AddItems(_ context.Context, feedID int64, title string, items []store.FeedItem) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if title != "" && m.feeds[feedID-1].Title == "" {
		m.feeds[feedID-1].Title = title
	}
	n := 0
	for _, it := range items {
		if slices.ContainsFunc(m.items, func(o store.FeedItem) bool {
			return o.FeedID == feedID && o.CanonicalURL == it.CanonicalURL
		}) {
			continue
		}
		it.ID = int64(len(m.items) + 1)
		it.FeedID = feedID
		it.State = store.ItemQueued
		it.Seen, it.Updated = time.Now(), time.Now()
		m.items = append(m.items, it)
		n++
	}
	return n, nil
}

func (m *memStore) QueuedItems(_ context.Context, canon string) ([]store.FeedItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.FeedItem
	for _, it := range m.items {
		if it.CanonicalURL == canon && it.State == store.ItemQueued {
			it.FeedTitle = m.feeds[it.FeedID-1].Title
			out = append(out, it)
		}
	}
	return out, nil
}

func (m *memStore) Save(_ context.Context, a *store.Article) (int64, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	canon, _ := ident.CanonicalURL(a.URL)
	for _, o := range m.articles {
		if c, _ := ident.CanonicalURL(o.URL); c == canon {
			return o.ID, true, nil
		}
	}
	a.ID = int64(len(m.articles) + 1)
	m.articles = append(m.articles, a)
	return a.ID, false, nil
}

func (m *memStore) FinishItems(_ context.Context, canon string, id int64) (int, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	taken := slices.ContainsFunc(m.items, func(o store.FeedItem) bool {
		return o.ArticleID == id && (o.State == store.ItemStored || o.State == store.ItemDuplicate)
	})
	stored, dups := 0, 0
	for i := range m.items {
		it := &m.items[i]
		if it.CanonicalURL != canon || it.State != store.ItemQueued {
			continue
		}
		it.ArticleID, it.Updated = id, time.Now()
		if taken {
			it.State = store.ItemDuplicate
			dups++
		} else {
			it.State = store.ItemStored
			stored++
			taken = true
		}
	}
	return stored, dups, nil
}

func (m *memStore) FailItems(_ context.Context, canon, reason string, final bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.items {
		it := &m.items[i]
		if it.CanonicalURL != canon || it.State != store.ItemQueued {
			continue
		}
		it.Reason, it.Updated = reason, time.Now()
		it.Attempts++
		if final {
			it.State = store.ItemFailed
		}
	}
	return nil
}

func (m *memStore) Queued(_ context.Context, limit int) ([]store.FeedItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.FeedItem
	for _, it := range m.items {
		if it.State == store.ItemQueued {
			out = append(out, it)
		}
	}
	slices.SortStableFunc(out, func(a, b store.FeedItem) int { return a.Attempts - b.Attempts })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (m *memStore) snapshot() ([]store.FeedItem, []*store.Article) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.items), slices.Clone(m.articles)
}
