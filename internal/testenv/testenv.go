// Package testenv locates what unspun's tests share: the module root, the
// bundled demo article, the fixture model, and the real parts some tests
// need: the corpus in ../shared beside the repository, a Chromium binary
// and a PostgreSQL server. Only tests import it.
//
// # Missing parts
//
// A test asks for a real part through this package and never checks for
// it itself. When the part is missing the test is skipped on a developer's
// machine, but it fails when the run says the part must be there, so that
// a CI run cannot pass by silently skipping what it was meant to test:
//
//	part        found at                      required when
//	corpus      ../shared/data                UNSPUN_REQUIRE_SHARED is set
//	Chromium    chromium on PATH              CI=true or UNSPUN_REQUIRE_BROWSER is set
//	PostgreSQL  $UNSPUN_TEST_POSTGRES (a URL)  CI=true or UNSPUN_REQUIRE_POSTGRES is set
//
// .ci/run sets CI=true and UNSPUN_REQUIRE_SHARED=1.
//
// # The fixture model
//
// Tests that need a trained model but not a good one (the pipeline's
// invariants, the commands' formats and errors) share one small model,
// committed as testdata/fixture.model here, so that no test binary trains
// its own (FixtureModel). It is what `unspun train` makes of the first six
// articles of ../shared/data/ptc/split-train.txt (testdata/fixture-ids.txt),
// without word vectors. internal/cli's TestFixtureModel trains it again and
// fails when the bytes differ. After a change to training or to the
// features, regenerate it with FixtureCommand (or that test with -update)
// and commit it; a model reader that refuses it as too old makes the tests
// that load it say the same.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
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
		missing(t, os.Getenv("UNSPUN_REQUIRE_SHARED") != "", "UNSPUN_REQUIRE_SHARED",
			"shared data not found beside the repository: %v", err)
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

// chromiumNames are the names a Chromium or Chrome binary goes by; Debian's
// package installs the first.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Chromium returns the path of a Chromium binary for the browser tests.
// Without one on PATH the test is skipped, or fails when CI=true or
// UNSPUN_REQUIRE_BROWSER is set. scripts/browser-deps.sh installs
// Debian's chromium.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(t, inCI() || os.Getenv("UNSPUN_REQUIRE_BROWSER") != "", "CI or UNSPUN_REQUIRE_BROWSER",
		"no chromium binary on PATH (install Debian's chromium: bash scripts/browser-deps.sh)")
	return ""
}

// Postgres returns the URL of the PostgreSQL server the tests may use
// (UNSPUN_TEST_POSTGRES, e.g. postgres://user@127.0.0.1:5432/db). Without
// it the test is skipped, or fails when CI=true or UNSPUN_REQUIRE_POSTGRES
// is set. The tests own the database: they may create and drop tables.
func Postgres(t testing.TB) string {
	t.Helper()
	url := os.Getenv("UNSPUN_TEST_POSTGRES")
	if url == "" {
		missing(t, inCI() || os.Getenv("UNSPUN_REQUIRE_POSTGRES") != "", "CI or UNSPUN_REQUIRE_POSTGRES",
			"UNSPUN_TEST_POSTGRES is not set (eval \"$(bash scripts/postgres-ci.sh start)\" starts a throwaway server)")
	}
	return url
}

// inCI reports whether CI is set to true (CI=true, as CI services set it,
// or CI=1).
func inCI() bool {
	ci, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && ci
}

// missing skips the test because a part it needs is missing, or fails it
// when required says the run must have the part; why names what requires
// it.
func missing(t testing.TB, required bool, why, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if required {
		t.Fatalf("%s (required: %s)", msg, why)
		return
	}
	t.Skip(msg)
}
