package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"unspun/internal/fetch"
	"unspun/internal/metrics"
	"unspun/internal/server"
	"unspun/internal/store"
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
  unspun serve [--addr 127.0.0.1:8080] [--db URL | --data DIR] [--token T] [--public-url URL]... [--allow-private-urls]
               [--watch [--concurrency N]] [--log-format text|json]

Serves the web page (paste an article or a URL, read it back with every
technique highlighted and explained; browse stored articles; compare
sources on the dashboard) and the JSON API under /api/v1, described at
/api/openapi.json. Articles are kept in the database --db names (a file,
sqlite:PATH or postgres://… URL), else $UNSPUN_DB, else the SQLite file
unspun.db in DIR, created on first start. Health is at /healthz, Prometheus metrics at /metrics.

The server listens on loopback only unless --addr names another address;
then --token (or the UNSPUN_TOKEN environment variable) is required and
every write must send "Authorization: Bearer <token>".

The server answers only to the names it is reached by: on loopback,
localhost, 127.0.0.1 and [::1] with its port; otherwise the hosts of
--public-url (repeat it, or separate URLs by commas; a name behind a
reverse proxy is given the same way), and, without --public-url, any name
(the token guards writes). A request naming another host gets 421, and a
page form sent from another origin gets 403, so a web page elsewhere cannot
use the server through a name that resolves to it (DNS rebinding).

URL fetching refuses loopback, private, link-local and multicast addresses
unless --allow-private-urls is given.

--watch also does a worker's job in this process: it polls the watched
feeds ('unspun feeds add') and analyses their new articles. On PostgreSQL
the jobs go through River, as with 'unspun worker'; on SQLite the queued
feed items are worked by an in-process pool. Logs are structured
(log/slog), as text or JSON lines.

Stop the server with Ctrl-C (SIGINT) or SIGTERM: requests in flight finish
first.

Examples:
  unspun serve
  UNSPUN_TOKEN=$(openssl rand -hex 16) unspun serve --addr 0.0.0.0:8080 --data /var/lib/unspun
  unspun serve --addr 0.0.0.0:8080 --public-url https://news.example.org --token "$T"
`

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "serve", serveUsage)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address` (host:port)")
	db := AddDBFlags(fs)
	token := fs.String("token", "", "access `token` required for writes (default: $UNSPUN_TOKEN)")
	allowPrivate := fs.Bool("allow-private-urls", false, "allow fetching URLs on loopback, private and link-local addresses")
	watching := fs.Bool("watch", false, "also poll watched feeds and analyse their new articles in this process (see 'unspun worker')")
	wf := addWatchFlags(fs)
	format := logFormat(fs)
	var publicURLs []string
	fs.Func("public-url", "a `URL` the server is reached by (repeatable, or comma-separated); only its names are answered", func(v string) error {
		for _, u := range strings.Split(v, ",") {
			if u = strings.TrimSpace(u); u != "" {
				publicURLs = append(publicURLs, u)
			}
		}
		return nil
	})
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if err := wf.check(); err != nil {
		return err
	}
	logger, err := newLogger(env.Stderr, *format, slog.LevelInfo)
	if err != nil {
		return err
	}
	if *token == "" {
		*token = env.Getenv("UNSPUN_TOKEN")
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usageErrorf("--addr %q: want host:port, e.g. 127.0.0.1:8080", *addr)
	}
	if *token != "" && strings.TrimSpace(*token) != *token {
		if strings.TrimSpace(*token) == "" {
			return usageErrorf("the token is only white space: choose a real one, e.g. $(openssl rand -hex 16)")
		}
		return usageErrorf("the token begins or ends with white space, which a client cannot send: remove it")
	}
	loopback := server.IsLoopback(*addr)
	if !loopback && *token == "" {
		return usageErrorf("--addr %s is reachable from other machines: set --token or UNSPUN_TOKEN so that only you can write", *addr)
	}
	publicHosts, err := hostsOf(publicURLs)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	hosts, anyHost := acceptedHosts(ln.Addr(), loopback, publicHosts)
	dbURL, err := db.URL(env)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := loadAnalyzer("")
	if err != nil {
		return fmt.Errorf("load model: %w", err)
	}
	if env.Getenv("GOMEMLIMIT") == "" {
		// A soft limit makes the garbage collector return the memory of
		// finished analyses before the heap doubles; with the server's
		// budget on text in analysis, it keeps the peak of concurrent
		// large articles near one large article's working memory.
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	set := metrics.New()
	srv, err := server.New(server.Config{
		Metrics:      set,
		Analyzer:     a,
		ModelVersion: a.Model().Version,
		Store:        st,
		Fetcher:      fetch.New(fetch.Options{AllowPrivate: *allowPrivate}),
		Token:        *token,
		Logger:       logger,
		Hosts:        hosts,
		AnyHost:      anyHost,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "unspun: serving on http://%s (database %s); Ctrl-C stops\n", ln.Addr(), st.Name())
	watchErr := make(chan error, 1)
	if *watching {
		go func() {
			err := runWatching(ctx, st, dbURL, a, wf, *allowPrivate, logger, set)
			if err != nil {
				logger.Error("watching feeds stopped", "err", err)
			}
			watchErr <- err
		}()
	} else {
		watchErr <- nil
	}
	if err := srv.Serve(ctx, ln); err != nil {
		return err
	}
	if err := <-watchErr; err != nil {
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

// serveMemoryLimit is the server's soft memory limit unless GOMEMLIMIT
// sets another.
const serveMemoryLimit = 400 << 20

// hostsOf returns the host[:port] of each --public-url.
func hostsOf(urls []string) ([]string, error) {
	var hosts []string
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, usageErrorf("--public-url %q: want an http or https URL such as https://news.example.org", raw)
		}
		hosts = append(hosts, u.Host)
	}
	return hosts, nil
}

// acceptedHosts are the names the server at addr answers to (see
// serveUsage): the loopback names with its port on loopback, the public
// URLs' hosts, and the address itself when it is one specific IP.
// Without public URLs a non-loopback server answers any name.
func acceptedHosts(addr net.Addr, loopback bool, public []string) (hosts []string, anyHost bool) {
	host, port, _ := net.SplitHostPort(addr.String())
	if loopback {
		for _, h := range []string{"localhost", "127.0.0.1", "::1"} {
			hosts = append(hosts, net.JoinHostPort(h, port))
		}
		return append(hosts, public...), false
	}
	if len(public) == 0 {
		return nil, true
	}
	if ip := net.ParseIP(host); ip != nil && !ip.IsUnspecified() {
		hosts = append(hosts, net.JoinHostPort(host, port))
	}
	return append(hosts, public...), false
}
