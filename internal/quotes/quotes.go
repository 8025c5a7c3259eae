// Package quotes attributes the quoted-speech regions doc finds
// (doc.Document.Quotes, the one quote detector) to their speakers, so that
// the analysis can tell the author's voice from the voices the author
// quotes. It detects no quotation marks itself.
//
// # Attribution
//
// Find reads the words around a quotation with rules of general English
// news style, without a parser: a speech verb before the quote ("X said:
// “…”", "X told reporters “…”", "X, the minister, said “…”", "X spoke to
// Y and said “…”"), after it ("“…,” X said", "“…,” said X", or alone on
// the next line: "…!”⏎Trump tweeted."), a verb that characterises its
// object in the quoted words ("X called the story “…”", "X describes
// itself as “…”"; not "a group called “…”", which names) or "according
// to X" in the same sentence. A pronoun speaker ("He said: …") is resolved to a name
// earlier in its own sentence, else to the nearest earlier subject noun
// phrase of matching number in the narrative (sentences outside quotes)
// that can be a person, or to the speaker of an earlier quote. A quotation
// opening its line continues the previous line's when that line ends with
// it and its attribution. Quotations of one to three words with no speech
// verb next to them are scare quotes ("the so-called “reform”"), and works'
// titles in quotation marks are not speech either.
//
// # Other voices
//
// Regions finds the passages in another voice that stand in no quotation
// marks: social-media posts embedded in an article (Posts) and the turns of
// an interview transcript (Turns).
//
// # Measured
//
// testdata/speakers holds two hand-annotated sets of quotations of the
// Propaganda Techniques Corpus; TestSpeakers reports precision and recall
// on both (MODEL.md, "Whose voice").
package quotes

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"unspun/internal/doc"
	"unspun/internal/lexicon"
)

// Quote is a region of quoted speech, its quotation marks included, and
// the speaker it is attributed to ("" when the text names none).
type Quote struct {
	doc.Span
	Speaker string
}

// maxScareWords is the longest quotation, in words, that counts as a scare
// quote when no speech verb stands next to it.
const maxScareWords = 3

// maxContext bounds how many words before or after a quote attribution
// looks at, so one quote in a long unpunctuated text costs little.
const maxContext = 40

// maxLookback is how many sentences back a pronoun looks for its
// antecedent.
const maxLookback = 4

// Find returns the quoted-speech regions of d in text order, each with its
// attributed speaker.
func Find(d *doc.Document) []Quote {
	if len(d.Quotes) == 0 {
		return nil
	}
	f := finder{d: d}
	f.quoteWords = make([][2]int, len(d.Quotes))
	for k, q := range d.Quotes {
		i, j := d.WordsIn(q.Start, q.End)
		f.quoteWords[k] = [2]int{i, j}
	}
	out := make([]Quote, 0, len(d.Quotes))
	// speakers[k] is the resolved speaker of d.Quotes[k] (kept or not), for
	// pronouns that refer back to it.
	f.speakers = make([]string, len(d.Quotes))
	for k, q := range d.Quotes {
		a := f.attribute(k)
		speaker := a.speaker
		if a.pronoun != "" {
			speaker = f.resolve(k, a.pronoun, a.pronounAt)
		}
		if speaker == "" && (a.follows || (a.speaker == "" && a.pronoun == "" && f.nextLine(k))) {
			// A quotation that merely continues the previous one
			// ("“…,” he said. “…”", or on the next line) keeps its
			// speaker.
			speaker = f.speakers[k-1]
		}
		f.speakers[k] = speaker
		if (!a.direct && f.contentWords(k) <= maxScareWords) || f.isTitle(k) {
			continue // a scare quote or a work's title (voice.go): not speech
		}
		out = append(out, Quote{Span: q, Speaker: speaker})
	}
	return out
}

type finder struct {
	d          *doc.Document
	quoteWords [][2]int // word index range inside each quote
	speakers   []string
	// inside holds the words capitalised after a sentence's first word,
	// built when first needed (capitalisedInside).
	inside map[string]bool
}

// attribution is what the words around one quote say about its speaker.
type attribution struct {
	speaker string // a named or described speaker
	pronoun string // a pronoun speaker, to resolve
	// pronounAt is where the pronoun starts (code points), for an
	// antecedent earlier in its own sentence.
	pronounAt int
	// direct reports a speech verb right next to the quote (or
	// "according to" in its sentence): even a short quote is speech then.
	direct bool
	// follows reports that nothing but punctuation separates the quote
	// from the previous one in the same paragraph.
	follows bool
}

func (f *finder) contentWords(k int) int {
	n := 0
	ws := f.d.Words
	for i := f.quoteWords[k][0]; i < f.quoteWords[k][1]; i++ {
		if lexicon.IsWord(ws[i].Text) {
			n++
		}
	}
	return n
}

// between reports whether quote k continues quote k-1 of the same
// paragraph: only punctuation, or a short attribution clause of the
// previous quote ("“…,” she said. “…”"), stands between them.
func (f *finder) between(k int) bool {
	i, j := f.quoteWords[k-1][1], f.quoteWords[k][0]
	ws := f.d.Words[i:j]
	if onlyPunct(ws) {
		return true
	}
	n, verb := 0, false
	for _, w := range ws {
		if lexicon.IsWord(w.Text) {
			n++
		}
		verb = verb || isSpeechVerb(w.Text)
	}
	return verb && n <= 12
}

