package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"unspun/internal/analysis"
	"unspun/internal/fetch"
	"unspun/internal/metrics"
	"unspun/internal/store"
)

// Items is what working an article needs of the database.
type Items interface {
	// QueuedItems returns the queued items with this canonical URL (one
	// per feed that has it), oldest first, with their feeds' titles.
	QueuedItems(ctx context.Context, canonicalURL string) ([]store.FeedItem, error)
	// Save stores a; an article already stored under the same
	// identity returns its id and existed.
	Save(ctx context.Context, a *store.Article) (id int64, existed bool, err error)
	// FinishItems marks the queued items with canonicalURL as done with
	// article id: the first item that reaches an article is stored, every
	// later one (in this or another feed) a duplicate. It returns how many
	// became stored and duplicate.
	FinishItems(ctx context.Context, canonicalURL string, id int64) (stored, duplicates int, err error)
	// FailItems records a failed attempt on the queued items with
	// canonicalURL: final marks them failed with reason; otherwise they
	// stay queued with the reason and one more attempt counted.
	FailItems(ctx context.Context, canonicalURL, reason string, final bool) error
}

// Fetcher downloads and extracts an article (fetch.Fetcher does).
type Fetcher interface {
	Fetch(ctx context.Context, rawURL string) (*fetch.Page, error)
}

// Analyzer analyses a text (analyze.Analyzer does).
type Analyzer interface {
	Analyze(ctx context.Context, id, text string) (*analysis.Result, error)
}

// ErrPermanent marks a failure that trying again will not mend: the page is
// gone (404, 410 and other 4xx answers), is no article, is too large or of
// a type that cannot be read, or is at an address that is refused. Other
// failures (network, timeouts, 5xx, 429, the database) are transient.
var ErrPermanent = errors.New("permanent")

// Permanent reports whether err is a failure worth no retry.
func Permanent(err error) bool {
	if errors.Is(err, ErrPermanent) {
		return true
	}
	if se, ok := errors.AsType[*fetch.StatusError](err); ok {
		return !se.Temporary()
	}
	if _, ok := errors.AsType[*fetch.RefusedError](err); ok {
		return true
	}
	for _, e := range []error{fetch.ErrBadURL, fetch.ErrUnsupportedType, fetch.ErrTooLarge, fetch.ErrNoText,
		analysis.ErrEmpty, analysis.ErrTooLarge, analysis.ErrInvalidUTF8} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Processor works one article: fetch, extract, analyse, store, and record
// the outcome on its feed items. The River worker (internal/jobs) and the
// in-process Pool both call it. It is safe for concurrent use.
type Processor struct {
	Items    Items
	Fetcher  Fetcher
	Analyzer Analyzer
	// Hosts limits article fetches per host; nil means no limit.
	Hosts   *Hosts
	Log     *slog.Logger
	Metrics *metrics.Set
}

// Outcome is what Process did.
type Outcome struct {
	ArticleID         int64
	Stored, Duplicate int
	// Lag is the time from the oldest item being seen to its article
	// being stored (zero when nothing was waiting).
	Lag time.Duration
}

// Process fetches and stores the article at rawURL (canonical form
// canonicalURL) and finishes its queued items. A failure is returned, not
// recorded: the caller decides, from Permanent and the attempts left,
// whether to retry or to record it with Fail.
func (p *Processor) Process(ctx context.Context, canonicalURL, rawURL string) (Outcome, error) {
	items, err := p.Items.QueuedItems(ctx, canonicalURL)
	if err != nil {
		return Outcome{}, fmt.Errorf("read items of %s: %w", canonicalURL, err)
	}
	if len(items) == 0 {
		// Finished by an earlier run of the same job (one that stored
		// and then lost its worker before the queue heard of it).
		return Outcome{}, nil
	}
	if p.Hosts != nil {
		if u, err := url.Parse(rawURL); err == nil {
			release, err := p.Hosts.Acquire(ctx, u.Hostname())
			if err != nil {
				return Outcome{}, err
			}
			defer release()
		}
	}
	page, err := p.Fetcher.Fetch(ctx, rawURL)
	if err != nil {
		return Outcome{}, err
	}
	res, err := p.Analyzer.Analyze(ctx, rawURL, page.Text)
	if err != nil {
		return Outcome{}, fmt.Errorf("analyse %s: %w", rawURL, err)
	}
	p.Metrics.Analysed(res.Model)
	first := items[0]
	title := page.Title
	if title == "" {
		title = first.Title
	}
	source := first.FeedTitle
	if source == "" {
		if u, err := url.Parse(rawURL); err == nil {
			source = u.Hostname()
		}
	}
	a, err := store.FromResult(store.Meta{Title: title, Source: source, URL: rawURL, Byline: page.Byline, Published: page.Published}, res)
	if err != nil {
		return Outcome{}, err
	}
	id, _, err := p.Items.Save(ctx, a)
	if err != nil {
		return Outcome{}, fmt.Errorf("store %s: %w", rawURL, err)
	}
	stored, dups, err := p.Items.FinishItems(ctx, canonicalURL, id)
	if err != nil {
		return Outcome{}, fmt.Errorf("record items of %s: %w", canonicalURL, err)
	}
	out := Outcome{ArticleID: id, Stored: stored, Duplicate: dups, Lag: time.Since(first.Seen)}
	p.Metrics.Items(string(store.ItemStored), stored)
	p.Metrics.Items(string(store.ItemDuplicate), dups)
	if stored > 0 {
		p.Metrics.Lag(out.Lag)
	}
	return out, nil
}

// Fail records err on the queued items of canonicalURL: final marks them
// failed with err as the reason, otherwise one more attempt is counted.
func (p *Processor) Fail(ctx context.Context, canonicalURL string, err error, final bool) error {
	if final {
		p.Metrics.Items(string(store.ItemFailed), 1)
	}
	if ferr := p.Items.FailItems(ctx, canonicalURL, err.Error(), final); ferr != nil {
		return fmt.Errorf("record failure of %s: %w", canonicalURL, ferr)
	}
	return nil
}
