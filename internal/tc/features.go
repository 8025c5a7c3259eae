package tc

import (
	"encoding/binary"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"unspun/internal/doc"
	"unspun/internal/lexicon"
	"unspun/internal/words"
)

// Features are hashed: a feature is a 64-bit FNV-1a hash of a namespace
// byte and its text, so extraction needs no vocabulary at run time and
// allocates nothing per feature. The model keeps only hashes seen often
// enough in training, sorted, and finds a feature by binary search.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashByte(h uint64, b byte) uint64 { return (h ^ uint64(b)) * fnvPrime }

func hashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

func hashNS(ns byte) uint64 { return hashByte(fnvOffset, ns) }

// Namespaces of the hashed features. Their values are part of the model
// file format: never renumber them.
const (
	nsBias       = 'B'
	nsWord       = 'w' // span word, lowercased
	nsStem       = 's' // span word stem
	nsBigram     = 'b' // span word bigram
	nsFirst      = 'f' // first span word
	nsLast       = 'l' // last span word
	nsChar       = 'c' // span character n-gram
	nsCtx        = 'x' // sentence word outside the span
	nsLeft       = '<' // word just before the span
	nsRight      = '>' // word just after the span
	nsLen        = 'n' // span length in words, binned
	nsChars      = 'N' // span length in characters, binned
	nsRep        = 'r' // recurrences of the span's text in the article
	nsHeadRep    = 'h' // recurrences of the span's most repeated content word
	nsWhole      = 'W' // span vs its sentence
	nsPos        = 'p' // position in the article
	nsCaps       = 'C' // capitalisation
	nsPunct      = '!' // exclamation and question marks
	nsQuote      = 'q' // quotation
	nsLex        = 'L' // lexicon list hit inside the span
	nsLexCtx     = 'X' // lexicon list hit in the sentence outside the span
	nsValence    = 'v' // VADER valence of the span
	nsShape      = 'S' // span shape: starts/ends with, has digits...
	nsLexCount   = 'K' // number of lexicon hits, binned per list
	nsRepShort   = 'R' // repetition crossed with length
	nsLenQuote   = 'Q' // length crossed with quotation
	nsWholeShort = 'w' + 128
	nsEdge       = 'e' // span at the start or end of its sentence
	nsRepOrder   = 'o' // earlier and later recurrences of the span's text
	nsIdentity   = 'I' // the span's whole stem sequence (format 3)
	nsSense      = 'z' // a supersense of the span's content words (format 4)
	nsSenseCtx   = 'Z' // a supersense of the sentence's other content words (format 4)
)

// cueKind says how to put a feature into words for a reader.
type cueKind uint8

const (
	cueNone     cueKind = iota
	cueWord             // a span word; arg = token index
	cueBigram           // two span words; arg = first token index
	cueCtx              // a sentence word; arg = token index
	cueRep              // the span's text recurs; arg = count
	cueHeadRep          // a span word recurs; arg = token index, arg2 = count
	cueLen              // span length; arg = words
	cueWhole            // the span is a whole sentence
	cueQuote            // inside a quotation
	cueExclaim          // exclamation mark
	cueQuestion         // question mark
	cueCaps             // capitals
	cueLex              // lexicon hit; arg = token start, arg2 = token end, kind
	cueValence          // strong valence; arg = sign
	cueTitle            // in the headline
	cueMeaning          // the span's word vector; arg = its only word or -1, arg2 = technique
	cueSpan             // the span's whole stem sequence (the identity feature)
)

// feat is one active feature of a span.
type feat struct {
	hash uint64
	val  float32
	cue  cueKind
	kind lexicon.Kind
	arg  int32
	arg2 int32
}

