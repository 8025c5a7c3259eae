package si

import (
	"cmp"
	"math"
	"slices"

	"unspun/internal/cue"
	"unspun/internal/doc"
	"unspun/internal/lexicon"
)

// maxCues is how many facts a span carries at most: cue.Merge shows at
// most as many, and the classifier's come first.
const maxCues = cue.Max

// pull is the summed pull of one feature template on one word towards
// "inside a span".
type pull struct {
	tpl  uint8
	seq  int32 // first-seen order, which breaks ties in pull
	tok  int
	pull float64
}

// cues explains a span found with the CRF weights: it weighs each feature
// of the span's words by how much the weights move the word from O
// towards B or I, and returns the facts the strongest few state. It reads
// the features extract left in s.
func (m *Model) cues(weights *crf, d *doc.Document, s *scratch, sp Span) []cue.Cue {
	a, b := d.WordsIn(sp.Start, sp.End)
	m.spanFeatures(d, s, a, b)
	// cs in first-seen order (ties keep it when sorted), found by
	// template and word through s.cueAt, a table over the words the
	// span's features describe (a map was a tenth of tagging; a search of
	// cs was quadratic on a span of thousands of words).
	lo, hi := len(d.Words), -1
	for i := a; i < b; i++ {
		for _, f := range s.x.out[s.offs[i]:s.offs[i+1]] {
			if k := i + int(f.off); k >= 0 && k < len(d.Words) && !noFact[f.tpl] {
				lo, hi = min(lo, k), max(hi, k)
			}
		}
	}
	if lo > hi {
		return nil
	}
	s.cueAt = resize(s.cueAt, (hi-lo+1)*numTemplates) // index in cs + 1; 0 for none
	cs := s.pulls[:0]                                 // kept in s for the next span
	// The weights are read where tagging has just read the span's rows
	// (the interleaved table, for a model's CRFs), all of the span's
	// first, one after another, so that their waits on memory overlap
	// (the bits only keep the reads from being dropped).
	ws, stride := m.sparseTable(weights)
	var touched uint32
	for _, f := range s.x.out[s.offs[a]:s.offs[b]] {
		touched ^= math.Float32bits(ws[int(f.row)*stride])
	}
	s.touched = touched
	for i := a; i < b; i++ {
		tag := uint32(tagI)
		if i == a {
			tag = tagB
		}
		for _, f := range s.x.out[s.offs[i]:s.offs[i+1]] {
			k := i + int(f.off)
			if k < 0 || k >= len(d.Words) || noFact[f.tpl] {
				continue
			}
			w := ws[int(f.row)*stride:]
			p := float64(w[tag] - w[tagO])
			at := &s.cueAt[(k-lo)*numTemplates+int(f.tpl)]
			if *at > 0 {
				cs[*at-1].pull += p
			} else {
				cs = append(cs, pull{tpl: f.tpl, seq: int32(len(cs)), tok: k, pull: p})
				*at = int32(len(cs))
			}
		}
	}
	s.pulls = cs[:0]
	// Only positive pulls explain the span; about half the cues are not,
	// and sorting was most of the cost of explaining.
	cs = slices.DeleteFunc(cs, func(c pull) bool { return c.pull <= 0 })
	// Strongest first, ties by first sight (the order a stable sort
	// gives). Most spans are explained by their few strongest cues, so
	// they are ordered topCues at a time, each batch the strongest after
	// the last one's weakest: sorting every cue when the first batch ran
	// out was a fifth of explaining.
	var out []cue.Cue
	top := strongest(s.top[:0], cs, topCues, nil)
	for seen := 0; len(top) > 0; {
		for k := 0; k < len(top) && len(out) < maxCues; k++ {
			if c, ok := fact(d, s, top[k], a, b); ok && !stated(out, c) {
				if out == nil {
					out = make([]cue.Cue, 0, maxCues)
				}
				out = append(out, c)
			}
		}
		if seen += len(top); len(out) == maxCues || seen == len(cs) {
			break
		}
		last := top[len(top)-1]
		top = strongest(top[:0], cs, topCues, &last)
	}
	s.top = top[:0]
	return out
}

// topCues is how many of a span's strongest cues are ordered before any
// is worded: enough for maxCues nearly always.
const topCues = 16

// cueOrder orders cues by pull, strongest first, then by first sight.
func cueOrder(x, y pull) int {
	if c := cmp.Compare(y.pull, x.pull); c != 0 {
		return c
	}
	return cmp.Compare(x.seq, y.seq)
}

// strongest returns the k first cues of cs in cueOrder, in that order,
// in one pass over cs, in top's memory; when after is not nil, the first
// k of those after it.
func strongest(top, cs []pull, k int, after *pull) []pull {
	top = top[:0]
	for _, c := range cs {
		if len(top) == k && cueOrder(c, top[k-1]) >= 0 || after != nil && cueOrder(c, *after) <= 0 {
			continue
		}
		if len(top) < k {
			top = append(top, c)
		} else {
			top[k-1] = c
		}
		for j := len(top) - 1; j > 0 && cueOrder(top[j], top[j-1]) < 0; j-- {
			top[j], top[j-1] = top[j-1], top[j]
		}
	}
	return top
}

// noFact marks the templates whose features state no fact a reader could
// use (fact returns false for them): they are left out of a span's cues
// before its pulls are ranked, which leaves the order of the others as
// it was.
var noFact = [numTemplates]bool{tBias: true, tShape: true, tSentLen: true, tSentPos: true, tFreq: true, tSentQuote: true, tArticle: true}

