// Package cue holds the reasons unspun gives for a fragment, its cues, as
// facts, and words them for a reader.
//
// The span tagger (si) and the technique classifier (tc) each name the
// facts behind their decision, strongest first, as Cues: which words, on
// which word list, repeated, typical of which technique. Merge keeps one
// cue per fact from both (the tagger and the classifier often see the
// same one), drops those that would quote nothing a reader can use (a
// function word, punctuation, a piece of a web address) and words at most
// Max of them. Wording in one place means that one fact reads the same
// whichever model found it, and that every count a cue states is counted
// once, from the article.
package cue

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"unspun/internal/doc"
	"unspun/internal/lexicon"
	"unspun/internal/technique"
	"unspun/internal/words"
)

// Max is the most cues a fragment reports.
const Max = 4

// Kind is the sort of fact a cue states.
type Kind uint8

// The kinds of fact. Start and End (word indices) say what a cue is
// about; the kinds marked "fragment" and "sentence" are about the
// fragment or its sentence and ignore them. A List or Valence cue may be
// about a word of the sentence outside the fragment; a word there that
// is on no list and not charged is no reason a reader could follow, so
// there is no kind for it.
const (
	None     Kind = iota
	List          // words [Start, End) are an entry of the word lists List
	Valence       // word Start is strongly positive or negative (VADER)
	Repeat        // the word Start, or the phrase [Start, End), recurs in the article
	Capitals      // words [Start, End) are written in capitals
	Quote         // fragment: inside quotation marks, or partly
	Exclaim       // sentence: it has an exclamation mark
	Question      // sentence: it has a question mark
	Headline      // fragment: it is in the headline
	Rhetoric      // sentence: it has many words of the word lists
	Emotive       // sentence: its words are emotionally charged
	Typical       // words [Start, End) (Start < 0: the fragment's wording) are typical of Tech
)

// Cue is one fact behind a decision. It holds no text: Merge words the
// few that are shown, so finding cues costs no allocation per fact.
type Cue struct {
	Kind Kind
	// Like marks a Typical cue learnt from words like the subject (its
	// spelling, its family of word vectors) rather than from the word.
	Like bool
	// Tech is a Typical cue's technique; Propaganda for propaganda in
	// general (the tagger's cues).
	Tech int8
	// List is a List cue's word lists.
	List lexicon.Kind
	// Start and End are the words (indices into doc.Document.Words) the
	// cue is about.
	Start, End int32
}

// Propaganda is the Tech of a Typical cue about propaganda in general.
const Propaganda int8 = -1

// Counter counts repetitions in an article (tc.Article does).
type Counter interface {
	// Recurs returns how many times the stems of words [i, j) occur in
	// the article, punctuation skipped, and, when j == i+1, the index of
	// one occurrence written otherwise ("killed" for "kill"), or -1.
	Recurs(i, j int) (n, other int)
}

// Fragment is what wording a fragment's cues needs to know about it.
type Fragment struct {
	Doc   *doc.Document
	Words *words.Table // Doc's word table
	// Start and End are the fragment's code points.
	Start, End int
	// Speech reports that the fragment is quoted speech, and Speaker
	// who said it when known.
	Speech  bool
	Speaker string
	// Recurs counts the repetitions Repeat cues state.
	Recurs Counter

	wi, wj int // the fragment's words
}

// Thresholds under which a fact is not worth stating.
const (
	// MinWordRepeats is the fewest occurrences of a word, MinPhraseRepeats
	// of a phrase, for their repetition to be a reason: a word twice in
	// an article is common, a phrase twice is not.
	MinWordRepeats   = 3
	MinPhraseRepeats = 2
	// MinRhetoric is the fewest listed words in a sentence for it to be
	// called rhetorical, MinEmotive the least sum of its words' absolute
	// valences for it to be called emotionally charged.
	MinRhetoric = 3
	MinEmotive  = 7
	// maxQuoted is the longest phrase, in words, a cue quotes.
	maxQuoted = 8
)

