package store

import (
	"time"
)

// Feed is a watched feed and the state of its polling.
type Feed struct {
	ID  int64
	URL string
	// Title is the feed's own title, learnt at the first successful poll
	// (or given when the feed was added); it is the source of the
	// feed's articles.
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
