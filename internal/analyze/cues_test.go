package analyze

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"unspun/internal/corpus"
	"unspun/internal/doc"
	"unspun/internal/lexicon"
	"unspun/internal/model"
	"unspun/internal/testenv"
)

// cueForms are the shapes of the cues a reader is shown: each a reason
// stated in words, never a bare word ("the word “us”") or a feature
// ("short phrase (2 words)").
var cueForms = func() []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, f := range []string{
		`“[^”]+” is an? [a-z/ -]+`,
		`(next to|in a sentence with) “[^”]+”, an? [a-z/ -]+`,
		`“[^”]+” recurs \d+ times in the article(, counting forms like “[^”]+”)?`,
		`the phrase “[^”]+” recurs \d+ times in the article`,
		`this passage recurs \d+ times in the article`,
		`(“[^”]+”|it) is written in capitals`,
		`inside a quotation( of .+)?`,
		`in quotation marks`,
		`part of it is in quotation marks`,
		`the sentence (ends with|has) an exclamation mark`,
		`the sentence (asks a question|has a question mark)`,
		`it is in the headline`,
		`the sentence has \d+ words from lists of rhetorical devices`,
		`the sentence is emotionally charged`,
		`its wording resembles typical [a-z/ -é]+`,
		`(words like “[^”]+” are|“[^”]+” is|this passage is) typical of [a-z/ -é]+`,
		`(words like “[^”]+” often appear|“[^”]+” often appears|this passage often appears) in propaganda`,
	} {
		out = append(out, regexp.MustCompile(`^`+f+`$`))
	}
	return out
}()

var (
	quoted  = regexp.MustCompile(`“([^”]+)”`)
	recurs  = regexp.MustCompile(`^(?:the phrase )?“([^”]+)” recurs (\d+) times in the article(?:, counting forms like “([^”]+)”)?$`)
	listCue = regexp.MustCompile(`^(?:(?:next to|in a sentence with) )?“[^”]+”(?: is|,) an? `)
)

// TestShippedCuesReadable runs the shipped model over the 60 validation
// articles and reads every fragment's cues as a user would: at most four
// and at least one; each a reason in one of the forms of cueForms; one
// cue per fact (no fact stated twice, no word both "typical" and given a
// fact, no two counts for one repetition, no repetition within another:
// "administration" in "the Trump administration"); every repetition count the
// article's; no cue quoting punctuation, a single letter, part of a web
// address, or a function word (unless the cue is that the word itself is
// on a word list: "“because” is a causal marker").
func TestShippedCuesReadable(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses 60 articles")
	}
	m, err := model.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	arts, err := corpus.ReadSplit(testenv.PTC(t), "split-validation.txt")
	if err != nil {
		t.Fatal(err)
	}
	a := New(m)
	fragments, cues := 0, 0
	for _, art := range arts {
		res, err := a.Analyze(context.Background(), art.ID, art.Doc.Text)
		if err != nil {
			t.Fatal(err)
		}
		c := newRecount(art.Doc)
		for _, s := range res.Spans {
			fragments++
			cues += len(s.Cues)
			for _, p := range cueProblems(c, s.Cues) {
				t.Errorf("article %s, fragment %q, cues %q: %s", art.ID, s.Text, s.Cues, p)
			}
		}
	}
	t.Logf("%d fragments, %d cues (%.2f each)", fragments, cues, float64(cues)/float64(max(fragments, 1)))
	if fragments == 0 {
		t.Error("no fragments")
	}
}

// cueProblems returns what a reader would object to in one fragment's
// cues.
func cueProblems(c *recount, cues []string) []string {
	var out []string
	if len(cues) > maxCues {
		out = append(out, strconv.Itoa(len(cues))+" cues")
	}
	if len(cues) == 0 {
		out = append(out, "no cue")
	}
	facts := map[string]string{}    // fact → the cue stating it
	subjects := map[string]string{} // quoted subject → the family of the first cue about it
	var repeats []string            // the stems of the repetitions, space-padded
	for _, cue := range cues {
		if !matchesAny(cue) {
			out = append(out, "not a reason: "+cue)
		}
		family, subject := factOf(cue)
		key := family + "\x00" + subject
		if family == "recurs" {
			key = family + "\x00" + c.stems(subject)
		}
		if prev, ok := facts[key]; ok {
			out = append(out, "one fact twice: "+prev+" / "+cue)
		}
		facts[key] = cue
		if subject != "" {
			if f, ok := subjects[subject]; ok && f != family && (f == "typical" || family == "typical") {
				out = append(out, "“"+subject+"” is both typical and given a fact")
			}
			subjects[subject] = family
		}
		for _, q := range quoted.FindAllStringSubmatch(cue, -1) {
			if p := c.quoteProblem(q[1], listCue.MatchString(cue) && q[0] == quoted.FindString(cue)); p != "" {
				out = append(out, p+": "+cue)
			}
		}
		if m := recurs.FindStringSubmatch(cue); m != nil {
			s := " " + c.stems(m[1]) + " "
			for _, r := range repeats {
				if strings.Contains(r, s) || strings.Contains(s, r) {
					out = append(out, "a repetition within another: "+cue)
				}
			}
			repeats = append(repeats, s)
			n, _ := strconv.Atoi(m[2])
			if got := c.count(m[1]); got != n {
				out = append(out, "the article has "+strconv.Itoa(got)+": "+cue)
			}
			if m[3] != "" && (c.stems(m[3]) != c.stems(m[1]) || lexicon.Lower(m[3]) == lexicon.Lower(m[1])) {
				out = append(out, "not another form: "+cue)
			}
		}
	}
	return out
}

