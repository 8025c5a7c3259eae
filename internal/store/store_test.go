package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"unspun/internal/testenv"
)

// open opens a new SQLite store, for the tests of SQLite's own behaviour.
func open(t *testing.T) *Store {
	t.Helper()
	return openURL(t, filepath.Join(t.TempDir(), "sub", DefaultFile))
}

func openURL(t *testing.T, u string) *Store {
	t.Helper()
	s, err := Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// backends are the databases the store suite runs on: one behaviour.
var backends = []struct {
	name string
	url  func(t *testing.T) string
}{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "sub", DefaultFile) }},
	// A new database per test; skipped without UNSPUN_TEST_POSTGRES,
	// failed in CI.
	{"postgres", func(t *testing.T) string { return testenv.PostgresDB(t) }},
}

// eachURL runs fn on a new, empty database of every backend.
func eachURL(t *testing.T, fn func(t *testing.T, url string)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, b.url(t)) })
	}
}

// each runs fn on a new, empty store of every backend.
func each(t *testing.T, fn func(t *testing.T, s *Store)) {
	eachURL(t, func(t *testing.T, u string) { fn(t, openURL(t, u)) })
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// seed stores a small fixed set of articles.
func seed(t *testing.T, s *Store) []int64 {
	t.Helper()
	arts := []*Article{
		{Title: "Storm warning", Source: "alpha.example", Published: day("2024-01-01"), Words: 500, Text: "A terrible storm threatens the coast.",
			Spans: []Span{{"Loaded_Language", 2, 10, 0.9}, {"Appeal_to_fear-prejudice", 0, 30, 0.7}}},
		{Title: "Budget vote", Source: "alpha.example", Published: day("2024-01-02"), Words: 1000, Text: "The council passed the budget.",
			Spans: []Span{{"Loaded_Language", 4, 11, 0.6}}},
		{Title: "Storm passes", Source: "beta.example", Published: day("2024-01-02"), Words: 250, Text: "The storm passed quietly overnight."},
	}
	var ids []int64
	for _, a := range arts {
		a.Model = "test"
		a.Result = json.RawMessage(`{"text":"x"}`)
		id, _, err := s.Save(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestMigrationsIdempotent(t *testing.T) { eachURL(t, testMigrationsIdempotent) }

func testMigrationsIdempotent(t *testing.T, path string) {
	ctx := context.Background()
	for i := range 2 {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		v, err := s.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v != SchemaVersion {
			t.Errorf("open #%d: version %d, want %d", i+1, v, SchemaVersion)
		}
		if i == 0 {
			seed(t, s)
		}
		n, err := s.Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Errorf("open #%d: %d articles, want 3 (data must survive reopening)", i+1, n)
		}
		s.Close()
	}
}

func TestNewerSchemaRefused(t *testing.T) { eachURL(t, testNewerSchemaRefused) }

func testNewerSchemaRefused(t *testing.T, path string) {
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(s.q("INSERT INTO schema_migrations VALUES (?, 'future')"), SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, path); err == nil {
		t.Fatal("opening a database from a newer version succeeded; want an error")
	}
}

func TestGetDelete(t *testing.T) { each(t, testGetDelete) }

func testGetDelete(t *testing.T, s *Store) {
	ctx := context.Background()
	ids := seed(t, s)
	a, err := s.Get(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Storm warning" || a.Source != "alpha.example" || !a.Published.Equal(day("2024-01-01")) || len(a.Spans) != 2 ||
		string(a.Result) != `{"text":"x"}` {
		t.Errorf("Get = %+v", a)
	}
	if a.Spans[0].Start != 0 || a.Spans[0].Technique != "Appeal_to_fear-prejudice" {
		t.Errorf("spans not ordered by start: %+v", a.Spans)
	}
	if err := s.Delete(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: err = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Get(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get unknown: err = %v, want ErrNotFound", err)
	}
	// Deleted articles leave the search index and the statistics.
	got, _, err := s.List(ctx, Filter{Q: "terrible"}, 1, 10)
	if err != nil || len(got) != 0 {
		t.Errorf("search after delete = %v, %v; want nothing", got, err)
	}
	st, err := s.Stats(ctx, ByTechnique, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || st[0].Spans != 1 {
		t.Errorf("technique stats after delete = %+v; want one Loaded_Language span", st)
	}
}

func TestList(t *testing.T) { each(t, testList) }

func testList(t *testing.T, s *Store) {
	ids := seed(t, s)
	tests := []struct {
		name    string
		f       Filter
		page    int
		perPage int
		want    []int64
		total   int
	}{
		{"all newest first", Filter{}, 1, 10, []int64{ids[2], ids[1], ids[0]}, 3},
		{"paging", Filter{}, 2, 2, []int64{ids[0]}, 3},
		{"page past end", Filter{}, 5, 2, []int64{}, 3},
		{"search one word", Filter{Q: "storm"}, 1, 10, []int64{ids[2], ids[0]}, 2},
		{"search all words", Filter{Q: "storm coast"}, 1, 10, []int64{ids[0]}, 1},
		{"search title", Filter{Q: "budget"}, 1, 10, []int64{ids[1]}, 1},
		{"search syntax is literal", Filter{Q: `storm" OR NEAR(`}, 1, 10, []int64{}, 0},
		{"search punctuation only", Filter{Q: `"*)`}, 1, 10, []int64{}, 0},
		{"source", Filter{Source: "beta.example"}, 1, 10, []int64{ids[2]}, 1},
		{"technique", Filter{Technique: "Loaded_Language"}, 1, 10, []int64{ids[1], ids[0]}, 2},
		{"from", Filter{From: day("2024-01-02")}, 1, 10, []int64{ids[2], ids[1]}, 2},
		{"to", Filter{To: day("2024-01-01")}, 1, 10, []int64{ids[0]}, 1},
		{"combined", Filter{Q: "storm", Source: "alpha.example", Technique: "Loaded_Language"}, 1, 10, []int64{ids[0]}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := s.List(context.Background(), tt.f, tt.page, tt.perPage)
			if err != nil {
				t.Fatal(err)
			}
			gotIDs := []int64{}
			for _, sm := range got {
				gotIDs = append(gotIDs, sm.ID)
			}
			if fmt.Sprint(gotIDs) != fmt.Sprint(tt.want) || total != tt.total {
				t.Errorf("ids %v total %d, want %v total %d", gotIDs, total, tt.want, tt.total)
			}
		})
	}
	got, _, _ := s.List(context.Background(), Filter{Source: "alpha.example"}, 1, 10)
	if got[1].Spans != 2 || got[1].Techniques["Loaded_Language"] != 1 {
		t.Errorf("summary technique counts = %+v", got[1])
	}
}

func TestStats(t *testing.T) { each(t, testStats) }

func testStats(t *testing.T, s *Store) {
	seed(t, s)
	ctx := context.Background()
	tests := []struct {
		g    Grouping
		f    Filter
		want string
	}{
		{BySource, Filter{}, "alpha.example:2a/1500w/3s/2.00 beta.example:1a/250w/0s/0.00"},
		{ByDay, Filter{}, "2024-01-01:1a/500w/2s/4.00 2024-01-02:2a/1250w/1s/0.80"},
		{ByDay, Filter{Source: "beta.example"}, "2024-01-02:1a/250w/0s/0.00"},
		{ByTechnique, Filter{}, "Loaded_Language:2a/1750w/2s/1.14 Appeal_to_fear-prejudice:1a/1750w/1s/0.57"},
		{ByTechnique, Filter{Source: "nobody"}, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.g), func(t *testing.T) {
			st, err := s.Stats(ctx, tt.g, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for i, x := range st {
				if i > 0 {
					got += " "
				}
				got += fmt.Sprintf("%s:%da/%dw/%ds/%.2f", x.Key, x.Articles, x.Words, x.Spans, x.Rate)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	st, _ := s.Stats(ctx, BySource, Filter{})
	if st[0].Techniques["Loaded_Language"] != 2 || st[0].TechniqueRates["Appeal_to_fear-prejudice"] != 1000.0/1500 {
		t.Errorf("per-technique source stats = %+v", st[0])
	}
	if _, err := s.Stats(ctx, "week", Filter{}); err == nil {
		t.Error("unknown grouping accepted")
	}
}

func TestConcurrentWrites(t *testing.T) { each(t, testConcurrentWrites) }

func testConcurrentWrites(t *testing.T, s *Store) {
	ctx := context.Background()
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, _, err := s.Save(ctx, &Article{Title: fmt.Sprintf("w%d-%d", w, i), Source: fmt.Sprintf("s%d", w%3), Words: 10,
					Text: fmt.Sprintf("concurrent words %d %d", w, i), Model: "test", Result: json.RawMessage("{}"),
					Spans: []Span{{"Doubt", 0, 5, 0.5}}})
				if err != nil {
					errs <- err
				}
				if _, _, err := s.List(ctx, Filter{Q: "concurrent"}, 1, 5); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n, err := s.Count(ctx)
	if err != nil || n != workers*each {
		t.Errorf("Count = %d, %v; want %d", n, err, workers*each)
	}
	st, err := s.Stats(ctx, ByTechnique, Filter{})
	if err != nil || len(st) != 1 || st[0].Spans != workers*each {
		t.Errorf("technique stats = %+v, %v", st, err)
	}
}

func TestTitleOf(t *testing.T) {
	long := strings.Repeat("é", 300)
	tests := []struct{ text, want string }{
		{"", ""},
		{" \n\t\n", ""},
		{"Headline\n\nBody text.", "Headline"},
		{"\n\n  Spaced   out\theadline \r\nbody", "Spaced out headline"},
		{long, strings.Repeat("é", 199) + "…"},
	}
	for _, tt := range tests {
		if got := TitleOf(tt.text); got != tt.want {
			t.Errorf("TitleOf(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
