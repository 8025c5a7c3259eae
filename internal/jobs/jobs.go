// Package jobs runs unspun's article work on River (riverqueue.com), a job
// queue in PostgreSQL: each new feed item's fetch → extract → analyse →
// store is a River job, inserted in the same transaction that records the
// item, unique by the article's canonical URL, retried with backoff on
// transient failures and cancelled with its reason on permanent ones. Any
// number of workers on any number of machines share one queue; a worker
// that dies leaves its jobs to River's rescuer, which hands them to
// another.
//
// The queue's work itself is watch.Processor; this package only binds it
// to River and to the store's transactions.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"unspun/internal/metrics"
	"unspun/internal/store"
	"unspun/internal/watch"
)

// Kind is the River job kind of an article job.
const Kind = "unspun_article"

// DefaultMaxAttempts is how many times an article job runs before its
// items are marked failed: River's backoff (attempt⁴ seconds, jittered)
// spreads 8 attempts over about an hour and a half.
const DefaultMaxAttempts = 8

// ArticleArgs is an article job: the item's link and its canonical form,
// which alone makes the job unique (one job per article however many feeds
// carry it).
type ArticleArgs struct {
	CanonicalURL string `json:"canonical_url" river:"unique"`
	URL          string `json:"url"`
}

// Kind implements river.JobArgs.
func (ArticleArgs) Kind() string { return Kind }

// InsertOpts makes article jobs unique by canonical URL while one is
// waiting or running. Completed jobs do not block a new one: an item that
// turns up later in another feed gets a job, which finds the article
// stored and marks the item a duplicate.
func (ArticleArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		MaxAttempts: DefaultMaxAttempts,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled,
		}},
	}
}

// worker works article jobs with a watch.Processor.
type worker struct {
	river.WorkerDefaults[ArticleArgs]
	proc    *watch.Processor
	log     *slog.Logger
	metrics *metrics.Set
}

func (w *worker) Work(ctx context.Context, job *river.Job[ArticleArgs]) error {
	start := time.Now()
	a := job.Args
	out, err := w.proc.Process(ctx, a.CanonicalURL, a.URL)
	if err == nil {
		w.metrics.Job("done", time.Since(start))
		w.log.Info("article stored", "url", a.URL, "article", out.ArticleID, "stored", out.Stored,
			"duplicate", out.Duplicate, "attempt", job.Attempt, "lag_seconds", out.Lag.Seconds())
		return nil
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		// The worker is stopping: hand the job back uncounted.
		w.log.Info("article handed back", "url", a.URL)
		return river.JobSnooze(0)
	}
	permanent := watch.Permanent(err)
	final := permanent || job.Attempt >= job.MaxAttempts
	// The record uses a fresh context: the job's may have timed out.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if ferr := w.proc.Fail(rctx, a.CanonicalURL, err, final); ferr != nil {
		w.log.Error("record failure", "url", a.URL, "err", ferr)
		return ferr // retried; the item keeps its state
	}
	switch {
	case permanent:
		w.metrics.Job("failed", time.Since(start))
		w.log.Warn("article failed", "url", a.URL, "attempt", job.Attempt, "err", err)
		return river.JobCancel(err)
	case final:
		w.metrics.Job("failed", time.Since(start))
		w.log.Warn("article failed after its last attempt", "url", a.URL, "attempt", job.Attempt, "err", err)
		return err
	}
	w.metrics.Job("retried", time.Since(start))
	w.log.Info("article will be retried", "url", a.URL, "attempt", job.Attempt, "err", err)
	return err
}

// Config configures a Queue.
type Config struct {
	// DB is the PostgreSQL database as database/sql (through pgx's
	// stdlib), shared with the store so that items and jobs commit in
	// one transaction.
	DB *sql.DB
	// Pool, when set, gives River a pgx listener (LISTEN/NOTIFY), so idle
	// workers learn of new jobs at once instead of at their next poll.
	Pool *pgxpool.Pool
	// Processor works the jobs; nil makes an insert-only queue (serve
	// without --watch, feeds add).
	Processor *watch.Processor
	// Concurrency is how many jobs this process works at once.
	Concurrency int
	// JobTimeout bounds one job (1 minute if 0). A job still running
	// (its worker killed) is handed to another after JobTimeout plus
	// RescueAfter (15 s if 0) at River's next rescue sweep.
	JobTimeout, RescueAfter time.Duration
	// RetryPolicy schedules retries; nil is River's (attempt⁴ seconds
	// with jitter).
	RetryPolicy river.ClientRetryPolicy
	Log         *slog.Logger
	Metrics     *metrics.Set
}

