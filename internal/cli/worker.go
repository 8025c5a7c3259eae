package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"unspun/internal/fetch"
	"unspun/internal/jobs"
	"unspun/internal/metrics"
	"unspun/internal/store"
	"unspun/internal/watch"
)

func init() {
	register(&command{
		name:    "worker",
		summary: "poll watched feeds and analyse their new articles, as one of many workers on PostgreSQL",
		run:     runWorker,
	})
}

const workerUsage = `
Usage:
  unspun worker --db postgres://… [--concurrency N] [--allow-private-urls] [--log-format text|json]

Works the article jobs of the shared PostgreSQL database (on River, a job
queue in PostgreSQL) and polls the watched feeds that are due ('unspun
feeds add' adds them). Each new feed item becomes one job, unique by its
canonical URL: fetch, extract, analyse, store under the feed's title.
Network errors, timeouts and 5xx answers are retried with backoff; a 404,
a page with no article or a refused private address fails the item at
once, with its reason ('unspun feeds list' counts them). Any number of
workers may run, on any number of machines.

SIGINT or SIGTERM stops taking jobs, lets the running ones finish (up to
--grace) and hands the rest back; a worker killed outright loses nothing:
its jobs go to another worker after --job-timeout and a rescue interval.
With SQLite, use 'unspun serve --watch' (one process) instead.

Examples:
  unspun worker --db postgres://unspun@db.example/unspun --concurrency 8
  unspun worker --db "$UNSPUN_DB" --log-format json --metrics-addr 127.0.0.1:9464
`

// watchFlags are the flags of `worker` and `serve --watch`.
type watchFlags struct {
	concurrency  *int
	perHost      *int
	hostDelay    *time.Duration
	jobTimeout   *time.Duration
	pollInterval *time.Duration
	grace        *time.Duration
}

func addWatchFlags(fs *flag.FlagSet) *watchFlags {
	return &watchFlags{
		concurrency:  fs.Int("concurrency", 2*runtime.GOMAXPROCS(0), "`N` article jobs worked at once (fetching waits on the network; analysis uses the CPU)"),
		perHost:      fs.Int("per-host", 4, "requests at once to one host, feeds and articles together"),
		hostDelay:    fs.Duration("host-delay", 0, "least `time` between the starts of two requests to one host"),
		jobTimeout:   fs.Duration("job-timeout", time.Minute, "bound on one article job; a job of a killed worker is rescued after this plus 15s"),
		pollInterval: fs.Duration("poll-interval", 5*time.Second, "how often to look for feeds that are due"),
		grace:        fs.Duration("grace", 30*time.Second, "on SIGINT/SIGTERM, how long running jobs may finish before they are handed back"),
	}
}

func (w *watchFlags) check() error {
	switch {
	case *w.concurrency < 1:
		return usageErrorf("--concurrency %d: want at least 1", *w.concurrency)
	case *w.perHost < 1:
		return usageErrorf("--per-host %d: want at least 1", *w.perHost)
	case *w.hostDelay < 0:
		return usageErrorf("--host-delay %v: want 0 or more", *w.hostDelay)
	case *w.jobTimeout < time.Second:
		return usageErrorf("--job-timeout %v: want at least 1s", *w.jobTimeout)
	case *w.pollInterval < 100*time.Millisecond:
		return usageErrorf("--poll-interval %v: want at least 100ms", *w.pollInterval)
	}
	return nil
}

// logFormat registers --log-format.
func logFormat(fs *flag.FlagSet) *string {
	return fs.String("log-format", "text", "log `format` on standard error: text or json (log/slog)")
}

// newLogger makes the process's structured logger.
func newLogger(w io.Writer, format string, level slog.Level) (*slog.Logger, error) {
	o := &slog.HandlerOptions{Level: level}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, o)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	}
	return nil, usageErrorf("--log-format %q: want text or json", format)
}

