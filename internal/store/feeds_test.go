package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestFeedsAddListDelete(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f, err := s.AddFeed(ctx, "https://news.example/rss", "", 15*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if f.ID == 0 || f.Every != 15*time.Minute || f.NextPoll.IsZero() || !f.LastPoll.IsZero() {
			t.Errorf("added feed %+v", f)
		}
		if _, err := s.AddFeed(ctx, "https://news.example/rss", "", time.Minute); !errors.Is(err, ErrFeedExists) {
			t.Errorf("adding it again: %v; want ErrFeedExists", err)
		}
		g, _ := s.AddFeed(ctx, "https://other.example/atom", "Other", time.Hour)
		fs, err := s.Feeds(ctx)
		if err != nil || len(fs) != 2 || fs[1].Title != "Other" {
			t.Fatalf("Feeds = %+v, %v", fs, err)
		}
		if got, err := s.FeedByURL(ctx, "https://other.example/atom"); err != nil || got.ID != g.ID {
			t.Errorf("FeedByURL = %+v, %v", got, err)
		}
		if err := s.DeleteFeed(ctx, f.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteFeed(ctx, f.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleting it again: %v; want ErrNotFound", err)
		}
		if _, err := s.Feed(ctx, f.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("Feed of a deleted feed: %v; want ErrNotFound", err)
		}
	})
}

func TestClaimAndRecordPoll(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f, _ := s.AddFeed(ctx, "https://news.example/rss", "", time.Minute)
		now := time.Now().Add(time.Second)
		due, err := s.ClaimDueFeeds(ctx, now, time.Minute, 10)
		if err != nil || len(due) != 1 || due[0].ID != f.ID {
			t.Fatalf("ClaimDueFeeds = %+v, %v", due, err)
		}
		if again, _ := s.ClaimDueFeeds(ctx, now, time.Minute, 10); len(again) != 0 {
			t.Errorf("claimed twice: %+v", again)
		}
		if err := s.RecordPoll(ctx, Poll{FeedID: f.ID, Title: "News", ETag: `"e1"`, LastModified: "Tue, 01 Dec 2026 10:00:00 GMT",
			At: now, Next: now.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		s.RecordPoll(ctx, Poll{FeedID: f.ID, At: now, Next: now.Add(2 * time.Minute), Err: "server answered 503"})
		s.RecordPoll(ctx, Poll{FeedID: f.ID, At: now, Next: now.Add(4 * time.Minute), Err: "no answer within 30s"})
		got, _ := s.Feed(ctx, f.ID)
		if got.Title != "News" || got.ETag != `"e1"` || got.Failures != 2 || got.LastError != "no answer within 30s" ||
			!got.NextPoll.Equal(now.Add(4*time.Minute).Truncate(time.Microsecond)) {
			t.Errorf("after polls: %+v", got)
		}
		// A success keeps the validators it does not bring (a 304).
		s.RecordPoll(ctx, Poll{FeedID: f.ID, At: now, Next: now.Add(time.Minute)})
		got, _ = s.Feed(ctx, f.ID)
		if got.Failures != 0 || got.LastError != "" || got.ETag != `"e1"` || got.Title != "News" {
			t.Errorf("after a 304: %+v", got)
		}
		// The title, once known, stays: it is the articles' source.
		s.RecordPoll(ctx, Poll{FeedID: f.ID, Title: "Renamed", At: now, Next: now.Add(time.Minute)})
		if got, _ = s.Feed(ctx, f.ID); got.Title != "News" {
			t.Errorf("title after the feed renamed itself: %q; want News", got.Title)
		}
	})
}

