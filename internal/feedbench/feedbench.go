// Package feedbench measures the feed watcher end to end with real
// processes: a local news site (internal/feedserver) on 127.0.0.1, its
// feeds watched by N `unspun worker` processes on PostgreSQL, or by one
// `unspun serve --watch` on SQLite. It reports articles stored per second
// when a batch of items appears at once, and the time from an item
// appearing in a feed to its analysis being stored when items appear at a
// steady rate.
package feedbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"unspun/internal/feedserver"
	"unspun/internal/store"
)

// Config is one benchmark run.
type Config struct {
	// Bin is the unspun binary to run.
	Bin string
	// Postgres is a server URL; each run gets a new database on it,
	// dropped afterwards. Empty runs on SQLite (serve --watch) instead.
	Postgres string
	// Workers is the number of worker processes (PostgreSQL only).
	Workers int
	// Concurrency is each process's --concurrency.
	Concurrency int
	// Items appear at once for the throughput phase; LagItems then
	// appear at LagRate items per second for the latency phase.
	Items, LagItems int
	LagRate         float64
	// Feeds is the number of feeds the items are spread over.
	Feeds int
	// Log receives the processes' output (nil discards it).
	Log io.Writer
}

// Report is what a run measured.
type Report struct {
	Backend         string
	Workers         int
	Items           int
	Seconds         float64 // from the items appearing to the last stored
	ArticlesPerSec  float64
	LagItems        int
	LagP50, LagP99  time.Duration
	LagMax          time.Duration
	FailedOrWaiting int // items not stored by the end (should be 0)
}

func (r Report) String() string {
	return fmt.Sprintf("%-10s workers=%d  %d articles in %.2fs = %6.1f articles/s   lag (%d items): p50 %v  p99 %v  max %v  not stored %d",
		r.Backend, r.Workers, r.Items, r.Seconds, r.ArticlesPerSec, r.LagItems,
		r.LagP50.Round(time.Millisecond), r.LagP99.Round(time.Millisecond), r.LagMax.Round(time.Millisecond), r.FailedOrWaiting)
}

// Run performs one benchmark run.
func Run(ctx context.Context, c Config) (Report, error) {
	if c.Feeds <= 0 {
		c.Feeds = 4
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	rep := Report{Backend: "sqlite", Workers: 1, Items: c.Items, LagItems: c.LagItems}
	var dbURL string
	if c.Postgres != "" {
		rep.Backend, rep.Workers = "postgresql", c.Workers
		u, drop, err := createDB(ctx, c.Postgres)
		if err != nil {
			return rep, err
		}
		defer drop()
		dbURL = u
	} else {
		dir, err := os.MkdirTemp("", "unspun-feedbench-")
		if err != nil {
			return rep, err
		}
		defer os.RemoveAll(dir)
		dbURL = filepath.Join(dir, "unspun.db")
	}
	site := feedserver.New(feedserver.Config{Items: c.Items + c.LagItems, Feeds: c.Feeds})
	defer site.Close()
	for _, u := range site.FeedURLs() {
		cmd := exec.CommandContext(ctx, c.Bin, "feeds", "add", u, "--every", "1s", "--db", dbURL)
		if out, err := cmd.CombinedOutput(); err != nil {
			return rep, fmt.Errorf("feeds add: %v: %s", err, out)
		}
	}
	common := []string{"--db", dbURL, "--allow-private-urls", "--concurrency", fmt.Sprint(c.Concurrency),
		"--poll-interval", "200ms", "--log-format", "json"}
	var procs []*exec.Cmd
	startProc := func(args ...string) error {
		cmd := exec.Command(c.Bin, args...)
		cmd.Stdout, cmd.Stderr = c.Log, c.Log
		if err := cmd.Start(); err != nil {
			return err
		}
		procs = append(procs, cmd)
		return nil
	}
	defer func() {
		for _, p := range procs {
			p.Process.Signal(syscall.SIGTERM)
		}
		for _, p := range procs {
			p.Wait()
		}
	}()
	if c.Postgres != "" {
		for range c.Workers {
			if err := startProc(append([]string{"worker"}, common...)...); err != nil {
				return rep, err
			}
		}
	} else if err := startProc(append([]string{"serve", "--watch", "--addr", "127.0.0.1:0"}, common...)...); err != nil {
		return rep, err
	}
	st, err := openWhenReady(ctx, dbURL)
	if err != nil {
		return rep, err
	}
	defer st.Close()
	// Let the processes start (model, River) before timing.
	time.Sleep(3 * time.Second)

	start := time.Now()
	site.Reveal(c.Items)
	if err := waitStored(ctx, st, c.Items, 5*time.Minute); err != nil {
		return rep, err
	}
	rep.Seconds = time.Since(start).Seconds()
	rep.ArticlesPerSec = float64(c.Items) / rep.Seconds

	if c.LagItems > 0 {
		every := time.Duration(float64(time.Second) / c.LagRate)
		for i := 1; i <= c.LagItems; i++ {
			site.Reveal(c.Items + i)
			time.Sleep(every)
		}
		if err := waitStored(ctx, st, c.Items+c.LagItems, 2*time.Minute); err != nil {
			return rep, err
		}
		items, err := st.FeedItems(ctx, 0)
		if err != nil {
			return rep, err
		}
		var lags []time.Duration
		for _, it := range items {
			si, ok := site.ItemOf(it.URL)
			if !ok || si.Index < c.Items || it.State != store.ItemStored {
				continue
			}
			lags = append(lags, it.Updated.Sub(site.RevealedAt(si.Index)))
		}
		slices.Sort(lags)
		if len(lags) > 0 {
			rep.LagP50 = lags[len(lags)/2]
			rep.LagP99 = lags[min(len(lags)-1, len(lags)*99/100)]
			rep.LagMax = lags[len(lags)-1]
		}
	}
	items, err := st.FeedItems(ctx, 0)
	if err != nil {
		return rep, err
	}
	for _, it := range items {
		if it.State != store.ItemStored {
			rep.FailedOrWaiting++
		}
	}
	return rep, nil
}

// openWhenReady opens the store once the benchmarked processes have
// created it.
func openWhenReady(ctx context.Context, dbURL string) (*store.Store, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := store.Open(ctx, dbURL)
		if err == nil {
			return st, nil
		}
		if time.Now().After(deadline) {
			return nil, err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitStored waits until n feed items are stored.
func waitStored(ctx context.Context, st *store.Store, n int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		feeds, err := st.Feeds(ctx)
		if err != nil {
			return err
		}
		stored, failed := 0, 0
		for _, f := range feeds {
			stored += f.Stored
			failed += f.Failed
		}
		if stored+failed >= n {
			if failed > 0 {
				return fmt.Errorf("%d items failed", failed)
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %v: %d of %d items stored", limit, stored, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// createDB creates a new database on the server at base and returns its
// URL and a function that drops it.
func createDB(ctx context.Context, base string) (string, func(), error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("--postgres: %w", err)
	}
	name := fmt.Sprintf("unspun_bench_%d", time.Now().UnixNano())
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", nil, fmt.Errorf("connect to %s: %w", u.Redacted(), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	u.Path = "/" + name
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, base); err == nil {
			conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	}
	return u.String(), drop, nil
}

// ParseWorkers reads a list such as "1,2,4".
func ParseWorkers(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		var n int
		if _, err := fmt.Sscanf(strings.TrimSpace(f), "%d", &n); err != nil || n < 1 {
			return nil, errors.New("--workers: want a list of counts such as 1,2,4")
		}
		out = append(out, n)
	}
	return out, nil
}
