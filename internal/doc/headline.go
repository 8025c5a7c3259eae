package doc

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxHeadlineWords is the most words a first line may have and still be a
// headline. The corpus's longest title has 31.
const MaxHeadlineWords = 40

// maxHeadlineSentenceWords is the most words a first line ending in a full
// stop may have and still be a headline: corpus titles that end in one
// are short labels ("Assange Never Met Manafort."), while a first line of
// prose is a sentence of the lead.
const maxHeadlineSentenceWords = 12

// Headline returns the article's first line when it reads as a headline,
// and false when the text starts with prose instead.
//
// The Propaganda Techniques Corpus puts each article's title on line 1,
// and the models learnt what a title is from those lines; but text pasted
// or fetched without one starts with the lead paragraph, which must not
// be read (or explained, "it is in the headline") as a title. The first
// line is prose, not a headline, when it is blank, has more than
// MaxHeadlineWords words, or ends in a full stop (inside closing quotes
// or brackets too) after more than twelve words. Every one of the
// corpus's 371 titles is a headline by this rule; 262 of the 400
// unlabeled news articles, which start with their lead, are prose.
func (d *Document) Headline() (Span, bool) {
	if len(d.Lines) == 0 {
		return Span{}, false
	}
	l := d.Lines[0]
	i, j := d.WordsIn(l.Start, l.End)
	n := 0
	for _, w := range d.Words[i:j] {
		if strings.IndexFunc(w.Text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			n++
		}
	}
	switch {
	case n == 0, n > MaxHeadlineWords:
		return Span{}, false
	case n > maxHeadlineSentenceWords && endsWithFullStop(d.TextOf(l)):
		return Span{}, false
	}
	return l, true
}

// endsWithFullStop reports whether line's last mark, closing quotes and
// brackets aside, is a full stop.
func endsWithFullStop(line string) bool {
	line = strings.TrimRightFunc(line, isBlank)
	for line != "" {
		r, size := utf8.DecodeLastRuneInString(line)
		if !isCloser(r) {
			return r == '.'
		}
		line = line[:len(line)-size]
	}
	return false
}
