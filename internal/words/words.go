// Package words builds the table of what the models know about each word
// of one document: its normalised form and stem, its lexicon lists,
// valence and WordNet supersenses, and its row in the word vectors. It is built once per document
// and read by the span taggers (si), the technique classifier (tc) and
// their cues, so that these language facts are computed in one place and
// each word is looked up in the lexicons and the vectors once.
package words

import (
	"slices"
	"strings"

	"unspun/internal/doc"
	"unspun/internal/lexicon"
)

// Vectors finds a normalised word's row in a table of word vectors, as
// *embed.Vectors does.
type Vectors interface {
	Lookup(word string) (row int, ok bool)
}

// Word is what the table holds about one token of a document.
type Word struct {
	// Lower is the token normalised (lexicon.Lower): lower case, ’ as '.
	Lower string
	// Stem is Lower without its inflection (lexicon.Stem).
	Stem string
	// IsWord reports a letter or digit in the token (lexicon.IsWord):
	// false for punctuation.
	IsWord bool
	// Lex is the token's one-word lexicon lists, Phrase the lists of the
	// multi-word entries covering it.
	Lex, Phrase lexicon.Kind
	// Superlative reports a regular superlative (lexicon.LooksSuperlative).
	Superlative bool
	// Valence is the VADER valence when Rated.
	Valence float64
	Rated   bool
	// Senses are the word's WordNet supersenses (lexicon.WordSupersenses).
	Senses lexicon.Supersenses
	// Vec is the word's row in the vectors, -1 when it has none.
	Vec int32
	// Type is the index of the document's first word with this Lower:
	// two words are the same word exactly when their Types are equal, so
	// that counting words needs no map of strings.
	Type int32
}

// Table holds one Word per doc.Word of a document, in order.
type Table struct {
	Words []Word
	// Lower holds each Word's Lower, in the slice lexicon.Phrases reads.
	Lower []string

	seen map[string]int32 // Fill's first index of each Lower, kept for reuse
	// fresh, keys and rows are Fill's first token of each word type, its
	// Lower and its vector row, kept for reuse.
	fresh, rows []int32
	keys        []string
	touched     uint8 // see Known.touch
}

// Known is a table of word vectors with the facts New needs about its
// most frequent words computed once, when a model is loaded: a word of a
// document found among them is not stemmed, nor looked up in the
// lexicons, again. The facts are lexicon's, the same as New computes for
// any other word. It holds no pointers, so the collector does not read
// it. A Known is safe for concurrent use.
type Known struct {
	vecs  VocabVectors
	facts []known
}

// VocabVectors are Vectors that list their words, as *embed.Vectors does.
type VocabVectors interface {
	Vectors
	Len() int
	Word(row int) string
}

// known is what Known holds about one word. Its stem is its first
// stemLen bytes, followed by "y" when stemY.
type known struct {
	valence float64
	senses  lexicon.Supersenses
	lex     lexicon.Kind
	stemLen int32
	flags   uint8
}

const (
	knownSet uint8 = 1 << iota // the facts are filled in
	knownStemY
	knownIsWord
	knownSuperlative
	knownRated
)

// NewKnown computes the facts of vecs' first n words (the most frequent
// first, in embed's tables). A word whose stem is not one of the forms
// known stores (a prefix of the word, or a prefix and "y") is left out.
func NewKnown(vecs VocabVectors, n int) *Known {
	k := &Known{vecs: vecs, facts: make([]known, min(n, vecs.Len()))}
	for row := range k.facts {
		w := vecs.Word(row)
		f := &k.facts[row]
		switch st := lexicon.Stem(w); {
		case strings.HasPrefix(w, st):
			f.stemLen = int32(len(st))
		case strings.HasSuffix(st, "y") && strings.HasPrefix(w, st[:len(st)-1]):
			f.stemLen, f.flags = int32(len(st)-1), knownStemY
		default:
			continue
		}
		f.flags |= knownSet
		if lexicon.IsWord(w) {
			f.flags |= knownIsWord
		}
		if lexicon.LooksSuperlative(w) {
			f.flags |= knownSuperlative
		}
		var rated bool
		if f.valence, rated = lexicon.Valence(w); rated {
			f.flags |= knownRated
		}
		f.lex = lexicon.Word(w)
		f.senses = lexicon.WordSupersenses(w)
	}
	return k
}

// Lookup finds word's row, as the vectors do.
func (k *Known) Lookup(word string) (int, bool) { return k.vecs.Lookup(word) }

// fill sets x's facts from the word of row when k holds them, and
// reports whether it did; x.Lower must be that word.
// touch reads the facts of rows one after another, before fill needs
// them one at a time with a word's work between: reads issued together
// overlap their waits on memory, as embed.Vectors.LookupEach's do. The
// result only keeps the compiler from dropping the reads.
func (k *Known) touch(rows []int32) (sum uint8) {
	for _, r := range rows {
		if r >= 0 && int(r) < len(k.facts) {
			sum ^= k.facts[r].flags
		}
	}
	return sum
}

