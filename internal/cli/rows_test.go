package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"unspun/internal/analysis"
)

// TestAnalyzeTSVRows: analyze --format tsv gives one SemEval TC row per
// technique of each fragment that --format json reports, in order, as
// the corpus repeats a span given two techniques.
func TestAnalyzeTSVRows(t *testing.T) {
	m := testModel(t)
	const article = "testdata/predict/articles/article1001.txt"
	js, stderr, code := runMain("analyze", "--format", "json", "--model", m, article)
	if code != 0 {
		t.Fatalf("json: exit %d: %s", code, stderr)
	}
	var res analysis.Result
	if err := json.Unmarshal([]byte(js), &res); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, s := range res.Spans {
		if len(s.Techniques) == 0 || s.Techniques[0].Technique != s.Technique || len(s.Techniques) > 2 {
			t.Errorf("span %d–%d: technique %v, techniques %v", s.Start, s.End, s.Technique, s.Techniques)
		}
		for _, alt := range s.Techniques {
			fmt.Fprintf(&want, "1001\t%s\t%d\t%d\n", alt.Technique, s.Start, s.End)
		}
	}
	tsv, stderr, code := runMain("analyze", "--format", "tsv", "--model", m, article)
	if code != 0 {
		t.Fatalf("tsv: exit %d: %s", code, stderr)
	}
	if len(res.Spans) == 0 {
		t.Fatal("the test model found nothing in the article")
	}
	if tsv != want.String() {
		t.Errorf("tsv rows:\n%s\nwant (from the JSON):\n%s", tsv, want.String())
	}
}