// StrongValence reports whether a VADER valence is strong enough for a
// word to be called negative (at most -1.5) or positive (at least 2):
// VADER rates bland words up to about 2 ("like", "help", "yes"), while
// its negatives from -1.5 down are already charged ("harsh",
// "screaming").
func StrongValence(v float64) bool { return v <= -1.5 || v >= 2 }

// Quotable reports whether word i of d, lowercased as lower (see
// lexicon.Lower), can be a cue's subject on its own: a word or number of
// more than one character, not a function word (lexicon.FunctionWord),
// not part of a web address.
func Quotable(d *doc.Document, i int, lower string) bool {
	w := &d.Words[i]
	if !lexicon.IsWord(lower) || lexicon.FunctionWord(lower) {
		return false
	}
	if n := utf8.RuneCountInString(lower); n < 2 {
		return false
	}
	return !lexicon.IsLinkAt(d.Text, w.ByteStart, w.ByteEnd)
}

// Shouted reports whether words [a, b) of d are written in capitals for
// emphasis: two all-capital words, or one of five letters or more.
// Shorter capitals alone are mostly acronyms ("FBI", "NATO"), which are
// not a reason.
func Shouted(d *doc.Document, a, b int) bool {
	n := 0
	for i := a; i < b; i++ {
		if k := capitals(d.Words[i].Text); k >= 5 {
			return true
		} else if k >= 2 {
			n++
		}
	}
	return n >= 2
}

// capitals returns the letters of w when they are all capitals, else 0.
func capitals(w string) int {
	n := 0
	for _, r := range w {
		switch {
		case unicode.IsUpper(r):
			n++
		case unicode.IsLetter(r):
			return 0
		}
	}
	return n
}

// techNames are the techniques' names in lower case, as cues say them,
// and resembles the cue that a fragment's wording resembles each.
var techNames, resembles = func() (names, res [technique.Count]string) {
	for t := range technique.Technique(technique.Count) {
		names[t] = strings.ToLower(t.Info().Name)
		res[t] = "its wording resembles typical " + names[t]
	}
	return names, res
}()

// Merge words the cues of fragment f from the classifier (tc) and the
// tagger (si), each strongest first: interleaved, the classifier's
// first, so both kinds of reason get a place; one per fact; none that
// quotes nothing a reader can use; at most two that only say that words
// are typical and one that a single word recurs (most words of an
// article's topic do), no repetition within another, so that the other
// facts get room; at most Max.
func Merge(f *Fragment, tc, si []Cue) []string {
	f.wi, f.wj = f.Doc.WordsIn(f.Start, f.End)
	var buf [2 * Max]Cue
	cs := buf[:0]
	add := func(c Cue) {
		if len(cs) == cap(cs) || !f.valid(c) {
			return
		}
		for _, o := range cs {
			if f.sameFact(o, c) {
				return
			}
		}
		cs = append(cs, c)
	}
	for i := 0; i < len(tc) || i < len(si); i++ {
		if i < len(tc) {
			add(tc[i])
		}
		if i < len(si) {
			add(si[i])
		}
	}
	out := make([]string, 0, min(len(cs), Max))
	typical, recurs := 0, 0
	var repeated [Max]Cue // the Repeat cues worded
	nrep := 0
	for _, c := range cs {
		if len(out) == Max {
			break
		}
		word := c.Kind == Repeat && c.End == c.Start+1
		if c.Kind == Typical && (typical == 2 || f.told(cs, c)) || word && recurs == 1 {
			continue
		}
		if c.Kind == Repeat && f.within(repeated[:nrep], c) {
			// "the Trump administration" recurring says that
			// "administration" does.
			continue
		}
		t := f.text(c)
		if t == "" {
			continue
		}
		switch {
		case c.Kind == Typical:
			typical++
		case word:
			recurs++
		}
		if c.Kind == Repeat {
			repeated[nrep] = c
			nrep++
		}
		out = append(out, t)
	}
	return out
}

