package analyze

import (
	"context"
	"os"
	"reflect"
	"testing"

	"unspun/internal/testenv"
)

// TestNoCues checks that an analysis without cues finds the same spans,
// techniques, confidences and voices, and leaves every span's cues empty.
func TestNoCues(t *testing.T) {
	a := New(hostileModel(t))
	text, err := os.ReadFile(testenv.Demo())
	if err != nil {
		t.Fatal(err)
	}
	with, err := a.Analyze(context.Background(), "demo", string(text))
	if err != nil {
		t.Fatal(err)
	}
	without, err := a.AnalyzeWith(context.Background(), "demo", string(text), Options{NoCues: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(with.Spans) == 0 || len(with.Spans) != len(without.Spans) {
		t.Fatalf("%d spans with cues, %d without", len(with.Spans), len(without.Spans))
	}
	for i := range with.Spans {
		if len(without.Spans[i].Cues) != 0 {
			t.Errorf("span %d has cues %q with NoCues", i, without.Spans[i].Cues)
		}
		if len(with.Spans[i].Cues) == 0 {
			t.Errorf("span %d has no cues by default", i)
		}
		w := with.Spans[i]
		w.Cues = nil
		wo := without.Spans[i]
		wo.Cues = nil
		if !reflect.DeepEqual(w, wo) {
			t.Errorf("span %d differs without cues:\n%+v\n%+v", i, w, wo)
		}
	}
	if !reflect.DeepEqual(with.Sentences, without.Sentences) || with.Score != without.Score {
		t.Error("sentence scores differ without cues")
	}
}