// docStats is what features need about a whole article, computed once per
// document and shared by all its spans.
type docStats struct {
	d *doc.Document
	// w is d's word table (words.Table.Words), read for each word's
	// stem, vector row (-1 for none), supersenses and whether it has a
	// letter or digit (IsWord; not punctuation).
	w []words.Word
	// lower is each word's normalised form (words.Table.Lower).
	lower []string
	// plain marks the words (isWord) that are stopwords, looked up once
	// per word type: the article and span vectors and the repetition
	// features leave them out.
	plain []bool
	// stemID numbers each word's stem within the article (-1 for
	// punctuation), so recurrences compare integers; stemCount[id]
	// counts the stem's words.
	stemID    []int32
	stemCount []int32
	// post lists the word indices of each stem, in order: stem id's are
	// post[postAt[id]:postAt[id+1]].
	post, postAt []int32
	// recur memoises recurrences: a stem sequence's occurrences (the
	// index of each one's first word, in order). Identical spans are
	// counted once, so an article repeating one sentence thousands of
	// times is not quadratic. recurMu guards it: docStats is shared by
	// concurrent classifications.
	recurMu sync.Mutex
	recur   map[string][]int32
	// forms memoises, per stem id, one word of each of two spellings of
	// the stem (-1 when it has one spelling), for the repetition cues
	// (Article.Recurs); recurMu guards it too.
	forms map[int32][2]int32
	// lexWord is each token's one-word lexicon lists (with regular
	// superlatives), valence its VADER valence or 0 when unrated.
	lexWord []lexicon.Kind
	valence []float32
	// title is the end of the headline (the first line, when it reads as
	// one: doc.Document.Headline), 0 without one.
	title int
	// articleVec is the averaged vector of the article's content words,
	// scaled to denseScale; nil without vectors.
	articleVec []float32
}

// newDocStats computes the statistics of d; vecs may be nil, and dim is
// the vector size the model uses.
func newDocStats(d *doc.Document, vecs Vectors, dim int) *docStats {
	var tab *words.Table
	if vecs != nil && dim > 0 {
		tab = words.New(d, vecs)
	} else {
		tab = words.New(d, nil)
	}
	return newDocStatsOf(d, tab, vecs, dim)
}

// stemIDs holds maps from a stem to its id in a document, cleared, for
// newDocStatsOf to reuse: a new map for every article was the largest of
// the classifier's allocations, and memory the processor no longer had
// in its caches.
var stemIDs = sync.Pool{New: func() any { return make(map[string]int32) }}

// putStemIDs returns ids to stemIDs unless a long article grew it:
// clearing a map costs its size, and most articles need a few hundred.
func putStemIDs(ids map[string]int32) {
	if len(ids) <= 1024 {
		clear(ids)
		stemIDs.Put(ids)
	}
}

// newDocStatsOf is newDocStats reading d's word table tab, which must
// have been built with vecs (or without vectors when dim is 0).
func newDocStatsOf(d *doc.Document, tab *words.Table, vecs Vectors, dim int) *docStats {
	n := len(d.Words)
	s := &docStats{
		d:       d,
		w:       tab.Words,
		lower:   tab.Lower,
		plain:   make([]bool, n),
		lexWord: make([]lexicon.Kind, n),
		valence: make([]float32, n),
		stemID:  make([]int32, n),
	}
	ids := stemIDs.Get().(map[string]int32)
	defer putStemIDs(ids)
	for i := range d.Words {
		w := &tab.Words[i]
		s.lexWord[i] = w.Lex
		if w.Superlative {
			s.lexWord[i] |= lexicon.Superlative
		}
		if w.Rated {
			s.valence[i] = float32(w.Valence)
		}
		s.stemID[i] = -1
		if !w.IsWord {
			continue
		}
		// A word seen before has its stem's id and its stopword flag: the
		// string maps are asked once per word type (Type alone decides, see
		// words.Word).
		if j := int(w.Type); j < i {
			s.plain[i] = s.plain[j]
			s.stemID[i] = s.stemID[j]
			s.stemCount[s.stemID[i]]++
			continue
		}
		s.plain[i] = stopword(w.Lower)
		id, ok := ids[w.Stem]
		if !ok {
			id = int32(len(s.stemCount))
			ids[w.Stem] = id
			s.stemCount = append(s.stemCount, 0)
		}
		s.stemID[i] = id
		s.stemCount[id]++
	}
	s.postAt = make([]int32, len(s.stemCount)+1)
	for id, c := range s.stemCount {
		s.postAt[id+1] = s.postAt[id] + c
	}
	s.post = make([]int32, s.postAt[len(s.stemCount)])
	fill := slices.Clone(s.postAt[:len(s.stemCount)])
	for i, id := range s.stemID {
		if id >= 0 {
			s.post[fill[id]] = int32(i)
			fill[id]++
		}
	}
	if h, ok := d.Headline(); ok {
		s.title = h.End
	}
	if vecs != nil && dim > 0 {
		s.articleVec = make([]float32, dim)
		// Vectors that add rows in place (embed.Vectors) spare the copy
		// of every word's vector, and add the article's together, in
		// order (AddVecs); the sums are the same.
		adder, direct := vecs.(vectorAdder)
		direct = direct && vecs.Dim() == dim
		var buf []float32
		var rows []int32
		if direct {
			rows = make([]int32, 0, len(s.lower))
		}
		for i := range s.lower {
			if !s.w[i].IsWord || s.plain[i] {
				continue
			}
			if row := s.w[i].Vec; row >= 0 {
				if direct {
					rows = append(rows, row)
					continue
				}
				var v []float32
				v, buf = vecOf(vecs, int(row), dim, buf)
				for j, x := range v {
					s.articleVec[j] += x
				}
			}
		}
		if direct {
			adder.AddVecs(rows, s.articleVec)
		}
		unit(s.articleVec, denseScale)
	}
	return s
}

