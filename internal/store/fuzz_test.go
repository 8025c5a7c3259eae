package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzFTSQuery: whatever a user types as a search, the query built from it
// quotes every word (no FTS syntax gets through) and the database runs it
// without error; a word of a stored title is found.
func FuzzFTSQuery(f *testing.F) {
	for _, q := range []string{"storm", `"unbalanced`, "a OR b NOT c*", "NEAR(a b)", "title:storm", "^start", "a'b", "--", "'-'",
		"\x00", "😀 storm", "ÉTÉ", "a AND", "(", "*", "storm-warning", "{a b}", "\ufeffstorm", "a\u2028b"} {
		f.Add(q)
	}
	s, err := Open(context.Background(), filepath.Join(f.TempDir(), DefaultFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	_, _, err = s.Save(context.Background(), &Article{Title: "Storm warning", Source: "alpha.example", Words: 6, Model: "test",
		Text: "A terrible storm threatens the coast.", Result: json.RawMessage(`{"text":"x"}`)})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, term := range ftsTerms(q) {
			inner := strings.TrimSuffix(strings.TrimPrefix(term, `"`), `"`)
			if len(term) < 3 || strings.Contains(inner, `"`) {
				t.Fatalf("term %q of %q is not one quoted word", term, q)
			}
		}
		items, _, err := s.List(context.Background(), Filter{Q: q}, 1, 5)
		if err != nil {
			t.Fatalf("search %q (query %q): %v", q, ftsQuery(q), err)
		}
		if q == "storm" && len(items) != 1 {
			t.Fatalf("search storm found %d articles", len(items))
		}
	})
}
