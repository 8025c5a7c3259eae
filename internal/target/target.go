// Package target finds who is being labelled: for a fragment that calls
// someone names or uses loaded language, the entity the label attaches to
// ("The dictators in Iran" → "Iran"; "Obama's reckless appeasement" →
// "Obama"; "its minions" → whatever "its" refers to).
//
// It works by rules over the words around the fragment in its sentence,
// the way a reader finds the target: a name the fragment is built on, a
// possessor right before it, a name it is "of" or "in", a name in
// apposition, the noun an attributive adjective modifies ("a [foolish]
// mistake"), the object of a labelling verb ("called the deal [a
// surrender]"), the subject of "X is <label>" (a name, or a common noun
// phrase opening its clause), and for a possessive pronoun the nearest
// name before it. Names are runs of capitalised words; no
// list of particular names or articles is used. When no rule applies the
// target is "" (the label attaches to no entity the text names nearby).
package target

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"unspun/internal/doc"
	"unspun/internal/lexicon"
)

// lookBack is how many sentences before the fragment's are searched for
// the name a pronoun refers to.
const lookBack = 2

// name is a run of capitalised words: word indices [i, j) in the
// document; possessive when its last word ends in "'s".
type name struct {
	i, j       int
	possessive bool
}

// Finder finds targets in one document. It is read-only after New and
// safe for concurrent use.
type Finder struct {
	d *doc.Document
	// names are the words (possessive stripped) seen capitalised where
	// capitals mean a name: not opening a sentence or a quotation, not in
	// a headline. A capitalised word in those places is a name only if it
	// is one of these: "Crooked Hillary" opening a sentence is "Hillary".
	names map[string]bool
	// headline marks the sentences in title case, for those with a
	// capitalised word New had to judge; the others are judged when asked
	// (isHeadline).
	headline []int8 // headlineUnknown, 0 or 1
	// lowered are the words the document also writes in lower case: a
	// capitalised or all-capitals one in a place where capitals say
	// nothing ("HUGE", a headline's "Black Death" beside "black death")
	// is not a name.
	lowered map[string]bool
}

// New prepares a Finder for d.
func New(d *doc.Document) *Finder {
	// lowered is sized for about half the words, the share starting in
	// lower case: growing it was a third of building it.
	f := &Finder{d: d, names: map[string]bool{}, lowered: make(map[string]bool, len(d.Words)/4), headline: make([]int8, len(d.Sentences))}
	for _, w := range d.Words {
		if r, _ := utf8.DecodeRuneInString(w.Text); unicode.IsLower(r) {
			f.lowered[w.Text] = true
		}
	}
	for si := range d.Sentences {
		wi, wj := d.SentenceWords(si)
		// Whether the sentence is in title case matters only when it has
		// a word that would be a name: judging every sentence was most
		// of New.
		f.headline[si] = headlineUnknown
		for k := wi; k < wj; k++ {
			if w := d.Words[k].Text; lexicon.IsCapitalised(w) && !opensClause(d, k, wi) && !isShouted(w) {
				if f.headline[si] == headlineUnknown {
					f.headline[si] = 0
					if lexicon.IsTitleCase(doc.TextsOf(d.Words[wi:wj])) {
						f.headline[si] = 1
						break
					}
				}
				f.names[lexicon.Possessor(w)] = true
			}
		}
	}
	return f
}

// Find is New(d).Find(start, end), for a single fragment.
func Find(d *doc.Document, start, end int) string { return New(d).Find(start, end) }