// vectorAdder is implemented by Vectors that add the vectors of rows, in
// order, to a slice of Dim values.
type vectorAdder interface {
	AddVecs(rows []int32, dst []float32)
}

// inQuote reports whether [start,end) lies mostly inside one quotation
// (doc's quoted-speech regions, which every stage reads).
func (s *docStats) inQuote(start, end int) bool { return s.d.QuoteOf(start, end) >= 0 }

// spanCtx is a span being featurised.
type spanCtx struct {
	st         *docStats
	start, end int
	wi, wj     int // span words [wi, wj)
	si, sj     int // sentence words [si, sj) around the span
	sentStart  int
	sentEnd    int
}

func (s *docStats) span(start, end int) spanCtx {
	d := s.d
	c := spanCtx{st: s, start: start, end: end}
	// Words overlapping the span, so that a span cutting a word in two
	// still sees it.
	c.wi = searchWordEnd(d.Words, start)
	c.wj = c.wi
	for c.wj < len(d.Words) && d.Words[c.wj].Start < end {
		c.wj++
	}
	c.sentStart, c.sentEnd = start, end
	if k := d.SentenceAt(start); k >= 0 && d.Sentences[k].Start < end {
		c.sentStart = min(start, d.Sentences[k].Start)
		for k < len(d.Sentences) && d.Sentences[k].Start < end {
			c.sentEnd = max(end, d.Sentences[k].End)
			k++
		}
	}
	c.si, _ = d.WordsIn(c.sentStart, c.sentEnd)
	c.sj = c.si + sort.Search(len(d.Words)-c.si, func(k int) bool { return d.Words[c.si+k].Start >= c.sentEnd })
	return c
}