// valid reports whether c can be worded for f: its words exist, are no
// web address, and say something (see Quotable, StrongValence, Shouted).
func (f *Fragment) valid(c Cue) bool {
	d, n := f.Doc, int32(len(f.Doc.Words))
	switch c.Kind {
	case Quote, Exclaim, Question, Headline, Rhetoric, Emotive:
		return true
	case Typical:
		if c.Start < 0 {
			return c.Tech >= 0 && int(c.Tech) < technique.Count
		}
		if int(c.Tech) >= technique.Count {
			return false
		}
	case List:
		if c.List == 0 {
			return false
		}
	case Valence, Repeat, Capitals:
	default:
		return false
	}
	if c.Start < 0 || c.End <= c.Start || c.End > n {
		return false
	}
	a, b := int(c.Start), int(c.End)
	for i := a; i < b; i++ {
		w := &d.Words[i]
		if lexicon.IsLinkAt(d.Text, w.ByteStart, w.ByteEnd) {
			return false
		}
	}
	switch c.Kind {
	case Valence:
		w := &f.Words.Words[a]
		return b == a+1 && w.Rated && StrongValence(w.Valence) && Quotable(d, a, w.Lower)
	case Capitals:
		return Shouted(d, a, b)
	case Repeat, Typical:
		if c.Kind == Repeat && !f.recursEnough(a, b) {
			// Below its minimum a repetition is no reason: it must not
			// stand in for the words' other facts either (told).
			return false
		}
		if b == a+1 {
			return Quotable(d, a, f.Words.Words[a].Lower)
		}
		// A phrase: words at both ends, and one worth quoting. A phrase
		// said to be typical must also start and end with words worth
		// quoting: "“abuse of” is typical of …" reads as a slip.
		if !f.Words.Words[a].IsWord || !f.Words.Words[b-1].IsWord {
			return false
		}
		if c.Kind == Typical {
			return Quotable(d, a, f.Words.Words[a].Lower) && Quotable(d, b-1, f.Words.Words[b-1].Lower)
		}
		for i := a; i < b; i++ {
			if Quotable(d, i, f.Words.Words[i].Lower) {
				return true
			}
		}
		return false
	}
	return true
}

// recursEnough reports whether words [a, b) recur in the article often
// enough to be worth saying (MinWordRepeats, MinPhraseRepeats).
func (f *Fragment) recursEnough(a, b int) bool {
	if f.Recurs == nil {
		return false
	}
	n, _ := f.Recurs.Recurs(a, b)
	if b == a+1 {
		return n >= MinWordRepeats
	}
	return n >= MinPhraseRepeats
}

// sameFact reports whether a and b state one fact: a kind about the
// fragment or its sentence, or one kind about the same words (Repeat:
// the same stems, as they are counted).
func (f *Fragment) sameFact(a, b Cue) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case Quote, Exclaim, Question, Headline, Rhetoric, Emotive, Capitals:
		return true
	case Repeat:
		return f.sameWords(a, b, true)
	}
	return f.sameWords(a, b, false)
}

// sameWords reports whether a and b are about the same words, compared
// lowercased or by stem.
func (f *Fragment) sameWords(a, b Cue, stems bool) bool {
	if a.End-a.Start != b.End-b.Start || (a.Start < 0) != (b.Start < 0) {
		return false
	}
	if a.Start < 0 {
		return true
	}
	ws := f.Words.Words
	for k := int32(0); k < a.End-a.Start; k++ {
		x, y := &ws[a.Start+k], &ws[b.Start+k]
		if stems && x.Stem != y.Stem || !stems && x.Lower != y.Lower {
			return false
		}
	}
	return true
}

// within reports whether the stems of c's words occur in those of one
// of cs, or the other way round (a word in a phrase: "life" and
// "religious life"), punctuation skipped.
func (f *Fragment) within(cs []Cue, c Cue) bool {
	for _, o := range cs {
		if f.inStems(o, c) || f.inStems(c, o) {
			return true
		}
	}
	return false
}