// attribute reads the clause before quote k and the clause after it.
func (f *finder) attribute(k int) attribution {
	d := f.d
	ws := d.Words
	q := d.Quotes[k]
	para := f.paragraph(q.Start)

	// Words before the quote, back to the clause start: the previous
	// quote, a sentence end or the paragraph start. A quotation opening
	// its line may take its attribution from the line before ("X
	// said:\n“…”"); one inside a line only from its own.
	lo := f.quoteWords[k][0]
	start := lo
	lineStart := para.Start
	if li := f.line(q.Start); li >= 0 && strings.TrimSpace(d.Slice(d.Lines[li].Start, q.Start)) != "" {
		lineStart = max(lineStart, d.Lines[li].Start)
	}
	for start > 0 && lo-start < maxContext {
		w := ws[start-1]
		if w.End <= lineStart || isSentenceEnd(w.Text) || (k > 0 && w.End <= d.Quotes[k-1].End) {
			break
		}
		start--
	}
	follows := k > 0 && d.Quotes[k-1].End >= para.Start && f.between(k)

	// Words after the quote, to the clause end. They go on to the next
	// line only when it is an attribution and nothing else ("…!”\nTrump
	// tweeted."): a longer line is narrative ("Tosatti reports the
	// incident, but …"), and a line with a quotation attributes that one
	// ("“…”\nY commented, “…”").
	hi := f.quoteWords[k][1]
	end := hi
	lineEnd := para.End
	if li := f.line(q.End - 1); li >= 0 && li+1 < len(d.Lines) {
		next := d.Lines[li+1]
		i, j := d.WordsIn(next.Start, next.End)
		if j-i > maxAttributionLine || (k+1 < len(d.Quotes) && d.Quotes[k+1].Start < next.End) {
			lineEnd = min(lineEnd, d.Lines[li].End)
		}
	}
	for end < len(ws) && end-hi < maxContext {
		w := ws[end]
		if w.Start >= lineEnd || (k+1 < len(d.Quotes) && w.Start >= d.Quotes[k+1].Start) {
			break
		}
		end++
		if isSentenceEnd(w.Text) {
			break
		}
	}
	// A sentence end inside the quote's last words ("… now.”") ends the
	// sentence too, but attribution after it ("“Go.” he said") is common
	// enough in sloppy text that only the words after the quote count.
	after := ws[hi:end]
	before := ws[start:lo]

	// "“…,” X said" / "“…,” said X": the clause after the quote.
	if a, ok := f.after(after); ok {
		a.follows = follows
		return a
	}
	// "X said: “…”" / "X told reporters “…”".
	if a, ok := f.before(before); ok {
		a.follows = follows
		return a
	}
	// "according to X" anywhere in the sentence around the quote; after
	// a quote that ends its sentence ("… now.” But according to X, …")
	// the words after belong to the next one.
	parts := [][]doc.Word{before, after}
	if f.endsSentence(k) {
		parts = parts[:1]
	}
	for _, part := range parts {
		for i := 0; i+2 < len(part); i++ {
			if strings.EqualFold(part[i].Text, "according") && strings.EqualFold(part[i+1].Text, "to") {
				if s, p := f.phraseAfter(part[i+2:]); s != "" || p != "" {
					return attribution{speaker: s, pronoun: p, pronounAt: part[i+2].Start, direct: true, follows: follows}
				}
			}
		}
	}
	return attribution{follows: follows}
}

// after matches the clause following a quote: optional punctuation, then
// a speech verb and its subject, or a subject and a speech verb.
func (f *finder) after(ws []doc.Word) (attribution, bool) {
	i := 0
	for i < len(ws) && (ws[i].Text == "," || isDash(ws[i].Text)) {
		i++
	}
	ws = ws[i:]
	if len(ws) == 0 {
		return attribution{}, false
	}
	if isSpeechVerb(ws[0].Text) {
		if addresseeVerbs[strings.ToLower(ws[0].Text)] {
			// "“…” told the website that …": the quotation is inside the
			// subject; what follows "told" is whom it was said to.
			return attribution{}, false
		}
		// "said X" — but not "said in a statement", which leaves X unknown.
		s, p := f.phraseAfter(ws[1:])
		if s == "" && p == "" {
			return attribution{direct: true}, true
		}
		return attribution{speaker: s, pronoun: p, pronounAt: ws[1].Start, direct: true}, true
	}
	// "X said", X at most a few words long, or "X, an appositive, said".
	for v := 1; v < len(ws) && v <= maxAppositive+4; v++ {
		if isSentenceEnd(ws[v].Text) || ws[v].Text == "“" || ws[v].Text == "\"" {
			break
		}
		if isSpeechVerb(ws[v].Text) {
			// The subject must fill the words between the quote and the
			// verb: "“…” a fraud, and the leader warned" is not "the
			// leader warned “…”".
			subj := ws[:v]
			if c := appositiveStart(subj); c > 0 {
				subj = subj[:c]
			}
			s, p := f.phraseBefore(subj)
			if (s == "" && p == "") || phraseStartIn(subj) != 0 {
				return attribution{}, false
			}
			return attribution{speaker: s, pronoun: p, pronounAt: subj[len(subj)-1].Start, direct: true}, true
		}
	}
	return attribution{}, false
}

