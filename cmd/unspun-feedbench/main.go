// Command unspun-feedbench measures the feed watcher end to end: articles
// stored per second, and the time from an item appearing in a feed to its
// analysis being stored, with 1, 2, 4… `unspun worker` processes on
// PostgreSQL and with `unspun serve --watch` on SQLite.
//
//	go build -o /tmp/unspun ./cmd/unspun
//	go run ./cmd/unspun-feedbench --bin /tmp/unspun --postgres "$UNSPUN_TEST_POSTGRES" --workers 1,2,4
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"unspun/internal/feedbench"
)

func main() {
	bin := flag.String("bin", "", "the unspun `binary` to run (required)")
	pg := flag.String("postgres", "", "PostgreSQL server `URL`; each run uses a new database on it (empty: SQLite only)")
	workers := flag.String("workers", "1,2,4", "worker process `counts` to run on PostgreSQL")
	sqlite := flag.Bool("sqlite", true, "also run serve --watch on SQLite")
	conc := flag.Int("concurrency", 4, "each process's --concurrency")
	items := flag.Int("items", 500, "items that appear at once (throughput)")
	lagItems := flag.Int("lag-items", 100, "items that then appear one by one (latency)")
	lagRate := flag.Float64("lag-rate", 10, "items per second in the latency phase")
	verbose := flag.Bool("v", false, "show the processes' logs")
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "unspun-feedbench: --bin is required (go build -o /tmp/unspun ./cmd/unspun)")
		os.Exit(2)
	}
	counts, err := feedbench.ParseWorkers(*workers)
	if err != nil {
		fmt.Fprintln(os.Stderr, "unspun-feedbench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var log io.Writer
	if *verbose {
		log = os.Stderr
	}
	var runs []feedbench.Config
	if *pg != "" {
		for _, n := range counts {
			runs = append(runs, feedbench.Config{Bin: *bin, Postgres: *pg, Workers: n})
		}
	}
	if *sqlite {
		runs = append(runs, feedbench.Config{Bin: *bin})
	}
	failed := false
	for _, c := range runs {
		c.Concurrency, c.Items, c.LagItems, c.LagRate, c.Log = *conc, *items, *lagItems, *lagRate, log
		rep, err := feedbench.Run(ctx, c)
		if err != nil {
			fmt.Fprintf(os.Stderr, "unspun-feedbench: %s, %d workers: %v\n", rep.Backend, rep.Workers, err)
			failed = true
			continue
		}
		fmt.Println(rep)
	}
	if failed {
		os.Exit(1)
	}
}
