package doc

import (
	"unicode"
	"unicode/utf8"
)

// splitQuotes finds the quoted-speech regions of every paragraph: text
// between double quotation marks, straight (") or curly (“ ”). A region
// includes its marks, so TextOf a quote starts and ends with one. Quotes
// may run across lines but not across paragraphs: a quote still open at
// the end of its paragraph ends there (news style repeats the opening mark
// on each paragraph of a long quotation and closes only the last).
// Apostrophes and single quotation marks are never quote marks: they are
// too often apostrophes ("the people’s ‘choice’").
//
// A straight mark opens a quote when none is open unless it is followed by
// white space or ends the paragraph (an inch mark, or a stray closer). A
// curly closing mark with no quote open opens one only where an opening
// mark would stand (after white space, before a non-space), as in text
// that uses ” for both. Inside an open quote, a mark of the other style
// (straight inside curly, curly inside straight) standing where an opening
// mark would opens a quote nested in it, which the next mark closes;
// nested quotes are part of the outer region, not regions of their own.
// A curly opening mark standing where an opening mark would, inside a
// curly quote, means the open quote was never closed: it ends just before
// the new one. Any other mark closes the open quote.
func splitQuotes(d *Document) []Span {
	var out []Span
	t := d.Text
	for _, p := range d.Paragraphs {
		open := -1 // byte offset of the open quote's mark
		var openKind byte
		nested := false
		for b := p.ByteStart; b < p.ByteEnd; {
			c := t[b]
			size := 1
			var kind byte
			switch {
			case c == '"':
				kind = '"'
			case c == 0xE2 && b+2 < p.ByteEnd && t[b+1] == 0x80 && (t[b+2] == 0x9C || t[b+2] == 0x9D):
				size = 3
				kind = 'o' // “
				if t[b+2] == 0x9D {
					kind = 'c' // ”
				}
			default:
				b++
				continue
			}
			prev, _ := utf8.DecodeLastRuneInString(t[p.ByteStart:b])
			next, _ := utf8.DecodeRuneInString(t[b+size : p.ByteEnd])
			atStart, atEnd := b == p.ByteStart, b+size == p.ByteEnd
			beforeSpace := atEnd || unicode.IsSpace(next)
			opens := !beforeSpace && (atStart || unicode.IsSpace(prev) || isOpenPunct(prev))
			switch {
			case open < 0:
				if (kind == '"' && !beforeSpace) || kind == 'o' || (kind == 'c' && opens) {
					open, openKind = b, kind
				}
			case nested:
				nested = false
			case opens && (kind == '"') != (openKind == '"'):
				nested = true
			case opens && kind == 'o':
				// A new quote: the open one was never closed.
				out = appendTrimmed(out, d, open, b)
				open, openKind = b, kind
			default:
				out = append(out, d.spanFromBytes(open, b+size))
				open = -1
			}
			b += size
		}
		if open >= 0 {
			out = appendTrimmed(out, d, open, p.ByteEnd)
		}
	}
	return out
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
