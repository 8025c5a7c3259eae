package si

import (
	"testing"

	"unspun/internal/doc"
)

// TestQuoteFeatureReadsDocRegions checks that the quotation feature fires
// on exactly the words of doc's quoted-speech regions, with guillemets and
// nested quotes as with plain ones: the classifier, the cues and the voice
// read the same regions.
func TestQuoteFeatureReadsDocRegions(t *testing.T) {
	for _, text := range []string{
		"The minister said «we will never surrender to them» on Monday.",
		"He said: “The “elites” lie to all of us” and left the room.",
		"She wrote ‹they lie› and «the “experts” were wrong» twice.",
	} {
		d := doc.New("", text)
		if len(d.Quotes) == 0 {
			t.Fatalf("%q: no quote found", text)
		}
		m := &Model{bits: 12}
		var di docInfo
		m.analyse(d, nil, &di)
		x := extractor{m: m, bits: m.bits}
		for i, w := range d.Words {
			x.out = x.out[:0]
			x.features(d, &di, i)
			got := false
			for _, f := range x.out {
				got = got || f.tpl == tQuote
			}
			if want := d.QuoteAt(w.Start) >= 0; got != want {
				t.Errorf("%q: word %q quoted feature %v, doc region %v", text, w.Text, got, want)
			}
		}
	}
}