func matchesAny(cue string) bool {
	for _, re := range cueForms {
		if re.MatchString(cue) {
			return true
		}
	}
	return false
}

// factOf returns the family of fact a cue states and the lowercased text
// it quotes first ("" for facts about the fragment or its sentence).
func factOf(cue string) (family, subject string) {
	if m := quoted.FindStringSubmatch(cue); m != nil {
		subject = lexicon.Lower(m[1])
	}
	switch {
	case strings.Contains(cue, " recurs "):
		family = "recurs"
	case strings.HasSuffix(cue, "negative word") || strings.HasSuffix(cue, "positive word"):
		family = "valence"
	case strings.Contains(cue, "quotation"):
		return "quote", ""
	case strings.Contains(cue, "exclamation"):
		return "exclaim", ""
	case strings.Contains(cue, "question"):
		return "question", ""
	case strings.Contains(cue, "capitals"):
		return "capitals", ""
	case strings.Contains(cue, "headline"):
		return "headline", ""
	case strings.HasPrefix(cue, "the sentence"):
		return cue, ""
	case strings.Contains(cue, "typical") || strings.Contains(cue, "often appear"):
		family = "typical"
	default:
		family = "list"
	}
	return family, subject
}

// recount counts an article's words again, independently of the models'
// counts, to check the counts cues state.
type recount struct {
	d     *doc.Document
	stem  []string // per word token (punctuation left out)
	lower []string
}

func newRecount(d *doc.Document) *recount {
	c := &recount{d: d}
	for _, w := range d.Words {
		if l := lexicon.Lower(w.Text); lexicon.IsWord(l) {
			c.lower = append(c.lower, l)
			c.stem = append(c.stem, lexicon.Stem(l))
		}
	}
	return c
}

// stems returns the stems of the words of text, joined by spaces.
func (c *recount) stems(text string) string {
	var out []string
	for _, l := range lexicon.Tokens(text) {
		if lexicon.IsWord(l) {
			out = append(out, lexicon.Stem(l))
		}
	}
	return strings.Join(out, " ")
}

// count returns how many times the words of text occur in the article,
// compared by stem, punctuation skipped.
func (c *recount) count(text string) int {
	key := strings.Fields(c.stems(text))
	n := 0
	for i := 0; i+len(key) <= len(c.stem); i++ {
		ok := true
		for k, s := range key {
			if c.stem[i+k] != s {
				ok = false
				break
			}
		}
		if ok {
			n++
		}
	}
	return n
}

// quoteProblem returns what is wrong with a cue quoting q, "" when
// nothing; listed reports that the cue says q is on a word list.
func (c *recount) quoteProblem(q string, listed bool) string {
	toks := lexicon.Tokens(q)
	if !lexicon.IsWord(q) {
		return "quotes punctuation"
	}
	if len(toks) == 1 {
		l := toks[0]
		if len([]rune(l)) < 2 && !(listed && lexicon.Word(l) != 0) {
			return "quotes a single letter"
		}
		if lexicon.FunctionWord(l) && !(listed && (lexicon.Word(l) != 0 || lexicon.LooksSuperlative(l))) {
			return "quotes a function word"
		}
	}
	// Each piece of q must occur in the article outside a web address
	// (a quoted phrase leaves out the article's own quotation marks).
	text := c.d.Text
	for _, piece := range strings.Fields(q) {
		for i := 0; ; {
			k := strings.Index(text[i:], piece)
			if k < 0 {
				return "quotes part of a web address, or text not in the article"
			}
			if !lexicon.IsLinkAt(text, i+k, i+k+len(piece)) {
				break
			}
			i += k + len(piece)
		}
	}
	return ""
}
