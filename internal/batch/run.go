package batch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"unspun/internal/analysis"

	"unspun/internal/analyze"
	"unspun/internal/corpus"
	"unspun/internal/ctxio"
	"unspun/internal/fetch"
	"unspun/internal/store"
)

// minFetchWorkers is the default number of workers when feed links are
// fetched.
const minFetchWorkers = 8

// Record is the outcome for one item: its analysis, or why it failed.
type Record struct {
	Item
	// Result is the analysis; nil when Err is set.
	Result *analysis.Result
	// Err says why the article could not be analysed.
	Err error
	// Note says when the text analysed is not the one asked for: the
	// feed's summary of an item whose link could not be fetched.
	Note string
	// FeedText is set when the text analysed is the feed's own (often a
	// summary), not the linked page.
	FeedText bool
}

// Runner analyses items concurrently.
type Runner struct {
	// Analyzer runs the analyses; it must be set.
	Analyzer *analyze.Analyzer
	// Known, if set, returns an analysis already made of the record's
	// text (a stored one, say), or nil; a record it answers is not
	// analysed again. For a feed item whose link is to be fetched it is
	// first asked with text "" (by the link alone), so that a known link
	// is not fetched either.
	Known func(ctx context.Context, rec *Record, text string) *analysis.Result
	// Fetcher fetches feed items' links; when nil, feed items are
	// analysed from the feed's own text.
	Fetcher *fetch.Fetcher
	// Stdin is read for the item whose Path is "-".
	Stdin io.Reader
	// Workers is the number of articles read, fetched and analysed at a
	// time; 0 means GOMAXPROCS, or at least minFetchWorkers when feed
	// links are to be fetched, since fetching mostly waits on the network.
	Workers int
}

// job is one item in flight; done receives its record.
type job struct {
	item Item
	done chan *Record
}

// Run analyses items and calls emit with each record in the order of
// items, whatever the number of workers. At most a few records per worker
// are held at a time, so memory does not grow with the number of items.
// A failed article gives a record with Err set and the run goes on. When
// ctx is cancelled, Run stops starting analyses, emits the records of the
// analyses already finished (dropping those the cancellation cut short)
// and returns ctx's error within stopGrace, even if an analysis in
// progress has not yet noticed (it finishes in the background and its
// record is dropped). An error from emit stops the run and is returned.
func (r *Runner) Run(ctx context.Context, items []Item, emit func(*Record) error) error {
	if r.Analyzer == nil {
		return errors.New("batch: no analyzer")
	}
	workers := r.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
		if r.Fetcher != nil && slices.ContainsFunc(items, func(it Item) bool { return it.URL != "" }) {
			workers = max(workers, minFetchWorkers)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	jobs := make(chan *job)
	// order holds the jobs in input order; its capacity bounds how far
	// the workers may run ahead of the slowest article.
	order := make(chan *job, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.done <- r.analyse(ctx, j.item)
			}
		}()
	}
	go func() {
		defer close(order)
		defer close(jobs)
		for _, it := range items {
			j := &job{item: it, done: make(chan *Record, 1)}
			select {
			case order <- j:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				j.done <- &Record{Item: it, Err: ctx.Err()}
				return
			}
		}
	}()
	// The workers should be gone before Run returns; after a
	// cancellation they are waited for only briefly, since reads of
	// r.Stdin and fetches stop at once but an analysis may not.
	defer func() {
		if ctx.Err() == nil {
			wg.Wait()
			return
		}
		gone := make(chan struct{})
		go func() { wg.Wait(); close(gone) }()
		select {
		case <-gone:
		case <-time.After(stopGrace):
		}
	}()

	var emitErr error
	stopped := false
	for j := range order {
		var rec *Record
		if !stopped {
			select {
			case rec = <-j.done:
			case <-ctx.Done():
				// Keep the output in order: emit a record that is
				// already there, nothing after the first one that is
				// not.
				select {
				case rec = <-j.done:
				default:
					stopped = true
				}
			}
		}
		if rec == nil || emitErr != nil || (rec.Err != nil && ctx.Err() != nil && errors.Is(rec.Err, ctx.Err())) {
			continue
		}
		if err := emit(rec); err != nil {
			emitErr = err
			cancel()
		}
	}
	if emitErr != nil {
		return emitErr
	}
	return ctx.Err()
}

// stopGrace is how long Run waits, after a cancellation, for the workers
// to finish.
const stopGrace = 500 * time.Millisecond