// before matches the clause leading up to a quote: its last speech verb
// and the subject before it. The verb is next to the quote (direct) when
// at most a short complement ("told reporters", "said on Monday") and a
// colon, comma or "that" stand between them.
func (f *finder) before(ws []doc.Word) (attribution, bool) {
	for v := len(ws) - 1; v >= 0; v-- {
		if lexicon.IsLabelVerb(strings.ToLower(ws[v].Text)) {
			if a, ok := f.characterises(ws, v); ok {
				return a, true
			}
			continue
		}
		if !isSpeechVerb(ws[v].Text) {
			continue
		}
		if v > 0 && (isDeterminer(ws[v-1].Text) || comparatives[strings.ToLower(ws[v-1].Text)]) {
			continue // a noun: "his comments", "the statement"
		}
		if v >= 3 && strings.EqualFold(ws[v-1].Text, "and") {
			// "X spoke to Y and said “…”": the subject of the clause's
			// first verb, when the clause opens with it and holds no
			// subordinate clause whose own subject the verb could share
			// ("X teaches that Y threw off … and declared").
			if v > maxAppositive || slices.ContainsFunc(ws[:v-1], isSubordinator) {
				continue
			}
			if p := strings.ToLower(ws[0].Text); isPronoun(p) && isLowerWord(ws[1].Text) {
				return attribution{pronoun: p, pronounAt: ws[0].Start, direct: len(ws)-v <= 5}, true
			}
			if s, _, ok := f.subject(doc.Span{Start: ws[0].Start, End: ws[v-1].Start}); ok {
				return attribution{speaker: s, direct: len(ws)-v <= 5}, true
			}
			continue
		}
		between := ws[v+1:]
		direct := len(between) <= 4
		for _, w := range between {
			if isSentenceEnd(w.Text) {
				direct = false
			}
		}
		subj := ws[:v]
		if c := appositiveStart(subj); c > 0 {
			// "X, in a statement, said" / "X, a spokesman, said".
			if s, p := f.phraseBefore(subj[:c]); s != "" || p != "" {
				subj = subj[:c]
			}
		}
		if s := phraseStartIn(subj); s > 0 && comparatives[strings.ToLower(subj[s-1].Text)] {
			continue // "his more infamous comments": a noun after all
		}
		s, p := f.phraseBefore(subj)
		if p != "" {
			return attribution{pronoun: p, pronounAt: subj[len(subj)-1].Start, direct: direct}, true
		}
		if s == "" && p == "" {
			// "In a statement issued on Monday, said …" is not English;
			// "“…”, said X" is handled by after. A verb without a subject
			// here is an imperative or an inversion we cannot read.
			continue
		}
		return attribution{speaker: s, pronoun: p, direct: direct}, true
	}
	return attribution{}, false
}

// characterises matches "X called the story “…”", "X described it as
// “…”": a verb that characterises an object in the quoted words, with its
// object between it and the quote (ws[v] is the verb, the quote follows
// ws). The quoted words are the subject's, when it is a name or a
// pronoun. Without an object the verb names something ("a group called
// “Antifa”", "a book called “…”"), and nobody speaks.
func (f *finder) characterises(ws []doc.Word, v int) (attribution, bool) {
	obj := ws[v+1:]
	for len(obj) > 0 && isDeterminer(obj[len(obj)-1].Text) { // "called Halimi a “demon”"
		obj = obj[:len(obj)-1]
	}
	if len(obj) > 0 && strings.EqualFold(obj[len(obj)-1].Text, "as") {
		obj = obj[:len(obj)-1]
	}
	// The object is a short noun phrase: not "calls for in the uncensored
	// “…”" (a title), not "described as looking like “…”".
	if len(obj) == 0 || len(obj) > 4 {
		return attribution{}, false
	}
	for _, w := range obj {
		lw := strings.ToLower(w.Text)
		if !lexicon.IsWord(w.Text) || isNPPreposition(w.Text) || isOtherPreposition(w.Text) || isConjunction(w.Text) ||
			isSpeechVerb(w.Text) || lw == "as" || (isLowerWord(w.Text) && strings.HasSuffix(lw, "ing")) {
			return attribution{}, false
		}
	}
	subj := ws[:v]
	for len(subj) > 0 && isAdverb(subj[len(subj)-1].Text) {
		subj = subj[:len(subj)-1]
	}
	s, p := f.phraseBefore(subj)
	switch {
	case p != "":
		return attribution{pronoun: p, pronounAt: subj[len(subj)-1].Start, direct: true}, true
	case s != "" && f.isName(subj[phraseStartIn(subj):]):
		return attribution{speaker: s, direct: true}, true
	}
	return attribution{}, false
}

// isSubordinator reports whether w opens a subordinate clause or joins
// a clause to the one before.
func isSubordinator(w doc.Word) bool {
	switch strings.ToLower(w.Text) {
	case "that", "which", "who", "whom", "whose", "when", "while", "because", "if", "after", "before", ",", ";", ":":
		return true
	}
	return false
}

// maxAttributionLine is the most words a line after a quotation may
// have to be read as its attribution ("Trump tweeted.").
const maxAttributionLine = 8

// maxAppositive is the most words a comma-enclosed appositive or aside
// between a subject and its speech verb may have ("Smith, the minister,
// said", "The union, in a statement, said").
const maxAppositive = 12

// appositiveStart returns the index of the comma that opens an appositive
// or aside ending ws ("X , the minister ,"), or -1 when ws does not end
// with one.
func appositiveStart(ws []doc.Word) int {
	n := len(ws)
	if n < 3 || ws[n-1].Text != "," {
		return -1
	}
	for c := n - 2; c >= 1 && n-1-c <= maxAppositive+1; c-- {
		switch w := ws[c].Text; {
		case w == ",":
			if c == n-2 {
				return -1 // ", ,": nothing between
			}
			if c == n-3 && strings.IndexFunc(ws[n-2].Text, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
				return -1 // "on September 11, 2001,": a date's year, not an aside
			}
			return c
		case isSentenceEnd(w):
			return -1
		case irregularPast[w]:
			// "X, a refugee waving a flag, went up to the door, shouted":
			// a finite verb makes it a predicate, not an aside.
			return -1
		}
	}
	return -1
}

