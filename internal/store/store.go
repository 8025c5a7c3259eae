// Package store keeps analysed articles in a database: an embedded SQLite
// file (modernc.org/sqlite, pure Go, WAL mode, FTS5 search) by default, or
// PostgreSQL shared by several processes and machines. Both give the same
// behaviour: schema, search, filters, statistics, identity.
//
// The store knows the analysis only as data (analysis.Result): it keeps it
// as the JSON the API returns, plus one row per span so that filters and
// statistics run in SQL.
//
// An article is stored once: its identity (ident.Of) is its canonical URL
// when it has one, else the hash of its normalised text. Saving an article
// whose identity is stored returns the stored id. An article with another
// URL but the same text (a syndicated copy) is stored, linked to the
// first by CopyOf, and left out of the statistics.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"unspun/internal/analysis"
	"unspun/internal/ident"
)

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

	// Identity, CanonicalURL and TextHash are set by Save from URL and
	// Text (see package ident); Identity is empty for an article stored
	// twice before identities existed (see migration 2).
	Identity, CanonicalURL, TextHash string
	// CopyOf is the id of the first stored article with the same text
	// when this one is a copy of it under another URL; 0 otherwise.
	CopyOf int64
	// Key is the client's Idempotency-Key the article was saved with;
	// Save records it, Get does not return it.
	Key string
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
	// CopyOf is the article this one is a syndicated copy of.
	CopyOf int64 `json:"copy_of,omitempty"`
}

// Store is an open database. It is safe for concurrent use.
type Store struct {
	// w writes. On SQLite it is a single connection (one writer at a
	// time); on PostgreSQL it is the pool, and r is the same pool.
	w *sql.DB
	r *sql.DB // SQLite: read-only pool; WAL lets readers run beside the writer
	// wmu queues SQLite writers in (nearly) arrival order. database/sql
	// hands a freed connection to a random waiter, which under load lets
	// some writes wait for seconds; sync.Mutex turns fair once contended.
	wmu sync.Mutex
	// name names the database in errors: the SQLite path, or the
	// PostgreSQL URL without its password.
	name string
	pg   bool
}

// DefaultFile is the database's file name inside a data directory.
const DefaultFile = "unspun.db"

// Open opens (creating if needed) the database dbURL names and applies any
// pending migrations. dbURL is a file path or "sqlite:PATH" for SQLite, or
// a "postgres://" (or "postgresql://") URL for PostgreSQL.
func Open(ctx context.Context, dbURL string) (*Store, error) {
	if strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://") {
		return openPostgres(ctx, dbURL)
	}
	path, ok := strings.CutPrefix(dbURL, "sqlite:")
	if ok {
		// sqlite:///abs/path and sqlite://rel/path, as well as sqlite:path.
		path = strings.TrimPrefix(path, "//")
	} else if i := strings.Index(dbURL, "://"); i > 0 && !strings.ContainsAny(dbURL[:i], `/\.`) {
		return nil, fmt.Errorf("store: database %q: unknown scheme %q (want a file path, sqlite:PATH or postgres://…)", dbURL, dbURL[:i])
	}
	if path == "" {
		return nil, errors.New("store: no database path given")
	}
	return openSQLite(ctx, path)
}

// Name names the database: the SQLite file's path, or the PostgreSQL URL
// without its password.
func (s *Store) Name() string { return s.name }

// Close closes the database, checkpointing the WAL.
func (s *Store) Close() error {
	var errR error
	if s.r != nil && s.r != s.w {
		errR = s.r.Close()
	}
	return errors.Join(s.w.Close(), errR)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.classify("ping", s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one))
}

