package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func article(url, text, model string, spans ...Span) *Article {
	return &Article{Title: "T " + text[:min(len(text), 10)], Source: "src", URL: url, Text: text, Words: 100, Model: model,
		Result: json.RawMessage(`{"text":` + fmt.Sprintf("%q", text) + `}`), Spans: spans}
}

func mustSave(t *testing.T, s *Store, a *Article) (int64, bool) {
	t.Helper()
	id, existed, err := s.Save(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	return id, existed
}

func TestSaveIdentity(t *testing.T) { each(t, testSaveIdentity) }

func testSaveIdentity(t *testing.T, s *Store) {
	ctx := context.Background()
	id1, existed := mustSave(t, s, article("https://News.example.com/a?utm_source=rss", "The regime lies.", "m1", Span{"Doubt", 0, 3, 0.5}))
	if existed {
		t.Fatal("first save: existed = true")
	}
	tests := []struct {
		name string
		a    *Article
	}{
		{"same URL, tracking and fragment", article("https://news.example.com/a?fbclid=x#top", "other text", "m1")},
		{"same URL, default port", article("https://news.example.com:443/a", "The regime lies.", "m1")},
	}
	for _, tt := range tests {
		id, existed := mustSave(t, s, tt.a)
		if id != id1 || !existed {
			t.Errorf("%s: id %d existed %v, want %d true", tt.name, id, existed, id1)
		}
	}
	a, err := s.Get(ctx, id1)
	if err != nil {
		t.Fatal(err)
	}
	if a.Text != "The regime lies." || a.Identity != "url:https://news.example.com/a" || a.CanonicalURL != "https://news.example.com/a" || len(a.Spans) != 1 {
		t.Errorf("same model must not update the article: %+v", a)
	}

	// Another model version: analysis replaced in place.
	id, existed := mustSave(t, s, article("https://news.example.com/a", "The regime lies today.", "m2",
		Span{"Loaded_Language", 4, 10, 0.9}, Span{"Doubt", 0, 3, 0.4}))
	if id != id1 || !existed {
		t.Fatalf("new model: id %d existed %v, want %d true", id, existed, id1)
	}
	a, _ = s.Get(ctx, id1)
	if a.Model != "m2" || a.Text != "The regime lies today." || len(a.Spans) != 2 || a.Title != "T The regime" {
		t.Errorf("after re-analysis: %+v", a)
	}
	if got, _, _ := s.List(ctx, Filter{Q: "today"}, 1, 10); len(got) != 1 {
		t.Errorf("search after re-analysis found %d, want 1 (index must follow the new text)", len(got))
	}
	if n, _ := s.Count(ctx); n != 1 {
		t.Errorf("Count = %d, want 1", n)
	}

	// Text without a URL: normalised text is the identity.
	t1, _ := mustSave(t, s, article("", "Pasted  text\r\nhere.", "m2"))
	t2, existed := mustSave(t, s, article("", " Pasted text\nhere. ", "m2"))
	if t1 != t2 || !existed {
		t.Errorf("same text re-wrapped: ids %d, %d existed %v", t1, t2, existed)
	}
	// A pasted text that is stored under a URL is that article.
	if id, existed := mustSave(t, s, article("", "The regime lies today.", "m2")); id != id1 || !existed {
		t.Errorf("pasted text of a stored URL: id %d existed %v, want %d true", id, existed, id1)
	}
	if got, model, err := s.Lookup(ctx, "", "Pasted text here."); got != t1 || model != "m2" || err != nil {
		t.Errorf("Lookup = %d %q %v", got, model, err)
	}
	if _, _, err := s.Lookup(ctx, "", "never stored"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Lookup of a new text: %v, want ErrNotFound", err)
	}
	if got, _, err := s.LookupURL(ctx, "HTTPS://news.example.com/a?utm_medium=x"); got != id1 || err != nil {
		t.Errorf("LookupURL = %d %v", got, err)
	}
}

func TestSyndicatedCopies(t *testing.T) { each(t, testSyndicatedCopies) }

func testSyndicatedCopies(t *testing.T, s *Store) {
	ctx := context.Background()
	text := "Wire story: the storm hit the coast."
	first, _ := mustSave(t, s, article("https://a.example/story", text, "m", Span{"Doubt", 0, 4, 1}))
	copy1, existed := mustSave(t, s, article("https://b.example/other", text+"\n", "m", Span{"Doubt", 0, 4, 1}))
	copy2, _ := mustSave(t, s, article("https://c.example/x", text, "m", Span{"Doubt", 0, 4, 1}))
	if existed || copy1 == first {
		t.Fatalf("a copy under another URL is a new article: id %d existed %v", copy1, existed)
	}
	for _, id := range []int64{copy1, copy2} {
		a, _ := s.Get(ctx, id)
		if a.CopyOf != first {
			t.Errorf("article %d: CopyOf %d, want %d", id, a.CopyOf, first)
		}
	}
	if n, _ := s.Count(ctx); n != 3 {
		t.Errorf("Count = %d, want 3 (copies are stored)", n)
	}
	if got, total, _ := s.List(ctx, Filter{}, 1, 10); total != 3 || got[0].CopyOf != first {
		t.Errorf("List: total %d, first %+v", total, got[0])
	}
	countOnce := func(when string) {
		t.Helper()
		st, err := s.Stats(ctx, ByTechnique, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(st) != 1 || st[0].Articles != 1 || st[0].Spans != 1 || st[0].Words != 100 {
			t.Errorf("%s: technique stats %+v; want the text counted once", when, st)
		}
		day, _ := s.Stats(ctx, ByDay, Filter{})
		if len(day) != 1 || day[0].Articles != 1 {
			t.Errorf("%s: day stats %+v; want 1 article", when, day)
		}
	}
	countOnce("with copies")
	if err := s.Delete(ctx, first); err != nil {
		t.Fatal(err)
	}
	countOnce("first deleted")
	a, _ := s.Get(ctx, copy1)
	b, _ := s.Get(ctx, copy2)
	if a.CopyOf != 0 || b.CopyOf != copy1 {
		t.Errorf("after deleting the first: CopyOf %d, %d; want 0, %d", a.CopyOf, b.CopyOf, copy1)
	}
}

func TestIdempotencyKey(t *testing.T) { each(t, testIdempotencyKey) }

func testIdempotencyKey(t *testing.T, s *Store) {
	ctx := context.Background()
	if _, _, err := s.KeyArticle(ctx, "k1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown key: %v, want ErrNotFound", err)
	}
	a := article("", "first body", "m")
	a.Key = "k1"
	id, _ := mustSave(t, s, a)
	b := article("", "a different body, same key", "m")
	b.Key = "k1"
	if got, existed := mustSave(t, s, b); got != id || existed {
		t.Errorf("repeat of key: id %d existed %v, want %d false (the first answer)", got, existed, id)
	}
	if n, _ := s.Count(ctx); n != 1 {
		t.Errorf("Count = %d, want 1", n)
	}
	if got, existed, err := s.KeyArticle(ctx, "k1"); got != id || existed || err != nil {
		t.Errorf("KeyArticle = %d %v %v", got, existed, err)
	}
	// A key on a save that found the article stored records existed.
	c := article("", "first body", "m")
	c.Key = "k2"
	mustSave(t, s, c)
	if got, existed, _ := s.KeyArticle(ctx, "k2"); got != id || !existed {
		t.Errorf("KeyArticle(k2) = %d %v, want %d true", got, existed, id)
	}
	// Keys go with their article.
	if err := s.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.KeyArticle(ctx, "k1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("key of a deleted article: %v, want ErrNotFound", err)
	}
}

func TestReviews(t *testing.T) { each(t, testReviews) }

func testReviews(t *testing.T, s *Store) {
	ctx := context.Background()
	id, _ := mustSave(t, s, article("", "0123456789 reviewed text", "m1"))
	other, _ := mustSave(t, s, article("", "another article", "m1"))
	if _, err := s.Review(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Review of a missing article: %v, want ErrNotFound", err)
	}
	if err := s.PutReview(ctx, 999, Review{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("PutReview of a missing article: %v, want ErrNotFound", err)
	}
	r, err := s.Review(ctx, id)
	if err != nil || r.ArticleID != id || !r.Updated.IsZero() || len(r.Spans) != 0 {
		t.Fatalf("unreviewed: %+v %v", r, err)
	}
	spans := []ReviewSpan{{0, 5, "Doubt"}, {0, 5, "Loaded_Language"}, {3, 10, "Doubt"}}
	if err := s.PutReview(ctx, id, Review{Reviewer: "ana", Model: "m1", Spans: spans}); err != nil {
		t.Fatal(err)
	}
	r, _ = s.Review(ctx, id)
	if r.Reviewer != "ana" || r.Done || r.Model != "m1" || r.Updated.IsZero() || fmt.Sprint(r.Spans) != fmt.Sprint(spans) {
		t.Errorf("after PutReview: %+v", r)
	}
	reviewed, notReviewed := true, false
	list := func(f Filter) string {
		got, _, err := s.List(ctx, f, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, sm := range got {
			ids = append(ids, sm.ID)
		}
		return fmt.Sprint(ids)
	}
	if got := list(Filter{Reviewed: &reviewed}); got != "[]" {
		t.Errorf("a draft is not reviewed: Reviewed=true lists %s", got)
	}
	// Replace: spans and all.
	if err := s.PutReview(ctx, id, Review{Reviewer: "ben", Done: true, Model: "m1", Spans: []ReviewSpan{{11, 19, "Doubt"}}}); err != nil {
		t.Fatal(err)
	}
	r, _ = s.Review(ctx, id)
	if r.Reviewer != "ben" || !r.Done || len(r.Spans) != 1 || r.Spans[0] != (ReviewSpan{11, 19, "Doubt"}) {
		t.Errorf("after replacing: %+v", r)
	}
	if got := list(Filter{Reviewed: &reviewed}); got != fmt.Sprint([]int64{id}) {
		t.Errorf("Reviewed=true lists %s, want [%d]", got, id)
	}
	if got := list(Filter{Reviewed: &notReviewed}); got != fmt.Sprint([]int64{other}) {
		t.Errorf("Reviewed=false lists %s, want [%d]", got, other)
	}
	// Bad spans store nothing.
	n := len([]rune("0123456789 reviewed text"))
	for _, sp := range []ReviewSpan{{-1, 2, "Doubt"}, {5, 5, "Doubt"}, {6, 2, "Doubt"}, {0, n + 1, "Doubt"}, {0, 2, " "}} {
		err := s.PutReview(ctx, id, Review{Reviewer: "eve", Spans: []ReviewSpan{{0, 1, "Doubt"}, sp}})
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("span %+v: %v, want ErrInvalid", sp, err)
		}
	}
	if r, _ = s.Review(ctx, id); r.Reviewer != "ben" || len(r.Spans) != 1 {
		t.Errorf("a refused review changed the stored one: %+v", r)
	}
	all, err := s.Reviews(ctx)
	if err != nil || len(all) != 1 || all[0].ArticleID != id {
		t.Errorf("Reviews = %+v, %v", all, err)
	}
	if err := s.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if all, _ = s.Reviews(ctx); len(all) != 0 {
		t.Errorf("review of a deleted article remains: %+v", all)
	}
}

// TestMigration2Backfill opens a database made by migration 1 alone, with
// the duplicates and copies the old Save made, as a database from the
// previous release.
func TestMigration2Backfill(t *testing.T) {
	path := filepath.Join(t.TempDir(), DefaultFile)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(migrations[0].sqlite + `; CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL);
		INSERT INTO schema_migrations VALUES (1, 'then')`); err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]string{
		{"https://a.example/1?utm_source=x", "feed item one"},
		{"https://a.example/1", "feed item one"}, // the same item stored twice
		{"", "pasted"},
		{"", "pasted"},                           // pasted twice
		{"https://b.example/z", "feed item one"}, // syndicated
	} {
		if _, err := db.Exec(`INSERT INTO articles (url, created, day, words, score, model, text, result)
			VALUES (?, '2024-01-01T00:00:00Z', '2024-01-01', 10, 0, 'old', ?, '{}')`, r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var got []string
	for id := int64(1); id <= 5; id++ {
		a, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d:%s:%d", id, strings.SplitN(a.Identity, ":", 2)[0], a.CopyOf))
	}
	if want := "[1:url:0 2::1 3:text:0 4::3 5:url:1]"; fmt.Sprint(got) != want {
		t.Errorf("backfilled (id:identity kind:copy_of) %v, want %s", got, want)
	}
	st, _ := s.Stats(ctx, ByDay, Filter{})
	if len(st) != 1 || st[0].Articles != 2 {
		t.Errorf("stats after backfill: %+v, want 2 articles (one feed item, one pasted text)", st)
	}
	if _, existed := mustSave(t, s, article("https://A.example/1", "feed item one", "old")); !existed {
		t.Error("saving a backfilled article again made a new one")
	}
}

// TestConcurrentOpen opens a new database from several goroutines at
// once: each migration must run once (SQLite's write lock, PostgreSQL's
// advisory lock), and every open succeed.
func TestConcurrentOpen(t *testing.T) { eachURL(t, testConcurrentOpen) }

func testConcurrentOpen(t *testing.T, path string) {
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), path)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open #%d: %v", i, err)
		}
	}
}

