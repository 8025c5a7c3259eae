// Package lexicon holds the word lists unspun's models consult: intensifiers,
// superlatives, minimisers, absolutes, hedges, doubt words, flag words, fear
// words, historical villains, slogans, thought-terminating clichés and the
// markers of causal, authority, black-and-white, labeling, bandwagon and
// whataboutism rhetoric, plus the VADER sentiment valences.
//
// The lists are embedded text files under data/, each opening with its
// provenance and licence. They describe general English and are never
// tailored to particular articles. Entries are matched case-insensitively,
// token by token, with the same UAX #29 word segmentation as package doc,
// so "so-called" is the three tokens "so", "-", "called".
//
// Everything is read once, at first use, and is safe for concurrent use.
package lexicon

import (
	"bufio"
	"embed"
	"fmt"
	"iter"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/words"
)

// Kind is a set of lists, one bit per list.
type Kind uint32

// The lists.
const (
	Intensifier Kind = 1 << iota // "utterly", "clearly"
	Superlative                  // "greatest", "unprecedented"
	Minimiser                    // "merely", "a bit"
	Absolute                     // "always", "nobody"
	Hedge                        // "allegedly", "might"
	Doubt                        // "dubious", "no evidence"
	Flag                         // "patriots", "our nation"
	Fear                         // "threat", "catastrophe"
	Villain                      // "hitler", "gulag"
	Slogan                       // well-known catchphrases
	Cliche                       // "it is what it is"
	Causal                       // "because", "due to"
	Authority                    // "experts", "according to"
	BlackWhite                   // "either", "the only way"
	Labeling                     // "so-called", "thugs"
	Bandwagon                    // "everyone knows"
	Whatabout                    // "what about", "hypocrisy"

	numKinds = iota
)

// list ties a Kind to its file and to words for people.
type list struct {
	kind Kind
	file string
	name string // singular noun phrase, e.g. "an intensifier"
}

var lists = [numKinds]list{
	{Intensifier, "intensifiers.txt", "an intensifier"},
	{Superlative, "superlatives.txt", "a superlative"},
	{Minimiser, "minimisers.txt", "a minimiser"},
	{Absolute, "absolutes.txt", "an absolute"},
	{Hedge, "hedges.txt", "a hedge"},
	{Doubt, "doubt.txt", "a doubt word"},
	{Flag, "flag.txt", "a flag-waving word"},
	{Fear, "fear.txt", "a fear word"},
	{Villain, "villains.txt", "a historical villain"},
	{Slogan, "slogans.txt", "a known slogan"},
	{Cliche, "cliches.txt", "a stock phrase"},
	{Causal, "causal.txt", "a causal marker"},
	{Authority, "authority.txt", "an authority marker"},
	{BlackWhite, "blackwhite.txt", "an either/or marker"},
	{Labeling, "labels.txt", "a labeling word"},
	{Bandwagon, "bandwagon.txt", "a bandwagon marker"},
	{Whatabout, "whatabout.txt", "a whataboutism marker"},
}

//go:embed data/*.txt data/vader.tsv data/senses.tsv
var files embed.FS

// Kinds returns every single list, in a fixed order.
func Kinds() []Kind {
	out := make([]Kind, numKinds)
	for i, l := range lists {
		out[i] = l.kind
	}
	return out
}

// Describe returns a short phrase for people naming the lowest list in k,
// e.g. "an intensifier"; "" when k is empty.
func (k Kind) Describe() string {
	for _, l := range lists {
		if k&l.kind != 0 {
			return l.name
		}
	}
	return ""
}

// DescribePhrase is Describe for a multi-word entry: "a flag-waving
// phrase", not "a flag-waving word".
func (k Kind) DescribePhrase() string {
	for i, l := range lists {
		if k&l.kind != 0 {
			return phraseNames[i]
		}
	}
	return ""
}

var phraseNames = func() (out [numKinds]string) {
	for i, l := range lists {
		out[i] = l.name
		if n, ok := strings.CutSuffix(l.name, " word"); ok {
			out[i] = n + " phrase"
		}
	}
	return out
}()

