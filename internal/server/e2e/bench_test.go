package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspun/internal/analyze"
	"unspun/internal/server"
	"unspun/internal/store"

	"unspun/internal/testenv"
)

// BenchmarkAnalyzeAPI measures one POST /api/v1/analyze of the demo article
// through the handler with the real analyzer, with and without storing,
// next to the analyzer alone, to show where a request's time goes.
func BenchmarkAnalyzeAPI(b *testing.B) {
	text, err := os.ReadFile(testenv.Demo())
	if err != nil {
		b.Fatal(err)
	}
	a, err := analyze.Default()
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), store.DefaultFile))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(server.Config{Analyzer: a, Store: st})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	body, _ := json.Marshal(map[string]string{"text": string(text)})
	b.Run("analyzer", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.Analyze(context.Background(), "demo", string(text)); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, storeIt := range []string{"false", "true"} {
		b.Run("store="+storeIt, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("POST", "/api/v1/analyze?store="+storeIt, strings.NewReader(string(body)))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK && rec.Code != http.StatusCreated {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