func TestFeedItemsLifecycle(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f1, _ := s.AddFeed(ctx, "https://one.example/rss", "One", time.Minute)
		f2, _ := s.AddFeed(ctx, "https://two.example/rss", "Two", time.Minute)
		item := func(u string) FeedItem { return FeedItem{URL: u + "?utm_source=rss", CanonicalURL: u, Title: "T " + u} }
		var enqueued []string
		enqueue := func(_ context.Context, tx *sql.Tx, added []FeedItem) error {
			if tx == nil {
				return errors.New("no transaction")
			}
			for _, it := range added {
				enqueued = append(enqueued, it.CanonicalURL)
			}
			return nil
		}
		n, err := s.AddFeedItems(ctx, f1.ID, "", []FeedItem{item("https://a.example/1"), item("https://a.example/2"), item("https://a.example/3")}, enqueue)
		if err != nil || n != 3 {
			t.Fatalf("AddFeedItems = %d, %v", n, err)
		}
		// Seen again: nothing new, nothing enqueued.
		if n, err := s.AddFeedItems(ctx, f1.ID, "", []FeedItem{item("https://a.example/1")}, enqueue); err != nil || n != 0 {
			t.Errorf("again: %d, %v; want 0", n, err)
		}
		s.AddFeedItems(ctx, f2.ID, "Two Wire", []FeedItem{item("https://a.example/1")}, enqueue)
		if got, _ := s.Feed(ctx, f2.ID); got.Title != "Two" {
			t.Errorf("title after AddFeedItems: %q; want the one given, Two", got.Title)
		}
		if fmt.Sprint(enqueued) != "[https://a.example/1 https://a.example/2 https://a.example/3 https://a.example/1]" {
			t.Errorf("enqueued %v", enqueued)
		}
		// An enqueue failure rolls the items back.
		fail := func(context.Context, *sql.Tx, []FeedItem) error { return errors.New("queue down") }
		if _, err := s.AddFeedItems(ctx, f2.ID, "", []FeedItem{item("https://a.example/9")}, fail); err == nil {
			t.Error("enqueue failure not returned")
		}
		if items, _ := s.FeedItems(ctx, f2.ID); len(items) != 1 {
			t.Errorf("%d items in feed two after a failed enqueue; want 1", len(items))
		}

		q, err := s.QueuedItems(ctx, "https://a.example/1")
		if err != nil || len(q) != 2 || q[0].FeedTitle != "One" || q[1].FeedTitle != "Two" || q[0].Seen.IsZero() {
			t.Fatalf("QueuedItems = %+v, %v", q, err)
		}
		id, _, err := s.Save(ctx, &Article{Title: "A1", URL: "https://a.example/1", Text: "Text one.", Model: "m"})
		if err != nil {
			t.Fatal(err)
		}
		if st, dup, err := s.FinishItems(ctx, "https://a.example/1", id); err != nil || st != 1 || dup != 1 {
			t.Errorf("FinishItems = %d, %d, %v; want 1 stored, 1 duplicate", st, dup, err)
		}
		if st, dup, _ := s.FinishItems(ctx, "https://a.example/1", id); st+dup != 0 {
			t.Errorf("finishing twice changed %d items", st+dup)
		}
		s.FailItems(ctx, "https://a.example/2", "server answered 503", false)
		s.FailItems(ctx, "https://a.example/3", "server answered 404 Not Found", true)
		if n, _ := s.QueuedCount(ctx); n != 1 {
			t.Errorf("QueuedCount = %d; want 1", n)
		}
		queued, _ := s.Queued(ctx, 10)
		if len(queued) != 1 || queued[0].Attempts != 1 || queued[0].Reason != "server answered 503" {
			t.Errorf("Queued = %+v", queued)
		}
		stale, _ := s.StaleQueued(ctx, time.Now().Add(time.Second), 10)
		if len(stale) != 1 || stale[0].CanonicalURL != "https://a.example/2" {
			t.Errorf("StaleQueued = %+v", stale)
		}
		fs, _ := s.Feeds(ctx)
		if c := fs[0]; c.Items != 3 || c.Stored != 1 || c.Queued != 1 || c.Failed != 1 || c.Duplicates != 0 {
			t.Errorf("feed one counts %+v", c)
		}
		if c := fs[1]; c.Items != 1 || c.Duplicates != 1 {
			t.Errorf("feed two counts %+v", c)
		}
		all, _ := s.FeedItems(ctx, 0)
		if len(all) != 4 || all[2].State != ItemFailed || all[2].Reason != "server answered 404 Not Found" || all[3].ArticleID != id {
			t.Errorf("FeedItems(0) = %+v", all)
		}
	})
}

func TestFinishItemsConcurrentlyStoresOnce(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		const feeds = 6
		u := "https://a.example/shared"
		for i := range feeds {
			f, _ := s.AddFeed(ctx, fmt.Sprintf("https://f%d.example/rss", i), "", time.Minute)
			s.AddFeedItems(ctx, f.ID, "", []FeedItem{{URL: u, CanonicalURL: u}}, nil)
		}
		id, _, _ := s.Save(ctx, &Article{URL: u, Text: "Shared.", Model: "m"})
		var wg sync.WaitGroup
		for range feeds {
			wg.Go(func() {
				if _, _, err := s.FinishItems(ctx, u, id); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		items, _ := s.FeedItems(ctx, 0)
		stored := 0
		for _, it := range items {
			if it.State == ItemStored {
				stored++
			} else if it.State != ItemDuplicate {
				t.Errorf("item %d is %s", it.ID, it.State)
			}
		}
		if stored != 1 {
			t.Errorf("%d items stored; want 1", stored)
		}
	})
}
