package cli

import (
	"bytes"
	"context"
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

func TestServeRunsAndStops(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr serveBuffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &stderr,
		Getenv: func(k string) string {
			if k == "XDG_DATA_HOME" {
				return dir
			}
			return ""
		}}
	done := make(chan int, 1)
	go func() { done <- Main(ctx, env, []string{"serve", "--addr", "127.0.0.1:0"}) }()
	addrRe := regexp.MustCompile(`serving on (http://[0-9.:]+)`)
	var base string
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
	resp, err := http.Post(base+"/api/v1/analyze", "application/json", strings.NewReader(`{"text":"They are traitors, and everyone knows it."}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("analyze = %d, want 201", resp.StatusCode)
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Errorf("exit code %d after shutdown, want 0: %s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "unspun", "unspun.db")); err != nil {
		t.Errorf("database not created in the default data directory: %v", err)
	}
}