func TestOpenURLs(t *testing.T) {
	dir := t.TempDir()
	for _, u := range []string{"sqlite:" + filepath.Join(dir, "a.db"), "sqlite://" + filepath.Join(dir, "b.db"), filepath.Join(dir, "c.db")} {
		s, err := Open(context.Background(), u)
		if err != nil {
			t.Errorf("Open(%q): %v", u, err)
			continue
		}
		s.Close()
	}
	for _, u := range []string{"", "sqlite:", "mysql://host/db"} {
		if s, err := Open(context.Background(), u); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", u)
		}
	}
}

func TestCorruptDatabaseRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), DefaultFile)
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		mustSave(t, s, article(fmt.Sprintf("https://x.example/%d", i), strings.Repeat(fmt.Sprintf("text %d ", i), 40), "m"))
	}
	s.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// 200 bytes of garbage over the second page's header: issue 13 found
	// such a file served and took writes.
	if _, err := f.WriteAt([]byte(strings.Repeat("\xa5", 200)), 4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = Open(context.Background(), path)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open of a damaged database: %v, want ErrCorrupt", err)
	}
	t.Log(err)
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, ".recover") {
		t.Errorf("message %q should name %s and say how to recover", msg, path)
	}
}

func TestNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), DefaultFile)
	if err := os.WriteFile(path, []byte(strings.Repeat("not sqlite ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), path); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
		t.Errorf("Open of a text file: %v, want ErrCorrupt naming the path", err)
	}
}

// readOnly makes dir refuse new files for this process: chmod for a user,
// the immutable attribute for root (whom permissions do not stop).
func readOnly(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		return
	}
	if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot make %s read-only as root: chattr: %v %s", dir, err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", dir).Run() })
}

func TestReadOnlyDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	readOnly(t, dir)
	path := filepath.Join(dir, DefaultFile)
	_, err := Open(context.Background(), path)
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Open in a read-only directory: %v, want ErrReadOnly", err)
	}
	t.Log(err)
	if msg := err.Error(); !strings.Contains(msg, dir) || !strings.Contains(msg, "--data") || strings.Contains(msg, "(14)") {
		t.Errorf("message %q should name %s and what to do", msg, dir)
	}
}

func TestDiskFull(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	if err := s.Check(ctx); err != nil {
		t.Fatalf("Check of a healthy store: %v", err)
	}
	var pages int
	if err := s.w.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// The writer is one connection: capping its database's size stands in
	// for a full disk (SQLite answers SQLITE_FULL either way).
	if _, err := s.w.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Save(ctx, article("", strings.Repeat("many words ", 5000), "m"))
	if !errors.Is(err, ErrFull) || !strings.Contains(err.Error(), s.Name()) {
		t.Errorf("Save on a full disk: %v, want ErrFull naming %s", err, s.Name())
	}
	if n, err := s.Count(ctx); err != nil || n != 0 {
		t.Errorf("after a failed save: %d articles, %v", n, err)
	}
}

// TestConcurrentSameArticle saves one article from many goroutines at once
// (on PostgreSQL each on its own connection, as separate processes would):
// one row, every save answering its id, one of them existed=false.
func TestConcurrentSameArticle(t *testing.T) { each(t, testConcurrentSameArticle) }

