// Package testenv locates what unspun's tests share: the module root, the
// bundled demo article, and the corpus data in ../shared beside the
// repository (where CI and every developer have it). Only tests import it.
package testenv

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// ModuleRoot returns the directory holding unspun's go.mod.
func ModuleRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("testenv: no caller information")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Demo returns the path of the bundled demo article.
func Demo() string {
	return filepath.Join(ModuleRoot(), "testdata", "demo", "iran-mek-2018.txt")
}

// SharedData returns ../shared/data beside the repository, skipping the
// test when it is absent (a checkout without the shared folder), or
// failing it when UNSPUN_REQUIRE_SHARED is set.
func SharedData(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(ModuleRoot(), "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(dir, "ptc", "articles")); err != nil {
		// CI sets UNSPUN_REQUIRE_SHARED so that a missing corpus fails
		// the run instead of silently skipping the model's guard.
		if os.Getenv("UNSPUN_REQUIRE_SHARED") != "" {
			t.Fatalf("shared data not found beside the repository: %v", err)
		}
		t.Skipf("shared data not found beside the repository: %v", err)
	}
	return dir
}

// PTC returns the shared Propaganda Techniques Corpus folder (articles/,
// labels-si/, labels-tc/, split-*.txt), skipping the test when absent.
func PTC(t testing.TB) string {
	t.Helper()
	return filepath.Join(SharedData(t), "ptc")
}

// Unlabeled returns the shared folder of unlabeled news articles,
// skipping the test when absent.
func Unlabeled(t testing.TB) string {
	t.Helper()
	return filepath.Join(SharedData(t), "unlabeled-news")
}