// endsSentence reports whether quote k ends with a sentence's last
// punctuation inside its marks ("… now.”", "… now.’”"): its last token
// that is a word or a sentence end is a sentence end.
func (f *finder) endsSentence(k int) bool {
	ws := f.d.Words
	for i := f.quoteWords[k][1] - 1; i >= f.quoteWords[k][0]; i-- {
		if w := ws[i].Text; isSentenceEnd(w) || lexicon.IsWord(w) {
			return isSentenceEnd(w)
		}
	}
	return false
}

// phraseStartIn returns where the noun phrase ending ws starts, -1 if
// none.
func phraseStartIn(ws []doc.Word) int {
	s, e := phraseBounds(ws)
	if s == e {
		return -1
	}
	return s
}

// phraseBefore returns the noun phrase that ends the words ws (the subject
// of a verb that follows them), skipping adverbs between it and the verb.
// A pronoun subject is returned as pronoun, lowercased.
func (f *finder) phraseBefore(ws []doc.Word) (speaker, pronoun string) {
	s, e := phraseBounds(ws)
	if e == 0 {
		return "", ""
	}
	if p := strings.ToLower(ws[e-1].Text); s == e-1 && isPronoun(p) {
		return "", p
	}
	if s == e || !hasNoun(ws[s:e]) {
		return "", ""
	}
	return f.phraseText(ws[s:e]), ""
}

// placeIn reports whether ws[i] is an "in" that ties a place to the noun
// before it, as "of" does ("a professor at a university in Spain", "an
// employee in the city of Guangzhou"): a noun before it, a name or a
// determiner after it. Elsewhere "in" ends a noun phrase ("said in a
// statement").
func placeIn(ws []doc.Word, i int) bool {
	return i >= 1 && i+1 < len(ws) && strings.EqualFold(ws[i].Text, "in") && nounish(ws[i-1].Text) &&
		(lexicon.IsCapitalised(ws[i+1].Text) || isDeterminer(ws[i+1].Text))
}

// phraseBounds returns the word range [s, e) of the noun phrase that ends
// ws, before any trailing adverbs and auxiliaries; s == e when there is
// none.
func phraseBounds(ws []doc.Word) (int, int) {
	e := len(ws)
	for e > 0 && (isAdverb(ws[e-1].Text) || isAux(ws[e-1].Text)) {
		e--
	}
	if e == 0 {
		return 0, 0
	}
	if isPronoun(strings.ToLower(ws[e-1].Text)) {
		return e - 1, e
	}
	s := e
	for s > 0 {
		w := ws[s-1].Text
		if glued(ws, s-1) {
			// "Co-President", "U.S": one word split by the tokenizer.
			s--
			continue
		}
		if placeIn(ws, s-1) {
			s--
			continue
		}
		if !nounish(w) || isPastTense(w) {
			break
		}
		s--
		if isDeterminer(w) {
			// The phrase starts at its determiner unless a preposition
			// inside a noun phrase ties it to more ("a spokesperson for
			// the ministry").
			if s > 0 && (isNPPreposition(ws[s-1].Text) || placeIn(ws, s-1)) && s-1 > 0 && nounish(ws[s-2].Text) {
				s--
				continue
			}
			break
		}
		if isNPPreposition(w) {
			if s == 0 || !nounish(ws[s-1].Text) {
				s++
				break
			}
		}
	}
	for s < e && isNPPreposition(ws[s].Text) {
		s++
	}
	return s, e
}

// phraseAfter returns the noun phrase that starts the words ws.
func (f *finder) phraseAfter(ws []doc.Word) (speaker, pronoun string) {
	if len(ws) == 0 {
		return "", ""
	}
	if p := strings.ToLower(ws[0].Text); isPronoun(p) {
		return "", p
	}
	e := f.phraseEnd(ws)
	if e == 0 {
		return "", ""
	}
	if s, p := f.issuer(ws[:e], ws[e:]); s != "" || p != "" {
		return s, p
	}
	return f.phraseText(ws[:e]), ""
}

// documentNouns are the heads of phrases naming a text that speaks for its
// issuer ("a statement issued by X").
var documentNouns = set("statement", "report", "release", "letter", "memo", "document", "email", "e-mail",
	"note", "post", "tweet", "message", "announcement", "notice", "filing", "complaint", "lawsuit")

// issuedVerbs are the participles that tie a document to its issuer.
var issuedVerbs = set("issued", "released", "signed", "written", "sent", "posted", "published", "filed")

// issuer returns the issuer of a document phrase np from the words rest
// after it ("according to [a statement] issued by Sarah Sanders", "read
// [a statement] from the ministry"), or nothing when np names no document
// or rest names no issuer.
func (f *finder) issuer(np, rest []doc.Word) (speaker, pronoun string) {
	for i := 1; i+2 < len(np); i++ {
		// "a statement from the ministry": the phrase holds its issuer.
		if documentNouns[strings.ToLower(np[i].Text)] && strings.EqualFold(np[i+1].Text, "from") {
			return f.phraseText(np[i+2:]), ""
		}
	}
	if len(rest) < 2 || !documentNouns[strings.ToLower(np[len(np)-1].Text)] {
		return "", ""
	}
	if issuedVerbs[strings.ToLower(rest[0].Text)] {
		rest = rest[1:]
	}
	if len(rest) < 2 || !(strings.EqualFold(rest[0].Text, "by") || strings.EqualFold(rest[0].Text, "from")) {
		return "", ""
	}
	if p := strings.ToLower(rest[1].Text); isPronoun(p) {
		return "", p
	}
	if e := f.phraseEnd(rest[1:]); e > 0 {
		return f.phraseText(rest[1 : 1+e]), ""
	}
	return "", ""
}

