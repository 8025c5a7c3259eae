// Package lang decides whether a paragraph is English, so that unspun
// analyses only the text its models were trained on (the Propaganda
// Techniques Corpus is English news). A paragraph in another language
// would otherwise be tagged by a model that cannot read it: a Persian
// tweet embedded in an English article came out as Loaded language.
//
// The decision is made in three steps, cheapest first:
//
//  1. Script. Letters are counted by Unicode script, leaving out web
//     addresses and @handles (an embedded post's Latin link and handle
//     must not outvote its Persian text). A paragraph whose letters are
//     mostly not Latin is not English, whatever its length.
//  2. English function words. A Latin paragraph where at least
//     MinFunctionShare of the words are common English function words
//     ("the", "of", "and", "was", …) is English. Almost every English
//     paragraph passes here, so the library below rarely runs.
//  3. Language identification by github.com/abadojack/whatlanggo
//     (trigram profiles of 84 languages; for Latin script, the 25 with
//     a sizeable news press), only for a paragraph of at
//     least MinWords words, and believed only when it names a language
//     other than English with confidence at least MinConfidence.
//
// Anything shorter or less certain is taken to be English: a headline, a
// byline, a name or "Advertisement" must never be dropped as foreign.
//
// # Passages
//
// IdentifyLines judges the lines of an article together. A foreign
// passage runs over several lines, and its short lines are the ones
// trigram statistics are least sure of, or too short to ask about: a
// Portuguese line whose best guess is Portuguese, with confidence 0.25,
// and a three-word Portuguese heading are still English to Identify.
// IdentifyLines takes such a line as that language when a line next to
// it was judged to be in the same one. Measured on the 400 unlabeled news
// articles, this finds 45 more foreign paragraphs in 10 articles (Portuguese,
// Romanian, French, Polish, Dutch, German, Italian; every one read) and no
// English one; on the 371 corpus articles it changes nothing.
//
// # Articles
//
// A whole article in another language is judged once, not line by line:
// when at least half of its words are in at least MinArticleLines long
// lines that fail the function-word test, at most a quarter in long lines
// that pass it, and its words together fail it too, the
// library is asked about its longest such line, and a confident answer
// is the language of every line with words but those in another script
// and those that pass the test, about which the library is asked in turn
// (an English passage quoted in the article, or a line whose words its
// language shares with English). Asking about each line took 23 ms for a
// long Portuguese article of the unlabeled set (0.6 ms judged as one),
// and left its short lines and those sharing English words to the models,
// which found propaganda in them ("a prazo ficaram estáveis" as Name
// calling). Measured on the 400 unlabeled articles, 8 are judged as
// articles in another language, every line with words of each then
// skipped; on the 371 corpus articles it changes nothing.
package lang

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"

	"unspun/internal/lexicon"
)

// MinWords is the fewest words a Latin-script paragraph needs before
// language identification is asked about it. Below it, trigram statistics
// misjudge English headlines and name lists as Portuguese or Afrikaans
// (measured on the corpus: see MODEL.md and the package test).
const MinWords = 8

// MinConfidence is the least confidence of whatlanggo's judgement that a
// Latin-script paragraph is in another language for it to be skipped.
const MinConfidence = 0.95

// MinFunctionShare is the share of a paragraph's words that must be common
// English function words for it to count as English without asking the
// library. English news prose has about a third; other Latin-script
// languages share only a few of these words with English.
const MinFunctionShare = 0.12

// maxProbe is how much of a paragraph (in bytes) the library reads: a few
// hundred characters decide a language as well as a whole paragraph does,
// at a fraction of the time.
const maxProbe = 300

