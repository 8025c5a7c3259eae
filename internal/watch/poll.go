// Package watch keeps watched feeds flowing into the store: it polls feeds
// that are due (conditional GET, per-host limits, backoff on errors),
// records every new item as a durable feed item together with the job
// that will fetch it, and works those jobs: fetch, extract, analyse,
// store, and record each item's outcome (stored, duplicate, or failed with
// its reason).
//
// The package knows the database only through its small Store and Items
// interfaces: internal/store implements them over SQLite and PostgreSQL,
// and internal/jobs adds the River queue for PostgreSQL.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"unspun/internal/ident"
	"unspun/internal/metrics"
	"unspun/internal/store"
)

// Store is what polling needs of the database.
type Store interface {
	// ClaimDueFeeds returns the feeds due at now and pushes their next
	// poll to now+lease, so that other pollers (other workers, other
	// machines) skip them while this one polls; RecordPoll then sets the
	// real next poll. A poller that dies lets the lease run out.
	ClaimDueFeeds(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Feed, error)
	// RecordPoll records the outcome of one poll.
	RecordPoll(ctx context.Context, p store.Poll) error
	// AddItems records the items not yet seen in the feed (by canonical
	// URL) as queued, and enqueues their work in the same transaction,
	// so that an item is never recorded without its job or the other
	// way round. A title that is not empty becomes the feed's first, so
	// that the jobs find it. It returns the number of new items.
	AddItems(ctx context.Context, feedID int64, title string, items []store.FeedItem) (int, error)
}

// Defaults of the Poller's fields left zero.
const (
	DefaultMaxFeedBytes = 10 << 20
	DefaultPollTimeout  = 30 * time.Second
	// MaxBackoff caps the wait after repeated failures.
	MaxBackoff = 24 * time.Hour
	// claimLease is how long a claimed feed is left to its poller.
	claimLease = 2 * time.Minute
)

// ErrNotFeed is the reason recorded for a document that is no RSS, Atom or
// JSON feed (a web page, say).
var ErrNotFeed = errors.New("not an RSS, Atom or JSON feed")

// PollError is a failed poll: the feed and why.
type PollError struct {
	Feed string // the feed's URL, redacted
	Err  error
}

func (e *PollError) Error() string { return "poll " + e.Feed + ": " + e.Err.Error() }
func (e *PollError) Unwrap() error { return e.Err }

// Poller polls feeds. It is safe for concurrent use.
type Poller struct {
	Store Store
	// Client downloads feeds; it should refuse private addresses unless
	// they are allowed (fetch.Fetcher.HTTPClient does).
	Client *http.Client
	// Hosts limits requests per host; nil means no limit.
	Hosts *Hosts
	// MaxBytes caps a feed document (DefaultMaxFeedBytes if 0).
	MaxBytes int64
	// Timeout bounds one poll (DefaultPollTimeout if 0).
	Timeout time.Duration
	// Concurrency is how many feeds PollDue polls at once (4 if 0).
	Concurrency int
	Log         *slog.Logger
	Metrics     *metrics.Set
	// Now is the clock (time.Now if nil), for tests.
	Now func() time.Time
}

func (p *Poller) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Poller) log() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Backoff is the wait before polling a feed again after failures
// consecutive failed polls: every, doubled for each failure after the
// first, at most MaxBackoff.
func Backoff(every time.Duration, failures int) time.Duration {
	d := every
	for i := 1; i < failures && d < MaxBackoff; i++ {
		d *= 2
	}
	return min(d, MaxBackoff)
}

// Poll polls one feed now and records the outcome: a failure (unreachable,
// an error status, not a feed, too large, malformed) is recorded on the
// feed with its reason and backs it off, and is returned as a *PollError.
// Only a failure to record is something else.
func (p *Poller) Poll(ctx context.Context, f store.Feed) error {
	start := time.Now()
	res, err := p.fetch(ctx, f)
	now := p.now()
	rec := store.Poll{FeedID: f.ID, At: now, Next: now.Add(f.Every)}
	outcome := "ok"
	var added int
	switch {
	case err != nil:
		outcome = "failed"
		rec.Err = err.Error()
		rec.Next = now.Add(Backoff(f.Every, f.Failures+1))
	case res.notModified:
		outcome = "not_modified"
	default:
		rec.Title, rec.ETag, rec.LastModified = res.title, res.etag, res.lastModified
		if len(res.items) > 0 {
			added, err = p.Store.AddItems(ctx, f.ID, res.title, res.items)
			if err != nil {
				return fmt.Errorf("poll %s: record items: %w", redact(f.URL), err)
			}
		}
	}
	if rerr := p.Store.RecordPoll(ctx, rec); rerr != nil {
		return fmt.Errorf("poll %s: record poll: %w", redact(f.URL), rerr)
	}
	p.Metrics.Poll(redact(f.URL), outcome, time.Since(start))
	p.Metrics.Items(string(store.ItemQueued), added)
	if err != nil {
		p.log().Warn("poll failed", "feed", redact(f.URL), "failures", f.Failures+1, "next", rec.Next, "err", err)
		return &PollError{Feed: redact(f.URL), Err: err}
	}
	p.log().Info("polled", "feed", redact(f.URL), "outcome", outcome, "items", len(res.items), "new", added,
		"seconds", time.Since(start).Seconds())
	return nil
}

