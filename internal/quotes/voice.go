package quotes

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"unspun/internal/doc"
	"unspun/internal/lexicon"
)

// titleCues are the words that name a work whose title may follow in
// quotation marks ("the author of “Black Muslim Religion in the Nation of
// Islam”", "his book “The Art of the Deal”").
var titleCues = set("book", "books", "novel", "film", "films", "movie", "movies", "documentary", "album", "song",
	"songs", "show", "series", "episode", "play", "poem", "essay", "article", "articles", "column", "op-ed",
	"report", "paper", "memoir", "biography", "headline", "titled", "entitled", "author", "magazine", "podcast",
	"programme", "program", "opera", "musical", "painting", "exhibition", "lecture", "speech", "sermon", "bestseller")

// titleSmallWords stay lower case inside a title ("The Art of the Deal").
var titleSmallWords = set("a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "but", "nor",
	"with", "by", "from", "as", "is", "vs")

// maxTitleCueGap is how many words may stand between a title cue and the
// quotation ("his 1987 book “…”").
const maxTitleCueGap = 3

// isTitle reports whether quote k is the title of a work, not speech: its
// words are in title case (every word but the small ones capitalised, at
// least two of them) and a word naming a work stands just before it.
func (f *finder) isTitle(k int) bool {
	ws := f.d.Words
	i, j := f.quoteWords[k][0], f.quoteWords[k][1]
	words := 0
	for n := i; n < j; n++ {
		w := ws[n].Text
		if !lexicon.IsWord(w) {
			if isSentenceEnd(w) && n < j-1 {
				return false // a sentence inside: speech
			}
			continue
		}
		words++
		if !lexicon.IsCapitalised(w) && !titleSmallWords[strings.ToLower(w)] {
			if r, _ := utf8.DecodeRuneInString(w); !unicode.IsDigit(r) {
				return false
			}
		}
	}
	if words < 2 {
		return false
	}
	for n, gap := i-1, 0; n >= 0 && gap <= maxTitleCueGap; n-- {
		w := ws[n].Text
		if !lexicon.IsWord(w) {
			if w == "," || isSentenceEnd(w) {
				return false
			}
			continue
		}
		if titleCues[strings.ToLower(w)] {
			return true
		}
		gap++
	}
	return false
}

// postSignature is how an embedded social-media post signs off in an
// article's text: "— Name (@handle) January 4, 2020" at the end of a line.
var postSignature = regexp.MustCompile(`[—–-]\s*([^—–()\n]{1,80}?)\s*\((@\w{1,30})\)\s*(?:on\s+)?[A-Z][a-z]+\.? \d{1,2}, \d{4}\s*$`)

// maxPostLines is how many lines before its signature an embedded post may
// run when the signature's line holds only a link.
const maxPostLines = 2

// Posts returns the social-media posts embedded in d, each attributed to
// its author as the post's signature names them ("Javad Zarif
// (@JZarif)"): an embedded post is that person's voice, not the article
// author's, though it stands in no quotation marks. A post is the text of
// the signature's line before the signature, or, when that is only a link
// or hashtags, the lines just before it (at most maxPostLines, back to a
// blank line or a line ending in a colon, which introduces the post).
func Posts(d *doc.Document) []Quote {
	if !strings.Contains(d.Text, "(@") {
		return nil
	}
	var out []Quote
	for li, line := range d.Lines {
		text := d.TextOf(line)
		if !strings.Contains(text, "(@") {
			continue // no signature without its handle
		}
		m := postSignature.FindStringSubmatchIndex(text)
		if m == nil {
			continue
		}
		name := strings.TrimSpace(text[m[2]:m[3]])
		speaker := name + " (" + text[m[4]:m[5]] + ")"
		if name == "" || strings.Count(name, " ") > 6 {
			continue
		}
		start := line.Start
		if onlyLinks(text[:m[0]]) {
			first := li
			for k := li - 1; k >= 0 && k >= li-maxPostLines; k-- {
				prev := strings.TrimSpace(d.TextOf(d.Lines[k]))
				if prev == "" || strings.HasSuffix(prev, ":") || (len(out) > 0 && d.Lines[k].Start < out[len(out)-1].End) {
					break
				}
				first = k
			}
			if first == li {
				continue // a signature with nothing to attribute
			}
			start = d.Lines[first].Start
		}
		out = append(out, Quote{Span: doc.Span{Start: start, End: line.End,
			ByteStart: d.ByteOffset(start), ByteEnd: line.ByteEnd}, Speaker: speaker})
	}
	return out
}

// onlyLinks reports whether s holds nothing but links, hashtags and
// punctuation: a signature line whose post text is on the lines before.
func onlyLinks(s string) bool {
	for _, tok := range strings.Fields(s) {
		lower := strings.ToLower(tok)
		if strings.HasPrefix(lower, "http") || strings.HasPrefix(lower, "pic.twitter.com") || strings.HasPrefix(tok, "#") ||
			strings.HasPrefix(tok, "@") || strings.IndexFunc(tok, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
			continue
		}
		return false
	}
	return true
}

// Regions returns the passages of d in a voice other than the author's
// that stand in no quotation marks: embedded posts (Posts) and the turns
// of an interview transcript (Turns), in text order.
func Regions(d *doc.Document) []Quote {
	out := append(Posts(d), Turns(d)...)
	slices.SortStableFunc(out, func(a, b Quote) int { return cmp.Compare(a.Start, b.Start) })
	return out
}

