package cli

import (
	"regexp"
	"strings"
	"testing"

	"unspun/internal/testenv"
)

func TestBench(t *testing.T) {
	m := testModel(t)
	stdout, stderr, code := runMain("bench", "--articles", "testdata/predict/articles", "--model", m, "--min-time", "1ms")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, re := range []string{
		`(?m)^model load +\d+\.\d ms$`,
		`(?m)^articles +\d+ \(2 distinct\), \d+\.\d+ s on 1 core$`,
		`(?m)^articles/s +\d+\.\d$`,
		`(?m)^words/s +\d+$`,
		`(?m)^articles/CPU-s +\d+\.\d$`,
		`(?m)^allocs/article +\d+$`,
		`(?m)^bytes/article +\d+$`,
		`(?m)^peak RSS +\d+\.\d MB$`,
		`(?m)^predict articles +\d+ \(2 distinct\), \d+\.\d+ s on 1 core$`,
		`(?m)^predict articles/s +\d+\.\d$`,
		`(?m)^predict words/s +\d+$`,
		`(?m)^predict articles/CPU-s +\d+\.\d$`,
		`(?m)^predict allocs/article +\d+$`,
		`(?m)^predict bytes/article +\d+$`,
	} {
		if !regexp.MustCompile(re).MatchString(stdout) {
			t.Errorf("output lacks %s:\n%s", re, stdout)
		}
	}
}

// TestBenchPath checks that --path times the one path it names.
func TestBenchPath(t *testing.T) {
	m := testModel(t)
	for _, tt := range []struct{ path, want, not string }{
		{"analyze", "\narticles ", "predict articles"},
		{"predict", "predict articles ", "\narticles "},
	} {
		stdout, stderr, code := runMain("bench", "--articles", "testdata/predict/articles", "--model", m, "--min-time", "1ms", "--path", tt.path)
		if code != 0 {
			t.Fatalf("--path %s: exit %d: %s", tt.path, code, stderr)
		}
		if !strings.Contains(stdout, tt.want) || strings.Contains(stdout, tt.not) {
			t.Errorf("--path %s: want %q and not %q:\n%s", tt.path, tt.want, tt.not, stdout)
		}
	}
}

func TestBenchValidate(t *testing.T) {
	m := testModel(t)
	ptc := testenv.PTC(t)
	stdout, stderr, code := runMain("bench", "--articles", "testdata/predict/articles", "--model", m, "--min-time", "1ms", "--validate", ptc)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"validation       60 articles", "SI               P ", "TC               micro-F1 ", "expected calibration error"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestBenchBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"missing folder", []string{"bench", "--articles", "testdata/bench-nope"}, 1, "no such file"},
		{"empty folder", []string{"bench", "--articles", "testdata/analyze"}, 1, "no articleID.txt files"},
		{"bad duration", []string{"bench", "--min-time", "soon"}, 2, "invalid value"},
		{"negative duration", []string{"bench", "--min-time", "-1s"}, 2, "must be positive"},
		{"unknown path", []string{"bench", "--path", "si"}, 2, "--path must be analyze, predict or both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runMain(tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) || stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q; want exit %d and %q", code, stderr, stdout, tt.code, tt.msg)
			}
		})
	}
	stdout, _, code := runMain("bench", "-h")
	if code != 0 || !strings.Contains(stdout, "Usage:\n  unspun bench") || !strings.Contains(stdout, "Examples:\n  unspun bench\n") || !strings.Contains(stdout, "-validate DIR") {
		t.Errorf("help: exit %d\n%s", code, stdout)
	}
}
