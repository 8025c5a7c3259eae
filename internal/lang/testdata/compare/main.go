// Command compare measures the two language-identification libraries
// unspun considered, whatlanggo and lingua-go, on the corpus paragraphs
// (English news) and on foreign.txt: speed, load time and how many English
// paragraphs each misjudges, by length. It is its own module so that
// lingua-go (130 MB of models) never enters unspun's go.mod. Run it from
// this folder: go run .
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/abadojack/whatlanggo"
	"github.com/pemistahl/lingua-go"
)

func paras(dir string) []string {
	var out []string
	fs, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	for _, f := range fs {
		b, _ := os.ReadFile(f)
		for _, p := range strings.Split(string(b), "\n") {
			p = strings.TrimSpace(p)
			if p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func words(s string) int { return len(strings.Fields(s)) }

// shared is the corpus folder beside the repository.
const shared = "../../../../../shared/data"

func main() {
	eng := paras(filepath.Join(shared, "ptc", "articles"))
	var foreign [][2]string
	f, _ := os.Open("foreign.txt")
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l, t, _ := strings.Cut(sc.Text(), "\t")
		foreign = append(foreign, [2]string{l, t})
	}
	t0 := time.Now()
	whatlanggo.Detect("warm up the detector")
	fmt.Println("whatlanggo first call", time.Since(t0))
	t0 = time.Now()
	det := lingua.NewLanguageDetectorBuilder().FromAllLanguages().Build()
	det.DetectLanguageOf("warm up the detector")
	fmt.Println("lingua build+first call (all languages)", time.Since(t0))
	t0 = time.Now()
	det.DetectLanguageOf("another sentence here in english")
	fmt.Println("lingua second call", time.Since(t0))
	type stat struct{ n, wrong int }
	buckets := []int{1, 3, 5, 8, 12, 20, 1 << 30}
	bucket := func(w int) int {
		for i, b := range buckets {
			if w < b {
				return i
			}
		}
		return len(buckets) - 1
	}
	wl := map[int]*stat{}
	ll := map[int]*stat{}
	wlc := map[int]*stat{}
	var wrongW, wrongL []string
	var tw, tl time.Duration
	for _, p := range eng {
		b := bucket(words(p))
		if wl[b] == nil {
			wl[b], ll[b], wlc[b] = &stat{}, &stat{}, &stat{}
		}
		t := time.Now()
		info := whatlanggo.Detect(p)
		tw += time.Since(t)
		t = time.Now()
		lang, ok := det.DetectLanguageOf(p)
		tl += time.Since(t)
		wl[b].n++
		ll[b].n++
		wlc[b].n++
		if info.Lang != whatlanggo.Eng {
			wl[b].wrong++
			if info.Confidence >= 0.5 {
				wlc[b].wrong++
			}
			if words(p) >= 8 {
				wrongW = append(wrongW, fmt.Sprintf("%s %.2f %q", info.Lang, info.Confidence, trunc(p)))
			}
		}
		if !ok || lang != lingua.English {
			ll[b].wrong++
			if words(p) >= 8 {
				wrongL = append(wrongL, fmt.Sprintf("%s %q", lang, trunc(p)))
			}
		}
	}
	fmt.Printf("English paragraphs: %d; time whatlanggo %v (%.1fµs/para), lingua %v (%.1fµs/para)\n", len(eng), tw, float64(tw.Microseconds())/float64(len(eng)), tl, float64(tl.Microseconds())/float64(len(eng)))
	fmt.Println("bucket(words <) n  whatlanggo-nonEng  whatlanggo-nonEng&conf>=.5  lingua-nonEng")
	for i, b := range buckets {
		if wl[i] == nil {
			continue
		}
		fmt.Printf("< %d\t%d\t%d\t%d\t%d\n", b, wl[i].n, wl[i].wrong, wlc[i].wrong, ll[i].wrong)
	}
	fmt.Println("whatlanggo misjudged English (>=8 words):", len(wrongW))
	for i, s := range wrongW {
		if i < 15 {
			fmt.Println("  ", s)
		}
	}
	fmt.Println("lingua misjudged English (>=8 words):", len(wrongL))
	for i, s := range wrongL {
		if i < 15 {
			fmt.Println("  ", s)
		}
	}
	fmt.Println("foreign:")
	wOK, lOK := 0, 0
	for _, x := range foreign {
		info := whatlanggo.Detect(x[1])
		lang, _ := det.DetectLanguageOf(x[1])
		if info.Lang != whatlanggo.Eng {
			wOK++
		}
		if lang != lingua.English {
			lOK++
		}
		fmt.Printf("  %s words=%d whatlanggo=%s(%.2f) lingua=%s\n", x[0], words(x[1]), info.Lang.Iso6391(), info.Confidence, lang.IsoCode639_1())
	}
	fmt.Printf("foreign detected as not English: whatlanggo %d/%d lingua %d/%d\n", wOK, len(foreign), lOK, len(foreign))
}

func trunc(s string) string {
	r := []rune(s)
	if len(r) > 90 {
		return string(r[:90]) + "…"
	}
	return s
}
