package analyze

import (
	"strings"
	"testing"

	"unspun/internal/doc"
	"unspun/internal/quotes"
)

// TestVoiceReadsDocRegions checks that a fragment's voice comes from the
// same quoted-speech region as the features and cues (doc's), with
// guillemets and nested quotes as with plain ones.
func TestVoiceReadsDocRegions(t *testing.T) {
	tests := []struct{ text, region, inside, outside, speaker string }{
		{"Smith said: «We will never surrender to the traitors and their masters».",
			"«We will never surrender to the traitors and their masters»", "never surrender", "Smith said", "Smith"},
		{"Jones said: “The “elites” lie to all of us every single day.”",
			"“The “elites” lie to all of us every single day.”", "elites", "Jones said", "Jones"},
		{"Smith told reporters ‹they lie to us about everything we see›.",
			"‹they lie to us about everything we see›", "lie to us", "told reporters", "Smith"},
	}
	for _, tt := range tests {
		d := doc.New("", tt.text)
		if len(d.Quotes) != 1 || d.TextOf(d.Quotes[0]) != tt.region {
			t.Fatalf("%q: doc regions %v, want %q", tt.text, d.Quotes, tt.region)
		}
		qs := quotes.Find(d)
		if len(qs) != 1 || qs[0].Span != d.Quotes[0] || qs[0].Speaker != tt.speaker {
			t.Fatalf("%q: quotes.Find = %+v, want doc's region with speaker %q", tt.text, qs, tt.speaker)
		}
		for _, c := range []struct {
			frag string
			want int
		}{{tt.inside, 0}, {tt.outside, -1}} {
			b := strings.Index(tt.text, c.frag)
			s, e := d.CodePoint(b), d.CodePoint(b+len(c.frag))
			if got := speechOf(d, qs, s, e); got != c.want {
				t.Errorf("%q: voice of %q: speech %d, want %d", tt.text, c.frag, got, c.want)
			}
			if got := d.QuoteOf(s, e); got != c.want {
				t.Errorf("%q: doc region of %q: %d, want %d", tt.text, c.frag, got, c.want)
			}
		}
	}
}