// Find returns the target of the fragment [start, end) (code points), or
// "" when none is found.
func (f *Finder) Find(start, end int) string {
	d := f.d
	si := d.SentenceAt(start)
	if si < 0 || end <= start {
		return ""
	}
	wi, wj := d.SentenceWords(si)
	fi, fj := d.WordsIn(start, end)
	if fi >= fj {
		return ""
	}
	names := f.namesIn(si, wi, wj)
	text := func(n name) string { return nameText(d, n) }

	// A name inside the fragment: a possessor ("Trump's biases"), else the
	// last one, the head ("Crooked Hillary") or the group the head
	// belongs to ("BDS provocateurs").
	inside := -1
	for k, n := range names {
		if n.i >= fi && n.j <= fj {
			if n.possessive {
				return text(n)
			}
			inside = k
		}
	}
	if inside >= 0 {
		return text(names[inside])
	}
	// A possessor right before it: "Obama's [reckless appeasement]".
	for _, n := range names {
		if n.j == fi && n.possessive {
			return text(n)
		}
	}
	// "of/in/from … Name" right after it (or at its end): "The dictators
	// in" Iran, "puppets of the Kremlin".
	k := -1
	if prepositions[lower(d, fj-1)] {
		k = fj
	} else if fj < wj && prepositions[lower(d, fj)] {
		k = fj + 1
	}
	if k >= 0 {
		for k < wj && determiners[lower(d, k)] {
			k++
		}
		if n, ok := nameAt(names, k); ok {
			return text(n)
		}
	}
	// Apposition: "Name, [label]", "Name: [label]", "[label], Name"; the
	// label a noun phrase (it opens with a determiner or is short), not a
	// clause of its own.
	if fi-2 >= wi && isComma(d.Words[fi-1].Text) && (determiners[lower(d, fi)] || fj-fi <= 3) {
		if n, ok := nameEndingAt(names, fi-1); ok {
			return text(n)
		}
	}
	if fi-3 >= wi && isComma(d.Words[fi-2].Text) && determiners[lower(d, fi-1)] {
		if n, ok := nameEndingAt(names, fi-2); ok {
			return text(n)
		}
	}
	if fj+1 < wj && isComma(d.Words[fj].Text) {
		if n, ok := nameAt(names, fj+1); ok && (n.j == wj || !isLowerWord(d, n.j) || n.j+1 >= wj) {
			return text(n)
		}
	}
	// A name right after it: "the corrupt senator" Smith.
	if n, ok := nameAt(names, fj); ok {
		return text(n)
	}
	// An adjective before the noun it modifies: "[less glamorous]
	// illegal aliens", "a [foolish] mistake by".
	if np := f.nounAfter(fi, fj, wi, wj); np != "" {
		return np
	}
	// A possessive pronoun: "its minions", "their [lies]".
	for k := max(wi, fi-1); k < fj && k <= fi; k++ {
		if possessivePronouns[lower(d, k)] {
			return f.nearestBefore(si, k, names)
		}
	}
	// The word before the fragment, past opening quotation marks:
	// "Mueller is ‘[looking for trouble]’".
	before := fi - 1
	for before >= wi && isOpeningQuote(d.Words[before].Text) {
		before--
	}
	if t, ok := f.labelObject(si, before, wi, names); ok {
		return t
	}
	// "Name is/are [label]": the subject of the sentence.
	k = before
	for k >= wi && (determiners[lower(d, k)] || hedges[lower(d, k)]) {
		k--
	}
	if k >= wi && copulas[lower(d, k)] {
		if k-1 >= wi && personalPronouns[lower(d, k-1)] {
			return f.nearestBefore(si, k-1, names)
		}
		// A noun phrase of common nouns right before the copula and its
		// auxiliaries: "this process has been [a total sham]".
		if np := f.nounBefore(k, wi); np != "" {
			return np
		}
		// The first name of the clause the copula ends.
		b := k - 1
		for b >= wi && !clauseBounds[lower(d, b)] {
			b--
		}
		for _, n := range names {
			if n.i > b && n.j <= k {
				return text(n)
			}
		}
	}
	// "Name [has] <verb …>": a fragment that opens with a verb phrase
	// right after a name labels what the name does.
	k = before
	for k >= wi && auxiliaries[lower(d, k)] {
		k--
	}
	if isLowerWord(d, fi) && !determiners[lower(d, fi)] && !possessivePronouns[lower(d, fi)] {
		if n, ok := nameEndingAt(names, k+1); ok && !n.possessive {
			return text(n)
		}
	}
	return ""
}