func searchWordEnd(ws []doc.Word, cp int) int {
	lo, hi := 0, len(ws)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ws[m].End <= cp {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// config selects feature groups; it is stored in the model file.
type config struct {
	CharN    uint8 // character n-gram size; 0 disables
	Context  bool  // sentence-context words
	Bigrams  bool
	Vectors  bool // averaged word vectors, when vectors are given
	Lexicons bool
	Identity bool // the span's whole stem sequence as one feature
	Senses   bool // the WordNet supersenses of the span's content words
}

func bin(n int, edges ...int) byte {
	for i, e := range edges {
		if n <= e {
			return byte(i)
		}
	}
	return byte(len(edges))
}

// extract appends the span's features to fs. Bag-of-words groups are
// scaled to unit length so long spans do not drown the scalar features.
func (c *spanCtx) extract(cfg config, fs []feat) []feat {
	st := c.st
	d := st.d
	add := func(h uint64, v float32) { fs = append(fs, feat{hash: h, val: v}) }
	addCue := func(f feat) { fs = append(fs, f) }

	add(hashNS(nsBias), 1)

	nWords := 0
	for i := c.wi; i < c.wj; i++ {
		if st.w[i].IsWord {
			nWords++
		}
	}

	// Span words and stems.
	g := len(fs)
	for i := c.wi; i < c.wj; i++ {
		addCue(feat{hash: hashString(hashNS(nsWord), st.lower[i]), val: 1, cue: cueWord, arg: int32(i)})
		if st.w[i].Stem != st.lower[i] {
			add(hashString(hashNS(nsStem), st.w[i].Stem), 1)
		}
	}
	if cfg.Bigrams {
		for i := c.wi; i+1 < c.wj; i++ {
			h := hashString(hashNS(nsBigram), st.lower[i])
			h = hashString(hashByte(h, ' '), st.lower[i+1])
			addCue(feat{hash: h, val: 1, cue: cueBigram, arg: int32(i)})
		}
	}
	normalise(fs[g:])
	if cfg.Identity && nWords > 0 {
		// The whole span, word for word: slogans, clichés and labels
		// recur across articles, and its words and bigrams alone do not
		// say that they come together.
		h := hashNS(nsIdentity)
		for i := c.wi; i < c.wj; i++ {
			if st.w[i].IsWord {
				h = hashString(hashByte(h, ' '), st.w[i].Stem)
			}
		}
		addCue(feat{hash: h, val: 1, cue: cueSpan})
	}
	if c.wj > c.wi {
		addCue(feat{hash: hashString(hashNS(nsFirst), st.lower[c.wi]), val: 1, cue: cueWord, arg: int32(c.wi)})
		addCue(feat{hash: hashString(hashNS(nsLast), st.lower[c.wj-1]), val: 1, cue: cueWord, arg: int32(c.wj - 1)})
	}

	// Character n-grams of the lowercased span, with boundary marks, so
	// unseen inflections and compounds share evidence.
	if cfg.CharN > 0 {
		g = len(fs)
		fs = charGrams(fs, d.Slice(c.start, c.end), int(cfg.CharN))
		normalise(fs[g:])
	}

	// Sentence context outside the span.
	if cfg.Context {
		g = len(fs)
		for i := c.si; i < c.sj; i++ {
			if i >= c.wi && i < c.wj {
				continue
			}
			if !st.w[i].IsWord {
				continue
			}
			addCue(feat{hash: hashString(hashNS(nsCtx), st.w[i].Stem), val: 1, cue: cueCtx, arg: int32(i)})
		}
		normalise(fs[g:])
	}
	left, right := "^", "$"
	if c.wi > 0 && c.wi > c.si {
		left = st.lower[c.wi-1]
	}
	if c.wj < len(d.Words) && c.wj < c.sj {
		right = st.lower[c.wj]
	}
	add(hashString(hashNS(nsLeft), left), 1)
	add(hashString(hashNS(nsRight), right), 1)
	// Where the span sits in its sentence.
	atStart, atEnd := byte(0), byte(0)
	if c.wi <= c.si {
		atStart = 1
	}
	if c.wj >= c.sj || (c.wj+1 == c.sj && !st.w[c.wj].IsWord) {
		atEnd = 1
	}
	add(hashByte(hashByte(hashNS(nsEdge), atStart), atEnd), 1)

	// Length.
	lb := bin(nWords, 0, 1, 2, 3, 4, 6, 9, 14, 20, 30)
	addCue(feat{hash: hashByte(hashNS(nsLen), lb), val: 1, cue: cueLen, arg: int32(nWords)})
	add(hashByte(hashNS(nsChars), bin(c.end-c.start, 3, 6, 10, 15, 25, 40, 60, 100, 160)), 1)

	// Span against its sentence.
	sentLen := c.sentEnd - c.sentStart
	cover := 0.0
	if sentLen > 0 {
		cover = float64(c.end-c.start) / float64(sentLen)
	}
	switch {
	case cover >= 0.9:
		addCue(feat{hash: hashByte(hashNS(nsWhole), 3), val: 1, cue: cueWhole})
		add(hashByte(hashByte(hashNS(nsWholeShort), 3), lb), 1)
	case cover >= 0.6:
		add(hashByte(hashNS(nsWhole), 2), 1)
	case cover >= 0.3:
		add(hashByte(hashNS(nsWhole), 1), 1)
	default:
		add(hashByte(hashNS(nsWhole), 0), 1)
	}
	if c.end-c.start > sentLen || crossesSentence(d, c.start, c.end) {
		add(hashByte(hashNS(nsWhole), 9), 1)
	}

	// Repetition: how often the span's word sequence occurs in the
	// article, and how often its most frequent content word does.
	rep, before := c.recurrences()
	rb := bin(rep, 1, 2, 3, 5)
	add(hashByte(hashByte(hashNS(nsRepOrder), bin(before, 0, 1, 2)), bin(rep-1-before, 0, 1, 2)), 1)
	if rep >= 2 {
		addCue(feat{hash: hashByte(hashNS(nsRep), rb), val: 1, cue: cueRep, arg: int32(rep)})
	} else {
		add(hashByte(hashNS(nsRep), rb), 1)
	}
	add(hashByte(hashByte(hashNS(nsRepShort), rb), bin(nWords, 1, 3, 6)), 1)
	bestI, best := -1, int32(0)
	for i := c.wi; i < c.wj; i++ {
		if !st.w[i].IsWord || len(st.lower[i]) < 4 || st.plain[i] {
			continue
		}
		if n := st.stemCount[st.stemID[i]]; n > best {
			best, bestI = n, i
		}
	}
	hb := bin(int(best), 0, 1, 2, 3, 5, 8)
	if best >= 3 {
		addCue(feat{hash: hashByte(hashNS(nsHeadRep), hb), val: 1, cue: cueHeadRep, arg: int32(bestI), arg2: best})
	} else {
		add(hashByte(hashNS(nsHeadRep), hb), 1)
	}

	// Position.
	if c.start < st.title {
		addCue(feat{hash: hashByte(hashNS(nsPos), 0), val: 1, cue: cueTitle})
	} else if n := d.Len(); n > 0 {
		add(hashByte(hashNS(nsPos), 1+byte(min(4, 5*c.start/n))), 1)
	}

	// Capitals, punctuation and shape.
	upper, letters, capWords, words := 0, 0, 0, 0
	for i := c.wi; i < c.wj; i++ {
		w := d.Words[i].Text
		if !st.w[i].IsWord {
			continue
		}
		words++
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) {
			capWords++
		}
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					upper++
				}
			}
		}
	}
	if letters >= 4 && upper*10 >= letters*8 {
		addCue(feat{hash: hashByte(hashNS(nsCaps), 0), val: 1, cue: cueCaps})
	}
	if words > 0 {
		add(hashByte(hashNS(nsCaps), 1+bin(capWords*4/words, 0, 1, 2, 3)), 1)
	}
	spanText := d.Slice(c.start, c.end)
	sentText := d.Slice(c.sentStart, c.sentEnd)
	if strings.ContainsRune(spanText, '!') {
		addCue(feat{hash: hashByte(hashNS(nsPunct), 0), val: 1, cue: cueExclaim})
	} else if strings.ContainsRune(sentText, '!') {
		add(hashByte(hashNS(nsPunct), 1), 1)
	}
	if strings.ContainsRune(spanText, '?') {
		addCue(feat{hash: hashByte(hashNS(nsPunct), 2), val: 1, cue: cueQuestion})
	} else if strings.ContainsRune(sentText, '?') {
		add(hashByte(hashNS(nsPunct), 3), 1)
	}
	if strings.ContainsAny(spanText, "0123456789") {
		add(hashByte(hashNS(nsShape), 0), 1)
	}
	if strings.ContainsAny(spanText, "\"“”") {
		add(hashByte(hashNS(nsShape), 1), 1)
	}
	if r, _ := utf8.DecodeRuneInString(spanText); unicode.IsUpper(r) {
		add(hashByte(hashNS(nsShape), 2), 1)
	}
	if strings.ContainsAny(spanText, ",;:") {
		add(hashByte(hashNS(nsShape), 3), 1)
	}

	// Quotation.
	if st.inQuote(c.start, c.end) {
		addCue(feat{hash: hashByte(hashNS(nsQuote), 1), val: 1, cue: cueQuote})
		add(hashByte(hashByte(hashNS(nsLenQuote), 1), lb), 1)
	} else {
		add(hashByte(hashNS(nsQuote), 0), 1)
	}

	// Lexicons and valence.
	if cfg.Lexicons {
		fs = c.lexFeatures(fs)
	}
	if cfg.Senses {
		fs = c.senseFeatures(fs)
	}
	return fs
}