// analyse reads, fetches and analyses one item.
func (r *Runner) analyse(ctx context.Context, it Item) *Record {
	rec := &Record{Item: it}
	if err := ctx.Err(); err != nil {
		rec.Err = err
		return rec
	}
	if r.Known != nil && rec.Path == "" && rec.URL != "" && r.Fetcher != nil {
		// A feed item's link is its identity: a stored one is neither
		// fetched nor analysed again.
		if res := r.Known(ctx, rec, ""); res != nil {
			rec.Result = res
			if rec.Title == "" {
				rec.Title = store.TitleOf(res.Text)
			}
			return rec
		}
	}
	text, err := r.text(ctx, rec)
	if err != nil {
		rec.Err = err
		return rec
	}
	if rec.Title == "" {
		rec.Title = store.TitleOf(text)
	}
	if r.Known != nil {
		if res := r.Known(ctx, rec, text); res != nil {
			rec.Result = res
			return rec
		}
	}
	res, err := r.Analyzer.Analyze(ctx, it.ID, text)
	switch {
	case errors.Is(err, analysis.ErrEmpty):
		err = errors.New("the article is empty")
	case errors.Is(err, analysis.ErrTooLarge):
		err = fmt.Errorf("the article is larger than %d MB", analysis.MaxBytes>>20)
	case errors.Is(err, analysis.ErrInvalidUTF8):
		err = errors.New("the article is not valid UTF-8")
	}
	if err != nil {
		rec.Err = err
		return rec
	}
	if res.Spans == nil {
		res.Spans = []analysis.Span{}
	}
	rec.Result = res
	return rec
}

// text returns the item's text, filling in what a fetched page tells of
// it. Errors do not repeat the item's name.
func (r *Runner) text(ctx context.Context, rec *Record) (string, error) {
	switch {
	case rec.Path == "-":
		if r.Stdin == nil {
			return "", errors.New("no standard input")
		}
		return decode(ctx, "standard input", r.Stdin)
	case rec.Path != "":
		return readFile(ctx, rec.Path)
	}
	if rec.URL == "" {
		if strings.TrimSpace(rec.Fallback) == "" {
			return "", errors.New("the feed item has neither a link nor any text")
		}
		rec.FeedText = true
		return rec.Fallback, nil
	}
	if r.Fetcher == nil {
		if strings.TrimSpace(rec.Fallback) == "" {
			return "", errors.New("fetching is off and the feed gives no text for this item")
		}
		rec.FeedText = true
		return rec.Fallback, nil
	}
	page, err := r.Fetcher.Fetch(ctx, rec.URL)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		msg := fetchReason(err)
		if strings.TrimSpace(rec.Fallback) == "" {
			return "", fmt.Errorf("could not fetch: %s; the feed gives no text for this item", msg)
		}
		rec.Note = fmt.Sprintf("could not fetch (%s); analysed the feed's summary instead", msg)
		rec.FeedText = true
		return rec.Fallback, nil
	}
	if rec.Title == "" {
		rec.Title = page.Title
	}
	if rec.Published.IsZero() {
		rec.Published = page.Published
	}
	if page.URL != "" {
		rec.URL = page.URL
	}
	return page.Text, nil
}

// fetchReason says why a fetch failed, without the URL the record
// already names, and how to allow a refused address.
func fetchReason(err error) string {
	if re, ok := errors.AsType[*fetch.RefusedError](err); ok {
		return re.Error() + "; --allow-private-urls allows it"
	}
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err
		if oe, ok := errors.AsType[*net.OpError](err); ok && oe.Err != nil {
			err = oe.Err
		}
		return err.Error()
	}
	// fetch's own errors start "fetch URL: ".
	msg := err.Error()
	if i := strings.Index(msg, ": "); strings.HasPrefix(msg, "fetch ") && i > 0 {
		msg = msg[i+2:]
	}
	return msg
}

// readFile reads the article at path; a named pipe is read as it is
// written to, until ctx ends.
func readFile(ctx context.Context, path string) (string, error) {
	f, err := openFile(ctx, path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return decode(ctx, path, f)
}

// decode is corpus.DecodeText with errors that do not repeat name. It
// stops reading past analysis.MaxBytes: a larger article could not be
// analysed anyway, and saying so names the limit that applies.
func decode(ctx context.Context, name string, r io.Reader) (string, error) {
	b, err := ctxio.ReadAll(ctx, r, analysis.MaxBytes)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", err
	}
	if len(b) > analysis.MaxBytes {
		return "", fmt.Errorf("the article is larger than %d MB", analysis.MaxBytes>>20)
	}
	text, err := corpus.DecodeText(name, bytes.NewReader(b))
	if err != nil {
		// DecodeText's errors are "name: what"; the record names the item.
		if inner := errors.Unwrap(err); inner != nil {
			return "", inner
		}
		return "", err
	}
	return text, nil
}

// openFile is os.Open with errors that do not repeat the path, and that
// stops waiting for a named pipe's writer when ctx ends.
func openFile(ctx context.Context, path string) (*os.File, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := ctxio.Open(ctx, path)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return nil, pe.Err
	}
	return f, err
}
