package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinels for the failures a caller must tell apart: match them with
// errors.Is. The errors that wrap them name the database (its path, or
// the PostgreSQL host and database) and say what to do.
var (
	// ErrNotFound: no article has the requested id.
	ErrNotFound = errors.New("article not found")
	// ErrFull: the disk (or the database's quota) is full.
	ErrFull = errors.New("database or disk is full")
	// ErrReadOnly: the database, its directory or the server refuses
	// writes.
	ErrReadOnly = errors.New("database is read-only")
	// ErrCorrupt: the database file is damaged.
	ErrCorrupt = errors.New("database is damaged")
	// ErrInvalid: the caller's data cannot be stored as given (a review
	// span outside the text, say).
	ErrInvalid = errors.New("invalid data")
)

// DBError is a failure of the database itself, classified: Kind is one of
// ErrFull, ErrReadOnly, ErrCorrupt; DB names the database; Hint says what
// to do.
type DBError struct {
	Kind error
	DB   string
	Op   string
	Hint string
	Err  error
}

func (e *DBError) Error() string {
	msg := fmt.Sprintf("store: %s: %s: %v", e.DB, e.Op, e.Kind)
	if e.Err != nil && e.Err.Error() != e.Kind.Error() {
		msg += " (" + e.Err.Error() + ")"
	}
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// Unwrap gives both the sentinel and the driver's error to errors.Is/As.
func (e *DBError) Unwrap() []error { return []error{e.Kind, e.Err} }

// classify turns a driver error into a *DBError when it is one of the
// kinds callers act on, and otherwise wraps it with op.
func (s *Store) classify(op string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*DBError](err); ok {
		return err
	}
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) {
		return err
	}
	kind := s.kindOf(err)
	if kind == nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	return &DBError{Kind: kind, DB: s.name, Op: op, Hint: s.hint(kind), Err: err}
}

// kindOf maps a driver error to a sentinel, or nil.
func (s *Store) kindOf(err error) error {
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return ErrFull
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
			return ErrReadOnly
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return ErrCorrupt
		}
		return nil
	}
	return pgKindOf(err)
}

func (s *Store) hint(kind error) string {
	switch kind {
	case ErrFull:
		if s.pg {
			return "free space on the database server"
		}
		return "free space on the disk holding " + filepath.Dir(s.name) + " (articles already stored are safe)"
	case ErrReadOnly:
		if s.pg {
			return "connect to a primary that accepts writes"
		}
		return "make " + s.name + " and its directory writable by this user, or choose another with --data or --db"
	case ErrCorrupt:
		return corruptHint(s.name)
	}
	return ""
}

func corruptHint(path string) string {
	return fmt.Sprintf("stop unspun, keep a copy of %s, then restore a backup or recover what is readable with "+
		"'sqlite3 %s .recover | sqlite3 recovered.db' and start unspun with --db recovered.db", path, path)
}

// isPermission reports whether err says writing is not allowed: a
// permission, read-only file system or immutable file.
func isPermission(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) || errors.Is(err, syscall.EPERM)
}

// checkWritable says why SQLite could not write path, before SQLite says
// "unable to open database file": the directory must take new files (the
// -wal and -shm files live beside the database) and the file, if it
// exists, must open for writing.
func checkWritable(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		if isPermission(err) {
			return &DBError{Kind: ErrReadOnly, DB: path, Op: "create directory " + dir, Err: err,
				Hint: "choose a writable data directory with --data or a database with --db"}
		}
		return fmt.Errorf("store: create directory for %s: %w", path, err)
	}
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		if isPermission(err) {
			return &DBError{Kind: ErrReadOnly, DB: path, Op: "open for writing", Err: err,
				Hint: "make the file writable by this user, or choose another with --data or --db"}
		}
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, ".unspun-write-check-*")
	if err != nil {
		if isPermission(err) {
			return &DBError{Kind: ErrReadOnly, DB: path, Op: "create files in " + dir, Err: err,
				Hint: "SQLite keeps its -wal and -shm files beside the database, so the directory must be writable: " +
					"make it writable by this user, or choose another with --data or --db"}
		}
		return fmt.Errorf("store: write in %s: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}
