package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// maxPostgresConns caps one process's connections: a few readers and
// writers at once, leaving the server's limit to the other processes.
const maxPostgresConns = 16

// openPostgres opens a PostgreSQL database through pgx's database/sql
// driver, so that both databases share one code path.
func openPostgres(ctx context.Context, dbURL string) (*Store, error) {
	name := redact(dbURL)
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return nil, fmt.Errorf("store: database %s: %w", name, err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxPostgresConns)
	db.SetMaxIdleConns(maxPostgresConns)
	s := &Store{w: db, r: db, name: name, pg: true}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", name, err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, s.classify("migrate", err)
	}
	return s, nil
}

// redact is dbURL without its password, for messages.
func redact(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "PostgreSQL database (unparsable URL)"
	}
	return u.Redacted()
}

// pgKindOf maps a PostgreSQL error to a sentinel, or nil.
func pgKindOf(err error) error {
	pe, ok := errors.AsType[*pgconn.PgError](err)
	if !ok {
		return nil
	}
	switch pe.Code {
	case "53100": // disk_full
		return ErrFull
	case "25006": // read_only_sql_transaction (a standby, or default_transaction_read_only)
		return ErrReadOnly
	case "XX001", "XX002": // data_corrupted, index_corrupted
		return ErrCorrupt
	}
	return nil
}