// inStems reports whether the stems of a's words occur in b's.
func (f *Fragment) inStems(a, b Cue) bool {
	ws := f.Words.Words
	for s := b.Start; s < b.End; s++ {
		i, j := a.Start, s
		for {
			for i < a.End && !ws[i].IsWord {
				i++
			}
			for j < b.End && !ws[j].IsWord {
				j++
			}
			if i == a.End {
				return true
			}
			if j == b.End || ws[i].Stem != ws[j].Stem {
				break
			}
			i, j = i+1, j+1
		}
	}
	return false
}

// told reports whether another cue of cs states a fact about c's words:
// then c, which only says that they are typical, adds nothing.
func (f *Fragment) told(cs []Cue, c Cue) bool {
	for _, o := range cs {
		switch o.Kind {
		case List, Valence, Repeat, Capitals:
			if c.Start >= 0 && o.End-o.Start == c.End-c.Start && f.sameWords(o, c, false) {
				return true
			}
		}
	}
	return false
}

// text words c for f, a cue valid for f; "" when the fact turns out not
// worth stating (no exclamation mark in the sentence, too few rhetorical
// words).
func (f *Fragment) text(c Cue) string {
	d := f.Doc
	a, b := int(c.Start), int(c.End)
	switch c.Kind {
	case List:
		desc := c.List.Describe()
		if b > a+1 {
			desc = c.List.DescribePhrase()
		}
		if near := f.near(a, b); near != "" {
			return near + "“" + f.raw(a, b) + "”, " + desc
		}
		return "“" + f.raw(a, b) + "” is " + desc
	case Valence:
		v := f.Words.Words[a].Valence
		tone := "negative"
		if v > 0 {
			tone = "positive"
		}
		if v >= 2.5 || v <= -2.5 {
			tone = "strongly " + tone
		}
		if near := f.near(a, b); near != "" {
			return near + "“" + f.raw(a, b) + "”, a " + tone + " word"
		}
		return "“" + f.raw(a, b) + "” is a " + tone + " word"
	case Repeat: // valid: f.Recurs counts it at least its minimum
		n, other := f.Recurs.Recurs(a, b)
		if b == a+1 {
			if other >= 0 {
				return "“" + f.raw(a, b) + "” recurs " + strconv.Itoa(n) + " times in the article, counting forms like “" +
					f.raw(other, other+1) + "”"
			}
			return "“" + f.raw(a, b) + "” recurs " + strconv.Itoa(n) + " times in the article"
		}
		if b-a > maxQuoted {
			return "this passage recurs " + strconv.Itoa(n) + " times in the article"
		}
		return "the phrase “" + f.raw(a, b) + "” recurs " + strconv.Itoa(n) + " times in the article"
	case Capitals:
		if b-a > maxQuoted {
			return "it is written in capitals"
		}
		return "“" + f.raw(a, b) + "” is written in capitals"
	case Quote:
		switch {
		case f.Speech && f.Speaker != "":
			return "inside a quotation of " + f.Speaker
		case f.Speech:
			return "inside a quotation"
		case d.QuoteOf(f.Start, f.End) >= 0:
			return "in quotation marks"
		}
		for i := f.wi; i < f.wj; i++ {
			if d.QuoteAt(d.Words[i].Start) >= 0 {
				return "part of it is in quotation marks"
			}
		}
	case Exclaim:
		switch f.sentenceMark('!') {
		case 2:
			return "the sentence ends with an exclamation mark"
		case 1:
			return "the sentence has an exclamation mark"
		}
	case Question:
		switch f.sentenceMark('?') {
		case 2:
			return "the sentence asks a question"
		case 1:
			return "the sentence has a question mark"
		}
	case Headline:
		if h, ok := d.Headline(); ok && f.Start < h.End {
			return "it is in the headline"
		}
	case Rhetoric:
		if n, _ := f.sentenceWords(); n >= MinRhetoric {
			return "the sentence has " + strconv.Itoa(n) + " words from lists of rhetorical devices"
		}
	case Emotive:
		if _, v := f.sentenceWords(); v >= MinEmotive {
			return "the sentence is emotionally charged"
		}
	case Typical:
		if a < 0 {
			return resembles[c.Tech]
		}
		if b-a > maxQuoted {
			if c.Tech >= 0 {
				return "this passage is typical of " + techNames[c.Tech]
			}
			return "this passage often appears in propaganda"
		}
		w := f.raw(a, b)
		switch {
		case c.Tech >= 0 && c.Like:
			return "words like “" + w + "” are typical of " + techNames[c.Tech]
		case c.Tech >= 0:
			return "“" + w + "” is typical of " + techNames[c.Tech]
		case c.Like:
			return "words like “" + w + "” often appear in propaganda"
		}
		return "“" + w + "” often appears in propaganda"
	}
	return ""
}

