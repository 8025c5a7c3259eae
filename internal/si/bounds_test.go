package si

import (
	"strings"
	"testing"
	"unicode/utf8"

	"unspun/internal/doc"
)

func TestRepairBounds(t *testing.T) {
	tests := []struct {
		text, run string // run: the decoded words, a substring of text
		mode      nameMode
		want      string // "" when nothing is left
	}{
		// A fragment does not end on a word that needs a word after it.
		{"The dictators in Tehran lie.", "The dictators in", nameCut, "The dictators"},
		{"He is a serial killer without remorse.", "a serial killer without", nameCut, "a serial killer"},
		{"They will become a hero on the left.", "become a hero on the", nameCut, "become a hero"},
		{"Lies, and more lies and", "more lies and", nameCut, "more lies"},
		{"It is over because of", "because of", nameCut, ""},
		// It may end on a pronoun, an auxiliary or a particle.
		{"Lock her up now.", "Lock her up", nameCut, "Lock her up"},
		{"They hate them.", "They hate them", nameCut, "They hate them"},
		{"It is what it is.", "It is what it is", nameCut, "It is what it is"},
		// A closing quotation mark or bracket stays; an opening one goes.
		{`He called it "a hoax" today.`, `called it "a hoax"`, nameCut, `called it "a hoax"`},
		{"a total disaster (and", "a total disaster (and", nameCut, "a total disaster"},
		// Not inside a name: cut before it or take all of it.
		{"the embattled prime minister, Adel Abdul Mahdi, said", "embattled prime minister, Adel", nameCut, "embattled prime minister"},
		{"the embattled prime minister, Adel Abdul Mahdi, said", "embattled prime minister, Adel", nameExtend, "embattled prime minister, Adel Abdul Mahdi"},
		{"the embattled prime minister, Adel Abdul Mahdi, said", "embattled prime minister, Adel", nameKeep, "embattled prime minister, Adel"},
		{"says Donald Trump the liar", "Trump the liar", nameCut, "the liar"},
		{"says Donald Trump the liar", "Trump the liar", nameExtend, "Donald Trump the liar"},
		// A sentence's capitalised first word is not part of a name.
		{"The Iranian regime lies.", "Iranian regime", nameCut, "Iranian regime"},
		// Title case is not a name.
		{"Pope Francis Says Church Has Failed Again", "Francis Says Church", nameCut, "Francis Says Church"},
		{"Corrupt Thugs Plunder the Nation While Their Minions Cheer", "Minions Cheer", nameCut, "Minions Cheer"},
		{"The Shameful Cowards", "The Shameful", nameCut, "The Shameful"},         // two words that count are enough
		{"The Shameful Cowards of 2019", "The Shameful", nameCut, "The Shameful"}, // a number counts neither way
		// Not inside a hyphenated word.
		{"treasonous, Christian-hating bigots", "treasonous, Christian-", nameCut, "treasonous"},
		{"treasonous, Christian-hating bigots", "treasonous, Christian-", nameExtend, "treasonous, Christian-hating"},
		{"so-called experts", "called experts", nameCut, "experts"},
		{"Beneath a Chick-fil-A sign", "Beneath a Chick-fil-A", nameCut, "Beneath a Chick-fil-A"},
		{"so-called experts", "called experts", nameExtend, "so-called experts"},
	}
	saved := boundsMode
	defer func() { boundsMode = saved }()
	for _, tt := range tests {
		boundsMode.names, boundsMode.compounds = tt.mode, tt.mode
		d := doc.New("t", tt.text)
		i := strings.Index(tt.text, tt.run)
		if i < 0 {
			t.Fatalf("%q not in %q", tt.run, tt.text)
		}
		start := utf8.RuneCountInString(tt.text[:i])
		a, b := d.WordsIn(start, start+utf8.RuneCountInString(tt.run))
		a, b = repairBounds(d, a, b, 0, len(d.Words))
		got := ""
		if a < b {
			got = d.Slice(d.Words[a].Start, d.Words[b-1].End)
		}
		if got != tt.want {
			t.Errorf("mode %d: repair of %q in %q = %q, want %q", tt.mode, tt.run, tt.text, got, tt.want)
		}
	}
}