// Check is a health check: a cheap read, then a one-row write (to the
// store_check table), so that a full disk or a read-only database shows
// here, as ErrFull or ErrReadOnly, rather than at the next save.
func (s *Store) Check(ctx context.Context) error {
	var v int
	if err := s.r.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		return s.classify("check read", err)
	}
	return s.write(ctx, "check write", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO store_check (id, at) VALUES (1, ?)
			ON CONFLICT (id) DO UPDATE SET at = excluded.at`), timeText(time.Now()))
		return err
	})
}

// q rewrites a query's ? placeholders for the database: $1, $2, … on
// PostgreSQL. Queries here never hold a literal "?".
func (s *Store) q(query string) string {
	if !s.pg {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// write runs fn in a write transaction and commits it. SQLite writers
// queue on wmu; errors are classified (ErrFull, ErrReadOnly, ErrCorrupt).
func (s *Store) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	if !s.pg {
		s.wmu.Lock()
		defer s.wmu.Unlock()
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.classify(op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return s.classify(op, err)
	}
	return s.classify(op, tx.Commit())
}

// timeFormat is how times are kept in TEXT columns: UTC with a fixed
// number of digits, so that text order is time order in both databases.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// timeText formats t for a TEXT column.
func timeText(t time.Time) string { return t.UTC().Format(timeFormat) }

// TimeText formats t as the store keeps times (UTC, microseconds, fixed
// width, so that comparing the text compares the times); for queries on
// the store's TEXT time columns, such as feeds.next_poll.
func TimeText(t time.Time) string { return timeText(t) }

// parseTime reads a time written by timeText or, in rows stored before,
// as RFC 3339 with nanoseconds.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// identify fills in a's identity fields from its URL and text.
func identify(a *Article) {
	a.TextHash = ident.TextHash(a.Text)
	a.CanonicalURL = ""
	if strings.TrimSpace(a.URL) != "" {
		if c, err := ident.CanonicalURL(a.URL); err == nil {
			a.CanonicalURL = c
		}
	}
	a.Identity = ident.Of(a.URL, a.Text)
}

// Save stores a, unless an article with its identity is stored already:
// then it returns that article's id and existed=true, and replaces the
// stored analysis (text, spans, words, score, result) only when a was
// analysed by another model version; the stored title, source, URL and
// dates stay. An article without a URL is also the same as any stored
// article with the same normalised text. A new article with the same text
// as a stored one under another URL is stored with CopyOf set.
//
// When a.Key is set and a save with that key is recorded, Save returns
// what that save returned; otherwise it records the key with the article.
func (s *Store) Save(ctx context.Context, a *Article) (id int64, existed bool, err error) {
	if a.Created.IsZero() {
		a.Created = time.Now()
	}
	identify(a)
	for range 2 {
		err = s.write(ctx, "save article", func(tx *sql.Tx) error {
			id, existed, err = s.save(ctx, tx, a)
			return err
		})
		if !errors.Is(err, errKeyRace) {
			break
		}
		// Another process saved with this key meanwhile: this save is
		// rolled back, and the retry returns that one's answer.
	}
	if err != nil {
		return 0, false, err
	}
	a.ID = id
	return id, existed, nil
}

func (s *Store) save(ctx context.Context, tx *sql.Tx, a *Article) (int64, bool, error) {
	if a.Key != "" {
		var id int64
		var existed bool
		err := tx.QueryRowContext(ctx, s.q("SELECT article_id, existed FROM idempotency_keys WHERE key = ?"), a.Key).Scan(&id, &existed)
		if err == nil {
			return id, existed, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, fmt.Errorf("read idempotency key: %w", err)
		}
	}
	if s.pg {
		// Serialise saves of one text, so that two copies saved at once
		// do not both become the first.
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", a.TextHash); err != nil {
			return 0, false, err
		}
	}
	id, model, err := s.lookup(ctx, tx, a)
	existed := err == nil
	switch {
	case errors.Is(err, ErrNotFound):
		id, existed, err = s.insert(ctx, tx, a)
		if err != nil {
			return 0, false, err
		}
	case err != nil:
		return 0, false, err
	case model != a.Model:
		if err := s.reanalysed(ctx, tx, id, a); err != nil {
			return 0, false, err
		}
	}
	if a.Key != "" {
		var k string
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO idempotency_keys (key, article_id, existed, created) VALUES (?,?,?,?)
			ON CONFLICT (key) DO NOTHING RETURNING key`), a.Key, id, existed, timeText(time.Now())).Scan(&k)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, false, errKeyRace
		}
		if err != nil {
			return 0, false, fmt.Errorf("record idempotency key: %w", err)
		}
	}
	return id, existed, nil
}

// errKeyRace: another transaction recorded the idempotency key first.
var errKeyRace = errors.New("idempotency key recorded meanwhile")

// querier is what lookups need of a *sql.DB or *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// lookup finds the stored article a is the same as (by identity, or for an
// article without a URL by text), or returns ErrNotFound. a's identity
// fields must be set.
func (s *Store) lookup(ctx context.Context, db querier, a *Article) (id int64, model string, err error) {
	err = db.QueryRowContext(ctx, s.q("SELECT id, model FROM articles WHERE identity = ?"), a.Identity).Scan(&id, &model)
	if errors.Is(err, sql.ErrNoRows) && a.CanonicalURL == "" {
		// Prefer the first of the copies.
		err = db.QueryRowContext(ctx, s.q(`SELECT id, model FROM articles WHERE text_hash = ?
			ORDER BY copy_of IS NOT NULL, id LIMIT 1`), a.TextHash).Scan(&id, &model)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", ErrNotFound
	}
	if err != nil {
		return 0, "", fmt.Errorf("look up article: %w", err)
	}
	return id, model, nil
}

