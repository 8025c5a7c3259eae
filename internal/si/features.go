package si

import (
	"math"
	"strconv"
	"unicode"
	"unicode/utf8"

	"unspun/internal/doc"
	"unspun/internal/lexicon"
	"unspun/internal/words"
)

// Feature templates. A sparse feature is a template and a string key,
// hashed into one of 2^hashBits weight rows. The numbers are part of the
// model format: append, never renumber.
const (
	tBias = iota
	tWord
	tStem
	tShape
	tPrefix
	tSuffix
	tPrev
	tNext
	tPrev2
	tNext2
	tBigramL
	tBigramR
	tLex
	tLexWin
	tPhrase
	tValence
	tSuperl
	tCaps
	tQuote
	tSentExcl
	tSentQuest
	tSentLen
	tSentPos
	tArtPos
	tRepeat
	tRepeatBigram
	tFreq
	tSentLex
	tSentVal
	tSentQuote
	tCluster
	tClusterWin
	tArticle
	numTemplates
)

// feat is a sparse feature of a token: its weight row and, for
// explanations, the template and the token it describes (relative offset).
type feat struct {
	row uint32
	tpl uint8
	off int8
}

// tokenInfo is what the extractor knows about one token, most of it
// from the document's word table (words.Table).
type tokenInfo struct {
	lower   string
	stem    string
	vecRow  int // -1 when the word has no vector
	valence float64
	// sent is the sentence index, for sequence boundaries: an int32, and
	// the flags together, so that a token is 64 bytes, one cache line
	// (every CRF reads every token; 80 bytes had been 1.3 lines).
	sent   int32
	lex    lexicon.Kind
	phrase lexicon.Kind
	superl bool
	hasVal bool
	// content is isContent(lower), asked of every word by every CRF.
	content bool
	// quoted reports that the token starts inside a quotation (doc's
	// QuoteAt), which analyse and tokenFeatures both ask.
	quoted bool
}

// docInfo is the per-article analysis shared by all tokens.
type docInfo struct {
	toks  []tokenInfo
	sents [][2]int // token ranges of the sequences the tagger decodes
	// count is, per token, how often the article has its word when it is
	// a content word (isContent), else 0; pair is, per token i, how often
	// the article has the pair of content words i and i+1, else 0. They
	// are counted by word type (words.Word.Type): looking the words and
	// pairs up in maps of strings for every token was a twentieth of
	// tagging.
	count []int32
	pair  []int32
	// typeCount and pairs are analyse's scratch for count and pair.
	typeCount []int32
	pairs     map[uint64]int32
	sentLex   []int
	sentVal   []float64
	sentExc   []bool
	sentQst   []bool
	sentQuo   []bool
	// title is whether the article starts with a headline (see
	// doc.Document.Headline): its first sentence is then the title.
	title bool
	// article-wide style: buckets of loaded-word density, exclamations,
	// questions, sentiment strength, quoted share and length.
	artStyle [6]string
}