// lexFeatures adds one feature per lexicon list hit in the span (with the
// hit as a cue) and per list hit in the rest of the sentence, plus the
// span's VADER valence.
func (c *spanCtx) lexFeatures(fs []feat) []feat {
	st := c.st
	var counts [32]int
	for i := c.wi; i < c.wj; i++ {
		k := st.lexWord[i]
		for b := 0; k != 0; b++ {
			if k&1 != 0 {
				counts[b]++
				if counts[b] == 1 {
					fs = append(fs, feat{hash: hashByte(hashNS(nsLex), byte(b)), val: 1, cue: cueLex,
						kind: 1 << b, arg: int32(i), arg2: int32(i + 1)})
				}
			}
			k >>= 1
		}
	}
	lexicon.Phrases(st.lower[c.wi:c.wj], func(m lexicon.Match) {
		for b := 0; b < 32; b++ {
			if m.Kind&(1<<b) != 0 {
				counts[b]++
				fs = append(fs, feat{hash: hashByte(hashNS(nsLex), byte(b)), val: 1, cue: cueLex,
					kind: m.Kind, arg: int32(c.wi + m.Start), arg2: int32(c.wi + m.End)})
			}
		}
	})
	for b, n := range counts {
		if n > 1 {
			fs = append(fs, feat{hash: hashByte(hashByte(hashNS(nsLexCount), byte(b)), bin(n, 2, 4)), val: 1})
		}
	}
	var ctx lexicon.Kind
	for i := c.si; i < c.sj; i++ {
		if i < c.wi || i >= c.wj {
			ctx |= st.lexWord[i]
		}
	}
	for b := 0; ctx != 0; b++ {
		if ctx&1 != 0 {
			fs = append(fs, feat{hash: hashByte(hashNS(nsLexCtx), byte(b)), val: 1})
		}
		ctx >>= 1
	}

	// Valence: the strongest rated word and the overall balance.
	maxAbs, sum, bestI := 0.0, 0.0, -1
	for i := c.wi; i < c.wj; i++ {
		v := float64(st.valence[i])
		if v == 0 {
			continue
		}
		sum += v
		if math.Abs(v) > maxAbs {
			maxAbs, bestI = math.Abs(v), i
		}
	}
	mb := bin(int(maxAbs*2), 0, 2, 3, 4, 5)
	sign := byte(0)
	if sum < 0 {
		sign = 1
	}
	if maxAbs >= 2.5 {
		fs = append(fs, feat{hash: hashByte(hashByte(hashNS(nsValence), sign), mb), val: 1, cue: cueValence, arg: int32(bestI)})
	} else {
		fs = append(fs, feat{hash: hashByte(hashByte(hashNS(nsValence), sign), mb), val: 1})
	}
	return fs
}

