package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// serveBuffer is a goroutine-safe writer for the running server's stderr.
type serveBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *serveBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *serveBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"help", []string{"serve", "-h"}, nil, ExitOK, "unspun serve --addr 0.0.0.0:8080"},
		{"extra argument", []string{"serve", "x"}, nil, ExitUsage, `unexpected argument "x"`},
		{"bad flag", []string{"serve", "--port", "1"}, nil, ExitUsage, "port"},
		{"bad addr", []string{"serve", "--addr", "8080"}, nil, ExitUsage, "want host:port"},
		{"public without token", []string{"serve", "--addr", "0.0.0.0:0"}, nil, ExitUsage, "set --token or UNSPUN_TOKEN"},
		{"all interfaces without token", []string{"serve", "--addr", ":0"}, nil, ExitUsage, "set --token"},
		{"blank token", []string{"serve", "--addr", "0.0.0.0:0", "--token", " "}, nil, ExitUsage, "only white space"},
		{"blank token from env", []string{"serve", "--addr", "0.0.0.0:0"}, map[string]string{"UNSPUN_TOKEN": " \t"}, ExitUsage, "only white space"},
		{"padded token", []string{"serve", "--addr", "0.0.0.0:0", "--token", "abc "}, nil, ExitUsage, "white space"},
		{"bad public url", []string{"serve", "--public-url", "news.example"}, nil, ExitUsage, "--public-url \"news.example\": want an http or https URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return tt.env[k] }}
			code := Main(context.Background(), env, tt.args)
			if code != tt.code || !strings.Contains(out.String()+errb.String(), tt.want) {
				t.Errorf("code %d, output %q%q; want %d containing %q", code, out.String(), errb.String(), tt.code, tt.want)
			}
			if n := strings.Count(out.String(), "Usage:"); n > 1 {
				t.Errorf("usage printed %d times", n)
			}
		})
	}
}

// startServe runs "unspun serve args..." in-process with its data in a
// temporary directory and returns its base URL, its stderr, and a stop
// function that returns its exit code.
func startServe(t *testing.T, dir string, args ...string) (base string, stderr *serveBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	stderr = &serveBuffer{}
	env := &Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: stderr,
		Getenv: func(k string) string {
			if k == "XDG_DATA_HOME" {
				return dir
			}
			return ""
		}}
	done := make(chan int, 1)
	go func() { done <- Main(ctx, env, append([]string{"serve"}, args...)) }()
	addrRe := regexp.MustCompile(`serving on (http://[0-9.:]+)`)
	deadline := time.Now().Add(30 * time.Second)
	for base == "" {
		if m := addrRe.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited early with %d: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return base, stderr, func() int { cancel(); return <-done }
}

func TestServeRunsAndStops(t *testing.T) {
	dir := t.TempDir()
	base, stderr, stop := startServe(t, dir, "--addr", "127.0.0.1:0")
	resp, err := http.Post(base+"/api/v1/analyze", "application/json", strings.NewReader(`{"text":"They are traitors, and everyone knows it."}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("analyze = %d, want 201", resp.StatusCode)
	}
	if code := stop(); code != ExitOK {
		t.Errorf("exit code %d after shutdown, want 0: %s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "unspun", "unspun.db")); err != nil {
		t.Errorf("database not created in the default data directory: %v", err)
	}
}

// TestServeAnswersOnlyItsNames: the loopback server refuses a request that
// names another host (DNS rebinding) with 421 and a reason, and one on its
// own address but another port; --public-url adds a name.
func TestServeAnswersOnlyItsNames(t *testing.T) {
	base, _, stop := startServe(t, t.TempDir(), "--addr", "127.0.0.1:0", "--public-url", "https://news.example,http://intranet.example:8080")
	defer stop()
	_, port, _ := strings.Cut(strings.TrimPrefix(base, "http://"), ":")
	for host, want := range map[string]int{
		"evil.example:" + port:  http.StatusMisdirectedRequest,
		"127.0.0.1:1":           http.StatusMisdirectedRequest,
		"127.0.0.1:" + port:     http.StatusOK,
		"localhost:" + port:     http.StatusOK,
		"[::1]:" + port:         http.StatusOK,
		"news.example":          http.StatusOK,
		"intranet.example:8080": http.StatusOK,
		"intranet.example:9090": http.StatusMisdirectedRequest,
	} {
		req, _ := http.NewRequest("DELETE", base+"/api/v1/articles/1", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want == http.StatusOK {
			want = http.StatusNotFound // answered: there is no article 1
		}
		if resp.StatusCode != want {
			t.Errorf("DELETE with Host %q = %d %s, want %d", host, resp.StatusCode, b, want)
		}
		if want == http.StatusMisdirectedRequest && !strings.Contains(string(b), "does not answer to the name") {
			t.Errorf("421 without a reason: %s", b)
		}
	}
}
