package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"unspun/internal/testenv"
)

// BenchmarkSave saves new articles of about 700 words with 10 spans, one
// transaction each, as batch --store and the API do.
func BenchmarkSave(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			var u string
			if be.name == "sqlite" {
				u = b.TempDir() + "/" + DefaultFile
			} else {
				u = testenv.PostgresDB(b)
			}
			s, err := Open(context.Background(), u)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			body := strings.Repeat("the regime lies about the terrible plan again ", 90)
			spans := make([]Span, 10)
			for i := range spans {
				spans[i] = Span{"Loaded_Language", i * 10, i*10 + 5, 0.5}
			}
			b.ResetTimer()
			for i := range b.N {
				a := article(fmt.Sprintf("https://bench.example/%d", i), fmt.Sprintf("%d %s", i, body), "m", spans...)
				if _, _, err := s.Save(context.Background(), a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