// near returns how words [a, b) outside the fragment stand to it
// ("next to ", "in a sentence with "), "" when they are inside it.
func (f *Fragment) near(a, b int) string {
	switch {
	case b <= f.wi:
		if f.words(b, f.wi) {
			return "in a sentence with "
		}
		return "next to "
	case a >= f.wj:
		if f.words(f.wj, a) {
			return "in a sentence with "
		}
		return "next to "
	}
	return ""
}

// words reports whether there is a word, not only punctuation, among
// words [a, b).
func (f *Fragment) words(a, b int) bool {
	for _, w := range f.Words.Words[a:b] {
		if w.IsWord {
			return true
		}
	}
	return false
}

// raw returns words [a, b) of the document as written, but for double
// quotation marks, which would end the cue's own quotation early ("the
// phrase “judge” comment” …"). Cues put it in quotation marks in the one
// concatenation that builds them: one allocation per cue.
func (f *Fragment) raw(a, b int) string {
	ws := f.Doc.Words
	t := f.Doc.Text[ws[a].ByteStart:ws[b-1].ByteEnd]
	if !strings.ContainsAny(t, doubleQuotes) {
		return t
	}
	t = strings.Map(func(r rune) rune {
		if strings.ContainsRune(doubleQuotes, r) {
			return -1
		}
		return r
	}, t)
	return strings.Join(strings.Fields(t), " ")
}

// doubleQuotes are the double quotation marks doc reads.
const doubleQuotes = "\"“”«»„‟"

// sentences returns the index range of the sentences f overlaps (an
// empty fragment: the one it starts).
func (f *Fragment) sentences() (k, l int) {
	ss := f.Doc.Sentences
	k, _ = slices.BinarySearchFunc(ss, f.Start, func(s doc.Span, cp int) int { return cmp.Compare(s.End-1, cp) })
	l = k
	for l < len(ss) && ss[l].Start < max(f.End, f.Start+1) {
		l++
	}
	return k, l
}

// sentenceMark returns 2 when a sentence f overlaps ends with mark
// (closing quotation marks and brackets aside), 1 when one has it
// elsewhere, 0 when none has it.
func (f *Fragment) sentenceMark(mark byte) int {
	d := f.Doc
	k, l := f.sentences()
	has := 0
	for ; k < l; k++ {
		t := d.TextOf(d.Sentences[k])
		if strings.IndexByte(t, mark) < 0 {
			continue
		}
		has = 1
		t = strings.TrimRightFunc(t, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.Is(unicode.Pf, r) || unicode.Is(unicode.Pe, r) || r == '"' || r == '\''
		})
		if t != "" && t[len(t)-1] == mark {
			return 2
		}
	}
	return has
}

// sentenceWords returns, over the sentences f overlaps, how many words
// are on the word lists and the sum of the words' absolute valences.
func (f *Fragment) sentenceWords() (listed int, valence float64) {
	d := f.Doc
	k, l := f.sentences()
	if k == l {
		return 0, 0
	}
	a, _ := d.SentenceWords(k)
	_, b := d.SentenceWords(l - 1)
	for _, w := range f.Words.Words[a:b] {
		if w.Lex != 0 || w.Phrase != 0 {
			listed++
		}
		if w.Rated {
			valence += max(w.Valence, -w.Valence)
		}
	}
	return listed, valence
}