// senseFeatures adds one feature per WordNet supersense of the span's
// content words (stopwords left out), and one per supersense of the
// content words of the rest of its sentence, each group scaled to unit
// length as the words are: what kinds of thing the span and its sentence
// name (feelings, people, groups, acts of communication), which tells
// techniques apart where their words are rare or unseen.
func (c *spanCtx) senseFeatures(fs []feat) []feat {
	st := c.st
	var in, around lexicon.Supersenses
	for i := c.si; i < c.sj; i++ {
		if !st.w[i].IsWord || st.plain[i] {
			continue
		}
		if i >= c.wi && i < c.wj {
			in |= st.w[i].Senses
		} else {
			around |= st.w[i].Senses
		}
	}
	return senseGroup(senseGroup(fs, nsSense, in), nsSenseCtx, around)
}

// senseGroup appends one feature of namespace ns per supersense of set,
// the group scaled to unit length.
func senseGroup(fs []feat, ns byte, set lexicon.Supersenses) []feat {
	g := len(fs)
	set.Each(func(x lexicon.Supersense) {
		fs = append(fs, feat{hash: hashByte(hashNS(ns), byte(x)), val: 1})
	})
	normalise(fs[g:])
	return fs
}

// charGrams appends the n-grams of the lowercased text padded with spaces;
// runs of white space count as one space.
func charGrams(fs []feat, text string, n int) []feat {
	var ring [8]rune
	if n > len(ring) {
		n = len(ring)
	}
	k := 0
	push := func(r rune) {
		ring[k%n] = r
		k++
		if k >= n {
			h := hashNS(nsChar)
			var buf [4]byte
			for j := k - n; j < k; j++ {
				// The bytes of the rune's UTF-8 encoding: ASCII is its
				// own.
				if r := ring[j%n]; r < utf8.RuneSelf && r >= 0 {
					h = hashByte(h, byte(r))
					continue
				}
				m := utf8.EncodeRune(buf[:], ring[j%n])
				for _, b := range buf[:m] {
					h = hashByte(h, b)
				}
			}
			fs = append(fs, feat{hash: h, val: 1})
		}
	}
	push(' ')
	space := true
	for _, r := range text {
		switch {
		case r < utf8.RuneSelf && r != ' ' && (r < '\t' || r > '\r'):
			// ASCII other than white space, lowered without a table.
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			space = false
		case unicode.IsSpace(r):
			if space {
				continue
			}
			r, space = ' ', true
		default:
			r, space = unicode.ToLower(r), false
		}
		push(r)
	}
	if !space {
		push(' ')
	}
	return fs
}

