package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/rivertype"

	"unspun/internal/analysis"
	"unspun/internal/fetch"
	"unspun/internal/store"
	"unspun/internal/testenv"
	"unspun/internal/watch"
)

// wordsAnalyzer is an Analyzer test double: it counts words and finds no
// techniques, so these tests need no model.
type wordsAnalyzer struct{}

func (wordsAnalyzer) Analyze(_ context.Context, _, text string) (*analysis.Result, error) {
	return &analysis.Result{Text: text, Words: len(strings.Fields(text)), Model: "words-1"}, nil
}

// fastRetry retries after 50 ms whatever the attempt.
type fastRetry struct{}

func (fastRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(50 * time.Millisecond) }

func openPostgres(t *testing.T) (*store.Store, string) {
	t.Helper()
	u := testenv.PostgresDB(t)
	st, err := store.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, u
}

func TestMigrateConcurrentlyOnce(t *testing.T) {
	st, _ := openPostgres(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() { errs <- Migrate(context.Background(), st.Migrate) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	db, _ := st.Postgres()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM river_migration").Scan(&n); err != nil || n < 6 {
		t.Errorf("river_migration has %d rows (%v)", n, err)
	}
}

func TestJobsRetryCancelAndDiscard(t *testing.T) {
	st, dbURL := openPostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := Migrate(ctx, st.Migrate); err != nil {
		t.Fatal(err)
	}
	var flaky atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed":
			fmt.Fprintf(w, `<rss version="2.0"><channel><title>Wire</title>`)
			for _, p := range []string{"/ok", "/flaky", "/gone", "/down"} {
				fmt.Fprintf(w, `<item><link>%s%s</link></item>`, srv.URL, p)
			}
			fmt.Fprint(w, `</channel></rss>`)
		case "/flaky":
			if flaky.Add(1) <= 2 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			fallthrough
		case "/ok":
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprintf(w, "The article at %s says the plan is a disaster.", r.URL.Path)
		case "/down":
			http.Error(w, "busy", http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	db, _ := st.Postgres()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	fetcher := fetch.New(fetch.Options{AllowPrivate: true, Timeout: 5 * time.Second})
	proc := &watch.Processor{Items: st, Fetcher: fetcher, Analyzer: wordsAnalyzer{}}
	q, err := New(Config{DB: db, Pool: pool, Processor: proc, Concurrency: 2, RetryPolicy: fastRetry{}})
	if err != nil {
		t.Fatal(err)
	}

	f, err := st.AddFeed(ctx, srv.URL+"/feed", "", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// An enqueue whose transaction fails leaves neither items nor jobs.
	failing := func(ctx context.Context, tx *sql.Tx, added []store.FeedItem) error {
		if err := q.Enqueue(ctx, tx, added); err != nil {
			return err
		}
		return errors.New("after the enqueue")
	}
	if _, err := st.AddFeedItems(ctx, f.ID, []store.FeedItem{{URL: srv.URL + "/ok", CanonicalURL: srv.URL + "/ok"}}, failing); err == nil {
		t.Fatal("no error from a failed transaction")
	}
	if n, _ := q.Depth(ctx); n != 0 {
		t.Fatalf("%d jobs after a rolled-back transaction; want 0", n)
	}

	poller := &watch.Poller{Store: watch.Feeds(st, q.Enqueue), Client: fetcher.HTTPClient()}
	if err := poller.Poll(ctx, f); err != nil {
		t.Fatal(err)
	}
	// Polling again inserts no second job: items are unique per feed and
	// jobs per canonical URL.
	f, _ = st.Feed(ctx, f.ID)
	poller.Poll(ctx, f)
	if n, _ := q.Depth(ctx); n != 4 {
		t.Fatalf("queue depth %d after two polls; want 4", n)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(5 * time.Second)
	for {
		if n, _ := st.QueuedCount(ctx); n == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("items still queued after 60s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	items, _ := st.FeedItems(ctx, f.ID)
	got := map[string]string{}
	for _, it := range items {
		got[strings.TrimPrefix(it.URL, srv.URL)] = fmt.Sprintf("%s %d %s", it.State, it.Attempts, it.Reason)
	}
	for path, want := range map[string]string{
		"/ok":    "stored 0 ",
		"/flaky": "stored 2 ",
		"/gone":  "failed 1 fetch " + srv.URL + "/gone: server answered 404 Not Found",
		"/down":  fmt.Sprintf("failed %d fetch %s/down: server answered 503 Service Unavailable", DefaultMaxAttempts, srv.URL),
	} {
		if got[path] != want {
			t.Errorf("%s: %q; want %q", path, got[path], want)
		}
	}
	// River agrees: cancelled (permanent), discarded (out of attempts),
	// once its completer has recorded the last results.
	for {
		if n, _ := q.Depth(ctx); n == 0 || ctx.Err() != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	rows, err := db.QueryContext(ctx, "SELECT args->>'url', state, attempt FROM river_job ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	states := map[string]string{}
	for rows.Next() {
		var u, state string
		var attempt int
		rows.Scan(&u, &state, &attempt)
		states[strings.TrimPrefix(u, srv.URL)] = fmt.Sprintf("%s %d", state, attempt)
	}
	for path, want := range map[string]string{
		"/ok": "completed 1", "/flaky": "completed 3", "/gone": "cancelled 1",
		"/down": fmt.Sprintf("discarded %d", DefaultMaxAttempts),
	} {
		if states[path] != want {
			t.Errorf("job %s: %q; want %q", path, states[path], want)
		}
	}
}
