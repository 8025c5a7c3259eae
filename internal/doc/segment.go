package doc

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/words"
)

// splitLines returns the lines (without "\n" or "\r\n") and the paragraphs:
// maximal runs of lines that are not blank.
func splitLines(d *Document) (lines, paras []Span) {
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
func splitWords(d *Document) []Word {
	out := make([]Word, 0, len(d.Text)/5)
	it := words.FromString(d.Text)
	for it.Next() {
		v := it.Value()
		if isSpace(v) {
			continue
		}
		out = append(out, Word{Span: d.spanFromBytes(it.Start(), it.End()), Text: v})
	}
	return out
}

func isSpace(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// abbreviations are words that, followed by a period, do not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sr": true, "jr": true, "st": true,
	"gen": true, "col": true, "lt": true, "sgt": true, "capt": true, "cpt": true, "maj": true, "adm": true,
	"gov": true, "sen": true, "rep": true, "rev": true, "hon": true, "pres": true, "supt": true,
	"vs": true, "etc": true, "inc": true, "ltd": true, "co": true, "corp": true, "no": true, "vol": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "approx": true, "dept": true,
	"est": true, "fig": true, "mt": true, "ft": true, "ave": true, "blvd": true, "e.g": true, "i.e": true,
	"u.s": true, "u.k": true, "u.n": true, "a.m": true, "p.m": true, "d.c": true,
}

// splitSentences splits every line into sentences. A sentence ends after
// '.', '!', '?' or '…' (and any closing quotes or brackets) when white space
// and then a plausible sentence start follow, unless the period belongs to
// an abbreviation, an initial or a number. Sentences never start or end
// with white space.
func splitSentences(d *Document) []Span {
	var out []Span
	for _, ln := range d.Lines {
		line := d.Text[ln.ByteStart:ln.ByteEnd]
		start := 0
		for i := 0; i < len(line); {
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
	return out
}

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
// the first rune of what follows.
func periodEnds(before string, next rune) bool {
	// Last word before the period.
	w := before
	if i := strings.LastIndexFunc(before, func(r rune) bool { return unicode.IsSpace(r) || r == '(' || r == '"' || r == '“' }); i >= 0 {
		w = before[i+1:]
		if _, size := utf8.DecodeRuneInString(before[i:]); size > 1 {
			w = before[i+size:]
		}
	}
	if w == "" {
		return true
	}
	lw := strings.ToLower(w)
	if abbreviations[lw] {
		return false
	}
	// Single-letter initials ("J. Smith") and dotted acronyms ("U.S.").
	if utf8.RuneCountInString(w) == 1 && unicode.IsUpper([]rune(w)[0]) {
		return false
	}
	if strings.Contains(w, ".") && len(w) <= 6 && unicode.IsUpper(next) {
		// "U.S. officials" is ambiguous; treat short dotted acronyms as
		// non-terminal only when followed by a capitalised word that is
		// not a common sentence opener.
		return false
	}
	return true
}