func (k *Known) fill(x *Word, row int) bool {
	if row >= len(k.facts) || k.facts[row].flags&knownSet == 0 || k.vecs.Word(row) != x.Lower {
		return false
	}
	f := &k.facts[row]
	x.Stem = x.Lower[:f.stemLen]
	if f.flags&knownStemY != 0 {
		x.Stem += "y"
	}
	x.IsWord = f.flags&knownIsWord != 0
	x.Lex = f.lex
	x.Superlative = f.flags&knownSuperlative != 0
	x.Valence, x.Rated = f.valence, f.flags&knownRated != 0
	x.Senses = f.senses
	return true
}

// New builds the table of d's words; vecs may be nil, or a *Known.
func New(d *doc.Document, vecs Vectors) *Table {
	t := new(Table)
	t.Fill(d, vecs)
	return t
}

// Fill makes t the table of d's words, as New does, reusing the memory t
// holds: an analysis that keeps its tables in a pool writes each article's
// words into memory the processor has in its caches, where a new table
// was memory the collector had freed long before (see "Concurrency" in
// ARCHITECTURE.md).
func (t *Table) Fill(d *doc.Document, vecs Vectors) {
	kn, _ := vecs.(*Known)
	n := len(d.Words)
	t.Words = slices.Grow(t.Words[:0], n)[:n]
	t.Lower = slices.Grow(t.Lower[:0], n)[:n]
	lowers := t.Lower
	// A word seen before in the document copies its facts: most tokens
	// of an article repeat an earlier one, and one map look-up here spares
	// three in the lexicons and the vectors. A map grown for a long text
	// is dropped rather than kept, as clearing it costs its size.
	if t.seen == nil || len(t.seen) > maxKeptSeen {
		t.seen = make(map[string]int32, n/3+1)
	} else {
		clear(t.seen)
	}
	seen := t.seen
	// The words are normalised and numbered first, and the new ones
	// looked up in the vectors together (eachLookup), before any word's
	// facts are filled in.
	t.fresh = t.fresh[:0]
	for i, w := range d.Words {
		l := lexicon.Lower(w.Text)
		lowers[i] = l
		if j, ok := seen[l]; ok {
			t.Words[i].Type = j
			continue
		}
		seen[l] = int32(i)
		t.Words[i].Type = int32(i)
		t.fresh = append(t.fresh, int32(i))
	}
	t.rows = slices.Grow(t.rows[:0], len(t.fresh))[:len(t.fresh)]
	if vecs != nil {
		t.keys = slices.Grow(t.keys[:0], len(t.fresh))[:len(t.fresh)]
		for k, i := range t.fresh {
			t.keys[k] = lowers[i]
		}
		eachLookup(vecs, t.keys, t.rows)
		clear(t.keys) // the strings are the document's
		if kn != nil {
			t.touched = kn.touch(t.rows)
		}
	}
	for k, i := range t.fresh {
		l := lowers[i]
		x := &t.Words[i]
		*x = Word{Type: i, Lower: l, Vec: -1}
		if vecs != nil {
			if r := t.rows[k]; r >= 0 {
				x.Vec = r
				if kn != nil && kn.fill(x, int(r)) {
					continue
				}
			}
		}
		x.Stem = lexicon.Stem(l)
		x.IsWord = lexicon.IsWord(l)
		x.Lex = lexicon.Word(l)
		x.Superlative = lexicon.LooksSuperlative(l)
		x.Valence, x.Rated = lexicon.Valence(l)
		x.Senses = lexicon.WordSupersenses(l)
	}
	for i := range t.Words {
		if j := t.Words[i].Type; int(j) != i {
			t.Words[i] = t.Words[j]
		}
	}
	lexicon.Phrases(lowers, func(m lexicon.Match) {
		for k := m.Start; k < m.End; k++ {
			t.Words[k].Phrase |= m.Kind
		}
	})
}

// eachLookup sets rows[k] to the vector row of words[k], or -1, as
// vecs.Lookup finds it: all at once when vecs can (embed.Vectors and a
// Known over them), so that the waits on memory overlap.
func eachLookup(vecs Vectors, words []string, rows []int32) {
	if k, ok := vecs.(*Known); ok {
		vecs = k.vecs
	}
	if b, ok := vecs.(interface{ LookupEach([]string, []int32) }); ok {
		b.LookupEach(words, rows)
		return
	}
	for k, w := range words {
		rows[k] = -1
		if r, ok := vecs.Lookup(w); ok {
			rows[k] = int32(r)
		}
	}
}

// maxKeptSeen is the most distinct words whose map Fill clears for the
// next document rather than making a new one: a long article's.
const maxKeptSeen = 1024