// phraseEnd returns how many leading words of ws form a noun phrase: a
// determiner or possessive, nouns and adjectives, and noun-phrase
// prepositions joining more of them. It stops at verbs, adverbs,
// conjunctions, other prepositions and punctuation.
func (f *finder) phraseEnd(ws []doc.Word) int {
	e := 0
	for e < len(ws) && e < 12 {
		w := ws[e].Text
		if e > 0 && glued(ws, e) {
			e++
			continue
		}
		if !nounish(w) || isPronoun(strings.ToLower(w)) || irregularPast[w] {
			break
		}
		if e > 0 && isDeterminer(w) && !isNPPreposition(ws[e-1].Text) {
			break
		}
		if e > 0 && isPastTense(w) {
			break
		}
		e++
	}
	for e > 0 && (isNPPreposition(ws[e-1].Text) || isDeterminer(ws[e-1].Text)) {
		e--
	}
	if !hasNoun(ws[:e]) {
		return 0
	}
	return e
}

// phraseText returns the text of a phrase as written, with a leading
// determiner lowercased: the speaker reads the same at the start of a
// sentence as inside one.
func (f *finder) phraseText(ws []doc.Word) string {
	s := f.d.Slice(ws[0].Start, ws[len(ws)-1].End)
	if isDeterminer(ws[0].Text) {
		n := len(ws[0].Text)
		s = strings.ToLower(s[:n]) + s[n:]
	}
	return s
}

// resolve finds what a pronoun speaker of quote k refers to: walking back
// through the sentences before the quote, the speaker of an earlier quote
// or the subject of a narrative sentence, whichever comes first and agrees
// in number.
func (f *finder) resolve(k int, pronoun string, at int) string {
	d := f.d
	plural := pronoun == "they" || pronoun == "we"
	if pronoun == "i" || pronoun == "we" || pronoun == "it" || pronoun == "you" {
		return ""
	}
	q := d.Quotes[k]
	si := d.SentenceAt(q.Start)
	if si < 0 {
		si = len(d.Sentences)
	}
	person := pronoun == "he" || pronoun == "she"
	if person && si < len(d.Sentences) && at < q.Start {
		// A name earlier in the pronoun's own sentence ("As Trump was
		// restarting his career, he told …").
		if name := f.nameBefore(d.Sentences[si], at); name != "" {
			return name
		}
	}
	seen := 0
	for s := si - 1; s >= 0 && seen < maxLookback; s-- {
		sent := d.Sentences[s]
		if sent.End > q.Start {
			continue
		}
		if qi := d.QuoteAt(sent.Start); qi >= 0 && d.Quotes[qi].Start < sent.Start {
			// Inside quoted speech: not narrative.
			continue
		}
		seen++
		// An earlier quote whose attribution lies in this sentence.
		for j := k - 1; j >= 0 && d.Quotes[j].End > sent.Start; j-- {
			if d.Quotes[j].Start >= sent.Start && d.Quotes[j].Start < sent.End {
				if f.speakers[j] != "" {
					return f.speakers[j]
				}
				break
			}
		}
		if subj, pl, ok := f.subject(sent); ok && pl == plural && (!person || f.personLike(subj)) {
			return subj
		}
	}
	return ""
}

// subject returns the noun phrase that opens a sentence and whether it
// looks plural.
func (f *finder) subject(sent doc.Span) (string, bool, bool) {
	i, j := f.d.WordsIn(sent.Start, sent.End)
	ws := f.d.Words[i:j]
	if len(ws) == 0 {
		return "", false, false
	}
	if isNPPreposition(ws[0].Text) || isOtherPreposition(ws[0].Text) {
		// "In the following call, the woman pleads …": the subject
		// follows the opening phrase's comma.
		for c := 1; c < len(ws) && c <= maxAppositive; c++ {
			if ws[c].Text == "," {
				ws = ws[c+1:]
				break
			}
		}
		if len(ws) == 0 {
			return "", false, false
		}
	}
	first := ws[0].Text
	if !isDeterminer(first) && !lexicon.IsCapitalised(first) {
		return "", false, false
	}
	if isPronoun(strings.ToLower(first)) || isNPPreposition(first) || isOtherPreposition(first) || isConjunction(first) {
		return "", false, false
	}
	e := f.phraseEnd(ws)
	if e == 0 {
		return "", false, false
	}
	// The phrase must be followed by a verb-like word for it to be a
	// subject: an adverb, auxiliary, past tense or speech verb.
	if e < len(ws) {
		next := ws[e].Text
		// A name followed by an appositive ("Paul Hunter, a professor …,
		// was") is the subject too.
		apposed := next == "," && f.isName(ws[:e])
		if !(isAdverb(next) || isAux(next) || isPastTense(next) || isSpeechVerb(next) || isLowerWord(next) || apposed) {
			return "", false, false
		}
	} else {
		return "", false, false
	}
	np := ws[:e]
	head := np[len(np)-1]
	for h := range np {
		if isNPPreposition(np[h].Text) && h > 0 {
			head = np[h-1]
			break
		}
	}
	if strings.EqualFold(head.Text, "one") || isDeterminer(head.Text) {
		return "", false, false
	}
	return f.phraseText(np), looksPlural(head.Text, head.Start == ws[0].Start), true
}

