package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// recorder is a testing.TB that records how a helper ended the test
// instead of ending it.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Skip(args ...any)                  { r.skipped = fmt.Sprint(args...) }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestMissingParts(t *testing.T) {
	empty := t.TempDir() // a PATH without chromium
	tests := []struct {
		name string
		env  map[string]string
		get  func(testing.TB) string
		fail bool
	}{
		{"chromium locally", map[string]string{"PATH": empty, "CI": ""}, Chromium, false},
		{"chromium in CI", map[string]string{"PATH": empty, "CI": "true"}, Chromium, true},
		{"chromium CI=1", map[string]string{"PATH": empty, "CI": "1"}, Chromium, true},
		{"chromium CI=false", map[string]string{"PATH": empty, "CI": "false"}, Chromium, false},
		{"chromium required", map[string]string{"PATH": empty, "CI": "", "UNSPUN_REQUIRE_BROWSER": "1"}, Chromium, true},
		{"postgres locally", map[string]string{"UNSPUN_TEST_POSTGRES": "", "CI": ""}, Postgres, false},
		{"postgres in CI", map[string]string{"UNSPUN_TEST_POSTGRES": "", "CI": "true"}, Postgres, true},
		{"postgres required", map[string]string{"UNSPUN_TEST_POSTGRES": "", "CI": "", "UNSPUN_REQUIRE_POSTGRES": "1"}, Postgres, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("UNSPUN_REQUIRE_BROWSER", "")
			t.Setenv("UNSPUN_REQUIRE_POSTGRES", "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			r := &recorder{TB: t}
			if got := tt.get(r); got != "" {
				t.Errorf("returned %q for a missing part", got)
			}
			if tt.fail && (r.failed == "" || r.skipped != "") {
				t.Errorf("failed %q, skipped %q; want a failure", r.failed, r.skipped)
			}
			if !tt.fail && (r.skipped == "" || r.failed != "") {
				t.Errorf("failed %q, skipped %q; want a skip", r.failed, r.skipped)
			}
		})
	}
}

func TestPostgresURL(t *testing.T) {
	const url = "postgres://unspun@127.0.0.1:5432/unspun_test"
	t.Setenv("UNSPUN_TEST_POSTGRES", url)
	t.Setenv("CI", "true")
	r := &recorder{TB: t}
	if got := Postgres(r); got != url || r.failed != "" || r.skipped != "" {
		t.Errorf("Postgres = %q (failed %q, skipped %q), want %q", got, r.failed, r.skipped, url)
	}
}

func TestSharedDataRequired(t *testing.T) {
	// Only the behaviour when ../shared is present can be checked here
	// without moving it: then no environment makes it skip or fail.
	dir := filepath.Join(ModuleRoot(), "..", "shared", "data")
	for _, req := range []string{"", "1"} {
		t.Setenv("UNSPUN_REQUIRE_SHARED", req)
		r := &recorder{TB: t}
		got := SharedData(r)
		if r.skipped != "" {
			t.Skip("no ../shared here")
		}
		if got != dir || r.failed != "" {
			t.Errorf("UNSPUN_REQUIRE_SHARED=%q: SharedData = %q (failed %q), want %q", req, got, r.failed, dir)
		}
	}
}

func TestFixtureModel(t *testing.T) {
	r := &recorder{TB: t}
	if p := FixtureModel(r); r.failed != "" || filepath.Base(p) != "fixture.model" {
		t.Errorf("FixtureModel = %q, failure %q", p, r.failed)
	}
}

func TestAnnotations(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.tsv", "# a comment\narticle\tstart\tend\tspeaker\n111\t3\t9\tTrump|Donald Trump\n222\t0\t4\t-\n")
	rows := Annotations(t, good, 1)
	want := []Row{{"111", 3, 9, []string{"Trump|Donald Trump"}}, {"222", 0, 4, []string{"-"}}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows %v, want %v", rows, want)
	}
	for name, text := range map[string]string{
		"columns": "111\t3\t9\n",
		"offsets": "# c\n111\t9\t3\tX\n",
		"empty":   "111\t3\t9\t\n",
	} {
		r := &recorder{TB: t}
		if got := Annotations(r, write(name+".tsv", text), 1); got != nil || !strings.Contains(r.failed, name+".tsv:") {
			t.Errorf("%s: rows %v, failure %q", name, got, r.failed)
		}
	}
}

func TestTally(t *testing.T) {
	var s Tally
	marks := []string{
		s.Add("Kim", false, true),    // right
		s.Add("Trump", false, false), // wrong
		s.Add("", false, false),      // missed
		s.Add("", true, false),       // none, left empty
		s.Add("Iran", true, true),    // none, answered: never right
	}
	if got := strings.Join(marks, ""); got != "✓✗  ✗" {
		t.Errorf("marks %q", got)
	}
	want := Tally{Rows: 5, Given: 3, Correct: 1, Annotated: 3, None: 2, NoneEmpty: 1}
	if s != want {
		t.Errorf("tally %+v, want %+v", s, want)
	}
	if s.Precision() != 1.0/3 || s.Recall() != 1.0/3 || s.Coverage() != 3.0/5 {
		t.Errorf("precision %v recall %v coverage %v", s.Precision(), s.Recall(), s.Coverage())
	}
}
