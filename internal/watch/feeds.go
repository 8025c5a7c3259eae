package watch

import (
	"context"
	"database/sql"
	"time"

	"unspun/internal/store"
)

// DB is the database polling runs on (internal/store's Store).
type DB interface {
	ClaimDueFeeds(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Feed, error)
	RecordPoll(ctx context.Context, p store.Poll) error
	AddFeedItems(ctx context.Context, feedID int64, items []store.FeedItem,
		enqueue func(ctx context.Context, tx *sql.Tx, added []store.FeedItem) error) (int, error)
}

// Feeds is the Store of a Poller over db: new items are recorded and, when
// enqueue is not nil, their jobs inserted in the same transaction (River's
// jobs.Queue.Enqueue). With a nil enqueue the queued rows are the queue,
// as the Pool reads them.
func Feeds(db DB, enqueue func(ctx context.Context, tx *sql.Tx, added []store.FeedItem) error) Store {
	return feeds{db, enqueue}
}

type feeds struct {
	DB
	enqueue func(ctx context.Context, tx *sql.Tx, added []store.FeedItem) error
}

func (f feeds) AddItems(ctx context.Context, feedID int64, items []store.FeedItem) (int, error) {
	return f.AddFeedItems(ctx, feedID, items, f.enqueue)
}
