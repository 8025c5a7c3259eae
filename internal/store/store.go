// Package store keeps analysed articles in an embedded SQLite database
// (modernc.org/sqlite, pure Go) in WAL mode, with full-text search over
// titles and texts (FTS5) and the aggregate statistics the dashboard draws.
//
// The store knows the analysis only as data (analysis.Result): it keeps it
// as the JSON the API returns, plus one row per span so that filters and
// statistics run in SQL.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unspun/internal/analysis"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound is returned when no article has the requested id.
var ErrNotFound = errors.New("article not found")

// Article is one stored analysis.
type Article struct {
	ID     int64
	Title  string
	Source string
	URL    string
	Byline string
	// Published is when the article was published; zero if unknown.
	Published time.Time
	// Created is when the article was stored.
	Created time.Time
	Words   int
	Score   float64
	Model   string
	Text    string
	// Spans summarise the analysis for filtering and statistics.
	Spans []Span
	// Result is the analysis as JSON, returned verbatim by the API.
	Result json.RawMessage
}

// Span is a technique found in an article.
type Span struct {
	Technique  string // corpus label
	Start, End int    // code points
	Confidence float64
}

// Meta is what a front end knows of an article besides its analysis.
type Meta struct {
	Title, Source, URL, Byline string
	Published                  time.Time // zero if unknown
}

// FromResult builds the stored form of an analysed article: every front
// end (the HTTP API, batch runs) stores articles through it, so the web
// pages show and compare them alike.
func FromResult(m Meta, res *analysis.Result) (*Article, error) {
	if res == nil {
		return nil, errors.New("store: no analysis to store")
	}
	raw, err := json.Marshal(res)
	if err != nil {
		return nil, fmt.Errorf("store: encode analysis: %w", err)
	}
	a := &Article{
		Title: m.Title, Source: m.Source, URL: m.URL, Byline: m.Byline, Published: m.Published,
		Words: res.Words, Score: res.Score, Model: res.Model, Text: res.Text, Result: raw,
	}
	for _, sp := range res.Spans {
		if sp.Technique.Valid() {
			a.Spans = append(a.Spans, Span{Technique: sp.Technique.String(), Start: sp.Start, End: sp.End, Confidence: sp.Confidence})
		}
	}
	return a, nil
}

// Summary is an article as listed, without its text.
type Summary struct {
	ID         int64          `json:"id"`
	Title      string         `json:"title"`
	Source     string         `json:"source"`
	URL        string         `json:"url,omitempty"`
	Published  *time.Time     `json:"published,omitempty"`
	Created    time.Time      `json:"created"`
	Words      int            `json:"words"`
	Score      float64        `json:"score"`
	Spans      int            `json:"spans"`
	Techniques map[string]int `json:"techniques"`
}

// Store is an open database. It is safe for concurrent use.
type Store struct {
	w *sql.DB // single connection: SQLite has one writer at a time
	r *sql.DB // read-only pool; WAL lets readers run beside the writer
	// wmu queues writers in (nearly) arrival order. database/sql hands a
	// freed connection to a random waiter, which under load lets some
	// writes wait for seconds; sync.Mutex turns fair once contended.
	wmu sync.Mutex
}

// DefaultFile is the database's file name inside a data directory.
const DefaultFile = "unspun.db"

// Open opens (creating if needed) the database at path and applies any
// pending migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("store: create directory for %s: %w", path, err)
	}
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	w, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_txlock=immediate&"+pragmas)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	s := &Store{w: w}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?mode=ro&"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s.r = r
	if err := r.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: open %s read-only: %w", path, err)
	}
	return s, nil
}

