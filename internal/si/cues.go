package si

import (
	"cmp"
	"fmt"
	"slices"

	"unspun/internal/doc"
	"unspun/internal/lexicon"
)

// maxCues is how many reasons a span carries at most.
const maxCues = 3

// commonWords is how many of the most frequent vector rows count as
// function words for explanations.
const commonWords = 150

// cue is the summed pull of one feature template on one word towards
// "inside a span".
type cue struct {
	tpl  uint8
	seq  int32 // first-seen order, which breaks ties in pull
	tok  int
	pull float64
}

// cues explains a span found with the CRF weights: it weighs each feature
// of the span's words by how much the weights move the word from O
// towards B or I, and words the strongest few. It reads the features
// extract left in s.
func (m *Model) cues(weights *crf, d *doc.Document, s *scratch, sp Span) []string {
	a, b := d.WordsIn(sp.Start, sp.End)
	m.spanFeatures(d, s, a, b)
	// cs in first-seen order (ties keep it when sorted), found by
	// template and word through s.cueAt, a table over the words the
	// span's features describe (a map was a tenth of tagging; a search of
	// cs was quadratic on a span of thousands of words).
	lo, hi := len(d.Words), -1
	for i := a; i < b; i++ {
		for _, f := range s.x.out[s.offs[i]:s.offs[i+1]] {
			if k := i + int(f.off); k >= 0 && k < len(d.Words) {
				lo, hi = min(lo, k), max(hi, k)
			}
		}
	}
	if lo > hi {
		return nil
	}
	s.cueAt = resize(s.cueAt, (hi-lo+1)*numTemplates) // index in cs + 1; 0 for none
	cs := s.cues[:0]
	defer func() { s.cues = cs[:0] }()
	for i := a; i < b; i++ {
		tag := uint32(tagI)
		if i == a {
			tag = tagB
		}
		for _, f := range s.x.out[s.offs[i]:s.offs[i+1]] {
			k := i + int(f.off)
			if k < 0 || k >= len(d.Words) {
				continue
			}
			w := weights.w[f.row*nTags:]
			pull := float64(w[tag] - w[tagO])
			at := &s.cueAt[(k-lo)*numTemplates+int(f.tpl)]
			if *at > 0 {
				cs[*at-1].pull += pull
			} else {
				cs = append(cs, cue{tpl: f.tpl, seq: int32(len(cs)), tok: k, pull: pull})
				*at = int32(len(cs))
			}
		}
	}
	// Only positive pulls explain the span; about half the cues are not,
	// and sorting was most of the cost of explaining.
	cs = slices.DeleteFunc(cs, func(c cue) bool { return c.pull <= 0 })
	// Strongest first, ties by first sight (the order a stable sort
	// gives). Most spans are explained by their few strongest cues, so
	// only those are ordered first; the rest only when they run out.
	var out []string
	top := strongest(cs, topCues)
	for k := 0; k < len(top) && len(out) < maxCues; k++ {
		if t := m.describe(d, s, top[k]); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
		if k == len(top)-1 && len(top) < len(cs) && len(out) < maxCues {
			slices.SortFunc(cs, cueOrder)
			top = cs
		}
	}
	return out
}

// topCues is how many of a span's strongest cues are ordered before any
// is worded: enough for maxCues nearly always.
const topCues = 16

// cueOrder orders cues by pull, strongest first, then by first sight.
func cueOrder(x, y cue) int {
	if c := cmp.Compare(y.pull, x.pull); c != 0 {
		return c
	}
	return cmp.Compare(x.seq, y.seq)
}

// strongest returns the k first cues of cs in cueOrder, in that order,
// in one pass over cs.
func strongest(cs []cue, k int) []cue {
	top := make([]cue, 0, k)
	for _, c := range cs {
		if len(top) == k && cueOrder(c, top[k-1]) >= 0 {
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

// describe words one cue for a reader; "" for signals that explain
// nothing on their own (bias, frequency, length).
func (m *Model) describe(d *doc.Document, s *scratch, c cue) string {
	w := d.Words[c.tok].Text
	t := &s.di.toks[c.tok]
	next := ""
	if c.tok+1 < len(d.Words) && lexicon.IsWord(d.Words[c.tok+1].Text) {
		next = d.Words[c.tok+1].Text
	}
	if !lexicon.IsWord(w) {
		// Punctuation explains nothing to a reader, except through the
		// sentence-level cues.
		switch c.tpl {
		case tQuote, tSentExcl, tSentQuest, tSentLex, tSentVal:
		default:
			return ""
		}
	}
	// The commonest words ("the", "of") explain nothing by themselves.
	common := t.vecRow >= 0 && t.vecRow < commonWords
	switch c.tpl {
	case tWord, tStem, tPrefix, tSuffix, tPrev, tNext, tPrev2, tNext2, tCluster, tClusterWin, tRepeat:
		if common {
			return ""
		}
	}
	switch c.tpl {
	case tWord, tStem, tPrefix, tSuffix:
		return fmt.Sprintf("the word “%s”", w)
	case tPrev, tNext, tPrev2, tNext2:
		return fmt.Sprintf("the word “%s”", w)
	case tBigramL, tBigramR:
		if next == "" {
			return fmt.Sprintf("the word “%s”", w)
		}
		return fmt.Sprintf("the wording “%s %s”", w, next)
	case tLex, tLexWin, tPhrase:
		if k := t.lex | t.phrase; k != 0 {
			return fmt.Sprintf("“%s” is %s", w, k.Describe())
		}
	case tValence:
		if t.valence < 0 {
			return fmt.Sprintf("“%s” is a strongly negative word", w)
		}
		return fmt.Sprintf("“%s” is an emotionally loaded word", w)
	case tSuperl:
		return fmt.Sprintf("“%s” is a superlative", w)
	case tCaps:
		return fmt.Sprintf("“%s” is written in capitals", w)
	case tQuote:
		return "it is inside a quotation"
	case tSentExcl:
		return "the sentence exclaims"
	case tSentQuest:
		return "the sentence asks a question"
	case tArtPos:
		if t.sent == 0 {
			return "it is in the headline"
		}
	case tRepeat:
		if n := s.di.counts[t.lower]; n > 1 {
			return fmt.Sprintf("“%s” recurs %d times in the article", w, n)
		}
	case tRepeatBigram:
		if next != "" {
			return fmt.Sprintf("“%s %s” recurs in the article", w, next)
		}
	case tSentLex:
		return "the sentence is full of loaded words"
	case tSentVal:
		return "the sentence is emotionally charged"
	case tCluster, tClusterWin:
		return fmt.Sprintf("“%s” belongs to a family of words often used in propaganda", w)
	}
	return ""
}
