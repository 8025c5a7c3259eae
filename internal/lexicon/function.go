package lexicon

import "strings"

// functionWords are the common English function words (articles,
// pronouns, prepositions, conjunctions, auxiliaries) and a few frequent
// words as empty of meaning on their own ("said", "like", "one"). They are
// the one stop list: the technique classifier leaves them out of its
// word-vector averages and repetition counts, and no cue quotes one as a
// reason.
var functionWords = set(`a about above after again against all also am an and any are as at be
	because been before being below between both but by can could did do does doing down during each few
	for from further had has have having he her here hers herself him himself his how i if in into is it
	its itself just me more most my myself no nor not now of off on once only or other our ours ourselves
	out over own same she should so some such than that the their theirs them themselves then there these
	they this those through to too under until up very was we were what when where which while who whom
	why will with would you your yours yourself yourselves said says one two like even many much
	us may might must shall upon yet ever every another however though although among within without
	toward towards across around via per thus since unless whose onto else etc let whether either neither`)

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// FunctionWords returns the entries of the function-word list, in no
// particular order; FunctionWord also takes their contractions.
func FunctionWords() []string {
	out := make([]string, 0, len(functionWords))
	for w := range functionWords {
		out = append(out, w)
	}
	return out
}

// FunctionWord reports whether a lowercased token (see Lower) is a
// function word: one of functionWords, or a contraction of one ("it's",
// "I've", "they're") or of an auxiliary with "not" ("don't", "won't":
// every English n't contraction is an auxiliary).
func FunctionWord(w string) bool {
	if functionWords[w] {
		return true
	}
	i := strings.LastIndexByte(w, '\'')
	if i <= 0 {
		return false
	}
	switch w[i:] {
	case "'t":
		return strings.HasSuffix(w[:i], "n")
	case "'s", "'re", "'ve", "'ll", "'d", "'m":
		return functionWords[w[:i]]
	}
	return false
}

// maxLinkScan bounds how far IsLinkAt looks for the white space around a
// token, so that a text without spaces costs no more per token than any
// other.
const maxLinkScan = 256

// IsLink reports whether a white-space-delimited field of text is a web
// address or a social-media handle ("https://…", "www.…", "@name",
// "pic.twitter.com/…"), opening brackets and quotation marks ignored:
// text in no language, which neither language identification nor a
// reader's explanation should read.
func IsLink(field string) bool {
	t := strings.TrimLeftFunc(field, isOpening)
	// Most fields are words: without a colon, only a field that starts
	// like "www.", "@" or "pic.twitter.com" can be a link. Package lang
	// asks about every field of every paragraph.
	if t == "" {
		return false
	}
	if c := t[0]; c != 'w' && c != 'W' && c != '@' && c != 'p' && strings.IndexByte(t, ':') < 0 {
		return false
	}
	return hasPrefixFold(t, "http://") || hasPrefixFold(t, "https://") || hasPrefixFold(t, "www.") ||
		strings.HasPrefix(t, "@") || strings.HasPrefix(t, "pic.twitter.com") || strings.Contains(t, "://")
}

// IsLinkAt reports whether the bytes [start, end) of text lie in a field
// that IsLink calls a link: "https", "www.example.com" and the path words
// of "https://www.example.com/a-b" are all parts of one address. It looks
// at most maxLinkScan bytes either side.
func IsLinkAt(text string, start, end int) bool {
	a := start
	for a > 0 && start-a < maxLinkScan && !isSpaceByte(text[a-1]) {
		a--
	}
	b := end
	for b < len(text) && b-end < maxLinkScan && !isSpaceByte(text[b]) {
		b++
	}
	return IsLink(text[a:b])
}

// isSpaceByte reports ASCII white space, which separates the fields of
// IsLinkAt.
func isSpaceByte(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return false
}

func isOpening(r rune) bool {
	switch r {
	case '(', '[', '{', '<', '"', '\'', '“', '‘':
		return true
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