// analyse computes docInfo for d from its word table tab, which must
// have been built with m's vectors; nil builds it.
func (m *Model) analyse(d *doc.Document, tab *words.Table, di *docInfo) {
	ws := d.Words
	if tab == nil {
		tab = m.Words(d)
	}
	di.toks = di.toks[:0]
	di.sents = di.sents[:0]
	_, di.title = d.Headline()
	di.count = resize(di.count, len(ws))
	di.pair = resize(di.pair, len(ws))
	di.typeCount = resize(di.typeCount, len(ws))
	if di.pairs == nil {
		di.pairs = make(map[uint64]int32)
	}
	clear(di.pairs)
	if len(ws) == 0 {
		return
	}
	tw := tab.Words
	// Sequences: sentences, with words outside any sentence joining the
	// nearest one so every word is tagged exactly once.
	// The sentence of each word is found walking both in order: it is
	// d.SentenceAt(w.Start), or len(d.Sentences) for none.
	cur, s := -1, 0
	for i, w := range ws {
		for s < len(d.Sentences) && d.Sentences[s].End <= w.Start {
			s++
		}
		if i == 0 || s != cur {
			di.sents = append(di.sents, [2]int{i, i + 1})
			cur = s
		} else {
			di.sents[len(di.sents)-1][1] = i + 1
		}
	}
	for i := range ws {
		w := &tw[i]
		// A word seen before (its Type, the index of the article's first
		// token with its Lower, is earlier) is as much a content word as
		// then. Type alone decides: comparing the two words was a cache
		// miss a token.
		var content bool
		if j := int(w.Type); j < i {
			content = di.toks[j].content
		} else {
			content = isContent(w.Lower)
		}
		di.toks = append(di.toks, tokenInfo{lower: w.Lower, stem: w.Stem, superl: w.Superlative, vecRow: int(w.Vec),
			lex: w.Lex, phrase: w.Phrase, valence: w.Valence, hasVal: w.Rated, content: content})
	}
	pairOf := func(i int) uint64 { return uint64(tw[i].Type)<<32 | uint64(uint32(tw[i+1].Type)) }
	for i := range di.toks {
		if di.toks[i].content {
			di.typeCount[tw[i].Type]++
			if i+1 < len(di.toks) && di.toks[i+1].content {
				di.pairs[pairOf(i)]++
			}
		}
	}
	for i := range di.toks {
		if di.toks[i].content {
			di.count[i] = di.typeCount[tw[i].Type]
			if i+1 < len(di.toks) && di.toks[i+1].content {
				di.pair[i] = di.pairs[pairOf(i)]
			}
		}
	}
	n := len(di.sents)
	di.sentLex = resize(di.sentLex, n)
	di.sentVal = resize(di.sentVal, n)
	di.sentExc = resize(di.sentExc, n)
	di.sentQst = resize(di.sentQst, n)
	di.sentQuo = resize(di.sentQuo, n)
	var lex, exc, qst, quo int
	var val float64
	defer func() {
		nw := max(1, len(ws))
		ns := max(1, len(di.sents))
		di.artStyle = [6]string{
			bucket(lex*100/nw, 1, 2, 3, 5, 8),
			bucket(exc, 0, 1, 3),
			bucket(qst, 0, 1, 3, 6),
			bucket(int(val*100/float64(nw)), 3, 6, 9, 12, 16),
			bucket(quo*10/ns, 0, 1, 2, 4),
			bucket(nw, 200, 400, 800, 1500),
		}
	}()
	for s, r := range di.sents {
		if di.sentQuo[s] {
			quo++
		}
		for i := r[0]; i < r[1]; i++ {
			t := &di.toks[i]
			t.sent = int32(s) // a 2 MB text has fewer than 2^31 sentences
			if t.lex != 0 || t.phrase != 0 {
				di.sentLex[s]++
				lex++
			}
			if t.hasVal {
				di.sentVal[s] += math.Abs(t.valence)
				val += math.Abs(t.valence)
			}
			switch t.lower {
			case "!":
				di.sentExc[s] = true
				exc++
			case "?":
				di.sentQst[s] = true
				qst++
			}
			if t.quoted = d.QuoteAt(ws[i].Start) >= 0; t.quoted {
				di.sentQuo[s] = true
			}
		}
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// isContent reports whether a lowercased word is worth counting for
// repetition: alphabetic and at least four letters long, which leaves out
// most function words without a stop list.
func isContent(w string) bool {
	if len(w) < 4 {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && r != '\'' && r != '-' {
			return false
		}
	}
	return true
}

// extractor hashes features; it is scratch owned by one goroutine.
type extractor struct {
	m    *Model
	out  []feat
	tok  int
	bits uint32
	// ownOnly leaves out of tokenFeatures the features a token gets from
	// its neighbours' words alone (see neighbourFeatures), which tagging
	// sums per word type instead.
	ownOnly bool
	// factsOnly leaves out the templates that state no fact (noFact):
	// the cues of a span, which extract them again, never read them.
	factsOnly bool
}

// A feature's row is the FNV-1a hash (inline: hash.Hash32 would
// allocate) of its template and its key's parts, each part after the
// first preceded by 0x1f, then mixed. add0 to add3 hash keys of zero to
// three parts: a variadic add was a fifth of hashing, with the features
// added tens of thousands of times an article.

func (x *extractor) add0(tpl int, off int) {
	if x.factsOnly && noFact[tpl] {
		return
	}
	x.push(tpl, off, fnvStart(tpl))
}

func (x *extractor) add1(tpl int, off int, a string) {
	if x.factsOnly && noFact[tpl] {
		return
	}
	x.push(tpl, off, fnvString(fnvStart(tpl), a))
}

func (x *extractor) add2(tpl int, off int, a, b string) {
	if x.factsOnly && noFact[tpl] {
		return
	}
	x.push(tpl, off, fnvString(fnvSep(fnvString(fnvStart(tpl), a)), b))
}

func (x *extractor) add3(tpl int, off int, a, b, c string) {
	if x.factsOnly && noFact[tpl] {
		return
	}
	x.push(tpl, off, fnvString(fnvSep(fnvString(fnvSep(fnvString(fnvStart(tpl), a)), b)), c))
}

// fnvStart is the hash state after the template.
func fnvStart(tpl int) uint32 { return (2166136261 ^ uint32(tpl)) * 16777619 }

// fnvSep hashes the separator of two parts.
func fnvSep(v uint32) uint32 { return (v ^ 0x1f) * 16777619 }

// fnvString hashes the bytes of p.
func fnvString(v uint32, p string) uint32 {
	for i := 0; i < len(p); i++ {
		v = (v ^ uint32(p[i])) * 16777619
	}
	return v
}

// push mixes hash state v into a row and appends the feature.
func (x *extractor) push(tpl int, off int, v uint32) {
	v ^= v >> 15
	v *= 0x2c1b3c6d
	v ^= v >> 12
	x.out = append(x.out, feat{row: v & (1<<x.bits - 1), tpl: uint8(tpl), off: int8(off)})
}

// bucket maps a count to a small label.
func bucket(n int, edges ...int) string {
	for i, e := range edges {
		if n <= e {
			return smallInts[i]
		}
	}
	return smallInts[len(edges)]
}

var smallInts = func() []string {
	s := make([]string, 1024)
	for i := range s {
		s[i] = strconv.Itoa(i)
	}
	return s
}()

// features appends the sparse features of token i to x.out: those of its
// sentence, of its word type and of the token in its context.
func (x *extractor) features(d *doc.Document, di *docInfo, i int) {
	x.sentenceFeatures(di, int(di.toks[i].sent))
	x.typeFeatures(&di.toks[i])
	x.tokenFeatures(d, di, i)
}

// sentenceFeatures appends the features every token of sentence s shares:
// the sentence's and the article's. Tagging sums their weights once per
// sentence (see Model.extractCtx).
func (x *extractor) sentenceFeatures(di *docInfo, s int) {
	r := di.sents[s]
	n := r[1] - r[0]
	x.add0(tBias, 0)
	if di.sentExc[s] {
		x.add0(tSentExcl, 0)
	}
	if di.sentQst[s] {
		x.add0(tSentQuest, 0)
	}
	x.add1(tSentLen, 0, bucket(n, 5, 10, 20, 35, 60))
	switch {
	case s == 0 && di.title:
		x.add1(tArtPos, 0, "title")
	case s <= 3:
		x.add1(tArtPos, 0, "lead")
	default:
		x.add1(tArtPos, 0, smallInts[s*5/len(di.sents)])
	}
	x.add1(tSentLex, 0, bucket(di.sentLex[s], 0, 1, 2, 4))
	x.add1(tSentVal, 0, bucket(int(di.sentVal[s]), 0, 2, 4, 7, 11))
	if di.sentQuo[s] {
		x.add0(tSentQuote, 0)
	}
	for k, b := range di.artStyle {
		x.add2(tArticle, 0, smallInts[k], b)
	}
}

// typeFeatures appends the features that depend on the token's
// normalised word alone, so that tagging can sum their weights once per
// frequent word, when the model is read (see Model.prepareTagging).
func (x *extractor) typeFeatures(t *tokenInfo) {
	x.add1(tWord, 0, t.lower)
	x.add1(tStem, 0, t.stem)
	if n := utf8.RuneCountInString(t.lower); n > 3 {
		x.add1(tPrefix, 0, prefix(t.lower, 3))
		x.add1(tSuffix, 0, suffix(t.lower, 3))
	}
	if t.hasVal {
		x.add1(tValence, 0, smallInts[int(math.Round(t.valence))+4])
	}
	if t.superl {
		x.add0(tSuperl, 0)
	}
	switch {
	case t.vecRow < 0:
		x.add1(tFreq, 0, "oov")
	default:
		x.add1(tFreq, 0, bucket(t.vecRow, 100, 1000, 10000, 30000))
	}
	for g, c := range x.m.clusters {
		if t.vecRow >= 0 && t.vecRow < len(c) {
			x.add2(tCluster, 0, smallInts[g], clusterID(c[t.vecRow]))
		}
	}
}

// tokenFeatures appends the features of token i that depend on its
// context or its spelling: neighbours, lexicon entries around it, shape,
// quotation, position, repetition.
func (x *extractor) tokenFeatures(d *doc.Document, di *docInfo, i int) {
	m := x.m
	t := &di.toks[i]
	w := d.Words[i].Text
	word := func(k int) string {
		if k < 0 {
			return "<s>"
		}
		if k >= len(di.toks) {
			return "</s>"
		}
		return di.toks[k].lower
	}
	switch r := t.vecRow; {
	case x.factsOnly: // a shape states no fact
	case r >= 0 && r < len(m.shapeRows) && w == t.lower:
		// A word written as its vector's word has that word's shape.
		x.out = append(x.out, feat{row: m.shapeRows[r], tpl: tShape})
	default:
		x.add1(tShape, 0, shape(w))
	}
	if !x.ownOnly {
		for _, off := range neighbourOffsets {
			x.add1(neighbourTemplate(off), off, word(i+off))
		}
	}
	x.add2(tBigramL, -1, word(i-1), t.lower)
	x.add2(tBigramR, 0, t.lower, word(i+1)) // off: where the pair starts
	for off := -2; off <= 2; off++ {
		k := i + off
		if k < 0 || k >= len(di.toks) {
			continue
		}
		lx := di.toks[k].lex | di.toks[k].phrase
		for b := 0; lx != 0; b++ {
			if lx&1 != 0 {
				if off == 0 {
					x.add1(tLex, 0, smallInts[b])
				} else {
					x.add2(tLexWin, off, smallInts[b], smallInts[off+2])
				}
			}
			lx >>= 1
		}
	}
	if t.phrase != 0 {
		x.add0(tPhrase, 0)
	}
	if lexicon.IsCaps(w) {
		x.add0(tCaps, 0)
	}
	if t.quoted {
		x.add0(tQuote, 0)
	}
	r := di.sents[t.sent]
	n := r[1] - r[0]
	pos := i - r[0]
	switch {
	case pos == 0:
		x.add1(tSentPos, 0, "first")
	case i == r[1]-1:
		x.add1(tSentPos, 0, "last")
	default:
		x.add1(tSentPos, 0, smallInts[pos*4/n])
	}
	if c := di.count[i]; c > 0 {
		x.add1(tRepeat, 0, bucket(int(c), 1, 2, 3, 5, 8))
	}
	if c := di.pair[i]; c > 1 {
		x.add1(tRepeatBigram, 0, bucket(int(c), 2, 3)) // off: where the pair starts
	}
	if i > 0 {
		if c := di.pair[i-1]; c > 1 {
			x.add1(tRepeatBigram, -1, bucket(int(c), 2, 3))
		}
	}
	if x.ownOnly {
		return
	}
	for g := range m.clusters {
		for _, off := range [2]int{-1, 1} {
			if k := i + off; k >= 0 && k < len(di.toks) {
				x.clusterWin(g, off, di.toks[k].vecRow)
			}
		}
	}
}

// neighbourOffsets are the offsets of the neighbours whose words are
// features of a token, in the order tokenFeatures adds them.
var neighbourOffsets = [4]int{-1, 1, -2, 2}

// neighbourTemplate is the template of the word at offset off.
func neighbourTemplate(off int) int {
	switch off {
	case -1:
		return tPrev
	case 1:
		return tNext
	case -2:
		return tPrev2
	}
	return tNext2
}

// clusterWin adds the cluster feature of granularity g of the neighbour
// at offset off (±1) whose vector row is row.
func (x *extractor) clusterWin(g, off, row int) {
	c := x.m.clusters[g]
	if row < 0 || row >= len(c) {
		return
	}
	x.add3(tClusterWin, off, smallInts[g], smallInts[off+1], clusterID(c[row]))
}

// neighbourFeatures appends the features a token gets from the word t at
// offset off: the word itself and, next to the token, its clusters. They
// depend on t's word alone, so tagging sums them per word type.
func (x *extractor) neighbourFeatures(t *tokenInfo, off int) {
	x.add1(neighbourTemplate(off), off, t.lower)
	if off == -1 || off == 1 {
		for g := range x.m.clusters {
			x.clusterWin(g, off, t.vecRow)
		}
	}
}

// clusterID spells a cluster number, without allocating for the usual
// cluster counts.
func clusterID(c uint16) string {
	if int(c) < len(smallInts) {
		return smallInts[c]
	}
	return strconv.Itoa(int(c))
}

func prefix(s string, n int) string {
	i := 0
	for k := range s {
		if i == n {
			return s[:k]
		}
		i++
	}
	return s
}

func suffix(s string, n int) string {
	k := len(s)
	for i := 0; i < n && k > 0; i++ {
		_, sz := utf8.DecodeLastRuneInString(s[:k])
		k -= sz
	}
	return s[k:]
}

// shape maps a word to its character classes with runs collapsed:
// "Trump" → "Xx", "USA" → "X", "9/11" → "d/d".
func shape(w string) string {
	var b [16]byte
	n := 0
	var last byte
	for _, r := range w {
		var c byte
		switch {
		case unicode.IsUpper(r):
			c = 'X'
		case unicode.IsLower(r):
			c = 'x'
		case unicode.IsDigit(r):
			c = 'd'
		case r < utf8.RuneSelf:
			c = byte(r)
		default:
			c = '*'
		}
		if c != last && n < len(b) {
			b[n] = c
			n++
			last = c
		}
	}
	return string(b[:n])
}
