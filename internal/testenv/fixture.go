package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// FixtureSize holds the train flags that make the fixture model small:
// 2^14 hashed features (0.4 MB instead of 12) and one training run per
// span tagger instead of four, so that training it again, as
// internal/cli's TestFixtureModel does, takes about a third of the
// default's time.
const FixtureSize = "--hash-bits 14 --bags 1"

// FixtureCommand is the command, run from the module root, that rebuilds
// the fixture model.
const FixtureCommand = "go run ./cmd/unspun train --data ../shared/data/ptc" +
	" --train-ids internal/testenv/testdata/fixture-ids.txt --resources none " + FixtureSize +
	" --out internal/testenv/testdata/fixture.model"

// FixtureModel returns the path of the fixture model, failing the test
// when the file is missing.
func FixtureModel(t testing.TB) string {
	t.Helper()
	p := filepath.Join(ModuleRoot(), "internal", "testenv", "testdata", "fixture.model")
	if _, err := os.Stat(p); err != nil {
		FixtureUnreadable(t, err)
	}
	return p
}

// FixtureIDs returns the path of the list of articles the fixture model
// is trained on.
func FixtureIDs() string {
	return filepath.Join(ModuleRoot(), "internal", "testenv", "testdata", "fixture-ids.txt")
}

// FixtureUnreadable fails the test because the fixture model could not be
// read (err: missing, or refused as made by an older version of the
// features or the file format), saying how to regenerate it.
func FixtureUnreadable(t testing.TB, err error) {
	t.Helper()
	t.Fatalf("the fixture model is missing or stale: %v\nregenerate it from the module root with\n\t%s\nand commit internal/testenv/testdata/fixture.model", err, FixtureCommand)
}
