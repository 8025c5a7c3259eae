package lexicon

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"unspun/internal/doc"
)

func TestListsLoad(t *testing.T) {
	for _, k := range Kinds() {
		es := Entries(k)
		if len(es) < 5 {
			t.Errorf("%v: %d entries, want at least 5", k, len(es))
		}
		for _, e := range es {
			toks := Tokens(e)
			if len(toks) == 1 && Word(toks[0])&k == 0 {
				t.Errorf("%v: entry %q not found by Word", k, e)
			}
		}
		if k.Describe() == "" {
			t.Errorf("%v: no description", k)
		}
	}
	if _, ok := Valence("good"); !ok {
		t.Error(`Valence("good") not rated`)
	}
}

func TestWord(t *testing.T) {
	tests := []struct {
		word string
		want Kind // every bit must be set
		not  Kind // no bit may be set
	}{
		{"utterly", Intensifier, Fear},
		{"greatest", Superlative, Hedge},
		{"allegedly", Hedge, Intensifier},
		{"dubious", Doubt, Flag},
		{"patriots", Flag, Fear},
		{"catastrophe", Fear, Flag},
		{"hitler", Villain, Flag},
		{"because", Causal, Fear},
		{"experts", Authority, Fear},
		{"either", BlackWhite, Fear},
		{"thugs", Labeling, Flag},
		{"everyone", Bandwagon | Absolute, Fear},
		{"table", 0, ^Kind(0)},
		{"Hitler", 0, ^Kind(0)}, // Word expects lowercased input
	}
	for _, tt := range tests {
		got := Word(tt.word)
		if got&tt.want != tt.want || got&tt.not != 0 {
			t.Errorf("Word(%q) = %v, want %v and none of %v", tt.word, got, tt.want, tt.not)
		}
	}
}

