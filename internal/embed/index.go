package embed

import (
	"hash/maphash"
	"math/bits"

	"unspun/internal/lexicon"
)

// A table's words are found by an index of its own rather than a
// map[string]int32.
//
// # Why not a map
//
// The vocabulary is 100,000 words, built into an index every time a model
// is read, and a map that size cost a one-article analysis 18 million
// instructions (3%) to build and 6.5 MB of memory, and gave the garbage
// collector 100,000 string keys to visit in every cycle. This index is
// one slice of integers beside the words' text: no pointers, nothing to
// visit, one allocation. A look-up reads one 8-byte slot and then, when
// the slot's tag matches, the word's two end offsets and its bytes.
//
// # Layout
//
// The words are one string, text, row after row; ends[r] is where row r's
// word ends. The index, slots, is open addressing with linear probing
// over a power of two of slots, at most half of them full. A slot is 0
// when empty; otherwise its low 32 bits are the row plus one and its high
// 32 bits the high half of the word's hash, so that a probe meeting
// another word almost always rejects it on the tag without reading that
// word.

// setWords makes the words in text, ending at ends, the table's rows and
// indexes them. It returns the first word that appears twice, with ok
// false.
func (v *Vectors) setWords(text string, ends []uint32) (dup string, ok bool) {
	v.text, v.ends = text, ends
	v.seed = maphash.MakeSeed()
	v.slots = make([]uint64, 1<<bits.Len(uint(2*len(ends)))) // > 2n: at most half full
	for r := range ends {
		if w := v.Word(r); v.insert(w, r) != r {
			return w, false
		}
	}
	return "", true
}

// find returns the row of w, or -1.
func (v *Vectors) find(w string) int {
	if len(v.slots) == 0 {
		return -1
	}
	r, _ := v.probe(w, maphash.String(v.seed, w))
	return r
}

// probe returns the row of w, whose hash is h, or -1 and the empty slot
// where w would go.
func (v *Vectors) probe(w string, h uint64) (row int, free uint64) {
	tag, mask := h>>32, uint64(len(v.slots)-1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := v.slots[i]
		if s == 0 {
			return -1, i
		}
		if s>>32 == tag {
			if r := int(uint32(s)) - 1; v.Word(r) == w {
				return r, 0
			}
		}
	}
}

// insert records that w is at row, unless w is already in the index: it
// returns the row w has then, or row.
func (v *Vectors) insert(w string, row int) int {
	h := maphash.String(v.seed, w)
	r, free := v.probe(w, h)
	if r >= 0 {
		return r
	}
	v.slots[free] = h>>32<<32 | uint64(uint32(row+1))
	return row
}

// LookupEach sets rows[k] to the row of words[k], as Lookup finds it, or
// -1; rows must be as long as words. Words looked up together have their
// first reads of the index issued together, so that the processor waits
// on memory for a batch of them at once rather than for each in turn (a
// look-up in a 100,000-word index is mostly that wait).
func (v *Vectors) LookupEach(words []string, rows []int32) {
	if v == nil || len(v.slots) == 0 {
		for k := range words {
			rows[k] = -1
		}
		return
	}
	const batch = 16
	var hs, first [batch]uint64
	mask := uint64(len(v.slots) - 1)
	for lo := 0; lo < len(words); lo += batch {
		ws := words[lo:min(lo+batch, len(words))]
		for k, w := range ws {
			hs[k] = maphash.String(v.seed, w)
			first[k] = v.slots[hs[k]&mask]
		}
		for k, w := range ws {
			rows[lo+k] = int32(v.lookup(w, hs[k], first[k]))
		}
	}
}

// lookup is Lookup of w, whose hash is h and whose first slot in the
// index holds first, returning -1 when it is not found. The index must
// not be empty.
func (v *Vectors) lookup(w string, h, first uint64) int {
	if first != 0 { // an empty first slot: not there as written
		if r, _ := v.probe(w, h); r >= 0 {
			return r
		}
	}
	if n := lexicon.Lower(w); n != w {
		return v.find(n)
	}
	return -1
}