// Close closes the database, checkpointing the WAL.
func (s *Store) Close() error {
	var errR error
	if s.r != nil {
		errR = s.r.Close()
	}
	return errors.Join(s.w.Close(), errR)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Save stores a and returns its new id.
func (s *Store) Save(ctx context.Context, a *Article) (int64, error) {
	if a.Created.IsZero() {
		a.Created = time.Now()
	}
	day := a.Created
	var published any
	if !a.Published.IsZero() {
		day = a.Published
		published = a.Published.UTC().Format(time.RFC3339)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: save: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO articles
		(title, source, url, byline, published, created, day, words, score, model, text, result)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		a.Title, a.Source, a.URL, a.Byline, published, a.Created.UTC().Format(time.RFC3339Nano),
		day.UTC().Format(time.DateOnly), a.Words, a.Score, a.Model, a.Text, string(a.Result))
	if err != nil {
		return 0, fmt.Errorf("store: save article: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("store: save article: %w", err)
	}
	if len(a.Spans) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO spans (article_id, technique, start, "end", confidence) VALUES (?,?,?,?,?)`)
		if err != nil {
			return 0, fmt.Errorf("store: save spans: %w", err)
		}
		defer st.Close()
		for _, sp := range a.Spans {
			if _, err := st.ExecContext(ctx, id, sp.Technique, sp.Start, sp.End, sp.Confidence); err != nil {
				return 0, fmt.Errorf("store: save span: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: save: %w", err)
	}
	a.ID = id
	return id, nil
}

// Get returns the article with the given id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (*Article, error) {
	a := &Article{ID: id}
	var published sql.NullString
	var created, result string
	err := s.r.QueryRowContext(ctx, `SELECT title, source, url, byline, published, created, words, score, model, text, result
		FROM articles WHERE id = ?`, id).Scan(&a.Title, &a.Source, &a.URL, &a.Byline, &published, &created,
		&a.Words, &a.Score, &a.Model, &a.Text, &result)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: article %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get article %d: %w", id, err)
	}
	a.Result = json.RawMessage(result)
	a.Created, _ = time.Parse(time.RFC3339Nano, created)
	if published.Valid {
		a.Published, _ = time.Parse(time.RFC3339, published.String)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT technique, start, "end", confidence FROM spans WHERE article_id = ? ORDER BY start, "end"`, id)
	if err != nil {
		return nil, fmt.Errorf("store: get spans of article %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var sp Span
		if err := rows.Scan(&sp.Technique, &sp.Start, &sp.End, &sp.Confidence); err != nil {
			return nil, fmt.Errorf("store: get spans of article %d: %w", id, err)
		}
		a.Spans = append(a.Spans, sp)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: get spans of article %d: %w", id, err)
	}
	return a, nil
}

// Delete removes the article with the given id, or returns ErrNotFound.
func (s *Store) Delete(ctx context.Context, id int64) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	res, err := s.w.ExecContext(ctx, "DELETE FROM articles WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: delete article %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: article %d: %w", id, ErrNotFound)
	}
	return nil
}

// Count returns the number of stored articles.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM articles").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count articles: %w", err)
	}
	return n, nil
}

// Sources returns the distinct sources of stored articles, sorted.
func (s *Store) Sources(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT DISTINCT source FROM articles WHERE source <> '' ORDER BY source")
	if err != nil {
		return nil, fmt.Errorf("store: list sources: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var src string
		if err := rows.Scan(&src); err != nil {
			return nil, fmt.Errorf("store: list sources: %w", err)
		}
		out = append(out, src)
	}
	return out, rows.Err()
}

// ftsQuery turns free text into an FTS5 query that matches documents
// containing every word. Each word is quoted so that user input can never
// be read as FTS5 syntax (a stray quote or "NEAR(" would otherwise be a
// syntax error or an unintended operator).
func ftsQuery(q string) string {
	var terms []string
	for _, f := range strings.FieldsFunc(q, func(r rune) bool {
		return !(r == '\'' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127)
	}) {
		f = strings.Trim(f, "'-")
		if f == "" {
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(f, `"`, `""`)+`"`)
	}
	return strings.Join(terms, " ")
}

// maxTitle caps a title taken from an article's first line, in code
// points.
const maxTitle = 200

// TitleOf is the title of an article given without one: its first
// non-blank line, spaces collapsed, shortened to 200 code points. In the
// PTC layout, and in most saved or pasted articles, that line is the
// title.
func TitleOf(text string) string {
	for line := range strings.Lines(text) {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		if utf8.RuneCountInString(line) > maxTitle {
			line = string([]rune(line)[:maxTitle-1]) + "…"
		}
		return line
	}
	return ""
}
