package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestRunAgainstURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			w.Write([]byte(`{"status":"ok"}`))
		case "/api/v1/analyze":
			w.WriteHeader(http.StatusCreated)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	article := filepath.Join(t.TempDir(), "a.txt")
	if err := os.WriteFile(article, []byte("An article."), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"--url", srv.URL, "--pid", strconv.Itoa(os.Getpid()),
		"--clients", "2", "--duration", "200ms", "--article", article}, &out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"requests/s", "errors     0", "p99", "peak RSS"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--article", "/nonexistent/article.txt"},
		{"--url", "http://127.0.0.1:1", "--wait", "300ms", "--article", "main.go"},
		{"--bogus"},
	} {
		if err := run(context.Background(), args, &bytes.Buffer{}); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}

func TestPeakRSS(t *testing.T) {
	n, err := peakRSS(os.Getpid())
	if err != nil || n <= 0 {
		t.Errorf("peakRSS(self) = %d, %v", n, err)
	}
	if _, err := peakRSS(-1); err == nil {
		t.Error("peakRSS of no process succeeded")
	}
}
