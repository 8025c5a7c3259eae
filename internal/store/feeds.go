package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Feed is a watched feed and the state of its polling.
type Feed struct {
	ID  int64
	URL string
	// Title is the source of the feed's articles: the title given when
	// it was added, else the feed's own, learnt at its first poll; it
	// does not change after.
	Title string
	// Every is the polling interval.
	Every time.Duration
	// ETag and LastModified are the validators of the last successful
	// answer, sent back as If-None-Match / If-Modified-Since.
	ETag, LastModified string
	// LastPoll is when the feed was last polled (zero: never);
	// NextPoll when it is due.
	LastPoll, NextPoll time.Time
	// Failures counts consecutive failed polls; LastError names the
	// last one ("" after a success).
	Failures  int
	LastError string
	Created   time.Time
	// Counts of the feed's items by state, filled in by Feeds.
	Items, Queued, Stored, Duplicates, Failed int
}

// ItemState is where a feed item is on its way to the store.
type ItemState string

// The states of a feed item.
const (
	ItemQueued    ItemState = "queued"    // waiting for (or in) a job
	ItemStored    ItemState = "stored"    // its article was analysed and stored
	ItemDuplicate ItemState = "duplicate" // its article was already stored (by URL)
	ItemFailed    ItemState = "failed"    // given up; Reason says why
)

// FeedItem is one item seen in a watched feed, unique by feed and
// canonical URL.
type FeedItem struct {
	ID           int64
	FeedID       int64
	URL          string
	CanonicalURL string
	Title        string
	State        ItemState
	// ArticleID is the stored article (states stored and duplicate).
	ArticleID int64
	// Reason says why the item failed, or why its last attempt did.
	Reason   string
	Attempts int
	// Seen is when the item was first seen in its feed; Updated when
	// its state last changed.
	Seen, Updated time.Time
	// FeedTitle is the title of the item's feed, its article's source.
	FeedTitle string
}

// Poll is the outcome of one poll of a feed, recorded by RecordPoll.
type Poll struct {
	FeedID int64
	// Title is the feed document's title ("" keeps the one known).
	Title string
	// ETag and LastModified are the answer's validators ("" keeps the
	// ones known, as after a 304).
	ETag, LastModified string
	At, Next           time.Time
	// Err is the failure, "" for a successful poll (which resets
	// Failures).
	Err string
}

// ErrFeedExists is returned by AddFeed for a URL already watched.
var ErrFeedExists = errors.New("feed already watched")

const feedColumns = `f.id, f.url, f.title, f.every_seconds, f.etag, f.last_modified, f.last_poll, f.next_poll,
	f.failures, f.last_error, f.created`

func scanFeed(sc interface{ Scan(...any) error }, extra ...any) (Feed, error) {
	var f Feed
	var every int64
	var lastPoll sql.NullString
	var next, created string
	err := sc.Scan(append([]any{&f.ID, &f.URL, &f.Title, &every, &f.ETag, &f.LastModified, &lastPoll, &next,
		&f.Failures, &f.LastError, &created}, extra...)...)
	if err != nil {
		return Feed{}, err
	}
	f.Every = time.Duration(every) * time.Second
	if lastPoll.Valid {
		f.LastPoll = parseTime(lastPoll.String)
	}
	f.NextPoll, f.Created = parseTime(next), parseTime(created)
	return f, nil
}

