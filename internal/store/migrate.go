package store

import (
	"context"
	"fmt"
	"time"
)

// migrations are applied in order, each once, in its own transaction; a
// database records the ones it has in schema_migrations. Append only:
// never edit a migration that has shipped.
var migrations = []string{
	// 1: articles, their spans and the full-text index.
	`CREATE TABLE articles (
		id        INTEGER PRIMARY KEY,
		title     TEXT NOT NULL DEFAULT '',
		source    TEXT NOT NULL DEFAULT '',
		url       TEXT NOT NULL DEFAULT '',
		byline    TEXT NOT NULL DEFAULT '',
		published TEXT,
		created   TEXT NOT NULL,
		day       TEXT NOT NULL,
		words     INTEGER NOT NULL,
		score     REAL NOT NULL,
		model     TEXT NOT NULL,
		text      TEXT NOT NULL,
		result    TEXT NOT NULL
	);
	CREATE INDEX articles_source ON articles(source);
	CREATE INDEX articles_day ON articles(day);
	CREATE TABLE spans (
		article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
		technique  TEXT NOT NULL,
		start      INTEGER NOT NULL,
		"end"      INTEGER NOT NULL,
		confidence REAL NOT NULL
	);
	CREATE INDEX spans_article ON spans(article_id);
	CREATE INDEX spans_technique ON spans(technique, article_id);
	CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='id');
	CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
		INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
	END;
	CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
		INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
	END;`,
}

// SchemaVersion is the schema version this build migrates databases to.
var SchemaVersion = len(migrations)

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	var have int
	if err := s.w.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&have); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("database schema version %d is newer than this program's %d; upgrade unspun", have, len(migrations))
	}
	for v := have + 1; v <= len(migrations); v++ {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migration %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied) VALUES (?, ?)",
			v, time.Now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", v, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %d: %w", v, err)
		}
	}
	return nil
}

// Version returns the schema version of the open database.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	if err := s.r.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("store: read schema version: %w", err)
	}
	return v, nil
}
