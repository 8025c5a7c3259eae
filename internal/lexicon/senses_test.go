package lexicon_test

import (
	"fmt"
	"testing"

	"unspun/internal/lexicon"
)

func TestSupersenses(t *testing.T) {
	for _, tc := range []struct {
		word string
		want string
	}{
		{"fear", "noun.feeling|verb.emotion"},
		{"traitors", "noun.person"}, // plural to its lemma
		{"killed", "verb.contact"},  // past tense to its lemma
		{"children", "noun.person"}, // from the exception list
		{"nation", "noun.group"},
		{"the", "none"},  // a function word has no sense
		{"Fear", "none"}, // forms are lower case (Lower)
		{"qwxzv", "none"},
	} {
		if got := lexicon.WordSupersenses(tc.word).String(); got != tc.want {
			t.Errorf("WordSupersenses(%q) = %s, want %s", tc.word, got, tc.want)
		}
	}
	s := lexicon.WordSupersenses("fear")
	if !s.Has(12) || s.Has(18) {
		t.Errorf("Has: %s", s)
	}
	if got := lexicon.Supersense(44).String(); got != "adj.ppl" {
		t.Errorf("Supersense(44) = %s", got)
	}
}

func ExampleWordSupersenses() {
	for _, w := range []string{"terror", "patriots", "announced"} {
		fmt.Println(w, lexicon.WordSupersenses(w))
	}
	// Output:
	// terror noun.feeling
	// patriots noun.person
	// announced adj.all|verb.communication
}