// isName reports whether the words ws are a name: all capitalised, and,
// for a single word opening its sentence, one the document capitalises
// elsewhere too (not "However," or "Yesterday,").
func (f *finder) isName(ws []doc.Word) bool {
	for _, w := range ws {
		if !lexicon.IsCapitalised(w.Text) || isDeterminer(w.Text) {
			return false
		}
	}
	if len(ws) > 1 {
		return true
	}
	return f.capitalisedInside(ws[0])
}

// capitalisedInside reports whether the word w occurs elsewhere in the
// document capitalised after the first word of a sentence.
func (f *finder) capitalisedInside(w doc.Word) bool {
	if f.inside == nil {
		f.inside = map[string]bool{}
		d := f.d
		for sn := range d.Sentences {
			i, j := d.SentenceWords(sn)
			for k := i + 1; k < j; k++ {
				if t := d.Words[k].Text; lexicon.IsCapitalised(t) && lexicon.IsWord(d.Words[k-1].Text) {
					// After a word: not a sentence's, a bracket's or a
					// quotation's first word, where anything is capitalised.
					f.inside[t] = true
				}
			}
		}
	}
	return f.inside[w.Text]
}

// nameBefore returns the first name in sentence sent before the code
// point at that can be a clause's subject, outside quotations: a run of
// capitalised words, not after "the" (institutions: "the Home Office")
// or a preposition ("with John Allen's Crux"), not a possessive, not the
// sentence's first word unless the document capitalises it elsewhere.
// The first, not the nearest: in "Trump also blasted Sessions because, he
// said, …" the pronoun is the sentence's subject, Trump.
func (f *finder) nameBefore(sent doc.Span, at int) string {
	d := f.d
	i, j := d.WordsIn(sent.Start, min(at, sent.End))
	ws := d.Words
	for i < j && !lexicon.IsWord(ws[i].Text) {
		i++ // "(Amusingly, …": the first word is the one after the bracket
	}
	for s := i; s < j; {
		if !f.nameWord(ws[s]) {
			s++
			continue
		}
		e := s + 1
		for e < j && f.nameWord(ws[e]) {
			e++
		}
		run, first := ws[s:e], strings.ToLower(ws[s].Text)
		switch {
		case s > i && (isDeterminer(ws[s-1].Text) || objectPrepositions[strings.ToLower(ws[s-1].Text)]),
			isNPPreposition(first) || isOtherPreposition(first) || isConjunction(first) || isDeterminer(first),
			timeWords[first] || months[first],
			lexicon.Possessor(ws[e-1].Text) != ws[e-1].Text,
			e < j && ws[e].Start == ws[e-1].End && ws[e].Text == "-", // "AR-15s", a model's name
			s == i && len(run) == 1 && !f.capitalisedInside(run[0]):
			s = e
			continue
		}
		for n, w := range run[:len(run)-1] {
			if lexicon.Possessor(w.Text) != w.Text {
				// "Louis Farrakhan's Saviours' Day Address, in which he
				// …": the possessor, not the thing named after it.
				return lexicon.Possessor(f.phraseText(run[:n+1]))
			}
		}
		return f.phraseText(run)
	}
	return ""
}

// nameWord reports whether w can be part of a name that nameBefore
// returns: a capitalised word that is no pronoun, outside quotations.
func (f *finder) nameWord(w doc.Word) bool {
	return lexicon.IsCapitalised(w.Text) && lexicon.IsWord(w.Text) && !isPronoun(strings.ToLower(w.Text)) && f.d.QuoteAt(w.Start) < 0
}

// personLike reports whether a subject phrase can be "he" or "she": a
// name, or a phrase whose head noun names a person ("the woman", "a
// spokesperson for the ministry"), not "this form of the plague".
func (f *finder) personLike(np string) bool {
	ws := strings.Fields(np)
	head := ws[len(ws)-1]
	for h, w := range ws {
		if h > 0 && isNPPreposition(w) {
			head = ws[h-1]
			break
		}
	}
	head = lexicon.Possessor(head)
	if lexicon.IsCapitalised(head) {
		return true
	}
	return isPersonNoun(head)
}

// maxTrailing is the most words an attribution clause after quote k-1
// may have for nextLine to continue it.
const maxTrailing = 20

// nextLine reports whether quote k opens its line and continues quote
// k-1 from the line before: news prose gives a long quotation one line
// (or paragraph) per sentence group and attributes only the first
// ("“…,” Lambert said.\n“In the last months …”"). The line before must
// end with quote k-1 and at most its attribution clause.
func (f *finder) nextLine(k int) bool {
	if k == 0 {
		return false
	}
	d := f.d
	q, prev := d.Quotes[k], d.Quotes[k-1]
	li := f.line(q.Start)
	if li <= 0 || strings.TrimSpace(d.Slice(d.Lines[li].Start, q.Start)) != "" {
		return false
	}
	pl := li - 1
	for pl > 0 && pl >= li-2 && strings.TrimSpace(d.TextOf(d.Lines[pl])) == "" {
		pl-- // a blank line between paragraphs
	}
	line := d.Lines[pl]
	if prev.End <= line.Start || prev.End > line.End {
		return false
	}
	i, j := d.WordsIn(prev.End, line.End)
	if j-i > maxTrailing {
		return false
	}
	if j-i > 1 && !slices.ContainsFunc(d.Words[i:j], func(w doc.Word) bool { return isSpeechVerb(w.Text) }) {
		return false // narrative, not an attribution clause
	}
	for n := i; n < j-1; n++ {
		if isSentenceEnd(d.Words[n].Text) {
			return false // narrative after the attribution
		}
	}
	return true
}