func testConcurrentSameArticle(t *testing.T, s *Store) {
	ctx := context.Background()
	const n = 8
	for _, tc := range []struct {
		name string
		make func(i int) *Article
		rows int
	}{
		{"same URL", func(i int) *Article {
			return article("https://race.example/a?utm_source="+fmt.Sprint(i), "race text A", "m")
		}, 1},
		{"same text", func(i int) *Article { return article("", "race text B", "m") }, 1},
		{"copies", func(i int) *Article { return article(fmt.Sprintf("https://copy%d.example/", i), "race text C", "m") }, n},
		{"same key", func(i int) *Article {
			a := article("", fmt.Sprintf("race text D %d", i), "m")
			a.Key = "race-key"
			return a
		}, 1},
	} {
		before, _ := s.Count(ctx)
		ids := make([]int64, n)
		existed := make([]bool, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ids[i], existed[i], errs[i] = s.Save(ctx, tc.make(i))
			}()
		}
		wg.Wait()
		news := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("%s: save %d: %v", tc.name, i, errs[i])
			}
			if !existed[i] {
				news++
			}
			if tc.rows == 1 && ids[i] != ids[0] {
				t.Errorf("%s: ids %v differ", tc.name, ids)
			}
		}
		after, _ := s.Count(ctx)
		if after-before != tc.rows {
			t.Errorf("%s: %d rows added, want %d", tc.name, after-before, tc.rows)
		}
		if tc.rows == 1 && tc.name != "same key" && news != 1 {
			t.Errorf("%s: %d saves say new, want 1", tc.name, news)
		}
	}
	// The copies: one first, the others linked to it, counted once.
	st, err := s.Stats(ctx, ByDay, Filter{Q: "race text C"})
	if err != nil || len(st) != 1 || st[0].Articles != 1 {
		t.Errorf("copies saved at once: stats %+v %v, want 1 article", st, err)
	}
}
