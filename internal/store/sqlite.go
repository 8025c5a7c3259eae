package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// sqlitePragmas apply to every SQLite connection. synchronous(FULL) makes
// a commit wait until the WAL is on disk, so that an article acknowledged
// as stored survives a power failure (NORMAL could lose the last commits).
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"

// maxCheckMessages caps the problems quoted from PRAGMA quick_check.
const maxCheckMessages = 3

func openSQLite(ctx context.Context, path string) (*Store, error) {
	if err := checkWritable(path); err != nil {
		return nil, err
	}
	w, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_txlock=immediate&"+sqlitePragmas)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	s := &Store{w: w, name: path}
	if err := s.quickCheck(ctx); err != nil {
		w.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, s.classify("migrate", err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?mode=ro&"+sqlitePragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s.r = r
	if err := r.PingContext(ctx); err != nil {
		s.Close()
		return nil, s.classify("open read-only", err)
	}
	return s, nil
}

// quickCheck runs PRAGMA quick_check (the structure of every page and
// index, in time linear in the file's size) and refuses a damaged
// database with ErrCorrupt, quoting what SQLite found and what to do.
func (s *Store) quickCheck(ctx context.Context) error {
	rows, err := s.w.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return s.corrupt(err, nil)
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return s.corrupt(err, msgs)
		}
		if m != "ok" && len(msgs) < maxCheckMessages {
			msgs = append(msgs, m)
		}
	}
	if err := rows.Err(); err != nil {
		return s.corrupt(err, msgs)
	}
	if len(msgs) > 0 {
		return s.corrupt(nil, msgs)
	}
	return nil
}

func (s *Store) corrupt(err error, msgs []string) error {
	if err != nil {
		if s.kindOf(err) != ErrCorrupt {
			return s.classify("integrity check", err)
		}
		msgs = append(msgs, err.Error())
	}
	return &DBError{Kind: ErrCorrupt, DB: s.name, Op: "integrity check at start",
		Err: fmt.Errorf("quick_check: %s", strings.Join(msgs, "; ")), Hint: corruptHint(s.name)}
}
