package doc

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/words"
)

// splitLines returns the lines (without "\n" or "\r\n") and the paragraphs:
// maximal runs of lines that are not blank.
func splitLines(d *Document, lines, paras []Span) ([]Span, []Span) {
	t := d.Text
	pStart, pEnd := -1, -1
	for b := 0; b <= len(t); {
		e := strings.IndexByte(t[b:], '\n')
		next := len(t) + 1
		if e < 0 {
			e = len(t)
		} else {
			e += b
			next = e + 1
		}
		le := e
		if le > b && t[le-1] == '\r' {
			le--
		}
		if b < len(t) || le > b {
			lines = append(lines, d.spanFromBytes(b, le))
		}
		if strings.TrimSpace(t[b:le]) == "" {
			if pStart >= 0 {
				paras = append(paras, d.spanFromBytes(pStart, pEnd))
				pStart = -1
			}
		} else {
			if pStart < 0 {
				pStart = b
			}
			pEnd = le
		}
		b = next
	}
	if pStart >= 0 {
		paras = append(paras, d.spanFromBytes(pStart, pEnd))
	}
	return lines, paras
}

// splitWords tokenises with UAX #29 word boundaries, dropping white space.
// UAX #29 attaches combining marks and format characters to the character
// before them, so a token can begin with white space (" \u0301"); such
// tokens are trimmed, as a word never starts or ends with white space.
func splitWords(d *Document, out []Word) []Word {
	if cap(out) == 0 {
		out = make([]Word, 0, len(d.Text)/5)
	}
	it := words.FromString(d.Text)
	for it.Next() {
		v := it.Value()
		b := it.Start()
		t := v
		// A token starting and ending with ASCII other than white space
		// has nothing to trim (isBlank is false there): most tokens, and
		// trimming them was a fifth of splitting.
		if n := len(v); n == 0 || !asciiNonBlank(v[0]) || !asciiNonBlank(v[n-1]) {
			t = strings.TrimLeftFunc(v, isBlank)
			b += len(v) - len(t)
			t = strings.TrimRightFunc(t, isBlank)
			if t == "" {
				continue
			}
		}
		out = append(out, Word{Span: d.spanFromBytes(b, b+len(t)), Text: t})
	}
	return out
}

// asciiNonBlank reports an ASCII byte other than white space.
func asciiNonBlank(c byte) bool {
	return c < utf8.RuneSelf && c != ' ' && (c < '\t' || c > '\r')
}

// isBlank reports white space and the byte-order mark U+FEFF (a zero
// width no-break space): a file's leading mark is kept in the text, so
// that offsets count it as the corpus's do, but it is no word.
func isBlank(r rune) bool { return r == '\ufeff' || unicode.IsSpace(r) }

// abbreviations are words that, followed by a period and a capitalised
// word or a number, usually do not end a sentence. They match case-
// sensitively: "Gen. Smith" is a title, "the gen. The" is not, and "No."
// is an abbreviation only before a number (see periodEnds).
var abbreviations = map[string]bool{
	"Mr": true, "Mrs": true, "Ms": true, "Messrs": true, "Dr": true, "Prof": true, "Sr": true, "Jr": true,
	"St": true, "Gen": true, "Col": true, "Lt": true, "Sgt": true, "Capt": true, "Cpt": true, "Maj": true,
	"Adm": true, "Cmdr": true, "Gov": true, "Sen": true, "Rep": true, "Rev": true, "Hon": true, "Pres": true,
	"Supt": true, "Insp": true, "Atty": true, "Gens": true, "Reps": true, "Sens": true,
	"Fr": true, "Msgr": true, "Amb": true, "Brig": true, "Pvt": true, "Cpl": true, "Cdr": true,
	"vs": true, "v": true, "Inc": true, "Ltd": true, "Co": true, "Corp": true, "Bros": true,
	"Jan": true, "Feb": true, "Mar": true, "Apr": true, "Jun": true, "Jul": true, "Aug": true,
	"Sep": true, "Sept": true, "Oct": true, "Nov": true, "Dec": true, "approx": true, "Dept": true,
	"Fig": true, "fig": true, "Mt": true, "Ft": true, "Ave": true, "Blvd": true,
	"e.g": true, "i.e": true, "cf": true, "ca": true, "al": true,
	"a.m": true, "p.m": true,
}

// numberAbbreviations end no sentence when a number follows ("No. 5").
var numberAbbreviations = map[string]bool{
	"No": true, "no": true, "Nos": true, "Vol": true, "vol": true, "pp": true, "p": true, "Art": true, "art": true,
	"Sec": true, "sec": true, "Ch": true, "ch": true,
}