// Lookup returns the id and model version of the stored article that an
// article with this URL (may be empty) and text would be saved as, or
// ErrNotFound: so that a caller can skip analysing what is stored.
func (s *Store) Lookup(ctx context.Context, url, text string) (id int64, model string, err error) {
	a := &Article{URL: url, Text: text}
	identify(a)
	id, model, err = s.lookup(ctx, s.r, a)
	return id, model, s.classify("look up article", err)
}

// LookupURL is Lookup for a link whose text is not known yet: it finds a
// stored article by the link's canonical URL only.
func (s *Store) LookupURL(ctx context.Context, url string) (id int64, model string, err error) {
	c, err := ident.CanonicalURL(url)
	if err != nil {
		return 0, "", fmt.Errorf("store: %w", err)
	}
	err = s.r.QueryRowContext(ctx, s.q("SELECT id, model FROM articles WHERE identity = ?"), "url:"+c).Scan(&id, &model)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", ErrNotFound
	}
	return id, model, s.classify("look up article", err)
}

// KeyArticle returns the article saved with the Idempotency-Key key and
// whether that save found it stored already, or ErrNotFound.
func (s *Store) KeyArticle(ctx context.Context, key string) (id int64, existed bool, err error) {
	err = s.r.QueryRowContext(ctx, s.q("SELECT article_id, existed FROM idempotency_keys WHERE key = ?"), key).Scan(&id, &existed)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("store: idempotency key: %w", ErrNotFound)
	}
	return id, existed, s.classify("read idempotency key", err)
}

// insert adds a new article, linked to the first with the same text. On
// PostgreSQL another process may have stored the identity meanwhile: then
// it returns that article, existed=true.
func (s *Store) insert(ctx context.Context, tx *sql.Tx, a *Article) (int64, bool, error) {
	var copyOf any
	var first int64
	err := tx.QueryRowContext(ctx, s.q("SELECT id FROM articles WHERE text_hash = ? AND copy_of IS NULL ORDER BY id LIMIT 1"),
		a.TextHash).Scan(&first)
	switch {
	case err == nil:
		copyOf = first
		a.CopyOf = first
	case !errors.Is(err, sql.ErrNoRows):
		return 0, false, fmt.Errorf("look up copies: %w", err)
	}
	day := a.Created
	var published any
	if !a.Published.IsZero() {
		day = a.Published
		published = a.Published.UTC().Format(time.RFC3339)
	}
	var id int64
	err = tx.QueryRowContext(ctx, s.q(`INSERT INTO articles
		(title, source, url, byline, published, created, day, words, score, model, text, result,
		 identity, canonical_url, text_hash, copy_of)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT (identity) DO NOTHING RETURNING id`),
		a.Title, a.Source, a.URL, a.Byline, published, a.Created.UTC().Format(time.RFC3339Nano),
		day.UTC().Format(time.DateOnly), a.Words, a.Score, a.Model, a.Text, string(a.Result),
		a.Identity, a.CanonicalURL, a.TextHash, copyOf).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		// Stored by another process since lookup.
		err = tx.QueryRowContext(ctx, s.q("SELECT id FROM articles WHERE identity = ?"), a.Identity).Scan(&id)
		if err != nil {
			return 0, false, fmt.Errorf("look up article: %w", err)
		}
		return id, true, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("insert article: %w", err)
	}
	return id, false, s.insertSpans(ctx, tx, id, a.Spans)
}

func (s *Store) insertSpans(ctx context.Context, tx *sql.Tx, id int64, spans []Span) error {
	if len(spans) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, s.q(`INSERT INTO spans (article_id, technique, start, "end", confidence) VALUES (?,?,?,?,?)`))
	if err != nil {
		return fmt.Errorf("save spans: %w", err)
	}
	defer st.Close()
	for _, sp := range spans {
		if _, err := st.ExecContext(ctx, id, sp.Technique, sp.Start, sp.End, sp.Confidence); err != nil {
			return fmt.Errorf("save span: %w", err)
		}
	}
	return nil
}