// String returns the names of the lists in k's set, joined by "|".
func (k Kind) String() string {
	var parts []string
	for _, l := range lists {
		if k&l.kind != 0 {
			parts = append(parts, strings.TrimSuffix(l.file, ".txt"))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "|")
}

type tables struct {
	word    map[string]Kind     // one-token entries
	phrases map[string][]phrase // multi-token entries by first token
	entries [numKinds][]string  // as written, for Entries
	valence map[string]float64  // VADER
	err     error
}

type phrase struct {
	tokens []string // lowercased, the first included
	kind   Kind
}

var (
	loadOnce sync.Once
	tab      tables
)

func load() *tables {
	loadOnce.Do(func() { tab.err = tab.load() })
	if tab.err != nil {
		// The files are compiled in; a malformed one is a build defect
		// that TestListsLoad catches, never a run-time condition.
		panic("lexicon: " + tab.err.Error())
	}
	return &tab
}

func (t *tables) load() error {
	t.word = make(map[string]Kind, 1024)
	t.phrases = make(map[string][]phrase, 128)
	for i, l := range lists {
		err := dataLines("data/"+l.file, func(n int, line string) error {
			line = strings.TrimSpace(line)
			toks := Tokens(line)
			if len(toks) == 0 {
				return fmt.Errorf("data/%s:%d: entry %q has no words", l.file, n, line)
			}
			t.entries[i] = append(t.entries[i], line)
			if len(toks) == 1 {
				t.word[toks[0]] |= l.kind
				return nil
			}
			t.phrases[toks[0]] = append(t.phrases[toks[0]], phrase{tokens: toks, kind: l.kind})
			return nil
		})
		if err != nil {
			return err
		}
		if len(t.entries[i]) == 0 {
			return fmt.Errorf("data/%s: no entries", l.file)
		}
	}
	// Longest phrases first so Phrases reports the longest match at a
	// position before its prefixes; ties in file order, for determinism.
	for _, ps := range t.phrases {
		sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].tokens) > len(ps[j].tokens) })
	}
	return t.loadVader()
}

func (t *tables) loadVader() error {
	const name = "data/vader.tsv"
	t.valence = make(map[string]float64, 7600)
	err := dataLines(name, func(n int, line string) error {
		w, v, ok := strings.Cut(line, "\t")
		if !ok {
			return fmt.Errorf("%s:%d: want word TAB valence, got %q", name, n, line)
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < -4 || f > 4 {
			return fmt.Errorf("%s:%d: valence %q is not a number in [-4, 4]", name, n, v)
		}
		t.valence[w] = f
		return nil
	})
	if err != nil {
		return err
	}
	if len(t.valence) == 0 {
		return fmt.Errorf("%s: no entries", name)
	}
	return nil
}

// Tokens splits s into lowercased UAX #29 words, without white space, the
// way entries and Phrases tokens are compared.
func Tokens(s string) []string {
	var out []string
	it := words.FromString(s)
	for it.Next() {
		v := it.Value()
		if strings.TrimFunc(v, unicode.IsSpace) == "" {
			continue
		}
		out = append(out, Lower(v))
	}
	return out
}

// Lower lowercases w and folds typographic apostrophes to "'", so that
// "Don’t" and "don't" match the same entries. It does not allocate when w
// is already in that form.
func Lower(w string) string {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 0x80 || ('A' <= c && c <= 'Z') {
			return strings.ReplaceAll(strings.ToLower(w), "’", "'")
		}
	}
	return w
}

// Stem strips common English inflections from a lowercased word (see
// Lower) so that "threatens", "threatened" and "threatening" share
// features and count as one word when repetition is counted. It is
// deliberately crude: the models only need consistent classes, not
// linguistic stems. It is the only stemmer: both models use it.
func Stem(w string) string {
	w = strings.TrimSuffix(w, "'s")
	if len(w) <= 4 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 5:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ing") && len(w) > 6:
		return w[:len(w)-3]
	case strings.HasSuffix(w, "ed") && len(w) > 5:
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ly") && len(w) > 5:
		return w[:len(w)-2]
	case strings.HasSuffix(w, "es") && len(w) > 5:
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:len(w)-1]
	}
	return w
}

// Possessor returns w without a possessive ending ("Trump's" → "Trump",
// "Saviours’" → "Saviours"), w itself when it has none. Both name-reading
// rule sets (target, quotes) use it.
func Possessor(w string) string {
	for _, suf := range []string{"’s", "'s", "’", "'"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf) {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// IsCaps reports whether w is two or more letters, all capitals: an
// acronym ("WHO", "US") or a shouted word, which both the taggers'
// shape features and the speaker rules read differently from a word.
func IsCaps(w string) bool {
	n := 0
	for _, r := range w {
		if !unicode.IsUpper(r) {
			return false
		}
		n++
	}
	return n >= 2
}

// IsCapitalised reports whether a token starts with an upper-case
// letter: a name, a sentence's first word or a word of a title-case
// headline.
func IsCapitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// IsTitleCase reports whether tokens, a sentence's, are in title case:
// at least two of its words start with a letter and are not function
// words, and three in four of those are capitalised ("Corrupt Thugs
// Plunder the Nation While Their Minions Cheer", "A Suppression of
// Conscience"). Numbers and punctuation count neither way. In such a
// line capitals mark no names, which the fragment boundaries and the
// target rules otherwise read them as.
func IsTitleCase(tokens iter.Seq[string]) bool {
	caps, n := 0, 0
	for w := range tokens {
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsLetter(r) || FunctionOf(w) != NotFunction {
			continue
		}
		n++
		if IsCapitalised(w) {
			caps++
		}
	}
	return n >= 2 && 4*caps >= 3*n
}

// IsWord reports whether a token has a letter or a digit: a word or a
// number, not punctuation. Every count of words uses it.
func IsWord(w string) bool {
	// ASCII is decided without decoding: its letters and digits are
	// unicode's.
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			for _, r := range w[i:] {
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					return true
				}
			}
			return false
		}
		if 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' {
			return true
		}
	}
	return false
}