// nounAfter returns the noun a fragment [fi, fj) of one or two words
// ending in an attributive adjective modifies: the lower-case content word
// right after it (past a closing quotation mark and one more adjective:
// "[less glamorous] illegal aliens", "a [foolish] mistake"). An adjective
// after a copula or an auxiliary is predicative ("was [outrageous]") and
// modifies nothing after it. "" when there is none.
func (f *Finder) nounAfter(fi, fj, wi, wj int) string {
	d := f.d
	if fj-fi > 2 || !lexicon.LooksAdjective(lower(d, fj-1)) {
		return ""
	}
	if fi > wi && (copulas[lower(d, fi-1)] || auxiliaries[lower(d, fi-1)]) {
		return ""
	}
	k := fj
	for k < wj && isClosingQuote(d.Words[k].Text) {
		k++
	}
	e := k
	if e+1 < wj && isContentWord(d, e) && lexicon.LooksAdjective(lower(d, e)) && isContentWord(d, e+1) {
		e++
	}
	if e >= wj || !isContentWord(d, e) {
		return ""
	}
	return d.Slice(d.Words[k].Start, d.Words[e].End)
}

// labelObject returns the object of a labelling verb that a fragment
// after word before (its last word) labels: "called X [a traitor]",
// "branded them [thugs]", "called the deal [a surrender]"; ok is false
// when before ends no such object.
func (f *Finder) labelObject(si, before, wi int, names []name) (target string, ok bool) {
	d := f.d
	k := before
	if k-1 < wi {
		return "", false
	}
	if determiners[lower(d, k)] && k-1 >= wi { // "called him a [traitor]"
		k--
	}
	if lower(d, k) == "as" && k-1 >= wi {
		k--
	}
	if n, ok := nameEndingAt(names, k+1); ok && k-(n.j-n.i) >= wi && lexicon.IsLabelVerb(lower(d, n.i-1)) {
		return nameText(d, n), true
	}
	if objectPronouns[lower(d, k)] && k-1 >= wi && lexicon.IsLabelVerb(lower(d, k-1)) && !f.isHeadline(si) {
		// "Jones called him": not Jones, the verb's subject.
		limit := k - 1
		if n, ok := nameEndingAt(names, limit); ok {
			limit = n.i
		}
		return f.nearestBefore(si, limit, names), true
	}
	// A common-noun object: "called the deal [a disgraceful surrender]".
	if b := f.determiner(k, wi); b >= 0 && b-1 >= wi && lexicon.IsLabelVerb(lower(d, b-1)) {
		return d.Slice(d.Words[b+1].Start, d.Words[k].End), true
	}
	return "", false
}

// determiner returns the index of the determiner or possessive that opens
// a noun phrase of one to three lower-case content words ending at word e
// ("the whole deal", "its plan"), or -1.
func (f *Finder) determiner(e, wi int) int {
	d := f.d
	b := e
	for b >= wi && b > e-3 && isContentWord(d, b) {
		b--
	}
	if b == e || b < wi || !(determiners[lower(d, b)] || possessivePronouns[lower(d, b)]) {
		return -1
	}
	return b
}

// nounBefore returns the noun phrase that ends right before word k (past
// auxiliaries: "has been"), when it opens its clause with a determiner or
// possessive followed by lower-case content words ("this process", "and
// the whole deal"); "" otherwise.
func (f *Finder) nounBefore(k, wi int) string {
	d := f.d
	e := k - 1
	for e >= wi && (auxiliaries[lower(d, e)] || isAdverb(lower(d, e))) {
		e--
	}
	b := f.determiner(e, wi)
	if b < 0 {
		return ""
	}
	// The phrase must open its clause: after a preposition or a verb
	// ("the attack on the US embassy this week was") it is not the
	// subject.
	if b > wi && !clauseBounds[lower(d, b-1)] && !conjunctions[lower(d, b-1)] {
		return ""
	}
	return d.Slice(d.Words[b+1].Start, d.Words[e].End)
}