func runWorker(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "worker", workerUsage)
	db := AddDBFlags(fs)
	wf := addWatchFlags(fs)
	allowPrivate := fs.Bool("allow-private-urls", false, "allow fetching feeds and articles on loopback, private and link-local addresses")
	format := logFormat(fs)
	metricsAddr := fs.String("metrics-addr", "", "serve Prometheus metrics at http://`ADDR`/metrics (e.g. 127.0.0.1:9464)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if err := wf.check(); err != nil {
		return err
	}
	log, err := newLogger(env.Stderr, *format, slog.LevelInfo)
	if err != nil {
		return err
	}
	dbURL, err := db.URL(env)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, ok := st.Postgres(); !ok {
		return usageErrorf("worker needs a PostgreSQL database (--db postgres://…); with SQLite run 'unspun serve --watch'")
	}
	a, err := loadAnalyzer("")
	if err != nil {
		return fmt.Errorf("load model: %w", err)
	}
	set := metrics.New()
	set.Model(a.Model().Version)
	if *metricsAddr != "" {
		ln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", set.Handler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go msrv.Serve(ln)
		defer msrv.Close()
		log.Info("metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	}
	log.Info("worker started", "database", st.Name(), "concurrency", *wf.concurrency, "model", a.Model().Version)
	err = runWatching(ctx, st, dbURL, a, wf, *allowPrivate, log, set)
	log.Info("worker stopped")
	if err != nil {
		return err
	}
	return st.Close()
}

// runWatching polls due feeds and works article jobs until ctx ends, then
// stops taking work, lets running jobs finish up to --grace and returns.
// On PostgreSQL the jobs are River's; on SQLite they are the queued feed
// items themselves, worked by an in-process pool.
func runWatching(ctx context.Context, st *store.Store, dbURL string, a watch.Analyzer, wf *watchFlags,
	allowPrivate bool, log *slog.Logger, set *metrics.Set) error {
	fetcher := fetch.New(fetch.Options{AllowPrivate: allowPrivate})
	hosts := &watch.Hosts{PerHost: *wf.perHost, Delay: *wf.hostDelay}
	proc := &watch.Processor{Items: st, Fetcher: fetcher, Analyzer: a, Hosts: hosts, Log: log, Metrics: set}
	poller := &watch.Poller{Client: fetcher.HTTPClient(), Hosts: hosts, Log: log, Metrics: set}
	var wg sync.WaitGroup
	defer wg.Wait()
	db, pg := st.Postgres()
	if !pg {
		poller.Store = watch.Feeds(st, nil)
		set.QueueDepth(st.QueuedCount, log)
		wg.Go(func() { poller.Run(ctx, *wf.pollInterval) })
		pool := &watch.Pool{Queue: st, Processor: proc, Workers: *wf.concurrency, Log: log}
		pool.Run(ctx)
		return nil
	}
	if err := jobs.Migrate(ctx, st.Migrate); err != nil {
		return err
	}
	pgPool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", st.Name(), err)
	}
	defer pgPool.Close()
	q, err := jobs.New(jobs.Config{DB: db, Pool: pgPool, Processor: proc, Concurrency: *wf.concurrency,
		JobTimeout: *wf.jobTimeout, Log: log, Metrics: set})
	if err != nil {
		return err
	}
	set.QueueDepth(q.Depth, log)
	// River's context is not ctx: stopping is Stop's job, so that
	// running jobs may finish.
	if err := q.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	poller.Store = watch.Feeds(st, q.Enqueue)
	wg.Go(func() { poller.Run(ctx, *wf.pollInterval) })
	wg.Go(func() { sweep(ctx, st, q, log) })
	<-ctx.Done()
	if err := q.Stop(*wf.grace); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("stop job queue: %w", err)
	}
	return nil
}

// How often the sweep runs, and how long an item must have been queued
// without news to be enqueued again. A job can be lost without any crash:
// while a job for an article runs, uniqueness skips the job of the same
// article turning up in another feed, and if that item is recorded after
// the running job finished its items, nothing else would ever work it.
// Enqueuing an item whose job still waits is skipped by uniqueness, so a
// short staleness costs one query and some skipped inserts, and bounds how
// long such an item waits.
const (
	sweepEvery = 10 * time.Second
	staleAfter = 30 * time.Second
)

// sweep enqueues again the jobs of items queued for long without news, in
// case a job was lost; uniqueness makes it harmless.
func sweep(ctx context.Context, st *store.Store, q *jobs.Queue, log *slog.Logger) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		items, err := st.StaleQueued(ctx, time.Now().Add(-staleAfter), 1000)
		if err == nil && len(items) > 0 {
			var n int
			n, err = q.Requeue(ctx, items)
			if n > 0 {
				log.Info("requeued stale items", "jobs", n)
			}
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("sweep", "err", err)
		}
	}
}
