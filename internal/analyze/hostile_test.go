package analyze

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"unspun/internal/analysis"
	"unspun/internal/doc"
	"unspun/internal/model"
	"unspun/internal/testenv"
)

// hostileRatio is how many times the demo article's CPU time per word a
// hostile input may take per word. The hostile inputs cost 1–2× the demo
// per word (nearly every word of them lies in a span, against a sixth of
// the demo's, and spans are what the classifier and the cues work on); a
// stage quadratic in a span's size or in a repeated word's count makes a
// 2 MB input tens to hundreds of times slower.
const hostileRatio = 6

// hostileBytes is the size of the hostile inputs: analysis.MaxBytes, the
// most an analysis takes, or an eighth of it under the race detector,
// which would spend minutes on 12 MB of text. A stage quadratic in the
// input still costs, per word, tens of times the demo article's at 256 KB,
// fifty times the demo's size.
func hostileBytes() int {
	if raceEnabled {
		return analysis.MaxBytes / 8
	}
	return analysis.MaxBytes
}

// hostileTexts are inputs of about hostileBytes built to defeat
// per-sentence, per-span and per-repeat work.
func hostileTexts() []struct{ name, text string } {
	size := hostileBytes()
	fill := func(unit string) string {
		n := (size - 16) / len(unit)
		return "Title\n\n" + strings.Repeat(unit, n)
	}
	words := strings.Fields("the corrupt regime destroys our great nation and its evil leaders lie about the terrible disaster while patriots fight")
	var unbroken strings.Builder
	unbroken.WriteString("Title\n\n")
	for i := 0; unbroken.Len() < size-32; i++ {
		unbroken.WriteString(words[(i*7+i/5)%len(words)])
		unbroken.WriteByte(' ')
	}
	return []struct{ name, text string }{
		{"no sentence breaks", unbroken.String()},
		{"one word repeated", fill("lies ")},
		{"phrase repeated", fill("the regime lies ")},
		{"quoted sentence repeated", fill(`He said: "This is a disaster for the whole nation and the people." `)},
		{"unbalanced quotes", fill(`“They lie "to us «again `)},
		{"one line of punctuation", fill("abc,def.ghi!")},
		// Language identification's fixed cost per line, about a third of
		// a millisecond, is paid once per distinct line.
		{"foreign paragraph repeated", fill("O governo anunciou ontem que as eleições gerais serão realizadas na primavera, depois de meses de negociações.\n")},
		{"short foreign line repeated between foreign ones", fill("A oposição continua dizendo que o plano é ruim para os trabalhadores.\nE agora, o que fazer?\n")},
	}
}

// hostileModel is the model the hostile-input test runs: the shipped one.
func hostileModel(t testing.TB) *model.Model {
	t.Helper()
	m, err := model.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// perWord returns the least CPU time per word of analysing text, over
// runs repeats. CPU time, not wall time, so that other work on a shared
// machine does not count; the least is the run it disturbed least.
func perWord(t testing.TB, a *Analyzer, text string, runs int) time.Duration {
	t.Helper()
	n := len(doc.New("", text).Words)
	best := time.Duration(1<<63 - 1)
	for range runs {
		start := cpuTime(t)
		if _, err := a.Analyze(context.Background(), "", text); err != nil {
			t.Fatal(err)
		}
		best = min(best, cpuTime(t)-start)
	}
	return best / time.Duration(max(n, 1))
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime(t testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestHostileInputsLinear analyses inputs of hostileBytes (2 MB; 256 KB
// under -race) built to be slow and checks that each costs, per word, at
// most hostileRatio times the demo article measured in the same run: time
// linear in the input's length, whatever its shape.
func TestHostileInputsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses six texts of up to 2 MB")
	}
	a := New(hostileModel(t))
	demo, err := os.ReadFile(testenv.Demo())
	if err != nil {
		t.Fatal(err)
	}
	base := perWord(t, a, string(demo), 20)
	t.Logf("demo article: %v per word", base)
	for _, h := range hostileTexts() {
		got := perWord(t, a, h.text, 1)
		t.Logf("%s (%d bytes): %v per word, %.1f× the demo", h.name, len(h.text), got, float64(got)/float64(base))
		if got > hostileRatio*base {
			t.Errorf("%s: %v per word, more than %d× the demo article's %v", h.name, got, hostileRatio, base)
		}
	}
}

// TestAnalyzeCanceled checks that analysis of a hostileBytes text stops
// soon after its context is cancelled, with the context's error.
func TestAnalyzeCanceled(t *testing.T) {
	a := New(hostileModel(t))
	text := hostileTexts()[0].text
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.Analyze(ctx, "", text); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before: err = %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start, cpu := time.Now(), cpuTime(t)
	_, err := a.Analyze(ctx, "", text)
	took, used := time.Since(start), cpuTime(t)-cpu
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline during analysis: err = %v after %v, want context.DeadlineExceeded", err, took)
	}
	// Segmenting the text runs before the first check; the rest stops
	// between sentences. CPU time, not wall time, so that a busy machine
	// (which may not run the test for a second) does not count.
	if used > time.Second {
		t.Errorf("analysis used %v of CPU before it stopped for its 50ms deadline", used)
	}
	t.Logf("stopped after %v (%v of CPU)", took, used)
}

// BenchmarkHostile reports the time per word of every hostile input and
// of the demo article.
func BenchmarkHostile(b *testing.B) {
	a := New(hostileModel(b))
	demo, err := os.ReadFile(testenv.Demo())
	if err != nil {
		b.Fatal(err)
	}
	cases := append([]struct{ name, text string }{{"demo article", string(demo)}}, hostileTexts()...)
	for _, h := range cases {
		n := len(doc.New("", h.text).Words)
		b.Run(strings.ReplaceAll(h.name, " ", "-"), func(b *testing.B) {
			b.SetBytes(int64(len(h.text)))
			for b.Loop() {
				if _, err := a.Analyze(context.Background(), "", h.text); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/word")
		})
	}
}