// turnLabel is a transcript's speaker label: one to three capitalised
// words (a name, "Mr. Trump") and a colon, at the start of a line or
// after a sentence's end, before the words spoken.
var turnLabel = regexp.MustCompile(`(?:^|[.!?…]["”’)]?\s+)((?:[A-Z][\p{L}'’.-]*\s){0,2}[A-Z][\p{L}'’-]+):\s+\S`)

// notSpeakers are the words that open a "Word:" line without naming a
// speaker: a web page's labels and an editor's notes.
var notSpeakers = set("update", "updated", "note", "editor", "editors", "photo", "photos", "source", "sources",
	"related", "read", "watch", "correction", "disclosure", "warning", "caption", "image", "images", "video",
	"credit", "credits", "breaking", "exclusive", "opinion", "analysis", "also", "advertisement", "sponsored",
	"tags", "share", "listen", "subscribe", "see", "more", "contact", "email", "phone", "posted", "published",
	"topics", "category", "filed", "comments", "transcript", "title", "subject", "date", "location", "follow")

// minTurnWords is the fewest words a transcript turn holds.
const minTurnWords = 3

// Turns returns the turns of an interview or hearing transcript in d,
// each attributed to the speaker its label names ("Trump: When you get
// the respect …  Barrett: Obviously …"): the words spoken, without the
// label. A document's "Name:" labels are a transcript only when there are
// at least two of them and each label's name (its last word) also occurs
// in the document outside the labels, so that "Update: …" or a
// one-off "Washington: …" is not read as speech.
func Turns(d *doc.Document) []Quote {
	if !strings.Contains(d.Text, ": ") {
		return nil
	}
	type label struct {
		name             string
		start, textStart int // byte offsets in d.Text
		lineEnd          int
	}
	var labels []label
	for _, line := range d.Lines {
		text := d.TextOf(line)
		if !labelColon(text) {
			// No label can end here; the expression, run over every
			// line, was a tenth of an analysis, and over every line with
			// a colon and a space 1.5%.
			continue
		}
		for _, m := range turnLabel.FindAllStringSubmatchIndex(text, -1) {
			name := text[m[2]:m[3]]
			first, _, _ := strings.Cut(name, " ")
			if notSpeakers[strings.ToLower(strings.Trim(first, "."))] || utf8.RuneCountInString(name) < 2 {
				continue
			}
			labels = append(labels, label{name: name, start: line.ByteStart + m[2], textStart: line.ByteStart + m[3] + 1, lineEnd: line.ByteEnd})
		}
	}
	if len(labels) < 2 {
		return nil
	}
	// A label's name must occur outside the labels too.
	var outside strings.Builder
	at := 0
	for _, l := range labels {
		outside.WriteString(d.Text[at:l.start])
		at = l.textStart
	}
	outside.WriteString(d.Text[at:])
	kept := labels[:0]
	for _, l := range labels {
		fields := strings.Fields(l.name)
		if containsWord(outside.String(), fields[len(fields)-1]) {
			kept = append(kept, l)
		}
	}
	if labels = kept; len(labels) < 2 {
		return nil
	}
	var out []Quote
	for i, l := range labels {
		end := l.lineEnd
		if i+1 < len(labels) && labels[i+1].start < end {
			end = labels[i+1].start
		}
		turn := strings.TrimSpace(d.Text[l.textStart:end])
		if len(strings.Fields(turn)) < minTurnWords {
			continue
		}
		bs := l.textStart + strings.Index(d.Text[l.textStart:end], turn)
		be := bs + len(turn)
		out = append(out, Quote{Span: doc.Span{Start: d.CodePoint(bs), End: d.CodePoint(be), ByteStart: bs, ByteEnd: be}, Speaker: l.name})
	}
	return out
}

// labelColon reports whether text holds a colon that can end a
// turnLabel match: followed by white space as the expression's \s
// matches it (a space, tab, form feed or line end), and preceded by a
// word the label's last word can be, [A-Z][\p{L}'’-]+ from the start
// of text or a \s. Every match has one, so a line without is not
// matched.
func labelColon(text string) bool {
	for i := strings.IndexByte(text, ':'); i >= 0; {
		if i+1 < len(text) && reSpace(text[i+1]) && labelWord(text[:i]) {
			return true
		}
		j := strings.IndexByte(text[i+1:], ':')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// reSpace reports whether c is white space as regexp's \s means it.
func reSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\f', '\r', '\n':
		return true
	}
	return false
}

// labelWord reports whether s ends in [A-Z][\p{L}'’-]+ starting s or
// following a \s.
func labelWord(s string) bool {
	k := len(s) // start of the word ending s
	for k > 0 && !reSpace(s[k-1]) {
		k--
	}
	w := s[k:]
	if len(w) < 2 || w[0] < 'A' || w[0] > 'Z' {
		return false
	}
	for _, r := range w[1:] {
		if !unicode.IsLetter(r) && r != '\'' && r != '’' && r != '-' {
			return false
		}
	}
	return true
}

// containsWord reports whether text holds w as a whole word.
func containsWord(text, w string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return false
		}
		a, b := i+j, i+j+len(w)
		before, _ := utf8.DecodeLastRuneInString(text[:a])
		after, _ := utf8.DecodeRuneInString(text[b:])
		if (a == 0 || !unicode.IsLetter(before)) && (b == len(text) || !unicode.IsLetter(after)) {
			return true
		}
		i = b
	}
}