// PollDue claims the feeds that are due and polls them, Concurrency at a
// time. It returns how many it polled and the first error that is not a
// failed poll (failed polls are recorded and logged).
func (p *Poller) PollDue(ctx context.Context) (int, error) {
	n := p.Concurrency
	if n <= 0 {
		n = 4
	}
	feeds, err := p.Store.ClaimDueFeeds(ctx, p.now(), claimLease, 64)
	if err != nil {
		return 0, fmt.Errorf("claim due feeds: %w", err)
	}
	sem := make(chan struct{}, n)
	errs := make(chan error, len(feeds))
	for _, f := range feeds {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			err := p.Poll(ctx, f)
			if _, failed := errors.AsType[*PollError](err); failed {
				err = nil
			}
			errs <- err
		}()
	}
	var first error
	for range feeds {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return len(feeds), first
}

// Run polls due feeds every interval until ctx ends.
func (p *Poller) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := p.PollDue(ctx); err != nil && ctx.Err() == nil {
			p.log().Error("polling", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

type fetched struct {
	notModified        bool
	title              string
	etag, lastModified string
	items              []store.FeedItem
}

func (p *Poller) fetch(ctx context.Context, f store.Feed) (*fetched, error) {
	u, err := url.Parse(f.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("not an http(s) URL")
	}
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = DefaultPollTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if p.Hosts != nil {
		release, err := p.Hosts.Acquire(ctx, u.Hostname())
		if err != nil {
			return nil, fmt.Errorf("waiting for host %s: %w", u.Hostname(), err)
		}
		defer release()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "unspun/1 (+feed watcher)")
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8")
	if f.ETag != "" {
		req.Header.Set("If-None-Match", f.ETag)
	}
	if f.LastModified != "" {
		req.Header.Set("If-Modified-Since", f.LastModified)
	}
	client := p.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, describe(ctx, err, timeout)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return &fetched{notModified: true}, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("server answered %s", resp.Status)
	}
	limit := p.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxFeedBytes
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read feed: %w", describe(ctx, err, timeout))
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("feed larger than %d bytes", limit)
	}
	feed, err := gofeed.NewParser().ParseString(string(body))
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return nil, fmt.Errorf("%w (content type %q: a web page?)", ErrNotFeed, resp.Header.Get("Content-Type"))
	}
	if err != nil {
		return nil, fmt.Errorf("malformed feed: %v", err)
	}
	out := &fetched{
		title:        strings.Join(strings.Fields(feed.Title), " "),
		etag:         resp.Header.Get("ETag"),
		lastModified: resp.Header.Get("Last-Modified"),
	}
	seen := map[string]bool{}
	skipped := 0
	for _, it := range feed.Items {
		link := itemLink(it, resp.Request.URL)
		if link == "" {
			skipped++
			continue
		}
		canon, err := ident.CanonicalURL(link)
		if err != nil || seen[canon] {
			skipped++
			continue
		}
		seen[canon] = true
		out.items = append(out.items, store.FeedItem{
			FeedID: f.ID, URL: link, CanonicalURL: canon, Title: strings.Join(strings.Fields(it.Title), " "),
			State: store.ItemQueued,
		})
	}
	if skipped > 0 {
		p.log().Debug("feed items without a usable link or repeated", "feed", redact(f.URL), "skipped", skipped)
	}
	return out, nil
}

// itemLink is the item's absolute http(s) link, or "".
func itemLink(it *gofeed.Item, base *url.URL) string {
	for _, l := range append([]string{it.Link}, it.Links...) {
		u, err := url.Parse(strings.TrimSpace(l))
		if err != nil || l == "" {
			continue
		}
		u = base.ResolveReference(u)
		if (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return u.String()
		}
	}
	return ""
}

// describe turns a client error into a reason without the URL (which the
// feed's record already names) and with timeouts said plainly.
func describe(ctx context.Context, err error, timeout time.Duration) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("no answer within %s", timeout)
	}
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}

// redact is u without its password, for logs and metrics.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}

// CheckURL checks that raw is an absolute http(s) URL with a host, as a
// feed's must be, and returns it trimmed.
func CheckURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not a feed URL (want http:// or https://)", raw)
	}
	return raw, nil
}