// splitSentences splits every line into sentences. A sentence ends after
// '.', '!', '?' or '…' (and any closing quotes or brackets, which stay with
// it) when white space and then a plausible sentence start follow, unless
// the period belongs to an abbreviation, an initial or a number. Sentences
// never start or end with white space and never cross a line: the corpus
// puts one sentence or paragraph on a line, and a line break inside a
// sentence is rarer in news text than a heading without a final period.
func splitSentences(d *Document) []Span {
	var out []Span
	for _, ln := range d.Lines {
		line := d.Text[ln.ByteStart:ln.ByteEnd]
		start := 0
		for i := 0; i < len(line); {
			// ASCII other than . ! ? is decided without decoding: most
			// of the text, and decoding it was most of splitting.
			if c := line[i]; c < utf8.RuneSelf && c != '.' && c != '!' && c != '?' {
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(line[i:])
			if !isTerminal(r) {
				i += size
				continue
			}
			// Run of terminals and closers.
			j := i + size
			for j < len(line) {
				r2, s2 := utf8.DecodeRuneInString(line[j:])
				if !isTerminal(r2) && !isCloser(r2) {
					break
				}
				j += s2
			}
			// Must be followed by space, then a sentence opener.
			k := j
			for k < len(line) {
				r2, s2 := utf8.DecodeRuneInString(line[k:])
				if !unicode.IsSpace(r2) {
					break
				}
				k += s2
			}
			if k == j || k == len(line) {
				i = j
				continue
			}
			next, _ := utf8.DecodeRuneInString(line[k:])
			if !isOpener(next) || (r == '.' && !periodEnds(line[start:i], next)) {
				i = j
				continue
			}
			out = appendTrimmed(out, d, ln.ByteStart+start, ln.ByteStart+j)
			start = k
			i = k
		}
		out = appendTrimmed(out, d, ln.ByteStart+start, ln.ByteEnd)
	}
	return boundSentences(d, out)
}

// MaxSentenceWords is the most words (punctuation included) a sentence
// has: a longer run without a sentence break is cut into pieces of this
// many words. Corpus sentences have at most 143, and every stage that
// reads a sentence as a whole (the span taggers' sequences, a span's
// sentence context, whole-sentence spans) stays linear in the text's
// length on text without sentence breaks.
const MaxSentenceWords = 200

// boundSentences cuts every sentence of more than MaxSentenceWords words
// into pieces of at most that many, in one pass over the words.
func boundSentences(d *Document, ss []Span) []Span {
	ws := d.Words
	var out []Span
	w := 0
	for k, s := range ss {
		var e int
		w, e = wordsFrom(ws, w, s)
		if e-w <= MaxSentenceWords {
			if out != nil {
				out = append(out, s)
			}
			w = e
			continue
		}
		if out == nil {
			out = append(make([]Span, 0, len(ss)+(e-w)/MaxSentenceWords), ss[:k]...)
		}
		for ; w < e; w += MaxSentenceWords {
			last := min(w+MaxSentenceWords, e) - 1
			out = append(out, d.spanFromBytes(ws[w].ByteStart, ws[last].ByteEnd))
		}
	}
	if out == nil {
		return ss
	}
	return out
}

// appendTrimmed appends the span of bytes [b, e) without its leading and
// trailing white space, unless nothing is left.
func appendTrimmed(out []Span, d *Document, b, e int) []Span {
	s := d.Text[b:e]
	trimmed := strings.TrimLeftFunc(s, unicode.IsSpace)
	b += len(s) - len(trimmed)
	trimmed = strings.TrimRightFunc(trimmed, unicode.IsSpace)
	e = b + len(trimmed)
	if e > b {
		out = append(out, d.spanFromBytes(b, e))
	}
	return out
}

func isTerminal(r rune) bool { return r == '.' || r == '!' || r == '?' || r == '…' }

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '”', '’', '»':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	if unicode.IsUpper(r) || unicode.IsDigit(r) {
		return true
	}
	switch r {
	case '"', '\'', '(', '[', '“', '‘', '«', '-', '–', '—':
		return true
	}
	return false
}

// periodEnds reports whether a period after before ends a sentence, given
// the first rune of what follows (an opener: capital, digit, quote, dash).
func periodEnds(before string, next rune) bool {
	// The last word before the period.
	w := before
	if i := strings.LastIndexFunc(before, func(r rune) bool {
		return unicode.IsSpace(r) || r == '(' || r == '[' || r == '"' || r == '“' || r == '\'' || r == '‘'
	}); i >= 0 {
		_, size := utf8.DecodeRuneInString(before[i:])
		w = before[i+size:]
	}
	if w == "" {
		return true
	}
	if abbreviations[w] || (numberAbbreviations[w] && unicode.IsDigit(next)) {
		return false
	}
	// Initials ("J. R. R. Tolkien"): one capital letter. "I" is a word,
	// and "... than I. Then" ends a sentence.
	if r, size := utf8.DecodeRuneInString(w); size == len(w) && unicode.IsUpper(r) && r != 'I' {
		return false
	}
	// Dotted abbreviations ("U.S.", "D.C.", "U.N.") before a capital are
	// read as mid-sentence: "U.S. officials said" is far more common in
	// news than a sentence ending in one.
	if strings.Contains(w, ".") && len(w) <= 6 && unicode.IsUpper(next) && isDotted(w) {
		return false
	}
	return true
}

// isDotted reports whether w is letters separated by single periods, as in
// "U.S" (the final period is not part of w).
func isDotted(w string) bool {
	prevDot := true
	for _, r := range w {
		if r == '.' {
			if prevDot {
				return false
			}
			prevDot = true
			continue
		}
		if !unicode.IsLetter(r) {
			return false
		}
		prevDot = false
	}
	return !prevDot
}
