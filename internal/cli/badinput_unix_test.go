//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestNamedPipeArticle checks that a named pipe among the articles is
// refused rather than read, which would block forever.
func TestNamedPipeArticle(t *testing.T) {
	b := writeBadFiles(t)
	ptc := filepath.Join(b.dir, "ptc-pipe")
	arts := filepath.Join(ptc, "articles")
	if err := os.MkdirAll(filepath.Join(ptc, "labels-tc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(arts, 0o755); err != nil {
		t.Fatal(err)
	}
	pipe := filepath.Join(arts, "article1.txt")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	msg := pipe + " is not a regular file, not an article"
	runBadCases(t, []badCase{
		{name: "predict", args: []string{"predict", "si", "--model", b.model, "--articles", arts}, code: 1, msg: msg},
		{name: "bench", args: []string{"bench", "--model", b.model, "--articles", arts}, code: 1, msg: msg},
		{name: "eval", args: []string{"eval", "si", "--gold", "testdata/eval/gold-si", "--pred", "testdata/eval/pred-si.labels", "--articles", arts}, code: 1, msg: msg},
		{name: "train", args: []string{"train", "--data", ptc, "--out", filepath.Join(b.dir, "m.model"), "--resources", "none"}, code: 1, msg: msg},
	})
}

// TestUnreadableModel checks a --model file without read permission.
func TestUnreadableModel(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	b := writeBadFiles(t)
	locked := filepath.Join(b.dir, "locked.model")
	data, err := os.ReadFile(b.model)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(locked, data, 0o000); err != nil {
		t.Fatal(err)
	}
	runBadCases(t, []badCase{
		{name: "analyze", args: []string{"analyze", "--model", locked, b.plain}, code: 1, msg: "open " + locked + ": permission denied"},
		{name: "predict", args: []string{"predict", "si", "--model", locked, "--articles", b.good}, code: 1, msg: "open " + locked + ": permission denied"},
	})
}
