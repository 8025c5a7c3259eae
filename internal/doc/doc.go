// Package doc holds an article's text together with its segmentation
// (words, sentences, lines, paragraphs, quoted speech) and the mapping between Go byte
// offsets and the Unicode code-point offsets used by the Propaganda
// Techniques Corpus and by every format unspun reads or writes.
//
// # Offsets
//
// Offsets that leave this package are code points unless a name says Byte.
// A code point here is what ranging over the string yields: a valid UTF-8
// sequence is one code point and so is each byte of an invalid sequence,
// so every byte offset on a rune boundary has exactly one code-point offset.
// A Span carries both ranges; SpanOf, Slice, ByteOffset and CodePoint
// convert.
//
// # Segmentation
//
// New segments the text once and the Document is then read-only: every
// stage (features, cues, voice) reads the same words, sentences and quoted
// speech regions instead of finding its own.
package doc

import (
	"fmt"
	"iter"
	"slices"
	"unicode/utf8"
)

// Span is a half-open range [Start, End) of a document in code points,
// with the same range in bytes.
type Span struct {
	Start, End         int // code points
	ByteStart, ByteEnd int // bytes into Document.Text
}

// Len returns the span's length in code points.
func (s Span) Len() int { return s.End - s.Start }

// Word is a token: a UAX #29 word, number or punctuation mark. White space
// is never a word.
type Word struct {
	Span
	Text string
}

// TextsOf yields the text of each of ws, in order: the words of a
// sentence as the lexicon's tests over token sequences read them.
func TextsOf(ws []Word) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, w := range ws {
			if !yield(w.Text) {
				return
			}
		}
	}
}

// Document is an article's text and its segmentation. It is immutable after
// New (or Reset) and safe for concurrent use.
type Document struct {
	// ID is the article's identifier, if known (PTC: the digits in
	// articleID.txt).
	ID string
	// Text is the article exactly as read.
	Text string

	// cp2b[i] is the byte offset of code point i; len(cp2b) == runes+1.
	// Nil when the text is ASCII and the two coincide.
	cp2b []int32
	// b2cp[b] is the code point that starts at or contains byte b;
	// nil when the text is ASCII.
	b2cp []int32

	// Words are the UAX #29 words, numbers and punctuation marks, in
	// order; white space is never part of one.
	Words []Word
	// Sentences never cross a line, never start or end with white
	// space and have at most MaxSentenceWords words.
	Sentences []Span
	// Lines are the text between line feeds, without "\n" or "\r\n".
	Lines []Span
	// Paragraphs are maximal runs of lines that are not blank.
	Paragraphs []Span
	// Quotes are the quoted-speech regions between double quotation
	// marks (straight or curly) or guillemets (« » ‹ ›), marks included,
	// within a paragraph, nested quotes inside their outermost region; see
	// splitQuotes for how ambiguous marks are read. Every stage that asks
	// whether text is quoted reads these regions.
	Quotes []Span

	// sentWords[k] is WordsIn of sentence k, found in one pass by New:
	// every stage asks it of every sentence, and the two binary searches
	// over the words were a cache miss each.
	sentWords [][2]int32

	// offs keeps the arrays of cp2b and b2cp for Reset when the text is
	// ASCII and they are nil.
	offs [2][]int32
}

// New segments text into a Document. It never fails: invalid UTF-8 bytes
// count as one code point each.
func New(id, text string) *Document {
	d := new(Document)
	d.Reset(id, text)
	return d
}

// Reset makes d the segmentation of text, as New does, reusing the
// memory of d's largest slices (the words, lines, paragraphs and offset
// tables): after it, those slices as d held them before hold the new
// document's contents. It is for analyses that keep their documents in a
// pool, so that each article is segmented into memory the processor has
// in its caches; d must not be in use by anyone else.
func (d *Document) Reset(id, text string) {
	words, lines, paras, offs := d.Words[:0], d.Lines[:0], d.Paragraphs[:0], d.offs
	*d = Document{ID: id, Text: text, offs: offs}
	d.buildOffsets()
	d.Lines, d.Paragraphs = splitLines(d, lines, paras)
	d.Words = splitWords(d, words)
	d.Sentences = splitSentences(d)
	d.sentWords = sentenceWords(d.Words, d.Sentences)
	d.Quotes = splitQuotes(d)
}

// sentenceWords returns WordsIn for each of sents, in one pass: both are
// in text order and do not overlap.
func sentenceWords(words []Word, sents []Span) [][2]int32 {
	out := make([][2]int32, len(sents))
	w := 0
	for k, s := range sents {
		var i int
		i, w = wordsFrom(words, w, s)
		out[k] = [2]int32{int32(i), int32(w)} // a 2 MB text has fewer than 2^31 words
	}
	return out
}

