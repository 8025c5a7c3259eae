// Package words builds the table of what the models know about each word
// of one document: its normalised form and stem, its lexicon lists and
// valence, and its row in the word vectors. It is built once per document
// and read by the span taggers (si), the technique classifier (tc) and
// their cues, so that these language facts are computed in one place and
// each word is looked up in the lexicons and the vectors once.
package words

import (
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
}

// New builds the table of d's words; vecs may be nil.
func New(d *doc.Document, vecs Vectors) *Table {
	t := &Table{Words: make([]Word, len(d.Words))}
	lowers := make([]string, len(d.Words))
	// A word seen before in the document copies its facts: most tokens
	// of an article repeat an earlier one, and one map look-up here spares
	// three in the lexicons and the vectors.
	seen := make(map[string]int32, len(d.Words)/3+1)
	for i, w := range d.Words {
		l := lexicon.Lower(w.Text)
		lowers[i] = l
		if j, ok := seen[l]; ok {
			t.Words[i] = t.Words[j]
			continue
		}
		seen[l] = int32(i)
		x := &t.Words[i]
		x.Type = int32(i)
		x.Lower = l
		x.Stem = lexicon.Stem(l)
		x.IsWord = lexicon.IsWord(l)
		x.Lex = lexicon.Word(l)
		x.Superlative = lexicon.LooksSuperlative(l)
		x.Valence, x.Rated = lexicon.Valence(l)
		x.Vec = -1
		if vecs != nil {
			if r, ok := vecs.Lookup(l); ok {
				x.Vec = int32(r)
			}
		}
	}
	lexicon.Phrases(lowers, func(m lexicon.Match) {
		for k := m.Start; k < m.End; k++ {
			t.Words[k].Phrase |= m.Kind
		}
	})
	return t
}
