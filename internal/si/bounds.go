package si

import (
	"unspun/internal/doc"
	"unspun/internal/lexicon"
)

// maxNameWords is the longest run of capitalised words taken for a name
// by repairBounds: "Islamic Revolutionary Guard Corps" is four; longer
// runs are title-case headlines or lists, which it leaves alone.
const maxNameWords = 5

// nameMode says what repairBounds does with a span boundary inside a
// name or a hyphenated word.
type nameMode uint8

const (
	nameCut    nameMode = iota // move the boundary out of the name, leaving the name outside
	nameExtend                 // move the boundary to take the whole name
	nameKeep                   // leave the boundary where it is
)

// boundsMode is the repair decode applies, chosen by cross-validation
// (see MODEL.md); the others remain for the experiment that measured it.
var boundsMode = struct {
	names, compounds nameMode
	keepFunction     bool // let a fragment end on a determiner, preposition or conjunction
}{nameCut, nameExtend, false}

// repairBounds moves the ends of a run of tokens [a, b) inside sentence
// tokens [lo, hi) to where an annotator would put them: a fragment does
// not end on a word that needs a word after it (a determiner, preposition
// or conjunction: "The dictators in", "a serial killer without"), and
// neither end falls inside a name (a run of capitalised words: "prime
// minister, Adel" of "Adel Abdul Mahdi") or a hyphenated word
// ("Christian-" of "Christian-hating"), from which it is moved out or
// over as boundsMode says. It reports a >= b when nothing is left.
func repairBounds(d *doc.Document, a, b, lo, hi int) (int, int) {
	ws := d.Words
	// glued reports that tokens i and i+1 are one written word: nothing
	// between them and a hyphen or a letter on each side.
	glued := func(i int) bool {
		if ws[i].End != ws[i+1].Start {
			return false
		}
		l, r := ws[i].Text, ws[i+1].Text
		return isHyphen(l) || isHyphen(r) || (lexicon.IsWord(l) && lexicon.IsWord(r))
	}
	// named reports that tokens i and i+1 are capitalised words with
	// only spaces between them.
	named := func(i int) bool {
		return lexicon.IsCapitalised(ws[i].Text) && lexicon.IsCapitalised(ws[i+1].Text) && onlySpaces(d, ws[i].End, ws[i+1].Start)
	}
	// run returns the maximal run around the boundary between i and i+1
	// along which join holds, within the sentence.
	run := func(i int, join func(int) bool) (int, int) {
		s, e := i, i+1
		for s > lo && join(s-1) {
			s--
		}
		for e+1 < hi && join(e) {
			e++
		}
		return s, e + 1
	}
	// fix moves boundary k (between tokens k-1 and k; start says whether
	// it is the span's start) out of the run along which join holds
	// there, or to the run's far end, as mode says; runs longer than
	// limit are left alone. With edges, the run's capitalised function
	// words at either end are not part of it ("The" opening a sentence).
	fix := func(k int, start bool, join func(int) bool, mode nameMode, limit int, edges bool) int {
		if mode == nameKeep || k <= lo || k >= hi || !join(k-1) {
			return k
		}
		s, e := run(k-1, join)
		if e-s > limit {
			return k
		}
		for edges && s < e && isFunction(ws[s].Text) {
			s++
		}
		for edges && e > s && isFunction(ws[e-1].Text) {
			e--
		}
		if k <= s || k >= e {
			return k
		}
		if (mode == nameCut) == start {
			return e
		}
		return s
	}
	// In a title-case line (a headline: "Corrupt Thugs Plunder the
	// Nation While Their Minions Cheer") capitals mark no names, and
	// cutting at them would drop whole fragments. Whether the sentence is
	// in title case is asked only of a boundary between capitalised
	// words, and answered once.
	titled := -1 // unknown
	namedOutsideTitles := func(i int) bool {
		if !named(i) {
			return false
		}
		if titled < 0 {
			titled = 0
			if lexicon.IsTitleCase(doc.TextsOf(ws[lo:hi])) {
				titled = 1
			}
		}
		return titled == 0
	}
	for range 4 {
		a0, b0 := a, b
		a = fix(a, true, glued, boundsMode.compounds, hi, false)
		a = fix(a, true, namedOutsideTitles, boundsMode.names, maxNameWords, true)
		b = fix(b, false, glued, boundsMode.compounds, hi, false)
		b = fix(b, false, namedOutsideTitles, boundsMode.names, maxNameWords, true)
		// A function word ending a hyphenated word ("Chick-fil-A") is
		// part of that word.
		for b > a && !boundsMode.keepFunction && (!lexicon.IsWord(ws[b-1].Text) && !closes(ws[b-1].Text) ||
			leansForward(ws[b-1].Text) && !(b-2 >= lo && glued(b-2))) {
			b--
		}
		if a == a0 && b == b0 || a >= b {
			break
		}
	}
	return a, b
}

// isHyphen reports whether a token is a hyphen or dash written inside
// words.
func isHyphen(w string) bool { return w == "-" || w == "‐" || w == "‑" }

// closes reports whether a punctuation token can end a fragment: a
// closing bracket or quotation mark, or an ending mark (Trim takes off
// those annotators leave out).
func closes(w string) bool {
	switch w {
	case ")", "]", "\"", "”", "’", "'", "»", "!", "?", "…":
		return true
	}
	return false
}

// isFunction reports whether a token is a function word, in any case.
func isFunction(w string) bool { return lexicon.FunctionOf(w) != lexicon.NotFunction }

// leansForward reports whether a token is a function word that needs a
// word after it (see lexicon.FunctionClass.LeansForward).
func leansForward(w string) bool { return lexicon.FunctionOf(w).LeansForward() }

// onlySpaces reports whether code points [start, end) of d are one or
// more spaces or tabs (no line break, no punctuation).
func onlySpaces(d *doc.Document, start, end int) bool {
	if start >= end {
		return false
	}
	for _, r := range d.Slice(start, end) {
		if r != ' ' && r != '\t' && r != '\u00a0' {
			return false
		}
	}
	return true
}
