package doc

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"unspun/internal/testenv"
)

// codePoints splits s the way the package counts: one element per valid
// rune and per byte of an invalid sequence, each holding its bytes.
func codePoints(s string) []string {
	var out []string
	for len(s) > 0 {
		_, size := utf8.DecodeRuneInString(s)
		out = append(out, s[:size])
		s = s[size:]
	}
	return out
}

func TestOffsets(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{"empty", ""},
		{"ASCII", "Hello, world.\nSecond line."},
		{"two-byte", "Café déjà vu"},
		{"three-byte quotes and dashes", "He said “no” — twice…"},
		{"four-byte", "Flags 🇺🇸 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢!"},
		{"combining marks", "e\u0301 n\u0303"},
		{"invalid byte", "ab\xffcd"},
		{"truncated sequence", "x\xe2\x80y"},
		{"invalid at end", "end\xc3"},
		{"only invalid", "\x80\x81\xfe"},
		{"CRLF", "a\r\nb\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := New("x", tt.text)
			cps := codePoints(tt.text)
			if d.Len() != len(cps) {
				t.Fatalf("Len = %d, want %d", d.Len(), len(cps))
			}
			if utf8.ValidString(tt.text) && d.Len() != len([]rune(tt.text)) {
				t.Fatalf("Len = %d, but the text has %d runes", d.Len(), len([]rune(tt.text)))
			}
			b := 0
			for cp := 0; cp <= len(cps); cp++ {
				if got := d.ByteOffset(cp); got != b {
					t.Fatalf("ByteOffset(%d) = %d, want %d", cp, got, b)
				}
				if got := d.CodePoint(b); got != cp {
					t.Fatalf("CodePoint(%d) = %d, want %d", b, got, cp)
				}
				if cp < len(cps) {
					// Every byte inside a code point maps to it.
					for k := 1; k < len(cps[cp]); k++ {
						if got := d.CodePoint(b + k); got != cp {
							t.Fatalf("CodePoint(%d) inside code point %d = %d", b+k, cp, got)
						}
					}
					b += len(cps[cp])
				}
			}
			for start := 0; start <= len(cps); start++ {
				for end := start; end <= len(cps); end++ {
					want := strings.Join(cps[start:end], "")
					if got := d.Slice(start, end); got != want {
						t.Fatalf("Slice(%d, %d) = %q, want %q", start, end, got, want)
					}
					s, err := d.SpanOf(start, end)
					if err != nil || d.TextOf(s) != want || s.Len() != end-start {
						t.Fatalf("SpanOf(%d, %d) = %+v, %v", start, end, s, err)
					}
				}
			}
		})
	}
}

func TestSpanOfRejectsBadRanges(t *testing.T) {
	d := New("x", "héllo")
	for _, r := range [][2]int{{-1, 2}, {3, 2}, {0, 6}, {6, 6}} {
		if _, err := d.SpanOf(r[0], r[1]); err == nil {
			t.Errorf("SpanOf(%d, %d) accepted a range outside a 5-code-point text", r[0], r[1])
		}
	}
}

func texts(d *Document, spans []Span) []string {
	out := []string{}
	for _, s := range spans {
		out = append(out, d.TextOf(s))
	}
	return out
}

