package doc

import (
	"unicode"
	"unicode/utf8"
)

// splitQuotes finds the quoted-speech regions of every paragraph: text
// between double quotation marks, straight (") or curly (“ ”), or between
// guillemets (« » and ‹ ›). It is the one quote detector: the span
// taggers' and the classifier's features, the cues and the voice of a
// fragment all read these regions. A region includes its marks, so TextOf
// a quote starts and ends with one. Quotes may run across lines but not
// across paragraphs: a quote still open at the end of its paragraph ends
// there (news style repeats the opening mark on each paragraph of a long
// quotation and closes only the last). Apostrophes and single quotation
// marks are never quote marks: they are too often apostrophes ("the
// people’s ‘choice’").
//
// A straight mark opens a quote when none is open unless it is followed by
// white space or ends the paragraph (an inch mark, or a stray closer). A
// curly closing mark with no quote open opens one only where an opening
// mark would stand (after white space, before a non-space), as in text
// that uses ” for both. Inside an open quote:
//   - a mark of the other style (straight inside curly or guillemets,
//     curly inside straight) standing where an opening mark would opens a
//     quote nested in it;
//   - an opening mark (“ « ‹) standing where an opening mark would opens a
//     nested quote when enough closing marks (” » ›) follow in the
//     paragraph to close it and every quote around it (“The “elites” lie”),
//     and otherwise means the open quote was never closed: it ends just
//     before the new one;
//   - any other mark closes the innermost open quote.
//
// Nested quotes are part of the outermost region, not regions of their
// own. The work is linear in the paragraph's length.
func splitQuotes(d *Document) []Span {
	var out []Span
	t := d.Text
	var stack []byte // kinds of the open quotes, outermost first
	// The paragraph's marks, found once: the closers must be counted
	// before the marks are read, and scanning the text twice was most of
	// splitting quotes.
	type mark struct {
		at         int
		kind, size byte
	}
	var marks []mark
	for _, p := range d.Paragraphs {
		closers := 0 // unambiguous closing marks left in the paragraph
		marks = marks[:0]
		for b := p.ByteStart; ; {
			at, kind, size := nextQuoteMark(t, b, p.ByteEnd)
			if at < 0 {
				break
			}
			if kind == 'c' || kind == 'C' {
				closers++
			}
			marks = append(marks, mark{at, kind, byte(size)})
			b = at + size
		}
		open := -1 // byte offset of the outermost open quote's mark
		stack = stack[:0]
		for _, m := range marks {
			b, kind, size := m.at, m.kind, int(m.size)
			if kind == 'c' || kind == 'C' {
				closers--
			}
			prev, _ := utf8.DecodeLastRuneInString(t[p.ByteStart:b])
			next, _ := utf8.DecodeRuneInString(t[b+size : p.ByteEnd])
			atStart, atEnd := b == p.ByteStart, b+size == p.ByteEnd
			beforeSpace := atEnd || unicode.IsSpace(next)
			opens := !beforeSpace && (atStart || unicode.IsSpace(prev) || isOpenPunct(prev))
			opener := kind == 'o' || kind == 'O'
			switch {
			case len(stack) == 0:
				if (kind == '"' && !beforeSpace) || opener || (kind == 'c' && opens) {
					open = b
					stack = append(stack, kind)
				}
			case opens && (kind == '"') != (stack[len(stack)-1] == '"'):
				stack = append(stack, kind)
			case opens && opener && closers >= len(stack)+1:
				stack = append(stack, kind)
			case opens && opener:
				// A new quote: the open one was never closed.
				out = appendTrimmed(out, d, open, b)
				open = b
				stack = append(stack[:0], kind)
			default:
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					out = append(out, d.spanFromBytes(open, b+size))
				}
			}
		}
		if len(stack) > 0 {
			out = appendTrimmed(out, d, open, p.ByteEnd)
		}
	}
	return out
}

// nextQuoteMark returns the byte offset, kind and size (see quoteMark)
// of the first quotation mark in t[b:end], or -1. Only three bytes can
// start a mark, so the others are skipped without classifying them: this
// runs over every byte of every article.
func nextQuoteMark(t string, b, end int) (at int, kind byte, size int) {
	s := t[b:end] // indexed from 0, without bounds checks
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"', 0xC2, 0xE2:
			if kind, size := quoteMark(s[i:]); kind != 0 {
				return b + i, kind, size
			}
		}
	}
	return -1, 0, 0
}

// quoteMark classifies the quotation mark t starts with and returns its
// size in bytes: '"' for a straight mark, 'o' and 'c' for curly opening
// and closing marks, 'O' and 'C' for opening and closing guillemets
// (double or single); kind 0 (size of one byte) for anything else.
func quoteMark(t string) (kind byte, size int) {
	switch {
	case t[0] == '"':
		return '"', 1
	case len(t) >= 2 && t[0] == 0xC2 && t[1] == 0xAB: // «
		return 'O', 2
	case len(t) >= 2 && t[0] == 0xC2 && t[1] == 0xBB: // »
		return 'C', 2
	case len(t) >= 3 && t[0] == 0xE2 && t[1] == 0x80:
		switch t[2] {
		case 0x9C: // “
			return 'o', 3
		case 0x9D: // ”
			return 'c', 3
		case 0xB9: // ‹
			return 'O', 3
		case 0xBA: // ›
			return 'C', 3
		}
	}
	return 0, 1
}

// isOpenPunct reports whether r may stand right before an opening
// quotation mark in place of a space: "said:“We…", "(“…".
func isOpenPunct(r rune) bool {
	switch r {
	case '(', '[', '{', ':', '—', '–', '-', '/':
		return true
	}
	return false
}

// QuoteAt returns the index in Quotes of the quote containing code point
// cp, or -1 if cp is not quoted.
func (d *Document) QuoteAt(cp int) int {
	k := searchSpans(d.Quotes, func(s Span) bool { return s.End > cp })
	if k < len(d.Quotes) && d.Quotes[k].Start <= cp {
		return k
	}
	return -1
}

// QuoteOf returns the index in Quotes of the quote holding most of the
// code points [start, end) when it holds at least half of them, or -1
// when most of the range is outside quotes: a fragment that starts in a
// quote and runs past it counts as quoted when at least half lies inside.
func (d *Document) QuoteOf(start, end int) int {
	best, bestOver := -1, 0
	// Quotes are in text order and do not overlap: skip those ending at
	// or before start.
	for k := searchSpans(d.Quotes, func(s Span) bool { return s.End > start }); k < len(d.Quotes); k++ {
		q := d.Quotes[k]
		if q.Start >= end {
			break
		}
		if over := min(end, q.End) - max(start, q.Start); over > bestOver {
			best, bestOver = k, over
		}
	}
	if best >= 0 && 2*bestOver >= end-start {
		return best
	}
	return -1
}
