// Command unspun-load is the load benchmark of "unspun serve": concurrent
// clients post demo-size articles to /api/v1/analyze on loopback for a
// fixed time, then it prints requests/s, latency percentiles, errors and
// the server's peak resident memory.
//
// By default it starts the server itself from an unspun binary, on a
// fresh data directory, so that the memory it reports is the server's
// alone:
//
//	go build -o /tmp/unspun ./cmd/unspun
//	go run ./cmd/unspun-load --bin /tmp/unspun
//
// or it targets a running server with --url (and --pid for its memory).
//
// --mixed makes each client also read, list, search, ask for statistics
// and delete what it stored. After a run against a server it started, it
// stops the server and checks the database: PRAGMA integrity_check, the
// full-text index's own check, and that the articles left are exactly
// those created and not deleted.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite"

	"unspun/internal/loadtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "unspun-load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("unspun-load", flag.ContinueOnError)
	bin := fs.String("bin", "", "unspun `binary` to start as the server (default: unspun on PATH, unless --url)")
	target := fs.String("url", "", "base `URL` of a running server instead of starting one")
	pid := fs.Int("pid", 0, "process id of the --url server, to report its peak memory")
	clients := fs.Int("clients", 50, "concurrent `clients`")
	duration := fs.Duration("duration", 30*time.Second, "how long to send requests")
	article := fs.String("article", "testdata/demo/iran-mek-2018.txt", "article `file` to post")
	storeIt := fs.Bool("store", true, "store the analysed articles (store=true)")
	token := fs.String("token", "", "bearer `token` for the server")
	wait := fs.Duration("wait", 30*time.Second, "how long to wait for the server to become healthy")
	mixed := fs.Bool("mixed", false, "mixed load: reads, searches, statistics and deletes besides the analyses")
	if err := fs.Parse(args); err != nil {
		return err
	}
	text, err := os.ReadFile(*article)
	if err != nil {
		return err
	}
	base, serverPID := *target, *pid
	var server *exec.Cmd
	var dbPath string
	if base == "" {
		path := *bin
		if path == "" {
			if path, err = exec.LookPath("unspun"); err != nil {
				return errors.New("no server: pass --bin PATH (go build -o /tmp/unspun ./cmd/unspun) or --url")
			}
		}
		dir, err := os.MkdirTemp("", "unspun-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		server, base, err = startServer(ctx, path, filepath.Join(dir, "data"), *token)
		if err != nil {
			return err
		}
		dbPath = filepath.Join(dir, "data", "unspun.db")
		serverPID = server.Process.Pid
		defer func() {
			if server != nil {
				server.Process.Signal(os.Interrupt)
				server.Wait()
			}
		}()
	}
	if err := waitHealthy(ctx, base, *wait); err != nil {
		return err
	}
	what := "posting"
	if *mixed {
		what = "reading, searching, deleting and posting"
	}
	fmt.Fprintf(stdout, "load: %d clients %s %d-byte articles to %s/api/v1/analyze?store=%t for %s\n",
		*clients, what, len(text), base, *storeIt, *duration)
	rep, err := loadtest.Run(ctx, loadtest.Config{BaseURL: base, Clients: *clients, Duration: *duration,
		Articles: []string{string(text)}, Store: *storeIt, Token: *token, Mixed: *mixed})
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, rep)
	if serverPID > 0 {
		if hwm, err := peakRSS(serverPID); err == nil {
			fmt.Fprintf(stdout, "server     peak RSS %.1f MB (VmHWM of pid %d)\n", float64(hwm)/(1<<20), serverPID)
		} else {
			fmt.Fprintf(stdout, "server     peak RSS unknown: %v\n", err)
		}
	}
	if server == nil {
		return nil
	}
	server.Process.Signal(os.Interrupt)
	if err := server.Wait(); err != nil {
		return fmt.Errorf("server exited with %v", err)
	}
	server = nil
	n, err := checkDatabase(ctx, dbPath)
	if err != nil {
		return err
	}
	if want := rep.Created - rep.Deleted; *storeIt && n != want {
		return fmt.Errorf("database %s holds %d articles, want %d (%d created - %d deleted)", dbPath, n, want, rep.Created, rep.Deleted)
	}
	fmt.Fprintf(stdout, "database   integrity_check ok, full-text index ok, %d articles (= created - deleted)\n", n)
	return nil
}

// checkDatabase runs SQLite's integrity check and the full-text index's
// own on the stopped server's database, and returns its article count.
func checkDatabase(ctx context.Context, path string) (int, error) {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return 0, fmt.Errorf("integrity_check %s: %w", path, err)
	}
	var problems []string
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			rows.Close()
			return 0, err
		}
		if msg != "ok" {
			problems = append(problems, msg)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(problems) > 0 {
		return 0, fmt.Errorf("integrity_check %s: %s", path, strings.Join(problems, "; "))
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')"); err != nil {
		return 0, fmt.Errorf("full-text index of %s: %w", path, err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM articles").Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

var servingRe = regexp.MustCompile(`serving on (http://[0-9.:\[\]]+)`)

// startServer runs "BIN serve" on a free loopback port and returns once it
// has said where it listens.
func startServer(ctx context.Context, bin, data, token string) (*exec.Cmd, string, error) {
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data)
	if token != "" {
		cmd.Args = append(cmd.Args, "--token", token)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("start %s: %w", bin, err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			if m := servingRe.FindStringSubmatch(sc.Text()); m != nil && !sent {
				found <- m[1]
				sent = true
			} else if !sent || strings.Contains(sc.Text(), "level=") {
				fmt.Fprintln(os.Stderr, "server:", sc.Text())
			}
		}
		close(found)
	}()
	select {
	case base, ok := <-found:
		if !ok {
			cmd.Wait()
			return nil, "", fmt.Errorf("%s serve exited before listening", bin)
		}
		return cmd, base, nil
	case <-time.After(60 * time.Second):
	case <-ctx.Done():
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, "", fmt.Errorf("%s serve did not start listening", bin)
}

func waitHealthy(ctx context.Context, base string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("server at %s is not healthy: %v", base, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// peakRSS reads a process's peak resident set size (VmHWM) in bytes.
func peakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("VmHWM %q: %w", rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}