// AddFeed starts watching the feed at url, polled every interval (at
// least a second; the first poll is due at once). title may be empty: the
// feed's own title is learnt at the first poll.
func (s *Store) AddFeed(ctx context.Context, url, title string, every time.Duration) (Feed, error) {
	every = max(every, time.Second)
	now := time.Now()
	var id int64
	err := s.write(ctx, "add feed", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO feeds (url, title, every_seconds, next_poll, created)
			VALUES (?,?,?,?,?) ON CONFLICT (url) DO NOTHING RETURNING id`),
			url, title, int64(every/time.Second), timeText(now), timeText(now)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%s: %w", url, ErrFeedExists)
		}
		return err
	})
	if err != nil {
		return Feed{}, err
	}
	return s.Feed(ctx, id)
}

// Feed returns the watched feed with the given id, with its item counts,
// or ErrNotFound.
func (s *Store) Feed(ctx context.Context, id int64) (Feed, error) {
	fs, err := s.feeds(ctx, "WHERE f.id = ?", id)
	if err != nil {
		return Feed{}, err
	}
	if len(fs) == 0 {
		return Feed{}, fmt.Errorf("store: feed %d: %w", id, ErrNotFound)
	}
	return fs[0], nil
}

// FeedByURL returns the watched feed with exactly this URL, or ErrNotFound.
func (s *Store) FeedByURL(ctx context.Context, url string) (Feed, error) {
	fs, err := s.feeds(ctx, "WHERE f.url = ?", url)
	if err != nil {
		return Feed{}, err
	}
	if len(fs) == 0 {
		return Feed{}, fmt.Errorf("store: feed %s: %w", url, ErrNotFound)
	}
	return fs[0], nil
}

// Feeds returns every watched feed with its item counts, in the order
// they were added.
func (s *Store) Feeds(ctx context.Context) ([]Feed, error) { return s.feeds(ctx, "") }

func (s *Store) feeds(ctx context.Context, where string, args ...any) ([]Feed, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+feedColumns+`,
		count(i.id),
		coalesce(sum(CASE WHEN i.state = 'queued' THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN i.state = 'stored' THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN i.state = 'duplicate' THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN i.state = 'failed' THEN 1 ELSE 0 END), 0)
		FROM feeds f LEFT JOIN feed_items i ON i.feed_id = f.id `+where+`
		GROUP BY f.id ORDER BY f.id`), args...)
	if err != nil {
		return nil, s.classify("list feeds", err)
	}
	defer rows.Close()
	var out []Feed
	for rows.Next() {
		var n [5]int
		f, err := scanFeed(rows, &n[0], &n[1], &n[2], &n[3], &n[4])
		if err != nil {
			return nil, s.classify("list feeds", err)
		}
		f.Items, f.Queued, f.Stored, f.Duplicates, f.Failed = n[0], n[1], n[2], n[3], n[4]
		out = append(out, f)
	}
	return out, s.classify("list feeds", rows.Err())
}

// DeleteFeed stops watching a feed and forgets its items (not the
// articles stored from them), or returns ErrNotFound.
func (s *Store) DeleteFeed(ctx context.Context, id int64) error {
	return s.write(ctx, "delete feed", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM feed_items WHERE feed_id = ?"), id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM feeds WHERE id = ?"), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("feed %d: %w", id, ErrNotFound)
		}
		return nil
	})
}

// ClaimDueFeeds returns up to limit feeds due at now and moves their next
// poll to now+lease, so that other pollers skip them meanwhile; the
// poll's RecordPoll then sets the real next poll (watch.Store).
func (s *Store) ClaimDueFeeds(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Feed, error) {
	lock := ""
	if s.pg {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []Feed
	err := s.write(ctx, "claim due feeds", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q(`SELECT `+feedColumns+` FROM feeds f WHERE f.next_poll <= ?
			ORDER BY f.next_poll LIMIT ?`+lock), timeText(now), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			f, err := scanFeed(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, f := range out {
			if _, err := tx.ExecContext(ctx, s.q("UPDATE feeds SET next_poll = ? WHERE id = ?"),
				timeText(now.Add(lease)), f.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RecordPoll records the outcome of a poll: a success resets the failures
// and keeps the validators it brought, and the title if the feed has
// none yet (a title once known, or given, stays: it is the source of the
// feed's articles); a failure counts one more and keeps its reason.
func (s *Store) RecordPoll(ctx context.Context, p Poll) error {
	return s.write(ctx, "record poll", func(tx *sql.Tx) error {
		var err error
		if p.Err != "" {
			_, err = tx.ExecContext(ctx, s.q(`UPDATE feeds SET last_poll = ?, next_poll = ?, failures = failures + 1,
				last_error = ? WHERE id = ?`), timeText(p.At), timeText(p.Next), p.Err, p.FeedID)
		} else {
			_, err = tx.ExecContext(ctx, s.q(`UPDATE feeds SET last_poll = ?, next_poll = ?, failures = 0, last_error = '',
				title = CASE WHEN ? = '' OR title <> '' THEN title ELSE ? END,
				etag = CASE WHEN ? = '' THEN etag ELSE ? END,
				last_modified = CASE WHEN ? = '' THEN last_modified ELSE ? END
				WHERE id = ?`), timeText(p.At), timeText(p.Next), p.Title, p.Title, p.ETag, p.ETag,
				p.LastModified, p.LastModified, p.FeedID)
		}
		return err
	})
}

// AddFeedItems records the items of a feed not recorded before (by
// canonical URL) as queued, and calls enqueue, when not nil, with the new
// ones in the same transaction: their jobs commit with them or not at
// all. A feed without a title gets title (when not empty) in the same
// transaction, so the jobs store their articles under it. It returns how
// many items were new.
func (s *Store) AddFeedItems(ctx context.Context, feedID int64, title string, items []FeedItem,
	enqueue func(ctx context.Context, tx *sql.Tx, added []FeedItem) error) (int, error) {
	var added []FeedItem
	now := timeText(time.Now())
	err := s.write(ctx, "add feed items", func(tx *sql.Tx) error {
		added = added[:0]
		if title != "" {
			if _, err := tx.ExecContext(ctx, s.q("UPDATE feeds SET title = ? WHERE id = ? AND title = ''"), title, feedID); err != nil {
				return err
			}
		}
		// A feed lists the same items poll after poll: look them up in
		// chunks and insert only the new ones.
		known := map[string]bool{}
		for chunk := range slices.Chunk(items, 500) {
			args := []any{feedID}
			for _, it := range chunk {
				args = append(args, it.CanonicalURL)
			}
			rows, err := tx.QueryContext(ctx, s.q(`SELECT canonical_url FROM feed_items WHERE feed_id = ? AND canonical_url IN (?`+
				strings.Repeat(",?", len(chunk)-1)+`)`), args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var c string
				if err := rows.Scan(&c); err != nil {
					rows.Close()
					return err
				}
				known[c] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		st, err := tx.PrepareContext(ctx, s.q(`INSERT INTO feed_items (feed_id, url, canonical_url, title, state, seen, updated)
			VALUES (?,?,?,?,'queued',?,?) ON CONFLICT (feed_id, canonical_url) DO NOTHING RETURNING id`))
		if err != nil {
			return err
		}
		defer st.Close()
		for _, it := range items {
			if known[it.CanonicalURL] {
				continue
			}
			err := st.QueryRowContext(ctx, feedID, it.URL, it.CanonicalURL, it.Title, now, now).Scan(&it.ID)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			it.FeedID, it.State = feedID, ItemQueued
			added = append(added, it)
		}
		if enqueue != nil && len(added) > 0 {
			return enqueue(ctx, tx, added)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(added), nil
}

const itemColumns = `i.id, i.feed_id, i.url, i.canonical_url, i.title, i.state, coalesce(i.article_id, 0), i.reason,
	i.attempts, i.seen, i.updated, f.title`

func scanItems(rows *sql.Rows) ([]FeedItem, error) {
	defer rows.Close()
	var out []FeedItem
	for rows.Next() {
		var it FeedItem
		var seen, updated string
		if err := rows.Scan(&it.ID, &it.FeedID, &it.URL, &it.CanonicalURL, &it.Title, &it.State, &it.ArticleID,
			&it.Reason, &it.Attempts, &seen, &updated, &it.FeedTitle); err != nil {
			return nil, err
		}
		it.Seen, it.Updated = parseTime(seen), parseTime(updated)
		out = append(out, it)
	}
	return out, rows.Err()
}

// FeedItems returns the items of one feed (every feed if feedID is 0), in
// the order they were seen.
func (s *Store) FeedItems(ctx context.Context, feedID int64) ([]FeedItem, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+itemColumns+` FROM feed_items i JOIN feeds f ON f.id = i.feed_id
		WHERE ? = 0 OR i.feed_id = ? ORDER BY i.id`), feedID, feedID)
	if err != nil {
		return nil, s.classify("list feed items", err)
	}
	items, err := scanItems(rows)
	return items, s.classify("list feed items", err)
}

// QueuedItems returns the queued items with this canonical URL, oldest
// first, with their feeds' titles (watch.Items).
func (s *Store) QueuedItems(ctx context.Context, canonicalURL string) ([]FeedItem, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+itemColumns+` FROM feed_items i JOIN feeds f ON f.id = i.feed_id
		WHERE i.canonical_url = ? AND i.state = 'queued' ORDER BY i.id`), canonicalURL)
	if err != nil {
		return nil, s.classify("read queued items", err)
	}
	items, err := scanItems(rows)
	return items, s.classify("read queued items", err)
}

// Queued returns up to limit queued items, fewest attempts first, then
// oldest (watch.Queue).
func (s *Store) Queued(ctx context.Context, limit int) ([]FeedItem, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+itemColumns+` FROM feed_items i JOIN feeds f ON f.id = i.feed_id
		WHERE i.state = 'queued' ORDER BY i.attempts, i.id LIMIT ?`), limit)
	if err != nil {
		return nil, s.classify("read queued items", err)
	}
	items, err := scanItems(rows)
	return items, s.classify("read queued items", err)
}

// QueuedCount counts the queued items of every feed.
func (s *Store) QueuedCount(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM feed_items WHERE state = 'queued'").Scan(&n)
	return n, s.classify("count queued items", err)
}

// StaleQueued returns the canonical URLs and links of items queued and
// unchanged since before, for a sweep that enqueues their jobs again in
// case one was lost.
func (s *Store) StaleQueued(ctx context.Context, before time.Time, limit int) ([]FeedItem, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+itemColumns+` FROM feed_items i JOIN feeds f ON f.id = i.feed_id
		WHERE i.state = 'queued' AND i.updated < ? ORDER BY i.id LIMIT ?`), timeText(before), limit)
	if err != nil {
		return nil, s.classify("read stale items", err)
	}
	items, err := scanItems(rows)
	return items, s.classify("read stale items", err)
}

// FinishItems marks the queued items with canonicalURL as done with
// article id: the first item ever to reach the article is stored, every
// later one a duplicate (watch.Items). It returns how many became each.
func (s *Store) FinishItems(ctx context.Context, canonicalURL string, id int64) (stored, dups int, err error) {
	err = s.write(ctx, "finish feed items", func(tx *sql.Tx) error {
		stored, dups = 0, 0
		if s.pg {
			// One finisher per article at a time, so that two feeds'
			// items finished at once do not both become "stored".
			if _, err := tx.ExecContext(ctx, "SELECT id FROM articles WHERE id = $1 FOR UPDATE", id); err != nil {
				return err
			}
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, s.q(`SELECT EXISTS (SELECT 1 FROM feed_items WHERE article_id = ?
			AND state IN ('stored', 'duplicate'))`), id).Scan(&taken); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.q(`SELECT id FROM feed_items WHERE canonical_url = ? AND state = 'queued' ORDER BY id`), canonicalURL)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var i int64
			if err := rows.Scan(&i); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, i)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := timeText(time.Now())
		for _, i := range ids {
			state := ItemDuplicate
			if !taken {
				state, taken = ItemStored, true
				stored++
			} else {
				dups++
			}
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE feed_items SET state = ?, article_id = ?, reason = '', updated = ?
				WHERE id = ? AND state = 'queued'`), string(state), id, now, i); err != nil {
				return err
			}
		}
		return nil
	})
	return stored, dups, err
}

// FailItems records a failed attempt on the queued items with
// canonicalURL: final marks them failed with reason; otherwise they stay
// queued with the reason and one more attempt counted (watch.Items).
func (s *Store) FailItems(ctx context.Context, canonicalURL, reason string, final bool) error {
	state := ItemQueued
	if final {
		state = ItemFailed
	}
	return s.write(ctx, "fail feed items", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE feed_items SET state = ?, reason = ?, attempts = attempts + 1, updated = ?
			WHERE canonical_url = ? AND state = 'queued'`), string(state), reason, timeText(time.Now()), canonicalURL)
		return err
	})
}

// Postgres returns the PostgreSQL database under the store, for the job
// queue that shares its transactions; ok is false for SQLite.
func (s *Store) Postgres() (db *sql.DB, ok bool) {
	if !s.pg {
		return nil, false
	}
	return s.w, true
}

// Migrate runs fn in one transaction holding the lock that the store's
// own migrations hold (PostgreSQL), so that other schemas living in the
// database, such as River's job tables, are migrated once however many
// processes start together.
func (s *Store) Migrate(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return s.write(ctx, "migrate", func(tx *sql.Tx) error {
		if s.pg {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
				return err
			}
		}
		return fn(ctx, tx)
	})
}