// Judgement is what Identify decided about one text.
type Judgement struct {
	// English is false only when the text is confidently not English.
	English bool
	// Language names the language ("English", "Persian", "Polish", …) or,
	// for a script whose language is not known, the script ("Thai
	// script").
	Language string
	// Reason says, in plain words, why the text is not English ("written
	// in Arabic script"); "" for English text.
	Reason string
	// unsure marks English text the library found likelier to be in
	// another language, guess, although with confidence below
	// MinConfidence: IdentifyLines reads them; Identify clears them.
	unsure     bool
	guess      whatlanggo.Lang
	confidence float64
	// short marks Latin text of too few words to judge alone, which
	// IdentifyLines asks the library about next to a foreign line.
	short bool
}

// Identify judges whether text is English. See the package comment for
// the rules; it never fails.
func Identify(text string) Judgement {
	return identify(text).settled()
}

// settled is j as callers see it: an English judgement without the
// library's unconfident guess or the short-line mark.
func (j Judgement) settled() Judgement {
	if j.unsure || j.short {
		return english
	}
	return j
}

// identify is Identify, keeping the library's unconfident guess.
func identify(text string) Judgement { return judge(text, scan(text).counts()) }

// judge is identify on text whose counts are st.
func judge(text string, st counts) Judgement {
	if st.letters == 0 {
		return english
	}
	if st.otherScript() {
		i := int(st.script)
		name := scriptName(i)
		j := Judgement{Language: name + " script", Reason: "written in " + name + " script"}
		info := whatlanggo.Detect(probe(stripLinks(text)))
		if i < len(scripts) && info.Script == scripts[i].table && info.Lang >= 0 {
			j.Language = info.Lang.String()
		}
		return j
	}
	if st.lower < MinWords {
		if st.words == 0 {
			return english
		}
		j := english
		j.short = true
		return j
	}
	if st.englishShare() {
		return english
	}
	info := detectLatin(text)
	if info.Script != unicode.Latin || info.Lang < 0 || info.Lang == whatlanggo.Eng {
		return english
	}
	if info.Confidence < MinConfidence {
		j := english
		j.unsure, j.guess, j.confidence = true, info.Lang, info.Confidence
		return j
	}
	name := info.Lang.String()
	return Judgement{
		Language: name,
		Reason:   fmt.Sprintf("few English words; identified with confidence %.2f", info.Confidence),
	}
}

var english = Judgement{English: true, Language: "English"}

// IdentifyLines judges each of lines as Identify does, and then takes an
// English line as another language when the nearest non-blank line
// before or after it was judged to be in that language and the library's
// best guess for the line is that language too, although not confidently
// or, for a line of fewer than MinWords words, at any confidence (see
// "Passages" in the package comment). Such a line then joins its
// neighbour's passage, and may in turn carry the one after it.
func IdentifyLines(lines []string) []Judgement {
	// Each line is scanned once, for both the article's judgement and
	// its own.
	cs := make([]counts, len(lines))
	for i, l := range lines {
		cs[i] = scan(l).counts()
	}
	if js, ok := identifyArticle(lines, cs); ok {
		return js
	}
	// Lines repeated in the text are judged once: the library's fixed
	// cost per call (a third of a millisecond) made a 2 MB text of one
	// line repeated take seconds.
	seen := make(map[string]Judgement)
	js := make([]Judgement, len(lines))
	for i, l := range lines {
		j, ok := seen[l]
		if !ok {
			j = judge(l, cs[i])
			seen[l] = j
		}
		js[i] = j
	}
	type guess struct {
		lang       whatlanggo.Lang
		confidence float64
	}
	asked := make(map[string]guess) // short lines, by text
	blank := func(i int) bool { return strings.TrimSpace(lines[i]) == "" }
	// near returns the language of the nearest non-blank line from i in
	// step direction when it is foreign, else "".
	near := func(i, step int) string {
		for k := i + step; k >= 0 && k < len(lines); k += step {
			if !blank(k) {
				if js[k].English {
					return ""
				}
				return js[k].Language
			}
		}
		return ""
	}
	// Sweeps alternate in direction, so that a passage carried line by
	// line up the article takes one sweep, as one carried down does: a
	// sweep in one direction only needed one sweep a line, quadratic in
	// a long text.
	for pass, changed := 0, true; changed; pass++ {
		changed = false
		for k := range js {
			i := k
			if pass%2 == 1 {
				i = len(js) - 1 - k
			}
			j := &js[i]
			if !j.unsure && !j.short {
				continue
			}
			before, after := near(i, -1), near(i, 1)
			if before == "" && after == "" {
				continue
			}
			if j.short && !j.unsure {
				// Asked only now, next to a foreign line: short lines
				// are most of an article, and alone never judged.
				g, ok := asked[lines[i]]
				if !ok {
					info := detectLatin(lines[i])
					g = guess{info.Lang, info.Confidence}
					asked[lines[i]] = g
				}
				if g.lang < 0 || g.lang == whatlanggo.Eng {
					j.short = false
					continue
				}
				j.unsure, j.guess, j.confidence = true, g.lang, g.confidence
			}
			if g := j.guess.String(); g != before && g != after {
				continue
			}
			what := "few English words"
			if j.short {
				what = "a short line"
			}
			*j = Judgement{
				Language: j.guess.String(),
				Reason:   fmt.Sprintf("%s; identified with confidence %.2f, as the paragraph next to it was", what, j.confidence),
			}
			changed = true
		}
	}
	for i := range js {
		js[i] = js[i].settled()
	}
	return js
}