// isAdverb reports whether a lowercased word is an adverb that can stand
// between a subject and its verb ("the company reportedly was"): a hedge,
// or one in -ly (not "family", "supply", "rally").
func isAdverb(w string) bool { return hedges[w] || lexicon.LooksAdverb(w) }

// isContentWord reports whether word k is a lower-case word that is not
// a function word: a noun, verb, adjective or adverb.
func isContentWord(d *doc.Document, k int) bool {
	return isLowerWord(d, k) && isWord(d.Words[k].Text) && !lexicon.FunctionWord(lower(d, k)) && lexicon.Function(lower(d, k)) == lexicon.NotFunction
}

// isOpeningQuote and isClosingQuote report whether a token is a quotation
// mark that can open or close a quotation, single marks included: a label
// in scare quotes ("Mueller is ‘[looking for trouble]’") has its target
// outside them. (doc's quoted-speech regions leave single marks out,
// which are too often apostrophes to delimit speech.)
func isOpeningQuote(w string) bool { return w == "\"" || w == "“" || w == "‘" || w == "'" }

func isClosingQuote(w string) bool { return w == "\"" || w == "”" || w == "’" || w == "'" }

// nearestBefore returns the last name before word k in sentence si, or in
// the lookBack sentences before it.
func (f *Finder) nearestBefore(si, k int, names []name) string {
	d := f.d
	for _, n := range reverse(names) {
		if n.j <= k {
			return nameText(d, n)
		}
	}
	for s := si - 1; s >= 0 && s >= si-lookBack; s-- {
		wi, wj := d.SentenceWords(s)
		if ns := f.namesIn(s, wi, wj); len(ns) > 0 {
			return nameText(d, ns[len(ns)-1])
		}
	}
	return ""
}

func reverse(ns []name) []name {
	out := make([]name, len(ns))
	for i, n := range ns {
		out[len(ns)-1-i] = n
	}
	return out
}

func nameAt(names []name, i int) (name, bool) {
	for _, n := range names {
		if n.i == i {
			return n, true
		}
	}
	return name{}, false
}

func nameEndingAt(names []name, j int) (name, bool) {
	for _, n := range names {
		if n.j == j {
			return n, true
		}
	}
	return name{}, false
}

// namesIn finds the names among words [wi, wj) of sentence si.
func (f *Finder) namesIn(si, wi, wj int) []name {
	d := f.d
	var out []name
	for k := wi; k < wj; {
		if !f.isNameWord(si, k, wi) {
			k++
			continue
		}
		n := name{i: k, j: k + 1}
		for n.j < wj && !isPossessive(d.Words[n.j-1].Text) {
			switch {
			case f.isNameWord(si, n.j, wi):
				n.j++
				continue
			case lower(d, n.j) == "of" && n.j+1 < wj && f.isNameWord(si, n.j+1, wi):
				n.j += 2
				continue
			}
			break
		}
		n.possessive = isPossessive(d.Words[n.j-1].Text)
		out = append(out, n)
		k = n.j
	}
	return out
}

// isNameWord reports whether word k of sentence si (starting at word wi)
// can be part of a name: capitalised, not a common word, not glued to a
// lower-case word by a hyphen ("anti-Israel" is an adjective), and where
// capitals say nothing (a sentence's or quotation's first word, a
// headline) one the document capitalises elsewhere.
func (f *Finder) isNameWord(si, k, wi int) bool {
	d := f.d
	w := d.Words[k].Text
	if !lexicon.IsCapitalised(w) {
		return false
	}
	base := lexicon.Possessor(w)
	if commonWords[strings.ToLower(base)] || base == "I" {
		return false
	}
	if k > wi {
		prev := d.Words[k-1]
		if (prev.Text == "-" || prev.Text == "‐") && prev.End == d.Words[k].Start {
			return false
		}
	}
	if isShouted(base) && len([]rune(base)) > 1 && f.lowered[strings.ToLower(base)] {
		return false
	}
	if f.isHeadline(si) || opensClause(d, k, wi) {
		return f.names[base] && !f.lowered[strings.ToLower(base)]
	}
	return true
}