func TestPhrases(t *testing.T) {
	tests := []struct {
		text string
		want []string // "kind:start-end"
	}{
		{"It is what it is.", []string{"cliches:0-5"}},
		{"The so-called experts", []string{"labels:1-4"}},
		{"Prices rose due to the tax, as a result of greed", []string{"causal:2-4", "causal:7-10"}},
		{"Nothing unusual here", nil},
		{"due", nil}, // a phrase's prefix at the end of the input
	}
	for _, tt := range tests {
		var got []string
		Phrases(Tokens(tt.text), func(m Match) {
			got = append(got, fmt.Sprintf("%v:%d-%d", m.Kind, m.Start, m.End))
		})
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("Phrases(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestValence(t *testing.T) {
	tests := []struct {
		word     string
		sign     int
		wantRate bool
	}{
		{"terrible", -1, true},
		{"great", 1, true},
		{"table", 0, false},
	}
	for _, tt := range tests {
		v, ok := Valence(tt.word)
		if ok != tt.wantRate || (tt.sign < 0 && v >= 0) || (tt.sign > 0 && v <= 0) {
			t.Errorf("Valence(%q) = %v, %v; want sign %d, rated %v", tt.word, v, ok, tt.sign, tt.wantRate)
		}
	}
}

func TestLooksSuperlative(t *testing.T) {
	tests := []struct {
		word string
		want bool
	}{
		{"dumbest", true}, {"worst", true}, {"unprecedented", true},
		{"interest", false}, {"protest", false}, {"best-selling", false}, {"est", false},
	}
	for _, tt := range tests {
		if got := LooksSuperlative(tt.word); got != tt.want {
			t.Errorf("LooksSuperlative(%q) = %v, want %v", tt.word, got, tt.want)
		}
	}
}

func TestLowerAndTokens(t *testing.T) {
	if got := Lower("Don’t"); got != "don't" {
		t.Errorf("Lower(Don’t) = %q", got)
	}
	if got := strings.Join(Tokens("So-called  EXPERTS!"), " "); got != "so - called experts !" {
		t.Errorf("Tokens = %q", got)
	}
}

func TestKindString(t *testing.T) {
	if got := (Fear | Flag).String(); got != "flag|fear" {
		t.Errorf("String = %q", got)
	}
	if got := Kind(0).String(); got != "none" {
		t.Errorf("String = %q", got)
	}
}

func TestStem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"threatens", "threaten"},
		{"threatened", "threaten"},
		{"threatening", "threaten"},
		{"policies", "policy"},
		{"glass", "glass"},
		{"trump's", "trump"},
		{"is", "is"},
	}
	for _, tt := range tests {
		if got := Stem(tt.in); got != tt.want {
			t.Errorf("Stem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIsWord(t *testing.T) {
	for w, want := range map[string]bool{"word": true, "9/11": true, "'s": true, "—": false, ",": false, "“": false, "é": true} {
		if got := IsWord(w); got != want {
			t.Errorf("IsWord(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestIsTitleCase(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"Corrupt Thugs Plunder the Nation While Their Minions Cheer", true},
		{"A Betrayal of Trust", true},                        // two words that count, both capitalised
		{"Live Updates (@LiveUpdates) August 1, 2018", true}, // numbers count neither way
		{"Senators Say the Plan Is a Betrayal of the Voters", true},
		{"The senators said the plan was a betrayal of the voters.", false},
		{"Donald Trump met reporters in Ohio on Tuesday.", false}, // names in prose
		{"Absolutely not!", false},                                // one word that counts is no title
		{"", false},
	}
	for _, tt := range tests {
		if got := IsTitleCase(doc.TextsOf(doc.New("t", tt.line).Words)); got != tt.want {
			t.Errorf("IsTitleCase(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestIsCapitalised(t *testing.T) {
	for w, want := range map[string]bool{"Iran": true, "Élysée": true, "iran": false, "1988": false, "“Iran": false, "": false} {
		if got := IsCapitalised(w); got != want {
			t.Errorf("IsCapitalised(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestFunctionWords(t *testing.T) {
	if _, err := wordClasses(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		w       string
		want    FunctionClass
		forward bool
	}{
		{"the", Determiner, true},
		{"their", Determiner, true},
		{"of", Preposition, true},
		{"without", Preposition, true},
		{"and", Conjunction, true},
		{"which", Conjunction, true},
		{"it", Pronoun, false},
		{"that", Pronoun, false},
		{"is", Auxiliary, false},
		{"up", NotFunction, false}, // a verb particle ends phrases: "lock her up"
		{"hero", NotFunction, false},
		{"The", NotFunction, false}, // lowercased words only
	} {
		got := Function(tt.w)
		if got != tt.want || got.LeansForward() != tt.forward {
			t.Errorf("Function(%q) = %v (leans forward %v), want %v (%v)", tt.w, got, got.LeansForward(), tt.want, tt.forward)
		}
	}
}

// TestFunctionOf checks that FunctionOf classes a token as written as
// Function does its lowered form: ASCII in any case, curly apostrophes,
// non-ASCII letters and words longer than its buffer.
func TestFunctionOf(t *testing.T) {
	for _, w := range []string{"the", "The", "THE", "Without", "wITHOUT", "It", "hero", "Hero", "",
		"Don’t", "don't", "İt", "Über", "Notwithstanding", "NOTWITHSTANDINGLY", "a-b", "Their"} {
		if got, want := FunctionOf(w), Function(Lower(w)); got != want {
			t.Errorf("FunctionOf(%q) = %v, want Function(Lower) = %v", w, got, want)
		}
	}
	if FunctionOf("The") != Determiner {
		t.Errorf("FunctionOf(%q) = %v, want %v", "The", FunctionOf("The"), Determiner)
	}
}

// TestIsWordASCII checks IsWord's ASCII shortcut against the definition
// (a letter or a digit, as unicode says) for every ASCII character alone
// and around non-ASCII text.
func TestIsWordASCII(t *testing.T) {
	want := func(w string) bool {
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return true
			}
		}
		return false
	}
	for c := range 128 {
		for _, w := range []string{string(rune(c)), string(rune(c)) + "—", "“" + string(rune(c)), "’" + string(rune(c)) + "é", "\xff" + string(rune(c))} {
			if got := IsWord(w); got != want(w) {
				t.Errorf("IsWord(%q) = %v, want %v", w, got, want(w))
			}
		}
	}
}

func TestLooksAdjective(t *testing.T) {
	for _, tt := range []struct {
		word string
		want bool
	}{
		{"glamorous", true}, {"foolish", true}, {"violent", true}, {"disgraceful", true},
		{"historic", true}, {"brutal", true}, {"so-called", false}, {"reckless", true},
		{"president", false}, {"government", false}, {"official", false}, {"deal", false},
		{"extremely", false}, {"evidence", false}, {"angry", false}, {"big", false}, {"ant", false},
	} {
		if got := LooksAdjective(tt.word); got != tt.want {
			t.Errorf("LooksAdjective(%q) = %v, want %v", tt.word, got, tt.want)
		}
	}
}

func TestIsLabelVerb(t *testing.T) {
	for w, want := range map[string]bool{"called": true, "branded": true, "describes": true, "labelled": true, "said": false, "calm": false, "term": false} {
		if got := IsLabelVerb(w); got != want {
			t.Errorf("IsLabelVerb(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestLooksAdverb(t *testing.T) {
	for w, want := range map[string]bool{"reportedly": true, "publicly": true, "clearly": true, "family": false,
		"supply": false, "rally": false, "only": false, "fly": false, "Reportedly": false, "daily": false} {
		if got := LooksAdverb(w); got != want {
			t.Errorf("LooksAdverb(%q) = %v, want %v", w, got, want)
		}
	}
}