// MinArticleLines is the fewest lines of at least MinWords words without
// enough English function words that make an article, rather than a
// passage, in another language (see "Articles" in the package comment).
const MinArticleLines = 3

// identifyArticle judges lines as IdentifyLines does when they are an
// article in another language, and reports whether they are: at least
// half of its Latin-script words are in lines of at least MinWords words
// without MinFunctionShare English function words, at most a quarter in
// such lines with them, there are at least MinArticleLines of the first,
// its words taken together have fewer English function words than
// MinFunctionShare, and the library names a language other than English
// for the longest such line with confidence at least MinConfidence.
func identifyArticle(lines []string, cs []counts) ([]Judgement, bool) {
	var all counts // the article's Latin-script words and function words
	var candWords, passWords, cands int
	best := -1
	for i, l := range lines {
		st := cs[i]
		if st.otherScript() {
			continue
		}
		all.words += st.words
		all.function += st.function
		switch {
		case st.lower < MinWords:
		case st.englishShare():
			passWords += int(st.words)
		default:
			cands++
			candWords += int(st.words)
			if best < 0 || len(l) > len(lines[best]) {
				best = i
			}
		}
	}
	if words := int(all.words); cands < MinArticleLines || 2*candWords < words || 4*passWords > words || all.englishShare() {
		return nil, false
	}
	info := detectLatin(lines[best])
	if info.Script != unicode.Latin || info.Lang < 0 || info.Lang == whatlanggo.Eng || info.Confidence < MinConfidence {
		return nil, false
	}
	foreign := Judgement{
		Language: info.Lang.String(),
		Reason:   fmt.Sprintf("the article is in this language; identified with confidence %.2f", info.Confidence),
	}
	js := make([]Judgement, len(lines))
	// Lines repeated in the text are asked about once, as IdentifyLines
	// asks them.
	asked := make(map[string]Judgement)
	for i, st := range cs {
		if j, ok := asked[lines[i]]; ok {
			js[i] = j
			continue
		}
		switch {
		case st.otherScript():
			js[i] = judge(lines[i], st).settled() // another script: its own name
			asked[lines[i]] = js[i]
		case st.words == 0:
			js[i] = english // nothing in any language
		case st.lower >= MinWords && st.englishShare():
			// An English passage in the article, or a line whose words
			// the article's language shares with English (Polish "i",
			// "we", "to"; Portuguese "as", "do", "me"): the library
			// decides, its guess believed at any confidence when it is
			// the article's language.
			g := detectLatin(lines[i])
			switch {
			case g.Lang == info.Lang:
				js[i] = foreign
			case g.Lang >= 0 && g.Lang != whatlanggo.Eng && g.Confidence >= MinConfidence:
				js[i] = Judgement{
					Language: g.Lang.String(),
					Reason:   fmt.Sprintf("identified with confidence %.2f, in an article in %s", g.Confidence, foreign.Language),
				}
			default:
				js[i] = english
			}
			asked[lines[i]] = js[i]
		default:
			js[i] = foreign
		}
	}
	return js, true
}

