package lexicon

import (
	"fmt"
	"math/bits"
	"slices"
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
	i, ok := slices.BinarySearchFunc(t.words, w, func(e [2]uint32, w string) int {
		return strings.Compare(t.data[e[0]:e[1]], w)
	})
	if !ok {
		return 0
	}
	return t.senses[i]
}

// senseIndex is the table WordSupersenses reads: the file itself, and the
// byte range of each entry's word (sorted, as the file is) with its set.
// A map of 85,000 strings would cost several MB of heap for words that
// are seldom asked: the frequent ones are asked once, when words.Known is
// built.
type senseIndex struct {
	data   string
	words  [][2]uint32
	senses []Supersenses
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
		if k := len(t.words); k > 0 && t.data[t.words[k-1][0]:t.words[k-1][1]] >= w {
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
	return t, nil
})