// Word returns the lists a single lowercased token belongs to as a
// one-word entry (see Lower). Multi-word entries are found by Phrases.
func Word(w string) Kind { return load().word[w] }

// Valence returns the VADER mean valence of a lowercased word, from -4
// (most negative) to +4 (most positive), and whether the word is rated.
func Valence(w string) (float64, bool) {
	v, ok := load().valence[w]
	return v, ok
}

// Match is a multi-word entry found in a token sequence: tokens [Start, End).
type Match struct {
	Kind       Kind
	Start, End int
}

// Phrases calls fn for every multi-word entry in tokens, which must be
// lowercased (see Lower), in order of start position and, at one position,
// longest first. Overlapping matches are all reported.
func Phrases(tokens []string, fn func(Match)) {
	t := load()
	for i, w := range tokens {
		for _, p := range t.phrases[w] {
			if i+len(p.tokens) > len(tokens) {
				continue
			}
			ok := true
			for k := 1; k < len(p.tokens); k++ {
				if tokens[i+k] != p.tokens[k] {
					ok = false
					break
				}
			}
			if ok {
				fn(Match{Kind: p.kind, Start: i, End: i + len(p.tokens)})
			}
		}
	}
}

// Entries returns the entries of a single list as written in its file.
// It returns nil when k is not exactly one list.
func Entries(k Kind) []string {
	t := load()
	for i, l := range lists {
		if l.kind == k {
			return append([]string(nil), t.entries[i]...)
		}
	}
	return nil
}

// notSuperlative are common words ending in "est" that are not
// superlatives.
var notSuperlative = map[string]bool{
	"arrest": true, "attest": true, "chest": true, "conquest": true, "contest": true,
	"detest": true, "digest": true, "earnest": true, "forest": true, "guest": true,
	"harvest": true, "honest": true, "infest": true, "ingest": true, "inquest": true,
	"interest": true, "invest": true, "jest": true, "lest": true, "manifest": true,
	"modest": true, "molest": true, "nest": true, "pest": true, "priest": true,
	"protest": true, "quest": true, "request": true, "rest": true, "suggest": true,
	"test": true, "unrest": true, "vest": true, "west": true, "zest": true,
	"dishonest": true, "midwest": true, "southwest": true, "northwest": true,
	"congest": true, "divest": true, "behest": true, "bequest": true, "crest": true,
	"wrest": true, "pretest": true, "retest": true, "immodest": true, "incest": true,
}

