package lexicon

import (
	"fmt"
	"hash/maphash"
	"math/bits"
	"strconv"
	"strings"
	"sync"
)

// Supersense is one of WordNet's 45 lexicographer files, the coarse
// classes its senses are filed under: noun.feeling, noun.person,
// verb.communication, verb.emotion, …. They say what kind of thing a word
// names, which the word vectors say only implicitly: a fear appeal names
// feelings and states, an appeal to authority people and acts of
// communication, flag-waving groups and places.
type Supersense uint8

// Supersenses is a set of Supersense, one bit each.
type Supersenses uint64

// NumSupersenses is how many supersenses there are (0 … NumSupersenses-1).
const NumSupersenses = 45

var supersenseNames = [NumSupersenses]string{
	"adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact",
	"noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling",
	"noun.food", "noun.group", "noun.location", "noun.motive", "noun.object", "noun.person",
	"noun.phenomenon", "noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation",
	"noun.shape", "noun.state", "noun.substance", "noun.time", "verb.body", "verb.change",
	"verb.cognition", "verb.communication", "verb.competition", "verb.consumption", "verb.contact",
	"verb.creation", "verb.emotion", "verb.motion", "verb.perception", "verb.possession", "verb.social",
	"verb.stative", "verb.weather", "adj.ppl",
}

// String returns WordNet's name of the lexicographer file ("noun.feeling").
func (s Supersense) String() string {
	if int(s) < len(supersenseNames) {
		return supersenseNames[s]
	}
	return "Supersense(" + strconv.Itoa(int(s)) + ")"
}

// Has reports whether x is in the set.
func (s Supersenses) Has(x Supersense) bool { return s&(1<<x) != 0 }

// Each calls fn for each supersense of the set, in order.
func (s Supersenses) Each(fn func(Supersense)) {
	for s != 0 {
		fn(Supersense(bits.TrailingZeros64(uint64(s))))
		s &= s - 1
	}
}

// String returns the names of the set's supersenses joined by "|", or
// "none".
func (s Supersenses) String() string {
	var parts []string
	s.Each(func(x Supersense) { parts = append(parts, x.String()) })
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "|")
}

// WordSupersenses returns the supersenses of the most frequent WordNet
// sense of each part of speech a lowercased word form (see Lower) can be:
// "fear" is noun.feeling and verb.emotion, "traitors" noun.person. The
// table (data/senses.tsv, made by internal/lexicon/gensenses from WordNet
// 3.0) lists the forms among the word vectors' 341,479 words that WordNet
// knows; any other word has none.
func WordSupersenses(w string) Supersenses {
	t, err := senseTable()
	if err != nil {
		// Compiled in; TestSupersenses catches a malformed file.
		panic("lexicon: " + err.Error())
	}
	return t.lookup(w)
}

// senseIndex is the table WordSupersenses reads: the file itself, the
// byte range of each entry's word (sorted, as the file is) with its set,
// and an open-addressing hash index over the entries. A map of 85,000
// strings would cost several MB of heap; the index is 1 MB of integers,
// and finds a word in one or two probes where a binary search over the
// sorted words compared 17 strings (a fifth of model loading, when
// words.Known asks for 65,536 words).
type senseIndex struct {
	data   string
	words  [][2]uint32
	senses []Supersenses
	seed   maphash.Seed
	// slots holds entry index + 1 at the hash of its word, 0 for empty;
	// a power of two at least twice the entries, probed linearly.
	slots []uint32
}

func (t *senseIndex) word(i uint32) string { return t.data[t.words[i][0]:t.words[i][1]] }

// lookup returns the set of w, 0 when the table does not list it.
func (t *senseIndex) lookup(w string) Supersenses {
	mask := uint64(len(t.slots) - 1)
	for h := maphash.String(t.seed, w) & mask; ; h = (h + 1) & mask {
		e := t.slots[h]
		if e == 0 {
			return 0
		}
		if t.word(e-1) == w {
			return t.senses[e-1]
		}
	}
}

// index fills t.slots from t.words.
func (t *senseIndex) index() {
	n := 1
	for n < 2*len(t.words) {
		n <<= 1
	}
	t.seed = maphash.MakeSeed()
	t.slots = make([]uint32, n)
	mask := uint64(n - 1)
	for i := range t.words {
		h := maphash.String(t.seed, t.word(uint32(i))) & mask
		for t.slots[h] != 0 {
			h = (h + 1) & mask
		}
		t.slots[h] = uint32(i) + 1
	}
}

var senseTable = sync.OnceValues(func() (*senseIndex, error) {
	const name = "data/senses.tsv"
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, err
	}
	t := &senseIndex{data: string(b)}
	for off, n := 0, 1; off < len(t.data); n++ {
		end := strings.IndexByte(t.data[off:], '\n')
		if end < 0 {
			end = len(t.data) - off
		}
		line, start := t.data[off:off+end], off
		off += end + 1
		if line == "" || line[0] == '#' {
			continue
		}
		w, list, ok := strings.Cut(line, "\t")
		if !ok || w == "" {
			return nil, fmt.Errorf("%s:%d: want word TAB supersense numbers, got %q", name, n, line)
		}
		if k := len(t.words); k > 0 && t.word(uint32(k-1)) >= w {
			return nil, fmt.Errorf("%s:%d: %q is out of order", name, n, w)
		}
		var s Supersenses
		for f := range strings.SplitSeq(list, ",") {
			x, err := strconv.Atoi(f)
			if err != nil || x < 0 || x >= NumSupersenses {
				return nil, fmt.Errorf("%s:%d: supersense %q is not a number in [0, %d)", name, n, f, NumSupersenses)
			}
			s |= 1 << x
		}
		t.words = append(t.words, [2]uint32{uint32(start), uint32(start + len(w))})
		t.senses = append(t.senses, s)
	}
	if len(t.words) == 0 {
		return nil, fmt.Errorf("%s: no entries", name)
	}
	t.index()
	return t, nil
})
