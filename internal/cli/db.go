package cli

import (
	"context"
	"flag"
	"path/filepath"

	"unspun/internal/store"
)

// DBFlags are the --db and --data flags every command that stores or
// reads articles shares (serve, batch --store, worker, feeds, export):
// one resolver, so that they all open the same database by default.
type DBFlags struct {
	db, data *string
}

// AddDBFlags registers --db and --data on fs.
func AddDBFlags(fs *flag.FlagSet) *DBFlags {
	return &DBFlags{
		db:   fs.String("db", "", "database: a file `PATH`, sqlite:PATH or postgres://… URL (default: $UNSPUN_DB, else unspun.db in --data)"),
		data: fs.String("data", "", "data `DIR` holding the SQLite database unspun.db (default: $XDG_DATA_HOME/unspun, else ~/.local/share/unspun)"),
	}
}

// Given reports whether --db or --data was set.
func (d *DBFlags) Given() bool { return *d.db != "" || *d.data != "" }

// URL is the database the flags name, for store.Open: --db, else --data's
// unspun.db, else $UNSPUN_DB, else unspun.db in the default data
// directory.
func (d *DBFlags) URL(env *Env) (string, error) {
	switch {
	case *d.db != "" && *d.data != "":
		return "", usageErrorf("give --db or --data, not both")
	case *d.db != "":
		return *d.db, nil
	case *d.data != "":
		return filepath.Join(*d.data, store.DefaultFile), nil
	case env.Getenv("UNSPUN_DB") != "":
		return env.Getenv("UNSPUN_DB"), nil
	}
	dir, err := defaultDataDir(env)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, store.DefaultFile), nil
}

// Open opens the database the flags name.
func (d *DBFlags) Open(ctx context.Context, env *Env) (*store.Store, error) {
	u, err := d.URL(env)
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, u)
}