// reanalysed replaces stored article id's analysis with a's.
func (s *Store) reanalysed(ctx context.Context, tx *sql.Tx, id int64, a *Article) error {
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE articles SET text = ?, words = ?, score = ?, model = ?, result = ?, text_hash = ?
		WHERE id = ?`), a.Text, a.Words, a.Score, a.Model, string(a.Result), a.TextHash, id); err != nil {
		return fmt.Errorf("update article %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, s.q("DELETE FROM spans WHERE article_id = ?"), id); err != nil {
		return fmt.Errorf("update spans of article %d: %w", id, err)
	}
	return s.insertSpans(ctx, tx, id, a.Spans)
}

// Get returns the article with the given id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (*Article, error) {
	a := &Article{ID: id}
	var published, identity sql.NullString
	var copyOf sql.NullInt64
	var created, result string
	err := s.r.QueryRowContext(ctx, s.q(`SELECT title, source, url, byline, published, created, words, score, model, text, result,
		identity, canonical_url, text_hash, copy_of FROM articles WHERE id = ?`), id).Scan(
		&a.Title, &a.Source, &a.URL, &a.Byline, &published, &created, &a.Words, &a.Score, &a.Model, &a.Text, &result,
		&identity, &a.CanonicalURL, &a.TextHash, &copyOf)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: article %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, s.classify(fmt.Sprintf("get article %d", id), err)
	}
	a.Result = json.RawMessage(result)
	a.Created = parseTime(created)
	a.Identity, a.CopyOf = identity.String, copyOf.Int64
	if published.Valid {
		a.Published, _ = time.Parse(time.RFC3339, published.String)
	}
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT technique, start, "end", confidence FROM spans WHERE article_id = ? ORDER BY start, "end"`), id)
	if err != nil {
		return nil, s.classify(fmt.Sprintf("get spans of article %d", id), err)
	}
	defer rows.Close()
	for rows.Next() {
		var sp Span
		if err := rows.Scan(&sp.Technique, &sp.Start, &sp.End, &sp.Confidence); err != nil {
			return nil, s.classify(fmt.Sprintf("get spans of article %d", id), err)
		}
		a.Spans = append(a.Spans, sp)
	}
	if err := rows.Err(); err != nil {
		return nil, s.classify(fmt.Sprintf("get spans of article %d", id), err)
	}
	return a, nil
}

// Delete removes the article with the given id, or returns ErrNotFound.
// When it was the first of syndicated copies, the next copy becomes the
// first, so that the text still counts once in the statistics.
func (s *Store) Delete(ctx context.Context, id int64) error {
	return s.write(ctx, fmt.Sprintf("delete article %d", id), func(tx *sql.Tx) error {
		var next int64
		err := tx.QueryRowContext(ctx, s.q("SELECT id FROM articles WHERE copy_of = ? ORDER BY id LIMIT 1"), id).Scan(&next)
		switch {
		case err == nil:
			if _, err := tx.ExecContext(ctx, s.q("UPDATE articles SET copy_of = NULL WHERE id = ?"), next); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.q("UPDATE articles SET copy_of = ? WHERE copy_of = ?"), next, id); err != nil {
				return err
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM articles WHERE id = ?"), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: article %d: %w", id, ErrNotFound)
		}
		return nil
	})
}

// Count returns the number of stored articles, copies included.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM articles").Scan(&n); err != nil {
		return 0, s.classify("count articles", err)
	}
	return n, nil
}

// Sources returns the distinct sources of stored articles, sorted.
func (s *Store) Sources(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT DISTINCT source FROM articles WHERE source <> ''")
	if err != nil {
		return nil, s.classify("list sources", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var src string
		if err := rows.Scan(&src); err != nil {
			return nil, s.classify("list sources", err)
		}
		out = append(out, src)
	}
	// Sorted here: PostgreSQL's collation may differ from byte order.
	slices.Sort(out)
	return out, s.classify("list sources", rows.Err())
}

// ftsTerms splits free text into the words a search must find, each
// quoted so that user input is never read as query syntax (a stray quote
// or "NEAR(" in FTS5, "or" or "-" in websearch_to_tsquery).
func ftsTerms(q string) []string {
	var terms []string
	for _, f := range strings.FieldsFunc(q, func(r rune) bool {
		return !(r == '\'' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127)
	}) {
		f = strings.Trim(f, "'-")
		if f == "" {
			continue
		}
		terms = append(terms, `"`+f+`"`)
	}
	return terms
}

// ftsQuery turns free text into a query that matches documents containing
// every word: the same string serves FTS5's MATCH and PostgreSQL's
// websearch_to_tsquery, where space-separated quoted words are all
// required.
func ftsQuery(q string) string { return strings.Join(ftsTerms(q), " ") }

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