// latinNews limits the library's Latin-script candidates to English and
// the languages with a sizeable news press: half the profiles to compare,
// and fewer rare languages (Hausa, Malagasy, Yoruba) for odd English to be
// mistaken for.
var latinNews = whatlanggo.Options{Whitelist: map[whatlanggo.Lang]bool{
	whatlanggo.Eng: true, whatlanggo.Spa: true, whatlanggo.Por: true, whatlanggo.Fra: true, whatlanggo.Deu: true,
	whatlanggo.Ita: true, whatlanggo.Nld: true, whatlanggo.Pol: true, whatlanggo.Ron: true, whatlanggo.Swe: true,
	whatlanggo.Dan: true, whatlanggo.Nob: true, whatlanggo.Fin: true, whatlanggo.Ces: true,
	whatlanggo.Hun: true, whatlanggo.Hrv: true, whatlanggo.Slv: true, whatlanggo.Tur: true, whatlanggo.Ind: true,
	whatlanggo.Vie: true, whatlanggo.Tgl: true, whatlanggo.Lit: true, whatlanggo.Lav: true,
	whatlanggo.Est: true, whatlanggo.Afr: true,
}}

// probe cuts s to about maxProbe bytes, on a rune boundary.
func probe(s string) string {
	if len(s) <= maxProbe {
		return s
	}
	i := maxProbe
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// stats are the counts Identify decides by, over the text outside web
// addresses and @handles (an embedded post's Latin link and handle must
// not outvote its Persian text, and are in no language).
type stats struct {
	// letters counts all letters, latin the Latin ones, other[i] those of
	// scripts[i] (the last entry: any other script).
	letters, latin int
	other          [len(scripts) + 1]int
	// words are runs of letters (and apostrophes); lower counts those
	// starting with a lower-case letter (capitalised words are mostly
	// names, which belong to no language: a title-case headline or a list
	// of names has too few of the others to judge); function counts the
	// English function words among them.
	words, lower, function int
}

// counts is what judge reads of a text's stats: of the letters of other
// scripts, only those of the most frequent one. It is what IdentifyLines
// keeps of every line.
type counts struct {
	letters, latin, words, lower, function int32
	other, script                          int32 // the most frequent other script's letters, and its index
}

// counts returns st's counts; a text of 2 GB or more is never scanned
// (analysis.MaxBytes).
func (st stats) counts() counts {
	n, i := st.mostOther()
	return counts{letters: int32(st.letters), latin: int32(st.latin), words: int32(st.words), lower: int32(st.lower),
		function: int32(st.function), other: int32(n), script: int32(i)}
}

// otherScript reports that most of the text's letters are of one script
// other than Latin.
func (st counts) otherScript() bool { return st.other > st.latin }

// englishShare reports that at least MinFunctionShare of the text's words
// are English function words.
func (st counts) englishShare() bool {
	return float64(st.function) >= MinFunctionShare*float64(st.words)
}

// detectLatin asks the library about text among English and the Latin
// languages with a news press, reading at most its first maxProbe bytes
// outside web addresses.
func detectLatin(text string) whatlanggo.Info {
	return whatlanggo.DetectWithOptions(probe(stripLinks(text)), latinNews)
}

func (st *stats) mostOther() (n, i int) {
	for k, c := range st.other {
		if c > n {
			n, i = c, k
		}
	}
	return n, i
}

// scan counts text's letters and words in one pass without allocating:
// it runs on every paragraph of every article.
func scan(text string) stats {
	var st stats
	for len(text) > 0 {
		i, size := nextSpace(text)
		tok := text
		if i >= 0 {
			tok, text = text[:i], text[i+size:]
		} else {
			text = ""
		}
		if tok == "" || lexicon.IsLink(tok) {
			continue
		}
		st.addToken(tok)
	}
	return st
}

// nextSpace returns the byte offset and size of the first white-space
// character of s, or -1; ASCII is decided without decoding.
func nextSpace(s string) (int, int) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiClass[c] == spaceClass {
				return i, 1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return i, size
		}
		i += size
	}
	return -1, 0
}