// stated reports whether cs holds a cue of c's kind about c's words: the
// word itself and words like it (its stem, its spelling) are one reason.
func stated(cs []cue.Cue, c cue.Cue) bool {
	for _, o := range cs {
		if o.Kind == c.Kind && o.Start == c.Start && o.End == c.End {
			return true
		}
	}
	return false
}

// fact returns the fact that cue c, of the span of words [a, b), states;
// false for signals that state none a reader could use (bias, frequency,
// length, a function word).
func fact(d *doc.Document, s *scratch, c pull, a, b int) (cue.Cue, bool) {
	k := c.tok
	t := &s.di.toks[k]
	in := k >= a && k < b
	at := func(kind cue.Kind, i, j int) cue.Cue {
		return cue.Cue{Kind: kind, Tech: cue.Propaganda, Start: int32(i), End: int32(j)}
	}
	quotable := func(i int) bool { return cue.Quotable(d, i, s.di.toks[i].lower) }
	typical := func(like bool) (cue.Cue, bool) {
		if !in {
			return outside(d, s, k)
		}
		c := at(cue.Typical, k, k+1)
		c.Like = like
		return c, quotable(k)
	}
	switch c.tpl {
	case tWord:
		return typical(false)
	case tStem, tPrefix, tSuffix, tCluster:
		return typical(true)
	case tPrev, tNext, tPrev2, tNext2:
		return typical(false)
	case tClusterWin:
		return typical(true)
	case tBigramL, tBigramR:
		// The pair of words k and k+1.
		if k+1 >= len(s.di.toks) {
			return cue.Cue{}, false
		}
		switch {
		case k >= a && k+1 < b:
			return at(cue.Typical, k, k+2), lexicon.IsWord(t.lower) && lexicon.IsWord(s.di.toks[k+1].lower) &&
				(quotable(k) || quotable(k+1))
		case k+1 == a:
			return outside(d, s, k)
		case k+1 == b:
			return outside(d, s, k+1)
		}
	case tLex, tLexWin, tPhrase:
		if t.lex != 0 && c.tpl != tPhrase {
			c := at(cue.List, k, k+1)
			c.List = t.lex
			return c, true
		}
		if t.phrase != 0 {
			return phraseAt(s, k), true
		}
	case tSuperl:
		c := at(cue.List, k, k+1)
		c.List = lexicon.Superlative
		return c, true
	case tValence:
		return at(cue.Valence, k, k+1), t.hasVal && cue.StrongValence(t.valence) && quotable(k)
	case tCaps:
		// The run of capitals k is in, inside the span.
		i, j := k, k+1
		for i > a && lexicon.IsCaps(d.Words[i-1].Text) {
			i--
		}
		for j < b && lexicon.IsCaps(d.Words[j].Text) {
			j++
		}
		return at(cue.Capitals, i, j), cue.Shouted(d, i, j)
	case tQuote:
		return cue.Cue{Kind: cue.Quote}, true
	case tSentExcl:
		return cue.Cue{Kind: cue.Exclaim}, true
	case tSentQuest:
		return cue.Cue{Kind: cue.Question}, true
	case tArtPos:
		return cue.Cue{Kind: cue.Headline}, t.sent == 0 && s.di.title
	case tRepeat:
		return at(cue.Repeat, k, k+1), in && int(s.di.count[k]) >= cue.MinWordRepeats && quotable(k)
	case tRepeatBigram:
		if k+1 < b && k >= a {
			return at(cue.Repeat, k, k+2), int(s.di.pair[k]) >= cue.MinPhraseRepeats
		}
	case tSentLex:
		return cue.Cue{Kind: cue.Rhetoric}, s.di.sentLex[t.sent] >= cue.MinRhetoric
	case tSentVal:
		return cue.Cue{Kind: cue.Emotive}, s.di.sentVal[t.sent] >= cue.MinEmotive
	}
	return cue.Cue{}, false
}

// outside returns the fact about word k outside a span that the span's
// features read: its word list, or its valence; false when it has
// neither, as a plain word outside a span is no reason a reader could
// follow.
func outside(d *doc.Document, s *scratch, k int) (cue.Cue, bool) {
	t := &s.di.toks[k]
	switch {
	case t.lex != 0:
		return cue.Cue{Kind: cue.List, List: t.lex, Start: int32(k), End: int32(k + 1)}, true
	case t.phrase != 0:
		return phraseAt(s, k), true
	case t.hasVal && cue.StrongValence(t.valence):
		return cue.Cue{Kind: cue.Valence, Start: int32(k), End: int32(k + 1)}, cue.Quotable(d, k, t.lower)
	}
	return cue.Cue{}, false
}

// maxPhrase is the most words a multi-word lexicon entry has.
const maxPhrase = 8

// phraseAt returns the List cue of the multi-word lexicon entry covering
// word k: the entry, not its word k, is the reason ("“our nation” is a
// flag-waving phrase", not "“our” is …").
func phraseAt(s *scratch, k int) cue.Cue {
	toks := s.di.toks
	lo, hi := max(0, k-maxPhrase+1), min(len(toks), k+maxPhrase)
	var buf [2*maxPhrase - 1]string
	w := buf[:0]
	for i := lo; i < hi; i++ {
		w = append(w, toks[i].lower)
	}
	c := cue.Cue{Kind: cue.List, List: toks[k].phrase, Start: int32(k), End: int32(k + 1)}
	found := false
	lexicon.Phrases(w, func(m lexicon.Match) {
		if !found && lo+m.Start <= k && k < lo+m.End && m.Kind&toks[k].phrase != 0 {
			c.List, c.Start, c.End = m.Kind, int32(lo+m.Start), int32(lo+m.End)
			found = true
		}
	})
	return c
}
