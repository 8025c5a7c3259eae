package cli

import (
	"runtime/debug"
	"testing"

	"unspun/internal/testenv"
)

// TestLoadModelRestoresCollector: loading turns the collector off for
// its duration only, and puts back whatever setting it found, also when
// the load fails.
func TestLoadModelRestoresCollector(t *testing.T) {
	prev := debug.SetGCPercent(137)
	defer debug.SetGCPercent(prev)
	if _, err := loadModel(testenv.FixtureModel(t)); err != nil {
		t.Fatal(err)
	}
	if got := debug.SetGCPercent(137); got != 137 {
		t.Errorf("after loading a model the collector's percentage is %d, want 137", got)
	}
	if _, err := loadModel("testdata/analyze/article.txt"); err == nil {
		t.Fatal("an article loaded as a model")
	}
	if got := debug.SetGCPercent(137); got != 137 {
		t.Errorf("after a failed load the collector's percentage is %d, want 137", got)
	}
}