// The classes of ASCII bytes scan tells apart; any other byte is 0.
const (
	spaceClass = 1 + iota
	letterClass
)

var asciiClass = func() (c [utf8.RuneSelf]uint8) {
	for _, b := range " \n\t\r\v\f" {
		c[b] = spaceClass
	}
	for b := 'a'; b <= 'z'; b++ {
		c[b], c[b-'a'+'A'] = letterClass, letterClass
	}
	return c
}()

// addToken counts one white-space free token.
func (st *stats) addToken(tok string) {
	wordStart := -1
	for i := 0; i < len(tok); {
		if c := tok[i]; c < utf8.RuneSelf && asciiClass[c] == letterClass {
			// A run of ASCII letters counted at once: most of any
			// Latin text, and the step per letter was most of scanning.
			j := i + 1
			for j < len(tok) && tok[j] < utf8.RuneSelf && asciiClass[tok[j]] == letterClass {
				j++
			}
			st.letters += j - i
			st.latin += j - i
			if wordStart < 0 {
				wordStart = i
			}
			i = j
			continue
		}
		var letter bool
		r, size := rune(tok[i]), 1
		if r < utf8.RuneSelf {
			if letter = asciiClass[r] == letterClass; letter {
				st.letters++
				st.latin++
			}
		} else {
			r, size = utf8.DecodeRuneInString(tok[i:])
			if letter = unicode.IsLetter(r); letter {
				st.addLetter(r)
			}
		}
		switch {
		case letter:
			if wordStart < 0 {
				wordStart = i
			}
		case wordStart >= 0 && (r == '\'' || r == '’'):
			// inside a word: "don't"
		case wordStart >= 0:
			st.addWord(tok[wordStart:i])
			wordStart = -1
		}
		i += size
	}
	if wordStart >= 0 {
		st.addWord(tok[wordStart:])
	}
}

// addLetter counts a letter by script.
func (st *stats) addLetter(r rune) {
	st.letters++
	if r < 0x250 || unicode.Is(unicode.Latin, r) {
		st.latin++
		return
	}
	st.other[scriptOf(r)]++
}

// addWord counts a word (letters, possibly with inner apostrophes).
func (st *stats) addWord(w string) {
	w = trimApostrophes(w)
	if w == "" {
		return
	}
	st.words++
	if c := w[0]; c < utf8.RuneSelf {
		if c >= 'a' && c <= 'z' {
			st.lower++
		}
	} else if r, _ := utf8.DecodeRuneInString(w); unicode.IsLower(r) {
		st.lower++
	}
	// No function word is longer than maxFunctionWord bytes (with ’ as
	// three): most words are decided without a look-up.
	if len(w) > maxFunctionWord {
		return
	}
	var buf [maxFunctionWord]byte
	n := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 0x80:
			if !strings.HasPrefix(w[i:], "’") {
				return
			}
			c, i = '\'', i+len("’")-1
		}
		buf[n] = c
		n++
	}
	if isFunctionWord(buf[:n]) {
		st.function++
	}
}