// line returns the index of the line holding code point cp, -1 if none.
func (f *finder) line(cp int) int {
	ls := f.d.Lines
	lo, hi := 0, len(ls)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ls[m].End < cp {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(ls) && ls[lo].Start <= cp {
		return lo
	}
	return -1
}

func (f *finder) paragraph(cp int) doc.Span {
	ps := f.d.Paragraphs
	lo, hi := 0, len(ps)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ps[m].End <= cp {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(ps) && ps[lo].Start <= cp {
		return ps[lo]
	}
	return doc.Span{Start: cp, End: cp}
}

// looksPlural guesses a head noun's number from its ending: a lowercase
// (or sentence-initial) word in -s but not -ss, -us or -is is plural;
// capitalised words inside the phrase are names.
func looksPlural(w string, sentenceInitial bool) bool {
	if lexicon.IsCapitalised(w) && !sentenceInitial {
		return false
	}
	lw := strings.ToLower(w)
	switch {
	case lw == "people" || lw == "police" || lw == "men" || lw == "women" || lw == "children":
		return true
	case strings.HasSuffix(lw, "ss"), strings.HasSuffix(lw, "us"), strings.HasSuffix(lw, "is"):
		return false
	}
	return strings.HasSuffix(lw, "s")
}

// Word classes. The lists are the closed classes of English (determiners,
// pronouns, auxiliaries, prepositions, conjunctions) and the common verbs
// that report speech; open-class words are classified by their shape.

var speechVerbs = set(
	"said", "says", "say", "told", "tells", "tell", "added", "adds", "stated", "states",
	"mentioned", "mentions", "warned", "warns", "claimed", "claims", "wrote", "writes",
	"tweeted", "tweets", "insisted", "insists", "argued", "argues", "explained", "explains",
	"noted", "notes", "declared", "declares", "asked", "asks", "replied", "replies",
	"responded", "responds", "answered", "commented", "comments", "announced", "announces",
	"remarked", "stressed", "stresses", "emphasized", "emphasised", "concluded", "admitted",
	"admits", "acknowledged", "suggested", "suggests", "posted", "recalled", "recalls",
	"urged", "urges", "continued", "continues", "observed", "cautioned", "proclaimed",
	"shouted", "wondered", "complained", "testified", "predicted", "vowed", "pledged",
	"boasted", "conceded", "alleged", "asserted", "affirmed", "maintained", "reiterated",
	"quipped", "joked", "exclaimed", "whispered", "yelled", "chanted", "demanded", "denied",
	"reported", "reports",
)

var determiners = set("a", "an", "the", "this", "that", "these", "those", "his", "her", "its",
	"their", "our", "my", "your", "another", "one", "two", "three", "several", "some", "many")

var pronouns = set("he", "she", "they", "we", "i", "it", "you")

var auxiliaries = set("is", "are", "was", "were", "be", "been", "being", "has", "have", "had",
	"will", "would", "can", "could", "may", "might", "must", "should", "shall", "do", "does",
	"did", "also", "later", "then", "once", "again", "further", "previously", "earlier", "not",
	"never", "even", "still", "just", "often", "already", "soon", "reportedly", "recently")

// npPrepositions join a noun phrase to a complement that belongs to it
// ("a spokesperson for the ministry", "the head of state", "a professor at
// Yale", "a senator from Ohio").
var npPrepositions = set("of", "for", "at", "from")

var otherPrepositions = set("in", "on", "with", "by", "to", "into", "onto", "over", "under",
	"after", "before", "during", "since", "until", "about", "against", "between", "through",
	"without", "within", "upon", "among", "across", "behind", "beyond", "toward", "towards",
	"despite", "like", "per", "via", "as", "if", "when", "while", "because", "although",
	"though", "whether", "where", "once")

var conjunctions = set("and", "or", "but", "nor", "so", "yet", "that", "which", "who",
	"whom", "whose", "what", "than", "not", "no", "there", "here")

// quantifiers and focus words open or modify a phrase without naming
// anyone ("Such claims", "Only then", "all of them").
var quantifiers = set("such", "only", "all", "both", "each", "every", "any", "no", "none",
	"most", "more", "less", "few", "much", "own", "other", "same")

// timeWords end a subject read backwards: in "this week Trump said" the
// speaker is Trump, not the week.
var timeWords = set("today", "yesterday", "tomorrow", "tonight", "week", "weeks", "month",
	"months", "year", "years", "day", "days", "morning", "afternoon", "evening", "night",
	"weekend", "time", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday", "ago", "now", "later")

// addresseeVerbs are the speech verbs whose object is whom the words were
// said to ("told reporters"): "“…” told X" never names the speaker X.
var addresseeVerbs = set("told", "tells", "tell")

// comparatives before a speech verb make it a noun ("his more infamous
// comments").
var comparatives = set("more", "most", "less", "least")

// objectPrepositions make the name after them an object ("with X", "to
// X"), which a later pronoun subject rarely means.
var objectPrepositions = set("in", "on", "with", "by", "to", "into", "at", "for", "of", "from", "about",
	"against", "over", "under", "through", "toward", "towards", "via", "like", "per", "among", "between")

var months = set("january", "february", "march", "april", "may", "june", "july", "august", "september",
	"october", "november", "december")

// personNouns are the common nouns of news prose that name a person by
// role or relation; isPersonNoun also knows the agent suffixes.
var personNouns = set("woman", "man", "girl", "boy", "child", "pope", "president", "minister", "official",
	"spokesperson", "senator", "governor", "mayor", "judge", "lawyer", "attorney", "chief", "director", "secretary",
	"leader", "author", "expert", "analyst", "officer", "candidate", "bishop", "cardinal", "priest", "king", "queen",
	"prince", "princess", "representative", "ambassador", "head", "general", "commander", "actress", "mother",
	"father", "son", "daughter", "wife", "husband", "student", "victim", "witness", "suspect", "friend", "sister",
	"brother", "aide", "adviser", "advisor", "chairman", "chairwoman", "congressman", "congresswoman", "cleric",
	"imam", "rabbi", "pastor", "nun", "monk", "doctor", "nurse", "scientist", "economist", "activist", "journalist",
	"host", "guest", "coach", "player", "founder", "owner", "resident", "neighbour", "neighbor", "citizen",
	"patient", "parent", "veteran", "soldier", "agent", "deputy", "sheriff", "prosecutor", "commentator", "critic")

func isPersonNoun(w string) bool {
	lw := strings.ToLower(w)
	if personNouns[lw] {
		return true
	}
	for _, suf := range []string{"man", "woman", "person", "ist", "ian", "er", "or", "ess", "ee"} {
		if len(lw) > len(suf)+2 && strings.HasSuffix(lw, suf) {
			return true
		}
	}
	return false
}

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

func isSpeechVerb(w string) bool { return speechVerbs[strings.ToLower(w)] }
func isDeterminer(w string) bool { return determiners[strings.ToLower(w)] }
func isPronoun(lw string) bool   { return pronouns[lw] }
func isAux(w string) bool        { return auxiliaries[strings.ToLower(w)] }
func isNPPreposition(w string) bool {
	return npPrepositions[strings.ToLower(w)]
}
func isOtherPreposition(w string) bool { return otherPrepositions[strings.ToLower(w)] }
func isConjunction(w string) bool      { return conjunctions[strings.ToLower(w)] }

// isAdverb recognises -ly adverbs ("recently", "angrily") by shape.
func isAdverb(w string) bool { return lexicon.LooksAdverb(w) }

// isPastTense recognises lowercase -ed words and common irregular past
// forms: after a subject they are verbs ("The minister denied …").
func isPastTense(w string) bool {
	return (len(w) > 4 && strings.HasSuffix(w, "ed") && isLowerWord(w)) || irregularPast[w]
}

// irregularPast are the common irregular past-tense verbs of English.
var irregularPast = set("spoke", "went", "gave", "took", "made", "came", "saw", "ran", "met",
	"left", "sent", "led", "began", "became", "brought", "thought", "felt", "kept", "held",
	"stood", "won", "lost", "found", "paid", "put", "got", "knew", "grew", "drew", "threw",
	"flew", "fell", "rose", "wore", "broke", "chose", "froze", "drove", "sat", "sold",
	"bought", "caught", "taught", "fought", "sought", "built", "spent", "heard", "meant",
	"read", "understood", "struck", "hit", "cut", "shut", "let", "quit", "hid", "bit", "fled")

// nounish reports whether w can be part of a noun phrase as far as its
// shape and class tell: a word (or number) that is not a verb-like closed
// class word, with possessives and hyphenated compounds included.
func nounish(w string) bool {
	if !lexicon.IsWord(w) {
		return false
	}
	if lexicon.IsCaps(w) {
		return true // "WHO", "US": an organisation or a country, not "who", "us"
	}
	lw := strings.ToLower(w)
	if isSpeechVerb(lw) || auxiliaries[lw] || otherPrepositions[lw] || conjunctions[lw] ||
		quantifiers[lw] || timeWords[lw] {
		return false
	}
	// Contractions of a pronoun ("it’s", "they're") start a clause.
	if i := strings.IndexAny(lw, "'’"); i > 0 && pronouns[lw[:i]] {
		return false
	}
	if isAdverb(w) {
		return false
	}
	return true
}

// hasNoun reports whether a phrase has a word besides determiners and
// prepositions.
func hasNoun(ws []doc.Word) bool {
	for _, w := range ws {
		if lexicon.IsWord(w.Text) && !isDeterminer(w.Text) && !isNPPreposition(w.Text) {
			return true
		}
	}
	return false
}

func isLowerWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsLower(r)
}

func isSentenceEnd(w string) bool {
	return w == "." || w == "!" || w == "?" || w == "…"
}

// glued reports whether ws[i] is a hyphen, period or apostrophe written
// between two words without spaces, so that the three are one word.
func glued(ws []doc.Word, i int) bool {
	if i == 0 || i+1 >= len(ws) {
		return false
	}
	switch ws[i].Text {
	case "-", ".", "'", "’", "&":
	default:
		return false
	}
	return ws[i-1].End == ws[i].Start && ws[i].End == ws[i+1].Start &&
		lexicon.IsWord(ws[i-1].Text) && lexicon.IsWord(ws[i+1].Text)
}

func isDash(w string) bool { return w == "-" || w == "–" || w == "—" }

func onlyPunct(ws []doc.Word) bool {
	for _, w := range ws {
		if lexicon.IsWord(w.Text) {
			return false
		}
	}
	return true
}
