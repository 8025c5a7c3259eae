package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite" // also registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
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
	// The pragmas run in order when a connection opens: busy_timeout
	// first, so that switching a new file to WAL, which needs the file to
	// itself for a moment, waits for another process opening it at the
	// same time instead of failing with SQLITE_BUSY.
	w, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas+"&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	s := &Store{w: w, name: path}
	if err := retryBusy(ctx, func() error { return s.quickCheck(ctx) }); err != nil {
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

// openBusyWait bounds how long Open waits for another process that holds
// a new database file for itself, as busy_timeout does for statements.
const openBusyWait = 10 * time.Second

// retryBusy runs f again, with growing pauses, while it fails with
// SQLITE_BUSY, for up to openBusyWait. Opening a file that another process
// is switching to WAL at that moment can fail so without SQLite calling
// the busy handler (the WAL index is being set up), so busy_timeout alone
// does not cover it.
func retryBusy(ctx context.Context, f func() error) error {
	deadline := time.Now().Add(openBusyWait)
	pause := 5 * time.Millisecond
	for {
		err := f()
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		pause = min(2*pause, 200*time.Millisecond)
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY (or one of its
// extended codes).
func isBusy(err error) bool {
	se, ok := errors.AsType[*sqlite.Error](err)
	return ok && se.Code()&0xff == sqlite3.SQLITE_BUSY
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