// trimApostrophes drops the trailing ' and ’ of w ("students'").
func trimApostrophes(w string) string {
	for {
		switch {
		case strings.HasSuffix(w, "'"):
			w = w[:len(w)-1]
		case strings.HasSuffix(w, "’"):
			w = w[:len(w)-len("’")]
		default:
			return w
		}
	}
}

// stripLinks drops web addresses and handles before the library reads
// the text.
func stripLinks(text string) string {
	var b strings.Builder
	for _, tok := range strings.Fields(text) {
		if lexicon.IsLink(tok) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// scripts are the non-Latin scripts a letter is attributed to, the ones
// news text is written in; a letter of any other counts as the entry
// after the last.
var scripts = [...]struct {
	table *unicode.RangeTable
	name  string
}{
	{unicode.Arabic, "Arabic"}, {unicode.Cyrillic, "Cyrillic"}, {unicode.Han, "Chinese (Han)"},
	{unicode.Hiragana, "Japanese (Hiragana)"}, {unicode.Katakana, "Japanese (Katakana)"},
	{unicode.Hangul, "Korean (Hangul)"}, {unicode.Hebrew, "Hebrew"}, {unicode.Greek, "Greek"},
	{unicode.Devanagari, "Devanagari"}, {unicode.Bengali, "Bengali"}, {unicode.Thai, "Thai"},
	{unicode.Armenian, "Armenian"}, {unicode.Georgian, "Georgian"}, {unicode.Ethiopic, "Ethiopic"},
	{unicode.Tamil, "Tamil"}, {unicode.Gujarati, "Gujarati"}, {unicode.Gurmukhi, "Gurmukhi"},
	{unicode.Telugu, "Telugu"}, {unicode.Kannada, "Kannada"}, {unicode.Malayalam, "Malayalam"},
	{unicode.Sinhala, "Sinhala"}, {unicode.Khmer, "Khmer"}, {unicode.Myanmar, "Myanmar"},
	{unicode.Lao, "Lao"}, {unicode.Tibetan, "Tibetan"}, {unicode.Syriac, "Syriac"}, {unicode.Thaana, "Thaana"},
}

// scriptOf returns the index in scripts of r's script, len(scripts) for
// any other.
func scriptOf(r rune) int {
	for i, s := range scripts {
		if unicode.Is(s.table, r) {
			return i
		}
	}
	return len(scripts)
}

func scriptName(i int) string {
	if i < len(scripts) {
		return scripts[i].name
	}
	return "a non-Latin"
}

// maxFunctionWord is the length in bytes of the longest function word
// spelled with ’ ("doesn’t"); TestMaxFunctionWord checks it.
const maxFunctionWord = 9

// functionWords are frequent English function words that other
// Latin-script languages seldom use as words ("a", "in", "no", "on",
// "de" and "die" are left out: they are common in Romance or Germanic
// languages too), grouped by length and first letter: every word of
// every paragraph is looked up, and comparing against the one to four
// candidates of its group costs less than hashing it.
var functionWords = func() (g [maxFunctionWord + 1][26][]string) {
	for _, w := range strings.Fields(`the of and to is that for it with as be by at are his this from
		have has not but they was were had or which their been its we will would who said there you she her
		can about if when than them into what also our after these those could should been being
		him my your do does did over more most other such only just because while where how all any
		he i me us it's that's there's don't doesn't didn't isn't wasn't can't won't`) {
		if !slices.Contains(g[len(w)][w[0]-'a'], w) {
			g[len(w)][w[0]-'a'] = append(g[len(w)][w[0]-'a'], w)
		}
	}
	return g
}()

// isFunctionWord reports whether the lower-case ASCII word w (’ spelled
// ') is one of functionWords.
func isFunctionWord(w []byte) bool {
	if len(w) == 0 || len(w) > maxFunctionWord || w[0] < 'a' || w[0] > 'z' {
		return false
	}
	for _, f := range functionWords[len(w)][w[0]-'a'] {
		if f == string(w) {
			return true
		}
	}
	return false
}