func normalise(fs []feat) {
	if len(fs) == 0 {
		return
	}
	v := float32(1 / math.Sqrt(float64(len(fs))))
	for i := range fs {
		fs[i].val = v
	}
}

func crossesSentence(d *doc.Document, start, end int) bool {
	k := d.SentenceAt(start)
	return k >= 0 && k+1 < len(d.Sentences) && d.Sentences[k+1].Start < end && d.Sentences[k].End <= end
}

// recurrences counts the occurrences of the span's word sequence in the
// article, the span itself included (0 for a span without words), and how
// many of them start before the span. Words
// are compared by stem, so "threatens peace" matches "threatened peace".
func (c *spanCtx) recurrences() (count, before int) {
	st := c.st
	ids := st.stemID
	// The span's word stems, punctuation skipped, as the memo's key.
	var buf [64]byte
	key := buf[:0]
	first := -1
	for i := c.wi; i < c.wj; i++ {
		if id := ids[i]; id >= 0 {
			if first < 0 {
				first = i
			}
			key = binary.LittleEndian.AppendUint32(key, uint32(id))
		}
	}
	if first < 0 {
		return 0, 0
	}
	st.recurMu.Lock()
	occ, ok := st.recur[string(key)]
	st.recurMu.Unlock()
	if !ok {
		occ = st.occurrences(first, c.wj)
		st.recurMu.Lock()
		if st.recur == nil {
			st.recur = make(map[string][]int32)
		}
		st.recur[string(key)] = occ
		st.recurMu.Unlock()
	}
	before, _ = slices.BinarySearch(occ, int32(first))
	return len(occ), before
}

// occurrences returns the index of the first word of every occurrence,
// among the words, of the stems of words [first, end) (first a word),
// punctuation skipped on both sides.
func (s *docStats) occurrences(first, end int) []int32 {
	ids := s.stemID
	var occ []int32
	for _, p := range s.post[s.postAt[ids[first]]:s.postAt[ids[first]+1]] {
		i, j := first+1, int(p)+1
		for {
			for i < end && ids[i] < 0 {
				i++
			}
			if i == end {
				occ = append(occ, p)
				break
			}
			for j < len(ids) && ids[j] < 0 {
				j++
			}
			if j == len(ids) || ids[j] != ids[i] {
				break
			}
			i, j = i+1, j+1
		}
	}
	return occ
}

// stopword is lexicon.FunctionWord as feature format 2 was trained with
// it: before the list gained the words of sinceFormat2 and contractions.
// The features must keep counting those as words until a model of the
// next format is trained, which should drop the exception. It is one
// look-up in a set derived from lexicon's list, as the features ask it
// of most words of every article.
func stopword(w string) bool { return format2Stopwords[w] }

var format2Stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range lexicon.FunctionWords() {
		if !sinceFormat2[w] {
			m[w] = true
		}
	}
	return m
}()

// sinceFormat2 are the function words lexicon's list gained after
// feature format 2 (see stopword).
var sinceFormat2 = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`us may might must shall upon yet ever every another however though
		although among within without toward towards across around via per thus since unless whose onto
		else etc let whether either neither`) {
		m[w] = true
	}
	return m
}()