// LooksSuperlative reports whether the lowercased word is a superlative:
// in the superlatives list, or a regular "-est" form such as "dumbest".
func LooksSuperlative(w string) bool {
	if Word(w)&Superlative != 0 {
		return true
	}
	if len(w) < 5 || !strings.HasSuffix(w, "est") || notSuperlative[w] {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// FunctionClass is the word class of an English function word (see
// Function).
type FunctionClass uint8

// The classes of data/function.txt.
const (
	NotFunction FunctionClass = iota
	Determiner                // "the", "a", "their": needs a noun after it
	Preposition               // "of", "in", "without" (verb particles such as "up" excluded)
	Conjunction               // "and", "because", "which": opens or links a clause
	Pronoun                   // "it", "them", "that"
	Auxiliary                 // "is", "have", "would"
)

// LeansForward reports whether words of the class need a word after them
// in the same phrase: determiners, prepositions and conjunctions. An
// annotated fragment never ends on one (in the corpus's 6,126 spans, "the",
// "a", "of", "and" end 3, 0, 7 and 0 against 603, 273, 11 and 40 that
// start with them), while pronouns and auxiliaries end many ("it", "him",
// "is").
func (c FunctionClass) LeansForward() bool {
	return c == Determiner || c == Preposition || c == Conjunction
}

var functionClasses = map[string]FunctionClass{
	"det": Determiner, "prep": Preposition, "conj": Conjunction, "pron": Pronoun, "aux": Auxiliary,
}

// wordClasses is data/function.txt, read at first use. It classes
// function words by grammar, for fragment boundaries; FunctionWord's stop
// list says which words are empty of meaning, for cues and the technique
// classifier's features (which a trained model fixes), and is not derived
// from it.
var wordClasses = sync.OnceValues(func() (map[string]FunctionClass, error) {
	const name = "data/function.txt"
	m := make(map[string]FunctionClass, 160)
	err := dataLines(name, func(n int, line string) error {
		w, c, ok := strings.Cut(line, "\t")
		if !ok || functionClasses[c] == NotFunction || Lower(w) != w {
			return fmt.Errorf("%s:%d: want a lower-case word TAB one of det, prep, conj, pron, aux; got %q", name, n, line)
		}
		if _, dup := m[w]; dup {
			return fmt.Errorf("%s:%d: %q listed twice", name, n, w)
		}
		m[w] = functionClasses[c]
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
})

// dataLines calls each with the number (from 1) and text of every line of
// the embedded file name that is neither blank nor a # comment, and
// returns the first error.
func dataLines(name string, each func(n int, line string) error) error {
	b, err := files.ReadFile(name)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if err := each(n, line); err != nil {
			return err
		}
	}
	return sc.Err()
}

// Function returns the class of a lowercased word (see Lower) in the
// project's list of English function words, or NotFunction.
func Function(w string) FunctionClass { return classes()[w] }

// classes is the function-word table, compiled in: TestFunctionWords
// catches a malformed file.
func classes() map[string]FunctionClass {
	m, err := wordClasses()
	if err != nil {
		panic("lexicon: " + err.Error())
	}
	return m
}

// FunctionOf is Function(Lower(w)): the class of a token as written. It
// does not allocate for an ASCII word: IsTitleCase asks it of every word
// of every sentence, and lowering a copy of each capitalised word was
// most of that.
func FunctionOf(w string) FunctionClass {
	var buf [16]byte
	if len(w) > len(buf) {
		return Function(Lower(w))
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return Function(Lower(w))
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return classes()[string(buf[:len(w)])] // looked up without allocating
}

// adjectiveSuffixes are endings that mark most English words carrying them
// as adjectives ("glamorous", "foolish", "violent", "disgraceful").
var adjectiveSuffixes = []string{"ous", "ful", "ive", "ish", "ic", "ical", "al", "less", "able", "ible", "ant", "ent", "ary", "ese", "ian"}

// notAdjective are words with such an ending that are mostly nouns or
// verbs.
var notAdjective = set(`student president agent parent event moment government statement agreement element percent content
	comment payment treatment movement development department investment management incident accident
	resident client patient talent extent intent consent prevent want plant grant giant servant migrant
	immigrant applicant assistant tenant restaurant deal proposal trial official animal capital hospital
	signal total rival arrival approval survival festival journal general criminal individual scandal
	deficit library secretary dictionary salary summary anniversary boundary itinerary military cable
	table able bible topic music clinic public republic logic traffic critic panic arsenal tribunal objective
	initiative executive representative detective alternative native motive archive`)

// LooksAdjective reports whether the lowercased word looks like an
// adjective by its ending ("glamorous", "foolish", "violent"), a guess
// without a part-of-speech tagger: it says nothing of adjectives without
// such an ending ("angry", "big").
func LooksAdjective(w string) bool {
	if len(w) < 5 || notAdjective[w] || strings.HasSuffix(w, "ly") {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && r != '-' {
			return false
		}
	}
	for _, s := range adjectiveSuffixes {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

// labelVerbs put a label on their object: "called him a liar", "described
// the rally as “a love fest”".
var labelVerbs = set(`call calls called calling brand brands branded branding
	label labels labelled labeled labelling labeling dub dubs dubbed dubbing termed
	deem deems deemed describe describes described describing`)

// IsLabelVerb reports whether the lowercased word is a form of a verb that
// puts a label on its object ("called", "branded", "describes"): the
// target of a name-calling fragment after one is its object, and a
// quotation after one is often its subject's words.
func IsLabelVerb(w string) bool { return labelVerbs[w] }

// notAdverbs are words ending in -ly that are nouns or verbs: "the family
// said", "the rally organiser", "the Catholic daily", "they rely".
// Adjectives in -ly ("friendly", "elderly") are left to LooksAdverb:
// they head no subject either.
var notAdverbs = set(`family families supply reply rally tally ally belly bully lily jelly holly folly
	assembly monopoly anomaly butterfly firefly dragonfly homily melancholy panoply only
	apply imply comply multiply rely fly daily weekly monthly quarterly`)

// LooksAdverb reports whether the lowercased word looks like an adverb
// in -ly ("reportedly", "publicly"), the kind that stands between a
// subject and its verb ("the company reportedly said") and heads no noun
// phrase; adjectives in -ly ("friendly") count too. It says nothing of
// adverbs without the ending ("soon", "still").
func LooksAdverb(w string) bool {
	if len(w) <= 4 || !strings.HasSuffix(w, "ly") || notAdverbs[w] {
		return false
	}
	for _, r := range w {
		if !unicode.IsLower(r) {
			return false
		}
	}
	return true
}