func TestWords(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Hello, world!", []string{"Hello", ",", "world", "!"}},
		{"  It's 3.5% of $1,000.  ", []string{"It's", "3.5", "%", "of", "$", "1,000", "."}},
		{"“Quoted” — dash…", []string{"“", "Quoted", "”", "—", "dash", "…"}},
		{"U.S. e-mail", []string{"U.S", ".", "e", "-", "mail"}},
		{"naïve café\tdéjà", []string{"naïve", "café", "déjà"}},
		{"line\r\nnext\n\nlast", []string{"line", "next", "last"}},
		// A combining mark after a space attaches to the space (UAX #29
		// WB4); the token is trimmed so no word starts with white space.
		{"a \u0301b", []string{"a", "\u0301", "b"}},
		{"bad\xffbyte", []string{"bad", "\xff", "byte"}},
		{"", []string{}},
		{" \t\n ", []string{}},
	}
	for _, tt := range tests {
		d := New("", tt.text)
		got := []string{}
		for _, w := range d.Words {
			got = append(got, w.Text)
			if d.TextOf(w.Span) != w.Text {
				t.Errorf("%q: word %q has span text %q", tt.text, w.Text, d.TextOf(w.Span))
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: words %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestWordsIn(t *testing.T) {
	d := New("", "One two three four.")
	tests := []struct {
		start, end int
		i, j       int
	}{
		{0, 19, 0, 5},
		{4, 13, 1, 3},  // "two three"
		{5, 13, 2, 3},  // "wo three": only "three" lies inside
		{4, 12, 1, 2},  // "two thre"
		{19, 19, 5, 5}, // at the end
		{2, 3, 1, 1},   // inside a word: empty range
	}
	for _, tt := range tests {
		if i, j := d.WordsIn(tt.start, tt.end); i != tt.i || j != tt.j {
			t.Errorf("WordsIn(%d, %d) = %d, %d; want %d, %d", tt.start, tt.end, i, j, tt.i, tt.j)
		}
	}
	// SentenceWords is WordsIn of a sentence, also for a Document built
	// without New.
	d = New("", "One two. Three “four” five!\n\nSix.")
	bare := &Document{Text: d.Text, Words: d.Words, Sentences: d.Sentences}
	for k, s := range d.Sentences {
		wi, wj := d.WordsIn(s.Start, s.End)
		for _, doc := range []*Document{d, bare} {
			if i, j := doc.SentenceWords(k); i != wi || j != wj {
				t.Errorf("SentenceWords(%d) = %d, %d; want %d, %d", k, i, j, wi, wj)
			}
		}
	}
}

func TestLinesAndParagraphs(t *testing.T) {
	tests := []struct {
		text       string
		lines      []string
		paragraphs []string
	}{
		{"", []string{}, []string{}},
		{"one", []string{"one"}, []string{"one"}},
		{"one\n", []string{"one"}, []string{"one"}},
		{"Title\n\nFirst line.\nSecond line.\n\n\nLast.\n",
			[]string{"Title", "", "First line.", "Second line.", "", "", "Last."},
			[]string{"Title", "First line.\nSecond line.", "Last."}},
		{"a\r\nb\r\n  \r\nc", []string{"a", "b", "  ", "c"}, []string{"a\r\nb", "c"}},
		{"\n\nx\n\n", []string{"", "", "x", ""}, []string{"x"}},
		{"é\n“q”", []string{"é", "“q”"}, []string{"é\n“q”"}},
	}
	for _, tt := range tests {
		d := New("", tt.text)
		if got := texts(d, d.Lines); !reflect.DeepEqual(got, tt.lines) {
			t.Errorf("%q: lines %q, want %q", tt.text, got, tt.lines)
		}
		if got := texts(d, d.Paragraphs); !reflect.DeepEqual(got, tt.paragraphs) {
			t.Errorf("%q: paragraphs %q, want %q", tt.text, got, tt.paragraphs)
		}
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"simple", "It rained. Then it stopped! Did it? Yes.",
			[]string{"It rained.", "Then it stopped!", "Did it?", "Yes."}},
		{"title abbreviation", "Mr. Smith met Dr. Jones, Fr. Brown and Gen. Lee. They talked.",
			[]string{"Mr. Smith met Dr. Jones, Fr. Brown and Gen. Lee.", "They talked."}},
		{"initials", "The author J. R. R. Tolkien wrote it. Then he died.",
			[]string{"The author J. R. R. Tolkien wrote it.", "Then he died."}},
		{"the word I ends a sentence", "Nobody knew more than I. Then it changed.",
			[]string{"Nobody knew more than I.", "Then it changed."}},
		{"decimals", "It rose 3.5 percent to 4.25. Prices fell.",
			[]string{"It rose 3.5 percent to 4.25.", "Prices fell."}},
		{"ellipsis before lower case", "Wait... what happened? Nothing.",
			[]string{"Wait... what happened?", "Nothing."}},
		{"ellipsis before a capital", "He paused… Then he spoke. And then...   More.",
			[]string{"He paused…", "Then he spoke.", "And then...", "More."}},
		{"U.S. mid-sentence", "The U.S. military said so. The U.S. Army agreed.",
			[]string{"The U.S. military said so.", "The U.S. Army agreed."}},
		{"number abbreviation", "See No. 5 and no. 7 in the list. He said no. Then left.",
			[]string{"See No. 5 and no. 7 in the list.", "He said no.", "Then left."}},
		{"closing straight quote", `"We will not let the state…" He said it twice.`,
			[]string{`"We will not let the state…"`, "He said it twice."}},
		{"closing curly quote", "“Stop now.” She left. He said “no!” Then silence.",
			[]string{"“Stop now.”", "She left.", "He said “no!”", "Then silence."}},
		{"quote continues the sentence", `"Will we win?" he asked. "Yes," she said.`,
			[]string{`"Will we win?" he asked.`, `"Yes," she said.`}},
		{"closing bracket", "He said (quietly.) Then left.",
			[]string{"He said (quietly.)", "Then left."}},
		{"repeated terminals", "Is it true?! Yes!!! Fine.",
			[]string{"Is it true?!", "Yes!!!", "Fine."}},
		{"no space after period", "Visit example.com.Then stop. End",
			[]string{"Visit example.com.Then stop.", "End"}},
		{"leading and trailing spaces", "   Leading spaces.   Another one.  \t",
			[]string{"Leading spaces.", "Another one."}},
		{"multi-line", "Title without period\n\nLine one.\nLine two is here. And more.\n\n  Indented para.\n",
			[]string{"Title without period", "Line one.", "Line two is here.", "And more.", "Indented para."}},
		{"sentence next to a dash", "It ended. — Then silence.",
			[]string{"It ended.", "— Then silence."}},
		{"blank", " \n\t\n", []string{}},
		{"non-ASCII capitals", "Él llegó. Ésta es. Über alles.",
			[]string{"Él llegó.", "Ésta es.", "Über alles."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := New("", tt.text)
			if got := texts(d, d.Sentences); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sentences\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSentenceAt(t *testing.T) {
	d := New("", "One. Two.\n\nThree.")
	tests := []struct{ cp, want int }{
		{0, 0}, {3, 0}, {4, 1}, {5, 1}, {8, 1}, {9, 2}, {11, 2}, {16, 2}, {17, -1},
	}
	for _, tt := range tests {
		if got := d.SentenceAt(tt.cp); got != tt.want {
			t.Errorf("SentenceAt(%d) = %d, want %d", tt.cp, got, tt.want)
		}
	}
}

func TestQuotes(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"straight", `He said "we will win" and left.`, []string{`"we will win"`}},
		{"curly", "He said “we will win” and left.", []string{"“we will win”"}},
		{"two on a line", `"Yes," she said, "and no."`, []string{`"Yes,"`, `"and no."`}},
		{"scare quotes", `The "so-called" experts met.`, []string{`"so-called"`}},
		{"across lines of a paragraph", "He said “this is\nnot over” today.", []string{"“this is\nnot over”"}},
		{"unclosed, closed at paragraph end", "“We will fight.\nWe will win.  \n\nHe left.", []string{"“We will fight.\nWe will win."}},
		{"each paragraph of a long quote opens again", "“First part.\n\n“Second part.”\n", []string{"“First part.", "“Second part.”"}},
		{"new opening mark ends an unclosed quote", "“One thing “Another thing” end", []string{"“One thing", "“Another thing”"}},
		{"apostrophes and single quotes ignored", "The people’s ‘choice’ isn't 'theirs'.", []string{}},
		{"inch mark is not a quote", `A 27" screen "glows" at night.`, []string{`"glows"`}},
		{"stray curly closer", "He left” and “came back”.", []string{"“came back”"}},
		{"curly closer used as opener", "He said ”yes” twice.", []string{"”yes”"}},
		{"after a colon", `He said:"No way." Then left.`, []string{`"No way."`}},
		{"mixed marks", `He said “no way" loudly.`, []string{`“no way"`}},
		{"curly nested in straight", `"It is not “censoring” work — it is resisting," he claimed.`, []string{`"It is not “censoring” work — it is resisting,"`}},
		{"straight nested in curly", `“The "best" plan,” he said, “is ours.”`, []string{`“The "best" plan,”`, "“is ours.”"}},
		{"empty quote", `An empty "" quote.`, []string{`""`}},
		{"guillemets", "Il a dit «nous gagnerons» hier.", []string{"«nous gagnerons»"}},
		{"guillemets with spaces", "He said « we will win » and left.", []string{"« we will win »"}},
		{"single guillemets", "He said ‹we will win› and left.", []string{"‹we will win›"}},
		{"single guillemets nested in guillemets", "«He said ‹no› to them» she wrote.", []string{"«He said ‹no› to them»"}},
		{"curly nested in curly", "He said: “The “elites” lie” and left.", []string{"“The “elites” lie”"}},
		{"twice nested", "“A “B “C” B” A” end", []string{"“A “B “C” B” A”"}},
		{"straight nested in guillemets", `«The "best" plan» he said.`, []string{`«The "best" plan»`}},
		{"unclosed guillemet, closed at paragraph end", "«We will fight.\nWe will win.\n\nHe left.", []string{"«We will fight.\nWe will win."}},
		{"guillemets across lines", "He said «this is\nnot over» today.", []string{"«this is\nnot over»"}},
		{"straight across lines", "He said \"this is\nnot over\" today.", []string{"\"this is\nnot over\""}},
		{"none", "No quotes here.", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := New("", tt.text)
			if got := texts(d, d.Quotes); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("quotes\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestQuoteAt(t *testing.T) {
	d := New("", `He said "no" and “yes”.`)
	// `"no"` is [8,12), “yes” is [17,22).
	tests := []struct{ cp, want int }{
		{0, -1}, {7, -1}, {8, 0}, {11, 0}, {12, -1}, {17, 1}, {21, 1}, {22, -1}, {100, -1},
	}
	for _, tt := range tests {
		if got := d.QuoteAt(tt.cp); got != tt.want {
			t.Errorf("QuoteAt(%d) = %d, want %d", tt.cp, got, tt.want)
		}
	}
}

// TestPTCRoundTrip checks every gold span of every shared PTC article:
// code points → bytes → code points is the identity and Slice is Python's
// text[start:end], computed here independently from []rune.
func TestPTCRoundTrip(t *testing.T) {
	dir := testenv.PTC(t)
	arts, err := filepath.Glob(filepath.Join(dir, "articles", "article*.txt"))
	if err != nil || len(arts) == 0 {
		t.Fatalf("no PTC articles in %s", dir)
	}
	spans := 0
	for _, p := range arts {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		runes := []rune(text)
		d := New("", text)
		if d.Len() != len(runes) {
			t.Fatalf("%s: Len %d, %d runes", p, d.Len(), len(runes))
		}
		id := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "article"), ".txt")
		lb, err := os.ReadFile(filepath.Join(dir, "labels-tc", "article"+id+".task2-TC.labels"))
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(strings.TrimSpace(string(lb)), "\n") {
			if line == "" {
				continue
			}
			var start, end int
			f := strings.Split(line, "\t")
			if len(f) != 4 {
				t.Fatalf("%s labels line %d: %q", id, i+1, line)
			}
			start, end = atoi(t, f[2]), atoi(t, f[3])
			bs, be := d.ByteOffset(start), d.ByteOffset(end)
			if d.CodePoint(bs) != start || d.CodePoint(be) != end {
				t.Errorf("%s [%d,%d): bytes [%d,%d) map back to [%d,%d)", id, start, end, bs, be, d.CodePoint(bs), d.CodePoint(be))
			}
			if got, want := d.Slice(start, end), string(runes[start:end]); got != want {
				t.Errorf("%s [%d,%d): Slice %q, want %q", id, start, end, got, want)
			}
			spans++
		}
	}
	if spans == 0 {
		t.Error("no gold spans checked")
	}
	t.Logf("%d articles, %d gold spans", len(arts), spans)
}

func atoi(t *testing.T, s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not a number: %q", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// checkInvariants verifies what every Document must satisfy, whatever its
// text: offsets round-trip, segments lie in bounds, sorted and disjoint,
// and words, sentences and paragraphs are trimmed of white space.
func checkInvariants(t *testing.T, text string) {
	t.Helper()
	d := New("f", text)
	cps := codePoints(text)
	if d.Len() != len(cps) {
		t.Fatalf("Len %d, want %d", d.Len(), len(cps))
	}
	for k, s := range d.Sentences {
		i, j := d.SentenceWords(k)
		if wi, wj := d.WordsIn(s.Start, s.End); i != wi || j != wj {
			t.Fatalf("SentenceWords(%d) = %d, %d; WordsIn gives %d, %d", k, i, j, wi, wj)
		}
	}
	b := 0
	for cp := 0; cp <= len(cps); cp++ {
		if d.ByteOffset(cp) != b || d.CodePoint(b) != cp {
			t.Fatalf("offsets of code point %d / byte %d do not round-trip", cp, b)
		}
		if cp < len(cps) {
			b += len(cps[cp])
		}
	}
	check := func(kind string, spans []Span, trimmed bool) {
		prevEnd := 0
		for i, s := range spans {
			if s.Start < prevEnd || s.End < s.Start || s.End > d.Len() {
				t.Fatalf("%s %d %+v out of order or bounds (previous end %d, length %d)", kind, i, s, prevEnd, d.Len())
			}
			if d.ByteOffset(s.Start) != s.ByteStart || d.ByteOffset(s.End) != s.ByteEnd {
				t.Fatalf("%s %d %+v: code points and bytes disagree", kind, i, s)
			}
			if trimmed {
				txt := d.TextOf(s)
				if txt == "" {
					t.Fatalf("%s %d is empty", kind, i)
				}
				first, _ := utf8.DecodeRuneInString(txt)
				last, _ := utf8.DecodeLastRuneInString(txt)
				if unicode.IsSpace(first) || unicode.IsSpace(last) {
					t.Fatalf("%s %d %q starts or ends with white space", kind, i, txt)
				}
			}
			prevEnd = s.End
		}
	}
	ws := make([]Span, len(d.Words))
	for i, w := range d.Words {
		if w.Text != d.TextOf(w.Span) {
			t.Fatalf("word %d text %q, span text %q", i, w.Text, d.TextOf(w.Span))
		}
		ws[i] = w.Span
	}
	check("word", ws, true)
	check("sentence", d.Sentences, true)
	check("line", d.Lines, false)
	check("paragraph", d.Paragraphs, false)
	check("quote", d.Quotes, true)
	for i, l := range d.Lines {
		if strings.ContainsRune(d.TextOf(l), '\n') {
			t.Fatalf("line %d %q holds a line feed", i, d.TextOf(l))
		}
	}
	// Every non-space code point is in some sentence; sentences never
	// cross lines.
	for _, s := range d.Sentences {
		if strings.ContainsRune(d.TextOf(s), '\n') {
			t.Fatalf("sentence %q crosses a line", d.TextOf(s))
		}
	}
}

func FuzzDocument(f *testing.F) {
	for _, s := range []string{
		"", "a", "Mr. Smith said “no.” Then he left.\n\nNew para...",
		"\xff\xfe", "x\xe2\x80y", "é\r\n\r\n“open\nstill open", `"a" "b`, "a \u0301b",
		"U.S. e.g. 3.5 J. R. R. Tolkien!? (Yes.) “”\"\"", "\u2028\u00a0\u3000 .",
	} {
		f.Add(s)
	}
	if b, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "testdata", "demo", "iran-mek-2018.txt")); err == nil {
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, text string) { checkInvariants(t, text) })
}

func TestInvariantsOnSharedArticles(t *testing.T) {
	root := testenv.SharedData(t)
	var files []string
	for _, pat := range []string{"ptc/articles/*.txt", "unlabeled-news/*.txt"} {
		m, _ := filepath.Glob(filepath.Join(root, pat))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no articles in %s", root)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(p), func(t *testing.T) { checkInvariants(t, string(b)) })
	}
}

func benchmarkNew(b *testing.B, path string) {
	text, err := os.ReadFile(path)
	if err != nil {
		b.Skip(err)
	}
	s := string(text)
	n := len(New("", s).Words)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		New("", s)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/word")
}

func BenchmarkNew(b *testing.B) {
	b.Run("demo", func(b *testing.B) {
		benchmarkNew(b, filepath.Join(testenv.ModuleRoot(), "testdata", "demo", "iran-mek-2018.txt"))
	})
	b.Run("ptc-longest", func(b *testing.B) {
		// The longest PTC article, picked by size so the benchmark does
		// not depend on one id.
		m, _ := filepath.Glob(filepath.Join(testenv.PTC(b), "articles", "*.txt"))
		best, size := "", int64(0)
		for _, p := range m {
			if st, err := os.Stat(p); err == nil && st.Size() > size {
				best, size = p, st.Size()
			}
		}
		benchmarkNew(b, best)
	})
}

// TestLongSentencesCut checks that text without sentence breaks is cut
// into sentences of at most MaxSentenceWords words that cover every word
// in order, and that ordinary sentences are left alone.
func TestLongSentencesCut(t *testing.T) {
	long := "They" + strings.Repeat(" lie and we fight,", 300) + " end."
	text := "Short one. " + long + " Last one."
	d := New("1", text)
	next := 0
	for _, s := range d.Sentences {
		i, j := d.WordsIn(s.Start, s.End)
		if j-i > MaxSentenceWords {
			t.Errorf("sentence %v has %d words, more than %d", s, j-i, MaxSentenceWords)
		}
		if i != next {
			t.Errorf("sentence %v starts at word %d, want %d", s, i, next)
		}
		next = j
	}
	if next != len(d.Words) {
		t.Errorf("sentences cover %d of %d words", next, len(d.Words))
	}
	if first, last := d.TextOf(d.Sentences[0]), d.TextOf(d.Sentences[len(d.Sentences)-1]); first != "Short one." || last != "Last one." {
		t.Errorf("ordinary sentences changed: %q, %q", first, last)
	}
	nl := len(New("", long).Words)
	if n := len(d.Sentences); n != 2+(nl+MaxSentenceWords-1)/MaxSentenceWords {
		t.Errorf("%d sentences, want 2 and the long run cut in pieces of %d", n, MaxSentenceWords)
	}
}

func TestQuoteOf(t *testing.T) {
	// Quotes at [10,20) and [30,60).
	text := "0123456789" + `"quoted 1"` + "0123456789" + `"quoted for thirty code point"` + "0123456789"
	d := New("", text)
	if len(d.Quotes) != 2 || d.Quotes[0].Start != 10 || d.Quotes[0].End != 20 || d.Quotes[1].Start != 30 || d.Quotes[1].End != 60 {
		t.Fatalf("quotes %v, want [10,20) and [30,60)", d.Quotes)
	}
	tests := []struct {
		start, end, want int
	}{
		{0, 5, -1},
		{11, 19, 0},
		{5, 15, 0},   // half inside
		{5, 14, -1},  // mostly outside
		{18, 35, -1}, // more of it in the second quote, but not half
		{25, 70, 1},
		{61, 70, -1},
	}
	for _, tt := range tests {
		if got := d.QuoteOf(tt.start, tt.end); got != tt.want {
			t.Errorf("QuoteOf(%d, %d) = %d, want %d", tt.start, tt.end, got, tt.want)
		}
	}
}

func TestIsByline(t *testing.T) {
	for p, want := range map[string]bool{
		"By Jubin Katiraie":                           true,
		"By Jane Doe and John Roe, Reuters":           true,
		"BY JANE DOE":                                 true,
		"By Jane Doe | January 5, 2019 at 10:30 am":   true,
		"By Ahmad al-Rashid and Ursula von der Leyen": true,
		"By the end of the day, the plan was dead.":   false,
		"By contrast, the council said nothing.":      false,
		"Bystanders filmed the attack":                false,
		"By":                                          false,
	} {
		if got := IsByline(p); got != want {
			t.Errorf("IsByline(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestHeadline(t *testing.T) {
	long := strings.Repeat("word ", 41)
	for _, tc := range []struct {
		name, text string
		want       string // the headline's text; "" for none
	}{
		{"corpus title", "Kavanaugh Nomination Is Exploding in Trump’s Face\n\nBody.\n", "Kavanaugh Nomination Is Exploding in Trump’s Face"},
		{"short title with full stop", "Assange Never Met Manafort.\n\nBody.", "Assange Never Met Manafort."},
		{"question", "Is this the end of the free press? Critics say so and more now\n\nBody.", "Is this the end of the free press? Critics say so and more now"},
		{"long title without full stop", "Kate Steinle's death at the hands of a Mexican national became a flashpoint in the immigration debate — here's the story behind her killing\n\nBody.",
			"Kate Steinle's death at the hands of a Mexican national became a flashpoint in the immigration debate — here's the story behind her killing"},
		{"one line of text", "The committee met on Tuesday.", "The committee met on Tuesday."},
		{"lead sentence", "New York (CNN Business) Just two seasons ago the NFL found itself in a media maelstrom.\n\nThe league's TV viewership was up.", ""},
		{"lead sentence in quotes", "“We will never stop fighting for the people of this great nation,” the senator said on Friday.”\n\nMore.", ""},
		{"lead with closing bracket", "The vote was held on Friday after a long debate in the chamber (the second this year.)\n\nMore.", ""},
		{"too long", long + "\n\nBody.", ""},
		{"blank first line", "\nTitle below a blank line\n\nBody.", ""},
		{"punctuation only", "***\n\nBody.", ""},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := New("1", tc.text)
			h, ok := d.Headline()
			switch {
			case tc.want == "" && ok:
				t.Errorf("Headline() = %q, want none", d.TextOf(h))
			case tc.want != "" && !ok:
				t.Errorf("Headline() = none, want %q", tc.want)
			case ok && d.TextOf(h) != tc.want:
				t.Errorf("Headline() = %q, want %q", d.TextOf(h), tc.want)
			}
		})
	}
}

// TestCorpusTitlesAreHeadlines checks the rule against the corpus: every
// article's line 1 is its title, and the models learnt titles from those.
func TestCorpusTitlesAreHeadlines(t *testing.T) {
	arts, err := filepath.Glob(filepath.Join(testenv.PTC(t), "articles", "article*.txt"))
	if err != nil || len(arts) < 300 {
		t.Fatalf("%d PTC articles (%v), want the 371", len(arts), err)
	}
	for _, p := range arts {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		d := New("", string(b))
		if _, ok := d.Headline(); !ok {
			t.Errorf("%s: line 1 %q is not taken as a headline", p, d.TextOf(d.Lines[0]))
		}
	}
}

// TestReset checks that a Document reset for one text after another, long
// and short, ASCII and not, is segmented exactly as New segments each.
func TestReset(t *testing.T) {
	texts := []string{
		"", "plain", "“Curly” words — and «guillemets».\r\nSecond line.\n\nNew paragraph!",
		"a\xffb", "ASCII again, shorter.", strings.Repeat("word ", 3000), "é",
	}
	m, _ := filepath.Glob(filepath.Join(testenv.SharedData(t), "ptc/articles/*.txt"))
	for _, p := range m[:min(len(m), 40)] {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b), "short")
	}
	var d Document
	for k, text := range texts {
		d.Reset(strconv.Itoa(k), text)
		want := New(strconv.Itoa(k), text)
		if d.ID != want.ID || d.Text != want.Text || !slices.Equal(d.Words, want.Words) ||
			!slices.Equal(d.Sentences, want.Sentences) || !slices.Equal(d.Lines, want.Lines) ||
			!slices.Equal(d.Paragraphs, want.Paragraphs) || !slices.Equal(d.Quotes, want.Quotes) ||
			!slices.Equal(d.sentWords, want.sentWords) || d.Len() != want.Len() {
			t.Fatalf("text %d (%.40q): Reset's document differs from New's", k, text)
		}
		for cp := range d.Len() + 1 {
			if d.ByteOffset(cp) != want.ByteOffset(cp) {
				t.Fatalf("text %d: ByteOffset(%d) = %d, want %d", k, cp, d.ByteOffset(cp), want.ByteOffset(cp))
			}
		}
		for b := range len(text) + 1 {
			if d.CodePoint(b) != want.CodePoint(b) {
				t.Fatalf("text %d: CodePoint(%d) = %d, want %d", k, b, d.CodePoint(b), want.CodePoint(b))
			}
		}
	}
}