// Queue is River over unspun's PostgreSQL database.
type Queue struct {
	client *river.Client[*sql.Tx]
	db     *sql.DB
}

// New makes the queue's River client (not started).
func New(c Config) (*Queue, error) {
	log := c.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var driver *riverdatabasesql.Driver
	if c.Pool != nil {
		driver = riverdatabasesql.NewWithPgxListener(c.DB, c.Pool)
	} else {
		driver = riverdatabasesql.New(c.DB)
	}
	rc := &river.Config{Logger: log.With("component", "river"), MaxAttempts: DefaultMaxAttempts, RetryPolicy: c.RetryPolicy}
	if c.Processor != nil {
		jobTimeout := c.JobTimeout
		if jobTimeout <= 0 {
			jobTimeout = time.Minute
		}
		rescue := c.RescueAfter
		if rescue <= 0 {
			rescue = 15 * time.Second
		}
		workers := river.NewWorkers()
		river.AddWorker(workers, &worker{proc: c.Processor, log: log, metrics: c.Metrics})
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max(c.Concurrency, 1)}}
		rc.JobTimeout = jobTimeout
		rc.RescueStuckJobsAfter = jobTimeout + rescue
		// River waits FetchCooldown between fetches of jobs; its 100 ms
		// default caps a worker at 10×MaxWorkers short jobs a second.
		rc.FetchCooldown = 10 * time.Millisecond
		rc.FetchPollInterval = 500 * time.Millisecond
		if c.Pool == nil {
			rc.PollOnly = true
		}
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Queue{client: client, db: c.DB}, nil
}

// Start starts working jobs (a queue with a Processor only).
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop stops fetching jobs and waits for the running ones to finish, up to
// grace; then it cancels them, and they are handed back (snoozed, their
// attempt not counted) for another worker.
func (q *Queue) Stop(grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := q.client.Stop(ctx); err == nil {
		return nil
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	return q.client.StopAndCancel(ctx2)
}

// Enqueue inserts the jobs of newly recorded items in tx, the transaction
// that recorded them; it is the enqueue hook of store.AddFeedItems.
func (q *Queue) Enqueue(ctx context.Context, tx *sql.Tx, items []store.FeedItem) error {
	if len(items) == 0 {
		return nil
	}
	params := insertParams(items)
	if _, err := q.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("jobs: enqueue %d articles: %w", len(items), err)
	}
	return nil
}

func insertParams(items []store.FeedItem) []river.InsertManyParams {
	params := make([]river.InsertManyParams, len(items))
	for i, it := range items {
		params[i] = river.InsertManyParams{Args: ArticleArgs{CanonicalURL: it.CanonicalURL, URL: it.URL}}
	}
	return params
}

// Requeue inserts the jobs of items again, outside any transaction; the
// jobs still waiting or running are skipped, being unique. It returns how
// many were inserted.
func (q *Queue) Requeue(ctx context.Context, items []store.FeedItem) (int, error) {
	params := insertParams(items)
	res, err := q.client.InsertMany(ctx, params)
	if err != nil {
		return 0, fmt.Errorf("jobs: requeue %d articles: %w", len(items), err)
	}
	n := 0
	for _, r := range res {
		if !r.UniqueSkippedAsDuplicate {
			n++
		}
	}
	return n, nil
}

// Depth counts the article jobs waiting, retrying or running.
func (q *Queue) Depth(ctx context.Context) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = $1
		AND state IN ('available', 'pending', 'retryable', 'running', 'scheduled')`, Kind).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("jobs: queue depth: %w", err)
	}
	return n, nil
}

// Migrate brings River's tables up to date, one River migration per
// transaction (some cannot share one), each run through inTx: the store's
// Migrate, which holds the lock of unspun's own migrations, so that they
// run once however many processes start together.
func Migrate(ctx context.Context, inTx func(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error) error {
	m, err := rivermigrate.New(riverdatabasesql.New(nil), nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	for {
		applied := 0
		err := inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			res, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{MaxSteps: 1})
			if err != nil {
				return err
			}
			applied = len(res.Versions)
			return nil
		})
		if err != nil {
			return fmt.Errorf("jobs: migrate River's tables: %w", err)
		}
		if applied == 0 {
			return nil
		}
	}
}
