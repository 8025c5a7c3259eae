package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"unspun/internal/analyze"
	"unspun/internal/fetch"
	"unspun/internal/server"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "serve the web page and the JSON API, keeping analysed articles",
		run:     runServe,
	})
}

const serveUsage = `
Usage:
  unspun serve [--addr 127.0.0.1:8080] [--db URL | --data DIR] [--token T] [--allow-private-urls]

Serves the web page (paste an article or a URL, read it back with every
technique highlighted and explained; browse stored articles; compare
sources on the dashboard) and the JSON API under /api/v1, described at
/api/openapi.json. Articles are kept in the database --db names (a file,
sqlite:PATH or postgres://… URL), else $UNSPUN_DB, else the SQLite file
unspun.db in DIR, created on first start. Health is at /healthz, Prometheus metrics at /metrics.

The server listens on loopback only unless --addr names another address;
then --token (or the UNSPUN_TOKEN environment variable) is required and
every write must send "Authorization: Bearer <token>".

URL fetching refuses loopback, private, link-local and multicast addresses
unless --allow-private-urls is given.

Stop the server with Ctrl-C (SIGINT) or SIGTERM: requests in flight finish
first.

Examples:
  unspun serve
  UNSPUN_TOKEN=$(openssl rand -hex 16) unspun serve --addr 0.0.0.0:8080 --data /var/lib/unspun
`

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "serve", serveUsage)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address` (host:port)")
	db := AddDBFlags(fs)
	token := fs.String("token", "", "access `token` required for writes (default: $UNSPUN_TOKEN)")
	allowPrivate := fs.Bool("allow-private-urls", false, "allow fetching URLs on loopback, private and link-local addresses")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if *token == "" {
		*token = env.Getenv("UNSPUN_TOKEN")
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usageErrorf("--addr %q: want host:port, e.g. 127.0.0.1:8080", *addr)
	}
	if !server.IsLoopback(*addr) && *token == "" {
		return usageErrorf("--addr %s is reachable from other machines: set --token or UNSPUN_TOKEN so that only you can write", *addr)
	}
	st, err := db.Open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := analyze.Default()
	if err != nil {
		return fmt.Errorf("load model: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := server.New(server.Config{
		Analyzer:     a,
		ModelVersion: a.Model().Version,
		Store:        st,
		Fetcher:      fetch.New(fetch.Options{AllowPrivate: *allowPrivate}),
		Token:        *token,
		Logger:       logger,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Fprintf(env.Stderr, "unspun: serving on http://%s (database %s); Ctrl-C stops\n", ln.Addr(), st.Name())
	if err := srv.Serve(ctx, ln); err != nil {
		return err
	}
	fmt.Fprintln(env.Stderr, "unspun: stopped")
	return st.Close()
}

// defaultDataDir is $XDG_DATA_HOME/unspun, else ~/.local/share/unspun,
// else the platform's user config directory.
func defaultDataDir(env *Env) (string, error) {
	if x := env.Getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "unspun"), nil
	}
	if h := env.Getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "unspun"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no data directory: pass --data (%w)", err)
	}
	return filepath.Join(d, "unspun"), nil
}