// wordsFrom returns the range [i, j) of the words of ws lying inside s, as
// WordsIn does, looking from word w on: the end of the previous span's
// range when spans in text order are asked one after another.
func wordsFrom(ws []Word, w int, s Span) (i, j int) {
	for w < len(ws) && ws[w].Start < s.Start {
		w++
	}
	j = w
	for j < len(ws) && ws[j].End <= s.End {
		j++
	}
	return w, j
}

func (d *Document) buildOffsets() {
	t := d.Text
	a := 0 // the length of the ASCII prefix
	for a < len(t) && t[a] < utf8.RuneSelf {
		a++
	}
	if a == len(t) {
		return
	}
	// Stored by index rather than appended: building the tables was a
	// twentieth of segmenting an article.
	cp2b := slices.Grow(d.offs[0][:0], len(t)+1)[:len(t)+1]
	b2cp := slices.Grow(d.offs[1][:0], len(t)+1)[:len(t)+1]
	d.offs = [2][]int32{cp2b, b2cp}
	for b := range a {
		cp2b[b], b2cp[b] = int32(b), int32(b)
	}
	cp := int32(a)
	for b := a; b < len(t); {
		cp2b[cp] = int32(b)
		if t[b] < utf8.RuneSelf { // most of any text, even with “curly quotes”
			b2cp[b] = cp
			b++
			cp++
			continue
		}
		_, size := utf8.DecodeRuneInString(t[b:])
		for k := range size {
			b2cp[b+k] = cp
		}
		b += size
		cp++
	}
	cp2b[cp] = int32(len(t))
	b2cp[len(t)] = cp
	d.cp2b, d.b2cp = cp2b[:cp+1], b2cp
}

// Len returns the length of the text in code points.
func (d *Document) Len() int {
	if d.cp2b == nil {
		return len(d.Text)
	}
	return len(d.cp2b) - 1
}

// ByteOffset converts a code-point offset in [0, Len()] to a byte offset.
func (d *Document) ByteOffset(cp int) int {
	if d.cp2b == nil {
		return cp
	}
	return int(d.cp2b[cp])
}

// CodePoint converts a byte offset in [0, len(Text)] to the code-point
// offset of the code point that starts at or contains it.
func (d *Document) CodePoint(b int) int {
	if d.b2cp == nil {
		return b
	}
	return int(d.b2cp[b])
}

// SpanOf returns the span for code points [start, end). It reports an error
// when the range is not within the text.
func (d *Document) SpanOf(start, end int) (Span, error) {
	if start < 0 || end < start || end > d.Len() {
		return Span{}, fmt.Errorf("span [%d,%d) outside text of %d code points", start, end, d.Len())
	}
	return Span{Start: start, End: end, ByteStart: d.ByteOffset(start), ByteEnd: d.ByteOffset(end)}, nil
}

// spanFromBytes builds a span from byte offsets known to be on code-point
// boundaries.
func (d *Document) spanFromBytes(bs, be int) Span {
	return Span{Start: d.CodePoint(bs), End: d.CodePoint(be), ByteStart: bs, ByteEnd: be}
}

// Slice returns the text of code points [start, end), as Python's
// text[start:end] would. The range must be valid.
func (d *Document) Slice(start, end int) string {
	return d.Text[d.ByteOffset(start):d.ByteOffset(end)]
}

// TextOf returns the text a span covers.
func (d *Document) TextOf(s Span) string { return d.Text[s.ByteStart:s.ByteEnd] }

// WordsIn returns the index range [i, j) of the words lying entirely inside
// code points [start, end).
func (d *Document) WordsIn(start, end int) (i, j int) {
	i = searchWords(d.Words, func(w Word) bool { return w.Start >= start })
	// Words do not overlap, so their ends rise too: a second search, not
	// a walk, which made callers asking about long ranges quadratic.
	j = i + searchWords(d.Words[i:], func(w Word) bool { return w.End > end })
	return i, j
}

// SentenceWords returns the index range [i, j) of the words of sentence
// k, as WordsIn(d.Sentences[k].Start, d.Sentences[k].End) does, without
// searching.
func (d *Document) SentenceWords(k int) (i, j int) {
	if len(d.sentWords) == len(d.Sentences) { // else not made by New
		r := d.sentWords[k]
		return int(r[0]), int(r[1])
	}
	s := d.Sentences[k]
	return d.WordsIn(s.Start, s.End)
}

// SentenceAt returns the index of the sentence containing code point cp, or
// of the nearest sentence starting after it; -1 if there is none.
func (d *Document) SentenceAt(cp int) int {
	k := searchSpans(d.Sentences, func(s Span) bool { return s.End > cp })
	if k == len(d.Sentences) {
		return -1
	}
	return k
}

func searchWords(ws []Word, f func(Word) bool) int {
	lo, hi := 0, len(ws)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !f(ws[m]) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func searchSpans(ss []Span, f func(Span) bool) int {
	lo, hi := 0, len(ss)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !f(ss[m]) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