// isShouted reports whether w is in capitals throughout ("HUGE", "FBI").
func isShouted(w string) bool {
	n := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n > 1
}

// opensClause reports whether word k opens its sentence (starting at word
// wi) or a quotation, where any word is capitalised.
func opensClause(d *doc.Document, k, wi int) bool {
	if k == wi {
		return true
	}
	switch w := d.Words[k-1].Text; w {
	case "(", ":", "—", "–", "[":
		return true
	default:
		return isOpeningQuote(w)
	}
}

func nameText(d *doc.Document, n name) string {
	s := d.Slice(d.Words[n.i].Start, d.Words[n.j-1].End)
	return lexicon.Possessor(s)
}

func isPossessive(w string) bool { return lexicon.Possessor(w) != w }

func isWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsLetter(r)
}

func isLowerWord(d *doc.Document, k int) bool {
	if k >= len(d.Words) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(d.Words[k].Text)
	return unicode.IsLower(r)
}

func isComma(w string) bool { return w == "," || w == ":" || w == "—" || w == "–" }

func lower(d *doc.Document, k int) string {
	if k < 0 || k >= len(d.Words) {
		return ""
	}
	return strings.ToLower(d.Words[k].Text)
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

var (
	prepositions       = set("of in from at inside within against toward towards by")
	determiners        = set("the a an this that these those such")
	hedges             = set("so just simply nothing but truly really merely clearly obviously still also now nothing more than no less than")
	copulas            = set("is are was were be been being am remains remain became become becomes seems seem")
	possessivePronouns = set("its his her their")
	// personalPronouns stand for a person or group; "it was [a disaster]" is
	// mostly an expletive or a thing, not a name before it.
	personalPronouns = set("he she they")
	objectPronouns   = set("him her them")
	auxiliaries      = set("has have had was were is are will would could should can may might must did does do also often still never always already just then now repeatedly again")
	clauseBounds     = set(", ; : — – that which who whom because when while if although though")
	conjunctions     = set("and but or yet so")
	// commonWords are closed-class and frequent words that are
	// capitalised only because they open a sentence or a quotation.
	commonWords = set(`the a an this that these those it its he his she her they their them we our us you your
		my me in on at for but and or so if when while as after before since yet even still now then there
		here what who whom whose why how which where no not all some many most much more such despite
		although though because with without from by of to under over into onto about against between among
		through during until unless whether also only just both either neither each every any other another
		one two three first last next new old is are was were be been has have had do does did will would can
		could should may might must shall let yes well oh mr mrs ms dr monday tuesday wednesday thursday friday
		saturday sunday january february march april june july august september october november december
		jan feb mar apr jun jul aug sep sept oct nov dec`)
)

// Matches reports whether a found target agrees with an annotated one:
// gold lists acceptable names separated by "|"; a name matches when,
// lower-cased and without a possessive "'s" or a leading "the", the words
// of one contain the other's.
func Matches(found, gold string) bool {
	f := matchWords(found)
	if len(f) == 0 {
		return false
	}
	for _, g := range strings.Split(gold, "|") {
		if gw := matchWords(g); len(gw) > 0 && (containsAll(f, gw) || containsAll(gw, f)) {
			return true
		}
	}
	return false
}

func matchWords(s string) []string {
	ws := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '’' && r != '\''
	})
	out := ws[:0]
	for i, w := range ws {
		w = lexicon.Possessor(w)
		if w == "" || (i == 0 && w == "the") {
			continue
		}
		out = append(out, w)
	}
	return out
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// headlineUnknown marks a sentence New did not need to judge.
const headlineUnknown = -1

// isHeadline reports whether sentence si is in title case, judging it
// now when New did not (without storing it: a Finder is read-only).
func (f *Finder) isHeadline(si int) bool {
	if h := f.headline[si]; h != headlineUnknown {
		return h == 1
	}
	wi, wj := f.d.SentenceWords(si)
	return lexicon.IsTitleCase(doc.TextsOf(f.d.Words[wi:wj]))
}
